//! The model's invariants: the cheap ones checked after every command in debug builds, and
//! the full check with the log and offset-store scans.

use super::{World, OFFSETS_TOPIC};
use crate::offsets;
use std::collections::BTreeMap;

impl World {
    /// Checks every invariant of the model; used by the property tests and on restore.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.brokers.is_empty() {
            return Err("no brokers".into());
        }
        for (name, t) in &self.topics {
            if *name != t.name {
                return Err(format!("topic '{}' filed under '{name}'", t.name));
            }
            t.config.validate().map_err(|e| e.to_string())?;
            for (i, p) in t.partitions.iter().enumerate() {
                if p.index() != i as i32 || p.topic() != name {
                    return Err(format!("partition {i} of '{name}' is misfiled"));
                }
                for r in p.replicas() {
                    if !self.brokers.contains_key(&r.broker) {
                        return Err(format!(
                            "{name}-{i}: replica on unknown broker {}",
                            r.broker
                        ));
                    }
                }
                let mut ids = p.replica_ids();
                ids.sort();
                ids.dedup();
                if ids.len() != p.replicas().len() {
                    return Err(format!("{name}-{i}: two replicas on one broker"));
                }
                p.check_invariants(&self.brokers, t.config.cleanup_policy.compacts())?;
            }
        }
        self.check_offset_store()?;
        self.check_databases()?;
        self.check_transactions()?;
        self.check_clients()
    }

    /// The invariants that cost O(partitions + clients), without reading a log: per
    /// partition log start ≤ HW ≤ LEO, a non-empty ISR of replicas and a running leader in
    /// it (see [`crate::cluster::Partition::check_replication_state`]); LSO ≤ HW and the
    /// transaction coordinator's entries; the groups', consumers', producers' and
    /// applications' own checks. [`World::apply`] runs them after every command in debug builds;
    /// [`World::check_invariants`] adds the log, offset-store and database scans.
    pub fn check_cheap_invariants(&self) -> Result<(), String> {
        for t in self.topics.values() {
            for p in &t.partitions {
                p.check_replication_state(&self.brokers)?;
            }
        }
        self.check_transactions()?;
        self.check_clients()
    }

    /// Every cached committed offset is the latest record for its key below the HW of its
    /// coordinator partition.
    fn check_offset_store(&self) -> Result<(), String> {
        let Some(t) = self.topics.get(OFFSETS_TOPIC) else {
            return Err("no __consumer_offsets topic".into());
        };
        if t.config.cleanup_policy.deletes() {
            return Ok(());
        }
        let mut latest: BTreeMap<(i32, Vec<u8>), Option<Vec<u8>>> = BTreeMap::new();
        for p in &t.partitions {
            let log = p.log();
            for r in log.read(p.log_start_offset(), p.high_watermark(), usize::MAX) {
                // Markers, records of open or aborted transactions and committed ones
                // whose marker is not replicated yet are not in the cache.
                let waiting = self
                    .offsets
                    .txn_pending()
                    .iter()
                    .any(|c| c.partition == p.index() && c.log_offset == r.offset);
                if !log.is_settled_data(&r) || waiting {
                    continue;
                }
                if let Some(k) = r.key {
                    latest.insert((p.index(), k.to_vec()), r.value.map(<[u8]>::to_vec));
                }
            }
        }
        for group in self.offsets.groups() {
            let cp = self.coordinator_partition(group);
            for (tp, v) in self.offsets.group_offsets(group).into_iter().flatten() {
                let k = offsets::encode_offset_commit_key(group, tp);
                let expected = offsets::encode_offset_commit_value(v);
                match latest.get(&(cp, k)) {
                    Some(Some(found)) if *found == expected => {}
                    _ => {
                        return Err(format!(
                            "committed offset of {group} for {tp} is not the latest record in __consumer_offsets-{cp}"
                        ))
                    }
                }
            }
        }
        for ((cp, _), _) in self.offsets.pending() {
            if t.partition(*cp).is_none() {
                return Err(format!("pending commit on missing partition {cp}"));
            }
        }
        Ok(())
    }
}
