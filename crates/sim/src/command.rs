//! Everything that can change the world. Commands serialise as JSON objects with a `"type"`
//! field naming the variant; optional fields may be left out.
//!
//! ## Clients (consumers and producers)
//!
//! Clients are named by the learner (`c1`, `p1`); every client command names one. Their
//! settings are Kafka's own property names and values, as strings (`"group.id": "g1"`,
//! `"enable.auto.commit": "false"`, `"acks": "all"`); see [`crate::clients`] for the list
//! and the defaults. Errors are Kafka's: an unknown client is `UNKNOWN_CLIENT` (the
//! simulator's own), an unknown topic `UNKNOWN_TOPIC_OR_PARTITION`, a negative seek
//! `ILLEGAL_ARGUMENT`, a commit from an old generation `ILLEGAL_GENERATION`.
//!
//! A refused client command returns the error and changes nothing (`SimError::Consumer`
//! carries the Java exception and its Kafka code, e.g. a `CommitSync` refused with
//! `CommitFailedException` / `UNKNOWN_MEMBER_ID`). A `Poll` whose exception comes after
//! work that stays done (a join, an auto-commit) returns `Ok` with an
//! `Event::ConsumerFailed` instead (`NO_OFFSET_FOR_PARTITION` with
//! `auto.offset.reset=none`); a failed `CommitAsync` is an `Event::Consumer` with
//! `CommitFailed`, as Java reports it to the callback.
//!
//! **Joining a group takes a poll, the initial rebalance delay, and another poll**, as with
//! the Java client:
//!
//! ```text
//! CreateConsumer c1 {group.id=g1}   Subscribe c1 [orders]
//! Poll c1            -> JoinGroup: MEMBER_ID_REQUIRED, join again; the group waits
//!                       group.initial.rebalance.delay.ms (3000) for more members
//! Advance 3000       -> generation 1: c1 leads, runs the assignor, gets its partitions
//! Poll c1            -> positions from the committed offsets (or auto.offset.reset), records
//! ```
//!
//! Every further member that joins during that delay extends it by another 3000 ms (up to
//! the largest `max.poll.interval.ms`), as Kafka's `InitialDelayedJoin` does: two
//! consumers subscribing together need `Advance 6000`.
//!
//! A second member joining a Stable group: its `Poll` starts a rebalance; the others learn
//! of it at their next heartbeat (every `heartbeat.interval.ms`, 3000) and rejoin at their
//! next `Poll`; the generation completes when every member has rejoined (so: `Poll` the new
//! one, `Advance 3000`, `Poll` every member, then `Poll` again for records). Under the
//! cooperative protocol a moved partition needs one more such round (the follow-up
//! rebalance).

use crate::config::{Acks, TopicConfigOverrides};
use crate::log::Header;
use crate::types::{BrokerId, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One offset to commit (`OffsetCommitRequest` partition data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetCommit {
    pub topic: String,
    pub partition: i32,
    /// The next offset to read (after processing offset 41, commit 42).
    pub offset: i64,
    #[serde(default)]
    pub metadata: String,
    #[serde(default)]
    pub leader_epoch: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    /// `kafka-topics --create --topic NAME --partitions N [--replication-factor R]
    /// [--config k=v]`.
    CreateTopic {
        name: String,
        partitions: i64,
        #[serde(default)]
        replication_factor: Option<i64>,
        #[serde(default)]
        config: TopicConfigOverrides,
    },
    /// `kafka-topics --alter --partitions TOTAL`: partitions can only grow.
    AddPartitions {
        topic: String,
        total: i64,
    },
    /// `kafka-configs --alter --entity-type topics --add-config …`.
    AlterTopicConfig {
        topic: String,
        config: TopicConfigOverrides,
    },
    /// One record from the world's built-in producer.
    Produce {
        topic: String,
        #[serde(default)]
        partition: Option<i32>,
        #[serde(default)]
        key: Option<String>,
        #[serde(default)]
        value: Option<String>,
        #[serde(default)]
        headers: Vec<Header>,
        /// CreateTime; the virtual clock's now when absent.
        #[serde(default)]
        timestamp_ms: Option<i64>,
        /// Overrides the producer's `acks`.
        #[serde(default)]
        acks: Option<Acks>,
    },
    /// `kafka-delete-records`: raise the log start offset to `before_offset` (-1: the HW).
    DeleteRecords {
        topic: String,
        partition: i32,
        before_offset: i64,
    },
    /// Move the virtual clock forward, running every timer that falls due.
    Advance {
        ms: i64,
    },
    /// Crash a broker (it is fenced at once: leaves ISRs, loses leaderships).
    KillBroker {
        broker: BrokerId,
    },
    /// Start a stopped broker again; its replicas truncate and catch up.
    RestartBroker {
        broker: BrokerId,
    },
    /// The broker keeps running and leading but its followers stop fetching (a slow or
    /// partitioned replica): after `replica.lag.time.max.ms` they leave the ISR.
    PauseReplicaFetching {
        broker: BrokerId,
    },
    ResumeReplicaFetching {
        broker: BrokerId,
    },
    /// The older spelling of `ElectLeaders { unclean: false, partitions: None }`
    /// (`--election-type preferred --all-topic-partitions`), kept so that saved sessions and
    /// scenario files that contain it still load; it behaves exactly as that command, with
    /// the same per-partition events.
    ElectPreferredLeaders {},
    /// `kafka-leader-election --election-type preferred|unclean` for `partitions` (`None`:
    /// every partition, `--all-topic-partitions`). Each partition that gets no new leader
    /// says why in an [`crate::Event::LeaderNotElected`]; an unclean election is an
    /// [`crate::Event::UncleanLeaderElected`].
    ElectLeaders {
        unclean: bool,
        #[serde(default)]
        partitions: Option<Vec<TopicPartition>>,
    },
    /// `kafka-topics --delete --topic T`: the partitions go, the groups' committed offsets
    /// for them are deleted (tombstones), and groups subscribed to the topic rebalance when
    /// their leader's metadata shows the topic gone.
    DeleteTopic {
        topic: String,
    },
    /// Commit offsets for a group (what `commitSync` sends, or
    /// `kafka-consumer-groups --reset-offsets --execute`).
    CommitOffsets {
        group: String,
        offsets: Vec<OffsetCommit>,
    },
    /// `kafka-consumer-groups --delete-offsets`: tombstones for these partitions.
    DeleteOffsets {
        group: String,
        partitions: Vec<TopicPartition>,
    },

    // ----- consumers ------------------------------------------------------------------
    /// `new KafkaConsumer<>(props)`: a consumer client named `name`. `config` holds Kafka
    /// consumer properties (`group.id`, `group.instance.id`, `client.id`,
    /// `enable.auto.commit`, `auto.commit.interval.ms`, `auto.offset.reset`,
    /// `max.poll.records`, `max.poll.interval.ms`, `session.timeout.ms`,
    /// `heartbeat.interval.ms`, `partition.assignment.strategy`) plus the simulator's
    /// `processing.ms.per.record` (default 0).
    CreateConsumer {
        name: String,
        #[serde(default)]
        config: BTreeMap<String, String>,
    },
    /// `subscribe(topics)`: group management; the next `Poll` joins the group.
    Subscribe {
        consumer: String,
        topics: Vec<String>,
    },
    /// `assign(partitions)`: manual assignment, no group membership.
    Assign {
        consumer: String,
        partitions: Vec<TopicPartition>,
    },
    /// `unsubscribe()`.
    Unsubscribe {
        consumer: String,
    },
    /// `poll()`: rejoins the group if needed, auto-commits if due, then fetches up to
    /// `max.poll.records` (or `max_records`, if smaller) records below the high watermark.
    Poll {
        consumer: String,
        #[serde(default)]
        max_records: Option<usize>,
    },
    /// The application processes `count` (default: all) of the records polled and not yet
    /// processed, each taking `per_record_ms` (default: the consumer's
    /// `processing.ms.per.record`). With a processing time, records finish one by one as the
    /// clock advances, so a crash can fall in the middle.
    Process {
        consumer: String,
        #[serde(default)]
        count: Option<usize>,
        #[serde(default)]
        per_record_ms: Option<i64>,
    },
    /// `commitSync()` of the positions, or of explicit offsets (each the next offset to
    /// read). Waits (the clock runs) until the commit is replicated, as `commitSync` blocks.
    CommitSync {
        consumer: String,
        #[serde(default)]
        offsets: Option<Vec<OffsetCommit>>,
    },
    /// `commitAsync()`: a failure is reported as an event and never retried.
    CommitAsync {
        consumer: String,
        #[serde(default)]
        offsets: Option<Vec<OffsetCommit>>,
    },
    /// `seek(tp, offset)`: the next poll reads from `offset`.
    Seek {
        consumer: String,
        topic: String,
        partition: i32,
        offset: i64,
    },
    /// `seekToBeginning(partitions)`; empty: every assigned partition.
    SeekToBeginning {
        consumer: String,
        #[serde(default)]
        partitions: Vec<TopicPartition>,
    },
    /// `seekToEnd(partitions)`; empty: every assigned partition.
    SeekToEnd {
        consumer: String,
        #[serde(default)]
        partitions: Vec<TopicPartition>,
    },
    /// `offsetsForTimes`: for each partition (empty: every assigned one) the first offset
    /// whose timestamp is at or after `timestamp_ms` (an event; nothing changes).
    OffsetsForTimes {
        consumer: String,
        timestamp_ms: i64,
        #[serde(default)]
        partitions: Vec<TopicPartition>,
    },
    /// `pause(partitions)`: stop fetching them without leaving the group.
    Pause {
        consumer: String,
        partitions: Vec<TopicPartition>,
    },
    /// `resume(partitions)`.
    Resume {
        consumer: String,
        partitions: Vec<TopicPartition>,
    },
    /// `close()`: auto-commit (if enabled), revoke, leave the group (dynamic members).
    CloseConsumer {
        consumer: String,
    },
    /// The consumer's process dies: positions and unfinished processing are lost, no
    /// LeaveGroup is sent (the group notices after `session.timeout.ms`).
    CrashConsumer {
        consumer: String,
    },
    /// A crashed or closed consumer starts again with the same settings and runs the same
    /// code: it subscribes (or assigns) as before. A new member unless static.
    RestartConsumer {
        consumer: String,
    },
    // ----- producers ------------------------------------------------------------------
    /// `new KafkaProducer<>(props)`: `acks`, `linger.ms`, `batch.size`, `retries`,
    /// `retry.backoff.ms`, `retry.backoff.max.ms`, `delivery.timeout.ms`, `request.timeout.ms`,
    /// `enable.idempotence`, `partitioner.class` (`round_robin` for the
    /// `RoundRobinPartitioner`).
    CreateProducer {
        name: String,
        #[serde(default)]
        config: BTreeMap<String, String>,
    },
    /// `producer.send(new ProducerRecord<>(topic, partition, key, value, headers))`: the
    /// record joins a batch that is sent when full (`batch.size`), after `linger.ms`, or at
    /// `Flush`.
    Send {
        producer: String,
        topic: String,
        #[serde(default)]
        partition: Option<i32>,
        #[serde(default)]
        key: Option<String>,
        #[serde(default)]
        value: Option<String>,
        #[serde(default)]
        headers: Vec<Header>,
        #[serde(default)]
        timestamp_ms: Option<i64>,
    },
    /// `flush()`: send every lingering batch now.
    Flush {
        producer: String,
    },
    /// `close()`: flush, then stop.
    CloseProducer {
        producer: String,
    },
    /// The producer's process dies: unsent records (its accumulator) are lost; records
    /// already written to a leader stay there, unacknowledged. See
    /// [`crate::clients::ProducerEvent::Crashed`].
    CrashProducer {
        producer: String,
    },
    /// A crashed or closed producer starts again with the same settings: an idempotent one
    /// gets a new producer id ([`crate::Event::ProducerCreated`]).
    RestartProducer {
        producer: String,
    },
    // ----- transactions (KIP-98, KIP-447) ----------------------------------------------
    /// `producer.initTransactions()`: needs `transactional.id`. The transaction
    /// coordinator gives the producer its producer id and a new epoch, aborting a
    /// transaction an older instance left open and fencing that instance.
    InitTransactions {
        producer: String,
    },
    /// `producer.beginTransaction()`.
    BeginTransaction {
        producer: String,
    },
    /// `producer.sendOffsetsToTransaction(offsets, groupMetadata)`: the offsets (each the
    /// next offset to read) are committed for the group if and only if the transaction
    /// commits. `consumer` passes that consumer's `groupMetadata()` (group, generation,
    /// member id: a zombie from an older generation is refused, KIP-447); `group` only the
    /// group id.
    SendOffsetsToTransaction {
        producer: String,
        offsets: Vec<OffsetCommit>,
        #[serde(default)]
        group: Option<String>,
        #[serde(default)]
        consumer: Option<String>,
    },
    /// `producer.commitTransaction()`: flushes, then the coordinator writes a COMMIT
    /// marker to every partition of the transaction (and to the groups' offsets
    /// partitions).
    CommitTransaction {
        producer: String,
    },
    /// `producer.abortTransaction()`: unsent records are dropped, ABORT markers written.
    AbortTransaction {
        producer: String,
    },
    // ----- played clients (simulator) -------------------------------------------------
    /// Simulator: the consumer runs its application loop on its own (see
    /// [`crate::clients`]'s `apps`): poll, process each record for `process_ms` (default
    /// `processing.ms.per.record`), commit by `commit` (default `auto` with
    /// `enable.auto.commit=true`, else `sync-per-batch`); an empty poll waits `idle_ms`
    /// (default 100).
    RunConsumer {
        consumer: String,
        #[serde(default)]
        commit: Option<crate::clients::CommitPolicy>,
        #[serde(default)]
        process_ms: Option<i64>,
        #[serde(default)]
        idle_ms: Option<i64>,
    },
    /// Simulator: the producer sends `rate` records per second to `topic`, keys cycling
    /// through `key-0` … `key-(keys-1)` (0: no key), values numbered from `"0"`.
    RunProducer {
        producer: String,
        topic: String,
        rate: u32,
        #[serde(default)]
        keys: u32,
    },
    /// Simulator: stop a client's application; the client is under manual control again.
    StopApp {
        client: String,
    },
    /// Simulator: a database outside Kafka named `name`, with a `results` and an `offsets`
    /// table, for consumers with `offset.store` or `results.store` (see
    /// [`crate::clients`]'s `external`).
    CreateDatabase {
        name: String,
    },
    // ----- groups (admin) -------------------------------------------------------------
    /// `Admin.deleteConsumerGroups` (`kafka-consumer-groups --delete`): only a group
    /// without members. `GROUP_ID_NOT_FOUND` for a group the coordinator does not know (no
    /// members and no committed offsets), `NON_EMPTY_GROUP` while it has members;
    /// otherwise every committed offset of the group is deleted (an
    /// [`crate::Event::OffsetDeleted`] each) and the group becomes Dead (its state change).
    DeleteGroup {
        group: String,
    },
    /// `Admin.alterConsumerGroupOffsets` (`kafka-consumer-groups --reset-offsets
    /// --execute`): commits `offsets` for a group without members, as
    /// [`Command::CommitOffsets`] does; `NON_EMPTY_GROUP` while the group has members (the
    /// tool's "can only be reset if the group is inactive"). The tool waits for the
    /// acknowledgement: the clock runs (in steps of the replica fetch delay) until the commit
    /// records are replicated and visible; `COORDINATOR_NOT_AVAILABLE`, and nothing changed,
    /// if they never are.
    ResetOffsets {
        group: String,
        offsets: Vec<OffsetCommit>,
    },
    /// `kafka-console-consumer`: see [`ConsoleConsume`]. The records it hands over are
    /// [`crate::Event::ConsoleRecords`], and it ends with one
    /// [`crate::Event::ConsoleConsumerFinished`].
    ConsoleConsume(ConsoleConsume),
}

/// `kafka-console-consumer --topic T [--partition P] [--offset O] [--from-beginning]
/// [--group G] [--max-messages N] [--timeout-ms MS] [--consumer-property k=v]`, run once:
/// - without a group, or with a group that has no members, it reads each partition from
///   `offset`, the group's committed offset (when it is inside the log) or
///   `auto.offset.reset` (`from_beginning` is `earliest`; the default is the latest offset,
///   the last stable offset for `isolation.level=read_committed`), up to `max_messages`,
///   below the high watermark, and with a group commits where it stopped and waits for the
///   acknowledgement;
/// - with a group that has members, it joins as one more member (`console-consumer-N`),
///   polls while the clock runs until the group's rebalance lets it in (at most
///   `timeout_ms`, else 310 s), hands over what its partitions hold, then closes, which
///   commits its positions, and the group rebalances again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleConsume {
    pub topic: String,
    #[serde(default)]
    pub partition: Option<i32>,
    #[serde(default)]
    pub offset: Option<ConsoleStart>,
    #[serde(default)]
    pub from_beginning: bool,
    /// `--group`; without it, `group.id` from `config`.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub max_messages: Option<u64>,
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// `--consumer-property` (and `--group`'s `group.id`): Kafka consumer properties.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
}

/// The console consumer's `--offset`: a number, `earliest` or `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleStart {
    Offset(i64),
    Earliest,
    Latest,
}
