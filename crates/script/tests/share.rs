//! Share links: real sessions survive the round trip and rebuild the same world, every kind of
//! bad link gives its message, and no input (arbitrary, mutated or hostile) makes `decode`
//! panic or allocate beyond its limit. `PROPTEST_CASES` raises the number of cases.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;

use proptest::prelude::*;
use script::exec::Console;
use script::share::{self, decode, encode, rebuild, ShareError, Shared};
use sim::WorldConfig;

// ---- an allocator that counts the bytes each thread holds, and its peak ----

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grew(bytes: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrank(bytes: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(bytes)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrank(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Count the moment both blocks may exist.
        grew(new_size);
        shrank(layout.size());
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes this thread held at once while `f` ran, above what it held before.
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let value = f();
    (value, PEAK.with(Cell::get) - base)
}

// ---- helpers ----

/// A format-1 payload of `bytes` as they are (already deflated, or not).
fn link_of(bytes: &[u8]) -> String {
    format!("1.{}", script::base64url::encode(bytes))
}

/// A payload holding `text` as it is, for links that `encode` would never write.
fn pack(text: &[u8]) -> String {
    link_of(&miniz_oxide::deflate::compress_to_vec(text, 9))
}

/// The JSON inside a payload.
fn unpack(payload: &str) -> String {
    let bytes = script::base64url::decode(payload.strip_prefix("1.").unwrap()).unwrap();
    String::from_utf8(miniz_oxide::inflate::decompress_to_vec(&bytes).unwrap()).unwrap()
}

fn scenario_files() -> Vec<(String, String)> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        here.join("../../tests/scenarios"),
        here.join("tests/scenarios"),
    ] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "oe") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                files.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "scenario files are missing");
    files
}

/// The lines a page session would hold after typing `source` line by line: the canonical text
/// of each command that ran (a line that fails is not kept), and the console they built.
fn session(seed: u64, config: WorldConfig, source: &str) -> (Vec<String>, Console) {
    let mut console = Console::with_config(seed, config);
    let mut lines = Vec::new();
    for item in script::script_commands(source) {
        let Ok((span, command)) = item else { break };
        if console.execute(span, &command).is_ok() {
            lines.push(command.to_string());
        }
    }
    (lines, console)
}

fn shared(lines: &[&str]) -> Shared {
    Shared {
        seed: 1,
        config: WorldConfig::default(),
        name: None,
        lines: lines.iter().map(|l| l.to_string()).collect(),
    }
}

fn error_of(payload: &str) -> String {
    decode(payload).unwrap_err().to_string()
}

/// A link of every scenario file, for the mutation tests.
fn scenario_links() -> Vec<String> {
    scenario_files()
        .iter()
        .map(|(name, source)| {
            let (lines, _) = session(3, WorldConfig::default(), source);
            encode(&Shared {
                seed: 3,
                config: WorldConfig::default(),
                name: Some(name.clone()),
                lines,
            })
        })
        .collect()
}

// ---- round trips ----

#[test]
fn every_scenario_survives_the_round_trip_and_rebuilds_the_same_world() {
    for (name, source) in scenario_files() {
        let (lines, console) = session(42, WorldConfig::default(), &source);
        assert!(lines.len() > 3, "{name}: too few lines ran");
        let original = Shared {
            seed: 42,
            config: WorldConfig::default(),
            name: Some(name.clone()),
            lines,
        };
        let link = encode(&original);
        let decoded = decode(&link).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded, original, "{name}");
        let rebuilt = rebuild(&decoded).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(rebuilt.state_hash(), console.state_hash(), "{name}");
        assert!(
            rebuilt.events().is_empty(),
            "{name}: replayed events are pending"
        );
    }
}

#[test]
fn a_non_default_config_survives_and_only_its_changes_are_written() {
    let mut config = WorldConfig {
        brokers: 5,
        ..WorldConfig::default()
    };
    config.topic_defaults.segment_bytes = 1024;
    config.producer.acks = sim::Acks::Leader;
    let source = "kafka-topics --create --topic t --partitions 4 --replication-factor 5\n\
                  producer p\nsend p --topic t --key k --value v\nadvance 1s\n";
    let (lines, console) = session(9, config.clone(), source);
    assert_eq!(lines.len(), 4);
    let original = Shared {
        seed: 9,
        config,
        name: None,
        lines,
    };
    let link = encode(&original);
    let json = unpack(&link);
    assert!(
        json.contains(
            r#""config":{"brokers":5,"producer":{"acks":"1"},"topic_defaults":{"segment_bytes":1024}}"#
        ),
        "{json}"
    );
    let decoded = decode(&link).unwrap();
    assert_eq!(decoded, original);
    assert_eq!(
        rebuild(&decoded).unwrap().state_hash(),
        console.state_hash()
    );
}

#[test]
fn the_default_config_and_no_name_cost_nothing() {
    let link = encode(&shared(&["advance 1s"]));
    assert_eq!(unpack(&link), r#"{"seed":1,"lines":["advance 1s"]}"#);
    assert!(link.len() < 60, "{link}");
}

#[test]
fn raw_lines_with_continuations_comments_and_quotes_survive() {
    let lines = [
        "kafka-topics --create --topic \"orders\" --partitions 2 \\\n    --replication-factor 1",
        "",
        "# a comment line",
        "producer p1 linger.ms=0   # trailing comment",
        "send p1 --topic orders --key \"ünï\\\"code\" --value '{\"a\": 1}'",
    ];
    let original = Shared {
        name: Some("tabs\tand \"quotes\" ✓".into()),
        ..shared(&lines)
    };
    let decoded = decode(&encode(&original)).unwrap();
    assert_eq!(decoded, original);
    rebuild(&decoded).unwrap();
}

#[test]
fn a_typical_fifty_line_session_gives_a_short_link() {
    let source = script::exec::golden::benchmark_scenario(50);
    let (lines, console) = session(1, WorldConfig::default(), &source);
    assert_eq!(lines.len(), 50);
    let original = Shared {
        seed: 1,
        config: WorldConfig::default(),
        name: Some("orders and ledger".into()),
        lines,
    };
    let link = encode(&original);
    let text: usize = original.lines.iter().map(|l| l.len() + 1).sum();
    println!(
        "a 50-line session ({text} bytes of lines) gives a link of {} characters",
        link.len()
    );
    assert!(link.len() < 1200, "{} characters: {link}", link.len());
    let rebuilt = rebuild(&decode(&link).unwrap()).unwrap();
    assert_eq!(rebuilt.state_hash(), console.state_hash());
}

#[test]
fn a_whole_url_or_hash_is_accepted() {
    let original = shared(&["advance 1s"]);
    let link = encode(&original);
    assert_eq!(decode(&format!("#share={link}")).unwrap(), original);
    assert_eq!(
        decode(&format!("  https://example.org/app/#share={link}\n")).unwrap(),
        original
    );
}

// ---- every error, with its message ----

#[test]
fn empty_links_are_refused() {
    assert_eq!(decode(""), Err(ShareError::Empty));
    assert_eq!(decode("  #share= "), Err(ShareError::Empty));
    assert_eq!(error_of(""), "the share link is empty");
}

#[test]
fn links_without_a_format_are_refused() {
    let message = "this is not an Offset Express share link: it should start with a format \
                   number and a dot, like `1.`";
    for payload in ["hello", ".abc", "x.abc", "0.abc", "+1.abc", "1a.abc"] {
        assert_eq!(decode(payload), Err(ShareError::NotShareLink), "{payload}");
        assert_eq!(error_of(payload), message);
    }
}

#[test]
fn newer_formats_are_named() {
    assert_eq!(
        error_of("3.abc"),
        "this link was made by a newer Offset Express (format 3); this page reads format 1"
    );
    assert!(matches!(
        decode("123456789012345678901234567890.x"),
        Err(ShareError::NewerFormat { .. })
    ));
}

#[test]
fn too_long_links_are_refused_before_decoding() {
    let payload = format!("1.{}", "A".repeat(share::MAX_PAYLOAD_BYTES));
    assert_eq!(
        decode(&payload),
        Err(ShareError::TooLong {
            bytes: share::MAX_PAYLOAD_BYTES + 2
        })
    );
    assert_eq!(
        error_of(&payload),
        "the share link is too long (65538 bytes; a link may have at most 65536)"
    );
}

#[test]
fn a_character_outside_base64url_is_named_with_its_position() {
    assert_eq!(
        decode("1.ab*c"),
        Err(ShareError::NotBase64 {
            position: 5,
            found: '*'
        })
    );
    assert_eq!(
        error_of("1.ab*c"),
        "the share link is damaged: character 5 ('*') is not a letter, a digit, '-' or '_'"
    );
    assert_eq!(
        error_of("1.abc=="),
        "the share link is damaged: character 6 ('=') is not a letter, a digit, '-' or '_'"
    );
    assert_eq!(
        error_of("1.ab\u{e9}"),
        "the share link is damaged: character 5 ('é') is not a letter, a digit, '-' or '_'"
    );
}

#[test]
fn damaged_and_cut_links_are_refused() {
    let message = "the share link is damaged or cut short: its data does not unpack";
    let link = encode(&shared(&[
        "kafka-topics --create --topic orders --partitions 2",
        "producer p",
        "send p --topic orders --key k --value v",
    ]));
    let cut = &link[..link.len() / 2];
    assert_eq!(decode(cut), Err(ShareError::Corrupt));
    assert_eq!(error_of(cut), message);
    for payload in ["1.", "1.A", "1.AAAA", "1.____", "1.A_8-"] {
        assert_eq!(decode(payload), Err(ShareError::Corrupt), "{payload}");
    }
}

#[test]
fn a_zip_bomb_is_refused_without_allocating_beyond_the_limit() {
    // 40 MiB of zeros deflate to about 40 KB: a payload under the length limit that would
    // unpack to twenty times the text limit.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![0u8; 40 << 20], 9);
    let payload = link_of(&bomb);
    assert!(
        payload.len() <= share::MAX_PAYLOAD_BYTES,
        "{}",
        payload.len()
    );
    let (result, peak) = peak_allocation(|| decode(&payload));
    assert_eq!(result, Err(ShareError::TooBig));
    println!("the bomb was refused after a peak of {peak} bytes");
    // The output buffer (the limit), the decoded input and the message: nothing beyond.
    assert!(
        peak <= share::MAX_TEXT_BYTES + payload.len() + 1024,
        "peak {peak} bytes"
    );
    assert_eq!(
        error_of(&payload),
        "the share link unpacks to more than 2 MiB, more than any session a link may hold"
    );
}

#[test]
fn content_that_is_not_a_session_is_refused() {
    let cases = [
        ("not json", "expected ident at line 1 column 2 in its JSON"),
        (r#"{"lines":[]}"#, "missing field `seed` at line 1 column 12 in its JSON"),
        (r#"{"seed":1}"#, "missing field `lines` at line 1 column 10 in its JSON"),
        (
            r#"{"seed":1,"lines":[],"extra":1}"#,
            "unknown field `extra`, expected one of `seed`, `name`, `config`, `lines` at line 1 column 28 in its JSON",
        ),
        (
            r#"{"seed":-1,"lines":[]}"#,
            "invalid value: integer `-1`, expected u64 at line 1 column 10 in its JSON",
        ),
        (
            r#"{"seed":1,"lines":[3]}"#,
            "invalid type: integer `3`, expected a string at line 1 column 20 in its JSON",
        ),
        (
            r#"{"seed":1,"config":{"brokerz":3},"lines":[]}"#,
            "unknown world setting `brokerz`",
        ),
        (
            r#"{"seed":1,"config":{"topic_defaults":{"retention":1}},"lines":[]}"#,
            "unknown world setting `topic_defaults.retention`",
        ),
        (
            r#"{"seed":1,"config":{"brokers":"five"},"lines":[]}"#,
            "world config: invalid type: string \"five\", expected u32",
        ),
        (
            r#"{"seed":1,"config":7,"lines":[]}"#,
            "world config: invalid type: integer `7`, expected struct WorldConfig",
        ),
    ];
    for (json, message) in cases {
        let payload = pack(json.as_bytes());
        assert!(
            matches!(decode(&payload), Err(ShareError::Structure(_))),
            "{json}"
        );
        assert_eq!(
            error_of(&payload),
            format!("the share link does not hold a session: {message}"),
            "{json}"
        );
    }
    let long_name = Shared {
        name: Some("x".repeat(share::MAX_NAME_CHARS + 1)),
        ..shared(&[])
    };
    assert_eq!(
        error_of(&encode(&long_name)),
        "the share link does not hold a session: the session name is longer than 200 characters"
    );
    let payload = pack(&[0xff, 0xfe, 0x00]);
    assert!(matches!(decode(&payload), Err(ShareError::Structure(_))));
}

#[test]
fn an_invalid_world_config_is_refused() {
    let payload = pack(br#"{"seed":1,"config":{"brokers":0},"lines":[]}"#);
    assert!(matches!(decode(&payload), Err(ShareError::BadConfig(_))));
    let message = error_of(&payload);
    assert!(
        message.starts_with("the shared world config is not valid: ")
            && message.contains("brokers"),
        "{message}"
    );
    let config = WorldConfig {
        brokers: 1000,
        ..WorldConfig::default()
    };
    let link = encode(&Shared {
        config,
        ..shared(&[])
    });
    assert!(matches!(decode(&link), Err(ShareError::BadConfig(_))));
}

#[test]
fn too_many_lines_are_refused() {
    let lines = vec!["advance 1ms"; share::MAX_LINES + 1];
    let link = encode(&shared(&lines));
    assert!(link.len() < 1000, "{}", link.len());
    assert_eq!(
        decode(&link),
        Err(ShareError::TooManyLines {
            count: share::MAX_LINES + 1
        })
    );
    assert_eq!(
        error_of(&link),
        "the shared session has 20001 lines; a link may hold at most 20000"
    );
    let just_enough = encode(&shared(&lines[1..]));
    assert_eq!(decode(&just_enough).unwrap().lines.len(), share::MAX_LINES);
}

#[test]
fn every_line_is_parsed_before_anything_runs() {
    let link = encode(&shared(&[
        "kafka-topics --create --topic orders --partitions 3",
        "advance 1s",
        "kafka-topics --create --topic payments --partitons 3",
        "poll nobody",
    ]));
    let error = decode(&link).unwrap_err();
    assert!(matches!(error, ShareError::BadLine { number: 3, .. }));
    assert_eq!(
        error.to_string(),
        "line 3 of the shared session does not parse: unknown flag '--partitons' for \
         kafka-topics; did you mean '--partitions'? (column 40 of `kafka-topics --create \
         --topic payments --partitons 3`)"
    );
    let long = format!("send p --topic t --value {}", "v".repeat(100));
    let link = encode(&shared(&[&format!("{long} --bogus")]));
    assert_eq!(
        error_of(&link),
        format!(
            "line 1 of the shared session does not parse: unknown flag '--bogus' for send \
             (column 127 of `{}…`)",
            &long[..60]
        )
    );
}

#[test]
fn rebuild_names_the_first_line_that_fails_to_run() {
    let original = shared(&[
        "kafka-topics --create --topic orders --partitions 3",
        "advance 1s",
        "poll nobody",
        "advance 1s",
    ]);
    let decoded = decode(&encode(&original)).unwrap();
    let error = rebuild(&decoded).unwrap_err();
    assert!(matches!(error, ShareError::FailedLine { number: 3, .. }));
    assert_eq!(
        error.to_string(),
        "line 3 of the shared session does not run: UNKNOWN_CLIENT: there is no consumer or producer named 'nobody' (`poll nobody`)"
    );
}

// ---- nothing panics ----

/// `decode` gave either an error with a message or a session within the limits whose every
/// line parses.
fn check(payload: &str) {
    match decode(payload) {
        Ok(shared) => {
            assert!(shared.lines.len() <= share::MAX_LINES);
            for line in &shared.lines {
                assert!(script::parse_line(line).is_ok(), "{line:?}");
            }
            assert!(shared.config.validate().is_ok());
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

fn base64url_char() -> impl Strategy<Value = char> {
    prop::sample::select(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            .chars()
            .collect::<Vec<_>>(),
    )
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(prop::sample::Index, char),
    Insert(prop::sample::Index, char),
    Delete(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let c = prop_oneof![4 => base64url_char(), 1 => any::<char>()];
    prop_oneof![
        (any::<prop::sample::Index>(), c.clone()).prop_map(|(i, c)| Mutation::Flip(i, c)),
        (any::<prop::sample::Index>(), c).prop_map(|(i, c)| Mutation::Insert(i, c)),
        any::<prop::sample::Index>().prop_map(Mutation::Delete),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(link: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = link.chars().collect();
    for m in mutations {
        let len = chars.len().max(1);
        match m {
            Mutation::Flip(i, c) => {
                if !chars.is_empty() {
                    chars[i.index(len)] = *c;
                }
            }
            Mutation::Insert(i, c) => chars.insert(i.index(len + 1).min(chars.len()), *c),
            Mutation::Delete(i) => {
                if !chars.is_empty() {
                    chars.remove(i.index(len));
                }
            }
            Mutation::Truncate(i) => chars.truncate(i.index(len)),
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(text in ".*") {
        check(&text);
        check(&format!("1.{text}"));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_base64url_never_panics(data in prop::collection::vec(base64url_char(), 0..400)) {
        check(&format!("1.{}", data.into_iter().collect::<String>()));
    }

    #[test]
    fn arbitrary_deflate_input_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        // Random bytes straight into the inflater, and random text behind a valid deflate.
        check(&link_of(&bytes));
        check(&pack(&bytes));
    }

    #[test]
    fn arbitrary_sessions_survive_the_round_trip(
        seed in any::<u64>(),
        name in prop::option::of(".{0,40}"),
        brokers in 1u32..=10,
        segment_bytes in 100i64..100_000,
        ratio in 0.0f64..1.0,
        lines in prop::collection::vec("[a-z0-9 =.:-]{0,30}", 0..20),
    ) {
        let mut config = WorldConfig {
            brokers,
            ..WorldConfig::default()
        };
        config.topic_defaults.segment_bytes = segment_bytes;
        config.topic_defaults.min_cleanable_dirty_ratio = ratio;
        let lines: Vec<String> = lines
            .into_iter()
            .map(|l| format!("# {l}"))
            .collect();
        let original = Shared { seed, config, name, lines };
        prop_assert_eq!(decode(&encode(&original)), Ok(original));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn mutated_links_never_panic(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        thread_local! {
            static LINKS: Vec<String> = scenario_links();
        }
        let link = LINKS.with(|links| links[which.index(links.len())].clone());
        check(&mutate(&link, &mutations));
    }
}
