//! Records: a consumer's fetch and `ListOffsets`, the produce path, `DeleteRecords`.

use super::{segment_deleted, unknown, FetchResult, OffsetSpec, World};
use crate::cluster::Partition;
use crate::config::{Acks, TopicConfig};
use crate::error::SimError;
use crate::event::Event;
use crate::log::{BatchKind, Header, NewRecord, Record, RecordView};
use crate::partitioner::PartitionChoice;
use crate::types::{Offset, TopicPartition};

impl World {
    /// A consumer fetch (`read_uncommitted`): records from `offset`, at most `max_records`,
    /// all below the high watermark. `OFFSET_OUT_OF_RANGE` below the log start offset or
    /// above the log end offset; `LEADER_NOT_AVAILABLE` when the partition is offline.
    pub fn fetch(
        &self,
        tp: &TopicPartition,
        offset: Offset,
        max_records: usize,
    ) -> Result<FetchResult, SimError> {
        let (views, meta) = self.fetch_views(tp, offset, max_records)?;
        let records: Vec<Record> = views.map(|v| v.to_record()).collect();
        let next_offset = match records.last() {
            Some(r) => r.offset.next(),
            None if offset < meta.high_watermark => meta.high_watermark,
            None => offset,
        };
        Ok(FetchResult {
            topic: tp.topic.clone(),
            partition: tp.partition,
            records,
            next_offset,
            high_watermark: meta.high_watermark,
            log_start_offset: meta.log_start_offset,
            log_end_offset: meta.log_end_offset,
        })
    }

    /// [`World::fetch`] without copying: the records as views into the log, and the
    /// partition's offsets (`records` of the returned [`FetchResult`] is empty).
    pub fn fetch_views(
        &self,
        tp: &TopicPartition,
        offset: Offset,
        max_records: usize,
    ) -> Result<(impl Iterator<Item = RecordView<'_>> + '_, FetchResult), SimError> {
        let p = self.partition_checked(&tp.topic, tp.partition)?;
        if p.leader().is_none() {
            return Err(SimError::LeaderNotAvailable {
                topic: tp.topic.clone(),
                partition: tp.partition,
            });
        }
        p.log()
            .check_fetch_offset(&tp.topic, tp.partition, offset.0)?;
        let hw = p.high_watermark();
        let meta = FetchResult {
            topic: tp.topic.clone(),
            partition: tp.partition,
            records: Vec::new(),
            next_offset: offset,
            high_watermark: hw,
            log_start_offset: p.log_start_offset(),
            log_end_offset: p.log_end_offset(),
        };
        // Transaction markers take offsets but are never returned as records.
        Ok((
            p.log()
                .read(offset, hw, usize::MAX)
                .filter(|v| !v.kind.is_marker())
                .take(max_records),
            meta,
        ))
    }

    /// `ListOffsets`: the log start offset, the high watermark, or the first offset at or
    /// after a timestamp (below the HW; the HW if there is none).
    pub fn list_offset(&self, tp: &TopicPartition, spec: OffsetSpec) -> Result<Offset, SimError> {
        let p = self.partition_checked(&tp.topic, tp.partition)?;
        Ok(match spec {
            OffsetSpec::Earliest => p.log_start_offset(),
            OffsetSpec::Latest => p.high_watermark(),
            OffsetSpec::Timestamp { timestamp_ms } => p
                .log()
                .offset_for_timestamp(timestamp_ms)
                .filter(|o| *o < p.high_watermark())
                .unwrap_or(p.high_watermark()),
        })
    }

    /// Produces one record as the world's built-in producer would (`Command::Produce`).
    #[allow(clippy::too_many_arguments)]
    pub fn produce(
        &mut self,
        topic: &str,
        partition: Option<i32>,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
        timestamp_ms: Option<i64>,
        acks: Option<Acks>,
    ) -> Result<Vec<Event>, SimError> {
        self.produce_as(
            topic,
            partition,
            key,
            value,
            headers,
            timestamp_ms,
            acks,
            BatchKind::Plain,
        )
    }

    /// [`World::produce`] of a transactional record (a producer's batch in a transaction).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn produce_as(
        &mut self,
        topic: &str,
        partition: Option<i32>,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
        timestamp_ms: Option<i64>,
        acks: Option<Acks>,
        kind: BatchKind,
    ) -> Result<Vec<Event>, SimError> {
        let t = self
            .topics
            .get(topic)
            .ok_or_else(|| unknown(topic, partition))?;
        if t.internal {
            return Err(SimError::InvalidTopic {
                topic: topic.to_string(),
                reason: "is internal: clients cannot produce to it".into(),
            });
        }
        let acks = acks.unwrap_or(self.config.producer.acks);
        let n = t.partition_count();
        let rec = NewRecord {
            key,
            value,
            headers,
        };
        let size = rec.size_in_bytes();
        if size > t.config.max_message_bytes.max(0) as u64 {
            return Err(SimError::MessageTooLarge {
                size,
                max_message_bytes: t.config.max_message_bytes,
            });
        }
        // Choose on copies so a refused record leaves the partitioner and RNG untouched.
        let mut rng = self.rng.clone();
        let mut state = self.producer.get(topic).cloned().unwrap_or_default();
        let (p, choice) = match partition {
            Some(p) => {
                if !(0..n).contains(&p) {
                    return Err(unknown(topic, Some(p)));
                }
                (p, PartitionChoice::Explicit)
            }
            None => {
                let available: Vec<i32> = t
                    .partitions
                    .iter()
                    .filter(|p| p.leader().is_some())
                    .map(Partition::index)
                    .collect();
                state.choose(
                    self.config.producer.partitioner,
                    &mut rng,
                    key,
                    n,
                    &available,
                )
            }
        };
        let config = t.config.clone();
        let now = self.now_ms;
        let ts = timestamp_ms.unwrap_or(now);
        let mut events = Vec::new();
        let Some(part) = self.partition_mut(topic, p) else {
            return Err(unknown(topic, Some(p)));
        };
        let (offset, leader) = part.append_kind(now, ts, &rec, acks, &config, kind, &mut events)?;
        events.push(Event::RecordAppended {
            topic: topic.to_string(),
            partition: p,
            offset,
            leader,
            key: key.map(|k| String::from_utf8_lossy(k).into_owned()),
            value: value.map(|v| String::from_utf8_lossy(v).into_owned()),
            timestamp_ms: ts,
            size_bytes: size,
            chosen_by: choice,
            acks,
        });
        if acks == Acks::Leader {
            events.push(Event::ProduceAcknowledged {
                topic: topic.to_string(),
                partition: p,
                offset,
            });
        }
        part.maybe_advance_high_watermark(&mut events);
        if choice == PartitionChoice::Sticky {
            state
                .sticky
                .on_append(size, self.config.producer.batch_size);
        }
        self.rng = rng;
        match self.producer.get_mut(topic) {
            Some(s) => *s = state,
            None => {
                self.producer.insert(topic.to_string(), state);
            }
        }
        self.after_change_in(topic, p, &mut events);
        Ok(events)
    }

    pub(super) fn delete_records(
        &mut self,
        topic: &str,
        partition: i32,
        before_offset: i64,
    ) -> Result<Vec<Event>, SimError> {
        let t = self.topics.get(topic).ok_or_else(|| unknown(topic, None))?;
        if t.internal {
            return Err(SimError::InvalidTopic {
                topic: topic.to_string(),
                reason: "is internal: its records cannot be deleted".into(),
            });
        }
        let p = t
            .partition(partition)
            .ok_or_else(|| unknown(topic, Some(partition)))?;
        if p.leader().is_none() {
            return Err(SimError::LeaderNotAvailable {
                topic: topic.to_string(),
                partition,
            });
        }
        let hw = p.high_watermark();
        let target = if before_offset == -1 {
            hw
        } else {
            Offset(before_offset)
        };
        if target.0 < 0 || target > hw {
            return Err(SimError::OffsetOutOfRange {
                topic: topic.to_string(),
                partition,
                offset: before_offset,
                log_start_offset: p.log_start_offset(),
                log_end_offset: hw,
            });
        }
        let no_retention = TopicConfig {
            retention_ms: -1,
            retention_bytes: -1,
            ..t.config.clone()
        };
        let now = self.now_ms;
        let mut events = Vec::new();
        if let Some(p) = self.partition_mut(topic, partition) {
            let from = p.log_start_offset();
            if p.set_log_start_offset(target) {
                events.push(Event::LogStartOffsetAdvanced {
                    topic: topic.to_string(),
                    partition,
                    from,
                    to: target,
                });
                for d in p.log_mut().delete_retained_segments(now, hw, &no_retention) {
                    events.push(segment_deleted(topic, partition, d));
                }
            }
        }
        Ok(events)
    }
}
