//! Splitting a command's words into `--flags` (with their values) and positional arguments,
//! against a table of the flags the command has.
//!
//! The rules are those of the option parser Kafka's tools use (jopt-simple), minus abbreviation:
//! `--flag value` and `--flag=value` are the same; a flag that takes a value takes the next word
//! even if it starts with a single `-` (`--shift-by -3`); an optional value is taken only if the
//! next word is not a flag. An unknown flag is an error with the closest known flag suggested.

use crate::error::{ErrorKind, ParseError, Span};
use crate::lexer::Word;
use crate::suggest;

/// Whether a flag takes a value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Takes {
    Nothing,
    /// A required value; the text describes it in errors ("a topic name").
    Value(&'static str),
    /// An optional value (`--state [stable,empty]`).
    Optional,
}

/// One flag of a command.
pub(crate) struct FlagSpec {
    /// Without the leading dashes (`partitions`), as Kafka's tools name their options.
    pub name: &'static str,
    pub takes: Takes,
    /// Whether it may be given more than once (`--config`, `--topic` of `--reset-offsets`).
    pub repeatable: bool,
}

pub(crate) const fn flag(name: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        takes: Takes::Nothing,
        repeatable: false,
    }
}

pub(crate) const fn valued(name: &'static str, what: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        takes: Takes::Value(what),
        repeatable: false,
    }
}

pub(crate) const fn repeated(name: &'static str, what: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        takes: Takes::Value(what),
        repeatable: true,
    }
}

pub(crate) const fn optional(name: &'static str) -> FlagSpec {
    FlagSpec {
        name,
        takes: Takes::Optional,
        repeatable: false,
    }
}

/// One flag as given.
#[derive(Debug)]
pub(crate) struct Flag {
    pub name: &'static str,
    /// The flag word itself.
    pub span: Span,
    pub value: Option<Word>,
}

/// The flags and positional words of one command.
#[derive(Debug)]
pub(crate) struct Args {
    pub command: String,
    /// The command word (for errors about something missing).
    pub command_span: Span,
    /// The whole first line of the statement (for errors about the command as a whole).
    pub statement_span: Span,
    pub flags: Vec<Flag>,
    pub positionals: Vec<Word>,
}

/// Parses `words` (without the command word) against `specs`.
pub(crate) fn parse(
    command: &str,
    command_span: Span,
    statement_span: Span,
    specs: &'static [FlagSpec],
    words: &[Word],
) -> Result<Args, ParseError> {
    let mut args = Args {
        command: command.to_string(),
        command_span,
        statement_span,
        flags: Vec::new(),
        positionals: Vec::new(),
    };
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if !word.is_flag() {
            args.positionals.push(word.clone());
            continue;
        }
        let (name, inline) = match word.text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (word.text.as_str(), None),
        };
        let name_span = Span::new(word.span.line, word.span.column, name.chars().count());
        let bare = name.trim_start_matches('-');
        let Some(spec) = specs
            .iter()
            .find(|spec| name.strip_prefix("--") == Some(spec.name))
        else {
            let known = specs.iter().map(|s| s.name);
            return Err(ParseError::new(
                name_span,
                ErrorKind::UnknownFlag {
                    command: command.to_string(),
                    flag: name.to_string(),
                    suggestion: suggest::closest(bare, known).map(|s| format!("--{s}")),
                },
            ));
        };
        if !spec.repeatable && args.flags.iter().any(|f| f.name == spec.name) {
            return Err(ParseError::new(
                name_span,
                ErrorKind::DuplicateFlag {
                    flag: format!("--{}", spec.name),
                },
            ));
        }
        let value = match (spec.takes, inline) {
            (Takes::Nothing, Some(_)) => {
                return Err(ParseError::new(
                    word.span,
                    ErrorKind::UnexpectedFlagValue {
                        flag: format!("--{}", spec.name),
                    },
                ))
            }
            (Takes::Nothing, None) => None,
            (_, Some(value)) => {
                // The value starts after `--name=`, exactly where the source has it when
                // `--name=` was written bare; otherwise the whole word is used.
                let prefix = name.chars().count() + 1;
                let span = if word.bare_prefix < prefix {
                    word.span
                } else {
                    Span::new(
                        word.span.line,
                        word.span.column + prefix,
                        word.span.len.saturating_sub(prefix),
                    )
                };
                Some(Word {
                    text: value.to_string(),
                    span,
                    quoted: word.quoted,
                    bare_prefix: word.bare_prefix.saturating_sub(prefix),
                })
            }
            (Takes::Value(what), None) => match words.get(i) {
                Some(next) if !(next.text.starts_with("--") && next.is_flag()) => {
                    i += 1;
                    Some(next.clone())
                }
                _ => {
                    return Err(ParseError::new(
                        word.span,
                        ErrorKind::MissingFlagValue {
                            flag: format!("--{}", spec.name),
                            expected: what.to_string(),
                        },
                    ))
                }
            },
            (Takes::Optional, None) => match words.get(i) {
                Some(next) if !next.is_flag() => {
                    i += 1;
                    Some(next.clone())
                }
                _ => None,
            },
        };
        args.flags.push(Flag {
            name: spec.name,
            span: name_span,
            value,
        });
    }
    Ok(args)
}

impl Args {
    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f.name == name)
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// The value of a flag that takes one (the parser guarantees it is there).
    pub fn value(&self, name: &str) -> Option<&Word> {
        self.flag(name).and_then(|f| f.value.as_ref())
    }

    pub fn values(&self, name: &str) -> Vec<&Word> {
        self.flags
            .iter()
            .filter(|f| f.name == name)
            .filter_map(|f| f.value.as_ref())
            .collect()
    }

    /// The span of a flag if given, else of the command word.
    pub fn span_of(&self, name: &str) -> Span {
        self.flag(name).map_or(self.command_span, |f| f.span)
    }

    /// An error for a required value that is missing, at the command word.
    pub fn missing(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(
            self.statement_span,
            ErrorKind::MissingArgument {
                message: message.into(),
            },
        )
    }

    /// A usage error (a Kafka tool's own message) at `span`.
    pub fn usage(&self, span: Span, message: impl Into<String>) -> ParseError {
        ParseError::new(
            span,
            ErrorKind::Usage {
                message: message.into(),
            },
        )
    }

    /// Kafka's `Missing required argument "[topic]"` unless the flag is given.
    pub fn require(&self, name: &str) -> Result<&Word, ParseError> {
        self.value(name)
            .ok_or_else(|| self.missing(format!("Missing required argument \"[{name}]\"")))
    }

    /// Kafka's `Option "[a]" can't be used with option "[b]"` if `used` and any of `invalid`
    /// are both given (`CommandLineUtils.checkInvalidArgs`). The error points at whichever of
    /// the two comes later on the line: the one the learner added last.
    pub fn check_invalid(&self, used: &str, invalid: &[&str]) -> Result<(), ParseError> {
        let Some(used_flag) = self.flag(used) else {
            return Ok(());
        };
        for other in invalid {
            if let Some(flag) = self.flag(other) {
                return Err(self.usage(
                    flag.span.max(used_flag.span),
                    format!("Option \"[{used}]\" can't be used with option \"[{other}]\""),
                ));
            }
        }
        Ok(())
    }

    /// No positional words are allowed.
    pub fn no_positionals(&self, hint: &str) -> Result<(), ParseError> {
        match self.positionals.first() {
            None => Ok(()),
            Some(word) => Err(ParseError::new(
                word.span,
                ErrorKind::UnexpectedArgument {
                    found: word.text.clone(),
                    message: hint.to_string(),
                },
            )),
        }
    }

    /// Exactly `names.len()` positional words are required; returns them.
    pub fn positionals_exactly(
        &self,
        names: &[&str],
        usage: &str,
    ) -> Result<Vec<&Word>, ParseError> {
        if self.positionals.len() < names.len() {
            let missing = names[self.positionals.len()];
            return Err(self.missing(format!("{} needs {missing}: {usage}", self.command)));
        }
        if let Some(extra) = self.positionals.get(names.len()) {
            return Err(ParseError::new(
                extra.span,
                ErrorKind::UnexpectedArgument {
                    found: extra.text.clone(),
                    message: format!("{} takes no more arguments: {usage}", self.command),
                },
            ));
        }
        Ok(self.positionals.iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::statements;

    const SPECS: &[FlagSpec] = &[
        flag("create"),
        valued("topic", "a topic name"),
        valued("shift-by", "a number"),
        repeated("config", "key=value"),
        optional("state"),
    ];

    fn run(line: &str) -> Result<Args, ParseError> {
        let statement = statements(line).next().unwrap().unwrap();
        let span = statement.words[0].span;
        parse("tool", span, statement.span, SPECS, &statement.words[1..])
    }

    #[test]
    fn flags_take_their_values_in_either_form() {
        let args = run("tool --create --topic orders --shift-by=-3 x").unwrap();
        assert!(args.has("create"));
        assert_eq!(args.value("topic").unwrap().text, "orders");
        assert_eq!(args.value("shift-by").unwrap().text, "-3");
        assert_eq!(args.value("shift-by").unwrap().span, Span::new(1, 41, 2));
        assert_eq!(args.positionals[0].text, "x");
    }

    #[test]
    fn a_negative_number_is_a_value_not_a_flag() {
        let args = run("tool --shift-by -3").unwrap();
        assert_eq!(args.value("shift-by").unwrap().text, "-3");
    }

    #[test]
    fn a_missing_value_points_at_the_flag() {
        let error = run("tool --topic --create").unwrap_err();
        assert_eq!(error.span, Span::new(1, 6, 7));
        assert_eq!(
            error.message(),
            "flag '--topic' needs a value: expected a topic name"
        );
        assert!(run("tool --topic").is_err());
    }

    #[test]
    fn an_unknown_flag_suggests_the_closest() {
        let error = run("tool --tpoic orders").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 1, column 6: unknown flag '--tpoic' for tool; did you mean '--topic'?"
        );
        let error = run("tool -topic orders").unwrap_err();
        assert_eq!(error.suggestion(), Some("--topic"));
    }

    #[test]
    fn single_use_flags_refuse_a_second_use_and_repeatable_ones_collect() {
        assert!(matches!(
            run("tool --topic a --topic b").unwrap_err().kind,
            ErrorKind::DuplicateFlag { .. }
        ));
        let args = run("tool --config a=1 --config b=2").unwrap();
        assert_eq!(args.values("config").len(), 2);
    }

    #[test]
    fn a_flag_without_value_refuses_an_inline_value() {
        assert!(matches!(
            run("tool --create=yes").unwrap_err().kind,
            ErrorKind::UnexpectedFlagValue { .. }
        ));
    }

    #[test]
    fn an_optional_value_is_taken_only_if_it_is_not_a_flag() {
        assert_eq!(
            run("tool --state stable")
                .unwrap()
                .value("state")
                .unwrap()
                .text,
            "stable"
        );
        assert!(run("tool --state --create")
            .unwrap()
            .value("state")
            .is_none());
        assert!(run("tool --state").unwrap().value("state").is_none());
    }

    #[test]
    fn a_quoted_double_dash_word_is_a_value() {
        assert_eq!(
            run("tool --topic \"--x\"")
                .unwrap()
                .value("topic")
                .unwrap()
                .text,
            "--x"
        );
    }
}
