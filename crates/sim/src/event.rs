//! What a command caused, precise enough for a UI to animate and for tests to assert on.
//!
//! Events serialise as JSON objects with a `"type"` field naming the variant, and stable
//! snake_case field names.

use crate::clients::{ProcessedOffset, ProducerEvent, TimestampOffset};
use crate::config::Acks;
use crate::consumer::ConsumerEvent;
use crate::group::GroupEvent;
use crate::log::{Record, RetentionReason};
use crate::partitioner::PartitionChoice;
use crate::types::{BrokerId, Offset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// A topic was created, with each partition's replica list (the first is preferred).
    TopicCreated {
        topic: String,
        partitions: i32,
        replication_factor: i32,
        internal: bool,
        replicas: Vec<Vec<BrokerId>>,
    },
    /// A topic gained partitions (`kafka-topics --alter --partitions`).
    PartitionsAdded {
        topic: String,
        from: i32,
        to: i32,
        replicas: Vec<Vec<BrokerId>>,
    },
    /// A topic's configuration changed.
    TopicConfigChanged {
        topic: String,
    },
    /// The leader appended a record at `offset` (a passenger took seat `offset`).
    RecordAppended {
        topic: String,
        partition: i32,
        offset: Offset,
        leader: BrokerId,
        key: Option<String>,
        value: Option<String>,
        timestamp_ms: i64,
        size_bytes: u64,
        chosen_by: PartitionChoice,
        acks: Acks,
    },
    /// The producer heard its record was written (`acks=1` at once, `acks=all` when the high
    /// watermark passes it; never for `acks=0`).
    ProduceAcknowledged {
        topic: String,
        partition: i32,
        offset: Offset,
    },
    /// An `acks=all` write that will never be acknowledged: the leader changed and the new
    /// leader's log does not have it (the producer would retry).
    ProduceFailed {
        topic: String,
        partition: i32,
        offset: Offset,
        error: String,
    },
    /// The active segment was full or old: a new one starts at `base_offset`.
    SegmentRolled {
        topic: String,
        partition: i32,
        base_offset: Offset,
    },
    /// A follower fetched from the leader; its log end offset moved from `from` to `to`.
    FollowerFetched {
        topic: String,
        partition: i32,
        broker: BrokerId,
        from: Offset,
        to: Offset,
    },
    /// The high watermark moved: consumers may now read below `to`.
    HighWatermarkAdvanced {
        topic: String,
        partition: i32,
        from: Offset,
        to: Offset,
    },
    /// A replica left the in-sync replicas.
    IsrShrunk {
        topic: String,
        partition: i32,
        broker: BrokerId,
        isr: Vec<BrokerId>,
    },
    /// A caught-up replica rejoined the in-sync replicas.
    IsrExpanded {
        topic: String,
        partition: i32,
        broker: BrokerId,
        isr: Vec<BrokerId>,
    },
    /// Leadership moved (`to: None` means the partition is offline).
    LeaderChanged {
        topic: String,
        partition: i32,
        from: Option<BrokerId>,
        to: Option<BrokerId>,
        leader_epoch: i32,
    },
    /// An unclean election: `leader` was not in the ISR (no ISR member was alive) and leads
    /// now, alone in the ISR. The log was cut back from `log_end_offset_before` to its
    /// `log_end_offset`, and the high watermark with it: records at those offsets are lost,
    /// even committed ones (below `high_watermark_before`), and the next records take their
    /// offsets again.
    UncleanLeaderElected {
        topic: String,
        partition: i32,
        leader: BrokerId,
        log_end_offset_before: Offset,
        high_watermark_before: Offset,
        log_end_offset: Offset,
    },
    /// `kafka-leader-election` did not elect a leader for this partition: `error` is
    /// Kafka's code (`ELECTION_NOT_NEEDED`, `PREFERRED_LEADER_NOT_AVAILABLE`,
    /// `ELIGIBLE_LEADERS_NOT_AVAILABLE`, `UNKNOWN_TOPIC_OR_PARTITION`).
    LeaderNotElected {
        topic: String,
        partition: i32,
        error: String,
    },
    /// A client's metadata request named a topic without a leader yet, as Kafka's
    /// `NetworkClient` logs it (`WARN Error while fetching metadata … {topic=error}`):
    /// `LEADER_NOT_AVAILABLE` when the broker just created it (`auto.create.topics.enable`,
    /// after an [`Event::TopicCreated`]); its next request finds the partitions.
    /// `UNKNOWN_TOPIC_OR_PARTITION` when it does not exist and is not created (a consumer
    /// with `allow.auto.create.topics=false`, or the broker's auto-creation off): the
    /// consumer stays subscribed and gets the topic's partitions at the metadata refresh
    /// after it is created.
    MetadataWarning {
        /// The client (`None`: the world's built-in producer, `kafka-console-producer`).
        client: Option<String>,
        topic: String,
        error: String,
    },
    /// `kafka-topics --delete`: the topic and its partitions are gone (its committed offsets
    /// are deleted with it, as [`Event::OffsetDeleted`] events).
    TopicDeleted {
        topic: String,
        partitions: i32,
    },
    /// A replica cut its log back to `to` (records `to..from` were never committed).
    ReplicaTruncated {
        topic: String,
        partition: i32,
        broker: BrokerId,
        from: Offset,
        to: Offset,
    },
    BrokerStopped {
        broker: BrokerId,
    },
    BrokerStarted {
        broker: BrokerId,
    },
    /// The broker's replica fetchers stopped (it still leads); its followers fall behind.
    ReplicaFetchingPaused {
        broker: BrokerId,
    },
    ReplicaFetchingResumed {
        broker: BrokerId,
    },
    /// Retention deleted a whole segment.
    SegmentDeleted {
        topic: String,
        partition: i32,
        base_offset: Offset,
        end_offset: Offset,
        records: usize,
        size_bytes: u64,
        reason: RetentionReason,
    },
    /// The first retained offset moved up.
    LogStartOffsetAdvanced {
        topic: String,
        partition: i32,
        from: Offset,
        to: Offset,
    },
    /// The log cleaner compacted a partition.
    LogCompacted {
        topic: String,
        partition: i32,
        cleaned_up_to: Offset,
        records_removed: usize,
        tombstones_removed: usize,
        segments_before: usize,
        segments_after: usize,
    },
    /// The transaction coordinator wrote a COMMIT (`commit`) or ABORT marker, a control
    /// record, at `offset`: it takes a seat that no consumer ever returns.
    TransactionMarkerWritten {
        topic: String,
        partition: i32,
        offset: Offset,
        transactional_id: String,
        producer_id: i64,
        commit: bool,
    },
    /// The transaction coordinator aborted a transaction open longer than
    /// `transaction.timeout.ms` and bumped the epoch: the producer that opened it is fenced.
    TransactionTimedOut {
        transactional_id: String,
        producer_id: i64,
        epoch: i32,
    },
    /// An offset commit record was appended to `__consumer_offsets-<coordinator_partition>`
    /// at `log_offset`; it takes effect when replicated ([`Event::OffsetCommitted`]).
    OffsetCommitAppended {
        group: String,
        topic: String,
        partition: i32,
        offset: Offset,
        coordinator_partition: i32,
        log_offset: Offset,
    },
    /// The committed offset of (group, topic, partition) is now `offset` (a line written in
    /// the checker's notebook).
    OffsetCommitted {
        group: String,
        topic: String,
        partition: i32,
        offset: Offset,
        metadata: String,
    },
    /// A commit that was appended but lost before it was replicated.
    OffsetCommitFailed {
        group: String,
        topic: String,
        partition: i32,
        offset: Offset,
        error: String,
    },
    /// A committed offset was deleted (a tombstone was written).
    OffsetDeleted {
        group: String,
        topic: String,
        partition: i32,
    },
    /// `OffsetDelete` refused this partition (its partition-level error, e.g.
    /// `GROUP_SUBSCRIBED_TO_TOPIC` while the group is subscribed to the topic); the other
    /// partitions of the request were answered on their own.
    OffsetNotDeleted {
        group: String,
        topic: String,
        partition: i32,
        error: String,
    },
    /// A committed offset expired (`offsets.retention.minutes`) and a tombstone was written.
    OffsetExpired {
        group: String,
        topic: String,
        partition: i32,
        offset: Offset,
    },
    /// The virtual clock moved. During `Advance`, one is emitted before each batch of timer
    /// events (so a UI knows when they happened) and one at the end.
    ClockAdvanced {
        from_ms: i64,
        to_ms: i64,
    },
    /// `kafka-console-consumer` handed over these records of one partition, in offset
    /// order (what it prints). `timestamp_type` is the topic's `message.timestamp.type`, as
    /// the record batches carry it.
    ConsoleRecords {
        topic: String,
        partition: i32,
        timestamp_type: String,
        records: Vec<Record>,
    },
    /// `kafka-console-consumer` ended (`Processed a total of {count} messages`): `consumer`
    /// is the client it ran as when it joined a group with members, `timed_out` when
    /// `--timeout-ms` passed before it was let in.
    ConsoleConsumerFinished {
        #[serde(default)]
        consumer: Option<String>,
        count: u64,
        timed_out: bool,
    },
    // ----- clients --------------------------------------------------------------------
    /// A consumer client was created (`new KafkaConsumer<>(props)`).
    ConsumerCreated {
        consumer: String,
        group: Option<String>,
        client_id: String,
    },
    /// A crashed or closed consumer started again (`incarnation` counts restarts).
    ConsumerRestarted {
        consumer: String,
        incarnation: u32,
    },
    /// Something happened inside a consumer: position initialised or reset (and why),
    /// records fetched, committed (the offset is the next to read) or a commit failed,
    /// partitions revoked, lost or assigned, a rejoin requested, paused, crashed, closed …
    Consumer {
        consumer: String,
        event: ConsumerEvent,
    },
    /// The application got an exception from the consumer (`code` is Kafka's error code,
    /// e.g. `NO_OFFSET_FOR_PARTITION` from a poll with `auto.offset.reset=none`). What ran
    /// before it in the same call (a join, an auto-commit) stays done, as in Kafka.
    ConsumerFailed {
        consumer: String,
        operation: String,
        code: String,
        message: String,
    },
    /// Records finished processing (a ticket checker checked these passengers).
    RecordsProcessed {
        consumer: String,
        group: Option<String>,
        records: Vec<ProcessedOffset>,
    },
    /// Records being processed when the consumer crashed or closed: never finished.
    ProcessingAbandoned {
        consumer: String,
        records: usize,
    },
    /// The answer of `offsetsForTimes`.
    OffsetsForTimes {
        consumer: String,
        timestamp_ms: i64,
        offsets: Vec<TimestampOffset>,
    },
    /// Something happened in a consumer group's coordinator: member joined or removed (and
    /// why), rebalance started, a generation with its leader, each member's assignment …
    Group {
        event: GroupEvent,
    },
    /// Simulator: a client's application started (`RunConsumer`, `RunProducer`).
    AppStarted {
        client: String,
        app: crate::clients::AppView,
    },
    /// Simulator: a client's application stopped (`StopApp`, a crash, a close, or an error
    /// the loop could not go on from); the client is under manual control again.
    AppStopped {
        client: String,
        reason: String,
    },
    /// A producer client was created; `producer_id` is set when it is idempotent.
    ProducerCreated {
        producer: String,
        producer_id: Option<i64>,
    },
    /// Something happened in a producer: record queued in a batch, batch sent,
    /// acknowledged, retried, failed, duplicate rejected.
    Producer {
        producer: String,
        event: ProducerEvent,
    },
    /// Simulator: a database outside Kafka was created (`CreateDatabase`).
    DatabaseCreated {
        database: String,
    },
    /// Simulator: a consumer's application wrote processed records to its database, each
    /// record in its own transaction: its result row and, when `with_offsets`
    /// (`offset.store`), its next offset in the `offsets` table of `app`.
    ExternalWrite {
        consumer: String,
        database: String,
        app: String,
        with_offsets: bool,
        records: Vec<crate::clients::WrittenRecord>,
    },
    /// Simulator: the transaction found the record already stored (the stored offset
    /// `stored` is past it) and wrote nothing.
    ExternalWriteSkipped {
        consumer: String,
        database: String,
        topic: String,
        partition: i32,
        offset: i64,
        stored: i64,
    },
    /// Simulator: the rebalance listener of a consumer with `offset.store`
    /// (`onPartitionsAssigned`, or the seeks after `assign`) read the stored offsets and
    /// seeked each partition that has one.
    OffsetsRestored {
        consumer: String,
        database: String,
        partitions: Vec<crate::clients::RestoredOffset>,
    },
}
