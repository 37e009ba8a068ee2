//! The offset store: `__consumer_offsets`, a real internal compacted topic of the world.
//!
//! - A group's coordinator is the leader of partition
//!   `abs(javaStringHashCode(groupId)) % offsets.topic.num.partitions`, with Kafka's
//!   `Utils.abs` (`abs(Integer.MIN_VALUE) = 0`) and Java's `String.hashCode` over UTF-16 code
//!   units with 32-bit overflow ([`partition_for_group`]; `GroupMetadataManager.partitionFor`).
//! - A commit is a record keyed by (group, topic, partition) in Kafka's own binary schema
//!   (`OffsetCommitKey` version 1: int16 version, string group, string topic, int32
//!   partition) whose value is `OffsetCommitValue` version 3 (int16 version, int64 offset,
//!   int32 leader epoch, string metadata, int64 commit timestamp), big-endian as Kafka writes
//!   them. A tombstone (null value) deletes it; compaction keeps the latest per key.
//! - The **committed offset is the offset of the next record to read**: after processing
//!   offset 41 a consumer commits 42.
//! - Like Kafka's `GroupMetadataManager`, the store keeps a cache of the latest committed
//!   offsets: a commit is appended with `acks=all` and enters the cache only once the
//!   coordinator partition's high watermark passes it ([`crate::Event::OffsetCommitted`]);
//!   [`OffsetStore::committed`] reads the cache. A commit lost to a leader change before it
//!   was replicated fails ([`crate::Event::OffsetCommitFailed`]).
//! - Expiry (`offsets.retention.minutes`, KIP-211): an Empty group's offsets expire when the
//!   group has been empty that long; offsets of a group the coordinator does not track (a
//!   standalone consumer using `assign`) expire that long after their commit; an active group
//!   whose subscription is known loses offsets of topics it no longer subscribes to
//!   (KIP-496). Expired offsets are removed and written as tombstones.
//!
//! The consumer side (who commits, when) uses `World::commit_offsets`,
//! `World::committed_offset`, `World::delete_offsets` and `World::set_group_activity`.

use crate::types::{Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The internal topic's name.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// Java's `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping.
pub fn java_string_hash_code(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// Kafka's `Utils.abs`: `abs`, except that `Integer.MIN_VALUE` maps to 0.
pub fn kafka_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// The `__consumer_offsets` partition whose leader coordinates `group`.
pub fn partition_for_group(group: &str, offsets_partitions: i32) -> i32 {
    kafka_abs(java_string_hash_code(group)) % offsets_partitions.max(1)
}

/// A committed offset with its metadata (`OffsetAndMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetAndMetadata {
    /// The next offset to read.
    pub offset: Offset,
    pub leader_epoch: Option<i32>,
    pub metadata: String,
    pub commit_timestamp_ms: i64,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let len = bytes.len().min(i16::MAX as usize);
    out.extend_from_slice(&(len as i16).to_be_bytes());
    out.extend_from_slice(&bytes[..len]);
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Some(a)
    }
    fn i16(&mut self) -> Option<i16> {
        self.take(2).map(|b| i16::from_be_bytes([b[0], b[1]]))
    }
    fn i32(&mut self) -> Option<i32> {
        self.take(4)
            .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i64(&mut self) -> Option<i64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Some(i64::from_be_bytes(a))
    }
    fn string(&mut self) -> Option<String> {
        let len = usize::try_from(self.i16()?).ok()?;
        let b = self.take(len)?;
        String::from_utf8(b.to_vec()).ok()
    }
}

/// The record key of an offset commit (`OffsetCommitKey`, version 1).
pub fn encode_offset_commit_key(group: &str, tp: &TopicPartition) -> Vec<u8> {
    let mut out = Vec::with_capacity(10 + group.len() + tp.topic.len());
    out.extend_from_slice(&1i16.to_be_bytes());
    put_str(&mut out, group);
    put_str(&mut out, &tp.topic);
    out.extend_from_slice(&tp.partition.to_be_bytes());
    out
}

/// Decodes an offset commit key; `None` for other keys (group metadata) or bad bytes.
pub fn decode_offset_commit_key(bytes: &[u8]) -> Option<(String, TopicPartition)> {
    let mut r = Reader { buf: bytes };
    let version = r.i16()?;
    if version != 0 && version != 1 {
        return None;
    }
    let group = r.string()?;
    let topic = r.string()?;
    let partition = r.i32()?;
    r.buf
        .is_empty()
        .then(|| (group, TopicPartition::new(topic, partition)))
}

/// The record value of an offset commit (`OffsetCommitValue`, version 3).
pub fn encode_offset_commit_value(v: &OffsetAndMetadata) -> Vec<u8> {
    let mut out = Vec::with_capacity(26 + v.metadata.len());
    out.extend_from_slice(&3i16.to_be_bytes());
    out.extend_from_slice(&v.offset.0.to_be_bytes());
    out.extend_from_slice(&v.leader_epoch.unwrap_or(-1).to_be_bytes());
    put_str(&mut out, &v.metadata);
    out.extend_from_slice(&v.commit_timestamp_ms.to_be_bytes());
    out
}

/// Decodes an `OffsetCommitValue` version 3 written by [`encode_offset_commit_value`].
pub fn decode_offset_commit_value(bytes: &[u8]) -> Option<OffsetAndMetadata> {
    let mut r = Reader { buf: bytes };
    if r.i16()? != 3 {
        return None;
    }
    let offset = Offset(r.i64()?);
    let epoch = r.i32()?;
    let metadata = r.string()?;
    let commit_timestamp_ms = r.i64()?;
    r.buf.is_empty().then_some(OffsetAndMetadata {
        offset,
        leader_epoch: (epoch >= 0).then_some(epoch),
        metadata,
        commit_timestamp_ms,
    })
}

/// A readable rendering of a `__consumer_offsets` record, in the spirit of Kafka's offsets
/// message formatter: `[group,topic,partition]` and `offset=42 metadata= commit_ts=…`.
pub fn render_offsets_record(
    key: Option<&[u8]>,
    value: Option<&[u8]>,
) -> (Option<String>, Option<String>) {
    let k = key.map(|k| match decode_offset_commit_key(k) {
        Some((g, tp)) => format!("[{g},{},{}]", tp.topic, tp.partition),
        None => String::from_utf8_lossy(k).into_owned(),
    });
    let v = value.map(|v| match decode_offset_commit_value(v) {
        Some(o) => format!(
            "offset={} metadata={} commit_timestamp={}",
            o.offset, o.metadata, o.commit_timestamp_ms
        ),
        None => String::from_utf8_lossy(v).into_owned(),
    });
    (k, v)
}

/// What the coordinator knows of a group's life, for expiry. Core II sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupActivity {
    /// Members are in the group. With `Some(topics)`, offsets of other topics expire by
    /// their commit time (KIP-496); with `None` nothing expires.
    Active {
        subscribed_topics: Option<BTreeSet<String>>,
    },
    /// No members since `since_ms`: all its offsets expire together
    /// `offsets.retention.minutes` later.
    Empty { since_ms: i64 },
}

/// One group's committed offsets, by partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct GroupOffsets {
    #[serde(with = "crate::serde_util::map_as_pairs")]
    pub offsets: BTreeMap<TopicPartition, OffsetAndMetadata>,
}

/// A commit appended but not yet replicated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCommit {
    pub group: String,
    pub tp: TopicPartition,
    pub value: OffsetAndMetadata,
}

/// An offset commit sent to a transaction (`TxnOffsetCommit`): appended to
/// `__consumer_offsets` as a transactional record, committed only when the transaction's
/// COMMIT marker is written there and replicated, dropped if it aborts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnPendingCommit {
    pub producer_id: i64,
    /// The coordinator partition and the record's offset in it.
    pub partition: i32,
    pub log_offset: Offset,
    pub commit: PendingCommit,
    /// The offset of the COMMIT marker, once written.
    pub marker: Option<Offset>,
}

/// The coordinator's view of committed offsets (the cache in front of the internal topic).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OffsetStore {
    committed: BTreeMap<String, GroupOffsets>,
    /// (coordinator partition, log offset) -> commit waiting for the HW.
    #[serde(with = "crate::serde_util::map_as_pairs")]
    pending: BTreeMap<(i32, i64), PendingCommit>,
    groups: BTreeMap<String, GroupActivity>,
    /// Offsets sent to open (or committing) transactions, in append order.
    #[serde(default)]
    txn_pending: Vec<TxnPendingCommit>,
}

impl OffsetStore {
    /// The latest committed offset of `group` for `tp`.
    pub fn committed(&self, group: &str, tp: &TopicPartition) -> Option<&OffsetAndMetadata> {
        self.committed.get(group)?.offsets.get(tp)
    }

    /// All committed offsets of a group.
    pub fn group_offsets(
        &self,
        group: &str,
    ) -> Option<&BTreeMap<TopicPartition, OffsetAndMetadata>> {
        self.committed.get(group).map(|g| &g.offsets)
    }

    /// Groups that have committed offsets.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.committed.keys().map(String::as_str)
    }

    pub fn pending(&self) -> impl Iterator<Item = (&(i32, i64), &PendingCommit)> {
        self.pending.iter()
    }

    pub fn group_activity(&self, group: &str) -> Option<&GroupActivity> {
        self.groups.get(group)
    }

    pub(crate) fn set_group_activity(&mut self, group: &str, activity: Option<GroupActivity>) {
        match activity {
            Some(a) => {
                self.groups.insert(group.to_string(), a);
            }
            None => {
                self.groups.remove(group);
            }
        }
    }

    /// Offsets sent to transactions and not committed yet.
    pub fn txn_pending(&self) -> &[TxnPendingCommit] {
        &self.txn_pending
    }

    pub(crate) fn add_txn_pending(&mut self, c: TxnPendingCommit) {
        self.txn_pending.push(c);
    }

    /// The transaction of `producer_id` ended in `partition` with a marker at `marker`:
    /// a COMMIT makes its offsets wait for the marker's replication, an ABORT drops them.
    /// Returns the dropped ones.
    pub(crate) fn end_txn(
        &mut self,
        producer_id: i64,
        partition: i32,
        marker: Offset,
        commit: bool,
    ) -> Vec<PendingCommit> {
        let mut dropped = Vec::new();
        self.txn_pending.retain_mut(|c| {
            if c.producer_id != producer_id || c.partition != partition || c.marker.is_some() {
                return true;
            }
            if commit {
                c.marker = Some(marker);
                true
            } else {
                dropped.push(c.commit.clone());
                false
            }
        });
        dropped
    }

    /// Moves transactional commits of `partition` whose COMMIT marker is below `hw` into
    /// the cache, in log order, unless `superseded` says a later commit record for the same
    /// key is already in the log (Kafka compares the records' append offsets,
    /// `GroupMetadata.completePendingTxnOffsetCommit`).
    pub(crate) fn materialize_txn(
        &mut self,
        partition: i32,
        hw: Offset,
        superseded: impl Fn(&TxnPendingCommit) -> bool,
    ) -> Vec<PendingCommit> {
        let mut done = Vec::new();
        let mut keep = Vec::new();
        for c in std::mem::take(&mut self.txn_pending) {
            if c.partition == partition && c.marker.is_some_and(|m| m < hw) {
                if superseded(&c) {
                    continue;
                }
                self.committed
                    .entry(c.commit.group.clone())
                    .or_default()
                    .offsets
                    .insert(c.commit.tp.clone(), c.commit.value.clone());
                done.push(c.commit);
            } else {
                keep.push(c);
            }
        }
        self.txn_pending = keep;
        done
    }

    /// Drops transactional commits of `partition` whose record or marker is at or above
    /// `leo` (truncated away by an unclean election).
    pub(crate) fn fail_truncated_txn(&mut self, partition: i32, leo: Offset) -> Vec<PendingCommit> {
        let mut dropped = Vec::new();
        self.txn_pending.retain(|c| {
            let cut = c.partition == partition
                && (c.log_offset >= leo || c.marker.is_some_and(|m| m >= leo));
            if cut {
                dropped.push(c.commit.clone());
            }
            !cut
        });
        dropped
    }

    /// Forgets transactional commits of a deleted topic.
    pub(crate) fn drop_txn_topic(&mut self, topic: &str) {
        self.txn_pending.retain(|c| c.commit.tp.topic != topic);
    }

    pub(crate) fn add_pending(&mut self, partition: i32, log_offset: Offset, c: PendingCommit) {
        self.pending.insert((partition, log_offset.0), c);
    }

    /// Moves commits below `hw` of `partition` into the cache, in log order.
    pub(crate) fn materialize(&mut self, partition: i32, hw: Offset) -> Vec<PendingCommit> {
        let keys: Vec<(i32, i64)> = self
            .pending
            .range((partition, i64::MIN)..(partition, hw.0))
            .map(|(k, _)| *k)
            .collect();
        let mut done = Vec::new();
        for k in keys {
            if let Some(c) = self.pending.remove(&k) {
                self.committed
                    .entry(c.group.clone())
                    .or_default()
                    .offsets
                    .insert(c.tp.clone(), c.value.clone());
                done.push(c);
            }
        }
        done
    }

    /// Drops commits of `partition` at or above `leo` (truncated away).
    pub(crate) fn fail_truncated(&mut self, partition: i32, leo: Offset) -> Vec<PendingCommit> {
        let keys: Vec<(i32, i64)> = self
            .pending
            .range((partition, leo.0)..=(partition, i64::MAX))
            .map(|(k, _)| *k)
            .collect();
        keys.into_iter()
            .filter_map(|k| self.pending.remove(&k))
            .collect()
    }

    /// Whether a commit for (group, tp) is waiting for replication.
    pub fn has_pending(&self, group: &str, tp: &TopicPartition) -> bool {
        self.pending
            .values()
            .any(|c| c.group == group && c.tp == *tp)
    }

    /// Forgets commits for (group, tp) still waiting for replication: when they are
    /// replicated they no longer update the cache (`GroupMetadata.removeOffsets`).
    pub(crate) fn drop_pending(&mut self, group: &str, tp: &TopicPartition) {
        self.pending
            .retain(|_, c| !(c.group == group && c.tp == *tp));
    }

    /// The coordinator of `__consumer_offsets-cp` loads its cache again from the log, as a
    /// new coordinator does (`GroupMetadataManager.loadGroupsAndOffsets`): after an unclean
    /// election cut the log back, commits that were lost are gone from the cache and older
    /// ones count again. `records` are the (key, value) pairs below the HW, in log order;
    /// `partitions` the partition count. Returns what changed: the new value, or `None` for
    /// an offset no longer committed.
    pub(crate) fn reload<'a>(
        &mut self,
        cp: i32,
        partitions: i32,
        records: impl Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> Vec<(String, TopicPartition, Option<OffsetAndMetadata>)> {
        let mut latest: BTreeMap<(String, TopicPartition), Option<OffsetAndMetadata>> =
            BTreeMap::new();
        for (k, v) in records {
            if let Some((group, tp)) = decode_offset_commit_key(k) {
                latest.insert((group, tp), v.and_then(decode_offset_commit_value));
            }
        }
        let mut before: BTreeMap<(String, TopicPartition), OffsetAndMetadata> = BTreeMap::new();
        let groups: Vec<String> = self
            .committed
            .keys()
            .filter(|g| partition_for_group(g, partitions) == cp)
            .cloned()
            .collect();
        for g in groups {
            if let Some(offsets) = self.committed.remove(&g) {
                for (tp, v) in offsets.offsets {
                    before.insert((g.clone(), tp), v);
                }
            }
        }
        let mut changes = Vec::new();
        for ((g, tp), v) in &latest {
            if let Some(v) = v {
                self.committed
                    .entry(g.clone())
                    .or_default()
                    .offsets
                    .insert(tp.clone(), v.clone());
            }
            if before.get(&(g.clone(), tp.clone())) != v.as_ref() {
                changes.push((g.clone(), tp.clone(), v.clone()));
            }
        }
        for ((g, tp), _) in before {
            if !latest.contains_key(&(g.clone(), tp.clone())) {
                changes.push((g, tp, None));
            }
        }
        changes
    }

    /// Forgets every commit for `topic` still waiting for replication (the topic was
    /// deleted).
    pub(crate) fn drop_pending_topic(&mut self, topic: &str) {
        self.pending.retain(|_, c| c.tp.topic != topic);
    }

    /// Removes a committed offset from the cache.
    pub(crate) fn remove(&mut self, group: &str, tp: &TopicPartition) -> Option<OffsetAndMetadata> {
        let offsets = self.committed.get_mut(group)?;
        let old = offsets.offsets.remove(tp);
        if offsets.offsets.is_empty() {
            self.committed.remove(group);
        }
        old
    }

    /// The committed offsets that have expired at `now_ms`.
    pub(crate) fn expired(
        &self,
        now_ms: i64,
        retention_ms: i64,
    ) -> Vec<(String, TopicPartition, Offset)> {
        let mut out = Vec::new();
        for (group, offsets) in &self.committed {
            for (tp, o) in &offsets.offsets {
                // Kafka skips partitions with a commit in flight.
                if self.has_pending(group, tp) {
                    continue;
                }
                let base = match self.groups.get(group) {
                    Some(GroupActivity::Empty { since_ms }) => Some(*since_ms),
                    Some(GroupActivity::Active {
                        subscribed_topics: Some(topics),
                    }) if !topics.contains(&tp.topic) => Some(o.commit_timestamp_ms),
                    Some(GroupActivity::Active { .. }) => None,
                    None => Some(o.commit_timestamp_ms),
                };
                if base.is_some_and(|b| now_ms.saturating_sub(b) >= retention_ms) {
                    out.push((group.clone(), tp.clone(), o.offset));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_string_hash_code_matches_java() {
        // Values printed by Java's "…".hashCode().
        assert_eq!(java_string_hash_code(""), 0);
        assert_eq!(java_string_hash_code("a"), 97);
        assert_eq!(java_string_hash_code("ab"), 97 * 31 + 98);
        assert_eq!(java_string_hash_code("hello"), 99_162_322);
        // Overflow wraps: "polygenelubricants" is a well-known string whose hash is MIN_VALUE.
        assert_eq!(java_string_hash_code("polygenelubricants"), i32::MIN);
        // Characters outside the BMP count as two UTF-16 code units.
        let smile = "\u{1F600}";
        let expected = 0xD83Di32.wrapping_mul(31).wrapping_add(0xDE00);
        assert_eq!(java_string_hash_code(smile), expected);
    }

    /// Kafka's `UtilsTest.testAbs`.
    #[test]
    fn kafka_abs_matches_kafkas_utils_test() {
        assert_eq!(kafka_abs(i32::MIN), 0);
        assert_eq!(kafka_abs(-10), 10);
        assert_eq!(kafka_abs(10), 10);
        assert_eq!(kafka_abs(0), 0);
        assert_eq!(kafka_abs(-1), 1);
    }

    #[test]
    fn abs_of_min_value_is_zero_so_that_group_lands_on_partition_zero() {
        assert_eq!(kafka_abs(i32::MIN), 0);
        assert_eq!(kafka_abs(-5), 5);
        assert_eq!(partition_for_group("polygenelubricants", 50), 0);
    }

    #[test]
    fn coordinator_partition_is_abs_hash_mod_partition_count() {
        // "hello".hashCode() = 99162322; % 50 = 22.
        assert_eq!(partition_for_group("hello", 50), 22);
        // A negative hash: "my-group".hashCode() computed step by step in the test.
        let h = java_string_hash_code("my-group");
        assert_eq!(partition_for_group("my-group", 50), h.abs() % 50);
        assert!((0..50).contains(&partition_for_group("my-group", 50)));
    }

    #[test]
    fn commit_key_and_value_round_trip_in_kafkas_binary_layout() {
        let tp = TopicPartition::new("orders", 3);
        let key = encode_offset_commit_key("g", &tp);
        // version 1, "g", "orders", partition 3.
        assert_eq!(
            key,
            vec![0, 1, 0, 1, b'g', 0, 6, b'o', b'r', b'd', b'e', b'r', b's', 0, 0, 0, 3]
        );
        assert_eq!(decode_offset_commit_key(&key), Some(("g".into(), tp)));
        let v = OffsetAndMetadata {
            offset: Offset(42),
            leader_epoch: None,
            metadata: "m".into(),
            commit_timestamp_ms: 7,
        };
        let bytes = encode_offset_commit_value(&v);
        assert_eq!(bytes.len(), 2 + 8 + 4 + 3 + 8);
        assert_eq!(decode_offset_commit_value(&bytes), Some(v));
        assert_eq!(decode_offset_commit_value(&bytes[..5]), None);
        assert_eq!(decode_offset_commit_key(&[0, 1, 0, 9]), None);
    }

    #[test]
    fn offsets_records_render_like_kafkas_formatter() {
        let tp = TopicPartition::new("t", 0);
        let key = encode_offset_commit_key("g", &tp);
        let v = encode_offset_commit_value(&OffsetAndMetadata {
            offset: Offset(5),
            leader_epoch: None,
            metadata: String::new(),
            commit_timestamp_ms: 1,
        });
        let (k, v) = render_offsets_record(Some(&key), Some(&v));
        assert_eq!(k.as_deref(), Some("[g,t,0]"));
        assert_eq!(v.as_deref(), Some("offset=5 metadata= commit_timestamp=1"));
    }
}
