//! A whole session as code to carry to a real cluster: one runnable kafka-python program
//! ([`export_python`]) or a bash script of Kafka's command-line tools ([`export_shell`]).
//!
//! ```
//! let lines = vec![
//!     "kafka-topics --create --topic orders --partitions 3".to_string(),
//!     "producer p1 acks=all".to_string(),
//!     "send p1 --topic orders --key alice --value \"2 tickets\"".to_string(),
//! ];
//! let program = script::export::export_python(0, &lines).unwrap();
//! assert!(program.contains("admin.create_topics([NewTopic(\"orders\", num_partitions=3)])"));
//! assert!(program.contains("p1.send(\"orders\", key=b\"alice\", value=b\"2 tickets\")"));
//!
//! let error = script::export::export_shell(&["pol c1".to_string()]).unwrap_err();
//! assert_eq!(error.line, 1);
//! ```
//!
//! The session is also run in the simulator (from `seed`), so the program can say in comments
//! where the simulator did what a real cluster does on its own (a rebalance, a session
//! timeout, a new leader), and a line the simulator refused stays in the program as a comment.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use sim::consumer::{CommitKind, ConsumerEvent};
use sim::group::{GroupEvent, RemovalReason};
use sim::Event;

use crate::ast::{Command, CommitPolicy, Configs, Target, TopicSelection};
use crate::echo::quote::{comment_text, ident, py_str};
use crate::echo::{
    describe_calls, echo, py_admin_code, py_client_args, py_config_imports, py_import_lines,
    py_partitions, py_run_consumer, py_send, seconds, tool_calls, ToolCall, WholeTopic, BOOTSTRAP,
};
use crate::error::{ParseError, Span};
use crate::exec::Console;

/// A session line that does not parse: which line (1-based, counting the lines given) and
/// the parser's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    pub line: usize,
    pub error: Box<ParseError>,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut error = (*self.error).clone();
        error.span.line = self.line;
        write!(f, "{error}")
    }
}

impl std::error::Error for ExportError {}

/// Parses session lines (blank lines and comments are skipped). A line may hold a command
/// continued with `\` over several lines.
pub fn parse_lines(lines: &[String]) -> Result<Vec<Command>, ExportError> {
    let mut commands = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        match crate::parse_line(line) {
            Ok(Some(command)) => commands.push(command),
            Ok(None) => {}
            Err(error) => {
                return Err(ExportError {
                    line: index + 1 + error.span.line.saturating_sub(1),
                    error: Box::new(error),
                })
            }
        }
    }
    Ok(commands)
}

/// The session as one kafka-python program against `localhost:9092`.
pub fn export_python(seed: u64, lines: &[String]) -> Result<String, ExportError> {
    Ok(python_program(seed, &parse_lines(lines)?))
}

/// The session as a bash script of Kafka's tools; client lines become comments.
pub fn export_shell(lines: &[String]) -> Result<String, ExportError> {
    Ok(shell_script(&parse_lines(lines)?))
}

/// What the simulator made of each command: refused (with its message), and the comments
/// for what happened on its own.
struct Replay {
    console: Console,
}

impl Replay {
    fn new(seed: u64) -> Replay {
        Replay {
            console: Console::new(seed),
        }
    }

    /// `Err(message)` when the simulator refused the command; else the notes of its events.
    fn run(&mut self, index: usize, command: &Command) -> Result<Vec<String>, String> {
        match self.console.execute(Span::new(index + 1, 1, 1), command) {
            Ok(output) => Ok(event_notes(&output.events)),
            Err(error) => Err(error.message()),
        }
    }
}

fn tps(list: &[sim::TopicPartition]) -> String {
    let names: Vec<String> = list
        .iter()
        .map(|tp| format!("{}-{}", tp.topic, tp.partition))
        .collect();
    if names.is_empty() {
        "nothing".to_string()
    } else {
        names.join(", ")
    }
}

/// Sentences for what the simulator did that a real cluster or client does on its own.
fn event_notes(events: &[Event]) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    for event in events {
        let note = match event {
            Event::Group { event } => match event {
                GroupEvent::RebalanceStarted { group, reason, .. } => Some(format!(
                    "the coordinator rebalances group {group} ({reason})"
                )),
                GroupEvent::GenerationStarted {
                    group,
                    generation,
                    members,
                    ..
                } => Some(format!(
                    "group {group} starts generation {generation} with {} member(s)",
                    members.len()
                )),
                GroupEvent::MemberRemoved { group, reason, .. } => Some(format!(
                    "group {group} drops a member: {}",
                    match reason {
                        RemovalReason::LeaveGroup => "it left the group",
                        RemovalReason::SessionTimeout => "no heartbeat within session.timeout.ms",
                        RemovalReason::RebalanceTimeout => "it did not rejoin in time",
                        RemovalReason::SyncTimeout => "it did not sync in time",
                        RemovalReason::PendingMemberTimeout => "it never joined with its id",
                    }
                )),
                _ => None,
            },
            Event::Consumer { consumer, event } => match event {
                ConsumerEvent::Committed { kind, offsets } => {
                    let when = match kind {
                        CommitKind::Auto => Some("auto-commits"),
                        CommitKind::BeforeRebalance => Some("auto-commits before the rebalance"),
                        CommitKind::OnClose => Some("auto-commits as it closes"),
                        CommitKind::Sync | CommitKind::Async => None,
                    };
                    when.map(|when| {
                        let list: Vec<String> = offsets
                            .iter()
                            .map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition))
                            .collect();
                        format!("{consumer} {when} {}", list.join(", "))
                    })
                }
                ConsumerEvent::PartitionsAssigned { partitions } => {
                    Some(format!("{consumer} is assigned {}", tps(partitions)))
                }
                ConsumerEvent::PartitionsRevoked { partitions } => {
                    Some(format!("{consumer} gives up {}", tps(partitions)))
                }
                ConsumerEvent::PartitionsLost { partitions } => {
                    Some(format!("{consumer} loses {}", tps(partitions)))
                }
                _ => None,
            },
            Event::ConsumerFailed {
                consumer,
                operation,
                code,
                ..
            } => Some(format!("{consumer}: {operation} fails with {code}")),
            Event::LeaderChanged {
                topic,
                partition,
                to,
                ..
            } => Some(match to {
                Some(broker) => format!("{topic}-{partition} elects broker {broker} as leader"),
                None => format!("{topic}-{partition} has no leader (offline)"),
            }),
            Event::IsrShrunk {
                topic,
                partition,
                broker,
                ..
            } => Some(format!(
                "broker {broker} leaves the ISR of {topic}-{partition}"
            )),
            Event::IsrExpanded {
                topic,
                partition,
                broker,
                ..
            } => Some(format!(
                "broker {broker} rejoins the ISR of {topic}-{partition}"
            )),
            Event::SegmentDeleted {
                topic,
                partition,
                base_offset,
                end_offset,
                ..
            } => Some(format!(
                "retention deletes offsets {} to {} of {topic}-{partition}",
                base_offset.0,
                end_offset.0.saturating_sub(1)
            )),
            _ => None,
        };
        if let Some(note) = note {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    const MAX: usize = 12;
    if notes.len() > MAX {
        let more = notes.len() - MAX;
        notes.truncate(MAX);
        notes.push(format!("... and {more} more"));
    }
    notes
}

// ---- Python ---------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Consumer,
    Producer,
}

#[derive(Clone)]
enum Subscription {
    Topics(Vec<String>),
    Assigned(Vec<TopicSelection>),
}

struct Client {
    var: String,
    kind: Kind,
    configs: Configs,
    subscription: Option<Subscription>,
}

#[derive(Default)]
struct Program {
    body: String,
    imports: BTreeSet<(&'static str, &'static str)>,
    modules: BTreeSet<&'static str>,
    admin: bool,
    tool: bool,
    handle: bool,
    clients: BTreeMap<String, Client>,
    used: BTreeSet<String>,
    /// Clients whose application runs (`run`), with their step function.
    running: BTreeMap<String, String>,
}

/// Seconds beyond which an exported wait is left as a comment rather than slept.
const LONGEST_SLEEP_MS: u64 = 300_000;

impl Program {
    fn line(&mut self, text: &str) {
        self.body.push_str(text);
        self.body.push('\n');
    }

    fn comment(&mut self, text: &str) {
        for line in text.lines() {
            let line = format!("# {}", comment_text(line, false));
            self.line(&line);
        }
    }

    fn var(&self, name: &str) -> String {
        self.clients
            .get(name)
            .map_or_else(|| ident(name), |c| c.var.clone())
    }

    /// A variable for a new client, with room for its `_pending`, `_step`, `_sent` and
    /// `_started` companions.
    fn new_var(&mut self, name: &str) -> String {
        let base = ident(name);
        let mut n = 1;
        loop {
            let var = if n == 1 {
                base.clone()
            } else {
                format!("{base}_{n}")
            };
            let names = [
                var.clone(),
                format!("{var}_pending"),
                format!("{var}_step"),
                format!("{var}_sent"),
                format!("{var}_started"),
            ];
            if names.iter().all(|v| !self.used.contains(v)) {
                self.used.extend(names);
                return var;
            }
            n += 1;
        }
    }

    fn tool_call(&mut self, call: &ToolCall) {
        self.tool = true;
        let args = call.python_args("BOOTSTRAP").join(", ");
        let line = match &call.input {
            None => format!("tool({args})"),
            Some(input) => format!("tool({args}, stdin={})", py_str(&input.text())),
        };
        self.line(&line);
    }

    fn create(&mut self, name: &str, kind: Kind, configs: &Configs, var: &str) {
        let (args, comments) = py_client_args(name, configs, "BOOTSTRAP");
        for c in comments {
            self.line(&c);
        }
        let class = match kind {
            Kind::Consumer => "KafkaConsumer",
            Kind::Producer => "KafkaProducer",
        };
        self.imports.insert(("kafka", class));
        for import in py_config_imports(configs) {
            if let Some((module, class)) = import
                .strip_prefix("from ")
                .and_then(|rest| rest.split_once(" import "))
            {
                if let Some((m, c)) = ASSIGNOR_IMPORTS
                    .iter()
                    .find(|(m, c)| *m == module && *c == class)
                {
                    self.imports.insert((m, c));
                }
            }
        }
        self.line(&format!("{var} = {class}("));
        for arg in args {
            self.line(&format!("    {arg},"));
        }
        self.line(")");
        if kind == Kind::Consumer {
            self.line(&format!("{var}_pending = []  # polled, not processed yet"));
        }
    }

    fn resubscribe(&mut self, var: &str, subscription: &Subscription) {
        match subscription {
            Subscription::Topics(topics) => {
                let list: Vec<String> = topics.iter().map(|t| py_str(t)).collect();
                self.line(&format!("{var}.subscribe([{}])", list.join(", ")));
            }
            Subscription::Assigned(list) => {
                self.imports.insert(("kafka", "TopicPartition"));
                let expr = py_partitions(var, list, WholeTopic::All);
                self.line(&format!("{var}.assign({expr})"));
            }
        }
    }

    fn advance(&mut self, millis: u64) {
        let secs = seconds(millis);
        self.modules.insert("time");
        let long = millis > LONGEST_SLEEP_MS;
        if long {
            self.comment(&format!(
                "a real cluster needs the full {secs} s here; uncomment to wait for real"
            ));
        }
        let prefix = if long { "# " } else { "" };
        if self.running.is_empty() {
            self.line(&format!("{prefix}time.sleep({secs})"));
        } else {
            let steps: Vec<String> = self.running.values().cloned().collect();
            self.comment(&format!(
                "the running applications go on for {secs} s: {}",
                self.running.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            self.line(&format!("{prefix}deadline = time.monotonic() + {secs}"));
            self.line(&format!("{prefix}while time.monotonic() < deadline:"));
            for step in steps {
                self.line(&format!("{prefix}    {step}()"));
            }
            self.line(&format!("{prefix}    time.sleep(0.01)"));
        }
    }

    /// The code of one command that the simulator accepted; it updates what the program
    /// knows about its clients.
    fn command(&mut self, command: &Command) {
        if let Some(admin) = py_admin_code(command) {
            self.admin = true;
            self.imports.extend(admin.imports);
            let body = admin.body;
            self.line(&body);
            return;
        }
        match command {
            Command::Topics(_)
            | Command::ConsumerGroups(_)
            | Command::GetOffsets(_)
            | Command::Transactions(_)
            | Command::ConsoleProducer(_)
            | Command::ConsoleConsumer(_)
            | Command::Configs(_)
            | Command::LeaderElection(_)
            | Command::State { .. } => {
                for call in tool_calls(command) {
                    self.tool_call(&call);
                }
            }
            Command::CreateProducer { name, configs }
            | Command::CreateConsumer { name, configs } => {
                let kind = if matches!(command, Command::CreateConsumer { .. }) {
                    Kind::Consumer
                } else {
                    Kind::Producer
                };
                let var = self.new_var(name);
                self.create(name, kind, configs, &var);
                self.clients.insert(
                    name.clone(),
                    Client {
                        var,
                        kind,
                        configs: configs.clone(),
                        subscription: None,
                    },
                );
            }
            Command::Send(send) => {
                let var = self.var(&send.producer);
                self.line(&py_send(&var, send));
            }
            Command::Subscribe { consumer, topics } => {
                let var = self.var(consumer);
                let subscription = Subscription::Topics(topics.clone());
                self.resubscribe(&var, &subscription);
                if let Some(c) = self.clients.get_mut(consumer) {
                    c.subscription = Some(subscription);
                }
            }
            Command::Assign {
                consumer,
                partitions,
            } => {
                let var = self.var(consumer);
                let subscription = Subscription::Assigned(partitions.clone());
                self.resubscribe(&var, &subscription);
                if let Some(c) = self.clients.get_mut(consumer) {
                    c.subscription = Some(subscription);
                }
            }
            Command::Unsubscribe { consumer } => {
                let var = self.var(consumer);
                self.line(&format!("{var}.unsubscribe()"));
                if let Some(c) = self.clients.get_mut(consumer) {
                    c.subscription = None;
                }
            }
            Command::Poll { consumer } => {
                let var = self.var(consumer);
                self.line(&format!(
                    "for batch in {var}.poll(timeout_ms=1000).values():"
                ));
                self.line(&format!("    {var}_pending.extend(batch)"));
            }
            Command::Process { consumer, count } => {
                let var = self.var(consumer);
                self.handle = true;
                match count {
                    None => {
                        self.line(&format!("for record in {var}_pending:"));
                        self.line("    handle(record)");
                        self.line(&format!("{var}_pending.clear()"));
                    }
                    Some(n) => {
                        self.line(&format!("for record in {var}_pending[:{n}]:"));
                        self.line("    handle(record)");
                        self.line(&format!("del {var}_pending[:{n}]"));
                    }
                }
            }
            Command::Crash { client } => {
                let var = self.var(client);
                self.running.remove(client);
                self.comment(&format!(
                    "on a real cluster: kill -9 the process that runs {client}: it neither commits\nnor leaves its group, and the group waits session.timeout.ms before it rebalances.\nThe closest this one program can do: close without committing."
                ));
                match self.clients.get(client).map(|c| c.kind) {
                    Some(Kind::Producer) => self.line(&format!(
                        "{var}.close(timeout=0)  # what is still batched is lost"
                    )),
                    _ => self.line(&format!("{var}.close(autocommit=False)")),
                }
            }
            Command::Restart { client } => {
                self.comment(&format!(
                    "on a real cluster: start the program that runs {client} again; it creates the\nclient anew with the same configs and resumes from the committed offsets"
                ));
                if let Some(c) = self.clients.get(client) {
                    let (var, kind, configs, subscription) = (
                        c.var.clone(),
                        c.kind,
                        c.configs.clone(),
                        c.subscription.clone(),
                    );
                    self.create(client, kind, &configs, &var);
                    if let Some(subscription) = subscription {
                        self.resubscribe(&var, &subscription);
                    }
                }
            }
            Command::Close { client } => {
                let var = self.var(client);
                self.running.remove(client);
                self.line(&format!("{var}.close()"));
            }
            Command::Advance { millis } => self.advance(*millis),
            Command::RunConsumer(run) => {
                let var = self.var(&run.consumer);
                let auto = self
                    .clients
                    .get(&run.consumer)
                    .and_then(|c| c.configs.get_bool("enable.auto.commit"))
                    .unwrap_or(true);
                let offset_store = self
                    .clients
                    .get(&run.consumer)
                    .is_some_and(|c| c.configs.get("offset.store").is_some());
                let policy = run.commit.unwrap_or(if offset_store {
                    CommitPolicy::ExternalStore
                } else if auto {
                    CommitPolicy::Auto
                } else {
                    CommitPolicy::SyncPerBatch
                });
                self.handle = true;
                self.modules.insert("time");
                if policy == CommitPolicy::SyncPerRecord {
                    self.imports.insert(("kafka", "TopicPartition"));
                    self.imports.insert(("kafka.structs", "OffsetAndMetadata"));
                }
                let step = format!("{var}_step");
                self.line(&format!("def {step}():"));
                self.line(&format!(
                    "    \"\"\"One turn of {}'s poll loop (commit: {}).\"\"\"",
                    comment_text(&var, false),
                    policy.name()
                ));
                let body = py_run_consumer(run, &var, Some(policy), "handle(record)");
                for line in body.lines() {
                    self.line(&format!("    {line}"));
                }
                self.running.insert(run.consumer.clone(), step);
            }
            Command::RunProducer(run) => {
                let var = self.var(&run.producer);
                self.modules.insert("time");
                let step = format!("{var}_step");
                self.line(&format!("{var}_sent = 0"));
                self.line(&format!("{var}_started = time.monotonic()"));
                self.line("");
                self.line("");
                self.line(&format!("def {step}():"));
                self.line(&format!(
                    "    \"\"\"{var}'s application: {} records a second to one topic.\"\"\"",
                    run.rate
                ));
                self.line(&format!("    global {var}_sent"));
                self.line(&format!(
                    "    while {var}_sent <= (time.monotonic() - {var}_started) * {}:",
                    run.rate
                ));
                let key = match run.keys {
                    Some(k) if k > 0 => format!("key=f\"key-{{{var}_sent % {k}}}\".encode(), "),
                    _ => String::new(),
                };
                self.line(&format!(
                    "        {var}.send({}, {key}value=str({var}_sent).encode())",
                    py_str(&run.topic)
                ));
                self.line(&format!("        {var}_sent += 1"));
                self.running.insert(run.producer.clone(), step);
            }
            Command::Stop { client } => {
                self.running.remove(client);
                self.comment(&format!(
                    "{client}'s application stops here; the client stays open"
                ));
            }
            Command::Describe { target } => {
                let target = match target {
                    Target::Named(name) => match self.clients.get(name).map(|c| c.kind) {
                        Some(Kind::Consumer) => Target::Consumer(name.clone()),
                        Some(Kind::Producer) => Target::Producer(name.clone()),
                        None => target.clone(),
                    },
                    other => other.clone(),
                };
                match &target {
                    Target::Consumer(name) | Target::Producer(name) => {
                        let var = self.var(name);
                        let code = echo(&Command::Describe {
                            target: target.clone(),
                        })
                        .python;
                        // The echo names the client after its plain identifier.
                        let code = if var == ident(name) {
                            code
                        } else {
                            code.replace(&ident(name), &var)
                        };
                        self.line(&code);
                    }
                    _ => {
                        for call in describe_calls(&target) {
                            self.tool_call(&call);
                        }
                    }
                }
            }
            Command::Flush { .. }
            | Command::Transaction { .. }
            | Command::SendOffsetsToTransaction { .. }
            | Command::Commit { .. }
            | Command::Seek { .. }
            | Command::SeekToBeginning { .. }
            | Command::SeekToEnd { .. }
            | Command::Pause { .. }
            | Command::Resume { .. }
            | Command::Position { .. }
            | Command::Committed { .. }
            | Command::KillBroker { .. }
            | Command::RestartBroker { .. }
            | Command::PauseReplication { .. }
            | Command::ResumeReplication { .. }
            | Command::Seed { .. }
            | Command::Database { .. }
            | Command::Cluster { .. }
            | Command::Help { .. } => {
                let code = renamed_echo(self, command);
                if code.contains("TopicPartition(") {
                    self.imports.insert(("kafka", "TopicPartition"));
                }
                if code.contains("OffsetAndMetadata(") {
                    self.imports.insert(("kafka.structs", "OffsetAndMetadata"));
                }
                self.line(&code);
            }
        }
    }
}

/// The echo's Python for a client verb, with the program's variable for the client.
fn renamed_echo(program: &Program, command: &Command) -> String {
    let client = match command {
        Command::Flush { producer }
        | Command::Transaction { producer, .. }
        | Command::SendOffsetsToTransaction { producer, .. } => Some(producer),
        Command::Commit { consumer, .. }
        | Command::Seek { consumer, .. }
        | Command::SeekToBeginning { consumer, .. }
        | Command::SeekToEnd { consumer, .. }
        | Command::Pause { consumer, .. }
        | Command::Resume { consumer, .. }
        | Command::Position { consumer, .. }
        | Command::Committed { consumer, .. } => Some(consumer),
        _ => None,
    };
    let code = echo(command).python;
    match client {
        Some(name) => {
            let var = program.var(name);
            let plain = ident(name);
            if var == plain {
                code
            } else {
                // The echo starts the call with the plain identifier: `c1.seek(…)`.
                rename_calls(&code, &plain, &var)
            }
        }
        None => code,
    }
}

/// Replaces `plain.` and `plain,` used as a variable (not inside a string) with `var`.
fn rename_calls(code: &str, plain: &str, var: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    let mut in_string = false;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            in_string = !in_string;
        }
        if c == '\\' && in_string {
            let mut it = rest.chars();
            out.push(c);
            it.next();
            if let Some(next) = it.next() {
                out.push(next);
            }
            rest = it.as_str();
            continue;
        }
        let boundary = !out
            .chars()
            .last()
            .is_some_and(|p| p.is_ascii_alphanumeric() || p == '_' || p == '.');
        if !in_string && boundary && rest.starts_with(plain) {
            let after = rest[plain.len()..].chars().next();
            if !after.is_some_and(|a| a.is_ascii_alphanumeric() || a == '_') {
                out.push_str(var);
                rest = &rest[plain.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The imports an assignor config may need, as `'static` pairs.
const ASSIGNOR_IMPORTS: &[(&str, &str)] = &[
    (
        "kafka.coordinator.assignors.range",
        "RangePartitionAssignor",
    ),
    (
        "kafka.coordinator.assignors.roundrobin",
        "RoundRobinPartitionAssignor",
    ),
    (
        "kafka.coordinator.assignors.sticky.sticky_assignor",
        "StickyPartitionAssignor",
    ),
    (
        "kafka.coordinator.assignors.cooperative_sticky",
        "CooperativeStickyAssignor",
    ),
];

/// The whole session as one kafka-python program.
pub fn python_program(seed: u64, commands: &[Command]) -> String {
    let mut program = Program::default();
    let mut replay = Replay::new(seed);
    for (index, command) in commands.iter().enumerate() {
        program.line("");
        program.comment(&format!("[{}] {command}", index + 1));
        match replay.run(index, command) {
            Err(message) => {
                program.comment(&format!(
                    "the simulator refused this line ({message}); it is left out here"
                ));
            }
            Ok(notes) => {
                program.command(command);
                if !notes.is_empty() {
                    program.comment("in the simulator, as a real cluster would on its own, here:");
                    for note in notes {
                        program.comment(&format!("  {note}"));
                    }
                }
            }
        }
    }
    let mut out = String::from("#!/usr/bin/env python3\n");
    out.push_str(&format!(
        "\"\"\"An Offset Express session as a kafka-python program.\n\nRun it against a Kafka cluster on {BOOTSTRAP} (pip install \"kafka-python>=3\").\nThe simulator's seed was {seed}; a real cluster has no seed, so the partitions of\nkeyless records, member ids and timings may differ from the simulation.\n\"\"\"\n\n"
    ));
    if program.tool {
        program.modules.insert("subprocess");
    }
    for module in &program.modules {
        out.push_str(&format!("import {module}\n"));
    }
    if program.admin {
        program.imports.insert(("kafka.admin", "KafkaAdminClient"));
    }
    let imports: Vec<(&str, &str)> = program.imports.iter().copied().collect();
    if !imports.is_empty() {
        if !program.modules.is_empty() {
            out.push('\n');
        }
        out.push_str(&py_import_lines(&imports));
    }
    out.push_str(&format!("\nBOOTSTRAP = {}\n", py_str(BOOTSTRAP)));
    if program.admin {
        out.push_str("admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP)\n");
    }
    if program.handle {
        out.push_str("\n\ndef handle(record):\n    \"\"\"The application's work on one record.\"\"\"\n    print(f\"{record.topic}-{record.partition}@{record.offset}: key={record.key!r} value={record.value!r}\")\n");
    }
    if program.tool {
        out.push_str("\n\ndef tool(*args, stdin=None):\n    \"\"\"Runs one of Kafka's command-line tools (Kafka's bin/ directory on PATH).\"\"\"\n    result = subprocess.run(args, input=stdin, text=True, check=False)\n    if result.returncode != 0:\n        print(f\"{args[0]} exited with status {result.returncode}\")\n");
    }
    out.push('\n');
    out.push_str(&program.body);
    out
}

// ---- shell ----------------------------------------------------------------------------------

/// The whole session as a bash script of Kafka's tools.
pub fn shell_script(commands: &[Command]) -> String {
    let mut out = String::from(
        "#!/usr/bin/env bash\n# An Offset Express session: the Kafka command-line tools it used, against a real\n# cluster. Kafka's bin/ directory must be on PATH. Client lines are comments: a client\n# program does those.\nset -euo pipefail\n\nBOOTSTRAP=localhost:9092\n",
    );
    let mut replay = Replay::new(0);
    for (index, command) in commands.iter().enumerate() {
        out.push('\n');
        out.push_str(&format!(
            "# [{}] {}\n",
            index + 1,
            comment_text(&command.to_string(), false)
        ));
        if let Err(message) = replay.run(index, command) {
            out.push_str(&format!(
                "# the simulator refused this line ({}); it is left out here\n",
                comment_text(&message, false)
            ));
            continue;
        }
        let calls = tool_calls(command);
        if !calls.is_empty() {
            for call in calls {
                out.push_str(&call.shell("\"$BOOTSTRAP\""));
                out.push('\n');
            }
            continue;
        }
        match command {
            Command::Advance { millis } if *millis <= LONGEST_SLEEP_MS => {
                out.push_str(&format!("sleep {}\n", seconds(*millis)));
            }
            Command::Advance { millis } => {
                out.push_str(&format!(
                    "# sleep {}  # a real cluster needs the full wait; uncomment to wait for real\n",
                    seconds(*millis)
                ));
            }
            _ => {
                let code = echo(command);
                let is_comment = code.python.lines().all(|l| l.starts_with('#'));
                if is_comment {
                    for line in code.python.lines() {
                        out.push_str(line);
                        out.push('\n');
                    }
                } else {
                    out.push_str("# a client program does this (Java):\n");
                    for line in code.java.lines() {
                        out.push_str(&format!("#   {}\n", comment_text(line, false)));
                    }
                }
            }
        }
    }
    out
}
