//! Snapshots, sessions and the state hash.
//!
//! - A **snapshot** is the whole world in a compact binary form: the magic bytes `OEXW`, the
//!   format version ([`SNAPSHOT_VERSION`], little-endian u32), then the world encoded with
//!   `postcard`. [`World::restore`] checks the version, decodes and re-checks every invariant,
//!   so a damaged or hand-edited snapshot is refused (`CorruptSnapshot`), never trusted.
//! - A **session** is a seed, a config and the command log, serialised as JSON. Replaying it
//!   gives the same world, byte for byte: the world has no other input.
//! - The **state hash** is a 64-bit FNV-1a over the snapshot encoding, computed without
//!   building the bytes: two worlds with the same hash are (with overwhelming likelihood) the
//!   same world.

use crate::command::Command;
use crate::config::WorldConfig;
use crate::error::SimError;
use crate::event::Event;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// The snapshot format this build writes and reads.
/// Version 2 added the clients (consumer groups, consumers, producers) to the world; a
/// version 1 snapshot is refused as `UNSUPPORTED_VERSION`. Version 3 added played clients
/// (applications and their timers) and the delivery ledger's pruned totals; a version 2
/// snapshot is refused the same way (a session's command log replays it instead). Version 4
/// added the producers' `retry.backoff.max.ms` (KIP-580 exponential retry backoff). Version
/// 5 added the delivery ledger's retired totals (records lost to an unclean election or a
/// topic deletion). Version 6 added the topic configs `max.compaction.lag.ms`,
/// `message.timestamp.type` and `unclean.leader.election.enable` and the clients'
/// `allow.auto.create.topics`, `partitioner.ignore.keys`,
/// `partitioner.adaptive.partitioning.enable` and `max.in.flight.requests.per.connection`.
/// Version 7 added the brokers' `auto.create.topics.enable` and `num.partitions` and each
/// consumer's next metadata refresh. Version 8 added a producer's crashed state. Version 9
/// added transactions: each record's batch kind (plain, transactional, marker) and each
/// log's open and aborted transactions, the transaction coordinator, producers'
/// transactional state and settings, consumers' `isolation.level`, offsets sent to
/// transactions; it also carries the simulator's databases outside Kafka and each consumer's
/// `offset.store` / `results.store`. Version 10 added each group's subscribed topics as the
/// coordinator recorded them when its generation started (what `OffsetDelete` checks for
/// `GROUP_SUBSCRIBED_TO_TOPIC`); a version 9 snapshot is refused as `UNSUPPORTED_VERSION`
/// like the earlier ones, and a stored session rebuilds from its command log. Version 11
/// added each consumer's `metadata.max.age.ms` (a consumer config now, no longer a
/// constant); a version 10 snapshot is refused the same way. Version 12 added each
/// partition's leader epoch cache and each consumer's position epochs (KIP-320 truncation
/// detection).
pub const SNAPSHOT_VERSION: u32 = 12;
/// The session format this build writes and reads.
pub const SESSION_VERSION: u32 = 1;

const MAGIC: &[u8; 4] = b"OEXW";

struct Fnv1a(u64);

impl postcard::ser_flavors::Flavor for Fnv1a {
    type Output = u64;

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0 ^= u64::from(data);
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        let mut h = self.0;
        for b in data {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
        Ok(())
    }

    fn finalize(self) -> postcard::Result<u64> {
        Ok(self.0)
    }
}

impl World {
    /// The whole world as bytes (see the module docs for the format).
    pub fn snapshot(&self) -> Result<Vec<u8>, SimError> {
        let body = postcard::to_allocvec(self).map_err(|e| SimError::CorruptSnapshot {
            reason: format!("could not encode the world: {e}"),
        })?;
        let mut out = Vec::with_capacity(body.len() + 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// A world from [`World::snapshot`] bytes. Refuses other versions and any content that
    /// breaks the model's invariants.
    pub fn restore(bytes: &[u8]) -> Result<World, SimError> {
        let corrupt = |reason: String| SimError::CorruptSnapshot { reason };
        if bytes.len() < 8 || &bytes[..4] != MAGIC {
            return Err(corrupt("not an Offset Express snapshot".into()));
        }
        let version = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        if version != SNAPSHOT_VERSION {
            return Err(SimError::UnsupportedVersion {
                found: version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let world: World = postcard::from_bytes(&bytes[8..])
            .map_err(|e| corrupt(format!("cannot decode: {e}")))?;
        world
            .config()
            .validate()
            .map_err(|e| corrupt(format!("invalid config: {e}")))?;
        world.check_invariants().map_err(corrupt)?;
        Ok(world)
    }

    /// A cheap fingerprint of the whole state (FNV-1a over the snapshot encoding).
    pub fn state_hash(&self) -> u64 {
        postcard::serialize_with_flavor::<World, Fnv1a, u64>(self, Fnv1a(0xcbf2_9ce4_8422_2325))
            .unwrap_or(0)
    }
}

/// A seed, a config and the commands applied: everything needed to rebuild a world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub version: u32,
    pub seed: u64,
    pub config: WorldConfig,
    pub commands: Vec<Command>,
}

impl Session {
    pub fn new(seed: u64, config: WorldConfig) -> Self {
        Self {
            version: SESSION_VERSION,
            seed,
            config,
            commands: Vec::new(),
        }
    }

    /// The world at the start of the session.
    pub fn start(&self) -> World {
        World::new(self.seed, self.config.clone())
    }

    /// Applies `command` to `world` and, if it succeeded, records it.
    pub fn apply(&mut self, world: &mut World, command: Command) -> Result<Vec<Event>, SimError> {
        let events = world.apply(command.clone())?;
        self.commands.push(command);
        Ok(events)
    }

    /// Replays the first `steps` commands. A command that fails is skipped: a failed command
    /// never changes the world, so skipping it is exactly what happened the first time.
    pub fn replay_to(&self, steps: usize) -> Result<World, SimError> {
        if self.version != SESSION_VERSION {
            return Err(SimError::UnsupportedVersion {
                found: self.version,
                supported: SESSION_VERSION,
            });
        }
        let mut world = self.start();
        for c in self.commands.iter().take(steps) {
            let _ = world.apply(c.clone());
        }
        Ok(world)
    }

    /// Replays every command.
    pub fn replay(&self) -> Result<World, SimError> {
        self.replay_to(self.commands.len())
    }

    pub fn to_json(&self) -> Result<String, SimError> {
        serde_json::to_string(self).map_err(|e| SimError::CorruptSnapshot {
            reason: format!("could not encode the session: {e}"),
        })
    }

    pub fn from_json(s: &str) -> Result<Session, SimError> {
        let session: Session = serde_json::from_str(s).map_err(|e| SimError::CorruptSnapshot {
            reason: format!("not a session: {e}"),
        })?;
        if session.version != SESSION_VERSION {
            return Err(SimError::UnsupportedVersion {
                found: session.version,
                supported: SESSION_VERSION,
            });
        }
        Ok(session)
    }
}
