//! The catalogue of commands: name, usage, one-line summary, what real Kafka API or tool it
//! mirrors, and an example. `help` prints it, unknown commands are matched against it, and the
//! tests check that every example parses and that the reference page covers every command.

use sim::catalog::{self, ConfigScope, Effect};

/// One command of the console language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    pub name: &'static str,
    pub usage: &'static str,
    pub summary: &'static str,
    /// The real Kafka tool or Java API it mirrors.
    pub mirrors: &'static str,
    pub example: &'static str,
}

const fn info(
    name: &'static str,
    usage: &'static str,
    summary: &'static str,
    mirrors: &'static str,
    example: &'static str,
) -> CommandInfo {
    CommandInfo {
        name,
        usage,
        summary,
        mirrors,
        example,
    }
}

/// Every command, admin tools first, then clients, then the simulator.
pub const COMMANDS: &[CommandInfo] = &[
    info(
        "kafka-topics",
        "kafka-topics (--create | --list | --describe | --alter | --delete) [--topic T] [--partitions N] [--replication-factor N] [--config K=V]…",
        "create, list, describe, grow or delete topics",
        "bin/kafka-topics.sh (TopicCommand)",
        "kafka-topics --create --topic orders --partitions 3 --replication-factor 3",
    ),
    info(
        "kafka-consumer-groups",
        "kafka-consumer-groups (--list | --describe | --reset-offsets | --delete-offsets | --delete) [--group G | --all-groups] …",
        "list and describe groups (CURRENT-OFFSET, LOG-END-OFFSET, LAG), reset or delete their committed offsets",
        "bin/kafka-consumer-groups.sh (ConsumerGroupCommand)",
        "kafka-consumer-groups --describe --group billing",
    ),
    info(
        "kafka-get-offsets",
        "kafka-get-offsets [--topic T] [--partitions 0,1] [--time earliest|latest|max-timestamp|<ms>]",
        "print the earliest, latest or by-time offset of partitions",
        "bin/kafka-get-offsets.sh (GetOffsetShell)",
        "kafka-get-offsets --topic orders --time earliest",
    ),
    info(
        "kafka-console-producer",
        "kafka-console-producer --topic T [--key K] --value V [--value V2 …] [--producer-property K=V]…",
        "append records to a topic in one shot",
        "bin/kafka-console-producer.sh (ConsoleProducer)",
        "kafka-console-producer --topic orders --key alice --value \"2 tickets\"",
    ),
    info(
        "kafka-console-consumer",
        "kafka-console-consumer --topic T [--group G] [--from-beginning] [--max-messages N] [--partition P [--offset earliest|latest|N]] [--consumer-property K=V]… [--property print.key=true]…",
        "read what is readable now from a topic and print it",
        "bin/kafka-console-consumer.sh (ConsoleConsumer)",
        "kafka-console-consumer --topic orders --group audit --from-beginning --max-messages 10",
    ),
    info(
        "kafka-configs",
        "kafka-configs (--describe | --alter) --entity-type topics [--entity-name T] [--add-config K=V,…] [--delete-config K,…] [--all]",
        "show or change a topic's configs (retention, cleanup policy, min.insync.replicas …)",
        "bin/kafka-configs.sh (ConfigCommand)",
        "kafka-configs --alter --entity-type topics --entity-name orders --add-config retention.ms=60000",
    ),
    info(
        "kafka-leader-election",
        "kafka-leader-election --election-type preferred|unclean (--all-topic-partitions | --topic T --partition P)",
        "elect partition leaders: back to the preferred replica, or unclean from outside the ISR",
        "bin/kafka-leader-election.sh (LeaderElectionCommand)",
        "kafka-leader-election --election-type preferred --all-topic-partitions",
    ),
    info(
        "kafka-transactions",
        "kafka-transactions (list | describe --transactional-id ID | describe-producers --topic T --partition P)",
        "what the transaction coordinator knows (each transactional.id, its producer id, epoch, state and partitions) and which producers' transactions a partition holds",
        "bin/kafka-transactions.sh (TransactionsCommand)",
        "kafka-transactions list",
    ),
    info(
        "producer",
        "producer NAME [config=value]…",
        "create a producer with Kafka producer configs",
        "new KafkaProducer<>(props)",
        "producer p1 acks=all linger.ms=5",
    ),
    info(
        "consumer",
        "consumer NAME [config=value]…",
        "create a consumer with Kafka consumer configs",
        "new KafkaConsumer<>(props)",
        "consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest",
    ),
    info(
        "send",
        "send PRODUCER --topic T [--partition P] [--key K] (--value V | --null-value) [--timestamp MS] [--header K=V]…",
        "send one record",
        "producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value))",
        "send p1 --topic orders --key alice --value \"2 tickets\"",
    ),
    info(
        "flush",
        "flush PRODUCER",
        "send every record still waiting in a batch",
        "producer.flush()",
        "flush p1",
    ),
    info(
        "initTransactions",
        "initTransactions PRODUCER",
        "a transactional producer (transactional.id) gets its producer id and epoch; an older instance with the same id is fenced",
        "producer.initTransactions()",
        "initTransactions tp",
    ),
    info(
        "beginTransaction",
        "beginTransaction PRODUCER",
        "start a transaction: the records sent until its end commit or abort together",
        "producer.beginTransaction()",
        "beginTransaction tp",
    ),
    info(
        "sendOffsetsToTransaction",
        "sendOffsetsToTransaction PRODUCER --offsets TOPIC:P=OFFSET,… (--consumer CONSUMER | --group GROUP)",
        "commit a consumer group's offsets as part of the transaction (exactly-once read-process-write)",
        "producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata())",
        "sendOffsetsToTransaction tp --offsets orders:0=42 --consumer c1",
    ),
    info(
        "commitTransaction",
        "commitTransaction PRODUCER",
        "flush, then write a COMMIT marker (it takes an offset) to every partition of the transaction",
        "producer.commitTransaction()",
        "commitTransaction tp",
    ),
    info(
        "abortTransaction",
        "abortTransaction PRODUCER",
        "drop what is unsent and write ABORT markers: read_committed consumers skip the transaction",
        "producer.abortTransaction()",
        "abortTransaction tp",
    ),
    info(
        "subscribe",
        "subscribe CONSUMER TOPIC[,TOPIC…]…",
        "join the consumer's group for these topics",
        "consumer.subscribe(List.of(topics))",
        "subscribe c1 orders",
    ),
    info(
        "assign",
        "assign CONSUMER TOPIC:P[,P…]…",
        "take partitions by hand, outside any group rebalance",
        "consumer.assign(partitions)",
        "assign c1 orders:0,1",
    ),
    info(
        "unsubscribe",
        "unsubscribe CONSUMER",
        "leave the subscription (and the group)",
        "consumer.unsubscribe()",
        "unsubscribe c1",
    ),
    info(
        "poll",
        "poll CONSUMER",
        "fetch the next records from the consumer's position",
        "consumer.poll(Duration)",
        "poll c1",
    ),
    info(
        "process",
        "process CONSUMER [--count N]",
        "the application handles records the last polls returned",
        "the body of the poll loop: for (ConsumerRecord r : records) { … }",
        "process c1 --count 2",
    ),
    info(
        "commitSync",
        "commitSync CONSUMER [--offsets T:P=OFFSET,…]",
        "commit positions (or the given offsets) and wait for the answer",
        "consumer.commitSync() / commitSync(Map<TopicPartition, OffsetAndMetadata>)",
        "commitSync c1 --offsets orders:0=42",
    ),
    info(
        "commitAsync",
        "commitAsync CONSUMER [--offsets T:P=OFFSET,…]",
        "commit positions without waiting (no retry)",
        "consumer.commitAsync()",
        "commitAsync c1",
    ),
    info(
        "seek",
        "seek CONSUMER TOPIC:P OFFSET",
        "move the position of one partition (takes effect at the next poll)",
        "consumer.seek(TopicPartition, long)",
        "seek c1 orders:0 42",
    ),
    info(
        "seekToBeginning",
        "seekToBeginning CONSUMER [TOPIC[:P,…]…]",
        "move positions to the log start offset (all assigned partitions if none given)",
        "consumer.seekToBeginning(partitions)",
        "seekToBeginning c1 orders:0",
    ),
    info(
        "seekToEnd",
        "seekToEnd CONSUMER [TOPIC[:P,…]…]",
        "move positions to the end of the log (all assigned partitions if none given)",
        "consumer.seekToEnd(partitions)",
        "seekToEnd c1",
    ),
    info(
        "pause",
        "pause CONSUMER TOPIC[:P,…]…",
        "stop fetching from partitions without leaving the group",
        "consumer.pause(partitions)",
        "pause c1 orders:1",
    ),
    info(
        "resume",
        "resume CONSUMER TOPIC[:P,…]…",
        "fetch again from paused partitions",
        "consumer.resume(partitions)",
        "resume c1 orders:1",
    ),
    info(
        "position",
        "position CONSUMER TOPIC:P",
        "show the offset the next poll will return for a partition",
        "consumer.position(TopicPartition)",
        "position c1 orders:0",
    ),
    info(
        "committed",
        "committed CONSUMER [TOPIC[:P,…]…]",
        "show the committed offsets (all assigned partitions if none given)",
        "consumer.committed(Set<TopicPartition>)",
        "committed c1 orders:0,1",
    ),
    info(
        "close",
        "close CLIENT",
        "close a producer or consumer (a consumer commits if auto-commit is on, then leaves its group)",
        "producer.close() / consumer.close()",
        "close c1",
    ),
    info(
        "crash",
        "crash CLIENT",
        "kill a client process: no commit, no leave; a consumer's position, a producer's unsent batches are lost",
        "kill -9 of the application (no Kafka API)",
        "crash c1",
    ),
    info(
        "restart",
        "restart CLIENT",
        "start a crashed or closed client again with the same configs (a producer gets a new producer id)",
        "starting the application again",
        "restart c1",
    ),
    info(
        "run",
        "run CONSUMER [--commit auto|sync-per-batch|sync-per-record|before-processing|async-per-batch|external-store] [--process-ms N] [--poll-timeout-ms N] | run PRODUCER --topic T --rate N [--keys K]",
        "simulator: the client runs as an application on its own while the clock advances (a consumer's poll-process-commit loop; a producer sending N records/s)",
        "the application's own loop: while (true) { poll; process; commit } / send at a rate",
        "run c1 --commit sync-per-batch --process-ms 50",
    ),
    info(
        "stop",
        "stop CLIENT",
        "simulator: stop a client's application; the client is under manual control again",
        "stopping the application's loop (the client stays open)",
        "stop c1",
    ),
    info(
        "database",
        "database NAME",
        "simulator: an application's own database outside Kafka (tables results and offsets), for consumers created with offset.store=NAME (results and offsets in one transaction per record, seek to the stored offsets on assignment) or results.store=NAME (results only)",
        "the application's own database (no Kafka API): storing offsets outside Kafka, as the KafkaConsumer documentation describes",
        "database results",
    ),
    info(
        "advance",
        "advance DURATION",
        "move the virtual clock (units ms, s, m, h, d; e.g. 1m30s)",
        "time passing: heartbeats, session timeouts, auto-commit, retention",
        "advance 5s",
    ),
    info(
        "kill-broker",
        "kill-broker ID",
        "stop a broker; partitions it leads elect a new leader from the ISR",
        "stopping a broker process",
        "kill-broker 1",
    ),
    info(
        "restart-broker",
        "restart-broker ID",
        "start a stopped broker; its replicas catch up and rejoin the ISR",
        "starting a broker process",
        "restart-broker 1",
    ),
    info(
        "pause-replication",
        "pause-replication ID",
        "a broker keeps leading but its follower replicas stop fetching; they drop out of the ISR",
        "a slow or cut-off broker (network partition, full disk)",
        "pause-replication 2",
    ),
    info(
        "resume-replication",
        "resume-replication ID",
        "the broker's followers fetch again, catch up and rejoin the ISR",
        "the broker recovering",
        "resume-replication 2",
    ),
    info(
        "seed",
        "seed NUMBER",
        "set the seed of the simulation's random source",
        "(simulator only)",
        "seed 42",
    ),
    info(
        "cluster",
        "cluster auto.create.topics.enable=true|false num.partitions=N default.replication.factor=N",
        "broker settings (server.properties), before any command that changes the world",
        "(simulator only: broker configs)",
        "cluster auto.create.topics.enable=false",
    ),
    info(
        "describe",
        "describe [topic|partition|group|consumer|producer|broker|database] NAME | describe cluster | describe offsets",
        "show one thing: a topic, a partition, a group, a client, a broker, a database, the cluster or __consumer_offsets",
        "kafka-topics --describe, kafka-consumer-groups --describe, and the train view",
        "describe partition orders:0",
    ),
    info(
        "state",
        "state [--json]",
        "show the whole world, as text or as versioned JSON",
        "(simulator only)",
        "state --json",
    ),
    info(
        "help",
        "help [COMMAND]",
        "list the commands, or show one command's usage",
        "--help of the Kafka tools",
        "help seek",
    ),
];

/// The catalogue entry for a command name (exact spelling).
pub fn command_info(name: &str) -> Option<&'static CommandInfo> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The text `help` prints: every command with its summary, or one command in full.
pub fn help_text(topic: Option<&str>) -> String {
    match topic.and_then(command_info) {
        Some(c) => {
            let mut out = format!(
                "{}\n  {}\n  mirrors: {}\n  example: {}\n",
                c.usage, c.summary, c.mirrors, c.example
            );
            let scope = match c.name {
                "consumer" => Some(ConfigScope::Consumer),
                "producer" => Some(ConfigScope::Producer),
                "kafka-configs" | "kafka-topics" => Some(ConfigScope::Topic),
                _ => None,
            };
            if let Some(scope) = scope {
                out.push_str(&config_help(scope));
            }
            if c.name == "consumer" {
                out.push_str("  simulator properties (not Kafka configs):\n");
                for (name, doc) in sim::clients::SIMULATOR_CONSUMER_PROPERTIES {
                    out.push_str(&format!(
                        "    {name}  a database name, none by default: {doc}\n"
                    ));
                }
            }
            out
        }
        None => {
            let width = COMMANDS.iter().map(|c| c.name.len()).max().unwrap_or(0);
            let mut out = String::from("Commands (help COMMAND for details):\n");
            for c in COMMANDS {
                out.push_str(&format!("  {:width$}  {}\n", c.name, c.summary));
            }
            out
        }
    }
}

/// The configs of a family as `help` lists them, from the core's catalogue: name, type,
/// default, and what it does.
pub fn config_help(scope: ConfigScope) -> String {
    let specs: Vec<_> = catalog::specs(scope).collect();
    let width = specs.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut out = format!("  {} configs:\n", scope.name());
    for s in specs {
        let default = s
            .default
            .map_or("none".to_string(), |d| format!("default {d}"));
        let effect = match s.effect {
            Effect::Modelled => "",
            Effect::Stored => " [stored only]",
            Effect::None => " [no effect]",
        };
        out.push_str(&format!(
            "    {:width$}  {}, {default}{effect}: {}\n",
            s.name,
            s.type_text().replace('`', ""),
            s.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overview_lists_every_command_with_its_summary() {
        let text = help_text(None);
        for c in COMMANDS {
            assert!(
                text.contains(c.name) && text.contains(c.summary),
                "{}",
                c.name
            );
        }
    }

    #[test]
    fn one_command_shows_usage_what_it_mirrors_and_an_example() {
        let text = help_text(Some("seek"));
        assert!(text.starts_with("seek CONSUMER TOPIC:P OFFSET\n"));
        assert!(text.contains("mirrors: consumer.seek(TopicPartition, long)"));
        assert!(text.contains("example: seek c1 orders:0 42"));
    }

    #[test]
    fn command_names_are_unique() {
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(
                COMMANDS[i + 1..].iter().all(|d| d.name != c.name),
                "{}",
                c.name
            );
        }
    }
}
