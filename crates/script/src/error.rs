//! Where a problem is ([`Span`]) and what it is ([`ParseError`], [`ErrorKind`]).
//!
//! Every error the console language reports carries a span that points inside the text the
//! learner typed: a line (1-based), a column (1-based, counted in Unicode scalar values, so a
//! `é` is one column) and a length of at least one character. `Display` renders the message the
//! console shows, e.g.
//!
//! ```text
//! line 3, column 15: unknown flag '--partitons' for kafka-topics; did you mean '--partitions'?
//! ```
//!
//! Where a Kafka tool or the Java client has its own wording for a mistake (`Missing required
//! argument "[topic]"`, `seek offset must not be a negative number` …) the message uses it, so a
//! learner meets the same words later on a real cluster.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A place in the input: `line` and `column` are 1-based, `column` and `len` count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

impl Span {
    pub fn new(line: usize, column: usize, len: usize) -> Self {
        Span {
            line,
            column,
            len: len.max(1),
        }
    }

    /// The span from the start of `self` to the end of `other` when both are on one line,
    /// otherwise `self` (a span never crosses a line).
    pub fn to(self, other: Span) -> Span {
        if other.line == self.line && other.column + other.len >= self.column {
            Span::new(
                self.line,
                self.column,
                other.column + other.len - self.column,
            )
        } else {
            self
        }
    }
}

/// A parse error: where ([`Span`]) and what ([`ErrorKind`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub span: Span,
    pub kind: ErrorKind,
}

impl ParseError {
    pub fn new(span: Span, kind: ErrorKind) -> Self {
        ParseError { span, kind }
    }

    /// The message without the position and without the suggestion.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// The message with the offending line of `source` and a caret line under the span, for a
    /// terminal or the console:
    ///
    /// ```text
    /// line 1, column 38: unknown flag '--partitons' for kafka-topics; did you mean '--partitions'?
    ///   1 | kafka-topics --create --topic orders --partitons 3
    ///     |                                      ^^^^^^^^^^^
    /// ```
    ///
    /// If the span's line is not in `source`, only the message is returned.
    pub fn render(&self, source: &str) -> String {
        let mut out = self.to_string();
        let Some(line) = source
            .trim_start_matches('\u{FEFF}')
            .lines()
            .nth(self.span.line.saturating_sub(1))
        else {
            return out;
        };
        let number = self.span.line.to_string();
        let gutter = " ".repeat(number.len());
        // Keep tabs in the padding so the carets line up under a tabbed line.
        let padding: String = line
            .chars()
            .take(self.span.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let room = line
            .chars()
            .count()
            .saturating_sub(self.span.column.saturating_sub(1));
        let carets = "^".repeat(self.span.len.min(room).max(1));
        out.push_str(&format!(
            "\n  {number} | {line}\n  {gutter} | {padding}{carets}"
        ));
        out
    }

    /// The correction offered for a misspelt command, flag or config name, if one is close.
    pub fn suggestion(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::UnknownCommand { suggestion, .. }
            | ErrorKind::UnknownFlag { suggestion, .. }
            | ErrorKind::UnknownConfig { suggestion, .. }
            | ErrorKind::UnknownKeyword { suggestion, .. } => suggestion.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.span.line, self.span.column, self.kind
        )?;
        if let Some(suggestion) = self.suggestion() {
            write!(f, "; did you mean '{suggestion}'?")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_underlines_the_span_in_its_line() {
        let source = "poll c1\nkafka-topics --create --topic orders --partitons 3\n";
        let error = ParseError::new(
            Span::new(2, 38, 11),
            ErrorKind::UnknownFlag {
                command: "kafka-topics".into(),
                flag: "--partitons".into(),
                suggestion: Some("--partitions".into()),
            },
        );
        assert_eq!(
            error.render(source),
            "line 2, column 38: unknown flag '--partitons' for kafka-topics; did you mean '--partitions'?\n\
             \x20 2 | kafka-topics --create --topic orders --partitons 3\n\
             \x20   |                                      ^^^^^^^^^^^"
        );
    }

    #[test]
    fn render_keeps_tabs_so_the_carets_line_up() {
        let error = ParseError::new(Span::new(1, 3, 1), ErrorKind::DanglingContinuation);
        assert!(error.render("\tx \\").ends_with("| \t ^"));
    }

    #[test]
    fn render_without_the_line_gives_the_message_only() {
        let error = ParseError::new(Span::new(9, 1, 1), ErrorKind::DanglingContinuation);
        assert_eq!(error.render("poll c1"), error.to_string());
    }
}

/// What went wrong. Each class of mistake has its own variant so callers (the console, tests,
/// the tutorial's hints) can react to it without matching on text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ErrorKind {
    /// A `"` or `'` with no closing quote on the same line.
    UnterminatedString { quote: char },
    /// A backslash escape that the language does not know, e.g. `"\q"`.
    InvalidEscape { escape: String },
    /// A `\` at the very end of the input: the continuation line is missing.
    DanglingContinuation,
    /// The first word of a command is not a command.
    UnknownCommand {
        found: String,
        suggestion: Option<String>,
    },
    /// A `--flag` the command does not have.
    UnknownFlag {
        command: String,
        flag: String,
        suggestion: Option<String>,
    },
    /// A word from a fixed set (a `describe` target, a `--time` keyword …) that is not in it.
    UnknownKeyword {
        what: String,
        found: String,
        expected: String,
        suggestion: Option<String>,
    },
    /// A flag that needs a value was the last word or was followed by another flag.
    MissingFlagValue { flag: String, expected: String },
    /// `--flag=value` on a flag that takes no value.
    UnexpectedFlagValue { flag: String },
    /// A flag given twice where only one is allowed.
    DuplicateFlag { flag: String },
    /// A required argument or flag is missing; `message` says which and how to give it.
    MissingArgument { message: String },
    /// A word the command does not expect at this place.
    UnexpectedArgument { found: String, message: String },
    /// A combination of flags the Kafka tool refuses; the message is the tool's own text.
    Usage { message: String },
    /// A word that should be a whole number and is not.
    InvalidNumber { what: String, found: String },
    /// A negative number where Kafka refuses one; `message` is Kafka's wording where it has one.
    NegativeNumber { found: String, message: String },
    /// A number below the smallest allowed value (or above the largest).
    NumberOutOfRange { found: String, message: String },
    /// A duration that does not read as `<number><unit>` (ms, s, m, h, d).
    InvalidDuration { found: String, message: String },
    /// A `--to-datetime` that is not `YYYY-MM-DDTHH:mm:SS.sss` (with an optional zone).
    InvalidDatetime { found: String, message: String },
    /// A topic name Kafka would refuse; the message is Kafka's own (`Topic.validate`).
    InvalidTopicName { message: String },
    /// A `topic:partition` (or `topic:0,1,2`, `topic:0=42`) form that does not parse.
    InvalidTopicPartition { found: String, message: String },
    /// A client or group name that is not a name.
    InvalidName { found: String, message: String },
    /// A `key=value` config whose key is not a config of that client or topic.
    UnknownConfig {
        scope: String,
        key: String,
        suggestion: Option<String>,
    },
    /// A config value Kafka would refuse; the message follows Kafka's `ConfigException`.
    InvalidConfigValue {
        key: String,
        value: String,
        reason: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::UnterminatedString { quote } => {
                write!(f, "unterminated string: expected a closing {quote} before the end of the line")
            }
            ErrorKind::InvalidEscape { escape } => write!(
                f,
                "unknown escape '{escape}' in a string; use \\\\, \\\", \\', \\n, \\t, \\r or \\u{{hex}}"
            ),
            ErrorKind::DanglingContinuation => write!(
                f,
                "the line ends with '\\' (continue on the next line) but no line follows"
            ),
            ErrorKind::UnknownCommand { found, .. } => write!(f, "unknown command '{found}'"),
            ErrorKind::UnknownFlag { command, flag, .. } => {
                write!(f, "unknown flag '{flag}' for {command}")
            }
            ErrorKind::UnknownKeyword {
                what,
                found,
                expected,
                ..
            } => write!(f, "unknown {what} '{found}': expected {expected}"),
            ErrorKind::MissingFlagValue { flag, expected } => {
                write!(f, "flag '{flag}' needs a value: expected {expected}")
            }
            ErrorKind::UnexpectedFlagValue { flag } => write!(f, "flag '{flag}' takes no value"),
            ErrorKind::DuplicateFlag { flag } => {
                write!(f, "flag '{flag}' is given more than once")
            }
            ErrorKind::MissingArgument { message } => f.write_str(message),
            ErrorKind::UnexpectedArgument { found, message } => {
                write!(f, "unexpected '{found}': {message}")
            }
            ErrorKind::Usage { message } => f.write_str(message),
            ErrorKind::InvalidNumber { what, found } => {
                write!(f, "expected {what}, found '{found}'")
            }
            ErrorKind::NegativeNumber { message, .. } => f.write_str(message),
            ErrorKind::NumberOutOfRange { message, .. } => f.write_str(message),
            ErrorKind::InvalidDuration { found, message } => {
                write!(f, "invalid duration '{found}': {message}")
            }
            ErrorKind::InvalidDatetime { found, message } => {
                write!(f, "invalid datetime '{found}': {message}")
            }
            ErrorKind::InvalidTopicName { message } => f.write_str(message),
            ErrorKind::InvalidTopicPartition { found, message } => {
                write!(f, "invalid partition '{found}': {message}")
            }
            ErrorKind::InvalidName { found, message } => {
                write!(f, "invalid name '{found}': {message}")
            }
            ErrorKind::UnknownConfig { scope, key, .. } => {
                if scope == "topic" {
                    // Kafka's own text (LogConfig.validateNames).
                    write!(f, "Unknown topic config name: {key}")
                } else {
                    write!(f, "unknown {scope} config '{key}'")
                }
            }
            ErrorKind::InvalidConfigValue { key, value, reason } => {
                // The shape of Kafka's ConfigException message.
                write!(f, "Invalid value {value} for configuration {key}: {reason}")
            }
        }
    }
}
