//! Simulator: databases outside Kafka, where an application keeps its results and, if it
//! chooses, its offsets (a simulator feature, not a Kafka API).
//!
//! The pattern of the `KafkaConsumer` documentation's "Storing Offsets Outside Kafka": the
//! application writes each result **and the offset after it in one database transaction**,
//! never commits to Kafka (`enable.auto.commit=false`, no `commitSync`), and its
//! `ConsumerRebalanceListener.onPartitionsAssigned` seeks each newly assigned partition to
//! the offset stored in the database. Whatever crashes, a result is in the database exactly
//! when its offset is: a restarted consumer reads on from the first record whose result is
//! missing, and nothing is written twice.
//!
//! - A **database** (`CreateDatabase`) has two tables: `results` (one row per record the
//!   application processed: topic, partition, offset, key, value, when, by which consumer
//!   of which application) and `offsets` (application → partition → the next offset to
//!   read). An application is its `group.id`, or the `client.id` of a consumer without one.
//! - A consumer with the simulator property `offset.store=DB` writes, as each record's
//!   processing finishes, its result row and its next offset in one atomic write (one
//!   transaction **per record**, so a crash in the middle of a batch keeps what finished).
//!   Before writing, the transaction reads the stored offset: a record below it is already
//!   in the database (a consumer that lost its partition and did not notice), and the
//!   transaction writes nothing ([`Event::ExternalWriteSkipped`]). Its rebalance listener
//!   seeks each newly assigned partition (and `assign` the given ones) to the stored offset;
//!   a partition with none stored is left to Kafka (the committed offset, which such an
//!   application never writes, else `auto.offset.reset`). It needs
//!   `enable.auto.commit=false`. Tools that read `__consumer_offsets`
//!   (`kafka-consumer-groups --describe`) see nothing of it, as with a real application.
//! - A consumer with `results.store=DB` writes its result rows only, with no offsets: its
//!   offsets are committed to Kafka as usual, in a separate step, so a crash between the
//!   two writes the same result again (the at-least-once duplicates, now in a table).

use super::ConsumerSlot;
use crate::consumer::ProcessedRecord;
use crate::error::SimError;
use crate::event::Event;
use crate::types::{Offset, TopicPartition};
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The longest database name.
pub const MAX_DATABASE_NAME: usize = 64;

/// The simulator's own consumer properties for databases (not Kafka configs): name and what
/// it does. The console accepts them beside Kafka's consumer configs.
pub const SIMULATOR_CONSUMER_PROPERTIES: [(&str, &str); 2] = [
    (
        "offset.store",
        "simulator, not a Kafka config: the database where the application writes each result with its next offset in one transaction; the rebalance listener seeks to the stored offsets (needs enable.auto.commit=false)",
    ),
    (
        "results.store",
        "simulator, not a Kafka config: the database where the application writes each result, without offsets (they are committed to Kafka as usual)",
    ),
];

/// Whether `name` can name a database: 1 to [`MAX_DATABASE_NAME`] ASCII letters, digits,
/// `.`, `_` or `-`; the error says what is wrong.
pub fn check_database_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a database name can't be empty".into());
    }
    if name.len() > MAX_DATABASE_NAME {
        return Err(format!(
            "a database name has at most {MAX_DATABASE_NAME} characters"
        ));
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        Some(c) => Err(format!(
            "'{c}' can't be in a database name: use letters, digits, '.', '_' or '-'"
        )),
        None => Ok(()),
    }
}

/// One row of a database's `results` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRow {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    /// When the write happened (virtual time).
    pub written_at_ms: i64,
    /// The consumer that processed the record.
    pub consumer: String,
    /// The application: the consumer's `group.id`, or its `client.id` without a group.
    pub app: String,
    /// Written together with its offset (`offset.store`); `false`: a results-only write
    /// (`results.store`).
    pub with_offset: bool,
}

/// One row of a database's `offsets` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOffset {
    pub app: String,
    pub topic: String,
    pub partition: i32,
    /// The next offset to read (1 + the offset of the last result written).
    pub offset: i64,
}

/// A database outside Kafka: results and offsets, written together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    pub(crate) results: Vec<ResultRow>,
    /// (application, partition) → the next offset to read.
    #[serde(with = "crate::assignor::serde_pairs")]
    pub(crate) offsets: BTreeMap<(String, TopicPartition), i64>,
    /// Writes skipped because the record was already stored (see the module doc).
    pub(crate) skipped: u64,
}

impl Database {
    /// The `results` table, in the order written.
    pub fn results(&self) -> &[ResultRow] {
        &self.results
    }

    /// The `offsets` table, by application and partition.
    pub fn offsets(&self) -> Vec<StoredOffset> {
        self.offsets
            .iter()
            .map(|((app, tp), o)| StoredOffset {
                app: app.clone(),
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: *o,
            })
            .collect()
    }

    /// The stored next offset of `app` for `tp`.
    pub fn stored_offset(&self, app: &str, tp: &TopicPartition) -> Option<i64> {
        self.offsets.get(&(app.to_string(), tp.clone())).copied()
    }

    /// How many writes were skipped because their record was already stored.
    pub fn skipped_writes(&self) -> u64 {
        self.skipped
    }

    /// Rows that repeat an earlier row of the same application for the same record: the
    /// duplicates a results-only store collects.
    pub fn duplicate_rows(&self) -> usize {
        let mut seen = BTreeSet::new();
        self.results
            .iter()
            .filter(|r| !seen.insert((&r.app, &r.topic, r.partition, r.offset)))
            .count()
    }
}

/// Where a consumer's application writes: the simulator properties `offset.store` and
/// `results.store` (at most one of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExternalStore {
    /// Results and offsets in one transaction per record; seek on assignment.
    Offsets(String),
    /// Results only; the offsets go to Kafka.
    Results(String),
}

impl ExternalStore {
    /// The database's name.
    pub fn database(&self) -> &str {
        match self {
            ExternalStore::Offsets(d) | ExternalStore::Results(d) => d,
        }
    }

    /// The property that chose it (`offset.store`, `results.store`).
    pub fn property(&self) -> &'static str {
        match self {
            ExternalStore::Offsets(_) => "offset.store",
            ExternalStore::Results(_) => "results.store",
        }
    }
}

/// One partition's position as the rebalance listener restored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoredOffset {
    pub topic: String,
    pub partition: i32,
    /// The stored offset the consumer was seeked to; `None`: nothing stored, Kafka's
    /// committed offset or `auto.offset.reset` decides at the next poll.
    pub offset: Option<i64>,
}

/// A record written by one transaction (in [`Event::ExternalWrite`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

fn invalid(reason: impl Into<String>) -> SimError {
    SimError::InvalidRequest {
        reason: reason.into(),
    }
}

/// The application a consumer writes as: its `group.id`, or its `client.id`.
fn app_of(slot: &ConsumerSlot) -> String {
    let c = slot.consumer.config();
    c.group_id.clone().unwrap_or_else(|| c.client_id.clone())
}

impl World {
    /// The database named `name`.
    pub fn database(&self, name: &str) -> Option<&Database> {
        self.clients.databases.get(name)
    }

    /// Every database, by name.
    pub fn databases(&self) -> impl Iterator<Item = (&str, &Database)> {
        self.clients.databases.iter().map(|(n, d)| (n.as_str(), d))
    }

    /// `CreateDatabase`.
    pub(crate) fn create_database(&mut self, name: &str) -> Result<Vec<Event>, SimError> {
        if let Err(reason) = check_database_name(name) {
            return Err(invalid(format!(
                "'{name}' is not a database name: {reason}"
            )));
        }
        if self.clients.databases.contains_key(name) {
            return Err(invalid(format!("a database named '{name}' exists already")));
        }
        self.clients
            .databases
            .insert(name.to_string(), Database::default());
        Ok(vec![Event::DatabaseCreated {
            database: name.to_string(),
        }])
    }

    /// A new consumer's `offset.store` / `results.store` names a database that exists.
    pub(crate) fn check_external_store(
        &self,
        store: Option<&ExternalStore>,
    ) -> Result<(), SimError> {
        match store {
            Some(s) if !self.clients.databases.contains_key(s.database()) => {
                Err(SimError::InvalidConfig {
                    name: s.property().to_string(),
                    reason: format!(
                        "names no database: there is no database '{}' (create it first)",
                        s.database()
                    ),
                })
            }
            _ => Ok(()),
        }
    }

    /// The rebalance listener of a consumer with `offset.store` (`onPartitionsAssigned`),
    /// and the seeks its application makes after `assign`: each partition goes to its
    /// stored offset.
    pub(crate) fn seek_to_stored_offsets(
        &mut self,
        name: &str,
        partitions: &[TopicPartition],
        events: &mut Vec<Event>,
    ) {
        let Some(slot) = self.clients.consumers.get(name) else {
            return;
        };
        let Some(ExternalStore::Offsets(db)) = slot.settings.external_store.clone() else {
            return;
        };
        if partitions.is_empty() || !slot.consumer.is_running() {
            return;
        }
        let app = app_of(slot);
        let assigned: BTreeSet<TopicPartition> = slot.consumer.assignment().into_iter().collect();
        let mut restored = Vec::new();
        for tp in partitions.iter().filter(|tp| assigned.contains(*tp)) {
            let stored = self
                .clients
                .databases
                .get(&db)
                .and_then(|d| d.stored_offset(&app, tp));
            restored.push(RestoredOffset {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: stored,
            });
        }
        if restored.is_empty() {
            return;
        }
        events.push(Event::OffsetsRestored {
            consumer: name.to_string(),
            database: db,
            partitions: restored.clone(),
        });
        for r in restored {
            if let Some(offset) = r.offset {
                let tp = TopicPartition::new(r.topic, r.partition);
                // Assigned and not negative: the seek cannot be refused.
                let _ = self.consumer_call(name, events, |c, _, _| c.seek(&tp, offset));
            }
        }
    }

    /// Records whose processing finished: the application writes them to its database,
    /// each in its own transaction.
    pub(crate) fn write_to_external_store(
        &mut self,
        name: &str,
        done: &[ProcessedRecord],
        events: &mut Vec<Event>,
    ) {
        let Some(slot) = self.clients.consumers.get(name) else {
            return;
        };
        let Some(store) = slot.settings.external_store.clone() else {
            return;
        };
        let app = app_of(slot);
        let with_offset = matches!(store, ExternalStore::Offsets(_));
        let now = self.now_ms;
        let mut rows = Vec::with_capacity(done.len());
        for r in done {
            // The record as the log holds it (gone if retention or truncation removed it).
            let record = self
                .partition(&r.partition.topic, r.partition.partition)
                .and_then(|p| {
                    p.log()
                        .read(Offset(r.offset), p.high_watermark(), 1)
                        .next()
                        .filter(|v| v.offset.0 == r.offset)
                        .map(|v| {
                            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                            (v.key.map(text), v.value.map(text))
                        })
                });
            rows.push(ResultRow {
                topic: r.partition.topic.clone(),
                partition: r.partition.partition,
                offset: r.offset,
                key: record.as_ref().and_then(|c| c.0.clone()),
                value: record.and_then(|c| c.1),
                written_at_ms: now,
                consumer: name.to_string(),
                app: app.clone(),
                with_offset,
            });
        }
        let Some(db) = self.clients.databases.get_mut(store.database()) else {
            return;
        };
        let mut written = Vec::new();
        for row in rows {
            let tp = TopicPartition::new(row.topic.clone(), row.partition);
            if with_offset {
                let key = (app.clone(), tp);
                if let Some(&stored) = db.offsets.get(&key) {
                    if row.offset < stored {
                        db.skipped = db.skipped.saturating_add(1);
                        events.push(Event::ExternalWriteSkipped {
                            consumer: name.to_string(),
                            database: store.database().to_string(),
                            topic: row.topic,
                            partition: row.partition,
                            offset: row.offset,
                            stored,
                        });
                        continue;
                    }
                }
                db.offsets.insert(key, row.offset.saturating_add(1));
            }
            written.push(WrittenRecord {
                topic: row.topic.clone(),
                partition: row.partition,
                offset: row.offset,
            });
            db.results.push(row);
        }
        if !written.is_empty() {
            events.push(Event::ExternalWrite {
                consumer: name.to_string(),
                database: store.database().to_string(),
                app,
                with_offsets: with_offset,
                records: written,
            });
        }
    }

    /// Database invariants: in every database, each record is written with its offset at
    /// most once per application, and each stored offset is one past the last such write
    /// of its partition.
    pub(crate) fn check_databases(&self) -> Result<(), String> {
        for (name, db) in &self.clients.databases {
            let mut last: BTreeMap<(&str, TopicPartition), i64> = BTreeMap::new();
            let mut seen = BTreeSet::new();
            for r in db.results.iter().filter(|r| r.with_offset) {
                if !seen.insert((&r.app, &r.topic, r.partition, r.offset)) {
                    return Err(format!(
                        "database {name} holds {}-{} offset {} of {} twice",
                        r.topic, r.partition, r.offset, r.app
                    ));
                }
                let tp = TopicPartition::new(r.topic.clone(), r.partition);
                let prev = last.insert((r.app.as_str(), tp), r.offset);
                if prev.is_some_and(|p| p >= r.offset) {
                    return Err(format!(
                        "database {name}: {} wrote {}-{} offset {} after offset {}",
                        r.app,
                        r.topic,
                        r.partition,
                        r.offset,
                        prev.unwrap_or_default()
                    ));
                }
            }
            if last.len() != db.offsets.len() {
                return Err(format!(
                    "database {name}: {} stored offsets for {} written partitions",
                    db.offsets.len(),
                    last.len()
                ));
            }
            for ((app, tp), o) in &last {
                let stored = db.offsets.get(&(app.to_string(), tp.clone()));
                if stored != Some(&(o + 1)) {
                    return Err(format!(
                        "database {name}: the stored offset of {app} for {tp} is {stored:?}, not {}",
                        o + 1
                    ));
                }
            }
        }
        Ok(())
    }
}
