//! The console box's helpers, pure and natively tested: Tab completion (command words from the
//! `help` catalogue, the flags and placeholders of each command's usage, and the names in the
//! world) and Up/Down history.
//!
//! Completion reads the catalogue (`script::help::COMMANDS`) rather than a list of its own, so a
//! command added to the language completes without touching this file: a usage such as
//! `seek CONSUMER TOPIC:P OFFSET` says that the first word after `seek` is a consumer and the
//! second a topic. A few flags that a usage line leaves out (`…`) are listed here, and a test
//! checks that the parser accepts every flag this module offers.

use script::help::{CommandInfo, COMMANDS};
use sim::catalog::{self, ConfigScope, ConfigType};

/// The names in the world that a command may refer to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    pub topics: Vec<String>,
    pub consumers: Vec<String>,
    pub producers: Vec<String>,
    pub groups: Vec<String>,
    pub brokers: Vec<String>,
}

impl Names {
    /// The names of `world` (internal topics included: `__consumer_offsets` can be read).
    pub fn of(world: &sim::World) -> Names {
        Names {
            topics: world.topics().map(|t| t.name().to_string()).collect(),
            consumers: world.consumer_names().map(str::to_string).collect(),
            producers: world.producer_names().map(str::to_string).collect(),
            groups: world.groups().map(|g| g.group_id().to_string()).collect(),
            brokers: world.brokers().map(|b| b.id.0.to_string()).collect(),
        }
    }
}

/// What Tab did.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    /// The input after completing (unchanged when nothing could be added).
    pub line: String,
    /// The choices, when more than one fits (shown under the box).
    pub candidates: Vec<String>,
}

/// Flags that the usage lines in the catalogue leave out, with whether each takes a value.
const EXTRA_FLAGS: &[(&str, &[(&str, bool)])] = &[
    (
        "kafka-topics",
        &[
            ("--if-exists", false),
            ("--if-not-exists", false),
            ("--exclude-internal", false),
            ("--under-replicated-partitions", false),
            ("--under-min-isr-partitions", false),
            ("--at-min-isr-partitions", false),
            ("--unavailable-partitions", false),
        ],
    ),
    (
        "kafka-consumer-groups",
        &[
            ("--topic", true),
            ("--all-topics", false),
            ("--members", false),
            ("--offsets", false),
            ("--state", false),
            ("--verbose", false),
            ("--dry-run", false),
            ("--execute", false),
            ("--to-earliest", false),
            ("--to-latest", false),
            ("--to-current", false),
            ("--to-offset", true),
            ("--shift-by", true),
            ("--to-datetime", true),
            ("--by-duration", true),
        ],
    ),
];

/// The kinds of word a place in a command takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Command,
    Consumer,
    Producer,
    Client,
    Topic,
    /// `TOPIC:P`: a topic, then a colon.
    TopicPartition,
    Group,
    Broker,
    Config,
    /// `describe`'s first word: a kind or any name.
    DescribeTarget,
    /// A word from a fixed list (`--time earliest|latest|…`).
    Keywords(&'static str),
    Nothing,
}

/// The words of a usage line after the command name, brackets and parentheses kept.
fn usage_words(info: &CommandInfo) -> impl Iterator<Item = &'static str> {
    info.usage.split_whitespace().skip(1)
}

fn strip_open(word: &str) -> &str {
    word.trim_start_matches(['[', '('])
}

/// The flags of a command's usage line: (flag, takes a value, the value's placeholder).
fn usage_flags(info: &CommandInfo) -> Vec<(String, bool, &'static str)> {
    let words: Vec<&'static str> = usage_words(info).collect();
    let mut flags = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let bare = strip_open(word);
        if !bare.starts_with("--") {
            continue;
        }
        let name: String = bare
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let closed = bare.len() > name.len();
        let value = if closed {
            None
        } else {
            words
                .get(i + 1)
                .filter(|next| !strip_open(next).starts_with("--") && !next.starts_with('|'))
                .copied()
        };
        flags.push((name, value.is_some(), value.unwrap_or("")));
    }
    flags
}

/// Every flag of a command (usage flags, the extras, `--help`), sorted, no repeats.
pub fn flags_of(command: &str) -> Vec<(String, bool)> {
    let mut flags: Vec<(String, bool)> = Vec::new();
    if let Some(info) = script::help::command_info(command) {
        flags.extend(usage_flags(info).into_iter().map(|(f, v, _)| (f, v)));
    }
    for (name, extra) in EXTRA_FLAGS {
        if *name == command {
            flags.extend(extra.iter().map(|(f, v)| (f.to_string(), *v)));
        }
    }
    if command.starts_with("kafka-") {
        flags.push(("--bootstrap-server".into(), true));
    }
    flags.push(("--help".into(), false));
    flags.sort();
    flags.dedup_by(|a, b| a.0 == b.0);
    flags
}

/// The positional placeholders of a usage line (`CONSUMER`, `TOPIC:P`, `[config=value]…`),
/// up to its first alternative (`|`).
fn positionals(usage: &'static str) -> Vec<&'static str> {
    let words: Vec<&'static str> = usage.split_whitespace().skip(1).collect();
    let mut out = Vec::new();
    let mut skip_value = false;
    for word in words {
        if word.starts_with('|') {
            break;
        }
        let bare = strip_open(word);
        if bare.starts_with("--") {
            let name_len = bare
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .count();
            skip_value = bare.len() == name_len;
            continue;
        }
        if skip_value {
            skip_value = false;
            continue;
        }
        out.push(word);
    }
    out
}

fn slot_of_placeholder(placeholder: &str) -> Slot {
    let bare = strip_open(placeholder);
    let upper = |p: &str| bare.starts_with(p);
    if upper("CONSUMER") {
        Slot::Consumer
    } else if upper("PRODUCER") {
        Slot::Producer
    } else if upper("CLIENT") {
        Slot::Client
    } else if upper("TOPIC:P") {
        Slot::TopicPartition
    } else if upper("TOPIC") {
        Slot::Topic
    } else if upper("GROUP") {
        Slot::Group
    } else if upper("ID") {
        Slot::Broker
    } else if upper("COMMAND") {
        Slot::Command
    } else if upper("config=") {
        Slot::Config
    } else {
        Slot::Nothing
    }
}

/// What the `index`-th positional word of `command` is.
fn positional_slot(command: &str, index: usize) -> Slot {
    if command == "describe" {
        return if index == 0 {
            Slot::DescribeTarget
        } else {
            Slot::Nothing
        };
    }
    let Some(info) = script::help::command_info(command) else {
        return Slot::Nothing;
    };
    // A usage may have alternatives (`run CONSUMER … | run PRODUCER …`): a place that is a
    // consumer in one and a producer in the other takes any client.
    let mut slots = info
        .usage
        .split(" | ")
        .filter(|alternative| alternative.split_whitespace().next() == Some(command))
        .map(|alternative| {
            let places = positionals(alternative);
            let place = match places.get(index) {
                Some(p) => Some(*p),
                // A last placeholder that repeats (`TOPIC[,TOPIC…]…`, `[config=value]…`).
                None => places.last().copied().filter(|p| p.ends_with('…')),
            };
            place.map_or(Slot::Nothing, slot_of_placeholder)
        });
    let first = slots.next().unwrap_or(Slot::Nothing);
    slots.fold(first, |a, b| match (a, b) {
        (Slot::Consumer, Slot::Producer) | (Slot::Producer, Slot::Consumer) => Slot::Client,
        (Slot::Nothing, other) => other,
        (same, _) => same,
    })
}

/// What `describe KIND` takes next.
fn describe_slot(kind: &str) -> Slot {
    match kind {
        "topic" => Slot::Topic,
        "partition" => Slot::TopicPartition,
        "group" => Slot::Group,
        "consumer" => Slot::Consumer,
        "producer" => Slot::Producer,
        "broker" => Slot::Broker,
        _ => Slot::Nothing,
    }
}

/// What the value of `flag` is.
fn flag_slot(command: &str, flag: &str) -> Slot {
    match flag {
        "--topic" | "--entity-name" => Slot::Topic,
        "--group" => Slot::Group,
        "--entity-type" => Slot::Keywords("topics"),
        _ => {
            let placeholder = script::help::command_info(command).and_then(|info| {
                usage_flags(info)
                    .into_iter()
                    .find(|(f, _, _)| f == flag)
                    .map(|(_, _, p)| p)
            });
            match placeholder {
                Some(p) if p.contains('|') => Slot::Keywords(p),
                _ => Slot::Nothing,
            }
        }
    }
}

/// The config names a client takes, as Kafka spells them: `sim`'s config catalogue, the one
/// list the parser, `help` and the core also read.
pub fn client_configs(producer: bool) -> Vec<&'static str> {
    let scope = if producer {
        ConfigScope::Producer
    } else {
        ConfigScope::Consumer
    };
    let mut names: Vec<&'static str> = catalog::specs(scope).map(|s| s.name).collect();
    names.sort_unstable();
    names
}

/// The values worth offering for a config (`auto.offset.reset=` → earliest, latest, none).
fn config_values(key: &str, names: &Names) -> Vec<String> {
    if key == "group.id" {
        return names.groups.iter().map(|g| script::quote(g)).collect();
    }
    let spec = catalog::spec(ConfigScope::Consumer, key)
        .or_else(|| catalog::spec(ConfigScope::Producer, key));
    match spec.map(|s| s.kind) {
        Some(ConfigType::Bool) => vec!["false".into(), "true".into()],
        Some(ConfigType::OneOf(choices) | ConfigType::ListOf(choices)) => {
            choices.iter().map(|(name, _)| name.to_string()).collect()
        }
        _ => Vec::new(),
    }
}

/// The command a line's first word names: `bin/kafka-topics.sh` is `kafka-topics`.
fn command_name(word: &str) -> &str {
    let word = word.rsplit('/').next().unwrap_or(word);
    word.strip_suffix(".sh").unwrap_or(word)
}

/// Completes the last word of `line` (the caret is at its end). `None`: nothing fits.
pub fn complete(line: &str, names: &Names) -> Option<Completion> {
    // Inside an open quote there is nothing to complete.
    if line.matches('"').count() % 2 == 1 || line.matches('\'').count() % 2 == 1 {
        return None;
    }
    let start = line.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    let (before, word) = line.split_at(start);
    let words: Vec<&str> = before.split_whitespace().collect();

    // What the word may be, and the part of it being completed (after `=` or the last `,`).
    let (keep, fragment, candidates, after): (&str, &str, Vec<String>, Ending) = match words.first()
    {
        None => (
            "",
            word,
            COMMANDS.iter().map(|c| c.name.to_string()).collect(),
            Ending::Space,
        ),
        Some(first) => {
            let command = command_name(first);
            let previous = words.last().copied().unwrap_or("");
            let flags = flags_of(command);
            let previous_takes_value = words.len() > 1
                && flags
                    .iter()
                    .any(|(f, valued)| *valued && f.as_str() == previous);
            if word.starts_with('-') {
                (
                    "",
                    word,
                    flags.into_iter().map(|(f, _)| f).collect(),
                    Ending::Space,
                )
            } else if previous_takes_value {
                slot_candidates(flag_slot(command, previous), word, names, command)
            } else {
                let index = positional_index(&words[1..], &flags);
                let slot = match (command, index, words.get(1).copied()) {
                    // `describe KIND NAME`: the name of that kind.
                    ("describe", 1, Some(kind)) => describe_slot(kind),
                    _ => positional_slot(command, index),
                };
                slot_candidates(slot, word, names, command)
            }
        }
    };
    finish(before, keep, fragment, candidates, after)
}

/// How many positional words `words` (after the command) hold: flags and their values aside.
fn positional_index(words: &[&str], flags: &[(String, bool)]) -> usize {
    let mut count = 0;
    let mut skip = false;
    for word in words {
        if skip {
            skip = false;
            continue;
        }
        if word.starts_with("--") {
            skip = !word.contains('=') && flags.iter().any(|(f, v)| *v && f == word);
            continue;
        }
        count += 1;
    }
    count
}

/// What follows a completed word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    Space,
    Colon,
    Nothing,
}

fn slot_candidates<'w>(
    slot: Slot,
    word: &'w str,
    names: &Names,
    command: &str,
) -> (&'w str, &'w str, Vec<String>, Ending) {
    let quoted = |list: &[String]| list.iter().map(|n| script::quote(n)).collect::<Vec<_>>();
    let in_list = |word: &'w str| match word.rfind(',') {
        Some(i) => word.split_at(i + 1),
        None => ("", word),
    };
    match slot {
        Slot::Command => ("", word, command_names(), Ending::Space),
        Slot::Consumer => ("", word, quoted(&names.consumers), Ending::Space),
        Slot::Producer => ("", word, quoted(&names.producers), Ending::Space),
        Slot::Client => {
            let mut all = quoted(&names.consumers);
            all.extend(quoted(&names.producers));
            ("", word, all, Ending::Space)
        }
        Slot::Topic => {
            let (keep, fragment) = in_list(word);
            (keep, fragment, quoted(&names.topics), Ending::Space)
        }
        Slot::TopicPartition => {
            if word.contains(':') {
                return ("", word, Vec::new(), Ending::Space);
            }
            ("", word, quoted(&names.topics), Ending::Colon)
        }
        Slot::Group => ("", word, quoted(&names.groups), Ending::Space),
        Slot::Broker => ("", word, names.brokers.clone(), Ending::Space),
        Slot::Keywords(list) => (
            "",
            word,
            list.split('|')
                .filter(|k| !k.starts_with('<') && !k.is_empty())
                .map(|k| k.trim_end_matches([']', ')']).to_string())
                .collect(),
            Ending::Space,
        ),
        Slot::Config => match word.split_once('=') {
            Some((key, value)) => (
                &word[..key.len() + 1],
                value,
                config_values(key, names),
                Ending::Space,
            ),
            None => {
                let keys = client_configs(command == "producer");
                (
                    "",
                    word,
                    keys.iter().map(|k| format!("{k}=")).collect(),
                    Ending::Nothing,
                )
            }
        },
        Slot::DescribeTarget => {
            let mut all: Vec<String> = [
                "topic",
                "partition",
                "group",
                "consumer",
                "producer",
                "broker",
                "cluster",
                "offsets",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            all.extend(quoted(&names.topics));
            all.extend(quoted(&names.groups));
            all.extend(quoted(&names.consumers));
            all.extend(quoted(&names.producers));
            ("", word, all, Ending::Space)
        }
        Slot::Nothing => ("", word, Vec::new(), Ending::Space),
    }
}

fn command_names() -> Vec<String> {
    COMMANDS.iter().map(|c| c.name.to_string()).collect()
}

/// The completion of `fragment` among `candidates`: the one that fits, or the longest part
/// that every fitting candidate shares.
fn finish(
    before: &str,
    keep: &str,
    fragment: &str,
    mut candidates: Vec<String>,
    ending: Ending,
) -> Option<Completion> {
    let lower = fragment.to_lowercase();
    // A quoted name (`"team a"`) fits what is typed without its quote.
    candidates.retain(|c| c.trim_start_matches('"').to_lowercase().starts_with(&lower));
    candidates.sort();
    candidates.dedup();
    match candidates.len() {
        0 => None,
        1 => {
            let only = &candidates[0];
            let end = match ending {
                Ending::Colon => ":",
                Ending::Space => " ",
                Ending::Nothing => "",
            };
            Some(Completion {
                line: format!("{before}{keep}{only}{end}"),
                candidates: Vec::new(),
            })
        }
        _ => {
            let shared = common_prefix(&candidates);
            let grown =
                if shared.chars().count() >= fragment.chars().count() && !shared.starts_with('"') {
                    shared
                } else {
                    fragment.to_string()
                };
            Some(Completion {
                line: format!("{before}{keep}{grown}"),
                candidates,
            })
        }
    }
}

/// The longest start every candidate shares (letter case as in the first; compared ignoring
/// case, so `commit` grows to `commit` for `commitSync` and `commitAsync`).
fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut shared: Vec<char> = first.chars().collect();
    for other in &candidates[1..] {
        let n = shared
            .iter()
            .zip(other.chars())
            .take_while(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
            .count();
        shared.truncate(n);
    }
    shared.into_iter().collect()
}

/// For a line that does not parse because of a misspelt word, the parser's suggestion and the
/// line with the word corrected: `kafka-topics --partitons 3` → (`--partitions`,
/// `kafka-topics --partitions 3`).
pub fn suggested_fix(line: &str) -> Option<(String, String)> {
    let error = script::parse_line(line).err()?;
    let suggestion = error.suggestion()?.to_string();
    let found = match &error.kind {
        script::ErrorKind::UnknownCommand { found, .. }
        | script::ErrorKind::UnknownKeyword { found, .. } => found,
        script::ErrorKind::UnknownFlag { flag, .. } => flag,
        script::ErrorKind::UnknownConfig { key, .. } => key,
        _ => return None,
    };
    // The span's columns count characters, from 1, on the line's first (only) line.
    if error.span.line != 1 {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let start = error.span.column.checked_sub(1)?;
    let end = start.checked_add(error.span.len)?.min(chars.len());
    let spanned: String = chars.get(start..end)?.iter().collect();
    let fixed_word = spanned.replacen(found.as_str(), &suggestion, 1);
    if fixed_word == spanned {
        return None;
    }
    let before: String = chars[..start].iter().collect();
    let after: String = chars[end..].iter().collect();
    Some((suggestion, format!("{before}{fixed_word}{after}")))
}

/// Up/Down through the lines run before, as in a shell: Up from a half-typed line keeps it
/// as a draft that Down at the newest end gives back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// How far back the learner is (1: the newest line); `None`: editing the draft.
    back: Option<usize>,
    draft: String,
}

/// The history entries of a transcript: its lines, oldest first, without repeats in a row.
pub fn entries<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        if !line.is_empty() && out.last().map(String::as_str) != Some(line) {
            out.push(line.to_string());
        }
    }
    out
}

impl History {
    /// Up: the line before the one shown. `None`: nothing older.
    pub fn older(&mut self, entries: &[String], current: &str) -> Option<String> {
        let next = self.back.map_or(1, |b| b + 1);
        if next > entries.len() {
            return None;
        }
        if self.back.is_none() {
            self.draft = current.to_string();
        }
        self.back = Some(next);
        entries.get(entries.len() - next).cloned()
    }

    /// Down: the line after the one shown, then the draft. `None`: already at the draft.
    pub fn newer(&mut self, entries: &[String]) -> Option<String> {
        let back = self.back?;
        if back <= 1 || back > entries.len() {
            self.back = None;
            return Some(std::mem::take(&mut self.draft));
        }
        self.back = Some(back - 1);
        entries.get(entries.len() - (back - 1)).cloned()
    }

    /// After a line is run (or the learner edits): back to a fresh draft.
    pub fn reset(&mut self) {
        self.back = None;
        self.draft.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use script::ErrorKind;

    fn names() -> Names {
        Names {
            topics: vec![
                "orders".into(),
                "ledger".into(),
                "__consumer_offsets".into(),
            ],
            consumers: vec!["c1".into(), "c2".into()],
            producers: vec!["p1".into()],
            groups: vec!["billing".into(), "team a".into()],
            brokers: vec!["1".into(), "2".into(), "3".into()],
        }
    }

    fn tab(line: &str) -> Option<Completion> {
        complete(line, &names())
    }

    fn line(input: &str) -> String {
        tab(input).map(|c| c.line).unwrap_or_default()
    }

    #[test]
    fn the_first_word_completes_to_a_command_of_the_catalogue() {
        assert_eq!(line("pol"), "poll ");
        assert_eq!(line("kafka-top"), "kafka-topics ");
        assert_eq!(line("commitsy"), "commitSync ");
        let c = tab("commit").unwrap();
        assert_eq!(c.line, "commit");
        assert_eq!(
            c.candidates,
            [
                "commitAsync",
                "commitSync",
                "commitTransaction",
                "committed"
            ]
        );
        let c = tab("seek").unwrap();
        assert_eq!(c.line, "seek");
        assert_eq!(c.candidates.len(), 3);
        assert!(tab("zzz").is_none());
    }

    #[test]
    fn client_verbs_complete_the_names_their_usage_asks_for() {
        assert_eq!(line("poll c"), "poll c");
        assert_eq!(tab("poll ").unwrap().candidates, ["c1", "c2"]);
        assert_eq!(line("send p"), "send p1 ");
        assert_eq!(tab("close ").unwrap().candidates, ["c1", "c2", "p1"]);
        assert_eq!(line("kill-broker 2"), "kill-broker 2 ");
        assert_eq!(line("subscribe c1 ord"), "subscribe c1 orders ");
        assert_eq!(
            line("subscribe c1 orders,led"),
            "subscribe c1 orders,ledger "
        );
        assert_eq!(line("seek c1 or"), "seek c1 orders:");
        assert_eq!(line("help commitA"), "help commitAsync ");
        assert!(tab("seed 4").is_none());
    }

    #[test]
    fn flags_come_from_the_usage_and_values_from_the_world() {
        assert_eq!(line("kafka-topics --cr"), "kafka-topics --create ");
        assert_eq!(
            line("kafka-topics --create --topic orders --part"),
            "kafka-topics --create --topic orders --partitions "
        );
        assert_eq!(
            line("kafka-topics --describe --topic le"),
            "kafka-topics --describe --topic ledger "
        );
        assert_eq!(
            line("kafka-consumer-groups --describe --group bi"),
            "kafka-consumer-groups --describe --group billing "
        );
        assert_eq!(
            line("kafka-consumer-groups --describe --group t"),
            "kafka-consumer-groups --describe --group \"team a\" "
        );
        assert_eq!(
            line("kafka-consumer-groups --reset-offsets --to-ea"),
            "kafka-consumer-groups --reset-offsets --to-earliest "
        );
        assert_eq!(line("send p1 --topic o"), "send p1 --topic orders ");
        assert_eq!(
            line("send p1 --topic orders --k"),
            "send p1 --topic orders --key "
        );
        assert_eq!(
            line("kafka-get-offsets --time ea"),
            "kafka-get-offsets --time earliest "
        );
        assert_eq!(line("commitSync c1 --off"), "commitSync c1 --offsets ");
    }

    #[test]
    fn run_takes_any_client_and_its_commit_policies() {
        assert_eq!(tab("run ").unwrap().candidates, ["c1", "c2", "p1"]);
        assert_eq!(
            line("run c1 --commit sync-per-b"),
            "run c1 --commit sync-per-batch "
        );
        assert_eq!(line("stop p"), "stop p1 ");
    }

    #[test]
    fn positional_words_after_flags_keep_their_place() {
        // `--topic orders` is a flag and its value: the next word is not a positional.
        assert_eq!(line("send --topic orders p"), "send --topic orders p1 ");
    }

    #[test]
    fn client_configs_and_their_values_complete() {
        assert_eq!(line("consumer c3 group.i"), "consumer c3 group.i");
        assert_eq!(
            tab("consumer c3 group.i").unwrap().candidates,
            ["group.id=", "group.instance.id="]
        );
        assert_eq!(
            line("consumer c3 enable.a"),
            "consumer c3 enable.auto.commit="
        );
        assert_eq!(
            line("consumer c3 auto.offset.reset=ea"),
            "consumer c3 auto.offset.reset=earliest "
        );
        assert_eq!(
            line("consumer c3 group.id=bi"),
            "consumer c3 group.id=billing "
        );
        assert_eq!(line("producer p2 ac"), "producer p2 acks=");
    }

    #[test]
    fn describe_offers_kinds_and_names() {
        assert_eq!(line("describe gr"), "describe group ");
        assert_eq!(line("describe ord"), "describe orders ");
        assert_eq!(line("describe partition le"), "describe partition ledger:");
        assert_eq!(line("describe group b"), "describe group billing ");
        assert_eq!(line("describe broker 3"), "describe broker 3 ");
        assert!(tab("describe cluster x").is_none());
    }

    #[test]
    fn nothing_completes_inside_a_quote() {
        assert!(tab("send p1 --value \"or").is_none());
    }

    #[test]
    fn every_flag_offered_is_one_the_parser_knows() {
        for info in COMMANDS {
            for (flag, _) in flags_of(info.name) {
                let err = script::parse_line(&format!("{} {flag}", info.name));
                if let Err(e) = err {
                    assert!(
                        !matches!(e.kind, ErrorKind::UnknownFlag { .. }),
                        "{} {flag}: {e}",
                        info.name
                    );
                }
            }
        }
    }

    #[test]
    fn every_config_offered_is_one_the_parser_knows() {
        for (kind, list) in [
            ("consumer", client_configs(false)),
            ("producer", client_configs(true)),
        ] {
            for key in list {
                let err = script::parse_line(&format!("{kind} x {key}=1"));
                if let Err(e) = err {
                    assert!(
                        !matches!(e.kind, ErrorKind::UnknownConfig { .. }),
                        "{kind} {key}: {e}"
                    );
                }
            }
        }
    }

    #[test]
    fn misspelt_words_come_with_the_corrected_line() {
        assert_eq!(
            suggested_fix("kafka-topics --create --topic orders --partitons 3"),
            Some((
                "--partitions".to_string(),
                "kafka-topics --create --topic orders --partitions 3".to_string()
            ))
        );
        assert_eq!(
            suggested_fix("commitsync c1").map(|f| f.1).as_deref(),
            Some("commitSync c1")
        );
        assert_eq!(
            suggested_fix("consumer c1 enable.auto.comit=false")
                .map(|f| f.1)
                .as_deref(),
            Some("consumer c1 enable.auto.commit=false")
        );
        assert_eq!(
            suggested_fix("c1.poll()").map(|f| f.1).as_deref(),
            Some("poll c1")
        );
        assert_eq!(suggested_fix("poll c1"), None);
        assert_eq!(suggested_fix("seek c1 orders:0 -1"), None);
        assert_eq!(suggested_fix("é --partitons"), None);
    }

    #[test]
    fn history_walks_back_and_gives_the_draft_back() {
        let lines = entries(["poll c1", "poll c1", "commitSync c1", ""]);
        assert_eq!(lines, ["poll c1", "commitSync c1"]);
        let mut h = History::default();
        assert_eq!(h.newer(&lines), None);
        assert_eq!(h.older(&lines, "adv").as_deref(), Some("commitSync c1"));
        assert_eq!(h.older(&lines, "x").as_deref(), Some("poll c1"));
        assert_eq!(h.older(&lines, "x"), None);
        assert_eq!(h.newer(&lines).as_deref(), Some("commitSync c1"));
        assert_eq!(h.newer(&lines).as_deref(), Some("adv"));
        assert_eq!(h.newer(&lines), None);
        h.older(&lines, "");
        h.reset();
        assert_eq!(h.older(&lines, "").as_deref(), Some("commitSync c1"));
    }

    #[test]
    fn completion_never_panics_on_odd_input() {
        for input in [
            "",
            " ",
            "  --",
            "é",
            "poll é",
            "kafka-topics --topic ",
            "x=",
            "describe ",
            "\t",
        ] {
            let _ = tab(input);
        }
    }
}
