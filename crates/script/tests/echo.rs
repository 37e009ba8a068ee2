//! Code echo and export: every command kind has real-world code, the code names the real
//! APIs, and what is generated compiles (`python3 -m py_compile`) and parses (`bash -n`),
//! whatever the keys, values and names hold.
//!
//! These tests run `python3` and `bash`; without them they fail and say so.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use proptest::prelude::*;
use script::echo::{echo, quote};
use script::export::{export_python, export_shell, parse_lines};
use script::{help, parse_line, parse_script, Command};

// ---- every command kind ---------------------------------------------------------------------

/// Every variant of `Command`, by name. `kind` matches exhaustively, so a new command kind
/// does not compile until it is named here (and then the coverage test asks for an example).
const KINDS: &[&str] = &[
    "Topics",
    "ConsumerGroups",
    "GetOffsets",
    "ConsoleProducer",
    "ConsoleConsumer",
    "Configs",
    "LeaderElection",
    "Transactions",
    "CreateProducer",
    "CreateConsumer",
    "Send",
    "Flush",
    "Transaction",
    "SendOffsetsToTransaction",
    "Subscribe",
    "Assign",
    "Unsubscribe",
    "Poll",
    "Process",
    "Commit",
    "Seek",
    "SeekToBeginning",
    "SeekToEnd",
    "Pause",
    "Resume",
    "Position",
    "Committed",
    "Close",
    "Crash",
    "Restart",
    "Advance",
    "RunConsumer",
    "RunProducer",
    "Stop",
    "Database",
    "KillBroker",
    "RestartBroker",
    "PauseReplication",
    "ResumeReplication",
    "Seed",
    "Cluster",
    "Describe",
    "State",
    "Help",
];

fn kind(command: &Command) -> &'static str {
    match command {
        Command::Topics(_) => "Topics",
        Command::ConsumerGroups(_) => "ConsumerGroups",
        Command::GetOffsets(_) => "GetOffsets",
        Command::ConsoleProducer(_) => "ConsoleProducer",
        Command::ConsoleConsumer(_) => "ConsoleConsumer",
        Command::Configs(_) => "Configs",
        Command::LeaderElection(_) => "LeaderElection",
        Command::Transactions(_) => "Transactions",
        Command::CreateProducer { .. } => "CreateProducer",
        Command::CreateConsumer { .. } => "CreateConsumer",
        Command::Send(_) => "Send",
        Command::Flush { .. } => "Flush",
        Command::Transaction { .. } => "Transaction",
        Command::SendOffsetsToTransaction { .. } => "SendOffsetsToTransaction",
        Command::Subscribe { .. } => "Subscribe",
        Command::Assign { .. } => "Assign",
        Command::Unsubscribe { .. } => "Unsubscribe",
        Command::Poll { .. } => "Poll",
        Command::Process { .. } => "Process",
        Command::Commit { .. } => "Commit",
        Command::Seek { .. } => "Seek",
        Command::SeekToBeginning { .. } => "SeekToBeginning",
        Command::SeekToEnd { .. } => "SeekToEnd",
        Command::Pause { .. } => "Pause",
        Command::Resume { .. } => "Resume",
        Command::Position { .. } => "Position",
        Command::Committed { .. } => "Committed",
        Command::Close { .. } => "Close",
        Command::Crash { .. } => "Crash",
        Command::Restart { .. } => "Restart",
        Command::Advance { .. } => "Advance",
        Command::RunConsumer(_) => "RunConsumer",
        Command::RunProducer(_) => "RunProducer",
        Command::Stop { .. } => "Stop",
        Command::Database { .. } => "Database",
        Command::KillBroker { .. } => "KillBroker",
        Command::RestartBroker { .. } => "RestartBroker",
        Command::PauseReplication { .. } => "PauseReplication",
        Command::ResumeReplication { .. } => "ResumeReplication",
        Command::Seed { .. } => "Seed",
        Command::Cluster { .. } => "Cluster",
        Command::Describe { .. } => "Describe",
        Command::State { .. } => "State",
        Command::Help { .. } => "Help",
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every example of the reference page's `console` blocks and of `help`, as commands.
fn examples() -> Vec<Command> {
    let page = std::fs::read_to_string(root().join("docs/console-language.md"))
        .expect("docs/console-language.md exists");
    let mut text = String::new();
    let mut inside = false;
    for line in page.lines() {
        if line.trim_start() == "```console" {
            inside = true;
        } else if inside && line.trim_start() == "```" {
            inside = false;
        } else if inside {
            text.push_str(line);
            text.push('\n');
        }
    }
    let mut commands: Vec<Command> = parse_script(&text)
        .expect("the reference examples parse")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    for info in help::COMMANDS {
        commands.push(parse_line(info.example).unwrap().unwrap());
    }
    commands
}

fn is_admin_tool(command: &Command) -> bool {
    matches!(
        command,
        Command::Topics(_)
            | Command::ConsumerGroups(_)
            | Command::GetOffsets(_)
            | Command::ConsoleProducer(_)
            | Command::ConsoleConsumer(_)
            | Command::Configs(_)
            | Command::LeaderElection(_)
    )
}

#[test]
fn the_examples_cover_every_command_kind() {
    let seen: std::collections::BTreeSet<&str> = examples().iter().map(kind).collect();
    for name in KINDS {
        assert!(seen.contains(name), "no example of Command::{name}");
    }
    assert_eq!(seen.len(), KINDS.len());
}

#[test]
fn every_example_has_python_java_and_for_tools_a_cli_line() {
    for command in examples() {
        let code = echo(&command);
        assert!(!code.python.trim().is_empty(), "no Python for {command}");
        assert!(!code.java.trim().is_empty(), "no Java for {command}");
        if is_admin_tool(&command) {
            let cli = code
                .cli
                .unwrap_or_else(|| panic!("no CLI line for {command}"));
            assert!(
                cli.contains(".sh --bootstrap-server localhost:9092"),
                "{command}: {cli}"
            );
        }
    }
}

/// (console line, in the Python, in the Java, in the CLI line)
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    (
        "poll c1",
        "c1.poll(timeout_ms=1000)",
        "c1.poll(Duration.ofMillis(1000))",
        "",
    ),
    ("commitSync c1", "c1.commit()", "c1.commitSync();", ""),
    ("commitAsync c1", "c1.commit_async()", "c1.commitAsync();", ""),
    (
        "commitSync c1 --offsets orders:0=42",
        "c1.commit({TopicPartition(\"orders\", 0): OffsetAndMetadata(42, \"\")})",
        "c1.commitSync(Map.ofEntries(Map.entry(new TopicPartition(\"orders\", 0), new OffsetAndMetadata(42L))));",
        "",
    ),
    (
        "commitAsync c1 --offsets orders:1=7",
        "c1.commit_async(offsets={TopicPartition(\"orders\", 1): OffsetAndMetadata(7, \"\")})",
        "c1.commitAsync(Map.ofEntries(",
        "",
    ),
    (
        "seek c1 orders:0 42",
        "c1.seek(TopicPartition(\"orders\", 0), 42)",
        "c1.seek(new TopicPartition(\"orders\", 0), 42L);",
        "",
    ),
    (
        "seekToBeginning c1",
        "c1.seek_to_beginning()",
        "c1.seekToBeginning(c1.assignment());",
        "",
    ),
    (
        "seekToEnd c1 orders:0,1",
        "c1.seek_to_end(*[TopicPartition(\"orders\", 0), TopicPartition(\"orders\", 1)])",
        "c1.seekToEnd(List.of(new TopicPartition(\"orders\", 0), new TopicPartition(\"orders\", 1)));",
        "",
    ),
    (
        "pause c1 orders",
        "c1.pause(*[tp for tp in c1.assignment() if tp.topic == \"orders\"])",
        "c1.pause(c1.assignment().stream().filter(tp -> tp.topic().equals(\"orders\")).toList());",
        "",
    ),
    (
        "resume c1 orders:1",
        "c1.resume(*[TopicPartition(\"orders\", 1)])",
        "c1.resume(List.of(new TopicPartition(\"orders\", 1)));",
        "",
    ),
    (
        "position c1 orders:0",
        "c1.position(TopicPartition(\"orders\", 0))",
        "c1.position(new TopicPartition(\"orders\", 0))",
        "",
    ),
    (
        "committed c1 orders:0",
        "c1.committed(tp)",
        "c1.committed(Set.copyOf(List.of(new TopicPartition(\"orders\", 0))))",
        "",
    ),
    (
        "subscribe c1 orders,payments",
        "c1.subscribe([\"orders\", \"payments\"])",
        "c1.subscribe(List.of(\"orders\", \"payments\"));",
        "",
    ),
    (
        "assign c1 orders:0,1",
        "c1.assign([TopicPartition(\"orders\", 0), TopicPartition(\"orders\", 1)])",
        "c1.assign(List.of(new TopicPartition(\"orders\", 0), new TopicPartition(\"orders\", 1)));",
        "",
    ),
    ("unsubscribe c1", "c1.unsubscribe()", "c1.unsubscribe();", ""),
    ("close c1", "c1.close()", "c1.close();", ""),
    ("flush p1", "p1.flush()", "p1.flush();", ""),
    (
        "consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest max.poll.interval.ms=60000",
        "c1 = KafkaConsumer(",
        "KafkaConsumer<String, String> c1 = new KafkaConsumer<>(props);",
        "",
    ),
    (
        "consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest max.poll.interval.ms=60000",
        "    group_id=\"billing\",\n    max_poll_interval_ms=60000,",
        "props.put(\"max.poll.interval.ms\", \"60000\");",
        "",
    ),
    (
        "consumer c1 enable.auto.commit=false partition.assignment.strategy=cooperative-sticky",
        "enable_auto_commit=False,\n    partition_assignment_strategy=[CooperativeStickyAssignor],",
        "props.put(\"partition.assignment.strategy\", \"org.apache.kafka.clients.consumer.CooperativeStickyAssignor\");",
        "",
    ),
    (
        "producer p1 acks=all linger.ms=5",
        "p1 = KafkaProducer(\n    bootstrap_servers=\"localhost:9092\",\n    client_id=\"p1\",\n    acks=\"all\",\n    linger_ms=5,\n)",
        "KafkaProducer<String, String> p1 = new KafkaProducer<>(props);",
        "",
    ),
    (
        "send p1 --topic orders --key alice --value \"2 tickets\"",
        "p1.send(\"orders\", key=b\"alice\", value=b\"2 tickets\")",
        "new ProducerRecord<>(\"orders\", \"alice\", \"2 tickets\")",
        "",
    ),
    (
        "send p1 --topic ledger --key a --null-value --partition 0 --timestamp 1714555800000 --header trace=x1",
        "p1.send(\"ledger\", key=b\"a\", value=None, partition=0, timestamp_ms=1714555800000, headers=[(\"trace\", b\"x1\")])",
        "new ProducerRecord<>(\"ledger\", 0, 1714555800000L, \"a\", null)",
        "",
    ),
    (
        "process c1",
        "for record in batch:",
        "for (ConsumerRecord<String, String> record : records)",
        "",
    ),
    (
        "kafka-topics --create --topic orders --partitions 3 --replication-factor 3",
        "admin.create_topics([NewTopic(\"orders\", num_partitions=3, replication_factor=3)])",
        "admin.createTopics(List.of(new NewTopic(\"orders\", Optional.of(3), Optional.of((short) 3)))).all().get();",
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3",
    ),
    (
        "kafka-topics --alter --topic orders --partitions 6",
        "admin.create_partitions({\"orders\": NewPartitions(total_count=6)})",
        "NewPartitions.increaseTo(6)",
        "kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 6",
    ),
    (
        "kafka-topics --delete --topic orders --if-exists",
        "except UnknownTopicOrPartitionError:",
        "admin.deleteTopics(List.of(\"orders\")).all().get();",
        "kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic orders --if-exists",
    ),
    (
        "kafka-consumer-groups --describe --group billing",
        "subprocess.run([\"kafka-consumer-groups.sh\", \"--bootstrap-server\", \"localhost:9092\", \"--describe\", \"--group\", \"billing\"], check=True)",
        "admin.listConsumerGroupOffsets(\"billing\")",
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing",
    ),
    (
        "kafka-consumer-groups --reset-offsets --group billing --topic orders --to-earliest --execute",
        "\"--reset-offsets\", \"--group\", \"billing\", \"--topic\", \"orders\", \"--to-earliest\", \"--execute\"",
        "alterConsumerGroupOffsets",
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --reset-offsets --group billing --topic orders --to-earliest --execute",
    ),
    (
        "kafka-consumer-groups --delete --group billing",
        "admin.delete_groups([\"billing\"])",
        "admin.deleteConsumerGroups(List.of(\"billing\")).all().get();",
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --delete --group billing",
    ),
    (
        "kafka-get-offsets --topic orders --time earliest",
        "probe.beginning_offsets(tps)",
        "OffsetSpec.earliest()",
        "kafka-get-offsets.sh --bootstrap-server localhost:9092 --topic orders --time -2",
    ),
    (
        "kafka-console-producer --topic orders --key alice --value v1 --value \"v 2\"",
        "producer.send(\"orders\", key=b\"alice\", value=b\"v 2\")",
        "producer.send(new ProducerRecord<>(\"orders\", \"alice\", \"v1\"));",
        "printf '%s\\t%s\\n' alice v1 alice 'v 2' | kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders --property parse.key=true",
    ),
    (
        "kafka-console-consumer --topic orders --group audit --from-beginning --max-messages 10",
        "group_id=\"audit\"",
        "consumer.subscribe(List.of(\"orders\"));",
        "kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic orders --group audit --from-beginning --max-messages 10 --timeout-ms 5000",
    ),
    (
        "kafka-configs --alter --entity-type topics --entity-name orders --add-config retention.ms=60000 --delete-config cleanup.policy",
        "admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, \"orders\", configs={\"retention.ms\": \"60000\", \"cleanup.policy\": (AlterConfigOp.DELETE, None)})])",
        "admin.incrementalAlterConfigs(",
        "kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name orders --add-config retention.ms=60000 --delete-config cleanup.policy",
    ),
    (
        "kafka-leader-election --election-type unclean --topic orders --partition 0",
        "admin.elect_leaders(1, {\"orders\": [0]})",
        "admin.electLeaders(ElectionType.UNCLEAN, Set.of(new TopicPartition(\"orders\", 0))).all().get();",
        "kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type unclean --topic orders --partition 0",
    ),
    (
        "advance 5s",
        "time.sleep(5)",
        "Thread.sleep(5000L);",
        "",
    ),
    (
        "advance 250ms",
        "time.sleep(0.25)",
        "Thread.sleep(250L);",
        "",
    ),
    ("crash c1", "# on a real cluster: kill -9", "// on a real cluster: kill -9", ""),
    ("kill-broker 2", "stop broker 2", "systemctl stop kafka", ""),
    (
        "run c1 --commit sync-per-record --process-ms 50",
        "c1.commit({TopicPartition(record.topic, record.partition): OffsetAndMetadata(record.offset + 1, \"\")})",
        "c1.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));",
        "",
    ),
    (
        "run c1 --commit before-processing",
        "c1.commit()  # before processing",
        "c1.commitSync(); // before processing",
        "",
    ),
    (
        "run p1 --topic orders --rate 5 --keys 4",
        "p1.send(\"orders\", key=f\"key-{n % 4}\".encode(), value=str(n).encode())",
        "p1.send(new ProducerRecord<>(\"orders\", \"key-\" + (n % 4), Long.toString(n)));",
        "",
    ),
    (
        "describe group billing",
        "\"kafka-consumer-groups.sh\"",
        "describeConsumerGroups",
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing",
    ),
    (
        "describe offsets",
        "__consumer_offsets",
        "__consumer_offsets",
        "--formatter org.apache.kafka.tools.consumer.OffsetsMessageFormatter",
    ),
    (
        "describe consumer c1",
        "c1.position(tp)",
        "c1.position(tp)",
        "",
    ),
];

#[test]
fn echoes_name_the_real_apis() {
    for (line, python, java, cli) in EXPECTED {
        let command = parse_line(line).unwrap().unwrap();
        let code = echo(&command);
        assert!(
            code.python.contains(python),
            "{line}: Python lacks {python:?}:\n{}",
            code.python
        );
        assert!(
            code.java.contains(java),
            "{line}: Java lacks {java:?}:\n{}",
            code.java
        );
        if cli.is_empty() {
            if !is_admin_tool(&command) && !matches!(command, Command::Describe { .. }) {
                assert_eq!(code.cli, None, "{line}");
            }
        } else {
            let shown = code.cli.clone().unwrap_or_default();
            assert!(shown.contains(cli), "{line}: CLI lacks {cli:?}:\n{shown}");
        }
    }
}

#[test]
fn simulator_verbs_say_what_happens_instead_and_invent_no_call() {
    for line in [
        "crash c1",
        "restart c1",
        "stop c1",
        "kill-broker 1",
        "restart-broker 1",
        "pause-replication 2",
        "resume-replication 2",
        "seed 42",
    ] {
        let code = echo(&parse_line(line).unwrap().unwrap());
        assert!(
            code.python.lines().all(|l| l.starts_with("# ")),
            "{line}: {}",
            code.python
        );
        assert!(
            code.java.lines().all(|l| l.starts_with("// ")),
            "{line}: {}",
            code.java
        );
        assert!(code.note.is_some(), "{line}");
        assert_eq!(code.cli, None, "{line}");
    }
}

// ---- python3 and bash -----------------------------------------------------------------------

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("offset-express-echo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("a temporary file");
    path
}

fn run(program: &str, args: &[&str], path: &Path) -> (bool, String) {
    let output = Process::new(program).args(args).arg(path).output();
    match output {
        Ok(o) => (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ),
        Err(e) => panic!(
            "these tests need {program} on PATH to check the generated code ({e}); install it"
        ),
    }
}

/// Asserts that `python3 -m py_compile` accepts `code`.
fn assert_python_compiles(name: &str, code: &str) {
    let path = scratch(&format!("{name}.py"), code);
    let (ok, out) = run("python3", &["-m", "py_compile"], &path);
    assert!(
        ok,
        "python3 -m py_compile refused {name}:\n{out}\n---\n{code}"
    );
}

/// Asserts that `bash -n` accepts `script`.
fn assert_bash_parses(name: &str, script: &str) {
    let path = scratch(&format!("{name}.sh"), script);
    let (ok, out) = run("bash", &["-n"], &path);
    assert!(ok, "bash -n refused {name}:\n{out}\n---\n{script}");
}

/// Asserts that running `python3 FILE` succeeds (for the literal round trips).
fn assert_python_runs(name: &str, code: &str) {
    let path = scratch(&format!("{name}.py"), code);
    let (ok, out) = run("python3", &[], &path);
    assert!(ok, "python3 {name} failed:\n{out}\n---\n{code}");
}

fn assert_bash_runs(name: &str, script: &str) {
    let path = scratch(&format!("{name}.sh"), script);
    let (ok, out) = run("bash", &[], &path);
    assert!(ok, "bash {name} failed:\n{out}\n---\n{script}");
}

/// Every snippet as the body of its own function, so one file holds them all.
fn snippets_as_python(commands: &[Command]) -> String {
    let mut out = String::new();
    for (i, command) in commands.iter().enumerate() {
        out.push_str(&format!("def snippet_{i}():\n"));
        for line in echo(command).python.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("    pass\n\n");
    }
    out
}

fn cli_lines(commands: &[Command]) -> String {
    let mut out = String::from("set -euo pipefail\n");
    for command in commands {
        if let Some(cli) = echo(command).cli {
            out.push_str(&cli);
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_example_snippet_compiles_and_every_cli_line_parses() {
    let commands = examples();
    assert_python_compiles("snippets", &snippets_as_python(&commands));
    assert_bash_parses("cli-lines", &cli_lines(&commands));
}

/// A scenario file as console lines: comments and blank lines skipped, `\` continuations
/// kept with the line they continue.
fn console_lines(source: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pending = String::new();
    for line in source.lines() {
        if pending.is_empty() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            continue;
        }
        pending.push_str(line);
        if line.trim_end().ends_with('\\') {
            pending.push('\n');
        } else {
            lines.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        lines.push(pending);
    }
    lines
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios"))
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "oe"))
        .collect();
    files.sort();
    assert!(files.len() > 5, "only {} scenario files", files.len());
    files
}

#[test]
fn every_scenario_exports_to_python_that_compiles_and_bash_that_parses() {
    for file in scenario_files() {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let lines = console_lines(&std::fs::read_to_string(&file).unwrap());
        let python = export_python(7, &lines).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(python.starts_with("#!/usr/bin/env python3\n"), "{name}");
        assert!(python.contains("BOOTSTRAP = \"localhost:9092\""), "{name}");
        assert_python_compiles(&name, &python);
        let shell = export_shell(&lines).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(shell.starts_with("#!/usr/bin/env bash\n"), "{name}");
        assert!(shell.contains("set -euo pipefail\n"), "{name}");
        assert!(shell.contains("BOOTSTRAP=localhost:9092\n"), "{name}");
        assert_bash_parses(&name, &shell);
    }
}

#[test]
fn the_reference_page_as_one_session_exports_cleanly() {
    let commands: Vec<String> = examples().iter().map(|c| c.to_string()).collect();
    let python = export_python(0, &commands).unwrap();
    assert_python_compiles("reference", &python);
    assert_bash_parses("reference", &export_shell(&commands).unwrap());
}

#[test]
fn the_program_has_one_client_object_per_simulated_client_and_notes_what_the_cluster_did() {
    let lines: Vec<String> = [
        "kafka-topics --create --topic orders --partitions 2",
        "producer p1",
        "send p1 --topic orders --key alice --value one",
        "flush p1",
        "consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest",
        "consumer checker-b group.id=billing enable.auto.commit=false auto.offset.reset=earliest",
        "subscribe c1 orders",
        "subscribe checker-b orders",
        "poll c1",
        "advance 3s",
        "poll c1",
        "poll checker-b",
        "process c1",
        "commitSync c1",
        "crash c1",
        "restart c1",
        "advance 1m",
        "kafka-topics --create --topic orders",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let python = export_python(0, &lines).unwrap();
    assert_eq!(python.matches("c1 = KafkaConsumer(").count(), 2, "{python}"); // created, restarted
    assert_eq!(python.matches("checker_b = KafkaConsumer(").count(), 1);
    assert_eq!(python.matches("p1 = KafkaProducer(").count(), 1);
    assert!(python.contains("client_id=\"checker-b\""));
    assert!(python.contains("c1.close(autocommit=False)"));
    assert!(python.contains("time.sleep(3)"));
    assert!(python.contains("time.sleep(60)"));
    assert!(python.contains("# in the simulator, as a real cluster would on its own, here:"));
    assert!(python.contains("rebalances group billing"), "{python}");
    assert!(
        python.contains("the simulator refused this line"),
        "{python}"
    );
    assert_python_compiles("clients", &python);

    let shell = export_shell(&lines).unwrap();
    assert!(shell.contains(
        "kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --create --topic orders --partitions 2\n"
    ));
    assert!(shell.contains("# a client program does this (Java):\n#   c1.commitSync();\n"));
    assert!(shell.contains("sleep 3\n"));
    assert_bash_parses("clients", &shell);
}

#[test]
fn played_applications_run_in_the_program_while_it_waits() {
    let lines: Vec<String> = [
        "kafka-topics --create --topic orders --partitions 2",
        "consumer c1 group.id=g enable.auto.commit=false",
        "subscribe c1 orders",
        "run c1 --commit sync-per-batch --process-ms 50",
        "producer p1",
        "run p1 --topic orders --rate 5 --keys 2",
        "advance 10s",
        "stop c1",
        "advance 2d",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let python = export_python(0, &lines).unwrap();
    assert!(python.contains("def c1_step():"), "{python}");
    assert!(python.contains("def p1_step():"));
    assert!(python.contains("while time.monotonic() < deadline:\n    c1_step()\n    p1_step()\n"));
    assert!(
        python.contains("# time.sleep(172800)") || python.contains("# deadline = "),
        "{python}"
    );
    assert_python_compiles("played", &python);
}

#[test]
fn a_line_that_does_not_parse_is_named_with_its_number() {
    let lines = vec![
        "producer p1".to_string(),
        "# a comment".to_string(),
        "send p1 --topic orders --valeu x".to_string(),
    ];
    let error = export_python(0, &lines).unwrap_err();
    assert_eq!(error.line, 3);
    assert!(error.to_string().starts_with("line 3, column "), "{error}");
    assert!(error.to_string().contains("--valeu"), "{error}");
    assert_eq!(export_shell(&lines).unwrap_err().line, 3);
    assert!(parse_lines(&["\"unterminated".to_string()]).is_err());
}

// ---- nasty strings --------------------------------------------------------------------------

const NASTY: &[&str] = &[
    "",
    " ",
    "plain",
    "it's",
    "say \"hi\"",
    "back\\slash",
    "trailing\\",
    "\\\"",
    "two\nlines",
    "cr\rlf\r\n",
    "tab\there",
    "$HOME and ${PATH} and $(rm -rf /) and `date`",
    "!bang !! history",
    "; echo pwned #",
    "'''\"\"\"",
    "{a,b} *.rs ~root",
    "nul\0byte",
    "bell\u{7}del\u{7f}",
    "été 🚂 日本",
    "line\u{2028}separator\u{2029}para\u{85}nel",
    "bidi \u{202e}evil\u{202c} zero\u{200b}width \u{feff}bom",
    "\\u000a java escape \\u0022",
    "%s %d %n",
    "--flag",
    "-1",
    "=",
    "key=value",
];

/// A session using `text` as a key, value, header, group id and client id.
fn nasty_session(texts: &[&str]) -> Vec<String> {
    let mut lines = vec![
        "kafka-topics --create --topic orders.v2_eu-1 --partitions 2".to_string(),
        "producer p1".to_string(),
    ];
    for (i, text) in texts.iter().enumerate() {
        let q = script::quote(text);
        lines.push(format!(
            "send p1 --topic orders.v2_eu-1 --key {q} --value {q} --header {}",
            script::quote(&format!("h{i}={text}"))
        ));
        lines.push(format!(
            "kafka-console-producer --topic orders.v2_eu-1 --key {q} --value {q}"
        ));
        // Group ids and client ids must not be blank: these lines only where they parse.
        for line in [
            format!("consumer c{i} group.id={q} client.id={q}"),
            format!("subscribe c{i} orders.v2_eu-1"),
            format!("kafka-consumer-groups --describe --group {q}"),
            format!("describe group {q}"),
            format!("describe {q}"),
            format!("kafka-console-consumer --topic orders.v2_eu-1 --group {q} --from-beginning"),
        ] {
            if matches!(parse_line(&line), Ok(Some(_))) {
                lines.push(line);
            }
        }
    }
    lines.push("flush p1".to_string());
    lines
}

#[test]
fn nasty_strings_make_valid_python_and_bash() {
    let lines = nasty_session(NASTY);
    let commands = parse_lines(&lines).unwrap();
    assert_python_compiles("nasty-snippets", &snippets_as_python(&commands));
    assert_bash_parses("nasty-cli", &cli_lines(&commands));
    assert_python_compiles("nasty-program", &export_python(0, &lines).unwrap());
    assert_bash_parses("nasty-shell", &export_shell(&lines).unwrap());
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Python reads each literal back as the same text (or bytes).
fn python_round_trip(texts: &[String]) -> String {
    let mut out = String::from("import sys\n");
    for text in texts {
        out.push_str(&format!(
            "assert {} == bytes.fromhex(\"{}\").decode(), {}\n",
            quote::py_str(text),
            hex(text),
            quote::py_str(text)
        ));
        out.push_str(&format!(
            "assert {} == bytes.fromhex(\"{}\")\n",
            quote::py_bytes(text),
            hex(text)
        ));
        out.push_str(&format!("# {}\n", quote::comment_text(text, false)));
    }
    out.push_str("sys.exit(0)\n");
    out
}

/// The shell reads each word back as the same bytes (texts without NUL: an argument cannot
/// hold one).
fn bash_round_trip(texts: &[String]) -> String {
    let mut out = String::from("set -euo pipefail\ncheck() { [[ \"$(printf '%s' \"$1\" | od -An -tx1 | tr -d ' \\n')\" == \"$2\" ]] || { echo \"mismatch: $2\"; exit 1; }; }\n");
    for text in texts.iter().filter(|t| !t.contains('\0')) {
        // $(...) drops trailing newlines: compare with a marker after the text.
        let marked = format!("{text}.");
        out.push_str(&format!(
            "check {} {}\n",
            quote::sh_word(&marked),
            hex(&marked)
        ));
        out.push_str(&format!("# {}\n", quote::comment_text(text, false)));
    }
    out
}

#[test]
fn quoted_literals_read_back_as_the_same_text() {
    let texts: Vec<String> = NASTY.iter().map(|s| s.to_string()).collect();
    assert_python_runs("round-trip", &python_round_trip(&texts));
    assert_bash_runs("round-trip", &bash_round_trip(&texts));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Arbitrary keys, values and group ids (eight per case, in one file per language) make
    /// code that python3 and bash accept, and literals that read back as the same text.
    #[test]
    fn arbitrary_strings_make_valid_code(texts in proptest::collection::vec(any::<String>(), 8)) {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let lines = nasty_session(&refs);
        let commands = parse_lines(&lines).unwrap();
        let mut python = snippets_as_python(&commands);
        python.push_str(&python_round_trip(&texts));
        python.push('\n');
        python.push_str(&export_python(0, &lines).unwrap().replace("#!/usr/bin/env python3\n", ""));
        assert_python_runs_or_compiles(&python);
        let mut shell = bash_round_trip(&texts);
        shell.push_str(&cli_lines(&commands).replace("set -euo pipefail\n", ""));
        assert_bash_parses("arbitrary", &shell);
        assert_bash_runs("arbitrary-round-trip", &bash_round_trip(&texts));
        assert_bash_parses("arbitrary-export", &export_shell(&lines).unwrap());
    }
}

/// The round trip runs (and exits before the exported program, which needs a cluster); the
/// rest compiles.
fn assert_python_runs_or_compiles(code: &str) {
    assert_python_compiles("arbitrary", code);
    let round_trip_end = code.find("sys.exit(0)\n").map_or(code.len(), |i| i + 12);
    let snippets_end = code.find("import sys\n").unwrap_or(0);
    assert_python_runs("arbitrary-round-trip", &code[snippets_end..round_trip_end]);
}
