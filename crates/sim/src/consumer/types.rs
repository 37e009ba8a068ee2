//! Configuration, the traits the world implements, errors and events of a consumer.

use crate::assignor::{Assignor, RebalanceProtocol};
use crate::group::GroupError;
use crate::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `auto.offset.reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OffsetResetStrategy {
    /// The log start offset: the oldest record still retained.
    Earliest,
    /// The high watermark: only records produced from now on (the default).
    Latest,
    /// No reset: the application gets an error.
    None,
}

/// `isolation.level`: what a fetch may return of transactional records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum IsolationLevel {
    /// Everything below the high watermark, records of open and aborted transactions
    /// included (the default).
    #[default]
    ReadUncommitted,
    /// Only below the last stable offset, without records of aborted transactions.
    ReadCommitted,
}

/// What one fetch returned: the offsets of the records, and where the position moves
/// (past the last record returned, or past markers and aborted records it skipped).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FetchedOffsets {
    pub offsets: Vec<i64>,
    pub next_offset: i64,
}

/// The consumer settings the simulator honours, with Kafka's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerConfig {
    /// `group.id`; `None` for a consumer that only uses `assign()` and cannot commit.
    pub group_id: Option<String>,
    pub client_id: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
    pub enable_auto_commit: bool,
    pub auto_commit_interval_ms: i64,
    pub auto_offset_reset: OffsetResetStrategy,
    pub max_poll_records: usize,
    pub max_poll_interval_ms: i64,
    pub session_timeout_ms: i64,
    pub heartbeat_interval_ms: i64,
    /// `partition.assignment.strategy`, in preference order.
    pub partition_assignment_strategy: Vec<Assignor>,
    /// `isolation.level`.
    #[serde(default)]
    pub isolation_level: IsolationLevel,
}

impl ConsumerConfig {
    /// Kafka's defaults for a consumer in `group_id`.
    pub fn new(group_id: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            group_id: Some(group_id.into()),
            client_id: client_id.into(),
            group_instance_id: None,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: OffsetResetStrategy::Latest,
            max_poll_records: 500,
            max_poll_interval_ms: 300_000,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            partition_assignment_strategy: Assignor::DEFAULT_STRATEGY.to_vec(),
            isolation_level: IsolationLevel::ReadUncommitted,
        }
    }

    /// The rebalance protocol: the highest one every configured assignor supports. With the
    /// default `[range, cooperative-sticky]` that is EAGER, because range only supports it.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
        let all_cooperative = !self.partition_assignment_strategy.is_empty()
            && self.partition_assignment_strategy.iter().all(|a| {
                a.supported_protocols()
                    .contains(&RebalanceProtocol::Cooperative)
            });
        if all_cooperative {
            RebalanceProtocol::Cooperative
        } else {
            RebalanceProtocol::Eager
        }
    }
}

/// A record as `poll` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: i64,
    pub key: Option<String>,
    pub value: Option<String>,
}

impl ConsumerRecord {
    pub fn topic_partition(&self) -> TopicPartition {
        TopicPartition::new(self.topic.clone(), self.partition)
    }
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FetchError {
    /// `OFFSET_OUT_OF_RANGE`: below the log start offset or above the log end offset.
    OffsetOutOfRange,
    /// `UNKNOWN_TOPIC_OR_PARTITION`.
    UnknownTopicOrPartition,
}

/// Read access to the partition logs, as the fetch path of a broker offers it.
pub trait LogReader {
    /// Up to `max_records` records from `offset` on, all below the high watermark (the
    /// last stable offset for `read_committed`), never a transaction marker, and for
    /// `read_committed` no record of an aborted transaction.
    /// `Err(OffsetOutOfRange)` when `offset` is below the log start offset or above the log
    /// end offset.
    fn fetch(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<Vec<ConsumerRecord>, FetchError>;
    /// The offsets [`LogReader::fetch`] would return and the next fetch offset (a log can
    /// override it to avoid copying records on the poll path).
    fn fetch_offsets(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<FetchedOffsets, FetchError> {
        let offsets: Vec<i64> = self
            .fetch(tp, offset, max_records, isolation)?
            .into_iter()
            .map(|r| r.offset)
            .collect();
        let next_offset = offsets.last().map_or(offset, |o| o + 1);
        Ok(FetchedOffsets {
            offsets,
            next_offset,
        })
    }
    /// The first offset still in the log.
    fn log_start_offset(&self, tp: &TopicPartition) -> Result<i64, FetchError>;
    /// Records below it are replicated to every in-sync replica and may be read.
    fn high_watermark(&self, tp: &TopicPartition) -> Result<i64, FetchError>;
    /// The end a consumer with this isolation level sees (`seekToEnd`, `latest`, lag): the
    /// high watermark, or the last stable offset for `read_committed`.
    fn end_offset(
        &self,
        tp: &TopicPartition,
        isolation: IsolationLevel,
    ) -> Result<i64, FetchError> {
        let _ = isolation;
        self.high_watermark(tp)
    }
    /// The number of partitions of a topic (metadata), `None` if it does not exist.
    fn partition_count(&self, topic: &str) -> Option<i32>;
    /// The partition's current leader epoch (metadata), `None` without a leader or a log
    /// that does not track epochs.
    fn leader_epoch(&self, tp: &TopicPartition) -> Option<i32> {
        let _ = tp;
        None
    }
    /// The leader epoch of the batch that holds `offset` (what a fetched batch carries).
    fn epoch_of(&self, tp: &TopicPartition, offset: i64) -> Option<i32> {
        let _ = (tp, offset);
        None
    }
    /// `OffsetsForLeaderEpoch`: the largest epoch at or below `epoch` that the leader knows
    /// and where it ended; `None` is `UNDEFINED_EPOCH_OFFSET`.
    fn epoch_end_offset(&self, tp: &TopicPartition, epoch: i32) -> Option<(i32, i64)> {
        let _ = (tp, epoch);
        None
    }
}

/// An OffsetCommit request: the offsets are the next offsets to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetCommitRequest {
    pub group_id: String,
    /// Empty (and generation -1) for a consumer outside group management.
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub generation_id: i32,
    pub offsets: Vec<(TopicPartition, i64)>,
    /// The leader epoch each offset's previous record was written in, where known.
    #[serde(default)]
    pub leader_epochs: Vec<(TopicPartition, i32)>,
    pub now_ms: i64,
}

/// The committed offsets (`__consumer_offsets`), as the group coordinator serves them.
pub trait OffsetStore {
    /// The committed offset (the next offset to read) of `tp` for `group_id`.
    fn committed(&self, group_id: &str, tp: &TopicPartition) -> Option<i64>;
    /// The leader epoch stored with that committed offset, if the commit carried one.
    fn committed_epoch(&self, group_id: &str, tp: &TopicPartition) -> Option<i32> {
        let _ = (group_id, tp);
        None
    }
    /// Validates the commit against the group (member, generation) and stores it.
    fn commit(&mut self, request: &OffsetCommitRequest) -> Result<(), GroupError>;
    /// Offsets sent to a transaction are pending for `tp` (`UNSTABLE_OFFSET_COMMIT`): the
    /// consumer's OffsetFetch (`require_stable`, KIP-447) waits for the transaction's end.
    fn unstable(&self, group_id: &str, tp: &TopicPartition) -> bool {
        let _ = (group_id, tp);
        false
    }
}

/// Errors the application sees, named after the Java client's exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerError {
    /// `NoOffsetForPartitionException`: no committed offset and `auto.offset.reset=none`.
    NoOffsetForPartition { partition: TopicPartition },
    /// `OffsetOutOfRangeException`: the position left the log and `auto.offset.reset=none`.
    OffsetOutOfRange {
        partition: TopicPartition,
        offset: i64,
    },
    /// `CommitFailedException`: the group rebalanced and the partitions may be elsewhere.
    CommitFailed { cause: GroupError },
    /// `RebalanceInProgressException`: commit again after the rebalance.
    RebalanceInProgress,
    /// `FencedInstanceIdException`: a newer instance with the same `group.instance.id`.
    FencedInstanceId { group_instance_id: String },
    /// `IllegalStateException`, e.g. "No current assignment for partition".
    IllegalState { message: String },
    /// `IllegalArgumentException`, e.g. a negative seek offset.
    IllegalArgument { message: String },
    /// `InvalidGroupIdException`: committing without a `group.id`.
    InvalidGroupId,
    /// `LogTruncationException` (KIP-320): the log was truncated below the position (an
    /// unclean leader election) and `auto.offset.reset=none`. `divergent` is the first offset
    /// known to diverge, when the leader knows it.
    LogTruncation {
        partition: TopicPartition,
        offset: i64,
        divergent: Option<i64>,
    },
}

impl fmt::Display for ConsumerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsumerError::NoOffsetForPartition { partition } => write!(
                f,
                "NoOffsetForPartitionException: undefined offset with no reset policy for partition {partition}"
            ),
            ConsumerError::OffsetOutOfRange { partition, offset } => write!(
                f,
                "OffsetOutOfRangeException: offset {offset} is out of range for partition {partition} and auto.offset.reset=none"
            ),
            ConsumerError::CommitFailed { cause } => write!(
                f,
                "CommitFailedException: the commit cannot be completed since the group has already rebalanced ({cause})"
            ),
            ConsumerError::RebalanceInProgress => write!(
                f,
                "RebalanceInProgressException: the group is rebalancing; poll() to rejoin, then commit"
            ),
            ConsumerError::FencedInstanceId { group_instance_id } => write!(
                f,
                "FencedInstanceIdException: group.instance.id '{group_instance_id}' is used by a newer consumer"
            ),
            ConsumerError::IllegalState { message } => write!(f, "IllegalStateException: {message}"),
            ConsumerError::IllegalArgument { message } => {
                write!(f, "IllegalArgumentException: {message}")
            }
            ConsumerError::InvalidGroupId => write!(
                f,
                "InvalidGroupIdException: to use the group management or offset commit APIs, you must provide a valid group.id"
            ),
            ConsumerError::LogTruncation {
                partition,
                offset,
                divergent,
            } => {
                write!(
                    f,
                    "LogTruncationException: truncated partition {partition} at fetch offset {offset}"
                )?;
                match divergent {
                    Some(d) => write!(f, ", the first offset known to diverge is {d}"),
                    None => write!(f, ", the divergent offset is not known"),
                }?;
                write!(f, " (auto.offset.reset=none: seek to go on)")
            }
        }
    }
}

impl std::error::Error for ConsumerError {}

impl ConsumerError {
    /// The Kafka error code behind the exception (for exceptions without one, the
    /// exception's name in the same style).
    pub fn code(&self) -> &'static str {
        match self {
            ConsumerError::NoOffsetForPartition { .. } => "NO_OFFSET_FOR_PARTITION",
            ConsumerError::OffsetOutOfRange { .. } => "OFFSET_OUT_OF_RANGE",
            ConsumerError::CommitFailed { cause } => cause.code(),
            ConsumerError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            ConsumerError::FencedInstanceId { .. } => "FENCED_INSTANCE_ID",
            ConsumerError::IllegalState { .. } => "ILLEGAL_STATE",
            ConsumerError::IllegalArgument { .. } => "ILLEGAL_ARGUMENT",
            ConsumerError::InvalidGroupId => "INVALID_GROUP_ID",
            ConsumerError::LogTruncation { .. } => "LOG_TRUNCATION",
        }
    }
}

/// How a commit was triggered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommitKind {
    /// `enable.auto.commit` at the start of a poll.
    Auto,
    /// `enable.auto.commit` before a rebalance revokes partitions.
    BeforeRebalance,
    /// `enable.auto.commit` in `close()`.
    OnClose,
    Sync,
    Async,
}

/// Why the position was reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetReason {
    /// No committed offset for the group.
    NoCommittedOffset,
    /// The committed offset or the position fell outside the log (retention, truncation).
    OutOfRange,
    /// `seekToBeginning`.
    SeekToBeginning,
    /// `seekToEnd`.
    SeekToEnd,
}

/// What happened inside the consumer, for the UI and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerEvent {
    /// The position was initialised from the committed offset.
    PositionFromCommitted {
        partition: TopicPartition,
        offset: i64,
    },
    /// KIP-320: after a leader change the consumer checked its position against the new
    /// leader's epochs (`OffsetsForLeaderEpoch`) and found the log truncated below it (an
    /// unclean election). With a reset policy it moves back to `divergent`, the first offset
    /// known to diverge, so it reads the records that now hold the reused offsets; when the
    /// leader cannot say (`divergent` is `None`) `auto.offset.reset` applies.
    TruncationDetected {
        partition: TopicPartition,
        position: i64,
        divergent: Option<i64>,
    },
    /// The position was reset by `auto.offset.reset` or a `seekToBeginning`/`seekToEnd`.
    PositionReset {
        partition: TopicPartition,
        offset: i64,
        reason: ResetReason,
    },
    /// `poll` returned records `from..=to` of a partition; the position is now `to + 1`.
    RecordsFetched {
        partition: TopicPartition,
        from: i64,
        to: i64,
        count: usize,
    },
    Committed {
        kind: CommitKind,
        offsets: Vec<(TopicPartition, i64)>,
    },
    /// A commit was refused (an async commit is not retried).
    CommitFailed {
        kind: CommitKind,
        error: ConsumerError,
    },
    /// `onPartitionsRevoked`: the partitions were handed back in an orderly way.
    PartitionsRevoked {
        partitions: Vec<TopicPartition>,
    },
    /// `onPartitionsLost`: the membership was lost; nothing was committed for them.
    PartitionsLost {
        partitions: Vec<TopicPartition>,
    },
    /// `onPartitionsAssigned`.
    PartitionsAssigned {
        partitions: Vec<TopicPartition>,
    },
    /// The consumer wants a (follow-up) rebalance.
    RejoinRequested {
        reason: String,
    },
    /// `max.poll.interval.ms` passed without a poll: the consumer leaves the group.
    PollTimeoutExpired {
        last_poll_ms: i64,
    },
    Seek {
        partition: TopicPartition,
        offset: i64,
    },
    Paused {
        partitions: Vec<TopicPartition>,
    },
    Resumed {
        partitions: Vec<TopicPartition>,
    },
    /// Records were processed by the application.
    Processed {
        records: Vec<(TopicPartition, i64)>,
        done_at_ms: i64,
    },
    Crashed,
    Closed,
}
