//! The train words a chapter's story may use, each with the Kafka words that must stand beside
//! it. The same pairs as the page's vocabulary table; this one also lists the forms a
//! sentence uses ("seat number", "wakes up") so a story can be checked.
//!
//! The rule a story follows: the first time a train word appears in a chapter it is followed,
//! within a few words, by a parenthesis naming its Kafka word ("seat number (offset)"), and
//! every paragraph that uses a train word names its Kafka word somewhere too.

/// One train word and its Kafka words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// The forms of the train word, lowercase, longest first where one contains another.
    pub train: &'static [&'static str],
    /// The Kafka words, lowercase; any one of them counts.
    pub kafka: &'static [&'static str],
}

/// Every train word the tutorial uses.
pub const TERMS: &[Term] = &[
    Term {
        train: &["train"],
        kafka: &["topic"],
    },
    Term {
        train: &["compartment"],
        kafka: &["partition"],
    },
    Term {
        train: &["first seat still on board"],
        kafka: &["log start"],
    },
    Term {
        train: &["next free seat"],
        kafka: &["log end"],
    },
    Term {
        train: &["boarding complete"],
        kafka: &["high watermark"],
    },
    Term {
        train: &["seat number", "seat"],
        kafka: &["offset"],
    },
    Term {
        train: &["passengers still to check"],
        kafka: &["lag"],
    },
    Term {
        train: &["passenger"],
        kafka: &["record"],
    },
    Term {
        train: &["platform"],
        kafka: &["producer"],
    },
    Term {
        train: &["ticket checker", "checker"],
        kafka: &["consumer"],
    },
    Term {
        train: &["team of checkers", "team"],
        kafka: &["consumer group", "group"],
    },
    Term {
        train: &["notebook keeper"],
        kafka: &["coordinator"],
    },
    Term {
        train: &["line in the notebook", "notebook line"],
        kafka: &["committed offset"],
    },
    Term {
        train: &["notebook"],
        kafka: &["__consumer_offsets", "commit"],
    },
    Term {
        train: &["tickets in hand"],
        kafka: &["polled"],
    },
    Term {
        train: &["ticket"],
        kafka: &["key"],
    },
    Term {
        train: &["luggage"],
        kafka: &["value"],
    },
    Term {
        train: &["collect tickets", "collects tickets"],
        kafka: &["poll"],
    },
    Term {
        train: &["faint"],
        kafka: &["crash"],
    },
    Term {
        train: &["wake up", "wakes up", "woke up"],
        kafka: &["restart"],
    },
    Term {
        train: &["reshuffle"],
        kafka: &["rebalanc"],
    },
    Term {
        train: &["shift"],
        kafka: &["generation"],
    },
    Term {
        train: &["depot"],
        kafka: &["broker"],
    },
    Term {
        train: &["copies", "copy"],
        kafka: &["replica"],
    },
    Term {
        train: &["checked twice"],
        kafka: &["duplicate", "processed twice"],
    },
    Term {
        train: &["never checked"],
        kafka: &["skip", "never processed"],
    },
    Term {
        train: &["ledger"],
        kafka: &["database"],
    },
    Term {
        train: &["booking office"],
        kafka: &["transaction coordinator"],
    },
    Term {
        train: &["booking"],
        kafka: &["transaction"],
    },
    Term {
        train: &["placard"],
        kafka: &["marker", "control record"],
    },
    Term {
        train: &["first unsettled seat"],
        kafka: &["last stable offset"],
    },
];

/// Endings a train word may carry ("seats", "fainted").
const ENDINGS: &[&str] = &["s", "es", "ed", "ing", ""];

/// A train word used in a text: which term, and the byte range of the use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    pub term: usize,
    pub start: usize,
    pub end: usize,
}

/// Every use of a train word in `text` (longest forms win where they overlap), in order.
/// Text in backticks is code (a console line, a config) and is not read.
pub fn uses(text: &str) -> Vec<Use> {
    let mut in_code = false;
    let lower: String = text
        .chars()
        .map(|c| {
            if c == '`' {
                in_code = !in_code;
            }
            if in_code || c == '`' {
                // Same length in bytes, so ranges stay valid in `text`.
                " ".repeat(c.len_utf8())
            } else {
                let l = c.to_ascii_lowercase();
                l.to_string()
            }
        })
        .collect();
    let mut forms: Vec<(usize, &str)> = TERMS
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.train.iter().map(move |f| (i, *f)))
        .collect();
    forms.sort_by_key(|(_, f)| std::cmp::Reverse(f.len()));
    let bytes = lower.as_bytes();
    let mut found: Vec<Use> = Vec::new();
    for (term, form) in forms {
        let mut from = 0;
        while let Some(at) = lower[from..].find(form) {
            let start = from + at;
            from = start + form.len();
            if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = &lower[start + form.len()..];
            let Some(ending) = ENDINGS.iter().find(|e| {
                rest.starts_with(*e)
                    && !rest[e.len()..]
                        .bytes()
                        .next()
                        .is_some_and(|b| b.is_ascii_alphanumeric())
            }) else {
                continue;
            };
            let end = start + form.len() + ending.len();
            if found.iter().any(|u| u.start < end && start < u.end) {
                continue;
            }
            found.push(Use { term, start, end });
        }
    }
    found.sort_by_key(|u| u.start);
    found
}

/// Whether `text` names one of the term's Kafka words.
pub fn names_kafka_word(term: &Term, text: &str) -> bool {
    let lower = text.to_lowercase();
    term.kafka.iter().any(|k| lower.contains(k))
}

/// Whether a parenthesis naming the term's Kafka word follows `end` within a few words.
pub fn kafka_word_beside(term: &Term, text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let window: String = rest.chars().take(40).collect();
    let Some(open) = window.find('(') else {
        return false;
    };
    let inside = &rest[open + 1..];
    let close = inside.find(')').unwrap_or(inside.len());
    names_kafka_word(term, &inside[..close])
}

/// What breaks the rule in a chapter's story, one message per problem (empty when none).
pub fn story_problems(paragraphs: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut introduced = vec![false; TERMS.len()];
    for (n, paragraph) in paragraphs.iter().enumerate() {
        let mut reported = vec![false; TERMS.len()];
        for u in uses(paragraph) {
            let term = &TERMS[u.term];
            let word = &paragraph[u.start..u.end];
            if !introduced[u.term] {
                introduced[u.term] = true;
                if !kafka_word_beside(term, paragraph, u.end) {
                    problems.push(format!(
                        "paragraph {}: the first '{word}' needs its Kafka word beside it, e.g. '{word} ({})'",
                        n + 1,
                        term.kafka[0]
                    ));
                }
            }
            if !reported[u.term] && !names_kafka_word(term, paragraph) {
                reported[u.term] = true;
                problems.push(format!(
                    "paragraph {}: uses '{word}' but never names '{}'",
                    n + 1,
                    term.kafka.join("' or '")
                ));
            }
        }
    }
    problems
}
