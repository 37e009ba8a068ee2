//! The consumer's ports into the world: the log as a `LogReader` (the fetch path, with
//! `isolation.level`) and the offset store as an `OffsetStore` for the length of one call.

use crate::command::OffsetCommit;
use crate::consumer::{
    ConsumerRecord, FetchError, FetchedOffsets, IsolationLevel, LogReader, OffsetCommitRequest,
    OffsetStore,
};
use crate::error::SimError;
use crate::group::GroupError;
use crate::types::{Offset, TopicPartition};
use crate::world::World;

/// The world as the consumer's fetch path sees it.
impl LogReader for World {
    fn fetch(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<Vec<ConsumerRecord>, FetchError> {
        let mut out = Vec::new();
        self.consumer_fetch(tp, offset, max_records, isolation, |v| {
            out.push(ConsumerRecord {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: v.offset.0,
                timestamp_ms: v.timestamp_ms,
                key: v.key.map(|k| String::from_utf8_lossy(k).into_owned()),
                value: v.value.map(|k| String::from_utf8_lossy(k).into_owned()),
            })
        })?;
        Ok(out)
    }

    fn fetch_offsets(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<FetchedOffsets, FetchError> {
        let mut offsets = Vec::new();
        let next_offset = self.consumer_fetch(tp, offset, max_records, isolation, |v| {
            offsets.push(v.offset.0)
        })?;
        Ok(FetchedOffsets {
            offsets,
            next_offset,
        })
    }

    fn log_start_offset(&self, tp: &TopicPartition) -> Result<i64, FetchError> {
        self.partition(&tp.topic, tp.partition)
            .map(|p| p.log_start_offset().0)
            .ok_or(FetchError::UnknownTopicOrPartition)
    }

    fn high_watermark(&self, tp: &TopicPartition) -> Result<i64, FetchError> {
        self.partition(&tp.topic, tp.partition)
            .map(|p| p.high_watermark().0)
            .ok_or(FetchError::UnknownTopicOrPartition)
    }

    fn end_offset(
        &self,
        tp: &TopicPartition,
        isolation: IsolationLevel,
    ) -> Result<i64, FetchError> {
        self.partition(&tp.topic, tp.partition)
            .map(|p| match isolation {
                IsolationLevel::ReadUncommitted => p.high_watermark().0,
                IsolationLevel::ReadCommitted => p.last_stable_offset().0,
            })
            .ok_or(FetchError::UnknownTopicOrPartition)
    }

    fn partition_count(&self, topic: &str) -> Option<i32> {
        self.topic(topic).map(|t| t.partition_count())
    }

    fn leader_epoch(&self, tp: &TopicPartition) -> Option<i32> {
        self.partition(&tp.topic, tp.partition)
            .filter(|p| p.leader().is_some())
            .map(|p| p.leader_epoch())
    }

    fn epoch_of(&self, tp: &TopicPartition, offset: i64) -> Option<i32> {
        self.partition(&tp.topic, tp.partition)?
            .epoch_of(Offset(offset))
    }

    fn epoch_end_offset(&self, tp: &TopicPartition, epoch: i32) -> Option<(i32, i64)> {
        self.partition(&tp.topic, tp.partition)
            .filter(|p| p.leader().is_some())?
            .epoch_end_offset(epoch)
            .map(|(e, o)| (e, o.0))
    }
}

impl World {
    /// A consumer's fetch with its `isolation.level`, records copied (for tools such as the
    /// console consumer): up to `max_records` records from `offset`, and the offset the
    /// position moves to. Errors as [`World::fetch`].
    pub fn fetch_isolated(
        &self,
        tp: &TopicPartition,
        offset: Offset,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<crate::world::FetchResult, SimError> {
        let p = self.partition_checked(&tp.topic, tp.partition)?;
        if p.leader().is_none() {
            return Err(SimError::LeaderNotAvailable {
                topic: tp.topic.clone(),
                partition: tp.partition,
            });
        }
        p.log()
            .check_fetch_offset(&tp.topic, tp.partition, offset.0)?;
        let mut records = Vec::new();
        let next = self
            .consumer_fetch(tp, offset.0, max_records, isolation, |v| {
                records.push(v.to_record())
            })
            .map_err(|_| SimError::UnknownTopicOrPartition {
                topic: tp.topic.clone(),
                partition: Some(tp.partition),
            })?;
        Ok(crate::world::FetchResult {
            topic: tp.topic.clone(),
            partition: tp.partition,
            records,
            next_offset: Offset(next),
            high_watermark: p.high_watermark(),
            log_start_offset: p.log_start_offset(),
            log_end_offset: p.log_end_offset(),
        })
    }

    /// The broker's fetch for a consumer: hands each returned record to `each` and
    /// returns the next fetch offset. Reads below the high watermark (`read_committed`:
    /// the last stable offset), skips transaction markers (and, for `read_committed`,
    /// records of aborted transactions); a fetch that reached its upper bound moves the
    /// position there, past anything it skipped.
    fn consumer_fetch(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
        mut each: impl FnMut(&crate::log::RecordView<'_>),
    ) -> Result<i64, FetchError> {
        let p = self
            .partition_checked(&tp.topic, tp.partition)
            .map_err(|_| FetchError::UnknownTopicOrPartition)?;
        if p.leader().is_none() {
            // No leader right now: nothing to fetch, the consumer tries again next poll.
            return Ok(offset);
        }
        let log = p.log();
        if log
            .check_fetch_offset(&tp.topic, tp.partition, offset)
            .is_err()
        {
            return Err(FetchError::OffsetOutOfRange);
        }
        let committed_only = isolation == IsolationLevel::ReadCommitted;
        let upper = if committed_only {
            p.last_stable_offset()
        } else {
            p.high_watermark()
        };
        let mut taken = 0usize;
        let mut last = None;
        for v in log.read(Offset(offset), upper, usize::MAX) {
            if taken >= max_records {
                break;
            }
            if v.kind.is_marker() || (committed_only && log.is_aborted(&v)) {
                continue;
            }
            each(&v);
            taken += 1;
            last = Some(v.offset.0);
        }
        Ok(match last {
            Some(l) if taken >= max_records => l + 1,
            _ => offset.max(upper.0),
        })
    }
}

/// The offset store as a consumer sees it during one call: reads the committed offsets,
/// checks commits against the group and the brokers, and queues them; the world appends
/// them to `__consumer_offsets` when the call returns.
pub(super) struct Store<'a> {
    pub(super) world: &'a World,
    pub(super) queued: Vec<(String, Vec<OffsetCommit>)>,
    pub(super) world_error: Option<SimError>,
}

impl OffsetStore for Store<'_> {
    fn committed(&self, group_id: &str, tp: &TopicPartition) -> Option<i64> {
        self.world
            .committed_offset(group_id, tp)
            .map(|c| c.offset.0)
    }

    fn committed_epoch(&self, group_id: &str, tp: &TopicPartition) -> Option<i32> {
        self.world
            .committed_offset(group_id, tp)
            .and_then(|c| c.leader_epoch)
    }

    fn unstable(&self, group_id: &str, tp: &TopicPartition) -> bool {
        self.world
            .offset_store()
            .txn_pending()
            .iter()
            .any(|c| c.commit.group == group_id && c.commit.tp == *tp)
    }

    fn commit(&mut self, r: &OffsetCommitRequest) -> Result<(), GroupError> {
        match self.world.clients.groups.get(&r.group_id) {
            Some(g) => g.group.validate_offset_commit(
                &r.member_id,
                r.group_instance_id.as_deref(),
                r.generation_id,
            )?,
            None if r.generation_id >= 0 => {
                return Err(GroupError::UnknownMemberId {
                    member_id: r.member_id.clone(),
                })
            }
            None => {}
        }
        let commits: Vec<OffsetCommit> = r
            .offsets
            .iter()
            .map(|(tp, o)| OffsetCommit {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: *o,
                metadata: String::new(),
                leader_epoch: r
                    .leader_epochs
                    .iter()
                    .find(|(e_tp, _)| e_tp == tp)
                    .map(|(_, e)| *e),
            })
            .collect();
        if let Err(e) = self.world.validate_commit(&r.group_id, &commits) {
            self.world_error = Some(e);
            return Err(GroupError::CoordinatorNotAvailable);
        }
        self.queued.push((r.group_id.clone(), commits));
        Ok(())
    }
}
