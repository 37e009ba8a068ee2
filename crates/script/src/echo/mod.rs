//! Code echo: for every console command, the code a learner would write against a real
//! cluster on `localhost:9092` — kafka-python, the Java client, and for Kafka's tools the real
//! command line.
//!
//! ```
//! use script::{echo::echo, parse_line};
//!
//! let command = parse_line("seek c1 orders:0 42").unwrap().unwrap();
//! let code = echo(&command);
//! assert_eq!(code.python, "c1.seek(TopicPartition(\"orders\", 0), 42)");
//! assert_eq!(code.java, "c1.seek(new TopicPartition(\"orders\", 0), 42L);");
//! assert_eq!(code.cli, None);
//! ```
//!
//! Simulator verbs (`advance`, `crash`, `kill-broker` …) have no API: their echo says in a
//! comment what happens instead on a real cluster (time passing, `kill -9` of a process,
//! stopping a broker), and never invents a call. [`crate::export`] turns a whole session into
//! one program.

pub mod quote;

use crate::ast::{
    Command, CommitMode, CommitPolicy, Configs, ConfigsCommand, ConsoleOffset,
    ConsumerGroupsCommand, ElectionType, GroupMetadataSource, GroupSelection, OffsetTime,
    RunConsumer, RunProducer, SendRecord, Target, TopicPartition, TopicSelection, TopicsCommand,
    TransactionCall, TransactionsTool,
};
use quote::{comment_text, ident, java_str, py_bytes, py_str, sh_word};

/// Where the generated code connects.
pub const BOOTSTRAP: &str = "localhost:9092";

/// The real-world code for one console command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    /// kafka-python (version 3): statements, or comments where there is no API.
    pub python: String,
    /// The Java client (`kafka-clients`): statements, or `//` comments.
    pub java: String,
    /// For Kafka's tools (and the views that have one): the real command line(s), one per
    /// line, with `--bootstrap-server localhost:9092`.
    pub cli: Option<String>,
    /// What differs on a real cluster, or what the simulator does that a cluster does on
    /// its own.
    pub note: Option<String>,
}

/// The echo of one command. Every command kind has one (the match is exhaustive).
pub fn echo(command: &Command) -> Echo {
    let calls = tool_calls(command);
    let cli = if calls.is_empty() {
        None
    } else {
        Some(
            calls
                .iter()
                .map(|c| c.shell(BOOTSTRAP))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    let (python, java, note) = code(command, &calls);
    Echo {
        python,
        java,
        cli,
        note,
    }
}

// ---- Kafka's tools ------------------------------------------------------------------------

/// One word of a tool's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    /// `localhost:9092`, or `"$BOOTSTRAP"` / `BOOTSTRAP` in an exported program.
    Bootstrap,
    Word(String),
}

/// What `kafka-console-producer` reads on standard input: one record per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    pub key: Option<String>,
    pub values: Vec<String>,
}

impl Input {
    /// The text on standard input: `key<TAB>value` lines, or values alone.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for value in &self.values {
            if let Some(key) = &self.key {
                out.push_str(key);
                out.push('\t');
            }
            out.push_str(value);
            out.push('\n');
        }
        out
    }
}

/// One run of one of Kafka's command-line tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolCall {
    pub args: Vec<Arg>,
    pub input: Option<Input>,
}

impl ToolCall {
    fn new(tool: &str, words: &[&str]) -> ToolCall {
        let mut args = vec![
            Arg::Word(format!("{tool}.sh")),
            Arg::Word("--bootstrap-server".into()),
            Arg::Bootstrap,
        ];
        args.extend(words.iter().map(|w| Arg::Word(w.to_string())));
        ToolCall { args, input: None }
    }

    /// The command line as a shell would run it; `bootstrap` is written as given (a bare
    /// address, or `"$BOOTSTRAP"`).
    pub(crate) fn shell(&self, bootstrap: &str) -> String {
        let words: Vec<String> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Bootstrap => bootstrap.to_string(),
                Arg::Word(w) => sh_word(w),
            })
            .collect();
        let line = words.join(" ");
        match &self.input {
            None => line,
            Some(input) => {
                let mut printf = String::from("printf ");
                let mut args = Vec::new();
                if let Some(key) = &input.key {
                    printf.push_str("'%s\\t%s\\n'");
                    for value in &input.values {
                        args.push(sh_word(key));
                        args.push(sh_word(value));
                    }
                } else {
                    printf.push_str("'%s\\n'");
                    args.extend(input.values.iter().map(|v| sh_word(v)));
                }
                for a in args {
                    printf.push(' ');
                    printf.push_str(&a);
                }
                format!("{printf} | {line}")
            }
        }
    }

    /// The arguments as Python expressions; `bootstrap` is the expression for the address.
    pub(crate) fn python_args(&self, bootstrap: &str) -> Vec<String> {
        self.args
            .iter()
            .map(|a| match a {
                Arg::Bootstrap => bootstrap.to_string(),
                Arg::Word(w) => py_str(w),
            })
            .collect()
    }

    /// `subprocess.run([...], check=True)` for a snippet.
    fn python_run(&self) -> String {
        let args = self.python_args(&py_str(BOOTSTRAP)).join(", ");
        match &self.input {
            None => format!("subprocess.run([{args}], check=True)"),
            Some(input) => format!(
                "subprocess.run([{args}], input={}, text=True, check=True)",
                py_str(&input.text())
            ),
        }
    }
}

/// The words of a command's canonical text, as the shell would split them.
fn canonical_words(command: &Command) -> Vec<String> {
    let text = command.to_string();
    match crate::lexer::statements(&text).next() {
        Some(Ok(statement)) => statement.words.into_iter().map(|w| w.text).collect(),
        _ => Vec::new(),
    }
}

/// A tool call from the console line itself: the console's admin commands are the tools'
/// own syntax, so only the script name and `--bootstrap-server` are added.
fn from_canonical(command: &Command) -> Option<ToolCall> {
    let words = canonical_words(command);
    let (tool, rest) = words.split_first()?;
    let mut call = ToolCall::new(tool, &[]);
    call.args.extend(rest.iter().map(|w| Arg::Word(w.clone())));
    Some(call)
}

fn valid_topic_name(name: &str) -> bool {
    crate::values::topic_name_text(name).is_ok()
}

/// The tool calls that do what `command` does (admin tools) or show what it shows (views).
pub(crate) fn tool_calls(command: &Command) -> Vec<ToolCall> {
    match command {
        Command::Topics(_)
        | Command::ConsumerGroups(_)
        | Command::Configs(_)
        | Command::LeaderElection(_)
        | Command::Transactions(_) => from_canonical(command).into_iter().collect(),
        Command::GetOffsets(get) => {
            let mut call = ToolCall::new("kafka-get-offsets", &[]);
            if let Some(topic) = &get.topic {
                call.args.push(Arg::Word("--topic".into()));
                call.args.push(Arg::Word(topic.clone()));
            }
            if let Some(partitions) = &get.partitions {
                let list: Vec<String> = partitions.iter().map(u32::to_string).collect();
                call.args.push(Arg::Word("--partitions".into()));
                call.args.push(Arg::Word(list.join(",")));
            }
            let time = match get.time {
                OffsetTime::Latest => None,
                OffsetTime::Earliest => Some("-2".to_string()),
                OffsetTime::MaxTimestamp => Some("-3".to_string()),
                OffsetTime::Timestamp(ms) => Some(ms.to_string()),
            };
            if let Some(time) = time {
                call.args.push(Arg::Word("--time".into()));
                call.args.push(Arg::Word(time));
            }
            vec![call]
        }
        Command::ConsoleProducer(producer) => {
            let mut call = ToolCall::new("kafka-console-producer", &["--topic", &producer.topic]);
            if producer.key.is_some() {
                call.args.push(Arg::Word("--property".into()));
                call.args.push(Arg::Word("parse.key=true".into()));
            }
            for (key, value) in &producer.configs.0 {
                call.args.push(Arg::Word("--producer-property".into()));
                call.args.push(Arg::Word(format!("{key}={value}")));
            }
            call.input = Some(Input {
                key: producer.key.clone(),
                values: producer.values.clone(),
            });
            vec![call]
        }
        Command::ConsoleConsumer(consumer) => {
            let Some(mut call) = from_canonical(command) else {
                return Vec::new();
            };
            if consumer.timeout_ms.is_none() {
                call.args.push(Arg::Word("--timeout-ms".into()));
                call.args.push(Arg::Word("5000".into()));
            }
            vec![call]
        }
        Command::Describe { target } => describe_calls(target),
        Command::State { .. } => vec![
            ToolCall::new("kafka-topics", &["--describe"]),
            ToolCall::new("kafka-consumer-groups", &["--describe", "--all-groups"]),
        ],
        Command::Help { topic } => match topic.as_deref() {
            Some(
                tool @ ("kafka-topics"
                | "kafka-consumer-groups"
                | "kafka-get-offsets"
                | "kafka-console-producer"
                | "kafka-console-consumer"
                | "kafka-configs"
                | "kafka-leader-election"),
            ) => vec![ToolCall {
                args: vec![Arg::Word(format!("{tool}.sh")), Arg::Word("--help".into())],
                input: None,
            }],
            _ => Vec::new(),
        },
        Command::CreateProducer { .. }
        | Command::CreateConsumer { .. }
        | Command::Send(_)
        | Command::Flush { .. }
        | Command::Transaction { .. }
        | Command::SendOffsetsToTransaction { .. }
        | Command::Subscribe { .. }
        | Command::Assign { .. }
        | Command::Unsubscribe { .. }
        | Command::Poll { .. }
        | Command::Process { .. }
        | Command::Commit { .. }
        | Command::Seek { .. }
        | Command::SeekToBeginning { .. }
        | Command::SeekToEnd { .. }
        | Command::Pause { .. }
        | Command::Resume { .. }
        | Command::Position { .. }
        | Command::Committed { .. }
        | Command::Close { .. }
        | Command::Crash { .. }
        | Command::Restart { .. }
        | Command::Advance { .. }
        | Command::RunConsumer(_)
        | Command::RunProducer(_)
        | Command::Stop { .. }
        | Command::KillBroker { .. }
        | Command::RestartBroker { .. }
        | Command::PauseReplication { .. }
        | Command::ResumeReplication { .. }
        | Command::Seed { .. }
        | Command::Database { .. }
        | Command::Cluster { .. } => Vec::new(),
    }
}

/// The name of `__consumer_offsets`' formatter in Kafka 3.8 and later.
const OFFSETS_FORMATTER: &str = "org.apache.kafka.tools.consumer.OffsetsMessageFormatter";

pub(crate) fn describe_calls(target: &Target) -> Vec<ToolCall> {
    match target {
        Target::Database(_) => Vec::new(),
        Target::Topic(topic) => vec![ToolCall::new(
            "kafka-topics",
            &["--describe", "--topic", topic],
        )],
        Target::Partition(tp) => {
            let partition = tp.partition.to_string();
            vec![
                ToolCall::new("kafka-topics", &["--describe", "--topic", &tp.topic]),
                ToolCall::new(
                    "kafka-get-offsets",
                    &[
                        "--topic",
                        &tp.topic,
                        "--partitions",
                        &partition,
                        "--time",
                        "-2",
                    ],
                ),
                ToolCall::new(
                    "kafka-get-offsets",
                    &["--topic", &tp.topic, "--partitions", &partition],
                ),
            ]
        }
        Target::Group(group) => vec![ToolCall::new(
            "kafka-consumer-groups",
            &["--describe", "--group", group],
        )],
        Target::Consumer(_) | Target::Producer(_) => Vec::new(),
        Target::Broker(_) | Target::Cluster => vec![
            ToolCall::new("kafka-broker-api-versions", &[]),
            ToolCall::new("kafka-topics", &["--describe"]),
        ],
        Target::ConsumerOffsets => vec![ToolCall::new(
            "kafka-console-consumer",
            &[
                "--topic",
                "__consumer_offsets",
                "--from-beginning",
                "--formatter",
                OFFSETS_FORMATTER,
                "--consumer-property",
                "exclude.internal.topics=false",
                "--timeout-ms",
                "5000",
            ],
        )],
        Target::Named(name) => {
            if let Some((topic, partition)) = name.rsplit_once(':') {
                if let Ok(partition) = partition.parse::<u32>() {
                    if valid_topic_name(topic) {
                        return describe_calls(&Target::Partition(TopicPartition {
                            topic: topic.to_string(),
                            partition,
                        }));
                    }
                }
            }
            let mut calls = Vec::new();
            if valid_topic_name(name) {
                calls.push(ToolCall::new(
                    "kafka-topics",
                    &["--describe", "--topic", name, "--if-exists"],
                ));
            }
            calls.push(ToolCall::new(
                "kafka-consumer-groups",
                &["--describe", "--group", name],
            ));
            calls
        }
    }
}

// ---- shared pieces of code ------------------------------------------------------------------

pub(crate) fn py_tp(tp: &TopicPartition) -> String {
    format!("TopicPartition({}, {})", py_str(&tp.topic), tp.partition)
}

pub(crate) fn java_tp(tp: &TopicPartition) -> String {
    format!(
        "new TopicPartition({}, {})",
        java_str(&tp.topic),
        tp.partition
    )
}

/// Which partitions a selection without partition numbers means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum WholeTopic {
    /// The consumer's assigned partitions of that topic (pause, seek …).
    Assigned,
    /// Every partition of the topic (assign).
    All,
}

/// A Python list expression for the selected partitions.
pub(crate) fn py_partitions(consumer: &str, list: &[TopicSelection], whole: WholeTopic) -> String {
    let mut parts = Vec::new();
    let mut explicit = Vec::new();
    for selection in list {
        match &selection.partitions {
            Some(ids) => explicit.extend(ids.iter().map(|p| {
                py_tp(&TopicPartition {
                    topic: selection.topic.clone(),
                    partition: *p,
                })
            })),
            None => {
                if !explicit.is_empty() {
                    parts.push(format!("[{}]", explicit.join(", ")));
                    explicit.clear();
                }
                let topic = py_str(&selection.topic);
                parts.push(match whole {
                    WholeTopic::Assigned => {
                        format!("[tp for tp in {consumer}.assignment() if tp.topic == {topic}]")
                    }
                    WholeTopic::All => format!(
                        "[TopicPartition({topic}, p) for p in sorted({consumer}.partitions_for_topic({topic}) or [])]"
                    ),
                });
            }
        }
    }
    if !explicit.is_empty() || parts.is_empty() {
        parts.push(format!("[{}]", explicit.join(", ")));
    }
    parts.join(" + ")
}

/// A Java `List<TopicPartition>` expression for the selected partitions.
pub(crate) fn java_partitions(
    consumer: &str,
    list: &[TopicSelection],
    whole: WholeTopic,
) -> String {
    let mut parts = Vec::new();
    let mut explicit = Vec::new();
    for selection in list {
        match &selection.partitions {
            Some(ids) => explicit.extend(ids.iter().map(|p| {
                java_tp(&TopicPartition {
                    topic: selection.topic.clone(),
                    partition: *p,
                })
            })),
            None => {
                if !explicit.is_empty() {
                    parts.push(format!("List.of({})", explicit.join(", ")));
                    explicit.clear();
                }
                let topic = java_str(&selection.topic);
                parts.push(match whole {
                    WholeTopic::Assigned => format!(
                        "{consumer}.assignment().stream().filter(tp -> tp.topic().equals({topic})).toList()"
                    ),
                    WholeTopic::All => format!(
                        "{consumer}.partitionsFor({topic}).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList()"
                    ),
                });
            }
        }
    }
    if !explicit.is_empty() || parts.is_empty() {
        parts.push(format!("List.of({})", explicit.join(", ")));
    }
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        format!(
            "Stream.of({}).flatMap(List::stream).toList()",
            parts.join(", ")
        )
    }
}

/// `{TopicPartition("orders", 0): OffsetAndMetadata(42, ""), …}`
pub(crate) fn py_offsets(offsets: &std::collections::BTreeMap<TopicPartition, u64>) -> String {
    let items: Vec<String> = offsets
        .iter()
        .map(|(tp, o)| format!("{}: OffsetAndMetadata({o}, \"\")", py_tp(tp)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn java_offsets(offsets: &std::collections::BTreeMap<TopicPartition, u64>) -> String {
    let items: Vec<String> = offsets
        .iter()
        .map(|(tp, o)| format!("Map.entry({}, new OffsetAndMetadata({o}L))", java_tp(tp)))
        .collect();
    format!("Map.ofEntries({})", items.join(", "))
}

/// Seconds as a Python number: `5`, `0.25`.
pub(crate) fn seconds(millis: u64) -> String {
    format!("{}", millis as f64 / 1000.0)
}

/// One client config for kafka-python: a keyword argument, or a comment saying why not.
pub(crate) enum PyConfig {
    Kw(String),
    Comment(String),
    /// Already written (`client.id`, `bootstrap.servers`).
    Skip,
}

const PY_ASSIGNORS: &[(&str, &str, &str)] = &[
    (
        "range",
        "kafka.coordinator.assignors.range",
        "RangePartitionAssignor",
    ),
    (
        "roundrobin",
        "kafka.coordinator.assignors.roundrobin",
        "RoundRobinPartitionAssignor",
    ),
    (
        "sticky",
        "kafka.coordinator.assignors.sticky.sticky_assignor",
        "StickyPartitionAssignor",
    ),
    (
        "cooperative-sticky",
        "kafka.coordinator.assignors.cooperative_sticky",
        "CooperativeStickyAssignor",
    ),
];

/// The `from … import …` lines a consumer's configs need (its assignors).
pub(crate) fn py_config_imports(configs: &Configs) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(list) = configs.get_list("partition.assignment.strategy") {
        for name in list {
            if let Some((_, module, class)) = PY_ASSIGNORS.iter().find(|(n, _, _)| *n == name) {
                out.push(format!("from {module} import {class}"));
            }
        }
    }
    out
}

pub(crate) fn py_config(key: &str, value: &str) -> PyConfig {
    let kw = key.replace('.', "_");
    let int = |v: &str| match v.parse::<i64>() {
        Ok(n) => n.to_string(),
        Err(_) => py_str(v),
    };
    let boolean = |v: &str| if v == "true" { "True" } else { "False" };
    match key {
        "client.id" | "bootstrap.servers" => PyConfig::Skip,
        "offset.store" => PyConfig::Comment(format!(
            "offset.store={value} is the simulator's, not a Kafka setting: this application keeps its results and offsets in its own database {value}, commits nothing to Kafka, and seeks to the stored offsets on assignment"
        )),
        "results.store" => PyConfig::Comment(format!(
            "results.store={value} is the simulator's, not a Kafka setting: this application writes its results to its own database {value}"
        )),
        "group.id" | "group.instance.id" | "auto.offset.reset" | "isolation.level" => {
            PyConfig::Kw(format!("{kw}={}", py_str(value)))
        }
        "enable.auto.commit" | "allow.auto.create.topics" | "enable.idempotence" => {
            PyConfig::Kw(format!("{kw}={}", boolean(value)))
        }
        "auto.commit.interval.ms"
        | "max.poll.records"
        | "max.poll.interval.ms"
        | "metadata.max.age.ms"
        | "session.timeout.ms"
        | "heartbeat.interval.ms"
        | "fetch.min.bytes"
        | "fetch.max.wait.ms"
        | "batch.size"
        | "linger.ms"
        | "retries"
        | "max.in.flight.requests.per.connection"
        | "delivery.timeout.ms"
        | "request.timeout.ms" => PyConfig::Kw(format!("{kw}={}", int(value))),
        "acks" => PyConfig::Kw(match value {
            "0" | "1" => format!("acks={value}"),
            _ => "acks=\"all\"".to_string(),
        }),
        "partition.assignment.strategy" => {
            let classes: Vec<&str> = value
                .split(',')
                .filter_map(|n| PY_ASSIGNORS.iter().find(|(a, _, _)| *a == n))
                .map(|(_, _, class)| *class)
                .collect();
            PyConfig::Kw(format!(
                "partition_assignment_strategy=[{}]",
                classes.join(", ")
            ))
        }
        "group.protocol" => PyConfig::Comment(format!(
            "group.protocol={value}: kafka-python speaks the classic group protocol"
        )),
        "key.deserializer" | "value.deserializer" | "key.serializer" | "value.serializer" => {
            PyConfig::Comment(format!(
                "{key}: kafka-python takes a function here ({kw}=...); keys and values stay bytes in this code"
            ))
        }
        "partitioner.class" => PyConfig::Comment(
            "partitioner.class=RoundRobinPartitioner: kafka-python has none built in; pass partitioner=<a callable> to choose partitions yourself".to_string(),
        ),
        "partitioner.ignore.keys" | "partitioner.adaptive.partitioning.enable" => {
            PyConfig::Comment(format!("{key}={value}: a Java client setting, kafka-python has no such option"))
        }
        _ => PyConfig::Comment(format!("{key}={value}: no kafka-python setting")),
    }
}

/// The keyword arguments of `KafkaConsumer(…)` / `KafkaProducer(…)` (each on its own
/// line, indented) and the comments above it.
pub(crate) fn py_client_args(
    name: &str,
    configs: &Configs,
    bootstrap: &str,
) -> (Vec<String>, Vec<String>) {
    let mut args = vec![
        format!(
            "bootstrap_servers={}",
            configs
                .get("bootstrap.servers")
                .map_or(bootstrap.to_string(), py_str)
        ),
        format!(
            "client_id={}",
            py_str(configs.get("client.id").unwrap_or(name))
        ),
    ];
    let mut comments = Vec::new();
    for (key, value) in &configs.0 {
        match py_config(key, value) {
            PyConfig::Kw(kw) => args.push(kw),
            PyConfig::Comment(c) => comments.push(format!("# {}", comment_text(&c, false))),
            PyConfig::Skip => {}
        }
    }
    (args, comments)
}

fn py_constructor(class: &str, var: &str, args: &[String]) -> String {
    let mut out = format!("{var} = {class}(\n");
    for arg in args {
        out.push_str(&format!("    {arg},\n"));
    }
    out.push(')');
    out
}

/// The Java class name Kafka's config wants for an assignor's short name.
fn java_assignor(name: &str) -> String {
    match name {
        "range" => "org.apache.kafka.clients.consumer.RangeAssignor".into(),
        "roundrobin" => "org.apache.kafka.clients.consumer.RoundRobinAssignor".into(),
        "sticky" => "org.apache.kafka.clients.consumer.StickyAssignor".into(),
        "cooperative-sticky" => {
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor".into()
        }
        other => other.into(),
    }
}

fn java_client(kind: ClientKind, name: &str, configs: &Configs) -> String {
    let var = ident(name);
    let (class, serde) = match kind {
        ClientKind::Consumer => ("KafkaConsumer", "Deserializer"),
        ClientKind::Producer => ("KafkaProducer", "Serializer"),
    };
    let mut out = String::from("Properties props = new Properties();\n");
    let mut put = |key: &str, value: &str| {
        out.push_str(&format!(
            "props.put({}, {});\n",
            java_str(key),
            java_str(value)
        ));
    };
    if configs.get("bootstrap.servers").is_none() {
        put("bootstrap.servers", BOOTSTRAP);
    }
    if configs.get("client.id").is_none() {
        put("client.id", name);
    }
    let lower = serde.to_lowercase();
    for part in ["key", "value"] {
        let key = format!("{part}.{lower}");
        if configs.get(&key).is_none() {
            put(
                &key,
                &format!("org.apache.kafka.common.serialization.String{serde}"),
            );
        }
    }
    let mut stores = Vec::new();
    for (key, value) in &configs.0 {
        if key == "partition.assignment.strategy" {
            let classes: Vec<String> = value.split(',').map(java_assignor).collect();
            put(key, &classes.join(","));
        } else if key == "offset.store" || key == "results.store" {
            // The simulator's own property: no Kafka config, said in a comment below.
            stores.push(format!(
                "// {key}={value}: the simulator's, not a Kafka config; this application writes its results{} to its own database {value}\n",
                if key == "offset.store" { " and offsets" } else { "" }
            ));
        } else {
            put(key, value);
        }
    }
    for line in stores {
        out.push_str(&line);
    }
    out.push_str(&format!(
        "{class}<String, String> {var} = new {class}<>(props);"
    ));
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientKind {
    Consumer,
    Producer,
}

/// `p1.send("orders", key=b"alice", value=b"…")` (with `producer` as the variable).
pub(crate) fn py_send(producer: &str, send: &SendRecord) -> String {
    let mut args = vec![py_str(&send.topic)];
    if let Some(key) = &send.key {
        args.push(format!("key={}", py_bytes(key)));
    }
    args.push(format!(
        "value={}",
        send.value.as_deref().map_or("None".to_string(), py_bytes)
    ));
    if let Some(p) = send.partition {
        args.push(format!("partition={p}"));
    }
    if let Some(ms) = send.timestamp {
        args.push(format!("timestamp_ms={ms}"));
    }
    if !send.headers.is_empty() {
        let headers: Vec<String> = send
            .headers
            .iter()
            .map(|(k, v)| format!("({}, {})", py_str(k), py_bytes(v)))
            .collect();
        args.push(format!("headers=[{}]", headers.join(", ")));
    }
    format!("{producer}.send({})", args.join(", "))
}

fn java_opt_str(text: Option<&str>) -> String {
    text.map_or("null".to_string(), java_str)
}

fn java_send(producer: &str, send: &SendRecord) -> String {
    let key = java_opt_str(send.key.as_deref());
    let value = java_opt_str(send.value.as_deref());
    let topic = java_str(&send.topic);
    let record = if send.partition.is_none() && send.timestamp.is_none() {
        format!("new ProducerRecord<>({topic}, {key}, {value})")
    } else {
        let partition = send.partition.map_or("null".to_string(), |p| p.to_string());
        let timestamp = send
            .timestamp
            .map_or("null".to_string(), |t| format!("{t}L"));
        format!("new ProducerRecord<>({topic}, {partition}, {timestamp}, {key}, {value})")
    };
    let mut out = format!("ProducerRecord<String, String> record = {record};\n");
    for (k, v) in &send.headers {
        out.push_str(&format!(
            "record.headers().add({}, {}.getBytes(StandardCharsets.UTF_8));\n",
            java_str(k),
            java_str(v)
        ));
    }
    out.push_str(&format!("{producer}.send(record);"));
    out
}

const PY_HANDLE: &str =
    "print(record.topic, record.partition, record.offset, record.key, record.value)";
const JAVA_HANDLE: &str = "System.out.printf(\"%s-%d@%d %s=%s%n\", record.topic(), record.partition(), record.offset(), record.key(), record.value());";

/// The resolved commit policy of a played consumer: `None` when unknown (an echo on its own).
pub(crate) fn py_run_consumer(
    run: &RunConsumer,
    var: &str,
    policy: Option<CommitPolicy>,
    handle: &str,
) -> String {
    let timeout = run.poll_timeout_ms.unwrap_or(100);
    let mut out = String::new();
    out.push_str(&format!("records = {var}.poll(timeout_ms={timeout})\n"));
    if policy == Some(CommitPolicy::BeforeProcessing) {
        out.push_str(&format!(
            "if records:\n    {var}.commit()  # before processing: at-most-once\n"
        ));
    }
    out.push_str("for tp, batch in records.items():\n    for record in batch:\n");
    if policy == Some(CommitPolicy::ExternalStore) {
        out.push_str("        # one transaction of your database: the result and record.offset + 1 together\n");
    }
    out.push_str(&format!("        {handle}\n"));
    if let Some(ms) = run.process_ms {
        out.push_str(&format!(
            "        time.sleep({})  # {ms} ms of work per record\n",
            seconds(ms)
        ));
    }
    match policy {
        Some(CommitPolicy::SyncPerRecord) => out.push_str(&format!(
            "        {var}.commit({{TopicPartition(record.topic, record.partition): OffsetAndMetadata(record.offset + 1, \"\")}})\n"
        )),
        Some(CommitPolicy::SyncPerBatch) => {
            out.push_str(&format!("if records:\n    {var}.commit()\n"))
        }
        Some(CommitPolicy::AsyncPerBatch) => {
            out.push_str(&format!("if records:\n    {var}.commit_async()\n"))
        }
        Some(CommitPolicy::Auto) => out.push_str(
            "# enable_auto_commit=True: a later poll commits, every auto_commit_interval_ms\n",
        ),
        Some(CommitPolicy::BeforeProcessing) => {}
        Some(CommitPolicy::ExternalStore) => out.push_str(
            "# no commit to Kafka: the offsets are in the database, read back on assignment\n",
        ),
        None => out.push_str(&format!(
            "if records:\n    {var}.commit()  # not needed when the consumer has enable_auto_commit=True\n"
        )),
    }
    out
}

fn java_run_consumer(run: &RunConsumer, var: &str) -> String {
    let timeout = run.poll_timeout_ms.unwrap_or(100);
    let mut out = String::from("while (true) {\n");
    out.push_str(&format!(
        "    ConsumerRecords<String, String> records = {var}.poll(Duration.ofMillis({timeout}));\n"
    ));
    if run.commit == Some(CommitPolicy::BeforeProcessing) {
        out.push_str(&format!(
            "    if (!records.isEmpty()) {var}.commitSync(); // before processing: at-most-once\n"
        ));
    }
    out.push_str("    for (ConsumerRecord<String, String> record : records) {\n");
    if run.commit == Some(CommitPolicy::ExternalStore) {
        out.push_str("        // one transaction of your database: the result and record.offset() + 1 together\n");
    }
    out.push_str(&format!("        {JAVA_HANDLE}\n"));
    if let Some(ms) = run.process_ms {
        out.push_str(&format!(
            "        Thread.sleep({ms}); // the work on one record\n"
        ));
    }
    if run.commit == Some(CommitPolicy::SyncPerRecord) {
        out.push_str(&format!(
            "        {var}.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));\n"
        ));
    }
    out.push_str("    }\n");
    match run.commit {
        Some(CommitPolicy::SyncPerBatch) => out.push_str(&format!(
            "    if (!records.isEmpty()) {var}.commitSync();\n"
        )),
        Some(CommitPolicy::AsyncPerBatch) => out.push_str(&format!(
            "    if (!records.isEmpty()) {var}.commitAsync();\n"
        )),
        Some(CommitPolicy::Auto) => out.push_str(
            "    // enable.auto.commit=true: a later poll commits, every auto.commit.interval.ms\n",
        ),
        Some(CommitPolicy::SyncPerRecord) | Some(CommitPolicy::BeforeProcessing) => {}
        Some(CommitPolicy::ExternalStore) => out.push_str(
            "    // no commitSync: the offsets are in the database; a ConsumerRebalanceListener\n    // seeks to them in onPartitionsAssigned\n",
        ),
        None => out.push_str(&format!(
            "    if (!records.isEmpty()) {var}.commitSync(); // not with enable.auto.commit=true\n"
        )),
    }
    out.push('}');
    out
}

fn py_run_producer(run: &RunProducer, var: &str) -> String {
    let key = match run.keys {
        Some(k) if k > 0 => format!("key=f\"key-{{n % {k}}}\".encode(), "),
        _ => String::new(),
    };
    format!(
        "n = 0\nwhile True:\n    {var}.send({}, {key}value=str(n).encode())\n    n += 1\n    time.sleep(1 / {})",
        py_str(&run.topic),
        run.rate
    )
}

fn java_run_producer(run: &RunProducer, var: &str) -> String {
    let topic = java_str(&run.topic);
    let send = match run.keys {
        Some(k) if k > 0 => format!(
            "{var}.send(new ProducerRecord<>({topic}, \"key-\" + (n % {k}), Long.toString(n)));"
        ),
        _ => format!("{var}.send(new ProducerRecord<>({topic}, Long.toString(n)));"),
    };
    format!(
        "for (long n = 0; ; n++) {{\n    {send}\n    Thread.sleep(1000L / {});\n}}",
        run.rate
    )
}

fn java_admin() -> String {
    format!(
        "Admin admin = Admin.create(Map.of(\"bootstrap.servers\", {}));\n",
        java_str(BOOTSTRAP)
    )
}

fn py_admin() -> String {
    format!(
        "admin = KafkaAdminClient(bootstrap_servers={})\n",
        py_str(BOOTSTRAP)
    )
}

fn py_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|t| py_str(t)).collect();
    format!("[{}]", quoted.join(", "))
}

fn java_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|t| java_str(t)).collect();
    format!("List.of({})", quoted.join(", "))
}

/// A `{"k": "v"}` Python dict of configs (values as text, as the admin API sends them).
fn py_str_dict(configs: &Configs) -> String {
    let items: Vec<String> = configs
        .0
        .iter()
        .map(|(k, v)| format!("{}: {}", py_str(k), py_str(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn java_str_map(configs: &Configs) -> String {
    let items: Vec<String> = configs
        .0
        .iter()
        .map(|(k, v)| format!("Map.entry({}, {})", java_str(k), java_str(v)))
        .collect();
    format!("Map.ofEntries({})", items.join(", "))
}

/// `# text` for Python and `// text` for Java.
fn comments(python: &str, java: &str) -> (String, String) {
    (
        python
            .lines()
            .map(|l| format!("# {}", comment_text(l, false)))
            .collect::<Vec<_>>()
            .join("\n"),
        java.lines()
            .map(|l| format!("// {}", comment_text(l, true)))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

fn same_comment(text: &str) -> (String, String) {
    comments(text, text)
}

/// The Python and Java code and the note for a command.
fn code(command: &Command, calls: &[ToolCall]) -> (String, String, Option<String>) {
    let run_tools = || tools_python(calls);
    match command {
        Command::Topics(topics) => (python_admin_or_tools(command), topics_java(topics), None),
        Command::ConsumerGroups(groups) => {
            let (java, note) = groups_java(groups);
            (python_admin_or_tools(command), java, note)
        }
        Command::Transactions(tool) => {
            let java = match tool {
                TransactionsTool::List => "try (Admin admin = Admin.create(props)) {\n    admin.listTransactions().all().get().forEach(System.out::println);\n}".to_string(),
                TransactionsTool::Describe { transactional_id } => format!("try (Admin admin = Admin.create(props)) {{\n    System.out.println(admin.describeTransactions(List.of({})).all().get());\n}}", java_str(transactional_id)),
                TransactionsTool::DescribeProducers { partition } => format!("try (Admin admin = Admin.create(props)) {{\n    System.out.println(admin.describeProducers(List.of({})).all().get());\n}}", java_tp(partition)),
            };
            (run_tools(), java, Some("kafka-python has no transactions admin API: the Python runs the tool".into()))
        }
        Command::GetOffsets(get) => {
            let (python, java) = get_offsets_code(get.topic.as_deref(), get.partitions.as_deref(), get.time);
            (python, java, Some("kafka-get-offsets prints topic:partition:offset; the clients ask the same with beginning_offsets/end_offsets (Python) and Admin.listOffsets (Java)".into()))
        }
        Command::ConsoleProducer(producer) => {
            let mut args = vec![format!("bootstrap_servers={}", py_str(BOOTSTRAP))];
            let mut py_comments = Vec::new();
            for (k, v) in &producer.configs.0 {
                match py_config(k, v) {
                    PyConfig::Kw(kw) => args.push(kw),
                    PyConfig::Comment(c) => py_comments.push(format!("# {}", comment_text(&c, false))),
                    PyConfig::Skip => {}
                }
            }
            let mut py = String::from("from kafka import KafkaProducer\n\n");
            for c in &py_comments {
                py.push_str(c);
                py.push('\n');
            }
            py.push_str(&py_constructor("KafkaProducer", "producer", &args));
            py.push('\n');
            for value in &producer.values {
                let send = SendRecord {
                    producer: "producer".into(),
                    topic: producer.topic.clone(),
                    partition: None,
                    key: producer.key.clone(),
                    value: Some(value.clone()),
                    timestamp: None,
                    headers: Vec::new(),
                };
                py.push_str(&py_send("producer", &send));
                py.push('\n');
            }
            py.push_str("producer.close()");
            let mut java = java_client(ClientKind::Producer, "console-producer", &producer.configs)
                .replace("console_producer", "producer");
            java.push('\n');
            for value in &producer.values {
                java.push_str(&format!(
                    "producer.send(new ProducerRecord<>({}, {}, {}));\n",
                    java_str(&producer.topic),
                    java_opt_str(producer.key.as_deref()),
                    java_str(value)
                ));
            }
            java.push_str("producer.close();");
            (
                py,
                java,
                Some("the real kafka-console-producer reads one record per line on standard input; with parse.key=true a tab separates the key from the value".into()),
            )
        }
        Command::ConsoleConsumer(consumer) => {
            let mut args = vec![format!("bootstrap_servers={}", py_str(BOOTSTRAP))];
            if let Some(group) = &consumer.group {
                args.push(format!("group_id={}", py_str(group)));
            }
            if consumer.from_beginning {
                args.push("auto_offset_reset=\"earliest\"".into());
            }
            args.push(format!(
                "consumer_timeout_ms={}",
                consumer.timeout_ms.unwrap_or(5000)
            ));
            let mut py_comments = Vec::new();
            for (k, v) in &consumer.configs.0 {
                match py_config(k, v) {
                    PyConfig::Kw(kw) => args.push(kw),
                    PyConfig::Comment(c) => py_comments.push(format!("# {}", comment_text(&c, false))),
                    PyConfig::Skip => {}
                }
            }
            let mut py = String::from("from kafka import KafkaConsumer, TopicPartition\n\n");
            for c in &py_comments {
                py.push_str(c);
                py.push('\n');
            }
            py.push_str(&py_constructor("KafkaConsumer", "consumer", &args));
            py.push('\n');
            let topic = py_str(&consumer.topic);
            match consumer.partition {
                Some(p) => {
                    py.push_str(&format!("tp = TopicPartition({topic}, {p})\nconsumer.assign([tp])\n"));
                    match consumer.offset {
                        Some(ConsoleOffset::Earliest) => py.push_str("consumer.seek_to_beginning(tp)\n"),
                        Some(ConsoleOffset::Latest) => py.push_str("consumer.seek_to_end(tp)\n"),
                        Some(ConsoleOffset::Offset(o)) => py.push_str(&format!("consumer.seek(tp, {o})\n")),
                        None if consumer.from_beginning => py.push_str("consumer.seek_to_beginning(tp)\n"),
                        None => {}
                    }
                }
                None => py.push_str(&format!("consumer.subscribe([{topic}])\n")),
            }
            match consumer.max_messages {
                Some(n) => py.push_str(&format!(
                    "for count, record in enumerate(consumer, start=1):\n    print(record.value)\n    if count == {n}:\n        break\n"
                )),
                None => py.push_str("for record in consumer:  # stops after consumer_timeout_ms without records\n    print(record.value)\n"),
            }
            py.push_str("consumer.close()");
            let mut configs = consumer.configs.clone();
            if let Some(group) = &consumer.group {
                configs.0.insert("group.id".into(), group.clone());
            }
            if consumer.from_beginning {
                configs.0.insert("auto.offset.reset".into(), "earliest".into());
            }
            let mut java = java_client(ClientKind::Consumer, "console-consumer", &configs)
                .replace("console_consumer", "consumer");
            java.push('\n');
            let jtopic = java_str(&consumer.topic);
            match consumer.partition {
                Some(p) => {
                    java.push_str(&format!(
                        "TopicPartition tp = new TopicPartition({jtopic}, {p});\nconsumer.assign(List.of(tp));\n"
                    ));
                    match consumer.offset {
                        Some(ConsoleOffset::Earliest) => java.push_str("consumer.seekToBeginning(List.of(tp));\n"),
                        Some(ConsoleOffset::Latest) => java.push_str("consumer.seekToEnd(List.of(tp));\n"),
                        Some(ConsoleOffset::Offset(o)) => java.push_str(&format!("consumer.seek(tp, {o}L);\n")),
                        None if consumer.from_beginning => java.push_str("consumer.seekToBeginning(List.of(tp));\n"),
                        None => {}
                    }
                }
                None => java.push_str(&format!("consumer.subscribe(List.of({jtopic}));\n")),
            }
            java.push_str(&format!(
                "for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis({}))) {{\n    System.out.println(record.value());\n}}\nconsumer.close();",
                consumer.timeout_ms.unwrap_or(5000)
            ));
            let note = if consumer.timeout_ms.is_none() {
                "the real kafka-console-consumer runs until stopped; --timeout-ms 5000 makes it leave after 5 s without records, as the console's one shot does"
            } else {
                "the real kafka-console-consumer prints records as they come, until --max-messages or --timeout-ms"
            };
            (py, java, Some(note.into()))
        }
        Command::Configs(configs) => (python_admin_or_tools(command), configs_java(configs), None),
        Command::LeaderElection(election) => {
            let java_type = match election.election {
                ElectionType::Preferred => "ElectionType.PREFERRED",
                ElectionType::Unclean => "ElectionType.UNCLEAN",
            };
            let java_parts = match &election.partition {
                None => "null".to_string(),
                Some(tp) => format!("Set.of({})", java_tp(tp)),
            };
            (
                python_admin_or_tools(command),
                format!("{}admin.electLeaders({java_type}, {java_parts}).all().get();", java_admin()),
                match election.election {
                    ElectionType::Unclean => Some("an unclean election may pick a replica outside the ISR: records it lacks are lost".into()),
                    ElectionType::Preferred => None,
                },
            )
        }
        Command::CreateProducer { name, configs } => {
            let (args, py_comments) = py_client_args(name, configs, &py_str(BOOTSTRAP));
            let mut py = String::from("from kafka import KafkaProducer\n\n");
            for c in py_comments {
                py.push_str(&c);
                py.push('\n');
            }
            py.push_str(&py_constructor("KafkaProducer", &ident(name), &args));
            (py, java_client(ClientKind::Producer, name, configs), None)
        }
        Command::CreateConsumer { name, configs } => {
            let (args, py_comments) = py_client_args(name, configs, &py_str(BOOTSTRAP));
            let mut py = String::from("from kafka import KafkaConsumer\n");
            for import in py_config_imports(configs) {
                py.push_str(&import);
                py.push('\n');
            }
            py.push('\n');
            for c in py_comments {
                py.push_str(&c);
                py.push('\n');
            }
            py.push_str(&py_constructor("KafkaConsumer", &ident(name), &args));
            (py, java_client(ClientKind::Consumer, name, configs), None)
        }
        Command::Send(send) => {
            let var = ident(&send.producer);
            (
                py_send(&var, send),
                java_send(&var, send),
                Some("send is asynchronous: the record waits in a batch for linger.ms (or flush)".into()),
            )
        }
        Command::Flush { producer } => {
            let var = ident(producer);
            (format!("{var}.flush()"), format!("{var}.flush();"), None)
        }
        Command::Subscribe { consumer, topics } => {
            let var = ident(consumer);
            (
                format!("{var}.subscribe({})", py_list(topics)),
                format!("{var}.subscribe({});", java_list(topics)),
                Some("the group rebalances when the consumer next polls; the coordinator assigns the partitions".into()),
            )
        }
        Command::Assign { consumer, partitions } => {
            let var = ident(consumer);
            (
                format!("{var}.assign({})", py_partitions(&var, partitions, WholeTopic::All)),
                format!("{var}.assign({});", java_partitions(&var, partitions, WholeTopic::All)),
                None,
            )
        }
        Command::Unsubscribe { consumer } => {
            let var = ident(consumer);
            (format!("{var}.unsubscribe()"), format!("{var}.unsubscribe();"), None)
        }
        Command::Poll { consumer } => {
            let var = ident(consumer);
            (
                format!("records = {var}.poll(timeout_ms=1000)  # {{TopicPartition: [ConsumerRecord, ...]}}"),
                format!("ConsumerRecords<String, String> records = {var}.poll(Duration.ofMillis(1000));"),
                None,
            )
        }
        Command::Process { count, .. } => {
            let (python, java) = match count {
                None => (
                    format!("for tp, batch in records.items():\n    for record in batch:\n        {PY_HANDLE}"),
                    format!("for (ConsumerRecord<String, String> record : records) {{\n    {JAVA_HANDLE}\n}}"),
                ),
                Some(n) => (
                    format!("polled = [record for batch in records.values() for record in batch]\nfor record in polled[:{n}]:\n    {PY_HANDLE}"),
                    format!("int handled = 0;\nfor (ConsumerRecord<String, String> record : records) {{\n    if (handled++ == {n}) break;\n    {JAVA_HANDLE}\n}}"),
                ),
            };
            (python, java, Some("the body of the poll loop: your application's work on each record".into()))
        }
        Command::Transaction { producer, call } => {
            let var = ident(producer);
            let (py, note) = match call {
                TransactionCall::Init => ("init_transactions", Some("needs transactional.id; fences any older producer with the same transactional.id and aborts the transaction it left open")),
                TransactionCall::Begin => ("begin_transaction", None),
                TransactionCall::Commit => ("commit_transaction", Some("flushes, then a COMMIT marker goes to every partition of the transaction: read_committed consumers see its records from now on")),
                TransactionCall::Abort => ("abort_transaction", Some("ABORT markers: read_committed consumers skip the transaction's records")),
            };
            (format!("{var}.{py}()"), format!("{var}.{}();", call.verb()), note.map(str::to_string))
        }
        Command::SendOffsetsToTransaction { producer, offsets, metadata } => {
            let var = ident(producer);
            let (py_group, java_group) = match metadata {
                GroupMetadataSource::Group(g) => (py_str(g), format!("new ConsumerGroupMetadata({})", java_str(g))),
                GroupMetadataSource::Consumer(c) => {
                    let cvar = ident(c);
                    (format!("{cvar}.group_metadata()"), format!("{cvar}.groupMetadata()"))
                }
            };
            (
                format!("{var}.send_offsets_to_transaction({}, {py_group})", py_offsets(offsets)),
                format!("{var}.sendOffsetsToTransaction({}, {java_group});", java_offsets(offsets)),
                Some("the offsets are committed for the group only if the transaction commits".into()),
            )
        }
        Command::Commit { consumer, mode, offsets } => {
            let var = ident(consumer);
            let (python, java) = match (mode, offsets) {
                (CommitMode::Sync, None) => (format!("{var}.commit()"), format!("{var}.commitSync();")),
                (CommitMode::Async, None) => (format!("{var}.commit_async()"), format!("{var}.commitAsync();")),
                (CommitMode::Sync, Some(o)) => (
                    format!("{var}.commit({})", py_offsets(o)),
                    format!("{var}.commitSync({});", java_offsets(o)),
                ),
                (CommitMode::Async, Some(o)) => (
                    format!("{var}.commit_async(offsets={})", py_offsets(o)),
                    format!("{var}.commitAsync({}, (offsets, exception) -> {{\n    if (exception != null) System.err.println(\"commit failed: \" + exception);\n}});", java_offsets(o)),
                ),
            };
            (python, java, Some("the committed offset is the next offset to read: after processing offset 41, commit 42".into()))
        }
        Command::Seek { consumer, partition, offset } => {
            let var = ident(consumer);
            (
                format!("{var}.seek({}, {offset})", py_tp(partition)),
                format!("{var}.seek({}, {offset}L);", java_tp(partition)),
                None,
            )
        }
        Command::SeekToBeginning { consumer, partitions } | Command::SeekToEnd { consumer, partitions } => {
            let var = ident(consumer);
            let (py_name, java_name) = if matches!(command, Command::SeekToBeginning { .. }) {
                ("seek_to_beginning", "seekToBeginning")
            } else {
                ("seek_to_end", "seekToEnd")
            };
            if partitions.is_empty() {
                (
                    format!("{var}.{py_name}()  # every assigned partition"),
                    format!("{var}.{java_name}({var}.assignment());"),
                    None,
                )
            } else {
                (
                    format!("{var}.{py_name}(*{})", py_partitions(&var, partitions, WholeTopic::Assigned)),
                    format!("{var}.{java_name}({});", java_partitions(&var, partitions, WholeTopic::Assigned)),
                    None,
                )
            }
        }
        Command::Pause { consumer, partitions } | Command::Resume { consumer, partitions } => {
            let var = ident(consumer);
            let verb = if matches!(command, Command::Pause { .. }) { "pause" } else { "resume" };
            (
                format!("{var}.{verb}(*{})", py_partitions(&var, partitions, WholeTopic::Assigned)),
                format!("{var}.{verb}({});", java_partitions(&var, partitions, WholeTopic::Assigned)),
                None,
            )
        }
        Command::Position { consumer, partition } => {
            let var = ident(consumer);
            (
                format!("print({var}.position({}))", py_tp(partition)),
                format!("System.out.println({var}.position({}));", java_tp(partition)),
                Some("the position lives only in the consumer's memory: the next offset poll returns".into()),
            )
        }
        Command::Committed { consumer, partitions } => {
            let var = ident(consumer);
            let (py_tps, java_tps) = if partitions.is_empty() {
                (format!("{var}.assignment()"), format!("{var}.assignment()"))
            } else {
                (
                    py_partitions(&var, partitions, WholeTopic::Assigned),
                    format!("Set.copyOf({})", java_partitions(&var, partitions, WholeTopic::Assigned)),
                )
            };
            (
                format!("for tp in {py_tps}:\n    print(tp, {var}.committed(tp))"),
                format!("System.out.println({var}.committed({java_tps}));"),
                Some("the committed offset is durable, in __consumer_offsets".into()),
            )
        }
        Command::Close { client } => {
            let var = ident(client);
            (
                format!("{var}.close()"),
                format!("{var}.close();"),
                Some("a consumer with auto-commit commits, then leaves its group at once (the group rebalances)".into()),
            )
        }
        Command::Crash { client } => {
            let (python, java) = same_comment(&format!(
                "on a real cluster: kill -9 the process that runs {client}.\nNo commit and no LeaveGroup: the group notices after session.timeout.ms."
            ));
            (python, java, Some("a simulator verb: the client's process dies; there is no API for it".into()))
        }
        Command::Restart { client } => {
            let (python, java) = same_comment(&format!(
                "on a real cluster: start the program that runs {client} again.\nIt creates the client anew with the same configs; a consumer subscribes again\nand resumes from the committed offsets (or auto.offset.reset)."
            ));
            (python, java, Some("a simulator verb: the application starts again".into()))
        }
        Command::Advance { millis } => {
            let secs = seconds(*millis);
            (
                format!("import time\n\ntime.sleep({secs})  # time passes on its own on a real cluster"),
                format!("Thread.sleep({millis}L); // time passes on its own on a real cluster"),
                Some(format!("a simulator verb: the clock moves {} ms; heartbeats, session timeouts, auto-commits, retention and linger happen meanwhile", millis)),
            )
        }
        Command::RunConsumer(run) => {
            let var = ident(&run.consumer);
            let body = py_run_consumer(run, &var, run.commit, PY_HANDLE);
            let mut py = String::from("import time\n\nfrom kafka import TopicPartition\nfrom kafka.structs import OffsetAndMetadata\n\n# the application's own loop\nwhile True:\n");
            for line in body.lines() {
                py.push_str("    ");
                py.push_str(line);
                py.push('\n');
            }
            (
                py.trim_end().to_string(),
                format!("// the application's own loop\n{}", java_run_consumer(run, &var)),
                Some("a simulator verb: the simulator plays this loop as its clock moves".into()),
            )
        }
        Command::RunProducer(run) => {
            let var = ident(&run.producer);
            (
                format!("import time\n\n# the application's own loop\n{}", py_run_producer(run, &var)),
                format!("// the application's own loop\n{}", java_run_producer(run, &var)),
                Some("a simulator verb: the simulator plays this loop as its clock moves".into()),
            )
        }
        Command::Stop { client } => {
            let (python, java) = same_comment(&format!(
                "the application's loop ends (break out of it); {client} stays open"
            ));
            (python, java, Some("a simulator verb: the client is under manual control again".into()))
        }
        Command::KillBroker { broker } => {
            let (python, java) = same_comment(&format!(
                "on a real cluster: stop broker {broker} (kafka-server-stop.sh on its host,\nor systemctl stop kafka there); its partitions elect new leaders from the ISR."
            ));
            (python, java, Some("a simulator verb: no client API stops a broker".into()))
        }
        Command::RestartBroker { broker } => {
            let (python, java) = same_comment(&format!(
                "on a real cluster: start broker {broker} again (kafka-server-start.sh config/server.properties\non its host, or systemctl start kafka there); its replicas catch up and rejoin the ISR."
            ));
            (python, java, Some("a simulator verb: no client API starts a broker".into()))
        }
        Command::PauseReplication { broker } => {
            let (python, java) = same_comment(&format!(
                "on a real cluster: broker {broker}'s followers fall behind when its disk is slow or the\nnetwork between brokers is cut (e.g. a firewall rule); after replica.lag.time.max.ms\nthey leave the ISR. No Kafka API does this."
            ));
            (python, java, Some("a simulator verb".into()))
        }
        Command::ResumeReplication { broker } => {
            let (python, java) = same_comment(&format!(
                "on a real cluster: broker {broker}'s disk or network recovers; its followers catch up\nand rejoin the ISR."
            ));
            (python, java, Some("a simulator verb".into()))
        }
        Command::Database { name } => {
            let (python, java) = same_comment(&format!(
                "your application's own database {name} (outside Kafka), with two tables:\nresults (topic, partition, offset, key, value) and offsets (group, topic, partition, next offset)"
            ));
            (python, java, Some("a simulator verb: Kafka has no database; a real application brings its own".into()))
        }
        Command::Seed { seed } => {
            let (python, java) = same_comment(&format!(
                "the simulator's random seed ({seed}): a real cluster has none, so keyless records\nand member ids may differ there"
            ));
            (python, java, Some("a simulator verb".into()))
        }
        Command::Cluster { configs } => {
            let settings: Vec<String> = configs.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let (python, java) = same_comment(&format!(
                "on a real cluster: these lines go in each broker's server.properties before it\nstarts: {}",
                settings.join(" ")
            ));
            (python, java, Some("a broker setting".into()))
        }
        Command::Describe { target } => describe_code(target, run_tools),
        Command::State { .. } => (
            run_tools(),
            "// the whole cluster: the kafka-topics and kafka-consumer-groups lines above,\n// or Admin.describeTopics and Admin.describeConsumerGroups".into(),
            Some("a simulator view: on a real cluster, describe topics and groups".into()),
        ),
        Command::Help { topic } => {
            let text = match topic.as_deref().and_then(crate::help::command_info) {
                Some(info) => format!("{}: {}", info.name, info.mirrors),
                None => "the Javadoc of KafkaConsumer, KafkaProducer and Admin; each tool's --help".into(),
            };
            let (python, java) = same_comment(&text);
            (python, java, None)
        }
    }
}

/// Python through `KafkaAdminClient`: the imports it needs and the statements, using a
/// variable `admin`. `None`: kafka-python has no such call (the tool line is used instead).
pub(crate) struct PyAdmin {
    pub imports: Vec<(&'static str, &'static str)>,
    pub body: String,
}

pub(crate) fn py_admin_code(command: &Command) -> Option<PyAdmin> {
    let mut imports = vec![("kafka.admin", "KafkaAdminClient")];
    let body = match command {
        Command::Topics(TopicsCommand::Create {
            topic,
            partitions,
            replication_factor,
            configs,
            if_not_exists,
        }) => {
            imports.push(("kafka.admin", "NewTopic"));
            let mut args = vec![py_str(topic)];
            if let Some(n) = partitions {
                args.push(format!("num_partitions={n}"));
            }
            if let Some(n) = replication_factor {
                args.push(format!("replication_factor={n}"));
            }
            if !configs.is_empty() {
                args.push(format!("topic_configs={}", py_str_dict(configs)));
            }
            let call = format!("admin.create_topics([NewTopic({})])", args.join(", "));
            if *if_not_exists {
                imports.push(("kafka.errors", "TopicAlreadyExistsError"));
                format!("try:\n    {call}\nexcept TopicAlreadyExistsError:\n    pass  # --if-not-exists")
            } else {
                call
            }
        }
        Command::Topics(TopicsCommand::List {
            topic,
            exclude_internal,
        }) => {
            let mut filter = Vec::new();
            if let Some(t) = topic {
                filter.push(format!("t == {}", py_str(t)));
            }
            if *exclude_internal {
                filter.push("not t.startswith(\"__\")".to_string());
            }
            if filter.is_empty() {
                "print(sorted(admin.list_topics()))".to_string()
            } else {
                format!(
                    "print(sorted(t for t in admin.list_topics() if {}))",
                    filter.join(" and ")
                )
            }
        }
        Command::Topics(TopicsCommand::Describe {
            topic,
            filter: None,
            ..
        }) => match topic {
            Some(t) => format!("print(admin.describe_topics([{}]))", py_str(t)),
            None => "print(admin.describe_topics())".to_string(),
        },
        Command::Topics(TopicsCommand::Describe {
            filter: Some(_), ..
        }) => return None,
        Command::Topics(TopicsCommand::Alter {
            topic, partitions, ..
        }) => {
            imports.push(("kafka.admin", "NewPartitions"));
            format!(
                "admin.create_partitions({{{}: NewPartitions(total_count={partitions})}})",
                py_str(topic)
            )
        }
        Command::Topics(TopicsCommand::Delete { topic, if_exists }) => {
            let call = format!("admin.delete_topics([{}])", py_str(topic));
            if *if_exists {
                imports.push(("kafka.errors", "UnknownTopicOrPartitionError"));
                format!("try:\n    {call}\nexcept UnknownTopicOrPartitionError:\n    pass  # --if-exists")
            } else {
                call
            }
        }
        Command::ConsumerGroups(ConsumerGroupsCommand::Delete {
            groups: GroupSelection::Groups(list),
        }) => {
            format!("admin.delete_groups({})", py_list(list))
        }
        Command::ConsumerGroups(ConsumerGroupsCommand::List { states: None }) => {
            "print(admin.list_groups())".to_string()
        }
        Command::Configs(ConfigsCommand::Describe {
            topic: Some(topic), ..
        }) => {
            imports.push(("kafka.admin", "ConfigResource"));
            imports.push(("kafka.admin", "ConfigResourceType"));
            format!(
                "print(admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, {})]))",
                py_str(topic)
            )
        }
        Command::Configs(ConfigsCommand::Alter { topic, add, delete }) => {
            imports.push(("kafka.admin", "ConfigResource"));
            imports.push(("kafka.admin", "ConfigResourceType"));
            let mut items: Vec<String> = add
                .0
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), py_str(v)))
                .collect();
            if !delete.is_empty() {
                imports.push(("kafka.admin", "AlterConfigOp"));
            }
            items.extend(
                delete
                    .iter()
                    .map(|k| format!("{}: (AlterConfigOp.DELETE, None)", py_str(k))),
            );
            format!(
                "admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, {}, configs={{{}}})])",
                py_str(topic),
                items.join(", ")
            )
        }
        Command::LeaderElection(election) => {
            let kind = match election.election {
                ElectionType::Preferred => "0",
                ElectionType::Unclean => "1",
            };
            let parts = match &election.partition {
                None => String::new(),
                Some(tp) => format!(", {{{}: [{}]}}", py_str(&tp.topic), tp.partition),
            };
            format!("admin.elect_leaders({kind}{parts})  # 0: preferred, 1: unclean")
        }
        Command::Describe {
            target: Target::Broker(_) | Target::Cluster,
        } => "print(admin.describe_cluster())".to_string(),
        _ => return None,
    };
    Some(PyAdmin { imports, body })
}

/// `from module import a, b` lines, one per module, in a stable order.
pub(crate) fn py_import_lines(imports: &[(&str, &str)]) -> String {
    let mut modules: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        std::collections::BTreeMap::new();
    for (module, name) in imports {
        modules.entry(module).or_default().insert(name);
    }
    let mut out = String::new();
    for (module, names) in modules {
        let names: Vec<&str> = names.into_iter().collect();
        out.push_str(&format!("from {module} import {}\n", names.join(", ")));
    }
    out
}

/// The Python of an admin command on its own: the admin client, or the tool lines.
fn python_admin_or_tools(command: &Command) -> String {
    match py_admin_code(command) {
        Some(admin) => format!(
            "{}\n{}{}",
            py_import_lines(&admin.imports),
            py_admin(),
            admin.body
        ),
        None => tools_python(&tool_calls(command)),
    }
}

fn tools_python(calls: &[ToolCall]) -> String {
    let mut py = String::from("import subprocess\n\n");
    for call in calls {
        py.push_str(&call.python_run());
        py.push('\n');
    }
    py.trim_end().to_string()
}

fn topics_java(command: &TopicsCommand) -> String {
    let head = java_admin();
    match command {
        TopicsCommand::Create { topic, partitions, replication_factor, configs, if_not_exists } => {
            let mut new_topic = format!(
                "new NewTopic({}, {}, {})",
                java_str(topic),
                partitions.map_or("Optional.empty()".to_string(), |n| format!("Optional.of({n})")),
                replication_factor.map_or("Optional.empty()".to_string(), |n| format!("Optional.of((short) {n})"))
            );
            if !configs.is_empty() {
                new_topic.push_str(&format!(".configs({})", java_str_map(configs)));
            }
            let mut java = format!("{head}admin.createTopics(List.of({new_topic})).all().get();");
            if *if_not_exists {
                java.push_str(" // --if-not-exists: catch the ExecutionException caused by TopicExistsException");
            }
            java
        }
        TopicsCommand::List { exclude_internal, .. } => format!(
            "{head}System.out.println(admin.listTopics(new ListTopicsOptions().listInternal({})).names().get());",
            !exclude_internal
        ),
        TopicsCommand::Describe { topic, filter, .. } => {
            let topics = match topic {
                Some(t) => format!("List.of({})", java_str(t)),
                None => "admin.listTopics().names().get()".to_string(),
            };
            let mut java = format!("{head}System.out.println(admin.describeTopics({topics}).allTopicNames().get());");
            if filter.is_some() {
                java.push_str(" // then keep the partitions the filter asks for (isr(), leader())");
            }
            java
        }
        TopicsCommand::Alter { topic, partitions, .. } => format!(
            "{head}admin.createPartitions(Map.of({}, NewPartitions.increaseTo({partitions}))).all().get();",
            java_str(topic)
        ),
        TopicsCommand::Delete { topic, .. } => {
            format!("{head}admin.deleteTopics(List.of({})).all().get();", java_str(topic))
        }
    }
}

fn groups_java(command: &ConsumerGroupsCommand) -> (String, Option<String>) {
    let head = java_admin();
    let group_list = |selection: &GroupSelection| match selection {
        GroupSelection::Groups(list) => java_list(list),
        GroupSelection::AllGroups => {
            "admin.listConsumerGroups().all().get().stream().map(g -> g.groupId()).toList()"
                .to_string()
        }
    };
    match command {
        ConsumerGroupsCommand::List { .. } => (
            format!("{head}admin.listConsumerGroups().all().get().forEach(g -> System.out.println(g.groupId() + \" \" + g.state()));"),
            None,
        ),
        ConsumerGroupsCommand::Describe { groups, .. } => {
            let first = match groups {
                GroupSelection::Groups(list) => list.first().map(|g| java_str(g)),
                GroupSelection::AllGroups => None,
            };
            let mut java = format!(
                "{head}System.out.println(admin.describeConsumerGroups({}).all().get());",
                group_list(groups)
            );
            if let Some(group) = first {
                java.push_str(&format!(
                    "\nSystem.out.println(admin.listConsumerGroupOffsets({group}).partitionsToOffsetAndMetadata().get());"
                ));
            }
            (java, Some("LAG = LOG-END-OFFSET - CURRENT-OFFSET (the committed offset)".into()))
        }
        ConsumerGroupsCommand::ResetOffsets { .. } => (
            "// no single call: the tool looks the offsets up (Admin.listOffsets) and writes them\n// with Admin.alterConsumerGroupOffsets(group, Map<TopicPartition, OffsetAndMetadata>);\n// the group must have no active members".to_string(),
            Some("the group must be empty (no running consumer), as on a real cluster".into()),
        ),
        ConsumerGroupsCommand::DeleteOffsets { group, topics } => {
            let explicit: Vec<String> = topics
                .iter()
                .flat_map(|s| {
                    s.partitions.iter().flatten().map(move |p| {
                        java_tp(&TopicPartition { topic: s.topic.clone(), partition: *p })
                    })
                })
                .collect();
            if topics.iter().all(|s| s.partitions.is_some()) {
                (
                    format!(
                        "{head}admin.deleteConsumerGroupOffsets({}, Set.of({})).all().get();",
                        java_str(group),
                        explicit.join(", ")
                    ),
                    None,
                )
            } else {
                (
                    format!(
                        "{head}// every partition of the topics (admin.describeTopics lists them):\n// admin.deleteConsumerGroupOffsets({}, Set<TopicPartition>).all().get();",
                        comment_text(&java_str(group), true)
                    ),
                    None,
                )
            }
        }
        ConsumerGroupsCommand::Delete { groups } => (
            format!("{head}admin.deleteConsumerGroups({}).all().get();", group_list(groups)),
            Some("only groups without active members can be deleted".into()),
        ),
    }
}

fn get_offsets_code(
    topic: Option<&str>,
    partitions: Option<&[u32]>,
    time: OffsetTime,
) -> (String, String) {
    let Some(topic) = topic else {
        let text = "every topic's offsets: the kafka-get-offsets line above";
        return same_comment(text);
    };
    let py_topic = py_str(topic);
    let py_tps = match partitions {
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|p| format!("TopicPartition({py_topic}, {p})"))
                .collect();
            format!("tps = [{}]\n", items.join(", "))
        }
        None => format!(
            "tps = [TopicPartition({py_topic}, p) for p in sorted(probe.partitions_for_topic({py_topic}) or [])]\n"
        ),
    };
    let py_call = match time {
        OffsetTime::Latest => "print(probe.end_offsets(tps))".to_string(),
        OffsetTime::Earliest => "print(probe.beginning_offsets(tps))".to_string(),
        OffsetTime::Timestamp(ms) => format!("print(probe.offsets_for_times({{tp: {ms} for tp in tps}}))"),
        OffsetTime::MaxTimestamp => "# max-timestamp: kafka-python's consumer has no such lookup; use the kafka-get-offsets line".to_string(),
    };
    let python = format!(
        "from kafka import KafkaConsumer, TopicPartition\n\nprobe = KafkaConsumer(bootstrap_servers={})\n{py_tps}{py_call}\nprobe.close()",
        py_str(BOOTSTRAP)
    );
    let spec = match time {
        OffsetTime::Latest => "OffsetSpec.latest()".to_string(),
        OffsetTime::Earliest => "OffsetSpec.earliest()".to_string(),
        OffsetTime::MaxTimestamp => "OffsetSpec.maxTimestamp()".to_string(),
        OffsetTime::Timestamp(ms) => format!("OffsetSpec.forTimestamp({ms}L)"),
    };
    let java_topic = java_str(topic);
    let mut java = java_admin();
    java.push_str("Map<TopicPartition, OffsetSpec> request = new HashMap<>();\n");
    match partitions {
        Some(list) => {
            for p in list {
                java.push_str(&format!("request.put(new TopicPartition({java_topic}, {p}), {spec});\n"));
            }
        }
        None => java.push_str(&format!(
            "for (TopicPartitionInfo p : admin.describeTopics(List.of({java_topic})).allTopicNames().get().get({java_topic}).partitions()) {{\n    request.put(new TopicPartition({java_topic}, p.partition()), {spec});\n}}\n"
        )),
    }
    java.push_str("System.out.println(admin.listOffsets(request).all().get());");
    (python, java)
}

fn configs_java(command: &ConfigsCommand) -> String {
    match command {
        ConfigsCommand::Describe { topic: Some(topic), all } => format!(
            "{}System.out.println(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, {}))).all().get());{}",
            java_admin(),
            java_str(topic),
            if *all { " // every config, with its source" } else { "" }
        ),
        ConfigsCommand::Describe { topic: None, .. } => {
            same_comment("every topic's configs: Admin.describeConfigs with one ConfigResource per topic").1
        }
        ConfigsCommand::Alter { topic, add, delete } => {
            let mut ops: Vec<String> = add
                .0
                .iter()
                .map(|(k, v)| format!("new AlterConfigOp(new ConfigEntry({}, {}), AlterConfigOp.OpType.SET)", java_str(k), java_str(v)))
                .collect();
            ops.extend(delete.iter().map(|k| format!("new AlterConfigOp(new ConfigEntry({}, null), AlterConfigOp.OpType.DELETE)", java_str(k))));
            format!(
                "{}ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, {});\nadmin.incrementalAlterConfigs(Map.of(resource, List.of({}))).all().get();",
                java_admin(),
                java_str(topic),
                ops.join(", ")
            )
        }
    }
}

fn describe_code(
    target: &Target,
    run_tools: impl Fn() -> String,
) -> (String, String, Option<String>) {
    match target {
        Target::Consumer(name) => {
            let var = ident(name);
            (
                format!("for tp in {var}.assignment():\n    print(tp, \"position\", {var}.position(tp), \"committed\", {var}.committed(tp))"),
                format!("for (TopicPartition tp : {var}.assignment()) {{\n    System.out.println(tp + \" position \" + {var}.position(tp) + \" committed \" + {var}.committed(Set.of(tp)).get(tp));\n}}"),
                Some("a simulator view: on a real cluster the position lives in the client; the group's committed offsets show in kafka-consumer-groups --describe".into()),
            )
        }
        Target::Producer(name) => {
            let var = ident(name);
            (
                format!("print({var}.metrics())  # the producer's own counters"),
                format!("System.out.println({var}.metrics()); // the producer's own counters"),
                Some("a simulator view: a producer's batches live in the client".into()),
            )
        }
        Target::Broker(_) | Target::Cluster => (
            python_admin_or_tools(&Command::Describe {
                target: target.clone(),
            }),
            format!(
                "{}System.out.println(admin.describeCluster().nodes().get());",
                java_admin()
            ),
            Some("a simulator view: the brokers and which partitions each leads".into()),
        ),
        Target::Database(name) => {
            let (python, java) = same_comment(&format!(
                "your own database {name}: SELECT * FROM results; SELECT * FROM offsets;"
            ));
            (
                python,
                java,
                Some("a simulator view: an application's own database, outside Kafka".into()),
            )
        }
        Target::ConsumerOffsets => {
            let (_, java) = same_comment("__consumer_offsets: read it with the kafka-console-consumer line and its offsets formatter");
            (
                run_tools(),
                java,
                Some(format!(
                    "the notebook: {OFFSETS_FORMATTER} is the formatter's name since Kafka 3.8"
                )),
            )
        }
        Target::Topic(_) | Target::Partition(_) | Target::Group(_) | Target::Named(_) => {
            let (_, java) = same_comment("the same through the Java Admin client: describeTopics, listOffsets, describeConsumerGroups");
            (
                run_tools(),
                java,
                Some("a simulator view; the tool lines show the same on a real cluster".into()),
            )
        }
    }
}
