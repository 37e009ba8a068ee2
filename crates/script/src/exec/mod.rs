//! Running the console language against the simulator: a [`Console`] owns a [`sim::World`],
//! the clients the learner created and the log of accepted lines.
//!
//! ```
//! use script::exec::Console;
//!
//! let mut console = Console::new(7);
//! let out = console.run_line("kafka-topics --create --topic orders --partitions 3").unwrap();
//! assert_eq!(out.text, "Created topic orders.\n");
//! let out = console.run_line("kafka-get-offsets --topic orders").unwrap();
//! assert_eq!(out.text, "orders:0:0\norders:1:0\norders:2:0\n");
//! ```
//!
//! - [`Console::run_line`] runs one console line; [`Console::run_script`] a scenario file,
//!   stopping at the first failing line and saying where.
//! - Every line is **atomic**: a line that fails leaves the world, the clients and the log as
//!   they were. A line that needs several simulator commands works on a copy of the world and
//!   keeps it only if every command succeeded.
//! - [`Output`] holds the text the real tool would print (Kafka's own layouts and messages,
//!   see `admin`) and the [`sim::Event`]s the line caused, for a UI to animate.
//! - [`state::state`] is the world as a versioned JSON document (`docs/state-schema.md`).
//!
//! The mapping from a parsed [`Command`] to simulator commands is one `match` in `run`: each
//! client verb is one arm, so a verb the core learns becomes one arm more.

mod admin;
mod clients;
pub mod golden;
mod render;
pub mod state;
mod transactions_tool;

use std::fmt;

use serde::{Deserialize, Serialize};
use sim::{Event, SimError, World, WorldConfig};

use crate::{Command, ParseError, Span};

/// What one line printed and caused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// The text the real tool (or the simulator's view) prints, each line ending in `\n`;
    /// empty for commands that print nothing (as `kafka-topics --alter` prints nothing).
    pub text: String,
    /// The simulator events the line caused, in order.
    pub events: Vec<Event>,
}

/// The output of one line of a scenario file, with where the line is and its canonical text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineOutput {
    pub span: Span,
    /// The command in canonical form (what the session log stores).
    pub command: String,
    pub output: Output,
}

/// Why a line failed. Every variant leaves the console unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ExecErrorKind {
    /// The line is not well-formed (the position is the parse error's own).
    Parse(Box<ParseError>),
    /// The simulator refused the command; `code` is Kafka's error code name
    /// (`NOT_ENOUGH_REPLICAS`, `UNKNOWN_TOPIC_OR_PARTITION` …).
    Kafka { code: String, message: String },
    /// A Kafka tool refused the command with its own words (printed as the tool prints them),
    /// e.g. `Error: Assignments can only be reset if the group 'billing' is inactive, …`.
    Tool { message: String },
    /// No client of that name (`describe consumer c9`, `send p9 …`).
    UnknownClient { name: String },
    /// A client of that name exists already.
    ClientExists { name: String },
    /// The command is understood, but the simulator core does not model it yet.
    NotYetAvailable { command: String, reason: String },
    /// `seed` after the world has started.
    SeedTooLate,
}

/// A failed line: where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecError {
    pub span: Span,
    pub kind: ExecErrorKind,
}

impl ExecError {
    pub fn new(span: Span, kind: ExecErrorKind) -> Self {
        ExecError { span, kind }
    }

    fn sim(span: Span, error: SimError) -> Self {
        ExecError::new(
            span,
            ExecErrorKind::Kafka {
                code: error.kafka_code().to_string(),
                message: error.to_string(),
            },
        )
    }

    /// The message without the position.
    pub fn message(&self) -> String {
        match &self.kind {
            ExecErrorKind::Parse(e) => e.message(),
            ExecErrorKind::Kafka { message, .. } | ExecErrorKind::Tool { message } => {
                message.clone()
            }
            ExecErrorKind::UnknownClient { name } => format!("no client named '{name}'"),
            ExecErrorKind::ClientExists { name } => {
                format!("a client named '{name}' exists already")
            }
            ExecErrorKind::NotYetAvailable { command, reason } => {
                format!("'{command}' is not available yet: {reason}")
            }
            ExecErrorKind::SeedTooLate => {
                "seed must come before any command that changes the world".into()
            }
        }
    }

    /// The Kafka error code name, when the simulator refused the command.
    pub fn kafka_code(&self) -> Option<&str> {
        match &self.kind {
            ExecErrorKind::Kafka { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The message with the offending line of `source` and carets under it (for a terminal).
    pub fn render(&self, source: &str) -> String {
        match &self.kind {
            ExecErrorKind::Parse(e) => e.render(source),
            _ => ParseError::new(
                self.span,
                crate::ErrorKind::Usage {
                    message: self.message(),
                },
            )
            .render(source),
        }
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExecErrorKind::Parse(e) => e.fmt(f),
            _ => write!(
                f,
                "line {}, column {}: {}",
                self.span.line,
                self.span.column,
                self.message()
            ),
        }
    }
}

impl std::error::Error for ExecError {}

impl From<ParseError> for ExecError {
    fn from(e: ParseError) -> Self {
        ExecError::new(e.span, ExecErrorKind::Parse(Box::new(e)))
    }
}

/// A scenario file stopped at `error`; `completed` holds the lines that ran before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub error: ExecError,
    pub completed: Vec<LineOutput>,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for ScriptError {}

/// The console: one simulated cluster and its clients, driven by console lines.
#[derive(Debug, Clone)]
pub struct Console {
    world: World,
    /// The canonical text of every accepted line that changed something, in order.
    log: Vec<String>,
    /// Events not yet taken by [`Console::take_events`].
    pending_events: Vec<Event>,
}

/// Format version of [`Console::snapshot`].
pub const CONSOLE_SNAPSHOT_VERSION: u32 = 1;
const SNAPSHOT_MAGIC: &[u8; 4] = b"OEC1";

#[derive(Serialize, Deserialize)]
struct SnapshotHeader {
    version: u32,
    log: Vec<String>,
}

impl Console {
    /// A fresh cluster (the default [`WorldConfig`]: three brokers) whose every random choice
    /// follows `seed`.
    pub fn new(seed: u64) -> Self {
        Self::with_config(seed, WorldConfig::default())
    }

    pub fn with_config(seed: u64, config: WorldConfig) -> Self {
        Console {
            world: World::new(seed, config),
            log: Vec::new(),
            pending_events: Vec::new(),
        }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// The canonical lines accepted so far that changed the world or its clients.
    ///
    /// Consecutive `advance` lines are kept as one (`advance 100ms` then `advance 200ms` is
    /// logged as `advance 300ms`), so a played minute driven by many small advances is one
    /// line. This is exact: splitting an advance never changes the world (the property
    /// test `crates/sim/tests/advance_split.rs`), so replaying the log gives the same world.
    pub fn log(&self) -> &[String] {
        &self.log
    }

    /// Events of every successful line since the last call, in order.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.pending_events)
    }

    /// Events of every successful line since the last [`Console::take_events`].
    pub fn events(&self) -> &[Event] {
        &self.pending_events
    }

    /// The world's state hash (FNV-1a over its snapshot), as 16 hex digits.
    pub fn state_hash(&self) -> String {
        format!("{:016x}", self.world.state_hash())
    }

    /// Runs one console line (a `\` continuation may join physical lines). A blank line or a
    /// comment prints nothing. On error nothing changed.
    pub fn run_line(&mut self, line: &str) -> Result<Output, ExecError> {
        let Some(command) = crate::parse_line(line)? else {
            return Ok(Output::default());
        };
        let span = crate::lexer::statements(line)
            .next()
            .and_then(Result::ok)
            .map_or(Span::new(1, 1, 1), |s| s.span);
        self.execute(span, &command)
    }

    /// Runs a scenario file line by line and stops at the first line that does not parse or
    /// fails; the lines before it stay applied (as in a console session).
    pub fn run_script(&mut self, source: &str) -> Result<Vec<LineOutput>, ScriptError> {
        let mut completed = Vec::new();
        for item in crate::script_commands(source) {
            let (span, command) = match item {
                Ok(pair) => pair,
                Err(e) => {
                    return Err(ScriptError {
                        error: e.into(),
                        completed,
                    })
                }
            };
            match self.execute(span, &command) {
                Ok(output) => completed.push(LineOutput {
                    span,
                    command: command.to_string(),
                    output,
                }),
                Err(error) => return Err(ScriptError { error, completed }),
            }
        }
        Ok(completed)
    }

    /// Runs one parsed command; `span` is where it came from (for errors).
    pub fn execute(&mut self, span: Span, command: &Command) -> Result<Output, ExecError> {
        let output = self.run(span, command)?;
        if changes_state(command) {
            self.push_log(command);
        }
        self.pending_events.extend(output.events.iter().cloned());
        Ok(output)
    }

    /// Appends `command` to the log, merging an `advance` into an `advance` just before it
    /// (as long as the sum is still one valid `advance`).
    fn push_log(&mut self, command: &Command) {
        if let Command::Advance { millis } = command {
            let previous = self
                .log
                .last()
                .and_then(|line| match crate::parse_line(line) {
                    Ok(Some(Command::Advance { millis })) => Some(millis),
                    _ => None,
                });
            let max = u64::try_from(sim::world::MAX_ADVANCE_MS).unwrap_or(u64::MAX);
            if let Some(sum) = previous
                .and_then(|p| p.checked_add(*millis))
                .filter(|s| *s <= max)
            {
                if let Some(last) = self.log.last_mut() {
                    *last = Command::Advance { millis: sum }.to_string();
                    return;
                }
            }
        }
        self.log.push(command.to_string());
    }

    fn run(&mut self, span: Span, command: &Command) -> Result<Output, ExecError> {
        match command {
            Command::Topics(c) => admin::topics(self, span, c),
            Command::ConsumerGroups(c) => admin::consumer_groups(self, span, c),
            Command::GetOffsets(c) => admin::get_offsets(self, span, c),
            Command::Transactions(t) => transactions_tool::run(self, span, t),
            Command::ConsoleProducer(c) => admin::console_producer(self, span, c),
            Command::ConsoleConsumer(c) => admin::console_consumer(self, span, c),
            Command::Configs(c) => admin::configs(self, span, c),
            Command::LeaderElection(c) => admin::leader_election(self, span, c),

            // Clients: one arm per verb, each one simulator command (`clients`).
            Command::CreateProducer { name, configs } => self.client(
                span,
                sim::Command::CreateProducer {
                    name: name.clone(),
                    config: configs.0.clone(),
                },
            ),
            Command::Send(send) => clients::send(self, span, send),
            Command::Flush { producer } => self.client(
                span,
                sim::Command::Flush {
                    producer: producer.clone(),
                },
            ),
            Command::Transaction { producer, call } => {
                let producer = producer.clone();
                self.client(
                    span,
                    match call {
                        crate::TransactionCall::Init => sim::Command::InitTransactions { producer },
                        crate::TransactionCall::Begin => {
                            sim::Command::BeginTransaction { producer }
                        }
                        crate::TransactionCall::Commit => {
                            sim::Command::CommitTransaction { producer }
                        }
                        crate::TransactionCall::Abort => {
                            sim::Command::AbortTransaction { producer }
                        }
                    },
                )
            }
            Command::SendOffsetsToTransaction {
                producer,
                offsets,
                metadata,
            } => {
                let offsets = offsets
                    .iter()
                    .map(|(tp, offset)| sim::OffsetCommit {
                        topic: tp.topic.clone(),
                        partition: partition_i32(tp.partition),
                        offset: i64::try_from(*offset).unwrap_or(i64::MAX),
                        metadata: String::new(),
                        leader_epoch: None,
                    })
                    .collect();
                let (group, consumer) = match metadata {
                    crate::GroupMetadataSource::Group(g) => (Some(g.clone()), None),
                    crate::GroupMetadataSource::Consumer(c) => (None, Some(c.clone())),
                };
                self.client(
                    span,
                    sim::Command::SendOffsetsToTransaction {
                        producer: producer.clone(),
                        offsets,
                        group,
                        consumer,
                    },
                )
            }
            Command::CreateConsumer { name, configs } => self.client(
                span,
                sim::Command::CreateConsumer {
                    name: name.clone(),
                    config: configs.0.clone(),
                },
            ),
            Command::Subscribe { consumer, topics } => self.client(
                span,
                sim::Command::Subscribe {
                    consumer: consumer.clone(),
                    topics: topics.clone(),
                },
            ),
            Command::Assign {
                consumer,
                partitions,
            } => {
                let partitions = clients::expand(self, span, None, partitions)?;
                self.client(
                    span,
                    sim::Command::Assign {
                        consumer: consumer.clone(),
                        partitions,
                    },
                )
            }
            Command::Unsubscribe { consumer } => self.client(
                span,
                sim::Command::Unsubscribe {
                    consumer: consumer.clone(),
                },
            ),
            Command::Poll { consumer } => clients::poll(self, span, consumer),
            Command::Process { consumer, count } => self.client(
                span,
                sim::Command::Process {
                    consumer: consumer.clone(),
                    count: count.map(|c| usize::try_from(c).unwrap_or(usize::MAX)),
                    per_record_ms: None,
                },
            ),
            Command::Commit {
                consumer,
                mode,
                offsets,
            } => {
                let offsets = offsets.as_ref().map(|o| {
                    o.iter()
                        .map(|(tp, offset)| sim::OffsetCommit {
                            topic: tp.topic.clone(),
                            partition: partition_i32(tp.partition),
                            offset: i64::try_from(*offset).unwrap_or(i64::MAX),
                            metadata: String::new(),
                            leader_epoch: None,
                        })
                        .collect()
                });
                let consumer = consumer.clone();
                self.client(
                    span,
                    match mode {
                        crate::CommitMode::Sync => sim::Command::CommitSync { consumer, offsets },
                        crate::CommitMode::Async => sim::Command::CommitAsync { consumer, offsets },
                    },
                )
            }
            Command::Seek {
                consumer,
                partition,
                offset,
            } => self.client(
                span,
                sim::Command::Seek {
                    consumer: consumer.clone(),
                    topic: partition.topic.clone(),
                    partition: partition_i32(partition.partition),
                    offset: i64::try_from(*offset).unwrap_or(i64::MAX),
                },
            ),
            Command::SeekToBeginning {
                consumer,
                partitions,
            } => {
                let partitions = clients::expand(self, span, Some(consumer), partitions)?;
                self.client(
                    span,
                    sim::Command::SeekToBeginning {
                        consumer: consumer.clone(),
                        partitions,
                    },
                )
            }
            Command::SeekToEnd {
                consumer,
                partitions,
            } => {
                let partitions = clients::expand(self, span, Some(consumer), partitions)?;
                self.client(
                    span,
                    sim::Command::SeekToEnd {
                        consumer: consumer.clone(),
                        partitions,
                    },
                )
            }
            Command::Pause {
                consumer,
                partitions,
            } => {
                let partitions = clients::expand(self, span, Some(consumer), partitions)?;
                self.client(
                    span,
                    sim::Command::Pause {
                        consumer: consumer.clone(),
                        partitions,
                    },
                )
            }
            Command::Resume {
                consumer,
                partitions,
            } => {
                let partitions = clients::expand(self, span, Some(consumer), partitions)?;
                self.client(
                    span,
                    sim::Command::Resume {
                        consumer: consumer.clone(),
                        partitions,
                    },
                )
            }
            Command::Position {
                consumer,
                partition,
            } => clients::position(self, span, consumer, partition),
            Command::Committed {
                consumer,
                partitions,
            } => clients::committed(self, span, consumer, partitions),
            Command::Close { client } => {
                let client = client.clone();
                if self.world.producer(&client).is_some() {
                    self.client(span, sim::Command::CloseProducer { producer: client })
                } else {
                    self.client(span, sim::Command::CloseConsumer { consumer: client })
                }
            }
            Command::Crash { client } => {
                if self.world.producer(client).is_some() {
                    return self.client(
                        span,
                        sim::Command::CrashProducer {
                            producer: client.clone(),
                        },
                    );
                }
                self.client(
                    span,
                    sim::Command::CrashConsumer {
                        consumer: client.clone(),
                    },
                )
            }
            Command::Restart { client } => {
                if self.world.producer(client).is_some() {
                    return self.client(
                        span,
                        sim::Command::RestartProducer {
                            producer: client.clone(),
                        },
                    );
                }
                self.client(
                    span,
                    sim::Command::RestartConsumer {
                        consumer: client.clone(),
                    },
                )
            }

            Command::RunConsumer(r) => {
                let ms = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
                self.client(
                    span,
                    sim::Command::RunConsumer {
                        consumer: r.consumer.clone(),
                        commit: r.commit.map(sim_policy),
                        process_ms: ms(r.process_ms),
                        idle_ms: ms(r.poll_timeout_ms),
                    },
                )
            }
            Command::RunProducer(r) => self.client(
                span,
                sim::Command::RunProducer {
                    producer: r.producer.clone(),
                    topic: r.topic.clone(),
                    rate: r.rate,
                    keys: r.keys.unwrap_or(0),
                },
            ),
            Command::Stop { client } => self.client(
                span,
                sim::Command::StopApp {
                    client: client.clone(),
                },
            ),
            Command::Database { name } => {
                self.client(span, sim::Command::CreateDatabase { name: name.clone() })
            }
            Command::Advance { millis } => {
                let ms = i64::try_from(*millis).unwrap_or(i64::MAX);
                let events = self.apply(span, sim::Command::Advance { ms })?;
                Ok(Output {
                    text: render::narrate(&events),
                    events,
                })
            }
            Command::KillBroker { broker } => self.broker_command(
                span,
                sim::Command::KillBroker {
                    broker: broker_id(*broker),
                },
            ),
            Command::RestartBroker { broker } => self.broker_command(
                span,
                sim::Command::RestartBroker {
                    broker: broker_id(*broker),
                },
            ),
            Command::PauseReplication { broker } => self.broker_command(
                span,
                sim::Command::PauseReplicaFetching {
                    broker: broker_id(*broker),
                },
            ),
            Command::ResumeReplication { broker } => self.broker_command(
                span,
                sim::Command::ResumeReplicaFetching {
                    broker: broker_id(*broker),
                },
            ),
            Command::Seed { seed } => {
                if !self.only_settings_so_far() {
                    return Err(ExecError::new(span, ExecErrorKind::SeedTooLate));
                }
                let config = self.world.config().clone();
                self.world = World::new(*seed, config);
                Ok(Output::default())
            }
            Command::Cluster { configs } => {
                if !self.only_settings_so_far() {
                    return Err(ExecError::new(
                        span,
                        ExecErrorKind::Tool {
                            message: "broker settings are fixed when the brokers start: cluster must come before any command that changes the world".into(),
                        },
                    ));
                }
                let mut config = self.world.config().clone();
                for (k, v) in &configs.0 {
                    match k.as_str() {
                        "auto.create.topics.enable" => {
                            config.auto_create_topics_enable = v == "true"
                        }
                        "num.partitions" => config.num_partitions = v.parse().unwrap_or(1),
                        "default.replication.factor" => {
                            config.default_replication_factor = v.parse().unwrap_or(1)
                        }
                        _ => {}
                    }
                }
                self.world = World::try_new(self.world.seed(), config)
                    .map_err(|e| ExecError::sim(span, e))?;
                Ok(Output::default())
            }
            Command::Describe { target } => render::describe(self, span, target),
            Command::State { format } => Ok(Output {
                text: match format {
                    crate::StateFormat::Text => render::state_text(self),
                    crate::StateFormat::Json => state::state_json(self) + "\n",
                },
                events: Vec::new(),
            }),
            Command::Help { topic } => Ok(Output {
                text: crate::help::help_text(topic.as_deref()),
                events: Vec::new(),
            }),
        }
    }

    fn broker_command(&mut self, span: Span, command: sim::Command) -> Result<Output, ExecError> {
        let events = self.apply(span, command)?;
        Ok(Output {
            text: render::narrate(&events),
            events,
        })
    }

    /// A client command: applied, and its events told in a few lines.
    fn client(&mut self, span: Span, command: sim::Command) -> Result<Output, ExecError> {
        let events = self.apply(span, command)?;
        Ok(Output {
            text: render::narrate(&events),
            events,
        })
    }

    /// Applies one simulator command (atomic in the world).
    /// Nothing has happened yet but `seed` and `cluster` lines: the brokers have not
    /// started.
    fn only_settings_so_far(&self) -> bool {
        self.world.now_ms() == 0
            && self.log.iter().all(|line| {
                matches!(
                    crate::parse_line(line),
                    Ok(Some(Command::Seed { .. } | Command::Cluster { .. }))
                )
            })
    }

    fn apply(&mut self, span: Span, command: sim::Command) -> Result<Vec<Event>, ExecError> {
        self.world
            .apply(command)
            .map_err(|e| ExecError::sim(span, e))
    }

    /// Applies several simulator commands as one: all of them or none.
    fn apply_all(
        &mut self,
        span: Span,
        mut commands: Vec<sim::Command>,
    ) -> Result<Vec<Event>, ExecError> {
        if commands.len() == 1 {
            // One command is atomic on its own: no copy of the world needed.
            if let Some(command) = commands.pop() {
                return self.apply(span, command);
            }
        }
        let mut scratch = self.world.clone();
        let mut events = Vec::new();
        for command in commands {
            events.extend(
                scratch
                    .apply(command)
                    .map_err(|e| ExecError::sim(span, e))?,
            );
        }
        self.world = scratch;
        Ok(events)
    }

    /// The whole console (world, clients, log) as bytes: a magic number, a JSON header with
    /// the clients and the log, then the world's own snapshot.
    pub fn snapshot(&self) -> Result<Vec<u8>, SimError> {
        let header = serde_json::to_vec(&SnapshotHeader {
            version: CONSOLE_SNAPSHOT_VERSION,
            log: self.log.clone(),
        })
        .map_err(|e| SimError::CorruptSnapshot {
            reason: e.to_string(),
        })?;
        let world = self.world.snapshot()?;
        let mut bytes = Vec::with_capacity(8 + header.len() + world.len());
        bytes.extend_from_slice(SNAPSHOT_MAGIC);
        bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(&world);
        Ok(bytes)
    }

    /// The world alone as [`World::snapshot`] bytes: with the lines that built it, enough
    /// for [`Console::resume`] (the console's log is rebuilt from the lines).
    pub fn world_snapshot(&self) -> Result<Vec<u8>, SimError> {
        self.world.snapshot()
    }

    /// A console at a saved point: the world from [`World::snapshot`] bytes and the lines
    /// that built it, each the canonical text of a command that changed something (as a
    /// session stores them). The log is rebuilt from the lines as running them would have
    /// built it (consecutive `advance` lines merged); only `advance` lines are parsed again.
    pub fn resume(world: &[u8], lines: &[String]) -> Result<Console, SimError> {
        let mut console = Console {
            world: World::restore(world)?,
            log: Vec::with_capacity(lines.len()),
            pending_events: Vec::new(),
        };
        for line in lines {
            match line.strip_prefix("advance ") {
                Some(_) => match crate::parse_line(line) {
                    Ok(Some(command)) => console.push_log(&command),
                    _ => {
                        return Err(SimError::CorruptSnapshot {
                            reason: format!("`{line}` is not an advance line"),
                        })
                    }
                },
                None => console.log.push(line.clone()),
            }
        }
        Ok(console)
    }

    /// A console from [`Console::snapshot`] bytes; `CORRUPT_SNAPSHOT` or
    /// `UNSUPPORTED_VERSION` if they cannot be read.
    pub fn restore(bytes: &[u8]) -> Result<Console, SimError> {
        let corrupt = |reason: &str| SimError::CorruptSnapshot {
            reason: reason.to_string(),
        };
        let rest = bytes
            .strip_prefix(SNAPSHOT_MAGIC.as_slice())
            .ok_or_else(|| corrupt("not an Offset Express console snapshot"))?;
        let (len, rest) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| corrupt("the snapshot is cut short"))?;
        let len = u32::from_le_bytes(*len) as usize;
        if rest.len() < len {
            return Err(corrupt("the snapshot is cut short"));
        }
        let (header, world) = rest.split_at(len);
        let header: SnapshotHeader =
            serde_json::from_slice(header).map_err(|e| corrupt(&e.to_string()))?;
        if header.version != CONSOLE_SNAPSHOT_VERSION {
            return Err(SimError::UnsupportedVersion {
                found: header.version,
                supported: CONSOLE_SNAPSHOT_VERSION,
            });
        }
        Ok(Console {
            world: World::restore(world)?,
            log: header.log,
            pending_events: Vec::new(),
        })
    }
}

/// Applies offset commits, then runs the clock in steps of the replica fetch delay until
/// they are replicated. `COORDINATOR_NOT_AVAILABLE` if they never are (the caller then drops
/// the world it worked on).
/// Whether an accepted command belongs in the session log (views do not).
/// Whether running `command` can change the world or its clients (and so belongs in the
/// session log): queries such as `describe`, `state`, `help` or `position` do not.
pub fn changes_state(command: &Command) -> bool {
    !matches!(
        command,
        Command::Describe { .. }
            | Command::State { .. }
            | Command::Help { .. }
            | Command::Position { .. }
            | Command::Committed { .. }
            | Command::GetOffsets(_)
            | Command::Transactions(_)
            | Command::Topics(crate::TopicsCommand::List { .. })
            | Command::Topics(crate::TopicsCommand::Describe { .. })
            | Command::Configs(crate::ConfigsCommand::Describe { .. })
            | Command::ConsumerGroups(crate::ConsumerGroupsCommand::List { .. })
            | Command::ConsumerGroups(crate::ConsumerGroupsCommand::Describe { .. })
    )
}

fn sim_policy(p: crate::CommitPolicy) -> sim::clients::CommitPolicy {
    use sim::clients::CommitPolicy as P;
    match p {
        crate::CommitPolicy::Auto => P::Auto,
        crate::CommitPolicy::SyncPerBatch => P::SyncPerBatch,
        crate::CommitPolicy::SyncPerRecord => P::SyncPerRecord,
        crate::CommitPolicy::BeforeProcessing => P::BeforeProcessing,
        crate::CommitPolicy::AsyncPerBatch => P::AsyncPerBatch,
        crate::CommitPolicy::ExternalStore => P::ExternalStore,
    }
}

/// `acks` by Kafka's spellings; anything else is refused with `ConfigException`'s reason.
fn parse_acks(span: Span, value: &str) -> Result<sim::Acks, ExecError> {
    match value.trim() {
        "0" => Ok(sim::Acks::None),
        "1" => Ok(sim::Acks::Leader),
        "all" | "-1" => Ok(sim::Acks::All),
        other => Err(ExecError::new(
            span,
            ExecErrorKind::Tool {
                message: format!(
                    "Invalid value {other} for configuration acks: String must be one of: all, -1, 0, 1"
                ),
            },
        )),
    }
}

/// Partition ids were checked by the parser (0 up to `i32::MAX`).
fn partition_i32(p: u32) -> i32 {
    i32::try_from(p).unwrap_or(i32::MAX)
}

fn broker_id(b: u32) -> sim::BrokerId {
    sim::BrokerId(i32::try_from(b).unwrap_or(i32::MAX))
}

#[cfg(test)]
mod tests;
