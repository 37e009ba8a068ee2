//! The console language of Offset Express: what a learner types in the console, what a
//! scenario file, a tutorial step or a share link holds.
//!
//! ```
//! use script::{parse_line, parse_script, Command};
//!
//! let command = parse_line("seek c1 orders:0 42").unwrap();
//! assert!(matches!(command, Some(Command::Seek { offset: 42, .. })));
//!
//! let error = parse_line("kafka-topics --create --topic orders --partitons 3").unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "line 1, column 38: unknown flag '--partitons' for kafka-topics; did you mean '--partitions'?"
//! );
//!
//! let script = parse_script("# a scenario\nconsumer c1 group.id=g1\nsubscribe c1 orders\npoll c1\n").unwrap();
//! assert_eq!(script.len(), 3);
//! ```
//!
//! The pipeline, one module each:
//! - [`lexer`]: text → statements of words (quotes, escapes, comments, `\` continuation);
//! - `args`: words → flags and positional words, against each command's flag table;
//! - `parser` (client and simulator verbs) and `admin` (Kafka's tools): → a typed
//!   [`Command`] ([`ast`]), values checked by `values` and `config`;
//! - [`error`]: [`ParseError`] with a [`Span`] (line, column, length) and a suggestion from
//!   [`suggest`];
//! - `print`: [`Command`] → canonical text (`Display`), which parses back to the same command;
//! - [`help`]: the catalogue of commands behind `help` and the reference page.
//!
//! [`exec`] runs commands against the simulator: [`exec::Console`] maps each [`Command`] onto
//! the core's commands and renders what Kafka's tools would print; [`exec::state`] is the
//! world as versioned JSON. The AST itself knows nothing of the simulator.
//!
//! Nothing in this crate panics on any input; the property tests in `tests/` feed it
//! arbitrary text and mutated scenario files.

pub mod ast;
pub mod base64url;
pub mod echo;
pub mod error;
pub mod exec;
pub mod export;
pub mod help;
pub mod lexer;
pub mod share;
pub mod suggest;
pub mod why;

mod admin;
mod args;
mod config;
mod parser;
mod print;
mod values;

pub use ast::*;
pub use error::{ErrorKind, ParseError, Span};
pub use print::quote;

/// Parses one console line (the console's input box). Blank lines and comments give `None`.
/// A line ending in `\` continues on the next line of `input`; `input` holding two statements
/// is an error at the second.
pub fn parse_line(input: &str) -> Result<Option<Command>, ParseError> {
    let mut statements = lexer::statements(input);
    let Some(first) = statements.next() else {
        return Ok(None);
    };
    let statement = first?;
    let command = parser::parse_statement(&statement)?;
    match statements.next() {
        None => Ok(Some(command)),
        Some(Err(error)) => Err(error),
        Some(Ok(extra)) => Err(ParseError::new(
            extra.span,
            ErrorKind::UnexpectedArgument {
                found: extra.words[0].text.clone(),
                message: "one command per line: this is a second command".into(),
            },
        )),
    }
}

/// Parses a whole scenario file into its commands, each with the span of its first line.
/// Stops at the first error, which says where: nothing of a failing file is returned.
pub fn parse_script(input: &str) -> Result<Vec<(Span, Command)>, ParseError> {
    script_commands(input).collect()
}

/// The commands of a scenario file one by one, for a runner that applies each as it comes:
/// after the first `Err` the iterator ends.
pub fn script_commands(
    input: &str,
) -> impl Iterator<Item = Result<(Span, Command), ParseError>> + '_ {
    let mut failed = false;
    lexer::statements(input).map_while(move |statement| {
        if failed {
            return None;
        }
        let result = statement.and_then(|s| parser::parse_statement(&s).map(|c| (s.span, c)));
        failed = result.is_err();
        Some(result)
    })
}
