//! Every class of mistake: the exact message a learner sees, with line and column.
//!
//! Where a Kafka tool or the Java client has its own text for the mistake, the case pins it
//! (the source class is named next to the case).

use script::{parse_line, parse_script, ErrorKind, ParseError, Span};

fn error(line: &str) -> ParseError {
    match parse_line(line) {
        Err(error) => error,
        Ok(command) => panic!("{line:?} parsed as {command:?}"),
    }
}

/// (input, the full message shown)
const CASES: &[(&str, &str)] = &[
    // lexing
    ("send p1 --topic t --value \"open", "line 1, column 27: unterminated string: expected a closing \" before the end of the line"),
    ("send p1 --topic t --value 'open", "line 1, column 27: unterminated string: expected a closing ' before the end of the line"),
    ("send p1 --topic t --value \"a\\qb\"", "line 1, column 29: unknown escape '\\q' in a string; use \\\\, \\\", \\', \\n, \\t, \\r or \\u{hex}"),
    ("poll c1 \\", "line 1, column 9: the line ends with '\\' (continue on the next line) but no line follows"),
    // unknown command, with suggestions
    ("pol c1", "line 1, column 1: unknown command 'pol'; did you mean 'poll'?"),
    ("commitsync c1", "line 1, column 1: unknown command 'commitsync'; did you mean 'commitSync'?"),
    ("kafka-topic --list", "line 1, column 1: unknown command 'kafka-topic'; did you mean 'kafka-topics'?"),
    ("c1.poll()", "line 1, column 1: unknown command 'c1.poll()'; did you mean 'poll c1'?"),
    ("consumer.commitSync()", "line 1, column 1: unknown command 'consumer.commitSync()'; did you mean 'commitSync consumer'?"),
    ("poll(c1)", "line 1, column 1: unknown command 'poll(c1)'; did you mean 'poll c1'?"),
    ("c1.seekToEnd", "line 1, column 1: unknown command 'c1.seekToEnd'; did you mean 'seekToEnd c1'?"),
    ("frobnicate", "line 1, column 1: unknown command 'frobnicate'"),
    // unknown flag, with suggestions
    ("kafka-topics --create --topic orders --partitons 3", "line 1, column 38: unknown flag '--partitons' for kafka-topics; did you mean '--partitions'?"),
    ("kafka-consumer-groups --describe --gruop g1", "line 1, column 34: unknown flag '--gruop' for kafka-consumer-groups; did you mean '--group'?"),
    ("send p1 --topci orders --value v", "line 1, column 9: unknown flag '--topci' for send; did you mean '--topic'?"),
    ("kafka-topics -list", "line 1, column 14: unknown flag '-list' for kafka-topics; did you mean '--list'?"),
    // played clients (simulator verbs)
    ("run c1 --commit sometimes", "line 1, column 17: unknown commit policy 'sometimes': use auto, sync-per-batch, sync-per-record, before-processing, async-per-batch or external-store"),
    ("run p1 --topic orders", "line 1, column 1: Missing required argument \"[rate]\""),
    ("run p1 --topic orders --rate 0", "line 1, column 30: --rate (records per second) must be at least 1, found 0"),
    ("run c1 --process-ms 5 --keys 2", "line 1, column 23: Option \"[process-ms]\" can't be used with option \"[keys]\""),
    ("stop", "line 1, column 1: stop needs CLIENT: stop CLIENT"),
    // flag values
    ("kafka-topics --create --topic", "line 1, column 23: flag '--topic' needs a value: expected a topic name"),
    ("kafka-topics --create --topic --partitions 3", "line 1, column 23: flag '--topic' needs a value: expected a topic name"),
    ("kafka-topics --list=yes", "line 1, column 14: flag '--list' takes no value"),
    ("kafka-topics --create --topic a --topic b", "line 1, column 33: flag '--topic' is given more than once"),
    // kafka-topics, TopicCommand.TopicCommandOptions texts
    ("kafka-topics --topic orders", "line 1, column 1: Command must include exactly one action: --list, --describe, --create, --alter or --delete"),
    ("kafka-topics --create --delete --topic orders", "line 1, column 23: Command must include exactly one action: --list, --describe, --create, --alter or --delete"),
    ("kafka-topics --describe --if-exists", "line 1, column 25: --topic or --topic-id is required to describe a topic"),
    ("kafka-topics --create --partitions 3", "line 1, column 1: Missing required argument \"[topic]\""),
    ("kafka-topics --alter --topic orders", "line 1, column 1: Missing required argument \"[partitions]\""),
    ("kafka-topics --list --partitions 3", "line 1, column 21: Option \"[partitions]\" can't be used with option \"[list]\""),
    ("kafka-topics --describe --replication-factor 3", "line 1, column 25: Option \"[replication-factor]\" can't be used with option \"[describe]\""),
    ("kafka-topics --delete --topic t --config retention.ms=1", "line 1, column 33: Option \"[config]\" can't be used with option \"[delete]\""),
    ("kafka-topics --create --topic orders --partitions 0", "line 1, column 51: the number of partitions must be at least 1, found 0"),
    ("kafka-topics --create --topic orders --partitions -1", "line 1, column 51: the number of partitions must be at least 1, found '-1'"),
    ("kafka-topics --create --topic orders --partitions three", "line 1, column 51: expected the number of partitions, found 'three'"),
    ("kafka-topics --create --topic \"or ders\"", "line 1, column 31: Topic name \"or ders\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"),
    ("kafka-topics --create --topic t --config retention.msx=1", "line 1, column 42: Unknown topic config name: retention.msx; did you mean 'retention.ms'?"),
    ("kafka-topics --create --topic t --config cleanup.policy=shred", "line 1, column 42: Invalid value shred for configuration cleanup.policy: String must be one of: delete, compact"),
    ("kafka-topics --create --topic t --config retention.ms", "line 1, column 42: unexpected 'retention.ms': expected a topic config as key=value, e.g. retention.ms=60000"),
    ("kafka-topics orders --list", "line 1, column 14: unexpected 'orders': Kafka's tools take only --flags here, e.g. --topic orders"),
    // kafka-consumer-groups, ConsumerGroupCommandOptions texts
    ("kafka-consumer-groups --group g1", "line 1, column 1: Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets"),
    ("kafka-consumer-groups --describe", "line 1, column 23: Option [describe] takes one of these options: [all-groups], [group]"),
    ("kafka-consumer-groups --describe --group g --members --state", "line 1, column 54: Option [describe] takes at most one of these options: [members], [offsets], [state]"),
    ("kafka-consumer-groups --describe --group g --state stable", "line 1, column 52: Option [describe] does not take a value for [state]"),
    ("kafka-consumer-groups --list --members", "line 1, column 30: Option(s) [members] are unavailable given other options on the command line"),
    ("kafka-consumer-groups --delete --group g --topic t", "line 1, column 42: The consumer does not support topic-specific offset deletion from a consumer group."),
    ("kafka-consumer-groups --delete-offsets --group g", "line 1, column 23: Option [delete-offsets] takes the following options: [group], [topic]"),
    ("kafka-consumer-groups --reset-offsets --group g --all-topics --to-earliest --dry-run --execute", "line 1, column 86: Option [reset-offsets] only accepts one of [execute] and [dry-run]"),
    ("kafka-consumer-groups --reset-offsets --all-topics --to-earliest", "line 1, column 23: Option [reset-offsets] takes one of these options: [all-groups], [group]"),
    ("kafka-consumer-groups --reset-offsets --group g --all-topics --to-offset 3 --shift-by 1", "line 1, column 76: Option \"[to-offset]\" can't be used with option \"[shift-by]\""),
    ("kafka-consumer-groups --reset-offsets --group g --all-topics", "line 1, column 23: Option '[reset-offsets]' requires one of the following scenarios: [[to-datetime], [by-duration], [to-earliest], [to-latest], [shift-by], [to-current], [to-offset]]"),
    ("kafka-consumer-groups --reset-offsets --group g --to-earliest", "line 1, column 23: One of the reset scopes should be defined: --all-topics, --topic."),
    ("kafka-consumer-groups --list --group g", "line 1, column 30: Option \"[group]\" can't be used with option \"[list]\""),
    ("kafka-consumer-groups --describe --group g --topic t", "line 1, column 44: Option \"[topic]\" can't be used with option \"[describe]\""),
    ("kafka-consumer-groups --describe --group g --to-earliest", "line 1, column 44: Option [to-earliest] can only be used with [reset-offsets]"),
    ("kafka-consumer-groups --list --state stabel", "line 1, column 38: unknown group state 'stabel': expected PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling; did you mean 'Stable'?"),
    ("kafka-consumer-groups --reset-offsets --group g --all-topics --to-datetime 2024-05-01", "line 1, column 76: invalid datetime '2024-05-01': Error parsing timestamp. It does not contain a 'T' according to ISO8601 format"),
    ("kafka-consumer-groups --reset-offsets --group g --all-topics --by-duration 15m", "line 1, column 76: invalid duration '15m': expected the ISO-8601 form 'PnDTnHnMnS', e.g. PT15M or P1DT12H"),
    ("kafka-consumer-groups --reset-offsets --group g --all-topics --to-offset x", "line 1, column 74: expected an offset, found 'x'"),
    // kafka-configs (ConfigCommandOptions texts), kafka-leader-election
    ("kafka-configs --entity-type topics --entity-name t", "line 1, column 1: Command must include exactly one action: --describe, --alter"),
    ("kafka-configs --alter --entity-type topics --entity-name t", "line 1, column 15: At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter"),
    ("kafka-configs --alter --entity-type topics --add-config retention.ms=1", "line 1, column 15: an entity name must be specified with --alter of topics"),
    ("kafka-configs --describe", "line 1, column 1: At least one entity type must be specified"),
    ("kafka-configs --describe --entity-type tpoics", "line 1, column 40: Invalid entity type tpoics, the entity type must be one of topics, clients, users, brokers, broker-loggers, ips, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument"),
    ("kafka-configs --describe --entity-type brokers", "line 1, column 40: the simulator has configs for topics only, not for brokers"),
    ("kafka-configs --alter --topic t --entity-type topics --add-config a=1", "line 1, column 23: --entity-{type,name,default} should not be used in conjunction with specific entity flags"),
    ("kafka-configs --alter --topic t --add-config retention.ms=soon", "line 1, column 46: Invalid value soon for configuration retention.ms: Not a number of type LONG"),
    ("kafka-configs --alter --topic t --delete-config retention.msec", "line 1, column 49: Unknown topic config name: retention.msec; did you mean 'retention.ms'?"),
    ("kafka-configs --describe --topic t --add-config a=1", "line 1, column 36: Option \"[describe]\" can't be used with option \"[add-config]\""),
    ("kafka-leader-election --all-topic-partitions", "line 1, column 1: Missing required argument \"[election-type]\""),
    ("kafka-leader-election --election-type prefered --all-topic-partitions", "line 1, column 39: unknown election type 'prefered': expected preferred or unclean; did you mean 'preferred'?"),
    ("kafka-leader-election --election-type preferred", "line 1, column 1: One and only one of the following options is required: --all-topic-partitions, --topic"),
    ("kafka-leader-election --election-type preferred --topic t", "line 1, column 1: Missing required argument \"[partition]\""),
    ("send p1 --topic t --value v --header novalue", "line 1, column 38: unexpected 'novalue': a header is written key=value, e.g. --header trace-id=42"),
    // kafka-get-offsets
    ("kafka-get-offsets --topic t --time soon", "line 1, column 36: unknown --time 'soon': expected earliest (-2), latest (-1), max-timestamp (-3) or a timestamp in ms"),
    ("kafka-get-offsets --topic t --time eraliest", "line 1, column 36: unknown --time 'eraliest': expected earliest (-2), latest (-1), max-timestamp (-3) or a timestamp in ms; did you mean 'earliest'?"),
    ("kafka-get-offsets --topic t --partitions 0,x", "line 1, column 42: invalid partition '0,x': expected a partition number after ':', found 'x' (e.g. orders:0)"),
    // console tools, ConsoleConsumerOptions texts
    ("kafka-console-producer --topic t", "line 1, column 1: kafka-console-producer needs at least one --value (each is one line of input, one record)"),
    ("kafka-console-consumer --group g", "line 1, column 1: Missing required argument \"[topic]\""),
    ("kafka-console-consumer --topic t --partition 0 --offset 3 --from-beginning", "line 1, column 48: Options from-beginning and offset cannot be specified together."),
    ("kafka-console-consumer --topic t --offset 3", "line 1, column 34: The partition is required when offset is specified."),
    ("kafka-console-consumer --topic t --group g --partition 0", "line 1, column 44: Options group and partition cannot be specified together."),
    ("kafka-console-consumer --topic t --partition 0 --offset soon", "line 1, column 57: The provided offset value 'soon' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long."),
    ("kafka-console-consumer --topic t --group a --consumer-property group.id=b", "line 1, column 34: The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'"),
    ("kafka-console-consumer --topic t --from-beginning --consumer-property auto.offset.reset=latest", "line 1, column 34: Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option"),
    // client creation and configs
    ("consumer", "line 1, column 1: consumer needs a NAME: consumer NAME [config=value]…"),
    ("consumer c1 enable.auto.comit=false", "line 1, column 13: unknown consumer config 'enable.auto.comit'; did you mean 'enable.auto.commit'?"),
    ("consumer c1 max.poll.records=0", "line 1, column 13: Invalid value 0 for configuration max.poll.records: Value must be at least 1"),
    ("consumer c1 enable.auto.commit=maybe", "line 1, column 13: Invalid value maybe for configuration enable.auto.commit: Expected value to be either true or false"),
    ("consumer c1 auto.offset.reset=beginning", "line 1, column 13: Invalid value beginning for configuration auto.offset.reset: String must be one of: earliest, latest, none"),
    ("producer p1 acks=2", "line 1, column 13: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"),
    ("consumer c1 --enable-auto-commit false", "line 1, column 13: unexpected '--enable-auto-commit': write it as enable.auto.commit=VALUE"),
    ("consumer c1 --group g1", "line 1, column 13: unexpected '--group': consumer configs are written key=value with Kafka's names, e.g. enable.auto.commit=false"),
    ("consumer c1 group.id=a group.id=b", "line 1, column 24: unexpected 'group.id=b': config 'group.id' is set twice"),
    ("consumer -c1", "line 1, column 1: consumer needs a NAME: consumer NAME [config=value]…"),
    ("producer \"p 1\"", "line 1, column 10: invalid name 'p 1': a client name is letters, digits, '.', '_' and '-', starting with a letter or digit (at most 64)"),
    // client verbs
    ("send p1 --value v", "line 1, column 1: Missing required argument \"[topic]\""),
    ("send p1 --topic t", "line 1, column 1: send needs --value V (or --null-value for a tombstone): send PRODUCER --topic T [--key K] --value V"),
    ("send p1 --topic t --value v --null-value", "line 1, column 29: Option \"[null-value]\" can't be used with option \"[value]\""),
    ("send --topic t --value v", "line 1, column 1: send needs PRODUCER: send PRODUCER --topic T [--partition P] [--key K] (--value V | --null-value) [--timestamp MS] [--header K=V]…"),
    ("send p1 --topic t --value v --partition -1", "line 1, column 41: invalid partition '-1': partition '-1' is negative; partitions are numbered from 0"),
    ("seek c1 orders:0 -5", "line 1, column 18: seek offset must not be a negative number"),
    ("seek c1 orders 5", "line 1, column 9: invalid partition 'orders': expected topic:partition, e.g. orders:0"),
    ("seek c1 orders:0", "line 1, column 1: seek needs OFFSET: seek CONSUMER TOPIC:P OFFSET"),
    ("seek c1 orders:0 5 6", "line 1, column 20: unexpected '6': seek takes no more arguments: seek CONSUMER TOPIC:P OFFSET"),
    ("commitSync c1 --offsets orders:0=-1", "line 1, column 25: Invalid negative offset"),
    ("commitSync c1 --offsets orders:0", "line 1, column 25: invalid partition 'orders:0': expected topic:partition=offset, e.g. orders:0=42"),
    ("process c1 --count 0", "line 1, column 20: --count must be at least 1, found 0"),
    ("process c1 --count -2", "line 1, column 20: --count must be at least 1, found '-2'"),
    ("pause c1", "line 1, column 1: pause needs partitions, e.g. orders:0,1: pause CONSUMER TOPIC[:P,…]…"),
    ("subscribe c1", "line 1, column 1: subscribe needs at least one topic: subscribe CONSUMER TOPIC[,TOPIC…]…"),
    ("poll", "line 1, column 1: poll needs CONSUMER: poll CONSUMER"),
    ("poll c1 c2", "line 1, column 9: unexpected 'c2': poll takes no more arguments: poll CONSUMER"),
    // simulator verbs
    ("advance 5", "line 1, column 9: invalid duration '5': '5' has no unit: write 5ms, 5s, 5m, 5h or 5d"),
    ("advance 5y", "line 1, column 9: invalid duration '5y': unknown unit 'y': use ms, s, m, h or d"),
    ("advance -5s", "line 1, column 9: invalid duration '-5s': time only moves forward; give a positive duration like 5s"),
    ("kill-broker -1", "line 1, column 13: a broker id must be at least 0, found '-1'"),
    ("kill-broker one", "line 1, column 13: expected a broker id, found 'one'"),
    ("seed -1", "line 1, column 6: a seed is a whole number from 0 up"),
    ("describe", "line 1, column 1: describe what? expected topic, partition, group, consumer, producer, broker, database, cluster or offsets, e.g. describe topic orders"),
    ("describe topik orders", "line 1, column 10: unknown describe target 'topik': expected topic, partition, group, consumer, producer, broker, database, cluster or offsets; did you mean 'topic'?"),
    ("describe topic", "line 1, column 1: describe topic needs a name: describe topic NAME"),
    ("state --jsn", "line 1, column 7: unknown flag '--jsn' for state; did you mean '--json'?"),
    ("help polll", "line 1, column 6: unknown command 'polll'; did you mean 'poll'?"),
    // the simulator's databases
    ("database", "line 1, column 1: database needs a database name: database NAME"),
    ("database a/b", "line 1, column 10: invalid name 'a/b': '/' can't be in a database name: use letters, digits, '.', '_' or '-'"),
    ("database a b", "line 1, column 12: unexpected 'b': database takes no more arguments: database NAME"),
    ("describe database", "line 1, column 1: describe database needs a name: describe database NAME"),
    ("run c1 --commit external", "line 1, column 17: unknown commit policy 'external': use auto, sync-per-batch, sync-per-record, before-processing, async-per-batch or external-store"),
    ("consumer c1 offset.store=", "line 1, column 13: Invalid value  for configuration offset.store: a database name can't be empty"),
    ("consumer c1 offset.stor=db", "line 1, column 13: unknown consumer config 'offset.stor'; did you mean 'offset.store'?"),
    // one command per line
    ("poll c1\npoll c2", "line 2, column 1: unexpected 'poll': one command per line: this is a second command"),
];

#[test]
fn every_mistake_gives_its_message_at_its_place() {
    let mismatches: Vec<String> = CASES
        .iter()
        .filter_map(|(input, expected)| {
            let shown = error(input).to_string();
            (shown != *expected)
                .then(|| format!("{input:?}\n   shown: {shown}\nexpected: {expected}"))
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_error_span_points_inside_the_input() {
    for (input, _) in CASES {
        let error = error(input);
        let line = input
            .lines()
            .nth(error.span.line - 1)
            .expect("line inside input");
        let chars = line.chars().count();
        assert!(error.span.len >= 1, "{input:?}");
        assert!(error.span.column >= 1, "{input:?}");
        assert!(
            error.span.column + error.span.len - 1 <= chars,
            "{input:?}: {:?} beyond {chars} characters",
            error.span
        );
    }
}

#[test]
fn an_error_in_a_file_names_its_line() {
    let script = "kafka-topics --create --topic orders --partitions 3\n\
                  # now the consumer\n\
                  consumer c1 group.id=g1\n\
                  seek c1 orders:0 -1\n\
                  poll c1\n";
    let error = parse_script(script).unwrap_err();
    assert_eq!(error.span, Span::new(4, 18, 2));
    assert_eq!(
        error.to_string(),
        "line 4, column 18: seek offset must not be a negative number"
    );
}

#[test]
fn the_error_kind_can_be_matched_without_reading_the_text() {
    assert!(matches!(
        error("kafka-topics --create --topic orders --partitons 3").kind,
        ErrorKind::UnknownFlag { ref flag, ref suggestion, .. }
            if flag == "--partitons" && suggestion.as_deref() == Some("--partitions")
    ));
    assert!(matches!(
        error("seek c1 orders:0 -1").kind,
        ErrorKind::NegativeNumber { .. }
    ));
    assert!(matches!(
        error("advance 5").kind,
        ErrorKind::InvalidDuration { .. }
    ));
    assert!(matches!(
        error("kafka-topics --list --partitions 3").kind,
        ErrorKind::Usage { .. }
    ));
}

#[test]
fn errors_serialise_to_json_for_the_headless_api() {
    let error = error("pol c1");
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json["span"]["line"], 1);
    assert_eq!(json["kind"]["error"], "unknown_command");
    assert_eq!(json["kind"]["suggestion"], "poll");
}

#[test]
fn the_cases_cover_every_error_class() {
    let covered: std::collections::BTreeSet<String> = CASES
        .iter()
        .map(|(input, _)| {
            let json = serde_json::to_value(error(input)).unwrap();
            json["kind"]["error"].as_str().unwrap().to_string()
        })
        .collect();
    for class in [
        "unterminated_string",
        "invalid_escape",
        "dangling_continuation",
        "unknown_command",
        "unknown_flag",
        "unknown_keyword",
        "missing_flag_value",
        "unexpected_flag_value",
        "duplicate_flag",
        "missing_argument",
        "unexpected_argument",
        "usage",
        "invalid_number",
        "negative_number",
        "number_out_of_range",
        "invalid_duration",
        "invalid_datetime",
        "invalid_topic_name",
        "invalid_topic_partition",
        "invalid_name",
        "unknown_config",
        "invalid_config_value",
    ] {
        assert!(covered.contains(class), "no case for {class}");
    }
}
