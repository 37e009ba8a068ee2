//! Schema v2 steps as console lines: the converter used by the v2 → v3 migration and by the
//! import of older export files.
//!
//! Until schema 2 a step held a simulator command in its JSON form (`sim::Command`, tagged by
//! `"type"`). The page only ever wrote two of them, and those are the two this converter knows:
//!
//! | v2 step (`command`) | v3 step (`line`) |
//! | --- | --- |
//! | `{"type":"CreateTopic","name":"orders","partitions":3,"replication_factor":null,"config":{…all null…}}` | `kafka-topics --create --topic orders --partitions 3` |
//! | `{"type":"Produce","topic":"orders","partition":null,"key":"alice","value":"1","headers":[],"timestamp_ms":null,"acks":null}` | `kafka-console-producer --topic orders --key alice --value 1` |
//!
//! The lines are written exactly as the console language's canonical printer writes them
//! (`script`'s `Display`), with the same quoting ([`quote`]), so the converted log reads like
//! one the console wrote itself. The store does not depend on the simulator or the console
//! language: this is pattern matching on JSON. Anything else (another command kind, a field
//! the console line cannot say, such as an explicit partition or headers) is refused with a
//! sentence saying why; the caller keeps the raw record and reports it.

use serde_json::{Map, Value};

/// A word as the console's lexer reads it back: bare when that is unambiguous, otherwise
/// double-quoted with `\"`, `\\`, `\n`, `\t`, `\r` and `\0` escaped (the console printer's
/// rule).
pub fn quote(text: &str) -> String {
    let bare_safe = !text.is_empty()
        && !text.starts_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:,=/@+*%".contains(c));
    let negative_number = text
        .strip_prefix('-')
        .is_some_and(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()));
    if bare_safe || negative_number {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The console line of a v2 step's command, or why it has none.
pub fn command_line(command: &Value) -> Result<String, String> {
    let Some(fields) = command.as_object() else {
        return Err(format!(
            "expected a simulator command (a JSON object), found {}",
            kind(command)
        ));
    };
    match fields.get("type") {
        Some(Value::String(t)) if t == "CreateTopic" => create_topic(fields),
        Some(Value::String(t)) if t == "Produce" => produce(fields),
        Some(Value::String(t)) => Err(format!(
            "a `{t}` command: only the topic creation and produced records the page wrote \
             can be turned into console lines"
        )),
        Some(other) => Err(format!("`type` is {}, not a command name", kind(other))),
        None => Err("not a simulator command (it has no `type`)".into()),
    }
}

fn create_topic(m: &Map<String, Value>) -> Result<String, String> {
    only(
        m,
        &["type", "name", "partitions", "replication_factor", "config"],
    )?;
    let name = text(m, "name")?;
    let partitions = bounded(m, "partitions", i64::from(i32::MAX))?
        .ok_or("`partitions` is missing: a topic needs a number of partitions")?;
    let replication = bounded(m, "replication_factor", i64::from(i16::MAX))?;
    match m.get("config") {
        None | Some(Value::Null) => {}
        Some(Value::Object(config)) => {
            if let Some((key, _)) = config.iter().find(|(_, v)| !v.is_null()) {
                return Err(format!(
                    "the topic config sets `{key}`, which the converter does not write"
                ));
            }
        }
        Some(other) => return Err(format!("`config` is {}, not an object", kind(other))),
    }
    let mut line = format!(
        "kafka-topics --create --topic {} --partitions {partitions}",
        quote(name)
    );
    if let Some(r) = replication {
        line.push_str(&format!(" --replication-factor {r}"));
    }
    Ok(line)
}

fn produce(m: &Map<String, Value>) -> Result<String, String> {
    only(
        m,
        &[
            "type",
            "topic",
            "partition",
            "key",
            "value",
            "headers",
            "timestamp_ms",
            "acks",
        ],
    )?;
    let topic = text(m, "topic")?;
    for absent in ["partition", "timestamp_ms", "acks"] {
        if m.get(absent).is_some_and(|v| !v.is_null()) {
            return Err(format!(
                "the record sets `{absent}`, which a console producer line does not say"
            ));
        }
    }
    match m.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Array(h)) if h.is_empty() => {}
        Some(_) => return Err("the record has headers, which the converter does not write".into()),
    }
    let key = match m.get("key") {
        None | Some(Value::Null) => None,
        Some(Value::String(k)) => Some(k.as_str()),
        Some(other) => return Err(format!("`key` is {}, not a text", kind(other))),
    };
    let value = match m.get("value") {
        Some(Value::String(v)) => v.as_str(),
        None | Some(Value::Null) => {
            return Err("the record has no value (a console producer line always has one)".into())
        }
        Some(other) => return Err(format!("`value` is {}, not a text", kind(other))),
    };
    let mut line = format!("kafka-console-producer --topic {}", quote(topic));
    if let Some(key) = key {
        line.push_str(&format!(" --key {}", quote(key)));
    }
    line.push_str(&format!(" --value {}", quote(value)));
    Ok(line)
}

fn only(m: &Map<String, Value>, allowed: &[&str]) -> Result<(), String> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown field `{k}`")),
        None => Ok(()),
    }
}

fn text<'a>(m: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match m.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(format!("`{name}` is empty")),
        Some(other) => Err(format!("`{name}` is {}, not a text", kind(other))),
        None => Err(format!("`{name}` is missing")),
    }
}

/// An optional whole number from 1 to `max`.
fn bounded(m: &Map<String, Value>, name: &str, max: i64) -> Result<Option<i64>, String> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => Err(format!(
                "`{name}` is {}, not a whole number from 1 to {max}",
                kind(v)
            )),
        },
    }
}

fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => "a text".into(),
        Value::String(s) => format!("the text {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words_are_quoted_only_when_they_must_be() {
        assert_eq!(quote("orders"), "orders");
        assert_eq!(quote("a.b:1,2=3/4@5+6*7%"), "a.b:1,2=3/4@5+6*7%");
        assert_eq!(quote("a_b-c"), "\"a_b-c\"");
        assert_eq!(quote("-12"), "-12");
        assert_eq!(quote("-"), "\"-\"");
        assert_eq!(quote("--orders"), "\"--orders\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("bob smith"), "\"bob smith\"");
        assert_eq!(
            quote("say \"hi\"\\\n\t\r\0"),
            "\"say \\\"hi\\\"\\\\\\n\\t\\r\\0\""
        );
        assert_eq!(quote("café"), "\"café\"");
    }

    #[test]
    fn the_topic_creation_becomes_a_kafka_topics_line() {
        let c = json!({"type": "CreateTopic", "name": "orders", "partitions": 3,
            "replication_factor": null, "config": {"retention_ms": null}});
        assert_eq!(
            command_line(&c).unwrap(),
            "kafka-topics --create --topic orders --partitions 3"
        );
        let c =
            json!({"type": "CreateTopic", "name": "a b", "partitions": 1, "replication_factor": 2});
        assert_eq!(
            command_line(&c).unwrap(),
            "kafka-topics --create --topic \"a b\" --partitions 1 --replication-factor 2"
        );
    }

    #[test]
    fn a_produced_record_becomes_a_console_producer_line() {
        let c = json!({"type": "Produce", "topic": "orders", "partition": null, "key": "alice",
            "value": "1", "headers": [], "timestamp_ms": null, "acks": null});
        assert_eq!(
            command_line(&c).unwrap(),
            "kafka-console-producer --topic orders --key alice --value 1"
        );
        let c = json!({"type": "Produce", "topic": "orders", "value": "order 2"});
        assert_eq!(
            command_line(&c).unwrap(),
            "kafka-console-producer --topic orders --value \"order 2\""
        );
    }

    #[test]
    fn what_a_line_cannot_say_is_refused_with_a_reason() {
        for (c, why) in [
            (json!({"type": "Advance", "ms": 10}), "`Advance`"),
            (json!({"produce": {"topic": "t"}}), "no `type`"),
            (json!("text"), "a JSON object"),
            (
                json!({"type": "Produce", "topic": "t", "value": "v", "partition": 1}),
                "`partition`",
            ),
            (
                json!({"type": "Produce", "topic": "t", "value": null}),
                "no value",
            ),
            (
                json!({"type": "Produce", "topic": "t", "value": "v", "headers": [{"k": "v"}]}),
                "headers",
            ),
            (
                json!({"type": "Produce", "topic": "t", "value": "v", "extra": 1}),
                "`extra`",
            ),
            (
                json!({"type": "Produce", "topic": "", "value": "v"}),
                "empty",
            ),
            (
                json!({"type": "CreateTopic", "name": "t", "partitions": 0}),
                "from 1",
            ),
            (json!({"type": "CreateTopic", "name": "t"}), "missing"),
            (
                json!({"type": "CreateTopic", "name": "t", "partitions": 1,
                "config": {"retention_ms": 5}}),
                "`retention_ms`",
            ),
        ] {
            let err = command_line(&c).unwrap_err();
            assert!(err.contains(why), "{c}: {err}");
        }
    }
}
