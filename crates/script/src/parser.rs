//! From a lexed [`Statement`] to a typed [`Command`]: the command word picks the reader, the
//! reader checks flags, positional words and values, and every error points into the input.
//!
//! Client verbs read `verb CLIENT [arguments] [--flags]`: the verb first, like a shell command
//! and like every Kafka tool, named exactly as the Java method (`commitSync`, `seekToEnd`).

use crate::admin;
use crate::args::{self, flag, repeated, valued, Args, FlagSpec};
use crate::ast::{
    Command, CommitMode, Configs, GroupMetadataSource, SendRecord, StateFormat, Target,
    TransactionCall,
};
use crate::config;
use crate::error::{ErrorKind, ParseError, Span};
use crate::help::{self, COMMANDS};
use crate::lexer::{Statement, Word};
use crate::suggest;
use crate::values;

/// The names of the Kafka tools, as typed (a `.sh` suffix and a `bin/` path are accepted).
const TOOLS: [&str; 8] = [
    "kafka-topics",
    "kafka-consumer-groups",
    "kafka-get-offsets",
    "kafka-console-producer",
    "kafka-console-consumer",
    "kafka-configs",
    "kafka-leader-election",
    "kafka-transactions",
];

/// `bin/kafka-topics.sh` and `kafka-topics.sh` are `kafka-topics`.
fn tool_name(text: &str) -> &str {
    let base = text.rsplit('/').next().unwrap_or(text);
    let base = base.strip_suffix(".sh").unwrap_or(base);
    if TOOLS.contains(&base) {
        base
    } else {
        text
    }
}

/// Parses one lexed statement.
pub fn parse_statement(statement: &Statement) -> Result<Command, ParseError> {
    let Some(head) = statement.words.first() else {
        return Err(ParseError::new(
            statement.span,
            ErrorKind::MissingArgument {
                message: "expected a command".into(),
            },
        ));
    };
    let rest = &statement.words[1..];
    let name = if head.quoted {
        ""
    } else {
        tool_name(&head.text)
    };
    // `kafka-topics --help`, `seek --help`: the command's help, as the real tools print usage.
    if help::command_info(name).is_some() && rest.iter().any(|w| w.is_flag() && w.text == "--help")
    {
        return Ok(Command::Help {
            topic: Some(name.to_string()),
        });
    }
    let parse =
        |specs: &'static [FlagSpec]| args::parse(name, head.span, statement.span, specs, rest);
    match name {
        "kafka-topics" => admin::topics(&parse(admin::TOPICS_FLAGS)?),
        "kafka-consumer-groups" => admin::consumer_groups(&parse(admin::GROUPS_FLAGS)?),
        "kafka-get-offsets" => admin::get_offsets(&parse(admin::GET_OFFSETS_FLAGS)?),
        "kafka-console-producer" => admin::console_producer(&parse(admin::PRODUCER_FLAGS)?),
        "kafka-console-consumer" => admin::console_consumer(&parse(admin::CONSUMER_FLAGS)?),
        "kafka-configs" => admin::configs(&parse(admin::CONFIGS_FLAGS)?),
        "kafka-leader-election" => admin::leader_election(&parse(admin::ELECTION_FLAGS)?),
        "kafka-transactions" => admin::transactions(&parse(admin::TRANSACTIONS_FLAGS)?),
        "producer" | "consumer" => create_client(name, rest, statement.span),
        "send" => send(&parse(SEND_FLAGS)?),
        "flush" => one_client(&parse(&[])?, "PRODUCER", |producer| Command::Flush {
            producer,
        }),
        "initTransactions" | "beginTransaction" | "commitTransaction" | "abortTransaction" => {
            let call = match name {
                "initTransactions" => TransactionCall::Init,
                "beginTransaction" => TransactionCall::Begin,
                "commitTransaction" => TransactionCall::Commit,
                _ => TransactionCall::Abort,
            };
            one_client(&parse(&[])?, "PRODUCER", |producer| Command::Transaction {
                producer,
                call,
            })
        }
        "sendOffsetsToTransaction" => send_offsets_to_transaction(&parse(SEND_OFFSETS_FLAGS)?),
        "subscribe" => subscribe(&parse(&[])?),
        "assign" => {
            let args = parse(&[])?;
            let (consumer, partitions) = client_and_selections(&args, true)?;
            Ok(Command::Assign {
                consumer,
                partitions,
            })
        }
        "unsubscribe" => one_client(&parse(&[])?, "CONSUMER", |consumer| Command::Unsubscribe {
            consumer,
        }),
        "poll" => one_client(&parse(&[])?, "CONSUMER", |consumer| Command::Poll {
            consumer,
        }),
        "process" => process(&parse(PROCESS_FLAGS)?),
        "commitSync" => commit(&parse(COMMIT_FLAGS)?, CommitMode::Sync),
        "commitAsync" => commit(&parse(COMMIT_FLAGS)?, CommitMode::Async),
        "seek" => seek(&parse(&[])?),
        "seekToBeginning" => {
            let (consumer, partitions) = client_and_selections(&parse(&[])?, false)?;
            Ok(Command::SeekToBeginning {
                consumer,
                partitions,
            })
        }
        "seekToEnd" => {
            let (consumer, partitions) = client_and_selections(&parse(&[])?, false)?;
            Ok(Command::SeekToEnd {
                consumer,
                partitions,
            })
        }
        "pause" => {
            let (consumer, partitions) = client_and_selections(&parse(&[])?, true)?;
            Ok(Command::Pause {
                consumer,
                partitions,
            })
        }
        "resume" => {
            let (consumer, partitions) = client_and_selections(&parse(&[])?, true)?;
            Ok(Command::Resume {
                consumer,
                partitions,
            })
        }
        "position" => position(&parse(&[])?),
        "committed" => {
            let (consumer, partitions) = client_and_selections(&parse(&[])?, false)?;
            Ok(Command::Committed {
                consumer,
                partitions,
            })
        }
        "close" => one_client(&parse(&[])?, "CLIENT", |client| Command::Close { client }),
        "crash" => one_client(&parse(&[])?, "CLIENT", |client| Command::Crash { client }),
        "restart" => one_client(&parse(&[])?, "CLIENT", |client| Command::Restart { client }),
        "run" => run(&parse(RUN_FLAGS)?),
        "stop" => one_client(&parse(&[])?, "CLIENT", |client| Command::Stop { client }),
        "database" => {
            let args = parse(&[])?;
            let words = args.positionals_exactly(&["a database name"], usage("database"))?;
            Ok(Command::Database {
                name: database_name(words[0])?,
            })
        }
        "advance" => {
            let args = parse(&[])?;
            let words = args.positionals_exactly(&["a duration"], usage("advance"))?;
            Ok(Command::Advance {
                millis: values::duration(words[0])?,
            })
        }
        "kill-broker" | "restart-broker" | "pause-replication" | "resume-replication" => {
            broker(&parse(&[])?, name)
        }
        "seed" => {
            let args = parse(&[])?;
            let words = args.positionals_exactly(&["a number"], usage("seed"))?;
            let seed = values::non_negative(
                words[0],
                "a seed (a whole number)",
                "a seed is a whole number from 0 up",
            )?;
            Ok(Command::Seed { seed })
        }
        "cluster" => cluster(rest, statement.span),
        "describe" => describe(&parse(&[])?),
        "state" => {
            let args = parse(STATE_FLAGS)?;
            args.no_positionals("state takes no arguments: state [--json]")?;
            Ok(Command::State {
                format: if args.has("json") {
                    StateFormat::Json
                } else {
                    StateFormat::Text
                },
            })
        }
        "help" => help_command(&parse(&[])?),
        _ => Err(unknown_command(head)),
    }
}

fn usage(name: &str) -> &'static str {
    help::command_info(name).map_or("", |c| c.usage)
}

fn unknown_command(head: &Word) -> ParseError {
    let text = head.text.as_str();
    // `c1.poll()`, `poll(c1)` — the Java call form: suggest the console form `poll c1`.
    let (call, receiver) = match text.split_once('.') {
        Some((receiver, call)) if call.contains('(') || help::command_info(call).is_some() => {
            (call, Some(receiver))
        }
        _ => (text, None),
    };
    let method = call.split('(').next().unwrap_or(call);
    let inside = call
        .split_once('(')
        .map(|(_, rest)| rest.trim_end_matches(')').trim())
        .filter(|inside| !inside.is_empty());
    let java_form = (receiver.is_some() || inside.is_some())
        .then(|| help::command_info(method))
        .flatten()
        .map(|_| {
            let words: Vec<&str> = [Some(method), receiver, inside]
                .into_iter()
                .flatten()
                .collect();
            words.join(" ")
        });
    let suggestion = java_form.or_else(|| {
        suggest::closest(tool_name(text), COMMANDS.iter().map(|c| c.name)).map(str::to_string)
    });
    ParseError::new(
        head.span,
        ErrorKind::UnknownCommand {
            found: text.to_string(),
            suggestion,
        },
    )
}

fn one_client(
    args: &Args,
    role: &str,
    build: impl FnOnce(String) -> Command,
) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&[role], usage(&args.command))?;
    Ok(build(values::client_name(words[0])?))
}

/// `producer p1 acks=all` / `consumer c1 group.id=g1 …`
fn create_client(kind: &str, rest: &[Word], statement_span: Span) -> Result<Command, ParseError> {
    let Some(name_word) = rest.first().filter(|w| !w.is_flag()) else {
        return Err(ParseError::new(
            statement_span,
            ErrorKind::MissingArgument {
                message: format!("{kind} needs a NAME: {}", usage(kind)),
            },
        ));
    };
    let name = values::client_name(name_word)?;
    let scope = if kind == "producer" {
        config::PRODUCER_SCOPE
    } else {
        config::CONSUMER_SCOPE
    };
    let mut configs = Configs::default();
    for word in &rest[1..] {
        if word.is_flag() {
            return Err(flag_instead_of_config(word, scope));
        }
        config::read(word, scope, &mut configs)?;
    }
    Ok(if kind == "producer" {
        Command::CreateProducer { name, configs }
    } else {
        Command::CreateConsumer { name, configs }
    })
}

/// The broker settings `cluster` accepts (`server.properties`).
pub const CLUSTER_SETTINGS: &[&str] = &[
    "auto.create.topics.enable",
    "default.replication.factor",
    "num.partitions",
];

/// `cluster K=V…`: broker settings, each checked as the broker checks it at start.
fn cluster(rest: &[Word], statement_span: Span) -> Result<Command, ParseError> {
    if rest.is_empty() {
        return Err(ParseError::new(
            statement_span,
            ErrorKind::MissingArgument {
                message: format!("cluster needs a setting: {}", usage("cluster")),
            },
        ));
    }
    let mut configs = Configs::default();
    for word in rest {
        let Some((key, value)) = word.text.split_once('=') else {
            return Err(ParseError::new(
                word.span,
                ErrorKind::UnexpectedArgument {
                    found: word.text.clone(),
                    message: "broker settings are written key=value, e.g. auto.create.topics.enable=false".into(),
                },
            ));
        };
        if !CLUSTER_SETTINGS.contains(&key) {
            return Err(ParseError::new(
                word.span,
                ErrorKind::UnknownKeyword {
                    what: "broker setting".into(),
                    found: key.to_string(),
                    expected: CLUSTER_SETTINGS.join(", "),
                    suggestion: suggest::closest(key, CLUSTER_SETTINGS.iter().copied())
                        .map(str::to_string),
                },
            ));
        }
        let valid = match key {
            "auto.create.topics.enable" => {
                matches!(value.to_ascii_lowercase().as_str(), "true" | "false")
            }
            _ => value
                .parse::<i64>()
                .is_ok_and(|n| (1..=10_000).contains(&n)),
        };
        if !valid {
            return Err(ParseError::new(
                word.span,
                ErrorKind::UnexpectedArgument {
                    found: word.text.clone(),
                    message: if key == "auto.create.topics.enable" {
                        format!("{key} is true or false")
                    } else {
                        format!("{key} is a whole number from 1 to 10000")
                    },
                },
            ));
        }
        configs
            .0
            .insert(key.to_string(), value.to_ascii_lowercase());
    }
    Ok(Command::Cluster { configs })
}

/// `consumer c1 --group-id g1`: configs are Kafka names written `key=value`.
fn flag_instead_of_config(word: &Word, scope: config::Scope) -> ParseError {
    let bare = word.text.trim_start_matches('-');
    let (bare, value) = bare.split_once('=').unwrap_or((bare, "VALUE"));
    let dotted = bare.replace('-', ".");
    let hint = match scope.specs().find(|s| s.name == dotted) {
        Some(spec) => format!("write it as {}={value}", spec.name),
        None => {
            let example = if scope.name == "producer" {
                "acks=all"
            } else {
                "enable.auto.commit=false"
            };
            format!(
                "{} configs are written key=value with Kafka's names, e.g. {example}",
                scope.name
            )
        }
    };
    ParseError::new(
        word.span,
        ErrorKind::UnexpectedArgument {
            found: word.text.clone(),
            message: hint,
        },
    )
}

const SEND_FLAGS: &[FlagSpec] = &[
    valued("topic", "a topic name"),
    valued("partition", "a partition number"),
    valued("key", "the record key"),
    valued("value", "the record value"),
    flag("null-value"),
    valued("timestamp", "a timestamp in ms since the epoch"),
    repeated("header", "a record header as key=value"),
];

fn send(args: &Args) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&["PRODUCER"], usage("send"))?;
    let producer = values::client_name(words[0])?;
    let topic = values::topic_name(args.require("topic")?)?;
    let partition = args
        .value("partition")
        .map(values::partition_id)
        .transpose()?;
    args.check_invalid("null-value", &["value"])?;
    let value = match args.value("value") {
        Some(word) => Some(word.text.clone()),
        None if args.has("null-value") => None,
        None => {
            return Err(args.missing(
                "send needs --value V (or --null-value for a tombstone): send PRODUCER --topic T [--key K] --value V",
            ))
        }
    };
    let timestamp = args
        .value("timestamp")
        .map(|w| {
            values::non_negative(
                w,
                "a timestamp in ms",
                "a record timestamp can't be negative",
            )
            .and_then(|ms| {
                i64::try_from(ms).map_err(|_| {
                    ParseError::new(
                        w.span,
                        ErrorKind::NumberOutOfRange {
                            found: w.text.clone(),
                            message: "the timestamp is too large".into(),
                        },
                    )
                })
            })
        })
        .transpose()?;
    let mut headers = Vec::new();
    for word in args.values("header") {
        match word.text.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                headers.push((key.to_string(), value.to_string()))
            }
            _ => {
                return Err(ParseError::new(
                    word.span,
                    ErrorKind::UnexpectedArgument {
                        found: word.text.clone(),
                        message: "a header is written key=value, e.g. --header trace-id=42".into(),
                    },
                ))
            }
        }
    }
    Ok(Command::Send(SendRecord {
        producer,
        topic,
        partition,
        key: args.value("key").map(|w| w.text.clone()),
        value,
        timestamp,
        headers,
    }))
}

fn subscribe(args: &Args) -> Result<Command, ParseError> {
    let Some((first, rest)) = args.positionals.split_first() else {
        return Err(args.missing(format!(
            "subscribe needs CONSUMER and topics: {}",
            usage("subscribe")
        )));
    };
    let consumer = values::client_name(first)?;
    if rest.is_empty() {
        return Err(args.missing(format!(
            "subscribe needs at least one topic: {}",
            usage("subscribe")
        )));
    }
    let mut topics = Vec::new();
    for word in rest {
        for part in word.text.split(',') {
            let topic = values::topic_name_text(part).map_err(|message| {
                ParseError::new(word.span, ErrorKind::InvalidTopicName { message })
            })?;
            if !topics.contains(&topic) {
                topics.push(topic);
            }
        }
    }
    Ok(Command::Subscribe { consumer, topics })
}

/// `verb CONSUMER [topic[:p,…]]…`; `required`: at least one selection.
fn client_and_selections(
    args: &Args,
    required: bool,
) -> Result<(String, Vec<crate::ast::TopicSelection>), ParseError> {
    let verb_usage = usage(&args.command);
    let Some((first, rest)) = args.positionals.split_first() else {
        return Err(args.missing(format!("{} needs a CONSUMER: {verb_usage}", args.command)));
    };
    let consumer = values::client_name(first)?;
    if required && rest.is_empty() {
        return Err(args.missing(format!(
            "{} needs partitions, e.g. orders:0,1: {verb_usage}",
            args.command
        )));
    }
    let selections = rest
        .iter()
        .map(values::topic_selection)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((consumer, selections))
}

const PROCESS_FLAGS: &[FlagSpec] = &[valued("count", "how many records to process")];

fn process(args: &Args) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&["CONSUMER"], usage("process"))?;
    let consumer = values::client_name(words[0])?;
    let count = args
        .value("count")
        .map(|w| values::bounded(w, "--count", 1, u64::MAX))
        .transpose()?;
    Ok(Command::Process { consumer, count })
}

const RUN_FLAGS: &[FlagSpec] = &[
    valued(
        "commit",
        "auto, sync-per-batch, sync-per-record, before-processing or async-per-batch",
    ),
    valued("process-ms", "milliseconds of processing per record"),
    valued("poll-timeout-ms", "milliseconds an empty poll waits"),
    valued("topic", "the topic to send to"),
    valued("rate", "records per second"),
    valued("keys", "how many keys to cycle through"),
];

/// `run CLIENT …`: a producer with `--topic`/`--rate`/`--keys`, else a consumer.
fn run(args: &Args) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&["CLIENT"], usage("run"))?;
    let client = values::client_name(words[0])?;
    let producer = ["topic", "rate", "keys"].iter().any(|f| args.has(f));
    if producer {
        for used in ["commit", "process-ms", "poll-timeout-ms"] {
            args.check_invalid(used, &["topic", "rate", "keys"])?;
        }
        let topic = values::topic_name(args.require("topic")?)?;
        let rate = values::bounded(
            args.require("rate")?,
            "--rate (records per second)",
            1,
            1000,
        )?;
        let keys = args
            .value("keys")
            .map(|w| values::bounded(w, "--keys", 0, 1_000_000))
            .transpose()?;
        return Ok(Command::RunProducer(crate::RunProducer {
            producer: client,
            topic,
            rate: u32::try_from(rate).unwrap_or(1000),
            keys: keys.map(|k| u32::try_from(k).unwrap_or(0)),
        }));
    }
    let commit = match args.value("commit") {
        None => None,
        Some(w) => Some(crate::CommitPolicy::from_name(&w.text).ok_or_else(|| {
            ParseError::new(
                w.span,
                ErrorKind::Usage {
                    message: {
                        let names = crate::CommitPolicy::ALL.map(crate::CommitPolicy::name);
                        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
                        format!(
                            "unknown commit policy '{}': use {} or {last}",
                            w.text,
                            rest.join(", ")
                        )
                    },
                },
            )
        })?),
    };
    let ms = |flag: &str, min: u64| {
        args.value(flag)
            .map(|w| values::bounded(w, &format!("--{flag}"), min, 3_600_000))
            .transpose()
    };
    Ok(Command::RunConsumer(crate::RunConsumer {
        consumer: client,
        commit,
        process_ms: ms("process-ms", 0)?,
        poll_timeout_ms: ms("poll-timeout-ms", 1)?,
    }))
}

const SEND_OFFSETS_FLAGS: &[FlagSpec] = &[
    valued("offsets", "topic:partition=offset,… e.g. orders:0=42"),
    valued("group", "a group id"),
    valued("consumer", "a consumer's name"),
];

fn send_offsets_to_transaction(args: &Args) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&["PRODUCER"], usage("sendOffsetsToTransaction"))?;
    let producer = values::client_name(words[0])?;
    let Some(offsets) = args.value("offsets") else {
        return Err(args.missing(
            "sendOffsetsToTransaction needs --offsets topic:partition=offset,… (each the next offset to read)",
        ));
    };
    let offsets = values::offsets_map(offsets)?;
    let metadata = match (args.value("group"), args.value("consumer")) {
        (Some(g), None) => GroupMetadataSource::Group(values::group_id(g)?),
        (None, Some(c)) => GroupMetadataSource::Consumer(values::client_name(c)?),
        (Some(_), Some(_)) => {
            return Err(args.usage(
                args.span_of("consumer"),
                "give --group or --consumer, not both",
            ))
        }
        (None, None) => {
            return Err(args.missing(
                "sendOffsetsToTransaction needs --consumer C (that consumer's groupMetadata()) or --group G",
            ))
        }
    };
    Ok(Command::SendOffsetsToTransaction {
        producer,
        offsets,
        metadata,
    })
}

const COMMIT_FLAGS: &[FlagSpec] = &[valued(
    "offsets",
    "topic:partition=offset,… e.g. orders:0=42",
)];

fn commit(args: &Args, mode: CommitMode) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&["CONSUMER"], usage(&args.command))?;
    let consumer = values::client_name(words[0])?;
    let offsets = args.value("offsets").map(values::offsets_map).transpose()?;
    Ok(Command::Commit {
        consumer,
        mode,
        offsets,
    })
}

fn seek(args: &Args) -> Result<Command, ParseError> {
    let words =
        args.positionals_exactly(&["CONSUMER", "TOPIC:PARTITION", "OFFSET"], usage("seek"))?;
    let consumer = values::client_name(words[0])?;
    let partition = values::topic_partition(words[1])?;
    // KafkaConsumer.seek refuses a negative offset with exactly this message.
    let offset = values::non_negative(
        words[2],
        "an offset",
        "seek offset must not be a negative number",
    )?;
    Ok(Command::Seek {
        consumer,
        partition,
        offset,
    })
}

fn position(args: &Args) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&["CONSUMER", "TOPIC:PARTITION"], usage("position"))?;
    Ok(Command::Position {
        consumer: values::client_name(words[0])?,
        partition: values::topic_partition(words[1])?,
    })
}

fn broker(args: &Args, name: &str) -> Result<Command, ParseError> {
    let words = args.positionals_exactly(&["a broker ID"], usage(name))?;
    let broker = broker_id(words[0])?;
    Ok(match name {
        "kill-broker" => Command::KillBroker { broker },
        "restart-broker" => Command::RestartBroker { broker },
        "pause-replication" => Command::PauseReplication { broker },
        _ => Command::ResumeReplication { broker },
    })
}

/// A broker id: a Java int from 0 up.
fn broker_id(word: &Word) -> Result<u32, ParseError> {
    values::bounded(word, "a broker id", 0, i32::MAX as u64).map(|id| id as u32)
}

const STATE_FLAGS: &[FlagSpec] = &[flag("json")];

const TARGET_KINDS: [&str; 10] = [
    "topic",
    "partition",
    "group",
    "consumer",
    "producer",
    "broker",
    "cluster",
    "offsets",
    "__consumer_offsets",
    "database",
];

/// A database name (the simulator's `database` verb, `describe database`).
fn database_name(word: &Word) -> Result<String, ParseError> {
    sim::clients::check_database_name(&word.text)
        .map(|()| word.text.clone())
        .map_err(|message| {
            ParseError::new(
                word.span,
                ErrorKind::InvalidName {
                    found: word.text.clone(),
                    message,
                },
            )
        })
}

fn describe(args: &Args) -> Result<Command, ParseError> {
    const EXPECTED: &str =
        "topic, partition, group, consumer, producer, broker, database, cluster or offsets";
    let words: Vec<&Word> = args.positionals.iter().collect();
    let target = match words.as_slice() {
        [] => {
            return Err(args.missing(format!(
                "describe what? expected {EXPECTED}, e.g. describe topic orders"
            )))
        }
        [one] => match one.text.as_str() {
            "cluster" => Target::Cluster,
            "offsets" | "__consumer_offsets" => Target::ConsumerOffsets,
            kind @ ("topic" | "partition" | "group" | "consumer" | "producer" | "broker"
            | "database") => {
                return Err(args.missing(format!(
                    "describe {kind} needs a name: describe {kind} NAME"
                )))
            }
            text if text.contains(':') => Target::Partition(values::topic_partition(one)?),
            "" => {
                return Err(ParseError::new(
                    one.span,
                    ErrorKind::InvalidName {
                        found: String::new(),
                        message: "a name can't be empty".into(),
                    },
                ))
            }
            text => Target::Named(text.to_string()),
        },
        [kind, name] => match kind.text.as_str() {
            "topic" => Target::Topic(values::topic_name(name)?),
            "partition" => Target::Partition(values::topic_partition(name)?),
            "group" => Target::Group(values::group_id(name)?),
            "consumer" => Target::Consumer(values::client_name(name)?),
            "producer" => Target::Producer(values::client_name(name)?),
            "broker" => Target::Broker(broker_id(name)?),
            "database" => Target::Database(database_name(name)?),
            other => {
                return Err(ParseError::new(
                    kind.span,
                    ErrorKind::UnknownKeyword {
                        what: "describe target".into(),
                        found: other.to_string(),
                        expected: EXPECTED.into(),
                        suggestion: suggest::closest(other, TARGET_KINDS).map(str::to_string),
                    },
                ))
            }
        },
        [_, _, extra, ..] => {
            return Err(ParseError::new(
                extra.span,
                ErrorKind::UnexpectedArgument {
                    found: extra.text.clone(),
                    message: format!("describe takes a kind and a name: {}", usage("describe")),
                },
            ))
        }
    };
    Ok(Command::Describe { target })
}

fn help_command(args: &Args) -> Result<Command, ParseError> {
    match args.positionals.as_slice() {
        [] => Ok(Command::Help { topic: None }),
        [word] => {
            let name = tool_name(&word.text);
            if help::command_info(name).is_some() {
                Ok(Command::Help {
                    topic: Some(name.to_string()),
                })
            } else {
                Err(unknown_command(word))
            }
        }
        [_, extra, ..] => Err(ParseError::new(
            extra.span,
            ErrorKind::UnexpectedArgument {
                found: extra.text.clone(),
                message: "help takes one command name: help [COMMAND]".into(),
            },
        )),
    }
}
