//! The world's state as one JSON document: `"schema": "offset-express/state", "version": 1`.
//!
//! One function, [`state`], builds it; the CLI (`--format json`), the `state --json` command
//! and the JavaScript API (`state()`) all use it, so they cannot disagree. The schema is
//! documented field by field in `docs/state-schema.md`; a change that removes or renames a
//! field, or changes a meaning, raises [`STATE_VERSION`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::offsets::render_offsets_record;
use sim::{World, OFFSETS_TOPIC};

use super::Console;

/// The `schema` field.
pub const STATE_SCHEMA: &str = "offset-express/state";
/// The `version` field.
pub const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub schema: String,
    pub version: u32,
    pub seed: u64,
    pub now_ms: i64,
    pub brokers: Vec<BrokerState>,
    pub topics: Vec<TopicState>,
    pub groups: Vec<GroupState>,
    pub consumer_offsets: ConsumerOffsetsState,
    pub producers: Vec<ProducerState>,
    pub consumers: Vec<ConsumerState>,
    /// The simulator's databases outside Kafka (`database NAME`), by name; absent when
    /// there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<DatabaseState>,
    /// The transaction coordinator's entries, by `transactional.id`; absent when no
    /// producer ever called `initTransactions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<TransactionState>,
}

/// One `transactional.id` at the transaction coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionState {
    pub transactional_id: String,
    pub producer_id: i64,
    pub epoch: i32,
    /// Kafka's names: `Empty`, `Ongoing`, `CompleteCommit`, `CompleteAbort`.
    pub state: String,
    /// Partitions of the open transaction, `topic-partition`.
    pub partitions: Vec<String>,
    /// Groups whose offsets were sent to the open transaction.
    pub groups: Vec<String>,
    /// When the open transaction started; null when none is open.
    pub started_ms: Option<i64>,
    pub timeout_ms: i64,
}

/// A transaction open in one partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenTransactionState {
    pub producer_id: i64,
    /// Its first record here: the last stable offset cannot pass it.
    pub first_offset: i64,
}

/// A transactional producer's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerTransactionState {
    pub transactional_id: String,
    /// Set by `initTransactions`.
    pub producer_id: Option<i64>,
    pub epoch: Option<i32>,
    /// Kafka's client states: `UNINITIALIZED`, `READY`, `IN_TRANSACTION`, `ABORTABLE_ERROR`.
    pub state: String,
}

/// A database outside Kafka: its `results` and `offsets` tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseState {
    pub name: String,
    /// One row per record written, in the order written.
    pub results: Vec<sim::clients::ResultRow>,
    /// The next offset to read, per application (`group.id`, or `client.id` without a
    /// group) and partition, written with the results (`offset.store`).
    pub offsets: Vec<sim::clients::StoredOffset>,
    /// Rows that repeat an earlier row of the same application for the same record.
    pub duplicate_rows: usize,
    /// Writes skipped because the record was already stored.
    pub skipped_writes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerState {
    pub id: i32,
    pub alive: bool,
    /// Its follower replicas fetch from their leaders (`pause-replication` stops them).
    pub fetching: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicState {
    pub name: String,
    pub topic_id: String,
    pub partition_count: i32,
    pub replication_factor: i32,
    /// Configs that differ from the cluster's defaults, by Kafka name.
    pub configs: BTreeMap<String, String>,
    pub partitions: Vec<PartitionState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionState {
    pub partition: i32,
    pub leader: Option<i32>,
    pub leader_epoch: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub log_start_offset: i64,
    pub high_watermark: i64,
    pub log_end_offset: i64,
    /// The last stable offset: the first offset of the oldest open transaction, or the high
    /// watermark when none is open. `read_committed` consumers read below it.
    #[serde(default)]
    pub last_stable_offset: i64,
    /// Transactions open here; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_transactions: Vec<OpenTransactionState>,
    pub records: Vec<RecordState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordState {
    pub offset: i64,
    pub timestamp_ms: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    pub headers: Vec<HeaderState>,
    /// Absent for a plain record; `transactional` for a record written in a transaction;
    /// `commit_marker` or `abort_marker` for a control record (it takes the offset, no
    /// consumer returns it; its key and value are Kafka's control record bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// The producer id of a transactional record or a marker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer_id: Option<i64>,
    /// A record of an aborted transaction: `read_committed` consumers skip it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aborted: bool,
}

/// The `batch`, `producer_id` and `aborted` fields of a record.
fn batch_fields(
    log: &sim::log::PartitionLog,
    r: &sim::RecordView<'_>,
) -> (Option<String>, Option<i64>, bool) {
    use sim::log::BatchKind;
    let batch = match r.kind {
        BatchKind::Plain => None,
        BatchKind::Transactional { .. } => Some("transactional"),
        BatchKind::Marker { commit: true, .. } => Some("commit_marker"),
        BatchKind::Marker { commit: false, .. } => Some("abort_marker"),
    };
    (
        batch.map(str::to_string),
        r.kind.producer_id(),
        log.is_aborted(r),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderState {
    pub key: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupState {
    pub group: String,
    /// `Empty`, `Stable`, … as `kafka-consumer-groups --describe --state` prints it.
    pub state: String,
    pub coordinator: Option<i32>,
    pub coordinator_partition: i32,
    pub members: Vec<String>,
    pub offsets: Vec<CommittedOffsetState>,
    /// How the group's processing went (absent until it processed a record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliveryState>,
    /// Records still on board that the group processed more than once (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<DuplicateState>,
}

/// A group's processing totals, from the core's delivery ledger (records that retention
/// removed stay counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryState {
    /// Distinct records processed at least once.
    pub processed_records: u64,
    /// Processings in all (a record processed twice counts two).
    pub deliveries: u64,
    /// Records processed more than once (at-least-once showing).
    pub duplicate_records: u64,
    /// Records the group moved past without processing them (at-most-once showing).
    pub skipped_records: u64,
}

/// One record a group processed more than once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateState {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub times: u32,
}

/// A client's application (`run`), as `app` of a consumer or producer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerAppState {
    /// `auto`, `sync-per-batch`, `sync-per-record`, `before-processing`, `async-per-batch`.
    pub commit: String,
    pub process_ms: i64,
    pub poll_timeout_ms: i64,
    /// What the loop does next: `poll`, `process`, `processing` or `commit` (blocked in
    /// `commitSync`).
    pub step: String,
    pub next_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerAppState {
    pub topic: String,
    pub rate: u32,
    /// 0: records without a key.
    pub keys: u32,
    pub sent: u64,
    pub next_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommittedOffsetState {
    pub topic: String,
    pub partition: i32,
    /// The next offset to read.
    pub offset: i64,
    pub metadata: String,
    pub commit_timestamp_ms: i64,
    /// The partition's high watermark now (what `--describe` prints as LOG-END-OFFSET).
    pub log_end_offset: Option<i64>,
    pub lag: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerOffsetsState {
    pub partitions: i32,
    /// Every record still in `__consumer_offsets`, by partition then offset.
    pub records: Vec<OffsetsRecordState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetsRecordState {
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: i64,
    pub key: Option<String>,
    /// `None`: a tombstone.
    pub value: Option<String>,
    /// As in [`RecordState`]: offsets sent to a transaction are `transactional` records,
    /// and the transaction's end is a marker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer_id: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aborted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerState {
    pub name: String,
    pub acks: String,
    pub linger_ms: i64,
    pub batch_size: i64,
    pub enable_idempotence: bool,
    pub closed: bool,
    pub queued_records: usize,
    pub in_flight_records: usize,
    pub acknowledged_records: u64,
    pub failed_records: u64,
    /// Every producer config with the value the producer uses, defaults included, by Kafka
    /// name (the core's catalogue).
    #[serde(default)]
    pub configs: BTreeMap<String, String>,
    /// Its application, while `run` drives it (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<ProducerAppState>,
    /// A transactional producer's id, epoch and state (absent for other producers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<ProducerTransactionState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerState {
    pub name: String,
    /// `running`, `crashed` or `closed`.
    pub state: String,
    pub group: Option<String>,
    pub group_instance_id: Option<String>,
    /// Empty until it joined a group.
    pub member_id: String,
    pub generation: i32,
    pub partitions: Vec<ConsumerPartitionState>,
    /// Records polled and not processed yet.
    pub unprocessed: Vec<OffsetRef>,
    /// Every consumer config with the value the consumer uses, defaults included, by Kafka
    /// name (the core's catalogue).
    #[serde(default)]
    pub configs: BTreeMap<String, String>,
    /// Its application, while `run` drives it (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<ConsumerAppState>,
    /// Simulator: the database its application keeps results and offsets in
    /// (`offset.store`), absent if none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_store: Option<String>,
    /// Simulator: the database its application writes results only to (`results.store`),
    /// absent if none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_store: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerPartitionState {
    pub topic: String,
    pub partition: i32,
    /// The next offset `poll` returns (only in the consumer's memory); null until known.
    pub position: Option<i64>,
    /// The group's committed offset (the next offset to read), if any.
    pub committed: Option<i64>,
    pub high_watermark: i64,
    pub lag: Option<i64>,
    pub paused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetRef {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

/// The console's state in schema version 1.
pub fn state(console: &Console) -> State {
    let world = console.world();
    let topics = world
        .topics()
        .filter(|t| !t.is_internal())
        .map(|t| TopicState {
            name: t.name().to_string(),
            topic_id: topic_id(world.seed(), t.name()),
            partition_count: t.partition_count(),
            replication_factor: t
                .partitions()
                .first()
                .map_or(0, |p| p.replicas().len() as i32),
            configs: topic_overrides(world, t.config()),
            partitions: t
                .partitions()
                .iter()
                .map(|p| PartitionState {
                    partition: p.index(),
                    leader: p.leader().map(|b| b.0),
                    leader_epoch: p.leader_epoch(),
                    replicas: p.replica_ids().iter().map(|b| b.0).collect(),
                    isr: p.isr().iter().map(|b| b.0).collect(),
                    log_start_offset: p.log_start_offset().0,
                    high_watermark: p.high_watermark().0,
                    log_end_offset: p.log_end_offset().0,
                    last_stable_offset: p.last_stable_offset().0,
                    open_transactions: p
                        .log()
                        .open_transactions()
                        .map(|(producer_id, first)| OpenTransactionState {
                            producer_id,
                            first_offset: first.0,
                        })
                        .collect(),
                    records: p
                        .log()
                        .records()
                        .map(|r| {
                            let (batch, producer_id, aborted) = batch_fields(p.log(), &r);
                            RecordState {
                                offset: r.offset.0,
                                timestamp_ms: r.timestamp_ms,
                                key: r.key_utf8().map(|k| k.into_owned()),
                                value: r.value_utf8().map(|v| v.into_owned()),
                                headers: r
                                    .headers
                                    .iter()
                                    .map(|h| HeaderState {
                                        key: h.key.clone(),
                                        value: h.value.clone(),
                                    })
                                    .collect(),
                                batch,
                                producer_id,
                                aborted,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let groups = group_ids(world)
        .into_iter()
        .map(|group| {
            let offsets = world
                .offset_store()
                .group_offsets(&group)
                .map(|g| {
                    g.iter()
                        .map(|(tp, o)| {
                            let end = world
                                .partition(&tp.topic, tp.partition)
                                .map(|p| p.high_watermark().0);
                            CommittedOffsetState {
                                topic: tp.topic.clone(),
                                partition: tp.partition,
                                offset: o.offset.0,
                                metadata: o.metadata.clone(),
                                commit_timestamp_ms: o.commit_timestamp_ms,
                                log_end_offset: end,
                                lag: end.map(|e| e - o.offset.0),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let g = world.group(&group);
            GroupState {
                state: group_state_name(world, &group)
                    .unwrap_or("Dead")
                    .to_string(),
                coordinator: world.coordinator(&group).map(|b| b.0),
                coordinator_partition: world.coordinator_partition(&group),
                members: g
                    .map(|g| g.members().into_iter().map(|m| m.member_id).collect())
                    .unwrap_or_default(),
                offsets,
                delivery: delivery_state(world, &group),
                duplicates: world
                    .delivery_ledger()
                    .duplicates(Some(&group))
                    .into_iter()
                    .map(|((tp, offset), times)| DuplicateState {
                        topic: tp.topic.clone(),
                        partition: tp.partition,
                        offset,
                        times,
                    })
                    .collect(),
                group,
            }
        })
        .collect();
    let consumer_offsets = world
        .topic(OFFSETS_TOPIC)
        .map(|t| ConsumerOffsetsState {
            partitions: t.partition_count(),
            records: t
                .partitions()
                .iter()
                .flat_map(|p| {
                    p.log().records().map(move |r| {
                        let (batch, producer_id, aborted) = batch_fields(p.log(), &r);
                        let (key, value) = if r.kind.is_marker() {
                            (None, None)
                        } else {
                            render_offsets_record(r.key, r.value)
                        };
                        OffsetsRecordState {
                            partition: p.index(),
                            offset: r.offset.0,
                            timestamp_ms: r.timestamp_ms,
                            key,
                            value,
                            batch,
                            producer_id,
                            aborted,
                        }
                    })
                })
                .collect(),
        })
        .unwrap_or(ConsumerOffsetsState {
            partitions: 0,
            records: Vec::new(),
        });
    State {
        schema: STATE_SCHEMA.to_string(),
        version: STATE_VERSION,
        seed: world.seed(),
        now_ms: world.now_ms(),
        brokers: world
            .brokers()
            .map(|b| BrokerState {
                id: b.id.0,
                alive: b.alive,
                fetching: b.fetching,
            })
            .collect(),
        topics,
        groups,
        consumer_offsets,
        producers: world
            .producer_names()
            .filter_map(|name| {
                let p = world.producer(name)?;
                let st = p.settings();
                Some(ProducerState {
                    name: name.to_string(),
                    acks: match st.acks {
                        sim::Acks::None => "0",
                        sim::Acks::Leader => "1",
                        sim::Acks::All => "all",
                    }
                    .to_string(),
                    linger_ms: st.linger_ms,
                    batch_size: st.batch_size,
                    enable_idempotence: st.enable_idempotence,
                    closed: p.is_closed(),
                    queued_records: p.queued_records(),
                    in_flight_records: p.in_flight_records(),
                    acknowledged_records: p.acknowledged_records(),
                    failed_records: p.failed_records(),
                    configs: st.entries(),
                    app: match world.app(name) {
                        Some(sim::clients::AppView::Producer {
                            topic,
                            rate,
                            keys,
                            sent,
                            next_at_ms,
                        }) => Some(ProducerAppState {
                            topic,
                            rate,
                            keys,
                            sent,
                            next_at_ms,
                        }),
                        _ => None,
                    },
                    transaction: st.transactional_id.as_ref().map(|id| {
                        let t = p.transaction();
                        ProducerTransactionState {
                            transactional_id: id.clone(),
                            producer_id: t.and_then(|t| t.epoch).and(p.producer_id()),
                            epoch: t.and_then(|t| t.epoch),
                            state: t.map_or("UNINITIALIZED", |t| t.state.name()).to_string(),
                        }
                    }),
                })
            })
            .collect(),
        consumers: world
            .consumer_names()
            .filter_map(|name| {
                let v = world.consumer_view(name)?;
                Some(ConsumerState {
                    name: v.name,
                    state: match v.state {
                        sim::clients::ClientState::Running => "running",
                        sim::clients::ClientState::Crashed => "crashed",
                        sim::clients::ClientState::Closed => "closed",
                    }
                    .to_string(),
                    group: v.group,
                    group_instance_id: v.group_instance_id,
                    member_id: v.member_id,
                    generation: v.generation,
                    partitions: v
                        .partitions
                        .into_iter()
                        .map(|p| ConsumerPartitionState {
                            topic: p.topic,
                            partition: p.partition,
                            position: p.position,
                            committed: p.committed,
                            high_watermark: p.high_watermark,
                            lag: p.lag,
                            paused: p.paused,
                        })
                        .collect(),
                    unprocessed: v
                        .unprocessed
                        .into_iter()
                        .map(|r| OffsetRef {
                            topic: r.topic,
                            partition: r.partition,
                            offset: r.offset,
                        })
                        .collect(),
                    configs: world
                        .consumer_settings(name)
                        .map(|s| s.entries())
                        .unwrap_or_default(),
                    app: match world.app(name) {
                        Some(sim::clients::AppView::Consumer {
                            commit,
                            process_ms,
                            idle_ms,
                            step,
                            next_at_ms,
                        }) => Some(ConsumerAppState {
                            commit: commit.name().to_string(),
                            process_ms,
                            poll_timeout_ms: idle_ms,
                            step,
                            next_at_ms,
                        }),
                        _ => None,
                    },
                    offset_store: match world
                        .consumer_settings(name)
                        .and_then(|s| s.external_store.as_ref())
                    {
                        Some(sim::clients::ExternalStore::Offsets(db)) => Some(db.clone()),
                        _ => None,
                    },
                    results_store: match world
                        .consumer_settings(name)
                        .and_then(|s| s.external_store.as_ref())
                    {
                        Some(sim::clients::ExternalStore::Results(db)) => Some(db.clone()),
                        _ => None,
                    },
                })
            })
            .collect(),
        databases: world
            .databases()
            .map(|(name, db)| DatabaseState {
                name: name.to_string(),
                results: db.results().to_vec(),
                offsets: db.offsets(),
                duplicate_rows: db.duplicate_rows(),
                skipped_writes: db.skipped_writes(),
            })
            .collect(),
        transactions: world
            .transactions()
            .map(|m| TransactionState {
                transactional_id: m.transactional_id.clone(),
                producer_id: m.producer_id,
                epoch: m.epoch,
                state: m.state.name().to_string(),
                partitions: m.partitions.iter().map(|tp| tp.to_string()).collect(),
                groups: m.groups.iter().cloned().collect(),
                started_ms: m.started_ms,
                timeout_ms: m.timeout_ms,
            })
            .collect(),
    }
}

/// [`state`] as pretty-printed JSON (two-space indent, no trailing newline).
pub fn state_json(console: &Console) -> String {
    serde_json::to_string_pretty(&state(console)).unwrap_or_else(|e| {
        // Serialising plain structs of strings and numbers cannot fail; keep the page alive.
        format!("{{\"error\": {:?}}}", e.to_string())
    })
}

/// A group's delivery totals, once it processed something.
fn delivery_state(world: &World, group: &str) -> Option<DeliveryState> {
    let t = world.delivery_ledger().totals(Some(group));
    (t.processed_records > 0).then_some(DeliveryState {
        processed_records: t.processed_records,
        deliveries: t.deliveries,
        duplicate_records: t.duplicate_records,
        skipped_records: t.skipped_records,
    })
}

/// Every group the coordinator knows: groups with members or a coordinator state (not
/// `Dead`) and groups with committed offsets, sorted.
pub fn group_ids(world: &World) -> Vec<String> {
    let mut groups: Vec<String> = world
        .groups()
        .filter(|g| g.state() != sim::group::GroupState::Dead)
        .map(|g| g.group_id().to_string())
        .collect();
    groups.extend(
        world
            .offset_store()
            .groups()
            .filter(|g| {
                world
                    .offset_store()
                    .group_offsets(g)
                    .is_some_and(|o| !o.is_empty())
            })
            .map(str::to_string),
    );
    groups.sort();
    groups.dedup();
    groups
}

/// The state `kafka-consumer-groups` prints for a known group (`Empty` for a group that
/// only has committed offsets); `None` for a group the coordinator does not know.
pub(crate) fn group_state_name(world: &World, group: &str) -> Option<&'static str> {
    let offsets = world
        .offset_store()
        .group_offsets(group)
        .is_some_and(|o| !o.is_empty());
    match world.group(group).map(|g| g.state()) {
        Some(sim::group::GroupState::Empty) => Some("Empty"),
        Some(sim::group::GroupState::PreparingRebalance) => Some("PreparingRebalance"),
        Some(sim::group::GroupState::CompletingRebalance) => Some("CompletingRebalance"),
        Some(sim::group::GroupState::Stable) => Some("Stable"),
        Some(sim::group::GroupState::Dead) | None => offsets.then_some("Empty"),
    }
}

/// A topic's configs that differ from the cluster defaults, by Kafka name, values as
/// `kafka-configs` prints them.
pub(crate) fn topic_overrides(
    world: &World,
    config: &sim::TopicConfig,
) -> BTreeMap<String, String> {
    let defaults = topic_config_entries(&world.config().topic_defaults);
    topic_config_entries(config)
        .into_iter()
        .filter(|(name, value)| defaults.get(name) != Some(value))
        .collect()
}

/// Every topic config the simulator models, by Kafka name (the core's catalogue).
pub(crate) fn topic_config_entries(c: &sim::TopicConfig) -> BTreeMap<String, String> {
    c.entries()
}

/// A topic id as Kafka prints one (`Uuid.toString`: 16 bytes in URL-safe base64 without
/// padding, 22 characters), derived from the world's seed and the topic name so the same
/// scenario always shows the same id. Like a random (version 4) UUID, its version and variant
/// bits are set.
pub fn topic_id(seed: u64, topic: &str) -> String {
    let mut bytes = [0u8; 16];
    let hi = fnv1a64(seed, topic.as_bytes(), 0x6f66_6673_6574_2d65);
    let lo = fnv1a64(seed, topic.as_bytes(), 0x7870_7265_7373_2d31);
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    base64_url(&bytes)
}

fn fnv1a64(seed: u64, data: &[u8], salt: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in seed.to_le_bytes().iter().chain(data) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // A final mix so that names differing in one letter differ everywhere.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_ids_look_like_kafka_uuids_and_follow_the_seed() {
        let id = topic_id(7, "orders");
        assert_eq!(id.len(), 22);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(id, topic_id(7, "orders"));
        assert_ne!(id, topic_id(8, "orders"));
        assert_ne!(id, topic_id(7, "orderz"));
    }

    #[test]
    fn base64_url_matches_the_rfc_4648_vectors() {
        assert_eq!(base64_url(b"f"), "Zg");
        assert_eq!(base64_url(b"fo"), "Zm8");
        assert_eq!(base64_url(b"foo"), "Zm9v");
        assert_eq!(base64_url(b"foob"), "Zm9vYg");
        assert_eq!(base64_url(&[0xfb, 0xff]), "-_8");
    }
}
