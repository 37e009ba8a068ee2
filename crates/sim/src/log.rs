//! One partition's log: an append-only sequence of records, each with an offset that never
//! changes, kept in segments. An offset is given again only after an unclean leader election
//! truncated the log below it (see `cluster.rs`).
//!
//! ```text
//!  log start                       high watermark      log end
//!      |                                 |                 |
//!      v                                 v                 v
//!    [ 0 ][ 1 ][ 2 ][ 3 ][ 4 ][ 5 ][ 6 ][ 7 ][ 8 ]
//!    '--- segment 0 ---''---- segment 4 ----''-- active --
//! ```
//! The log start offset is the first offset still retained, the log end offset (LEO) is the
//! offset the next record gets. The high watermark belongs to the partition (see
//! `cluster`), but retention and compaction take it as an argument: neither ever touches a
//! record at or above it.
//!
//! **Storage.** Records are cheap: each segment keeps one byte arena for all its keys and
//! values and a vector of fixed-size [`RecordMeta`] (32 bytes) pointing into it, so a small
//! record costs about 32 bytes plus its payload and no heap allocation of its own.
//!
//! **Sizes.** Each record is counted as Kafka stores a record sent on its own: a record batch
//! header (61 bytes) plus `DefaultRecord.sizeInBytes` (varint lengths, see
//! [`record_size_in_bytes`]). `segment.bytes`, `retention.bytes` and the sticky partitioner's
//! `batch.size` all count these bytes.
//!
//! **Retention** ([`PartitionLog::delete_retained_segments`]) deletes whole segments from the
//! oldest, by `retention.ms` (the segment's largest timestamp is older) and `retention.bytes`,
//! only segments that end at or below the high watermark, and raises the log start offset, as
//! Kafka's `UnifiedLog.deleteOldSegments` does.
//!
//! **Compaction** ([`PartitionLog::compact`]) follows Kafka's `LogCleaner`: the dirty part of
//! the log (from the cleaner checkpoint to the first uncleanable offset: the active segment,
//! the high watermark, `min.compaction.lag.ms`) is scanned for the latest offset of each key;
//! every older record with that key is dropped; offsets of the kept records do not change.
//! Tombstones get a delete horizon (now + `delete.retention.ms`) the first time they are
//! cleaned (KIP-534) and are dropped by a later cleaning once it has passed.

use crate::config::TopicConfig;
use crate::error::SimError;
use crate::types::Offset;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A record header (`org.apache.kafka.common.header.Header`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub key: String,
    pub value: Option<String>,
}

/// One record (a passenger in its seat), owned. Keys and values are shown as UTF-8 (invalid
/// bytes replaced); [`RecordView`] gives the exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub offset: Offset,
    pub timestamp_ms: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    #[serde(default)]
    pub headers: Vec<Header>,
}

/// A record read in place, without copying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordView<'a> {
    pub offset: Offset,
    pub timestamp_ms: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [Header],
    /// Plain, part of a transaction, or a transaction marker.
    pub kind: BatchKind,
}

/// What kind of batch a record came in (Kafka's batch attributes: `isTransactional`,
/// `isControlBatch`, and the producer id of a transactional batch).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchKind {
    /// An ordinary record.
    #[default]
    Plain,
    /// A record written inside a transaction of `producer_id`: a `read_committed` consumer
    /// sees it once the transaction commits, never if it aborts.
    Transactional { producer_id: i64 },
    /// A control record: the COMMIT (`commit`) or ABORT marker that ends a transaction of
    /// `producer_id` in this partition. It takes an offset; no consumer ever returns it.
    Marker { producer_id: i64, commit: bool },
}

/// The largest producer id a transactional record can carry here (ids are handed out from
/// 0, one per producer instance).
pub const MAX_TXN_PRODUCER_ID: i64 = (1 << 29) - 2;

impl BatchKind {
    /// Packs the kind into a [`RecordMeta`] word: 0 plain, else `(pid + 1) << 2 | kind`.
    fn encode(self) -> u32 {
        let pack = |pid: i64, k: u32| ((pid.clamp(0, MAX_TXN_PRODUCER_ID) as u32 + 1) << 2) | k;
        match self {
            BatchKind::Plain => 0,
            BatchKind::Transactional { producer_id } => pack(producer_id, 1),
            BatchKind::Marker {
                producer_id,
                commit: true,
            } => pack(producer_id, 2),
            BatchKind::Marker {
                producer_id,
                commit: false,
            } => pack(producer_id, 3),
        }
    }

    fn decode(word: u32) -> Self {
        let producer_id = i64::from(word >> 2) - 1;
        match word & 3 {
            1 => BatchKind::Transactional { producer_id },
            2 => BatchKind::Marker {
                producer_id,
                commit: true,
            },
            3 => BatchKind::Marker {
                producer_id,
                commit: false,
            },
            _ => BatchKind::Plain,
        }
    }

    /// A control record (a transaction marker).
    pub fn is_marker(self) -> bool {
        matches!(self, BatchKind::Marker { .. })
    }

    /// The producer id of a transactional record or a marker.
    pub fn producer_id(self) -> Option<i64> {
        match self {
            BatchKind::Plain => None,
            BatchKind::Transactional { producer_id } | BatchKind::Marker { producer_id, .. } => {
                Some(producer_id)
            }
        }
    }
}

/// A transaction that ended with an ABORT marker in one partition (the broker's aborted
/// transaction index): its records from `first` to the marker at `last` are skipped by
/// `read_committed` consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbortedTxn {
    pub producer_id: i64,
    pub first: Offset,
    pub last: Offset,
}

/// The control record key Kafka writes (`ControlRecordType`: version 0, type 0 ABORT or 1
/// COMMIT) and its value (`EndTransactionMarker`: version 0, coordinator epoch 0).
pub fn marker_key_value(commit: bool) -> ([u8; 4], [u8; 6]) {
    let mut key = [0u8; 4];
    key[3] = u8::from(commit);
    (key, [0u8; 6])
}

impl<'a> RecordView<'a> {
    pub fn key_utf8(&self) -> Option<Cow<'a, str>> {
        self.key.map(String::from_utf8_lossy)
    }
    pub fn value_utf8(&self) -> Option<Cow<'a, str>> {
        self.value.map(String::from_utf8_lossy)
    }
    /// A tombstone: a record whose value is null.
    pub fn is_tombstone(&self) -> bool {
        self.value.is_none()
    }
    /// Its size as stored (batch header plus record), see [`record_size_in_bytes`].
    pub fn size_in_bytes(&self) -> u64 {
        record_size_in_bytes(self.key, self.value, self.headers)
    }
    pub fn to_record(&self) -> Record {
        Record {
            offset: self.offset,
            timestamp_ms: self.timestamp_ms,
            key: self.key_utf8().map(Cow::into_owned),
            value: self.value_utf8().map(Cow::into_owned),
            headers: self.headers.to_vec(),
        }
    }
}

fn varint_size(v: i64) -> u64 {
    // Zig-zag, then 7 bits per byte, as Kafka's ByteUtils.sizeOfVarint/sizeOfVarlong.
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    let mut n = 1;
    while z >= 0x80 {
        z >>= 7;
        n += 1;
    }
    n
}

fn bytes_field_size(b: Option<usize>) -> u64 {
    match b {
        None => 1,
        Some(len) => varint_size(len as i64) + len as u64,
    }
}

/// Kafka's record batch header (`DefaultRecordBatch.RECORD_BATCH_OVERHEAD`).
pub const RECORD_BATCH_OVERHEAD: u64 = 61;

/// Bytes a record takes on disk when sent as a batch of one: the 61-byte batch header plus
/// `DefaultRecord.sizeInBytes(offsetDelta = 0, timestampDelta = 0, key, value, headers)`.
pub fn record_size_in_bytes(key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header]) -> u64 {
    let mut body = 1 + 1 + 1; // attributes, timestamp delta 0, offset delta 0
    body += bytes_field_size(key.map(<[u8]>::len));
    body += bytes_field_size(value.map(<[u8]>::len));
    body += varint_size(headers.len() as i64);
    for h in headers {
        body += bytes_field_size(Some(h.key.len()));
        body += bytes_field_size(h.value.as_ref().map(String::len));
    }
    RECORD_BATCH_OVERHEAD + body + varint_size(body as i64)
}

const NULL: u32 = u32::MAX;

/// A record's fixed-size entry in a segment (32 bytes, 4-byte aligned); key and value bytes
/// live in the segment's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMeta {
    /// Offset minus the segment's base offset (Kafka's relative offset).
    offset_delta: u32,
    /// The timestamp's high and low 32 bits (kept as two words for 4-byte alignment).
    timestamp: [u32; 2],
    /// Start of the key in the arena; the value follows the key.
    start: u32,
    key_len: u32,
    value_len: u32,
    /// 1 + index into the segment's header lists, or 0 for no headers.
    headers: u32,
    /// The [`BatchKind`], packed (see [`BatchKind::encode`]).
    txn: u32,
}

/// A run of consecutive records, deleted or cleaned as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    base_offset: Offset,
    /// Virtual time of the first append, for `segment.ms`.
    created_ms: i64,
    size_bytes: u64,
    max_timestamp_ms: i64,
    records: Vec<RecordMeta>,
    #[serde(with = "serde_bytes")]
    arena: Vec<u8>,
    header_lists: Vec<Vec<Header>>,
}

impl RecordMeta {
    fn timestamp_ms(&self) -> i64 {
        ((u64::from(self.timestamp[0]) << 32) | u64::from(self.timestamp[1])) as i64
    }
}

fn split_timestamp(ts: i64) -> [u32; 2] {
    let u = ts as u64;
    [(u >> 32) as u32, u as u32]
}

/// The most offsets one segment can span (relative offsets are 32-bit, as in Kafka).
const MAX_SEGMENT_SPAN: i64 = u32::MAX as i64;

impl Segment {
    /// The absolute offset of a record of this segment.
    fn offset_of(&self, m: &RecordMeta) -> i64 {
        self.base_offset.0.saturating_add(i64::from(m.offset_delta))
    }

    fn new(base_offset: Offset, now_ms: i64) -> Self {
        Self {
            base_offset,
            created_ms: now_ms,
            size_bytes: 0,
            max_timestamp_ms: i64::MIN,
            records: Vec::new(),
            arena: Vec::new(),
            header_lists: Vec::new(),
        }
    }

    pub fn base_offset(&self) -> Offset {
        self.base_offset
    }
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }
    pub fn record_count(&self) -> usize {
        self.records.len()
    }
    /// The largest record timestamp in the segment (`i64::MIN` when empty).
    pub fn max_timestamp_ms(&self) -> i64 {
        self.max_timestamp_ms
    }
    /// The offset of its last record, if it has one.
    pub fn last_offset(&self) -> Option<Offset> {
        self.records.last().map(|r| Offset(self.offset_of(r)))
    }

    fn view(&self, m: &RecordMeta) -> RecordView<'_> {
        let start = m.start as usize;
        let key_len = if m.key_len == NULL {
            0
        } else {
            m.key_len as usize
        };
        let key = (m.key_len != NULL)
            .then(|| self.arena.get(start..start.saturating_add(key_len)))
            .flatten();
        let vstart = start.saturating_add(key_len);
        let value = (m.value_len != NULL)
            .then(|| {
                self.arena
                    .get(vstart..vstart.saturating_add(m.value_len as usize))
            })
            .flatten();
        let headers = match m.headers {
            0 => &[][..],
            i => self
                .header_lists
                .get(i as usize - 1)
                .map(Vec::as_slice)
                .unwrap_or(&[]),
        };
        RecordView {
            offset: Offset(self.offset_of(m)),
            timestamp_ms: m.timestamp_ms(),
            key,
            value,
            headers,
            kind: BatchKind::decode(m.txn),
        }
    }

    pub fn records(&self) -> impl Iterator<Item = RecordView<'_>> + '_ {
        self.records.iter().map(move |m| self.view(m))
    }

    fn push(
        &mut self,
        offset: Offset,
        timestamp_ms: i64,
        rec: &NewRecord<'_>,
        size: u64,
        kind: BatchKind,
    ) {
        let start = self.arena.len();
        let mut key_len = NULL;
        let mut value_len = NULL;
        if let Some(k) = rec.key {
            self.arena.extend_from_slice(k);
            key_len = k.len() as u32;
        }
        if let Some(v) = rec.value {
            self.arena.extend_from_slice(v);
            value_len = v.len() as u32;
        }
        let headers = if rec.headers.is_empty() {
            0
        } else {
            self.header_lists.push(rec.headers.to_vec());
            self.header_lists.len() as u32
        };
        self.records.push(RecordMeta {
            offset_delta: offset
                .0
                .saturating_sub(self.base_offset.0)
                .clamp(0, MAX_SEGMENT_SPAN) as u32,
            timestamp: split_timestamp(timestamp_ms),
            start: start as u32,
            key_len,
            value_len,
            headers,
            txn: kind.encode(),
        });
        self.size_bytes += size;
        self.max_timestamp_ms = self.max_timestamp_ms.max(timestamp_ms);
    }

    fn shrink(&mut self) {
        self.records.shrink_to_fit();
        self.arena.shrink_to_fit();
        self.header_lists.shrink_to_fit();
    }

    /// Index of the first record with offset >= `offset`.
    fn position(&self, offset: Offset) -> usize {
        let base = self.base_offset.0;
        // Fast path: no gaps (never compacted), the record sits at offset - base.
        if let Ok(i) = usize::try_from(offset.0.saturating_sub(base)) {
            if let Some(m) = self.records.get(i) {
                if self.offset_of(m) == offset.0 {
                    return i;
                }
            } else if self
                .records
                .last()
                .is_some_and(|m| i64::from(m.offset_delta) == self.records.len() as i64 - 1)
            {
                return self.records.len();
            }
        }
        self.records
            .partition_point(|m| self.offset_of(m) < offset.0)
    }

    /// Rebuilds the segment keeping only the records `keep` says yes to.
    fn retain(&mut self, mut keep: impl FnMut(&RecordView<'_>) -> bool) -> usize {
        let mut out = Segment::new(self.base_offset, self.created_ms);
        for m in &self.records {
            let v = self.view(m);
            if keep(&v) {
                let size = v.size_in_bytes();
                let rec = NewRecord {
                    key: v.key,
                    value: v.value,
                    headers: v.headers,
                };
                out.push(v.offset, v.timestamp_ms, &rec, size, v.kind);
            }
        }
        let removed = self.records.len() - out.records.len();
        out.max_timestamp_ms = self.max_timestamp_ms;
        out.shrink();
        *self = out;
        removed
    }
}

/// What a producer hands the log: borrowed key, value and headers.
#[derive(Debug, Clone, Copy)]
pub struct NewRecord<'a> {
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [Header],
}

impl NewRecord<'_> {
    pub fn size_in_bytes(&self) -> u64 {
        record_size_in_bytes(self.key, self.value, self.headers)
    }
}

/// A segment removed by retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedSegment {
    pub base_offset: Offset,
    /// One past its last offset (the next segment's base or the LEO).
    pub end_offset: Offset,
    pub records: usize,
    pub size_bytes: u64,
    pub reason: RetentionReason,
}

/// Why retention deleted a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionReason {
    /// `retention.ms`: its newest record is older than the retention time.
    Time,
    /// `retention.bytes`: the partition is larger than the retention size.
    Size,
    /// Below the log start offset (after `DeleteRecords`).
    LogStartOffset,
}

/// What one cleaner pass did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactionSummary {
    /// The log was cleaned from the log start up to (excluding) this offset.
    pub cleaned_up_to: Offset,
    pub records_removed: usize,
    pub tombstones_removed: usize,
    pub segments_before: usize,
    pub segments_after: usize,
}

/// One partition's log (one replica's, or the leader's shared by its in-sync followers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionLog {
    log_start_offset: Offset,
    log_end_offset: Offset,
    /// Never empty: the last one is the active segment.
    segments: Vec<Segment>,
    /// The cleaner checkpoint: records below it have been compacted.
    clean_offset: Offset,
    /// Tombstone offset -> delete horizon (ms), set when first cleaned.
    tombstone_horizons: BTreeMap<i64, i64>,
    size_bytes: u64,
    /// Open transactions (Kafka's `ProducerStateManager`): producer id -> the offset of its
    /// first record in this partition since its last marker.
    open_txns: BTreeMap<i64, Offset>,
    /// Transactions that ended with an ABORT marker, in marker order (the aborted
    /// transaction index); pruned below the log start offset.
    aborted_txns: Vec<AbortedTxn>,
}

impl Default for PartitionLog {
    fn default() -> Self {
        Self::new()
    }
}

impl PartitionLog {
    pub fn new() -> Self {
        Self {
            log_start_offset: Offset(0),
            log_end_offset: Offset(0),
            segments: vec![Segment::new(Offset(0), 0)],
            clean_offset: Offset(0),
            tombstone_horizons: BTreeMap::new(),
            size_bytes: 0,
            open_txns: BTreeMap::new(),
            aborted_txns: Vec::new(),
        }
    }

    pub fn log_start_offset(&self) -> Offset {
        self.log_start_offset
    }

    /// The offset the next appended record will get.
    pub fn log_end_offset(&self) -> Offset {
        self.log_end_offset
    }

    /// Total bytes of all segments.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The cleaner checkpoint (first dirty offset).
    pub fn clean_offset(&self) -> Offset {
        self.clean_offset
    }

    /// Number of records held.
    pub fn record_count(&self) -> usize {
        self.segments.iter().map(|s| s.records.len()).sum()
    }

    /// Every record from the log start to the LEO.
    pub fn records(&self) -> impl Iterator<Item = RecordView<'_>> + '_ {
        self.segments.iter().flat_map(Segment::records)
    }

    /// Owned copies of every record (for small logs and tests).
    pub fn to_records(&self) -> Vec<Record> {
        self.records().map(|r| r.to_record()).collect()
    }

    /// Appends a record at the LEO, rolling a new segment first if the active one is full
    /// (`segment.bytes`) or old (`segment.ms`). Returns the offset given and, if a segment was
    /// rolled, the new segment's base offset.
    pub fn append(
        &mut self,
        now_ms: i64,
        timestamp_ms: i64,
        rec: &NewRecord<'_>,
        config: &TopicConfig,
    ) -> Result<(Offset, Option<Offset>), SimError> {
        self.append_kind(now_ms, timestamp_ms, rec, config, BatchKind::Plain)
    }

    /// [`PartitionLog::append`] of a transactional record or a transaction marker: keeps
    /// the open transactions and the aborted transaction index up to date.
    pub fn append_kind(
        &mut self,
        now_ms: i64,
        timestamp_ms: i64,
        rec: &NewRecord<'_>,
        config: &TopicConfig,
        kind: BatchKind,
    ) -> Result<(Offset, Option<Offset>), SimError> {
        let size = rec.size_in_bytes();
        if size > config.max_message_bytes.max(0) as u64 {
            return Err(SimError::MessageTooLarge {
                size,
                max_message_bytes: config.max_message_bytes,
            });
        }
        // `message.timestamp.type=LogAppendTime`: the broker's clock replaces the producer's.
        let timestamp_ms = match config.message_timestamp_type {
            crate::config::TimestampType::CreateTime => timestamp_ms,
            crate::config::TimestampType::LogAppendTime => now_ms,
        };
        let offset = self.log_end_offset;
        let mut rolled = None;
        let needs_roll = match self.segments.last() {
            None => true,
            Some(active) => {
                !active.records.is_empty()
                    && (active.size_bytes + size > config.segment_bytes.max(0) as u64
                        || now_ms.saturating_sub(active.created_ms)
                            >= config.effective_segment_ms()
                        || active.arena.len() as u64 + size > u64::from(u32::MAX / 2)
                        || offset.0.saturating_sub(active.base_offset.0) >= MAX_SEGMENT_SPAN)
            }
        };
        if needs_roll {
            if let Some(active) = self.segments.last_mut() {
                active.shrink();
            }
            self.segments.push(Segment::new(offset, now_ms));
            rolled = Some(offset);
        }
        if let Some(active) = self.segments.last_mut() {
            if active.records.is_empty() {
                active.created_ms = now_ms;
                active.base_offset = offset;
            }
            active.push(offset, timestamp_ms, rec, size, kind);
        }
        self.log_end_offset = offset.next();
        self.size_bytes += size;
        self.track_txn(offset, kind);
        Ok((offset, rolled))
    }

    fn track_txn(&mut self, offset: Offset, kind: BatchKind) {
        match kind {
            BatchKind::Plain => {}
            BatchKind::Transactional { producer_id } => {
                self.open_txns.entry(producer_id).or_insert(offset);
            }
            BatchKind::Marker {
                producer_id,
                commit,
            } => {
                let first = self.open_txns.remove(&producer_id);
                if let (false, Some(first)) = (commit, first) {
                    self.aborted_txns.push(AbortedTxn {
                        producer_id,
                        first,
                        last: offset,
                    });
                }
            }
        }
    }

    /// Rebuilds the open transactions and the aborted index from the records (after a
    /// truncation removed some).
    fn rebuild_txn_index(&mut self) {
        let mut open = BTreeMap::new();
        let mut aborted = Vec::new();
        for r in self.records() {
            match r.kind {
                BatchKind::Plain => {}
                BatchKind::Transactional { producer_id } => {
                    open.entry(producer_id).or_insert(r.offset);
                }
                BatchKind::Marker {
                    producer_id,
                    commit,
                } => {
                    let first = open.remove(&producer_id);
                    if let (false, Some(first)) = (commit, first) {
                        aborted.push(AbortedTxn {
                            producer_id,
                            first,
                            last: r.offset,
                        });
                    }
                }
            }
        }
        // Aborted transactions whose data records retention or compaction already removed
        // stay in the index until the log start passes them.
        let cut = self.log_end_offset;
        let mut kept: Vec<AbortedTxn> = self
            .aborted_txns
            .iter()
            .copied()
            .filter(|a| a.last < cut && !aborted.iter().any(|b: &AbortedTxn| b.last == a.last))
            .collect();
        kept.extend(aborted);
        kept.sort_by_key(|a| a.last);
        self.aborted_txns = kept;
        self.open_txns = open;
    }

    /// The open transactions in this partition: producer id and first offset.
    pub fn open_transactions(&self) -> impl Iterator<Item = (i64, Offset)> + '_ {
        self.open_txns.iter().map(|(p, o)| (*p, *o))
    }

    /// The aborted transaction index.
    pub fn aborted_transactions(&self) -> &[AbortedTxn] {
        &self.aborted_txns
    }

    /// The first offset of the oldest open transaction (not below the log start), if any.
    pub fn first_unstable_offset(&self) -> Option<Offset> {
        self.open_txns
            .values()
            .min()
            .map(|o| (*o).max(self.log_start_offset))
    }

    /// A data record that is plain or of a committed transaction (not a marker, not of an
    /// open or aborted transaction).
    pub fn is_settled_data(&self, r: &RecordView<'_>) -> bool {
        match r.kind {
            BatchKind::Plain => true,
            BatchKind::Marker { .. } => false,
            BatchKind::Transactional { producer_id } => {
                !self.is_aborted(r)
                    && self
                        .open_txns
                        .get(&producer_id)
                        .is_none_or(|first| *first > r.offset)
            }
        }
    }

    /// Whether a record belongs to a transaction that aborted here (a `read_committed`
    /// consumer skips it).
    pub fn is_aborted(&self, r: &RecordView<'_>) -> bool {
        let BatchKind::Transactional { producer_id } = r.kind else {
            return false;
        };
        let from = self.aborted_txns.partition_point(|a| a.last < r.offset);
        // Only the transaction containing the record can have `first <= offset <= last`
        // (a record of the producer's open transaction lies past all its ABORT markers).
        self.aborted_txns[from..]
            .iter()
            .any(|a| a.producer_id == producer_id && a.first <= r.offset)
    }

    fn segment_index(&self, offset: Offset) -> usize {
        self.segments
            .partition_point(|s| s.base_offset <= offset)
            .saturating_sub(1)
    }

    /// Records from the first one at or after `from`, stopping before `upper` or after
    /// `max_records`. No bounds checks: see [`PartitionLog::check_fetch_offset`].
    pub fn read(
        &self,
        from: Offset,
        upper: Offset,
        max_records: usize,
    ) -> impl Iterator<Item = RecordView<'_>> + '_ {
        let si = self.segment_index(from);
        let first = self.segments.get(si).map_or(0, |s| s.position(from));
        self.segments
            .get(si..)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .flat_map(move |(i, s)| {
                let skip = if i == 0 { first } else { 0 };
                s.records
                    .get(skip..)
                    .unwrap_or(&[])
                    .iter()
                    .map(move |m| s.view(m))
            })
            .take_while(move |r| r.offset < upper)
            .take(max_records)
    }

    /// The record at exactly `offset`, if it is still in the log.
    pub fn record_at(&self, offset: Offset) -> Option<RecordView<'_>> {
        self.read(offset, offset.next(), 1).next()
    }

    /// `OFFSET_OUT_OF_RANGE` if `offset` is below the log start or above the LEO.
    pub fn check_fetch_offset(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
    ) -> Result<(), SimError> {
        if offset < self.log_start_offset.0 || offset > self.log_end_offset.0 {
            return Err(SimError::OffsetOutOfRange {
                topic: topic.to_string(),
                partition,
                offset,
                log_start_offset: self.log_start_offset,
                log_end_offset: self.log_end_offset,
            });
        }
        Ok(())
    }

    /// The first offset whose timestamp is at or after `timestamp_ms` (`offsetsForTimes`).
    pub fn offset_for_timestamp(&self, timestamp_ms: i64) -> Option<Offset> {
        self.records()
            .find(|r| r.timestamp_ms >= timestamp_ms)
            .map(|r| r.offset)
    }

    /// Removes every record at or after `offset` (a follower truncating its divergent tail,
    /// or a log becoming a new leader's). Returns the removed records.
    pub fn truncate_to(&mut self, offset: Offset) -> Vec<Record> {
        let offset = offset.max(self.log_start_offset);
        if offset >= self.log_end_offset {
            return Vec::new();
        }
        let removed: Vec<Record> = self
            .read(offset, self.log_end_offset, usize::MAX)
            .map(|r| r.to_record())
            .collect();
        let si = self.segment_index(offset);
        self.segments.truncate(si + 1);
        if let Some(seg) = self.segments.last_mut() {
            seg.retain(|r| r.offset < offset);
        }
        // Drop an emptied segment unless it is the only one.
        while self.segments.len() > 1 && self.segments.last().is_some_and(|s| s.records.is_empty())
        {
            self.segments.pop();
        }
        if let Some(last) = self.segments.last_mut() {
            if last.records.is_empty() {
                last.base_offset = offset;
            }
        }
        self.log_end_offset = offset;
        self.clean_offset = self.clean_offset.min(offset);
        self.tombstone_horizons.retain(|o, _| *o < offset.0);
        self.size_bytes = self.segments.iter().map(|s| s.size_bytes).sum();
        if !self.open_txns.is_empty() || !self.aborted_txns.is_empty() {
            self.rebuild_txn_index();
        }
        removed
    }

    /// The offset just past segment `i` (the next segment's base, or the LEO).
    fn segment_end(&self, i: usize) -> Offset {
        self.segments
            .get(i + 1)
            .map_or(self.log_end_offset, |s| s.base_offset)
    }

    /// Deletes from the oldest the segments retention allows (`retention.ms`,
    /// `retention.bytes`, the log start offset), never a segment that ends above the high
    /// watermark. Deleting every segment rolls an empty active segment at the LEO first.
    pub fn delete_retained_segments(
        &mut self,
        now_ms: i64,
        high_watermark: Offset,
        config: &TopicConfig,
    ) -> Vec<DeletedSegment> {
        let mut deleted = Vec::new();
        let mut excess_bytes = if config.retention_bytes >= 0 {
            (self.size_bytes as i64).saturating_sub(config.retention_bytes)
        } else {
            i64::MIN
        };
        while let Some(seg) = self.segments.first() {
            let end = self.segment_end(0);
            let is_last = self.segments.len() == 1;
            if end > high_watermark || (is_last && seg.records.is_empty()) {
                break;
            }
            let reason = if end <= self.log_start_offset {
                RetentionReason::LogStartOffset
            } else if config.retention_ms >= 0
                && !seg.records.is_empty()
                && now_ms.saturating_sub(seg.max_timestamp_ms) > config.retention_ms
            {
                RetentionReason::Time
            } else if excess_bytes != i64::MIN
                && excess_bytes.saturating_sub(seg.size_bytes as i64) >= 0
            {
                RetentionReason::Size
            } else {
                break;
            };
            if excess_bytes != i64::MIN {
                excess_bytes = excess_bytes.saturating_sub(seg.size_bytes as i64);
            }
            if is_last {
                // Kafka rolls a new active segment before deleting the last one.
                self.segments
                    .push(Segment::new(self.log_end_offset, now_ms));
            }
            let seg = self.segments.remove(0);
            self.size_bytes = self.size_bytes.saturating_sub(seg.size_bytes);
            deleted.push(DeletedSegment {
                base_offset: seg.base_offset,
                end_offset: end,
                records: seg.records.len(),
                size_bytes: seg.size_bytes,
                reason,
            });
            self.log_start_offset = self.log_start_offset.max(end);
        }
        if let Some(first) = self.segments.first() {
            if first.records.is_empty() && self.segments.len() == 1 {
                self.log_start_offset = self.log_start_offset.max(first.base_offset);
            }
        }
        self.clean_offset = self.clean_offset.max(self.log_start_offset);
        let start = self.log_start_offset.0;
        self.tombstone_horizons.retain(|o, _| *o >= start);
        let start = self.log_start_offset;
        self.aborted_txns.retain(|a| a.last >= start);
        deleted
    }

    /// Raises the log start offset (Kafka's `DeleteRecords`); whole segments below it go at
    /// the next retention pass. The caller checks `new_start <= high watermark`.
    pub fn advance_log_start_offset(&mut self, new_start: Offset) -> bool {
        if new_start <= self.log_start_offset || new_start > self.log_end_offset {
            return false;
        }
        self.log_start_offset = new_start;
        self.clean_offset = self.clean_offset.max(new_start);
        true
    }

    /// The first offset the cleaner may not touch: the active segment's base, the high
    /// watermark, and the first segment younger than `min.compaction.lag.ms`.
    fn first_uncleanable_offset(
        &self,
        now_ms: i64,
        high_watermark: Offset,
        config: &TopicConfig,
    ) -> Offset {
        let active_base = self
            .segments
            .last()
            .map_or(self.log_end_offset, |s| s.base_offset);
        let mut first = active_base.min(high_watermark);
        if config.min_compaction_lag_ms > 0 {
            for s in &self.segments {
                if now_ms.saturating_sub(s.max_timestamp_ms) < config.min_compaction_lag_ms {
                    first = first.min(s.base_offset);
                    break;
                }
            }
        }
        first
    }

    /// Whether the cleaner could have work here: records past its checkpoint, or
    /// tombstones waiting for their delete horizon.
    pub fn may_need_cleaning(&self) -> bool {
        self.clean_offset < self.log_end_offset || !self.tombstone_horizons.is_empty()
    }

    /// Number of whole segments that end at or below `limit`.
    fn segments_below(&self, limit: Offset) -> usize {
        let mut n = 0;
        while n < self.segments.len().saturating_sub(1) && self.segment_end(n) <= limit {
            n += 1;
        }
        n
    }

    /// Runs one cleaner pass if the log is dirty enough (`min.cleanable.dirty.ratio`) or a
    /// tombstone's delete horizon has passed. Returns what it did, or `None` if it did not
    /// clean.
    pub fn compact(
        &mut self,
        now_ms: i64,
        high_watermark: Offset,
        config: &TopicConfig,
    ) -> Option<CompactionSummary> {
        let uncleanable = self.first_uncleanable_offset(now_ms, high_watermark, config);
        let n = self.segments_below(uncleanable);
        if n == 0 {
            return None;
        }
        let end = self.segment_end(n - 1);
        // Dirty bytes from whole segments past the checkpoint, plus the records past it in
        // the one segment it falls in: O(segments), not O(records).
        let mut dirty_bytes = 0u64;
        let mut total_bytes = 0u64;
        for (i, s) in self.segments[..n].iter().enumerate() {
            total_bytes += s.size_bytes;
            if s.base_offset >= self.clean_offset {
                dirty_bytes += s.size_bytes;
            } else if self.segment_end(i) > self.clean_offset {
                dirty_bytes += s
                    .records()
                    .filter(|r| r.offset >= self.clean_offset)
                    .map(|r| r.size_in_bytes())
                    .sum::<u64>();
            }
        }
        let ratio = if total_bytes == 0 {
            0.0
        } else {
            dirty_bytes as f64 / total_bytes as f64
        };
        let horizon_passed = self
            .tombstone_horizons
            .iter()
            .any(|(o, h)| *o < end.0 && *h <= now_ms);
        let dirty_enough = dirty_bytes > 0 && ratio > config.min_cleanable_dirty_ratio;
        // `max.compaction.lag.ms` (Kafka's `LogCleanerManager.maxCompactionDelay`): a dirty
        // record older than the maximum lag forces a pass whatever the ratio.
        let overdue = dirty_bytes > 0
            && config.max_compaction_lag_ms < i64::MAX
            && self.segments[..n]
                .iter()
                .flat_map(|s| s.records())
                .find(|r| r.offset >= self.clean_offset)
                .is_some_and(|r| {
                    now_ms.saturating_sub(r.timestamp_ms) > config.max_compaction_lag_ms
                });
        if !dirty_enough && !horizon_passed && !overdue {
            return None;
        }
        // The offset map: latest offset of each key in the dirty section.
        // Records of aborted transactions are removed; markers are kept (Kafka removes a
        // marker only once no record of its transaction is left, after
        // `delete.retention.ms`: not modelled).
        let mut aborted = std::collections::BTreeSet::new();
        let mut latest: BTreeMap<&[u8], i64> = BTreeMap::new();
        for s in &self.segments[..n] {
            for r in s.records() {
                if self.is_aborted(&r) {
                    aborted.insert(r.offset.0);
                    continue;
                }
                if r.offset >= self.clean_offset && !r.kind.is_marker() {
                    if let Some(k) = r.key {
                        latest.insert(k, r.offset.0);
                    }
                }
            }
        }
        let latest: BTreeMap<Vec<u8>, i64> =
            latest.into_iter().map(|(k, o)| (k.to_vec(), o)).collect();
        let segments_before = self.segments.len();
        let mut records_removed = 0;
        let mut tombstones_removed = 0;
        let mut horizons = std::mem::take(&mut self.tombstone_horizons);
        let delete_retention = config.delete_retention_ms;
        for s in &mut self.segments[..n] {
            records_removed += s.retain(|r| {
                if r.kind.is_marker() {
                    return true;
                }
                if aborted.contains(&r.offset.0) {
                    return false;
                }
                let superseded = r
                    .key
                    .and_then(|k| latest.get(k))
                    .is_some_and(|o| *o > r.offset.0);
                if superseded {
                    horizons.remove(&r.offset.0);
                    return false;
                }
                if r.value.is_none() {
                    match horizons.get(&r.offset.0) {
                        Some(h) if *h <= now_ms => {
                            horizons.remove(&r.offset.0);
                            tombstones_removed += 1;
                            return false;
                        }
                        Some(_) => {}
                        None => {
                            horizons.insert(r.offset.0, now_ms.saturating_add(delete_retention));
                        }
                    }
                }
                true
            });
        }
        self.tombstone_horizons = horizons;
        // Merge the cleaned segments into groups that fit segment.bytes, dropping empty ones,
        // as Kafka's groupSegmentsBySize does.
        let cleaned: Vec<Segment> = self.segments.drain(..n).collect();
        let mut merged: Vec<Segment> = Vec::new();
        for s in cleaned {
            if s.records.is_empty() {
                continue;
            }
            match merged.last_mut() {
                Some(m)
                    if m.size_bytes + s.size_bytes <= config.segment_bytes.max(0) as u64
                        && s.last_offset().is_some_and(|o| {
                            o.0.saturating_sub(m.base_offset.0) < MAX_SEGMENT_SPAN
                        }) =>
                {
                    let max_ts = m.max_timestamp_ms.max(s.max_timestamp_ms);
                    for r in s.records() {
                        let rec = NewRecord {
                            key: r.key,
                            value: r.value,
                            headers: r.headers,
                        };
                        m.push(r.offset, r.timestamp_ms, &rec, r.size_in_bytes(), r.kind);
                    }
                    m.max_timestamp_ms = max_ts;
                    m.created_ms = s.created_ms;
                    m.shrink();
                }
                _ => merged.push(s),
            }
        }
        let rest = std::mem::take(&mut self.segments);
        self.segments = merged;
        self.segments.extend(rest);
        if self.segments.is_empty() {
            self.segments
                .push(Segment::new(self.log_end_offset, now_ms));
        }
        self.size_bytes = self.segments.iter().map(|s| s.size_bytes).sum();
        self.clean_offset = self.clean_offset.max(end);
        Some(CompactionSummary {
            cleaned_up_to: end,
            records_removed,
            tombstones_removed,
            segments_before,
            segments_after: self.segments.len(),
        })
    }

    /// Checks the log's own invariants: segments ordered, records strictly increasing within
    /// `[log start, LEO)`, and (if `contiguous`) no gaps.
    pub fn check_invariants(&self, contiguous: bool) -> Result<(), String> {
        if self.segments.is_empty() {
            return Err("a log has no segments".into());
        }
        if self.log_start_offset > self.log_end_offset {
            return Err(format!(
                "log start offset {} is above the log end offset {}",
                self.log_start_offset, self.log_end_offset
            ));
        }
        let mut prev: Option<i64> = None;
        let mut size = 0;
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 && s.base_offset <= self.segments[i - 1].base_offset {
                return Err(format!("segment {} is out of order", s.base_offset));
            }
            for m in &s.records {
                let off = s.offset_of(m);
                if Offset(off) >= self.segment_end(i) {
                    return Err(format!(
                        "offset {} lies outside its segment starting at {}",
                        off, s.base_offset
                    ));
                }
                let v = s.view(m);
                if (m.key_len != NULL && v.key.is_none())
                    || (m.value_len != NULL && v.value.is_none())
                {
                    return Err(format!("record {off} points outside its segment"));
                }
                size += v.size_in_bytes();
            }
            let seg_size: u64 = s.records().map(|r| r.size_in_bytes()).sum();
            if seg_size != s.size_bytes {
                return Err(format!("segment {} has a wrong size", s.base_offset));
            }
        }
        if size != self.size_bytes {
            return Err("the log's size is not the sum of its records".into());
        }
        for r in self.records() {
            if let Some(p) = prev {
                if r.offset.0 <= p {
                    return Err(format!("offset {} follows {p}", r.offset));
                }
                if contiguous && r.offset.0 != p + 1 {
                    return Err(format!("gap between offsets {p} and {}", r.offset));
                }
            }
            prev = Some(r.offset.0);
        }
        let retained: Vec<i64> = self
            .records()
            .filter(|r| r.offset >= self.log_start_offset)
            .map(|r| r.offset.0)
            .collect();
        if contiguous {
            let expected = (self.log_end_offset.0 - self.log_start_offset.0).max(0) as usize;
            if retained.len() != expected {
                return Err(format!(
                    "{} records between log start {} and log end {}",
                    retained.len(),
                    self.log_start_offset,
                    self.log_end_offset
                ));
            }
        }
        let mut open: BTreeMap<i64, Offset> = BTreeMap::new();
        for r in self.records() {
            match r.kind {
                BatchKind::Plain => {}
                BatchKind::Transactional { producer_id } => {
                    open.entry(producer_id).or_insert(r.offset);
                }
                BatchKind::Marker { producer_id, .. } => {
                    open.remove(&producer_id);
                }
            }
        }
        // Compaction may have removed an open transaction's first records (never: it stops
        // at the LSO), retention may have (the log start passed them): compare from there.
        for (pid, first) in &self.open_txns {
            match open.get(pid) {
                Some(o) if o.max(&self.log_start_offset) >= first => {}
                _ => {
                    return Err(format!(
                        "open transaction of producer {pid} from {first} does not match the records"
                    ))
                }
            }
        }
        if open.len() != self.open_txns.len() {
            return Err("a transaction is open in the records but not in the index".into());
        }
        if self.aborted_txns.windows(2).any(|w| w[0].last >= w[1].last) {
            return Err("the aborted transaction index is out of order".into());
        }
        if let Some(last) = prev {
            if last >= self.log_end_offset.0 {
                return Err(format!(
                    "record {last} is at or above the log end offset {}",
                    self.log_end_offset
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> TopicConfig {
        TopicConfig::default()
    }

    fn put(log: &mut PartitionLog, now: i64, key: Option<&str>, value: Option<&str>) -> Offset {
        let rec = NewRecord {
            key: key.map(str::as_bytes),
            value: value.map(str::as_bytes),
            headers: &[],
        };
        log.append(now, now, &rec, &cfg()).unwrap().0
    }

    fn put_with(log: &mut PartitionLog, now: i64, key: &str, value: Option<&str>, c: &TopicConfig) {
        let rec = NewRecord {
            key: Some(key.as_bytes()),
            value: value.map(str::as_bytes),
            headers: &[],
        };
        log.append(now, now, &rec, c).unwrap();
    }

    fn offsets(log: &PartitionLog) -> Vec<i64> {
        log.records().map(|r| r.offset.0).collect()
    }

    #[test]
    fn offsets_start_at_zero_and_grow_by_one_per_record() {
        let mut log = PartitionLog::new();
        assert_eq!(log.log_end_offset(), Offset(0));
        assert_eq!(put(&mut log, 0, None, Some("a")), Offset(0));
        assert_eq!(put(&mut log, 0, None, Some("b")), Offset(1));
        assert_eq!(put(&mut log, 0, Some("k"), None), Offset(2));
        assert_eq!(log.log_end_offset(), Offset(3));
        assert_eq!(offsets(&log), vec![0, 1, 2]);
        log.check_invariants(true).unwrap();
    }

    #[test]
    fn records_keep_their_key_value_timestamp_and_headers() {
        let mut log = PartitionLog::new();
        let headers = vec![Header {
            key: "trace".into(),
            value: Some("abc".into()),
        }];
        let rec = NewRecord {
            key: Some(b"seat"),
            value: Some(b"alice"),
            headers: &headers,
        };
        log.append(5, 1234, &rec, &cfg()).unwrap();
        let r = log.record_at(Offset(0)).unwrap().to_record();
        assert_eq!(r.key.as_deref(), Some("seat"));
        assert_eq!(r.value.as_deref(), Some("alice"));
        assert_eq!(r.timestamp_ms, 1234);
        assert_eq!(r.headers, headers);
    }

    #[test]
    fn record_size_matches_kafkas_default_record_layout() {
        // Key "k" (1 byte), value "v" (1 byte), no headers: body = attributes 1 + ts delta 1 +
        // offset delta 1 + key len 1 + key 1 + value len 1 + value 1 + header count 1 = 8,
        // plus its own varint length 1, plus the 61-byte batch header.
        assert_eq!(record_size_in_bytes(Some(b"k"), Some(b"v"), &[]), 61 + 9);
        // Null key and value are one byte each (varint -1).
        assert_eq!(record_size_in_bytes(None, None, &[]), 61 + 7);
        // A 64-byte value needs a two-byte varint length (zig-zag 128).
        let v = [0u8; 64];
        // body = 3 + null key 1 + (2 + 64) + header count 1 = 71, whose own varint is 2 bytes.
        assert_eq!(record_size_in_bytes(None, Some(&v), &[]), 61 + 71 + 2);
    }

    #[test]
    fn a_full_segment_rolls_a_new_one_at_the_log_end_offset() {
        let mut log = PartitionLog::new();
        let c = TopicConfig {
            segment_bytes: 200,
            ..cfg()
        };
        let mut rolls = Vec::new();
        for i in 0..6 {
            let rec = NewRecord {
                key: None,
                value: Some(b"0123456789"),
                headers: &[],
            };
            let (o, rolled) = log.append(i, i, &rec, &c).unwrap();
            assert_eq!(o, Offset(i));
            if let Some(b) = rolled {
                rolls.push(b.0);
            }
        }
        // Each record is 61 + 17 = 78 bytes: two fit in 200.
        assert_eq!(rolls, vec![2, 4]);
        let bases: Vec<i64> = log.segments().iter().map(|s| s.base_offset().0).collect();
        assert_eq!(bases, vec![0, 2, 4]);
        log.check_invariants(true).unwrap();
    }

    #[test]
    fn fetch_offset_below_log_start_or_above_log_end_is_out_of_range() {
        let mut log = PartitionLog::new();
        put(&mut log, 0, None, Some("a"));
        put(&mut log, 0, None, Some("b"));
        assert!(log.check_fetch_offset("t", 0, 0).is_ok());
        assert!(log.check_fetch_offset("t", 0, 2).is_ok());
        assert!(matches!(
            log.check_fetch_offset("t", 0, 3),
            Err(SimError::OffsetOutOfRange { offset: 3, .. })
        ));
        assert!(matches!(
            log.check_fetch_offset("t", 0, -1),
            Err(SimError::OffsetOutOfRange { offset: -1, .. })
        ));
    }

    #[test]
    fn read_stops_at_the_upper_bound_and_the_record_limit() {
        let mut log = PartitionLog::new();
        for _ in 0..10 {
            put(&mut log, 0, None, Some("x"));
        }
        let got: Vec<i64> = log
            .read(Offset(3), Offset(8), 100)
            .map(|r| r.offset.0)
            .collect();
        assert_eq!(got, vec![3, 4, 5, 6, 7]);
        let got: Vec<i64> = log
            .read(Offset(3), Offset(8), 2)
            .map(|r| r.offset.0)
            .collect();
        assert_eq!(got, vec![3, 4]);
    }

    #[test]
    fn truncation_removes_the_tail_and_returns_it() {
        let mut log = PartitionLog::new();
        let c = TopicConfig {
            segment_bytes: 100,
            ..cfg()
        };
        for i in 0..6 {
            put_with(&mut log, i, "k", Some("v"), &c);
        }
        let removed = log.truncate_to(Offset(3));
        assert_eq!(
            removed.iter().map(|r| r.offset.0).collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        assert_eq!(log.log_end_offset(), Offset(3));
        assert_eq!(offsets(&log), vec![0, 1, 2]);
        log.check_invariants(true).unwrap();
        // The next append reuses offset 3: it was never acknowledged to a consumer.
        assert_eq!(put(&mut log, 9, None, Some("new")), Offset(3));
        log.check_invariants(true).unwrap();
    }

    #[test]
    fn time_retention_deletes_old_segments_and_raises_the_log_start_offset() {
        let mut log = PartitionLog::new();
        let c = TopicConfig {
            segment_bytes: 100,
            retention_ms: 1000,
            ..cfg()
        };
        for i in 0..4 {
            put_with(&mut log, i * 100, "k", Some("v"), &c);
        }
        // One record per segment: bases 0,1,2,3 with timestamps 0,100,200,300.
        let deleted = log.delete_retained_segments(1150, Offset(4), &c);
        assert_eq!(
            deleted.iter().map(|d| d.base_offset.0).collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert!(deleted.iter().all(|d| d.reason == RetentionReason::Time));
        assert_eq!(log.log_start_offset(), Offset(2));
        assert_eq!(offsets(&log), vec![2, 3]);
        log.check_invariants(true).unwrap();
    }

    #[test]
    fn retention_never_deletes_at_or_above_the_high_watermark() {
        let mut log = PartitionLog::new();
        let c = TopicConfig {
            segment_bytes: 100,
            retention_ms: 0,
            ..cfg()
        };
        for i in 0..4 {
            put_with(&mut log, i, "k", Some("v"), &c);
        }
        let deleted = log.delete_retained_segments(10_000, Offset(2), &c);
        assert_eq!(deleted.len(), 2);
        assert_eq!(log.log_start_offset(), Offset(2));
        // HW at the LEO: everything may go, and an empty active segment is rolled.
        let deleted = log.delete_retained_segments(10_000, Offset(4), &c);
        assert_eq!(deleted.len(), 2);
        assert_eq!(log.log_start_offset(), Offset(4));
        assert_eq!(log.log_end_offset(), Offset(4));
        assert_eq!(log.record_count(), 0);
        log.check_invariants(true).unwrap();
        assert_eq!(put(&mut log, 10_001, None, Some("z")), Offset(4));
    }

    #[test]
    fn size_retention_keeps_the_log_under_retention_bytes() {
        let mut log = PartitionLog::new();
        let c = TopicConfig {
            segment_bytes: 100,
            retention_bytes: 150,
            ..cfg()
        };
        for i in 0..5 {
            put_with(&mut log, i, "k", Some("v"), &c);
        }
        // 5 segments of 70 bytes = 350 bytes, 200 too many. Kafka deletes a segment only
        // while the excess still covers it: 200 -> 130 -> 60, and 60 < 70 stops, leaving 210.
        let deleted = log.delete_retained_segments(5, Offset(5), &c);
        assert_eq!(deleted.len(), 2);
        assert!(deleted.iter().all(|d| d.reason == RetentionReason::Size));
        assert_eq!(log.size_bytes(), 210);
        assert_eq!(log.log_start_offset(), Offset(2));
    }

    fn compact_cfg() -> TopicConfig {
        TopicConfig {
            segment_bytes: 150,
            cleanup_policy: crate::config::CleanupPolicy::Compact,
            ..cfg()
        }
    }

    #[test]
    fn compaction_keeps_the_latest_record_per_key_and_leaves_offsets_unchanged() {
        let mut log = PartitionLog::new();
        let c = compact_cfg();
        for (k, v) in [
            ("a", "1"),
            ("b", "1"),
            ("a", "2"),
            ("c", "1"),
            ("b", "2"),
            ("x", "x"),
        ] {
            put_with(&mut log, 0, k, Some(v), &c);
        }
        // Segments of two records: [0,1] [2,3] [4,5(active)]. HW at the LEO.
        let s = log.compact(0, Offset(6), &c).unwrap();
        assert_eq!(s.cleaned_up_to, Offset(4));
        // Only the dirty part up to the active segment is mapped: a@2, b@1, c@3.
        // Record 1 (b) is kept: its newer value sits in the active segment, not yet cleanable.
        assert_eq!(offsets(&log), vec![1, 2, 3, 4, 5]);
        let kept: Vec<(i64, String)> = log
            .records()
            .map(|r| (r.offset.0, r.value_utf8().unwrap().into_owned()))
            .collect();
        assert_eq!(kept[1], (2, "2".to_string()));
        log.check_invariants(false).unwrap();
    }

    #[test]
    fn compaction_never_touches_records_at_or_above_the_high_watermark() {
        let mut log = PartitionLog::new();
        let c = compact_cfg();
        for v in ["1", "2", "3", "4", "5", "6"] {
            put_with(&mut log, 0, "a", Some(v), &c);
        }
        // HW 2: only the first segment [0,1] is cleanable.
        log.compact(0, Offset(2), &c).unwrap();
        assert_eq!(offsets(&log), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn tombstones_are_dropped_only_after_delete_retention_ms() {
        let mut log = PartitionLog::new();
        let c = TopicConfig {
            delete_retention_ms: 1000,
            min_cleanable_dirty_ratio: 0.0,
            ..compact_cfg()
        };
        put_with(&mut log, 0, "a", Some("1"), &c);
        put_with(&mut log, 0, "a", None, &c);
        put_with(&mut log, 0, "z", Some("1"), &c);
        put_with(&mut log, 0, "z", Some("2"), &c);
        put_with(&mut log, 0, "y", Some("1"), &c);
        // First cleaning at t=100: "a"=1 goes, the tombstone stays with a horizon of 1100.
        let s = log.compact(100, Offset(5), &c).unwrap();
        assert_eq!(s.records_removed, 2);
        assert_eq!(offsets(&log), vec![1, 3, 4]);
        // Before the horizon nothing changes.
        assert!(log.compact(500, Offset(5), &c).is_none());
        // After it, the tombstone goes.
        let s = log.compact(1100, Offset(5), &c).unwrap();
        assert_eq!(s.tombstones_removed, 1);
        assert_eq!(offsets(&log), vec![3, 4]);
        log.check_invariants(false).unwrap();
    }

    #[test]
    fn a_clean_log_is_not_cleaned_again_until_dirty_enough() {
        let mut log = PartitionLog::new();
        let c = compact_cfg();
        for k in ["a", "b", "c", "d", "e"] {
            put_with(&mut log, 0, k, Some("v"), &c);
        }
        assert!(log.compact(0, Offset(5), &c).is_some());
        assert!(log.compact(0, Offset(5), &c).is_none());
    }

    #[test]
    fn a_fetch_in_a_compacted_gap_returns_the_next_kept_record() {
        let mut log = PartitionLog::new();
        let c = compact_cfg();
        for (k, v) in [("a", "1"), ("a", "2"), ("b", "1"), ("b", "2"), ("c", "1")] {
            put_with(&mut log, 0, k, Some(v), &c);
        }
        log.compact(0, Offset(5), &c).unwrap();
        let first = log.read(Offset(0), Offset(5), 1).next().unwrap();
        assert_eq!(first.offset, Offset(1));
        let next = log.read(Offset(2), Offset(5), 1).next().unwrap();
        assert_eq!(next.offset, Offset(3));
    }

    #[test]
    fn a_record_entry_takes_32_bytes_and_keeps_any_timestamp() {
        assert_eq!(std::mem::size_of::<RecordMeta>(), 32);
        let mut log = PartitionLog::new();
        for ts in [i64::MIN, -1, 0, 1, 1_700_000_000_000, i64::MAX] {
            let rec = NewRecord {
                key: None,
                value: Some(b"v"),
                headers: &[],
            };
            let (o, _) = log.append(0, ts, &rec, &cfg()).unwrap();
            assert_eq!(log.record_at(o).unwrap().timestamp_ms, ts);
        }
    }

    #[test]
    fn a_corrupt_record_pointer_reads_as_missing_rather_than_panicking() {
        let mut log = PartitionLog::new();
        put(&mut log, 0, Some("k"), Some("v"));
        log.segments[0].records[0].start = 1_000_000;
        let r = log.record_at(Offset(0)).unwrap();
        assert_eq!(r.key, None);
        assert!(log.check_invariants(true).is_err());
    }
}
