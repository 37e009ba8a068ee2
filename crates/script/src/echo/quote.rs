//! Writing any text safely into generated code: Python string and bytes literals, Java string
//! literals, shell words and comments in all three.
//!
//! Keys, values, group ids and header texts come from the learner and may hold quotes,
//! backslashes, newlines, `$`, NUL or invisible characters; each helper turns them into
//! something the target language reads back as the same text (or, in a comment, as harmless
//! text on one line).

/// Characters written as escapes even where the language would accept them raw: line and
/// paragraph separators, invisible formatting characters and the bidirectional controls
/// (which can make code read differently from how it runs).
fn invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// A Python `str` literal in double quotes: `py_str("a\"b")` is `"a\"b"`.
pub fn py_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if invisible(c) => push_py_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn push_py_escape(out: &mut String, c: char) {
    let code = c as u32;
    if code <= 0xFF {
        out.push_str(&format!("\\x{code:02x}"));
    } else if code <= 0xFFFF {
        out.push_str(&format!("\\u{code:04x}"));
    } else {
        out.push_str(&format!("\\U{code:08x}"));
    }
}

/// A Python `bytes` value holding the UTF-8 of `text`: a `b"…"` literal when the text is
/// ASCII, else `"…".encode()` (a bytes literal cannot hold other characters).
pub fn py_bytes(text: &str) -> String {
    if !text.is_ascii() {
        return format!("{}.encode()", py_str(text));
    }
    let mut out = String::with_capacity(text.len() + 3);
    out.push_str("b\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Java `String` literal. Java turns `\uXXXX` into characters before it reads the code, so
/// a line break is never written as `\u000a` (it would end the line): control characters use
/// the short or octal escapes, and a backslash is always doubled.
pub fn java_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if invisible(c) && (c as u32) <= 0xFF => {
                out.push_str(&format!("\\{:03o}", c as u32));
            }
            c if invisible(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One shell word that the shell reads back as exactly `text` (as far as a command line can
/// hold it: a NUL byte ends an argument, so text after one is lost). Plain words stay bare,
/// others are single-quoted, and words with control characters use bash's `$'…'`.
pub fn sh_word(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-+=:,./@%".contains(c));
    if bare {
        return text.to_string();
    }
    if text.chars().any(invisible) {
        let mut out = String::from("$'");
        for c in text.chars() {
            match c {
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if invisible(c) && (c as u32) <= 0x7F => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c if invisible(c) && (c as u32) <= 0xFFFF => {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                }
                c if invisible(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Text for a comment (Python `#`, shell `#`, Java `//`): on one line, with control and
/// invisible characters shown as `\u{…}` escapes, so nothing after it becomes code. For Java
/// every backslash is doubled too: Java reads `\u000a` as a line break even in a comment.
pub fn comment_text(text: &str, java: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' if java => out.push_str("\\\\"),
            c if invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A Python or Java identifier for a client name (`checker-a` → `checker_a`), away from
/// both languages' keywords and the names the generated code uses itself.
pub fn ident(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "client_");
    }
    if RESERVED.contains(&out.as_str()) {
        out.push_str("_client");
    }
    out
}

/// Python and Java keywords, builtins the generated code calls, and its own names.
const RESERVED: &[&str] = &[
    // Python keywords and soft keywords
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "match",
    "case",
    "type",
    // Java keywords and literals
    "abstract",
    "boolean",
    "byte",
    "catch",
    "char",
    "const",
    "default",
    "do",
    "double",
    "enum",
    "extends",
    "final",
    "float",
    "goto",
    "implements",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "void",
    "volatile",
    "var",
    "record",
    "true",
    "false",
    "yield",
    "sealed",
    "permits",
    // names the generated code uses
    "admin",
    "props",
    "records",
    "record",
    "batch",
    "tp",
    "time",
    "subprocess",
    "kafka",
    "print",
    "len",
    "list",
    "dict",
    "str",
    "bytes",
    "int",
    "range",
    "tool",
    "handle",
    "deadline",
    "BOOTSTRAP",
    "consumer",
    "producer",
    "probe",
    "System",
    "Duration",
    "List",
    "Map",
    "Set",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_literals_escape_quotes_backslashes_and_invisible_characters() {
        assert_eq!(py_str("plain"), "\"plain\"");
        assert_eq!(py_str("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(py_str("\0\u{7f}\u{2028}é🚂"), "\"\\x00\\x7f\\u2028é🚂\"");
        assert_eq!(py_bytes("k\"1"), "b\"k\\\"1\"");
        assert_eq!(py_bytes("été"), "\"été\".encode()");
    }

    #[test]
    fn java_literals_never_write_a_line_break_as_a_unicode_escape() {
        assert_eq!(java_str("a\nb"), "\"a\\nb\"");
        assert_eq!(java_str("\0\u{1}"), "\"\\000\\001\"");
        assert_eq!(java_str("\\u000a"), "\"\\\\u000a\"");
        assert_eq!(java_str("\u{202e}"), "\"\\u202e\"");
    }

    #[test]
    fn shell_words_are_bare_single_quoted_or_ansi_c_quoted() {
        assert_eq!(sh_word("orders"), "orders");
        assert_eq!(sh_word("retention.ms=60000"), "retention.ms=60000");
        assert_eq!(sh_word(""), "''");
        assert_eq!(sh_word("it's $HOME"), "'it'\\''s $HOME'");
        assert_eq!(sh_word("a\nb"), "$'a\\nb'");
        assert_eq!(sh_word("~root"), "'~root'");
        assert_eq!(sh_word("*"), "'*'");
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(
            comment_text("a\nb\r\u{2029}", false),
            "a\\u{a}b\\u{d}\\u{2029}"
        );
        assert_eq!(comment_text("x\\u000a", true), "x\\\\u000a");
    }

    #[test]
    fn identifiers_avoid_keywords_and_digits() {
        assert_eq!(ident("c1"), "c1");
        assert_eq!(ident("checker-a.b"), "checker_a_b");
        assert_eq!(ident("1x"), "client_1x");
        assert_eq!(ident("class"), "class_client");
        assert_eq!(ident("time"), "time_client");
    }
}
