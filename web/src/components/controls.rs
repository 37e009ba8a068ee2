//! The controls: a form or a button for every action of the simulator, grouped as trains
//! (topics), platforms (producers), ticket checkers and their teams (consumers and groups),
//! depots (brokers) and time.
//!
//! Every control builds a `script::Command`, prints it (its canonical console line) under the
//! button — "runs: poll c1" — and runs exactly that line, so what a learner clicks is what
//! they could type in the console. Forms pick existing names from the world.

use crate::components::producer_panel::{send_command, Via};
use crate::state::{Action, Calm};
use crate::view::sentences::plural;
use crate::vocab::{capitalised, Term, Vocabulary};
use script::{
    ClientName, Command, CommitMode, CommitPolicy, Configs, ConfigsCommand, ConsumerGroupsCommand,
    ElectionType, GroupMetadataSource, GroupSelection, LeaderElection, ResetMode, ResetScope,
    ResetSpec, RunConsumer, RunProducer, TopicPartition, TopicSelection, TopicsCommand,
    TransactionCall,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

// ---- what the forms choose from ---------------------------------------------------------------

/// A client as the forms list it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientChoice {
    pub name: String,
    /// `running`, `crashed` or `closed`.
    pub state: &'static str,
    /// Its application runs on its own (`run`).
    pub app: bool,
    /// A consumer with `enable.auto.commit=true`.
    pub auto_commit: bool,
    /// A producer with `transactional.id`.
    pub transactional: bool,
    /// A consumer's known positions (the next offset to read), as `sendOffsetsToTransaction`
    /// would send them.
    pub positions: Vec<(String, u32, u64)>,
}

impl ClientChoice {
    /// How a select lists it: `c1 (running, application)`.
    pub fn label(&self) -> String {
        if self.app {
            format!("{} ({}, application)", self.name, self.state)
        } else {
            format!("{} ({})", self.name, self.state)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerChoice {
    pub id: i32,
    pub alive: bool,
    pub fetching: bool,
}

/// The names in the world the forms pick from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Choices {
    /// Topics a learner made (not `__consumer_offsets`), with their partition counts.
    pub topics: Vec<(String, u32)>,
    pub consumers: Vec<ClientChoice>,
    pub producers: Vec<ClientChoice>,
    pub groups: Vec<String>,
    pub brokers: Vec<BrokerChoice>,
}

impl Choices {
    pub fn of(world: &sim::World) -> Choices {
        Choices {
            topics: world
                .topics()
                .filter(|t| !t.is_internal())
                .map(|t| (t.name().to_string(), t.partition_count().max(0) as u32))
                .collect(),
            consumers: world
                .consumer_names()
                .filter_map(|n| {
                    let c = world.consumer(n)?;
                    Some(ClientChoice {
                        name: n.to_string(),
                        state: if c.is_running() {
                            "running"
                        } else if c.is_crashed() {
                            "crashed"
                        } else {
                            "closed"
                        },
                        app: world.app(n).is_some(),
                        auto_commit: c.config().enable_auto_commit,
                        transactional: false,
                        positions: world
                            .consumer_view(n)
                            .map(|v| {
                                v.partitions
                                    .iter()
                                    .filter_map(|p| {
                                        Some((
                                            p.topic.clone(),
                                            u32::try_from(p.partition).ok()?,
                                            u64::try_from(p.position?).ok()?,
                                        ))
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                })
                .collect(),
            producers: world
                .producer_names()
                .filter_map(|n| {
                    let p = world.producer(n)?;
                    Some(ClientChoice {
                        name: n.to_string(),
                        state: if p.is_closed() { "closed" } else { "running" },
                        app: world.app(n).is_some(),
                        auto_commit: false,
                        transactional: p.settings().transactional_id.is_some(),
                        positions: Vec::new(),
                    })
                })
                .collect(),
            groups: world.groups().map(|g| g.group_id().to_string()).collect(),
            brokers: world
                .brokers()
                .map(|b| BrokerChoice {
                    id: b.id.0,
                    alive: b.alive,
                    fetching: b.fetching,
                })
                .collect(),
        }
    }

    pub fn topic_names(&self) -> Vec<String> {
        self.topics.iter().map(|(t, _)| t.clone()).collect()
    }

    pub fn partitions_of(&self, topic: &str) -> u32 {
        self.topics
            .iter()
            .find(|(t, _)| t == topic)
            .map_or(0, |(_, n)| *n)
    }

    /// Every partition of every topic, as `orders:0`.
    pub fn topic_partitions(&self) -> Vec<String> {
        self.topics
            .iter()
            .flat_map(|(t, n)| (0..*n).map(move |p| format!("{t}:{p}")))
            .collect()
    }

    /// Whether a producer or consumer has this name (they share one namespace).
    pub fn client_exists(&self, name: &str) -> bool {
        self.consumers
            .iter()
            .chain(self.producers.iter())
            .any(|c| c.name == name)
    }

    fn consumer_names(&self) -> Vec<String> {
        self.consumers.iter().map(|c| c.name.clone()).collect()
    }

    fn producer_names(&self) -> Vec<String> {
        self.producers.iter().map(|c| c.name.clone()).collect()
    }
}

/// The first name `prefix1`, `prefix2` … that nothing has yet.
pub fn next_name(prefix: &str, taken: &[String]) -> String {
    (1..)
        .map(|i| format!("{prefix}{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| prefix.to_string())
}

/// `value` if it is one of `options`, else the first option.
pub fn chosen(value: &str, options: &[String]) -> Option<String> {
    options
        .iter()
        .find(|o| o.as_str() == value)
        .or_else(|| options.first())
        .cloned()
}

// ---- the lines the controls run (pure, tested) ------------------------------------------------

fn configs(pairs: &[(&str, &str)]) -> Configs {
    Configs(
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// `kafka-topics --create`: empty choices keep the cluster defaults.
pub fn create_topic(
    name: &str,
    partitions: Option<u32>,
    replication_factor: Option<u16>,
    cleanup_policy: &str,
    min_insync: &str,
) -> Command {
    Command::Topics(TopicsCommand::Create {
        topic: name.to_string(),
        partitions,
        replication_factor,
        configs: configs(&[
            ("cleanup.policy", cleanup_policy),
            ("min.insync.replicas", min_insync),
        ]),
        if_not_exists: false,
    })
}

pub fn alter_partitions(topic: &str, partitions: u32) -> Command {
    Command::Topics(TopicsCommand::Alter {
        topic: topic.to_string(),
        partitions,
        if_exists: false,
    })
}

pub fn delete_topic(topic: &str) -> Command {
    Command::Topics(TopicsCommand::Delete {
        topic: topic.to_string(),
        if_exists: false,
    })
}

/// `kafka-configs --alter … --add-config key=value`.
pub fn alter_topic_config(topic: &str, key: &str, value: &str) -> Command {
    Command::Configs(ConfigsCommand::Alter {
        topic: topic.to_string(),
        add: configs(&[(key, value)]),
        delete: Vec::new(),
    })
}

pub fn create_producer(name: &str, acks: &str, linger_ms: &str) -> Command {
    Command::CreateProducer {
        name: name.to_string(),
        configs: configs(&[("acks", acks), ("linger.ms", linger_ms)]),
    }
}

/// The lines of a transactional producer's call.
pub fn transaction_call(producer: &str, call: TransactionCall) -> Command {
    Command::Transaction {
        producer: producer.to_string(),
        call,
    }
}

/// `sendOffsetsToTransaction` of a consumer's positions with its group metadata (`None` when
/// it has no position yet).
pub fn offsets_to_transaction(producer: &str, consumer: &ClientChoice) -> Option<Command> {
    let offsets: BTreeMap<TopicPartition, u64> = consumer
        .positions
        .iter()
        .map(|(topic, partition, offset)| {
            (
                TopicPartition {
                    topic: topic.clone(),
                    partition: *partition,
                },
                *offset,
            )
        })
        .collect();
    (!offsets.is_empty()).then(|| Command::SendOffsetsToTransaction {
        producer: producer.to_string(),
        offsets,
        metadata: GroupMetadataSource::Consumer(consumer.name.clone()),
    })
}

pub fn create_consumer(
    name: &str,
    group: &str,
    auto_commit: &str,
    offset_reset: &str,
    strategy: &str,
) -> Command {
    Command::CreateConsumer {
        name: name.to_string(),
        configs: configs(&[
            ("group.id", group),
            ("enable.auto.commit", auto_commit),
            ("auto.offset.reset", offset_reset),
            ("partition.assignment.strategy", strategy),
        ]),
    }
}

/// A `topic:partition` picked in a select.
pub fn parse_partition(text: &str) -> Option<TopicPartition> {
    let (topic, p) = text.rsplit_once(':')?;
    Some(TopicPartition {
        topic: topic.to_string(),
        partition: p.parse().ok()?,
    })
}

fn selection(tp: &TopicPartition) -> Vec<TopicSelection> {
    vec![TopicSelection {
        topic: tp.topic.clone(),
        partitions: Some(vec![tp.partition]),
    }]
}

/// The one-click verbs on a consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerVerb {
    Poll,
    Process,
    CommitSync,
    CommitAsync,
    Unsubscribe,
    Close,
    Crash,
    Restart,
}

pub fn consumer_verb(consumer: &str, verb: ConsumerVerb, count: Option<u64>) -> Command {
    let consumer: ClientName = consumer.to_string();
    match verb {
        ConsumerVerb::Poll => Command::Poll { consumer },
        ConsumerVerb::Process => Command::Process { consumer, count },
        ConsumerVerb::CommitSync => Command::Commit {
            consumer,
            mode: CommitMode::Sync,
            offsets: None,
        },
        ConsumerVerb::CommitAsync => Command::Commit {
            consumer,
            mode: CommitMode::Async,
            offsets: None,
        },
        ConsumerVerb::Unsubscribe => Command::Unsubscribe { consumer },
        ConsumerVerb::Close => Command::Close { client: consumer },
        ConsumerVerb::Crash => Command::Crash { client: consumer },
        ConsumerVerb::Restart => Command::Restart { client: consumer },
    }
}

/// Where a seek goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekTo {
    Offset(u64),
    Beginning,
    End,
}

pub fn seek(consumer: &str, tp: &TopicPartition, to: SeekTo) -> Command {
    let consumer = consumer.to_string();
    match to {
        SeekTo::Offset(offset) => Command::Seek {
            consumer,
            partition: tp.clone(),
            offset,
        },
        SeekTo::Beginning => Command::SeekToBeginning {
            consumer,
            partitions: selection(tp),
        },
        SeekTo::End => Command::SeekToEnd {
            consumer,
            partitions: selection(tp),
        },
    }
}

pub fn pause_resume(consumer: &str, tp: &TopicPartition, pause: bool) -> Command {
    let consumer = consumer.to_string();
    let partitions = selection(tp);
    if pause {
        Command::Pause {
            consumer,
            partitions,
        }
    } else {
        Command::Resume {
            consumer,
            partitions,
        }
    }
}

/// `kafka-consumer-groups --reset-offsets --execute` for one group and one topic (or all).
pub fn reset_offsets(group: &str, topic: Option<&str>, spec: ResetSpec) -> Command {
    Command::ConsumerGroups(ConsumerGroupsCommand::ResetOffsets {
        groups: GroupSelection::Groups(vec![group.to_string()]),
        scope: match topic {
            Some(t) => ResetScope::Topics(vec![TopicSelection {
                topic: t.to_string(),
                partitions: None,
            }]),
            None => ResetScope::AllTopics,
        },
        spec,
        mode: ResetMode::Execute,
    })
}

/// `kafka-consumer-groups --delete --group g`: forget an empty group and its committed offsets.
pub fn delete_group(group: &str) -> Command {
    Command::ConsumerGroups(ConsumerGroupsCommand::Delete {
        groups: GroupSelection::Groups(vec![group.to_string()]),
    })
}

/// The reset specs the form offers, by name.
pub fn reset_spec(kind: &str, n: i64) -> Option<ResetSpec> {
    Some(match kind {
        "to-earliest" => ResetSpec::ToEarliest,
        "to-latest" => ResetSpec::ToLatest,
        "to-offset" => ResetSpec::ToOffset(n),
        "shift-by" => ResetSpec::ShiftBy(n),
        _ => return None,
    })
}

/// What a broker button does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokerVerb {
    Kill,
    Restart,
    PauseReplication,
    ResumeReplication,
}

pub fn broker_verb(broker: i32, verb: BrokerVerb) -> Command {
    let broker = broker.max(0) as u32;
    match verb {
        BrokerVerb::Kill => Command::KillBroker { broker },
        BrokerVerb::Restart => Command::RestartBroker { broker },
        BrokerVerb::PauseReplication => Command::PauseReplication { broker },
        BrokerVerb::ResumeReplication => Command::ResumeReplication { broker },
    }
}

pub fn preferred_election() -> Command {
    Command::LeaderElection(LeaderElection {
        election: ElectionType::Preferred,
        partition: None,
    })
}

/// `run p1 --topic t --rate N [--keys K]`: the producer sends on its own as the clock moves.
pub fn run_producer(producer: &str, topic: &str, rate: u32, keys: Option<u32>) -> Command {
    Command::RunProducer(RunProducer {
        producer: producer.to_string(),
        topic: topic.to_string(),
        rate,
        keys: keys.filter(|k| *k > 0),
    })
}

/// `run c1 [--commit POLICY] [--process-ms N]`: the consumer's poll loop runs on its own.
pub fn run_consumer(
    consumer: &str,
    commit: Option<CommitPolicy>,
    process_ms: Option<u64>,
) -> Command {
    Command::RunConsumer(RunConsumer {
        consumer: consumer.to_string(),
        commit,
        process_ms,
        poll_timeout_ms: None,
    })
}

/// The commit policies a consumer's loop may use: `auto` needs `enable.auto.commit=true`,
/// the others need it off.
pub fn policies_for(auto_commit: bool) -> Vec<CommitPolicy> {
    CommitPolicy::ALL
        .into_iter()
        // external-store needs a consumer created with offset.store (a console property).
        .filter(|p| (*p == CommitPolicy::Auto) == auto_commit && *p != CommitPolicy::ExternalStore)
        .collect()
}

/// What a commit policy means, in a few words.
pub fn policy_label(policy: CommitPolicy) -> &'static str {
    match policy {
        CommitPolicy::Auto => "auto (enable.auto.commit)",
        CommitPolicy::SyncPerBatch => "commitSync after each batch",
        CommitPolicy::SyncPerRecord => "commitSync after each record",
        CommitPolicy::BeforeProcessing => "commitSync before processing (at-most-once)",
        CommitPolicy::AsyncPerBatch => "commitAsync after each batch",
        CommitPolicy::ExternalStore => "results and offsets in its own database (offset.store)",
    }
}

/// An `advance` line from what the learner typed (`5s`, `1m30s`), if it reads as one.
pub fn advance_line(duration: &str) -> Option<String> {
    match script::parse_line(&format!("advance {}", duration.trim())) {
        Ok(Some(c @ Command::Advance { .. })) => Some(c.to_string()),
        _ => None,
    }
}

/// The quick `advance` buttons (virtual milliseconds).
pub const ADVANCE_PRESETS: &[u64] = &[100, 1_000, 5_000, 30_000, 60_000, 300_000];

// ---- the pieces of a form ---------------------------------------------------------------------

type Field = UseStateHandle<String>;

fn on_text(field: &Field) -> Callback<InputEvent> {
    let field = field.clone();
    Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        field.set(input.value());
    })
}

fn on_select(field: &Field) -> Callback<Event> {
    let field = field.clone();
    Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        field.set(select.value());
    })
}

/// A labelled select of `(value, label)` options; `current` is the one shown selected.
fn select(label: &str, field: &Field, current: &str, options: &[(String, String)]) -> Html {
    html! {
        <label class="field">
            <span>{ label }</span>
            <select onchange={on_select(field)} disabled={options.is_empty()}>
                if options.is_empty() {
                    <option>{ "none yet" }</option>
                }
                { for options.iter().map(|(value, text)| html! {
                    <option value={value.clone()} selected={value == current}>{ text }</option>
                }) }
            </select>
        </label>
    }
}

fn same(names: &[String]) -> Vec<(String, String)> {
    names.iter().map(|n| (n.clone(), n.clone())).collect()
}

fn with_default(default_label: &str, values: &[&str]) -> Vec<(String, String)> {
    std::iter::once((String::new(), default_label.to_string()))
        .chain(values.iter().map(|v| (v.to_string(), v.to_string())))
        .collect()
}

fn text(label: &str, field: &Field, placeholder: &str, kind: &str) -> Html {
    html! {
        <label class="field">
            <span>{ label }</span>
            <input type={kind.to_string()} value={(**field).clone()} oninput={on_text(field)}
                   placeholder={placeholder.to_string()} autocomplete="off" autocapitalize="off"
                   spellcheck="false" />
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct RunProps {
    /// What the button says.
    label: AttrValue,
    /// The console lines it runs, in order (none: the form is not complete).
    lines: Vec<String>,
    run: Callback<Vec<String>>,
    writable: bool,
    #[prop_or_default]
    danger: bool,
    #[prop_or_default]
    testid: Option<AttrValue>,
}

/// A button that shows the console line(s) it runs.
#[component]
fn RunButton(props: &RunProps) -> Html {
    let onclick = {
        let (run, lines) = (props.run.clone(), props.lines.clone());
        Callback::from(move |_: MouseEvent| run.emit(lines.clone()))
    };
    let ready = !props.lines.is_empty();
    html! {
        <button type="button" class={classes!("run", props.danger.then_some("danger"))}
                data-testid={props.testid.clone()} disabled={!ready || !props.writable} {onclick}>
            <span class="run-label">{ &props.label }</span>
            <span class="run-lines">
                if !ready {
                    <span class="run-line">{ "fill in the fields to see its line" }</span>
                }
                { for props.lines.iter().enumerate().map(|(i, l)| html! {
                    <span class="run-line">
                        <span class="run-word">{ if i == 0 { "runs: " } else { "then: " } }</span>
                        <code>{ code_words(l) }</code>
                    </span>
                }) }
            </span>
        </button>
    }
}

/// A console line drawn so that it wraps between words only (never after the `-` of a flag);
/// copying it still gives the line as typed.
pub fn code_words(line: &str) -> Html {
    html! {
        { for line.split(' ').enumerate().map(|(i, word)| html! {
            <>
                if i > 0 { { " " } }
                <span class="code-word">{ word }</span>
            </>
        }) }
    }
}

fn lines(command: Option<Command>) -> Vec<String> {
    command.map(|c| c.to_string()).into_iter().collect()
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    choices: Rc<Choices>,
    v: Vocabulary,
    writable: bool,
    run: Callback<Vec<String>>,
}

// ---- topics -------------------------------------------------------------------------------------

#[component]
fn TopicControls(props: &SectionProps) -> Html {
    let c = &props.choices;
    let v = props.v;
    let name = use_state(String::new);
    let partitions = use_state(|| "3".to_string());
    let rf = use_state(String::new);
    let cleanup = use_state(String::new);
    let min_isr = use_state(String::new);
    let topic = use_state(String::new);
    let grow_to = use_state(String::new);
    let retention = use_state(|| "60000".to_string());

    let topics = c.topic_names();
    let suggested = if topics.iter().any(|t| t == "payments") {
        next_name("topic-", &topics)
    } else {
        "payments".to_string()
    };
    let new_name = if name.trim().is_empty() {
        suggested.clone()
    } else {
        name.trim().to_string()
    };
    let topic_taken = topics.contains(&new_name);
    let create = create_topic(
        &new_name,
        partitions.trim().parse().ok().filter(|n| *n > 0),
        rf.parse().ok(),
        &cleanup,
        &min_isr,
    );
    let brokers = c.brokers.len().max(1);
    let rf_options: Vec<String> = (1..=brokers).map(|n| n.to_string()).collect();
    let rf_refs: Vec<&str> = rf_options.iter().map(String::as_str).collect();

    let picked = chosen(&topic, &topics);
    let current = picked.as_deref().map_or(0, |t| c.partitions_of(t));
    let grow: Option<u32> = grow_to
        .trim()
        .parse()
        .ok()
        .or(Some(current + 1))
        .filter(|n| *n > current);
    let alter = picked
        .as_deref()
        .zip(grow)
        .map(|(t, n)| alter_partitions(t, n));
    let retain = picked
        .as_deref()
        .map(|t| alter_topic_config(t, "retention.ms", &retention));
    let delete = picked.as_deref().map(delete_topic);
    let topic_word = Term::Topic.word(v);
    let part_word = plural(Term::Partition.word(v));

    html! {
        <>
            <div class="control-form">
                <h4>{ format!("New {topic_word}") }</h4>
                <div class="fields">
                    { text("Name", &name, &suggested, "text") }
                    { text(&capitalised(&part_word), &partitions, "3", "number") }
                    { select("Replication factor", &rf, &rf, &with_default("cluster default", &rf_refs)) }
                    { select("cleanup.policy", &cleanup, &cleanup, &with_default("delete (default)", &["compact"])) }
                    { select("min.insync.replicas", &min_isr, &min_isr, &with_default("1 (default)", &["2", "3"])) }
                </div>
                if topic_taken {
                    <p class="control-note control-invalid">{ format!("A {topic_word} named {new_name} exists already: pick another name.") }</p>
                }
                <RunButton label={format!("Create the {topic_word}")} lines={lines(Some(create).filter(|_| !topic_taken))}
                           run={props.run.clone()} writable={props.writable} testid="create-topic" />
            </div>
            <div class="control-form">
                <h4>{ format!("Change a {topic_word}") }</h4>
                <div class="fields">
                    { select(&capitalised(topic_word), &topic, picked.as_deref().unwrap_or(""), &same(&topics)) }
                    { text(&format!("{} (now {current})", capitalised(&part_word)), &grow_to, &(current + 1).to_string(), "number") }
                    { select("retention.ms", &retention, &retention, &[
                        ("60000".to_string(), "1 minute".to_string()),
                        ("600000".to_string(), "10 minutes".to_string()),
                        ("3600000".to_string(), "1 hour".to_string()),
                        ("604800000".to_string(), "7 days (default)".to_string()),
                    ]) }
                </div>
                <div class="run-row">
                    <RunButton label={format!("Add {part_word}")} lines={lines(alter)}
                               run={props.run.clone()} writable={props.writable} />
                    <RunButton label="Set retention" lines={lines(retain)}
                               run={props.run.clone()} writable={props.writable} />
                    <RunButton label={format!("Delete the {topic_word}")} lines={lines(delete)}
                               run={props.run.clone()} writable={props.writable} danger=true />
                </div>
            </div>
        </>
    }
}

// ---- producers ------------------------------------------------------------------------------------

#[component]
fn ProducerControls(props: &SectionProps) -> Html {
    let c = &props.choices;
    let v = props.v;
    let name = use_state(String::new);
    let acks = use_state(String::new);
    let linger = use_state(String::new);
    let via = use_state(String::new);
    let topic = use_state(String::new);
    let key = use_state(String::new);
    let value = use_state(String::new);
    let partition = use_state(String::new);
    let producer = use_state(String::new);
    let rate = use_state(|| "2".to_string());
    let keys = use_state(|| "3".to_string());
    let transactional = use_state(String::new);
    let offsets_of = use_state(String::new);

    let producers = c.producer_names();
    let suggested = next_name("p", &producers);
    let new_name = if name.trim().is_empty() {
        suggested.clone()
    } else {
        name.trim().to_string()
    };
    let producer_taken = c.client_exists(&new_name);
    let create = Some(create_producer(&new_name, &acks, &linger))
        .map(|mut cmd| {
            // transactional.id: the producer's own name, when asked for.
            if let (Command::CreateProducer { configs, .. }, false) =
                (&mut cmd, transactional.is_empty())
            {
                configs
                    .0
                    .insert("transactional.id".into(), new_name.clone());
            }
            cmd
        })
        .filter(|_| !producer_taken);

    // Send: through a producer client, or the console producer tool.
    let mut vias = vec![(String::new(), "kafka-console-producer".to_string())];
    vias.extend(same(&producers));
    let via_name = chosen(&via, &producers).filter(|_| !via.is_empty());
    let topics = c.topic_names();
    let send_topic = chosen(&topic, &topics);
    let partitions = send_topic.as_deref().map_or(0, |t| c.partitions_of(t));
    let partition_options: Vec<String> = (0..partitions).map(|p| p.to_string()).collect();
    let partition_refs: Vec<&str> = partition_options.iter().map(String::as_str).collect();
    let send = send_topic.as_deref().map(|t| {
        let value = if value.trim().is_empty() {
            "hello"
        } else {
            value.as_str()
        };
        let key = Some(key.as_str()).filter(|k| !k.is_empty());
        let partition = partition.parse().ok().filter(|_| via_name.is_some());
        match &via_name {
            Some(p) => send_command(Via::Producer(p), t, partition, key, value),
            None => send_command(Via::ConsoleProducer, t, None, key, value),
        }
    });

    let picked = chosen(&producer, &producers);
    let verb = |f: fn(String) -> Command| picked.clone().map(f);
    let stream_topic = chosen(&topic, &topics);
    let stream = picked
        .as_deref()
        .zip(stream_topic.as_deref())
        .zip(rate.parse::<u32>().ok())
        .map(|((p, t), r)| run_producer(p, t, r, keys.parse().ok()));
    let client_options: Vec<(String, String)> = c
        .producers
        .iter()
        .map(|p| (p.name.clone(), p.label()))
        .collect();
    let producer_word = Term::Producer.word(v);
    // A transactional producer's calls, and the offsets of a consumer to put in its
    // transaction (the consumer's positions, with its group metadata).
    let picked_transactional = picked
        .as_deref()
        .and_then(|n| c.producers.iter().find(|x| x.name == n))
        .is_some_and(|x| x.transactional);
    let txn = |call: TransactionCall| picked.as_deref().map(|p| transaction_call(p, call));
    let consumer_names = c.consumer_names();
    let offsets_consumer = chosen(&offsets_of, &consumer_names)
        .and_then(|n| c.consumers.iter().find(|x| x.name == n).cloned());
    let consumer_options: Vec<(String, String)> = c
        .consumers
        .iter()
        .map(|x| (x.name.clone(), x.label()))
        .collect();
    let offsets_line = picked
        .as_deref()
        .zip(offsets_consumer.as_ref())
        .and_then(|(p, consumer)| offsets_to_transaction(p, consumer));

    html! {
        <>
            <div class="control-form">
                <h4>{ format!("Send a {}", Term::Record.word(v)) }</h4>
                <div class="fields">
                    { select("Through", &via, via_name.as_deref().unwrap_or(""), &vias) }
                    { select(&capitalised(Term::Topic.word(v)), &topic, send_topic.as_deref().unwrap_or(""), &same(&topics)) }
                    { text(&capitalised(Term::Key.word(v)), &key, "none: any compartment", "text") }
                    { text(&capitalised(Term::Value.word(v)), &value, "hello", "text") }
                    if via_name.is_some() {
                        { select(&capitalised(Term::Partition.word(v)), &partition, &partition, &with_default("by key (partitioner)", &partition_refs)) }
                    }
                </div>
                <RunButton label={Term::Send.word(v)} lines={lines(send)}
                           run={props.run.clone()} writable={props.writable} testid="control-send" />
            </div>
            <div class="control-form">
                <h4>{ format!("New {producer_word}") }</h4>
                <div class="fields">
                    { text("Name", &name, &suggested, "text") }
                    { select("acks", &acks, &acks, &with_default("all (default)", &["1", "0"])) }
                    { select("linger.ms", &linger, &linger, &with_default("5 (default)", &["0", "100", "1000"])) }
                    { select("transactional.id", &transactional, &transactional, &[
                        ("".to_string(), "none (default)".to_string()),
                        ("yes".to_string(), format!("{new_name} (transactions)")),
                    ]) }
                </div>
                if producer_taken {
                    <p class="control-note control-invalid">{ format!("A client named {new_name} exists already: pick another name.") }</p>
                }
                <RunButton label={format!("Create the {producer_word}")} lines={lines(create)}
                           run={props.run.clone()} writable={props.writable} testid="create-producer" />
            </div>
            if !producers.is_empty() {
                <div class="control-form">
                    <h4>{ format!("Drive a {producer_word}") }</h4>
                    <div class="fields">
                        { select(&capitalised(producer_word), &producer, picked.as_deref().unwrap_or(""), &client_options) }
                    </div>
                    <div class="run-row">
                        <RunButton label="Flush" lines={lines(verb(|producer| Command::Flush { producer }))}
                                   run={props.run.clone()} writable={props.writable} />
                        <RunButton label="Close" lines={lines(verb(|client| Command::Close { client }))}
                                   run={props.run.clone()} writable={props.writable} />
                        <RunButton label={capitalised(Term::Crash.word(v))} lines={lines(verb(|client| Command::Crash { client }))}
                                   run={props.run.clone()} writable={props.writable} danger=true />
                        <RunButton label={capitalised(Term::Restart.word(v))} lines={lines(verb(|client| Command::Restart { client }))}
                                   run={props.run.clone()} writable={props.writable} />
                    </div>
                    if picked_transactional {
                        <h5>{ "Transaction" }</h5>
                        <div class="fields">
                            { select(&format!("Offsets of ({})", Term::Consumer.word(v)), &offsets_of, offsets_consumer.as_ref().map_or("", |x| x.name.as_str()), &consumer_options) }
                        </div>
                        <div class="run-row">
                            <RunButton label="initTransactions" lines={lines(txn(TransactionCall::Init))}
                                       run={props.run.clone()} writable={props.writable} testid="control-init-transactions" />
                            <RunButton label="beginTransaction" lines={lines(txn(TransactionCall::Begin))}
                                       run={props.run.clone()} writable={props.writable} testid="control-begin-transaction" />
                            <RunButton label="sendOffsetsToTransaction" lines={lines(offsets_line.clone())}
                                       run={props.run.clone()} writable={props.writable} testid="control-send-offsets" />
                            <RunButton label="commitTransaction" lines={lines(txn(TransactionCall::Commit))}
                                       run={props.run.clone()} writable={props.writable} testid="control-commit-transaction" />
                            <RunButton label="abortTransaction" lines={lines(txn(TransactionCall::Abort))}
                                       run={props.run.clone()} writable={props.writable} danger=true />
                        </div>
                    }
                    <h5>{ format!("A stream of {}", plural(Term::Record.word(v))) }</h5>
                    <div class="fields">
                        { select(&capitalised(Term::Topic.word(v)), &topic, stream_topic.as_deref().unwrap_or(""), &same(&topics)) }
                        { select("Per second", &rate, &rate, &same(&["1", "2", "5", "10", "50", "100"].map(String::from))) }
                        { select(&capitalised(&plural(Term::Key.word(v))), &keys, &keys, &[
                            ("0".to_string(), "none".to_string()),
                            ("1".to_string(), "key-0".to_string()),
                            ("3".to_string(), "key-0 … key-2".to_string()),
                            ("10".to_string(), "key-0 … key-9".to_string()),
                        ]) }
                    </div>
                    <div class="run-row">
                        <RunButton label="Start the stream" lines={lines(stream)}
                                   run={props.run.clone()} writable={props.writable} testid="run-producer" />
                        <RunButton label="Stop" lines={lines(verb(|client| Command::Stop { client }))}
                                   run={props.run.clone()} writable={props.writable} />
                    </div>
                </div>
            }
        </>
    }
}

// ---- consumers and teams ------------------------------------------------------------------------

#[component]
fn ConsumerControls(props: &SectionProps) -> Html {
    let c = &props.choices;
    let v = props.v;
    let name = use_state(String::new);
    let group = use_state(String::new);
    let auto_commit = use_state(|| "false".to_string());
    let reset = use_state(|| "earliest".to_string());
    let strategy = use_state(String::new);
    let isolation = use_state(String::new);
    let subscribe_to = use_state(String::new);
    let consumer = use_state(String::new);
    let topic = use_state(String::new);
    let count = use_state(String::new);
    let tp = use_state(String::new);
    let offset = use_state(String::new);
    let policy = use_state(String::new);
    let process_ms = use_state(String::new);

    let consumers = c.consumer_names();
    let topics = c.topic_names();
    let suggested = next_name("c", &consumers);
    let new_name = if name.trim().is_empty() {
        suggested.clone()
    } else {
        name.trim().to_string()
    };
    let group_suggestion = c
        .groups
        .first()
        .cloned()
        .unwrap_or_else(|| "billing".into());
    let group_id = if group.trim().is_empty() {
        group_suggestion.clone()
    } else {
        group.trim().to_string()
    };
    let first_topic = topics.first().cloned().unwrap_or_default();
    let subscribe_topic = if subscribe_to.is_empty() {
        first_topic.clone()
    } else {
        subscribe_to.to_string()
    };
    let mut new_consumer = create_consumer(&new_name, &group_id, &auto_commit, &reset, &strategy);
    if let (Command::CreateConsumer { configs, .. }, false) =
        (&mut new_consumer, isolation.is_empty())
    {
        configs
            .0
            .insert("isolation.level".into(), (*isolation).clone());
    }
    let mut create = lines(Some(new_consumer));
    if subscribe_topic != "-" && !subscribe_topic.is_empty() {
        create.push(
            Command::Subscribe {
                consumer: new_name.clone(),
                topics: vec![subscribe_topic.clone()],
            }
            .to_string(),
        );
    }
    let name_taken = c.client_exists(&new_name);
    if name_taken {
        create.clear();
    }
    let mut subscribe_options = vec![("-".to_string(), "not yet".to_string())];
    subscribe_options.extend(same(&topics));

    let picked = chosen(&consumer, &consumers);
    let count_n: Option<u64> = count.parse().ok();
    let verb = |verb: ConsumerVerb| {
        lines(
            picked
                .as_deref()
                .map(|name| consumer_verb(name, verb, count_n)),
        )
    };
    let picked_auto = picked
        .as_deref()
        .and_then(|n| c.consumers.iter().find(|x| x.name == n))
        .is_some_and(|x| x.auto_commit);
    let policies = policies_for(picked_auto);
    let policy_options: Vec<(String, String)> = policies
        .iter()
        .map(|p| (p.name().to_string(), policy_label(*p).to_string()))
        .collect();
    let policy_names: Vec<String> = policy_options.iter().map(|(n, _)| n.clone()).collect();
    let picked_policy = chosen(&policy, &policy_names);
    let run_loop = picked.as_deref().map(|name| {
        run_consumer(
            name,
            picked_policy.as_deref().and_then(CommitPolicy::from_name),
            process_ms.parse().ok(),
        )
    });
    let stop_loop = picked.clone().map(|client| Command::Stop { client });
    let sub_topic = chosen(&topic, &topics);
    let subscribe = picked
        .clone()
        .zip(sub_topic.clone())
        .map(|(consumer, t)| Command::Subscribe {
            consumer,
            topics: vec![t],
        });
    let tps = c.topic_partitions();
    let picked_tp = chosen(&tp, &tps).and_then(|t| parse_partition(&t));
    let on_tp = |to: SeekTo| {
        lines(
            picked
                .as_deref()
                .zip(picked_tp.as_ref())
                .map(|(name, tp)| seek(name, tp, to)),
        )
    };
    let seek_offset: Option<u64> = if offset.trim().is_empty() {
        Some(0)
    } else {
        offset.trim().parse().ok()
    };
    let seek_to = seek_offset.map_or(Vec::new(), |o| on_tp(SeekTo::Offset(o)));
    let pause = |on: bool| {
        lines(
            picked
                .as_deref()
                .zip(picked_tp.as_ref())
                .map(|(name, tp)| pause_resume(name, tp, on)),
        )
    };
    let client_options: Vec<(String, String)> = c
        .consumers
        .iter()
        .map(|x| (x.name.clone(), x.label()))
        .collect();
    let consumer_word = Term::Consumer.word(v);
    let group_word = Term::Group.word(v);
    let commit = capitalised(Term::Commit.word(v));
    let groups_list_id = "known-groups";

    html! {
        <>
            <div class="control-form">
                <h4>{ format!("New {consumer_word}") }</h4>
                <div class="fields">
                    { text("Name", &name, &suggested, "text") }
                    <label class="field">
                        <span>{ format!("group.id ({group_word})") }</span>
                        <input type="text" value={(*group).clone()} oninput={on_text(&group)}
                               placeholder={group_suggestion.clone()} list={groups_list_id}
                               autocomplete="off" autocapitalize="off" spellcheck="false" />
                        <datalist id={groups_list_id}>
                            { for c.groups.iter().map(|g| html! { <option value={g.clone()} /> }) }
                        </datalist>
                    </label>
                    { select("enable.auto.commit", &auto_commit, &auto_commit, &[
                        ("".to_string(), "true (default)".to_string()),
                        ("false".to_string(), "false".to_string()),
                    ]) }
                    { select("auto.offset.reset", &reset, &reset, &with_default("latest (default)", &["earliest", "none"])) }
                    { select("partition.assignment.strategy", &strategy, &strategy,
                             &with_default("range,cooperative-sticky (default)", &["range", "roundrobin", "sticky", "cooperative-sticky"])) }
                    { select("isolation.level", &isolation, &isolation, &with_default("read_uncommitted (default)", &["read_committed"])) }
                    { select("Subscribe to", &subscribe_to, &subscribe_topic, &subscribe_options) }
                </div>
                if name_taken {
                    <p class="control-note control-invalid">{ format!("A client named {new_name} exists already: pick another name.") }</p>
                }
                <RunButton label={format!("Create the {consumer_word}")} lines={create}
                           run={props.run.clone()} writable={props.writable} testid="create-consumer" />
            </div>
            if !consumers.is_empty() {
                <div class="control-form">
                    <h4>{ format!("Drive a {consumer_word}") }</h4>
                    <div class="fields">
                        { select(&capitalised(consumer_word), &consumer, picked.as_deref().unwrap_or(""), &client_options) }
                        { select("Process how many", &count, &count, &with_default("all polled", &["1", "2", "5"])) }
                    </div>
                    <div class="run-row">
                        <RunButton label={capitalised(Term::Poll.word(v))} lines={verb(ConsumerVerb::Poll)}
                                   run={props.run.clone()} writable={props.writable} testid="control-poll" />
                        <RunButton label={capitalised(Term::Process.word(v))} lines={verb(ConsumerVerb::Process)}
                                   run={props.run.clone()} writable={props.writable} />
                        <RunButton label={format!("{commit} (sync)")} lines={verb(ConsumerVerb::CommitSync)}
                                   run={props.run.clone()} writable={props.writable} />
                        <RunButton label={format!("{commit} (async)")} lines={verb(ConsumerVerb::CommitAsync)}
                                   run={props.run.clone()} writable={props.writable} />
                    </div>
                    <div class="run-row">
                        <RunButton label={capitalised(Term::Crash.word(v))} lines={verb(ConsumerVerb::Crash)}
                                   run={props.run.clone()} writable={props.writable} danger=true />
                        <RunButton label={capitalised(Term::Restart.word(v))} lines={verb(ConsumerVerb::Restart)}
                                   run={props.run.clone()} writable={props.writable} />
                        <RunButton label="Close" lines={verb(ConsumerVerb::Close)}
                                   run={props.run.clone()} writable={props.writable} />
                        <RunButton label="Unsubscribe" lines={verb(ConsumerVerb::Unsubscribe)}
                                   run={props.run.clone()} writable={props.writable} />
                    </div>
                    <div class="fields">
                        { select(&capitalised(Term::Topic.word(v)), &topic, sub_topic.as_deref().unwrap_or(""), &same(&topics)) }
                    </div>
                    <RunButton label="Subscribe" lines={lines(subscribe)}
                               run={props.run.clone()} writable={props.writable} />
                    <h5>{ "Its application: poll, process, commit, on its own" }</h5>
                    <div class="fields">
                        { select("Commit", &policy, picked_policy.as_deref().unwrap_or(""), &policy_options) }
                        { select("Processing per record", &process_ms, &process_ms,
                                 &[("".to_string(), "its config".to_string()), ("0".to_string(), "0 ms".to_string()),
                                   ("10".to_string(), "10 ms".to_string()), ("50".to_string(), "50 ms".to_string()),
                                   ("200".to_string(), "200 ms".to_string()), ("1000".to_string(), "1 s".to_string())]) }
                    </div>
                    <p class="control-note">{ "The loop runs as the clock moves: press Play or advance time." }</p>
                    <div class="run-row">
                        <RunButton label="Start the loop" lines={lines(run_loop)}
                                   run={props.run.clone()} writable={props.writable} testid="run-consumer" />
                        <RunButton label="Stop" lines={lines(stop_loop)}
                                   run={props.run.clone()} writable={props.writable} />
                    </div>
                </div>
                <div class="control-form">
                    <h4>{ format!("Move a {consumer_word}: seek, pause") }</h4>
                    <div class="fields">
                        { select(&capitalised(Term::Partition.word(v)), &tp, &chosen(&tp, &tps).unwrap_or_default(), &same(&tps)) }
                        { text(&capitalised(Term::Offset.word(v)), &offset, "0", "number") }
                    </div>
                    <div class="run-row">
                        <RunButton label="Seek" lines={seek_to} run={props.run.clone()} writable={props.writable} />
                        <RunButton label="To the beginning" lines={on_tp(SeekTo::Beginning)} run={props.run.clone()} writable={props.writable} />
                        <RunButton label="To the end" lines={on_tp(SeekTo::End)} run={props.run.clone()} writable={props.writable} />
                    </div>
                    <div class="run-row">
                        <RunButton label="Pause" lines={pause(true)} run={props.run.clone()} writable={props.writable} />
                        <RunButton label="Resume" lines={pause(false)} run={props.run.clone()} writable={props.writable} />
                    </div>
                </div>
            }
            <GroupControls ..props.clone_props() />
        </>
    }
}

impl SectionProps {
    fn clone_props(&self) -> SectionProps {
        SectionProps {
            choices: Rc::clone(&self.choices),
            v: self.v,
            writable: self.writable,
            run: self.run.clone(),
        }
    }
}

#[component]
fn GroupControls(props: &SectionProps) -> Html {
    let c = &props.choices;
    let v = props.v;
    let group = use_state(String::new);
    let topic = use_state(String::new);
    let kind = use_state(|| "to-earliest".to_string());
    let n = use_state(String::new);
    if c.groups.is_empty() {
        return html! {};
    }
    let picked = chosen(&group, &c.groups);
    let topics = c.topic_names();
    let mut topic_options = vec![(String::new(), "all its topics".to_string())];
    topic_options.extend(same(&topics));
    let scope = chosen(&topic, &topics).filter(|_| !topic.is_empty());
    let needs_n = matches!(kind.as_str(), "to-offset" | "shift-by");
    let number: Option<i64> = if needs_n {
        n.trim().parse().ok()
    } else {
        Some(0)
    };
    let reset = picked
        .as_deref()
        .zip(number.and_then(|n| reset_spec(&kind, n)))
        .map(|(g, spec)| reset_offsets(g, scope.as_deref(), spec));
    let group_word = Term::Group.word(v);
    html! {
        <div class="control-form">
            <h4>{ format!("Reset or delete a {group_word}") }</h4>
            <p class="control-note">{ "Kafka resets or deletes only a group with no active members: close its consumers first (a crashed one counts until its session times out)." }</p>
            <div class="fields">
                { select(&capitalised(group_word), &group, picked.as_deref().unwrap_or(""), &same(&c.groups)) }
                { select(&capitalised(Term::Topic.word(v)), &topic, scope.as_deref().unwrap_or(""), &topic_options) }
                { select("To", &kind, &kind, &[
                    ("to-earliest".to_string(), "the earliest offset".to_string()),
                    ("to-latest".to_string(), "the latest offset".to_string()),
                    ("to-offset".to_string(), "an offset".to_string()),
                    ("shift-by".to_string(), "shifted by".to_string()),
                ]) }
                if needs_n {
                    { text("N", &n, "0", "number") }
                }
            </div>
            <div class="run-row">
                <RunButton label="Reset offsets" lines={lines(reset)} run={props.run.clone()} writable={props.writable} />
                <RunButton label={format!("Delete the {group_word}")} lines={lines(picked.as_deref().map(delete_group))}
                           run={props.run.clone()} writable={props.writable} danger=true />
            </div>
        </div>
    }
}

// ---- brokers ------------------------------------------------------------------------------------

#[component]
fn ClusterControls(props: &SectionProps) -> Html {
    let v = props.v;
    let broker_word = capitalised(Term::Broker.word(v));
    html! {
        <>
            <ul class="broker-list">
                { for props.choices.brokers.iter().map(|b| {
                    let state = match (b.alive, b.fetching) {
                        (false, _) => "stopped",
                        (true, false) => "running, replication paused",
                        (true, true) => "running",
                    };
                    let (life, life_label) = if b.alive {
                        (BrokerVerb::Kill, "Kill")
                    } else {
                        (BrokerVerb::Restart, "Restart")
                    };
                    let (fetch, fetch_label) = if b.fetching {
                        (BrokerVerb::PauseReplication, "Pause replication")
                    } else {
                        (BrokerVerb::ResumeReplication, "Resume replication")
                    };
                    html! {
                        <li class={classes!("broker-row", (!b.alive).then_some("down"))}>
                            <span class="broker-name">{ format!("{broker_word} {}", b.id) }
                                <span class="broker-state">{ state }</span></span>
                            <div class="run-row">
                                <RunButton label={life_label} lines={lines(Some(broker_verb(b.id, life)))}
                                           run={props.run.clone()} writable={props.writable} danger={b.alive} />
                                <RunButton label={fetch_label} lines={lines(Some(broker_verb(b.id, fetch)))}
                                           run={props.run.clone()} writable={props.writable} />
                            </div>
                        </li>
                    }
                }) }
            </ul>
            <RunButton label={format!("Move each {} back to its first {}", Term::Leader.word(v), Term::Replica.word(v))}
                       lines={lines(Some(preferred_election()))} run={props.run.clone()} writable={props.writable} />
        </>
    }
}

// ---- time ---------------------------------------------------------------------------------------

#[component]
fn TimeControls(props: &SectionProps) -> Html {
    let custom = use_state(String::new);
    let typed = advance_line(&custom);
    html! {
        <>
            <div class="run-row">
                { for ADVANCE_PRESETS.iter().map(|ms| {
                    let line = Command::Advance { millis: *ms }.to_string();
                    let label = format!("+{}", line.trim_start_matches("advance "));
                    html! {
                        <RunButton label={label} lines={vec![line]} run={props.run.clone()} writable={props.writable} />
                    }
                }) }
            </div>
            <div class="control-form">
                <div class="fields">
                    { text("Advance by", &custom, "1m30s", "text") }
                </div>
                if !custom.trim().is_empty() && typed.is_none() {
                    <p class="control-note control-invalid">{ "Write a duration with its unit: 250ms, 5s, 2m, 1h, 1m30s." }</p>
                }
                <RunButton label="Advance" lines={typed.into_iter().collect::<Vec<_>>()} run={props.run.clone()} writable={props.writable} />
            </div>
        </>
    }
}

// ---- the panel ----------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct GroupBoxProps {
    title: AttrValue,
    #[prop_or_default]
    open: bool,
    children: Children,
}

/// One collapsible group of controls (a native disclosure: keyboard and touch work as is).
#[component]
fn GroupBox(props: &GroupBoxProps) -> Html {
    html! {
        <details class="control-group" open={props.open}>
            <summary>{ &props.title }</summary>
            <div class="control-group-body">{ props.children.clone() }</div>
        </details>
    }
}

/// Whether the page is wide enough to open the main groups at first (a phone starts with
/// every group closed: the list of group names is the map).
fn wide_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_none_or(|w| w >= 700.0)
}

#[component]
pub fn Controls() -> Html {
    let ready = crate::components::deferred::use_after_first_paint();
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let v = state.vocabulary;
    let writable = state.can_write();
    let choices = Rc::new(Choices::of(state.sandbox().world()));
    let last = use_state(|| None::<Vec<String>>);
    let open = *use_memo((), |_| wide_screen());
    let run = {
        let (state, last) = (state.clone(), last.clone());
        use_callback((), move |lines: Vec<String>, _| {
            for line in &lines {
                state.dispatch(Action::Run(line.clone()));
            }
            last.set(Some(lines));
        })
    };
    // The answer to the last line a control ran (the console shows all of them).
    let status = {
        let sandbox = state.sandbox();
        let newest = sandbox.transcript().next_back();
        match (&*last, newest) {
            (Some(ran), Some(x)) if ran.last() == Some(&x.line) => Some(match &x.result {
                Ok(text) => Ok(text.lines().next().unwrap_or("done").to_string()),
                Err(e) => Err(e.message.clone()),
            }),
            _ => None,
        }
    };
    let section = |title: String| -> AttrValue { title.into() };
    let props = SectionProps {
        choices,
        v,
        writable,
        run,
    };
    html! {
        <section class="panel controls" aria-labelledby="controls-title">
            <h2 id="controls-title">{ "Controls" }</h2>
            <p class="panel-note">{ "Each button shows the console line it runs." }</p>
            <p class={classes!("controls-status", match &status {
                    Some(Ok(_)) => "ok",
                    Some(Err(_)) => "error",
                    None => "",
                })} role="status" data-testid="controls-status">
                { match &status {
                    Some(Ok(text)) if text.trim().is_empty() => "Done.".to_string(),
                    Some(Ok(text)) => text.clone(),
                    Some(Err(message)) => message.clone(),
                    None => String::new(),
                } }
            </p>
            // The forms come a task after the first render (see `deferred`).
            if ready {
                <GroupBox title={section(capitalised(&plural(Term::Producer.word(v))))} {open}>
                    <ProducerControls ..props.clone_props() />
                </GroupBox>
                <GroupBox title={section(format!("{} and {}", capitalised(&plural(Term::Consumer.word(v))), plural(Term::Group.word(v))))} {open}>
                    <ConsumerControls ..props.clone_props() />
                </GroupBox>
                <GroupBox title={section(capitalised(&plural(Term::Topic.word(v))))}>
                    <TopicControls ..props.clone_props() />
                </GroupBox>
                <GroupBox title={section(capitalised(&plural(Term::Broker.word(v))))}>
                    <ClusterControls ..props.clone_props() />
                </GroupBox>
                <GroupBox title={section("Time".to_string())}>
                    <TimeControls ..props />
                </GroupBox>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A control's line must be the canonical form: it parses back to itself.
    fn canonical(command: Command) -> String {
        let line = command.to_string();
        let again = script::parse_line(&line)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .unwrap();
        assert_eq!(again.to_string(), line);
        line
    }

    #[test]
    fn transaction_buttons_make_the_console_lines() {
        assert_eq!(
            canonical(transaction_call("tp", TransactionCall::Init)),
            "initTransactions tp"
        );
        assert_eq!(
            canonical(transaction_call("tp", TransactionCall::Abort)),
            "abortTransaction tp"
        );
        let mut c1 = ClientChoice {
            name: "c1".into(),
            state: "running",
            app: false,
            auto_commit: false,
            transactional: false,
            positions: vec![("in".into(), 1, 7), ("in".into(), 0, 3)],
        };
        assert_eq!(
            canonical(offsets_to_transaction("tp", &c1).unwrap()),
            "sendOffsetsToTransaction tp --offsets in:0=3,in:1=7 --consumer c1"
        );
        c1.positions.clear();
        assert!(offsets_to_transaction("tp", &c1).is_none());
    }

    #[test]
    fn topic_controls_write_kafka_topics_lines() {
        assert_eq!(
            canonical(create_topic("payments", Some(3), None, "", "")),
            "kafka-topics --create --topic payments --partitions 3"
        );
        assert_eq!(
            canonical(create_topic("ledger", Some(1), Some(3), "compact", "2")),
            "kafka-topics --create --topic ledger --partitions 1 --replication-factor 3 --config cleanup.policy=compact --config min.insync.replicas=2"
        );
        assert_eq!(
            canonical(alter_partitions("orders", 6)),
            "kafka-topics --alter --topic orders --partitions 6"
        );
        assert_eq!(
            canonical(delete_topic("orders")),
            "kafka-topics --delete --topic orders"
        );
        canonical(alter_topic_config("orders", "retention.ms", "60000"));
    }

    #[test]
    fn client_controls_write_client_verbs() {
        assert_eq!(canonical(create_producer("p1", "", "")), "producer p1");
        assert_eq!(
            canonical(create_producer("p1", "1", "0")),
            "producer p1 acks=1 linger.ms=0"
        );
        assert_eq!(
            canonical(create_consumer("c1", "billing", "false", "earliest", "")),
            "consumer c1 auto.offset.reset=earliest enable.auto.commit=false group.id=billing"
        );
        canonical(create_consumer(
            "c2",
            "team a",
            "",
            "",
            "cooperative-sticky",
        ));
        assert_eq!(
            canonical(consumer_verb("c1", ConsumerVerb::Poll, None)),
            "poll c1"
        );
        assert_eq!(
            canonical(consumer_verb("c1", ConsumerVerb::Process, Some(2))),
            "process c1 --count 2"
        );
        assert_eq!(
            canonical(consumer_verb("c1", ConsumerVerb::CommitAsync, None)),
            "commitAsync c1"
        );
        for verb in [
            ConsumerVerb::CommitSync,
            ConsumerVerb::Unsubscribe,
            ConsumerVerb::Close,
            ConsumerVerb::Crash,
            ConsumerVerb::Restart,
        ] {
            canonical(consumer_verb("c1", verb, None));
        }
        let tp = parse_partition("orders:1").unwrap();
        assert_eq!(
            canonical(seek("c1", &tp, SeekTo::Offset(4))),
            "seek c1 orders:1 4"
        );
        assert_eq!(
            canonical(seek("c1", &tp, SeekTo::Beginning)),
            "seekToBeginning c1 orders:1"
        );
        canonical(seek("c1", &tp, SeekTo::End));
        assert_eq!(
            canonical(pause_resume("c1", &tp, true)),
            "pause c1 orders:1"
        );
        canonical(pause_resume("c1", &tp, false));
    }

    #[test]
    fn group_cluster_and_time_controls() {
        assert_eq!(
            canonical(reset_offsets("billing", Some("orders"), ResetSpec::ToEarliest)),
            "kafka-consumer-groups --reset-offsets --group billing --topic orders --to-earliest --execute"
        );
        canonical(reset_offsets(
            "billing",
            None,
            reset_spec("shift-by", -2).unwrap(),
        ));
        canonical(reset_offsets(
            "billing",
            None,
            reset_spec("to-offset", 5).unwrap(),
        ));
        assert_eq!(
            canonical(delete_group("team a")),
            "kafka-consumer-groups --delete --group \"team a\""
        );
        assert!(reset_spec("sideways", 0).is_none());
        assert_eq!(canonical(broker_verb(2, BrokerVerb::Kill)), "kill-broker 2");
        canonical(broker_verb(2, BrokerVerb::PauseReplication));
        canonical(preferred_election());
        assert_eq!(advance_line(" 1m30s ").as_deref(), Some("advance 1m30s"));
        assert_eq!(advance_line("90000ms").as_deref(), Some("advance 1m30s"));
        assert_eq!(advance_line("5"), None);
        assert_eq!(advance_line("5s; poll c1"), None);
        for ms in ADVANCE_PRESETS {
            canonical(Command::Advance { millis: *ms });
        }
    }

    #[test]
    fn application_controls_write_run_and_stop() {
        assert_eq!(
            canonical(run_producer("p1", "orders", 5, Some(3))),
            "run p1 --topic orders --rate 5 --keys 3"
        );
        assert_eq!(
            canonical(run_producer("p1", "orders", 5, Some(0))),
            "run p1 --topic orders --rate 5"
        );
        assert_eq!(
            canonical(run_consumer(
                "c1",
                Some(CommitPolicy::SyncPerBatch),
                Some(50)
            )),
            "run c1 --commit sync-per-batch --process-ms 50"
        );
        assert_eq!(canonical(run_consumer("c1", None, None)), "run c1");
        assert_eq!(policies_for(true), [CommitPolicy::Auto]);
        assert_eq!(policies_for(false).len(), 4);
        canonical(Command::Stop {
            client: "c1".into(),
        });
    }

    #[test]
    fn forms_suggest_free_names_and_fall_back_to_what_exists() {
        let taken = vec!["p1".to_string(), "p3".to_string()];
        assert_eq!(next_name("p", &taken), "p2");
        let options = vec!["a".to_string(), "b".to_string()];
        assert_eq!(chosen("b", &options).as_deref(), Some("b"));
        assert_eq!(chosen("gone", &options).as_deref(), Some("a"));
        assert_eq!(chosen("x", &[]), None);
        assert_eq!(parse_partition("orders"), None);
        assert_eq!(parse_partition("a:b:2").unwrap().topic, "a:b");
    }

    #[test]
    fn choices_list_the_worlds_names() {
        let mut sandbox = crate::session::Sandbox::starter();
        for line in [
            "producer p1",
            "consumer c1 group.id=billing",
            "subscribe c1 orders",
            "poll c1",
        ] {
            sandbox.run(line).unwrap();
        }
        let c = Choices::of(sandbox.world());
        assert_eq!(c.topics, [("orders".to_string(), 3)]);
        assert_eq!(c.producers[0].name, "p1");
        assert_eq!(c.consumers[0].state, "running");
        assert_eq!(c.groups, ["billing"]);
        assert!(!c.brokers.is_empty());
        assert_eq!(c.topic_partitions(), ["orders:0", "orders:1", "orders:2"]);
    }
}
