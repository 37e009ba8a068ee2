//! Splitting text into statements and words, the way a shell would.
//!
//! The console language is line based, like the shell a learner will later type Kafka's tools
//! into:
//!
//! - one statement per line; a `\` at the very end of a line continues the statement on the
//!   next line (so a `kafka-consumer-groups … \` command copied from documentation works);
//! - words are separated by whitespace; `#` at the start of a word starts a comment that runs
//!   to the end of the line (`--value a#b` keeps its `#`);
//! - `"double quotes"` allow spaces and the escapes `\\ \" \' \n \t \r \0 \u{1F682}`;
//!   `'single quotes'` are literal; quoted and bare parts of one word join up, so
//!   `--value="two words"` and `client.id='my app'` are single words;
//! - in a bare word, `\` takes the next character literally (`\#`, `\ `).
//!
//! The lexer never panics and every error points at the offending characters.

use crate::error::{ErrorKind, ParseError, Span};

/// One word of a statement, with its quotes removed and escapes applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
    /// Whether any part of the word was quoted (or escaped).
    pub quoted: bool,
    /// How many characters at the start of `text` were written bare (before any quote or
    /// escape). `--value="a b"` has a bare `--value=`; `"--topic"` has none.
    pub bare_prefix: usize,
}

impl Word {
    /// A word written without quotes or escapes (for tests and generated input).
    pub fn bare(text: &str, span: Span) -> Word {
        Word {
            text: text.to_string(),
            span,
            quoted: false,
            bare_prefix: text.chars().count(),
        }
    }

    /// Whether the word is a flag: `--name` (or `--name=value`), or `-x` with a letter after one
    /// dash, with the name written bare. A quoted `"--topic"` is a value, not a flag.
    pub fn is_flag(&self) -> bool {
        let name = self.text.split('=').next().unwrap_or("");
        if name.chars().count() > self.bare_prefix {
            return false;
        }
        let mut chars = self.text.chars();
        match (chars.next(), chars.next()) {
            (Some('-'), Some('-')) => self.text.len() > 2,
            (Some('-'), Some(c)) => c.is_alphabetic(),
            _ => false,
        }
    }
}

/// The words of one statement (one line, or several joined by `\`), and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub words: Vec<Word>,
    /// From the first word to the last word on the statement's first line.
    pub span: Span,
}

/// Splits a text into statements, lazily: statements before an error are returned first, so a
/// runner can apply them and then report where the file stops. After an error it yields `None`.
pub struct Statements<'a> {
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
    done: bool,
}

/// Iterates over the statements of `source` (blank lines and comments are skipped). A byte
/// order mark at the start (some editors write one) is ignored.
pub fn statements(source: &str) -> Statements<'_> {
    Statements {
        lines: source.trim_start_matches('\u{FEFF}').lines().enumerate(),
        done: false,
    }
}

impl Iterator for Statements<'_> {
    type Item = Result<Statement, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut words: Vec<Word> = Vec::new();
        let mut continuation: Option<Span> = None;
        loop {
            let Some((index, line)) = self.lines.next() else {
                self.done = true;
                return continuation
                    .map(|span| Err(ParseError::new(span, ErrorKind::DanglingContinuation)));
            };
            match lex_line(line, index + 1, &mut words) {
                Ok(next) => continuation = next,
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            }
            if continuation.is_none() && !words.is_empty() {
                break;
            }
        }
        let first = words[0].span;
        let span = words
            .iter()
            .rev()
            .find(|word| word.span.line == first.line)
            .map_or(first, |last| first.to(last.span));
        Some(Ok(Statement { words, span }))
    }
}

/// Lexes one physical line (1-based `line_no`), appending its words. Returns the span of a
/// trailing continuation `\`, if the line ends with one.
fn lex_line(line: &str, line_no: usize, words: &mut Vec<Word>) -> Result<Option<Span>, ParseError> {
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    let at = |i: usize, len: usize| Span::new(line_no, i + 1, len);
    let mut i = 0;
    while i < n {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        if chars[i] == '#' {
            return Ok(None);
        }
        let start = i;
        let mut text = String::new();
        let mut quoted = false;
        let mut bare_prefix: Option<usize> = None;
        let mut continuation = None;
        while i < n && !chars[i].is_whitespace() {
            match chars[i] {
                '"' => {
                    quoted = true;
                    bare_prefix.get_or_insert_with(|| text.chars().count());
                    let open = i;
                    i += 1;
                    loop {
                        let Some(&c) = chars.get(i) else {
                            return Err(ParseError::new(
                                at(open, n - open),
                                ErrorKind::UnterminatedString { quote: '"' },
                            ));
                        };
                        match c {
                            '"' => {
                                i += 1;
                                break;
                            }
                            '\\' => {
                                let (c, used) = escape(&chars, i, line_no, open, n)?;
                                text.push(c);
                                i += used;
                            }
                            c => {
                                text.push(c);
                                i += 1;
                            }
                        }
                    }
                }
                '\'' => {
                    quoted = true;
                    bare_prefix.get_or_insert_with(|| text.chars().count());
                    let open = i;
                    i += 1;
                    loop {
                        match chars.get(i) {
                            None => {
                                return Err(ParseError::new(
                                    at(open, n - open),
                                    ErrorKind::UnterminatedString { quote: '\'' },
                                ))
                            }
                            Some('\'') => {
                                i += 1;
                                break;
                            }
                            Some(&c) => {
                                text.push(c);
                                i += 1;
                            }
                        }
                    }
                }
                '\\' => match chars.get(i + 1) {
                    None => {
                        continuation = Some(at(i, 1));
                        i += 1;
                    }
                    Some(&c) => {
                        bare_prefix.get_or_insert_with(|| text.chars().count());
                        text.push(c);
                        i += 2;
                    }
                },
                c => {
                    text.push(c);
                    i += 1;
                }
            }
        }
        let len = i - start;
        let is_only_continuation = continuation.is_some() && len == 1;
        if !is_only_continuation {
            let len = if continuation.is_some() { len - 1 } else { len };
            let bare_prefix = bare_prefix.unwrap_or(text.chars().count());
            words.push(Word {
                text,
                span: at(start, len),
                quoted,
                bare_prefix,
            });
        }
        if continuation.is_some() {
            return Ok(continuation);
        }
    }
    Ok(None)
}

/// Reads the escape at `chars[i]` (a backslash) inside a double-quoted string opened at `open`.
/// Returns the character and how many input characters it used.
fn escape(
    chars: &[char],
    i: usize,
    line_no: usize,
    open: usize,
    n: usize,
) -> Result<(char, usize), ParseError> {
    let Some(&next) = chars.get(i + 1) else {
        return Err(ParseError::new(
            Span::new(line_no, open + 1, n - open),
            ErrorKind::UnterminatedString { quote: '"' },
        ));
    };
    let simple = match next {
        '\\' => Some('\\'),
        '"' => Some('"'),
        '\'' => Some('\''),
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '0' => Some('\0'),
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((c, 2));
    }
    if next == 'u' && chars.get(i + 2) == Some(&'{') {
        if let Some(close) = (i + 3..n.min(i + 10)).find(|&j| chars[j] == '}') {
            let hex: String = chars[i + 3..close].iter().collect();
            let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
            if let (false, Some(c)) = (hex.is_empty(), decoded) {
                return Ok((c, close - i + 1));
            }
            let escape: String = chars[i..=close].iter().collect();
            return Err(ParseError::new(
                Span::new(line_no, i + 1, close - i + 1),
                ErrorKind::InvalidEscape { escape },
            ));
        }
    }
    Err(ParseError::new(
        Span::new(line_no, i + 1, 2),
        ErrorKind::InvalidEscape {
            escape: format!("\\{next}"),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(source: &str) -> Vec<Vec<String>> {
        statements(source)
            .map(|s| s.unwrap().words.into_iter().map(|w| w.text).collect())
            .collect()
    }

    fn first_error(source: &str) -> ParseError {
        statements(source).find_map(Result::err).expect("an error")
    }

    #[test]
    fn words_are_split_on_whitespace_and_comments_are_dropped() {
        assert_eq!(
            words("poll c1   # the checker walks on\n\n# only a comment\n  seek c1 orders:0 4"),
            vec![vec!["poll", "c1"], vec!["seek", "c1", "orders:0", "4"]]
        );
    }

    #[test]
    fn a_hash_inside_a_word_is_not_a_comment() {
        assert_eq!(
            words("send p --value a#b"),
            vec![vec!["send", "p", "--value", "a#b"]]
        );
    }

    #[test]
    fn double_quotes_keep_spaces_and_apply_escapes() {
        assert_eq!(
            words(r#"x "two words" "tab\there" "q\"uote" "\u{1F682}""#),
            vec![vec!["x", "two words", "tab\there", "q\"uote", "🚂"]]
        );
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(words(r"x 'a\nb c'"), vec![vec!["x", r"a\nb c"]]);
    }

    #[test]
    fn quoted_and_bare_parts_join_into_one_word() {
        assert_eq!(
            words(r#"send p --value="hello world" client.id='my app'"#),
            vec![vec!["send", "p", "--value=hello world", "client.id=my app"]]
        );
    }

    #[test]
    fn an_empty_quoted_string_is_a_word() {
        let statement = statements(r#"send p --key """#).next().unwrap().unwrap();
        assert_eq!(statement.words[3].text, "");
        assert!(statement.words[3].quoted);
    }

    #[test]
    fn a_trailing_backslash_continues_the_statement_on_the_next_line() {
        let all: Vec<Statement> = statements("kafka-topics --create \\\n  --topic orders\npoll c1")
            .map(Result::unwrap)
            .collect();
        assert_eq!(all.len(), 2);
        let texts: Vec<&str> = all[0].words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["kafka-topics", "--create", "--topic", "orders"]);
        assert_eq!(all[0].words[2].span, Span::new(2, 3, 7));
        assert_eq!(all[0].span, Span::new(1, 1, 21));
        assert_eq!(all[1].span.line, 3);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let statement = statements("send p --value \"été\" --key k")
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(statement.words[4].span, Span::new(1, 22, 5));
    }

    #[test]
    fn an_unterminated_string_points_at_its_opening_quote() {
        let error = first_error("poll c1\nsend p --value \"oops");
        assert_eq!(error.kind, ErrorKind::UnterminatedString { quote: '"' });
        assert_eq!(error.span, Span::new(2, 16, 5));
    }

    #[test]
    fn an_unknown_escape_points_at_the_escape() {
        let error = first_error(r#"send p --value "a\qb""#);
        assert_eq!(
            error.kind,
            ErrorKind::InvalidEscape {
                escape: "\\q".into()
            }
        );
        assert_eq!(error.span, Span::new(1, 18, 2));
    }

    #[test]
    fn an_invalid_unicode_escape_is_an_error() {
        let error = first_error(r#"x "\u{D800}""#);
        assert!(matches!(error.kind, ErrorKind::InvalidEscape { .. }));
        assert_eq!(error.span, Span::new(1, 4, 8));
    }

    #[test]
    fn a_continuation_at_the_end_of_the_input_is_an_error() {
        let error = first_error("kafka-topics --list \\");
        assert_eq!(error.kind, ErrorKind::DanglingContinuation);
        assert_eq!(error.span, Span::new(1, 21, 1));
    }

    #[test]
    fn statements_before_an_error_are_still_returned() {
        let all: Vec<_> = statements("poll c1\nx \"open\npoll c2").collect();
        assert_eq!(all.len(), 2);
        assert!(all[0].is_ok());
        assert!(all[1].is_err());
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_ignored() {
        assert_eq!(words("\u{FEFF}poll c1"), vec![vec!["poll", "c1"]]);
    }

    #[test]
    fn windows_line_endings_are_accepted() {
        assert_eq!(
            words("poll c1\r\npoll c2\r\n"),
            vec![vec!["poll", "c1"], vec!["poll", "c2"]]
        );
    }

    #[test]
    fn flags_are_recognised_only_unquoted() {
        let statement = statements(r#"x --topic "--topic" -5 -p -"#)
            .next()
            .unwrap()
            .unwrap();
        let flags: Vec<bool> = statement.words.iter().map(Word::is_flag).collect();
        assert_eq!(flags, [false, true, false, false, true, false]);
        let statement = statements(r#"x --value="a b" "--v"=1 --to\p x"#)
            .next()
            .unwrap()
            .unwrap();
        let flags: Vec<bool> = statement.words.iter().map(Word::is_flag).collect();
        assert_eq!(flags, [false, true, false, false, false]);
    }
}
