//! The typed form of a console command: what the learner asked for, checked and named in
//! Kafka's words, and nothing of how the simulator will do it.
//!
//! This module deliberately knows no simulator types: turning a [`Command`] into the core's
//! commands (and rendering the world's answer) is a separate step, so the language can be
//! parsed, tested, printed back and stored on its own.
//!
//! Three families of commands:
//! - **admin tools**, in the syntax of Kafka's own command-line tools: [`Command::Topics`],
//!   [`Command::ConsumerGroups`], [`Command::GetOffsets`], [`Command::ConsoleProducer`],
//!   [`Command::ConsoleConsumer`];
//! - **client verbs**, named after the Java client (`KafkaProducer`, `KafkaConsumer`):
//!   create a client with its configs, then `send`, `poll`, `commitSync`, `seek` …;
//! - **simulator verbs** that no real cluster has: `crash`, `restart`, `advance`,
//!   `kill-broker`, `restart-broker`, `seed`, and the views `describe` and `state`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A topic name, checked against Kafka's rules (`Topic.validate`).
pub type TopicName = String;

/// A partition index within a topic (Kafka's partition id, 0-based).
pub type PartitionId = u32;

/// One partition of one topic, written `orders:0`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: TopicName,
    pub partition: PartitionId,
}

/// A topic and, optionally, some of its partitions: `orders` (all of them) or `orders:0,1,2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSelection {
    pub topic: TopicName,
    /// `None`: every partition of the topic (for a client verb: every one it is assigned).
    pub partitions: Option<Vec<PartitionId>>,
}

/// The name given to a producer or consumer in the simulation (`p1`, `checker-a`).
pub type ClientName = String;

/// One console command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    // ---- admin tools -------------------------------------------------------------------
    /// `kafka-topics --create/--list/--describe/--alter/--delete …`
    Topics(TopicsCommand),
    /// `kafka-consumer-groups --list/--describe/--reset-offsets/--delete-offsets/--delete …`
    ConsumerGroups(ConsumerGroupsCommand),
    /// `kafka-get-offsets --topic t [--partitions 0,1] [--time earliest|latest|max-timestamp|<ms>]`
    GetOffsets(GetOffsets),
    /// `kafka-console-producer --topic t [--key k] --value v …` (one shot).
    ConsoleProducer(ConsoleProducer),
    /// `kafka-console-consumer --topic t [--group g] [--from-beginning] …` (one shot).
    ConsoleConsumer(ConsoleConsumer),
    /// `kafka-configs --describe/--alter --entity-type topics --entity-name t …` (topics only).
    Configs(ConfigsCommand),
    /// `kafka-leader-election --election-type preferred|unclean (--all-topic-partitions |
    /// --topic t --partition p)`.
    LeaderElection(LeaderElection),
    /// `kafka-transactions list | describe --transactional-id id | describe-producers
    /// --topic t --partition p` (`TransactionsCommand`; read only).
    Transactions(TransactionsTool),

    // ---- clients (Java client API) -----------------------------------------------------
    /// `producer p1 acks=all linger.ms=5` — `new KafkaProducer<>(props)`.
    CreateProducer { name: ClientName, configs: Configs },
    /// `consumer c1 group.id=g1 enable.auto.commit=false` — `new KafkaConsumer<>(props)`.
    CreateConsumer { name: ClientName, configs: Configs },
    /// `send p1 --topic orders --key k --value v` — `producer.send(new ProducerRecord<>(…))`.
    Send(SendRecord),
    /// `flush p1` — `producer.flush()`: send every record still lingering in a batch.
    Flush { producer: ClientName },
    /// `initTransactions p1`, `beginTransaction p1`, `commitTransaction p1`,
    /// `abortTransaction p1` — a transactional producer's calls (KIP-98).
    Transaction {
        producer: ClientName,
        call: TransactionCall,
    },
    /// `sendOffsetsToTransaction p1 --offsets in:0=42,… (--group g | --consumer c1)` —
    /// `producer.sendOffsetsToTransaction(offsets, groupMetadata)` (KIP-447).
    SendOffsetsToTransaction {
        producer: ClientName,
        /// Each offset is the next offset to read. In JSON: a list of
        /// `{"topic", "partition", "offset"}`.
        #[serde(with = "offsets_as_list_required")]
        offsets: BTreeMap<TopicPartition, u64>,
        metadata: GroupMetadataSource,
    },
    /// `subscribe c1 orders,payments` — `consumer.subscribe(List.of(…))`.
    Subscribe {
        consumer: ClientName,
        topics: Vec<TopicName>,
    },
    /// `assign c1 orders:0,1` — `consumer.assign(…)`: manual assignment, no group rebalancing.
    Assign {
        consumer: ClientName,
        partitions: Vec<TopicSelection>,
    },
    /// `unsubscribe c1` — `consumer.unsubscribe()`.
    Unsubscribe { consumer: ClientName },
    /// `poll c1` — `consumer.poll(timeout)`.
    Poll { consumer: ClientName },
    /// `process c1 [--count N]` — the application handles the records the last polls returned.
    Process {
        consumer: ClientName,
        /// `None`: every polled record not yet processed.
        count: Option<u64>,
    },
    /// `commitSync c1 [--offsets orders:0=42,…]` and `commitAsync …`.
    Commit {
        consumer: ClientName,
        mode: CommitMode,
        /// `None`: commit the positions of every assigned partition (the no-argument call).
        /// Each offset is the next offset to read, as in Kafka. In JSON: a list of
        /// `{"topic", "partition", "offset"}`.
        #[serde(with = "offsets_as_list")]
        offsets: Option<BTreeMap<TopicPartition, u64>>,
    },
    /// `seek c1 orders:0 42` — `consumer.seek(tp, offset)`.
    Seek {
        consumer: ClientName,
        partition: TopicPartition,
        offset: u64,
    },
    /// `seekToBeginning c1 [orders:0,1 …]` — empty: every assigned partition.
    SeekToBeginning {
        consumer: ClientName,
        partitions: Vec<TopicSelection>,
    },
    /// `seekToEnd c1 [orders:0,1 …]` — empty: every assigned partition.
    SeekToEnd {
        consumer: ClientName,
        partitions: Vec<TopicSelection>,
    },
    /// `pause c1 orders:0,1` — `consumer.pause(…)`.
    Pause {
        consumer: ClientName,
        partitions: Vec<TopicSelection>,
    },
    /// `resume c1 orders:0,1` — `consumer.resume(…)`.
    Resume {
        consumer: ClientName,
        partitions: Vec<TopicSelection>,
    },
    /// `position c1 orders:0` — `consumer.position(tp)`: the next offset poll returns.
    Position {
        consumer: ClientName,
        partition: TopicPartition,
    },
    /// `committed c1 [orders:0,1 …]` — `consumer.committed(Set<TopicPartition>)`.
    Committed {
        consumer: ClientName,
        partitions: Vec<TopicSelection>,
    },
    /// `close p1` / `close c1` — `close()`: a consumer commits (if auto-commit) and leaves.
    Close { client: ClientName },

    // ---- simulator -----------------------------------------------------------------------
    /// `crash c1` — the client process dies: no commit, no leave; its position is lost.
    Crash { client: ClientName },
    /// `restart c1` — a crashed client starts again with the same configs.
    Restart { client: ClientName },
    /// `advance 5s` — move the virtual clock forward.
    Advance { millis: u64 },
    /// `run c1 [--commit POLICY] [--process-ms N] [--poll-timeout-ms N]` — the consumer
    /// runs its application loop on its own as the clock moves (poll, process, commit).
    RunConsumer(RunConsumer),
    /// `run p1 --topic orders --rate N [--keys K]` — the producer sends N records per
    /// second on its own as the clock moves.
    RunProducer(RunProducer),
    /// `stop c1` — the client's application stops; the client is under manual control.
    Stop { client: ClientName },
    /// `database results` — a database outside Kafka (a `results` and an `offsets` table)
    /// for consumers created with `offset.store=results` or `results.store=results`.
    Database { name: String },
    /// `kill-broker 1` — the broker stops; its partitions elect new leaders from the ISR.
    KillBroker { broker: u32 },
    /// `restart-broker 1`
    RestartBroker { broker: u32 },
    /// `pause-replication 2` — broker 2 keeps running and leading, but its follower replicas
    /// stop fetching (a slow or cut-off replica): after `replica.lag.time.max.ms` they leave
    /// the ISR.
    PauseReplication { broker: u32 },
    /// `resume-replication 2` — its followers fetch again, catch up and rejoin the ISR.
    ResumeReplication { broker: u32 },
    /// `seed 42` — the seed of the world's random source.
    Seed { seed: u64 },
    /// `cluster auto.create.topics.enable=false num.partitions=3` — broker settings
    /// (`server.properties`), fixed when the cluster starts: only before any command that
    /// changes the world.
    Cluster { configs: Configs },
    /// `describe <target>` — a text view of one thing.
    Describe { target: Target },
    /// `state [--json]` — the whole world.
    State { format: StateFormat },
    /// `help [command]`
    Help { topic: Option<String> },
}

/// How a played consumer commits (`run c1 --commit …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommitPolicy {
    /// `auto`: `enable.auto.commit=true` commits at a poll every `auto.commit.interval.ms`.
    Auto,
    /// `sync-per-batch`: `commitSync()` after processing each batch.
    SyncPerBatch,
    /// `sync-per-record`: `commitSync(offset + 1)` after each record.
    SyncPerRecord,
    /// `before-processing`: `commitSync()` right after `poll`, before processing.
    BeforeProcessing,
    /// `async-per-batch`: `commitAsync()` after processing each batch.
    AsyncPerBatch,
    /// `external-store`: no Kafka commit; each result and its offset go to the consumer's
    /// database (`offset.store`) in one transaction.
    ExternalStore,
}

impl CommitPolicy {
    pub const ALL: [CommitPolicy; 6] = [
        CommitPolicy::Auto,
        CommitPolicy::SyncPerBatch,
        CommitPolicy::SyncPerRecord,
        CommitPolicy::BeforeProcessing,
        CommitPolicy::AsyncPerBatch,
        CommitPolicy::ExternalStore,
    ];

    /// The console's name (`sync-per-batch`).
    pub fn name(self) -> &'static str {
        match self {
            CommitPolicy::Auto => "auto",
            CommitPolicy::SyncPerBatch => "sync-per-batch",
            CommitPolicy::SyncPerRecord => "sync-per-record",
            CommitPolicy::BeforeProcessing => "before-processing",
            CommitPolicy::AsyncPerBatch => "async-per-batch",
            CommitPolicy::ExternalStore => "external-store",
        }
    }

    pub fn from_name(name: &str) -> Option<CommitPolicy> {
        CommitPolicy::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// `run CONSUMER [--commit POLICY] [--process-ms N] [--poll-timeout-ms N]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConsumer {
    pub consumer: ClientName,
    /// `None`: `external-store` for a consumer with `offset.store`, `auto` if the consumer
    /// has `enable.auto.commit=true`, else `sync-per-batch`.
    pub commit: Option<CommitPolicy>,
    /// Processing time per record; `None`: the consumer's `processing.ms.per.record`.
    pub process_ms: Option<u64>,
    /// How long a poll that returned nothing waits; `None`: 100 ms.
    pub poll_timeout_ms: Option<u64>,
}

/// `run PRODUCER --topic T --rate N [--keys K]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunProducer {
    pub producer: ClientName,
    pub topic: TopicName,
    /// Records per second.
    pub rate: u32,
    /// Keys `key-0` … `key-(K-1)` in turn; `None`: records without a key.
    pub keys: Option<u32>,
}

/// `commitSync` or `commitAsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitMode {
    Sync,
    Async,
}

/// A transactional producer's call without arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionCall {
    /// `initTransactions`.
    Init,
    /// `beginTransaction`.
    Begin,
    /// `commitTransaction`.
    Commit,
    /// `abortTransaction`.
    Abort,
}

impl TransactionCall {
    /// The Java method's name, which is the console verb.
    pub fn verb(self) -> &'static str {
        match self {
            TransactionCall::Init => "initTransactions",
            TransactionCall::Begin => "beginTransaction",
            TransactionCall::Commit => "commitTransaction",
            TransactionCall::Abort => "abortTransaction",
        }
    }
}

/// Whose group metadata `sendOffsetsToTransaction` passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum GroupMetadataSource {
    /// `--group g`: `new ConsumerGroupMetadata("g")`, the group id alone.
    Group(String),
    /// `--consumer c1`: `c1.groupMetadata()`: its group, generation and member id, which
    /// the group checks (a zombie is refused).
    Consumer(ClientName),
}

/// What `describe` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Target {
    /// `describe topic orders`
    Topic(TopicName),
    /// `describe partition orders:0`
    Partition(TopicPartition),
    /// `describe group g1`
    Group(String),
    /// `describe consumer c1`
    Consumer(ClientName),
    /// `describe producer p1`
    Producer(ClientName),
    /// `describe broker 1`
    Broker(u32),
    /// `describe cluster`
    Cluster,
    /// `describe offsets` (or `describe __consumer_offsets`): the committed-offsets log.
    ConsumerOffsets,
    /// `describe database results`: a database outside Kafka, its two tables.
    Database(String),
    /// `describe orders`: whichever topic, group or client has that name.
    Named(String),
}

/// How `state` prints the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateFormat {
    Text,
    Json,
}

/// `send p1 --topic orders [--partition N] [--key k] (--value v | --null-value) [--timestamp ms]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRecord {
    pub producer: ClientName,
    pub topic: TopicName,
    pub partition: Option<PartitionId>,
    /// `None`: a record without a key (the partitioner picks the partition).
    pub key: Option<String>,
    /// `None`: a null value, i.e. a tombstone for a compacted topic (`--null-value`).
    pub value: Option<String>,
    /// The record's create time in ms; `None`: the producer's clock.
    pub timestamp: Option<i64>,
    /// `--header k=v`, repeatable, in order (Kafka headers may repeat a key).
    pub headers: Vec<(String, String)>,
}

/// Kafka configs given as `key=value`, checked against the known names and value types.
///
/// Values are kept in a canonical text form (`true`, `5000`, `range,cooperative-sticky`), in
/// name order, so two commands that mean the same print the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Configs(pub BTreeMap<String, String>);

impl Configs {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// A boolean config (`enable.auto.commit`); values were checked when parsed.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).map(|v| v == "true")
    }

    /// A numeric config (`max.poll.records`); values were checked when parsed.
    pub fn get_i64(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.parse().ok())
    }

    /// A list config (`partition.assignment.strategy`, `cleanup.policy`).
    pub fn get_list(&self, key: &str) -> Option<Vec<&str>> {
        self.get(key).map(|v| v.split(',').collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

// ---- kafka-topics ---------------------------------------------------------------------------

/// `kafka-topics` with exactly one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TopicsCommand {
    /// `--create --topic t [--partitions N] [--replication-factor N] [--config k=v]… [--if-not-exists]`
    Create {
        topic: TopicName,
        /// `None`: the cluster default (`num.partitions`).
        partitions: Option<u32>,
        /// `None`: the cluster default (`default.replication.factor`).
        replication_factor: Option<u16>,
        configs: Configs,
        if_not_exists: bool,
    },
    /// `--list [--topic t] [--exclude-internal]`
    List {
        topic: Option<TopicName>,
        exclude_internal: bool,
    },
    /// `--describe [--topic t] [--if-exists] [--exclude-internal] [--under-replicated-partitions] …`
    Describe {
        topic: Option<TopicName>,
        if_exists: bool,
        exclude_internal: bool,
        filter: Option<PartitionFilter>,
    },
    /// `--alter --topic t --partitions N [--if-exists]`: add partitions (never remove).
    Alter {
        topic: TopicName,
        partitions: u32,
        if_exists: bool,
    },
    /// `--delete --topic t [--if-exists]`
    Delete { topic: TopicName, if_exists: bool },
}

/// The `kafka-topics --describe` report filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionFilter {
    /// `--under-replicated-partitions`: ISR smaller than the replica set.
    UnderReplicated,
    /// `--under-min-isr-partitions`: ISR smaller than `min.insync.replicas`.
    UnderMinIsr,
    /// `--at-min-isr-partitions`: ISR exactly `min.insync.replicas`.
    AtMinIsr,
    /// `--unavailable-partitions`: no live leader.
    Unavailable,
}

// ---- kafka-consumer-groups ------------------------------------------------------------------

/// `kafka-consumer-groups` with exactly one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ConsumerGroupsCommand {
    /// `--list [--state [s1,s2]]`
    List {
        /// `None`: no state column. `Some([])`: a STATE column for every group.
        /// `Some([…])`: only groups in those states (canonical names, e.g. `Stable`).
        states: Option<Vec<String>>,
    },
    /// `--describe (--group g … | --all-groups) [--offsets | --members | --state] [--verbose]`
    Describe {
        groups: GroupSelection,
        view: GroupView,
        verbose: bool,
    },
    /// `--reset-offsets (--group g | --all-groups) (--topic t[:p,…]… | --all-topics) <spec>
    /// [--dry-run | --execute]`
    ResetOffsets {
        groups: GroupSelection,
        scope: ResetScope,
        spec: ResetSpec,
        mode: ResetMode,
    },
    /// `--delete-offsets --group g --topic t[:p,…]…`
    DeleteOffsets {
        group: String,
        topics: Vec<TopicSelection>,
    },
    /// `--delete (--group g … | --all-groups)`
    Delete { groups: GroupSelection },
}

/// `--group g1 [--group g2 …]` or `--all-groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupSelection {
    Groups(Vec<String>),
    AllGroups,
}

/// Which table `--describe` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupView {
    /// The default (`--offsets`): GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
    /// CONSUMER-ID HOST CLIENT-ID.
    Offsets,
    /// `--members`: GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS.
    Members,
    /// `--state`: GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS.
    State,
}

/// Which partitions a reset touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetScope {
    /// `--all-topics`: every partition the group has committed offsets for.
    AllTopics,
    /// `--topic t` (every partition) or `--topic t:0,1` — repeatable.
    Topics(Vec<TopicSelection>),
}

/// Where a reset moves the committed offsets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", content = "value", rename_all = "snake_case")]
pub enum ResetSpec {
    /// `--to-earliest`: the log start offset.
    ToEarliest,
    /// `--to-latest`: the log end offset.
    ToLatest,
    /// `--to-current`: the committed offset (useful to re-assert it, or to fill a gap).
    ToCurrent,
    /// `--to-offset N`: Kafka clamps N into [log start, log end] with a warning.
    ToOffset(i64),
    /// `--shift-by N`: committed offset + N (N may be negative), clamped like `--to-offset`.
    ShiftBy(i64),
    /// `--to-datetime YYYY-MM-DDTHH:mm:SS.sss[zone]`: the first offset with a timestamp at
    /// or after that instant (ms since the epoch; no zone means UTC, as in Kafka).
    ToDatetime(i64),
    /// `--by-duration PnDTnHnMnS`: like `--to-datetime` with "now minus the duration" (ms).
    ByDuration(u64),
}

/// `--dry-run`, `--execute`, or neither (Kafka then plans only and prints a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetMode {
    DryRun,
    Execute,
    /// Neither flag: a dry run, and Kafka's `WARN: No action will be performed as the
    /// --execute option is missing. …` is printed first.
    DryRunByDefault,
}

// ---- kafka-get-offsets ----------------------------------------------------------------------

/// `kafka-get-offsets [--topic t] [--partitions 0,1] [--time …]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOffsets {
    /// `None`: every topic.
    pub topic: Option<TopicName>,
    /// `None`: every partition.
    pub partitions: Option<Vec<PartitionId>>,
    pub time: OffsetTime,
}

/// `--time`: which offset to look up (Kafka's `OffsetSpec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "spec", content = "value", rename_all = "snake_case")]
pub enum OffsetTime {
    /// `latest` or `-1` (the default): the log end offset.
    Latest,
    /// `earliest` or `-2`: the log start offset.
    Earliest,
    /// `max-timestamp` or `-3`: the offset of the record with the highest timestamp.
    MaxTimestamp,
    /// A timestamp in ms: the first offset whose timestamp is at or after it.
    Timestamp(i64),
}

// ---- console producer and consumer ----------------------------------------------------------

/// `kafka-console-producer --topic t [--key k] --value v [--value v2 …] [--producer-property k=v]…`
///
/// The real tool reads one record per line from standard input; here the lines are given as
/// `--value` flags (one record each) and `--key` plays `parse.key=true` with a tab separator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleProducer {
    pub topic: TopicName,
    pub key: Option<String>,
    pub values: Vec<String>,
    pub configs: Configs,
}

/// `kafka-console-consumer --topic t [--group g] [--from-beginning] [--max-messages N] …`
///
/// One shot: it reads what is readable now (up to `--max-messages`), prints it and leaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleConsumer {
    pub topic: TopicName,
    pub group: Option<String>,
    pub from_beginning: bool,
    pub max_messages: Option<u64>,
    pub partition: Option<PartitionId>,
    pub offset: Option<ConsoleOffset>,
    pub timeout_ms: Option<u64>,
    /// `--consumer-property k=v` (consumer configs).
    pub configs: Configs,
    /// `--property print.key=true` … (formatter properties).
    pub properties: Configs,
}

/// `--offset earliest|latest|N` (needs `--partition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", content = "value", rename_all = "snake_case")]
pub enum ConsoleOffset {
    Earliest,
    Latest,
    Offset(u64),
}

/// JSON object keys must be strings, so commit offsets travel as a list of entries.
/// [`offsets_as_list`] for a map that must be there.
mod offsets_as_list_required {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::TopicPartition;

    #[derive(Serialize, Deserialize)]
    struct Entry {
        topic: String,
        partition: u32,
        offset: u64,
    }

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<TopicPartition, u64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        map.iter()
            .map(|(tp, o)| Entry {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: *o,
            })
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<TopicPartition, u64>, D::Error> {
        Ok(Vec::<Entry>::deserialize(d)?
            .into_iter()
            .map(|e| {
                (
                    TopicPartition {
                        topic: e.topic,
                        partition: e.partition,
                    },
                    e.offset,
                )
            })
            .collect())
    }
}

mod offsets_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::TopicPartition;

    #[derive(Serialize, Deserialize)]
    struct Entry {
        topic: String,
        partition: u32,
        offset: u64,
    }

    pub fn serialize<S: Serializer>(
        offsets: &Option<BTreeMap<TopicPartition, u64>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        offsets
            .as_ref()
            .map(|map| {
                map.iter()
                    .map(|(tp, offset)| Entry {
                        topic: tp.topic.clone(),
                        partition: tp.partition,
                        offset: *offset,
                    })
                    .collect::<Vec<_>>()
            })
            .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<BTreeMap<TopicPartition, u64>>, D::Error> {
        let entries = Option::<Vec<Entry>>::deserialize(deserializer)?;
        Ok(entries.map(|entries| {
            entries
                .into_iter()
                .map(|e| {
                    (
                        TopicPartition {
                            topic: e.topic,
                            partition: e.partition,
                        },
                        e.offset,
                    )
                })
                .collect()
        }))
    }
}

// ---- kafka-configs and kafka-leader-election ------------------------------------------------

/// `kafka-configs`, for topic configs (the only entity the simulator has configs for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ConfigsCommand {
    /// `--describe --entity-type topics [--entity-name t] [--all]`: overrides (or, with
    /// `--all`, every config) of one topic or of all topics.
    Describe { topic: Option<TopicName>, all: bool },
    /// `--alter --entity-type topics --entity-name t [--add-config k=v,…] [--delete-config k,…]`
    Alter {
        topic: TopicName,
        add: Configs,
        /// Config names whose override is removed (back to the default).
        delete: Vec<String>,
    },
}

/// `kafka-transactions`: what the transaction coordinator and the partitions know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TransactionsTool {
    /// `list`: every transactional id, its producer id and state.
    List,
    /// `describe --transactional-id id`: one transaction in detail.
    Describe { transactional_id: String },
    /// `describe-producers --topic t --partition p`: the producers that wrote
    /// transactions to a partition, and where an open one starts.
    DescribeProducers { partition: TopicPartition },
}

/// `kafka-leader-election`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderElection {
    pub election: ElectionType,
    /// `None`: `--all-topic-partitions`.
    pub partition: Option<TopicPartition>,
}

/// `--election-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionType {
    /// Move leadership back to the first replica of each partition, if it is in the ISR.
    Preferred,
    /// Elect a leader for partitions without one, even from outside the ISR (can lose data).
    Unclean,
}
