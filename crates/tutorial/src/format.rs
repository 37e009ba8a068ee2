//! The chapter file format (a small Markdown dialect, so a chapter reads well on its own):
//!
//! ````markdown
//! # Seats and passengers
//! id: seats-and-passengers
//! number: 1
//! kafka-title: Offsets in a partition
//! par: 2
//!
//! ## Story
//!
//! A paragraph. Lines of one paragraph join with a space; a blank line ends it.
//!
//! ## Setup
//!
//! ```console
//! kafka-topics --create --topic orders --partitions 1
//! ```
//!
//! ## Goal
//!
//! What the learner should reach (one paragraph).
//!
//! check: records orders:0 >= 2
//!
//! ## Hints
//!
//! - A first hint.
//! - A second one, which may go on
//!   on an indented line.
//!
//! ## Solution
//!
//! ```console
//! kafka-console-producer --topic orders --value a
//! kafka-console-producer --topic orders --value b
//! ```
//! ````
//!
//! The sections come in this order; `## Goal` may repeat. Blank lines and `#` comment lines
//! inside a `console` block are skipped. Every error names the file and the line.

use std::fmt;

use crate::{Chapter, Check, Goal};

/// A chapter file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterError {
    pub file: String,
    /// From 1.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ChapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ChapterError {}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Section {
    Header,
    Story,
    Setup,
    Goal,
    Hints,
    Solution,
}

impl Section {
    fn heading(self) -> &'static str {
        match self {
            Section::Header => "the header",
            Section::Story => "## Story",
            Section::Setup => "## Setup",
            Section::Goal => "## Goal",
            Section::Hints => "## Hints",
            Section::Solution => "## Solution",
        }
    }
}

struct Parser<'a> {
    file: &'a str,
}

impl Parser<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> ChapterError {
        ChapterError {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }
}

/// Parses one chapter file; `file` is the name used in error messages.
pub fn parse_chapter(file: &str, text: &str) -> Result<Chapter, ChapterError> {
    let p = Parser { file };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end()))
        .collect();
    let mut iter = lines.iter().copied().skip_while(|(_, l)| l.is_empty());
    let Some((title_line, first)) = iter.next() else {
        return Err(p.err(1, "empty file: a chapter starts with '# Title'"));
    };
    let title = first
        .strip_prefix("# ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            p.err(
                title_line,
                "a chapter starts with '# Title' (its train title)",
            )
        })?
        .to_string();

    let mut id = None;
    let mut number = None;
    let mut kafka_title = None;
    let mut par = None;
    let mut story: Vec<String> = Vec::new();
    let mut setup = None;
    let mut goals: Vec<Goal> = Vec::new();
    let mut hints: Vec<String> = Vec::new();
    let mut solution = None;

    let mut section = Section::Header;
    // Collects a paragraph's lines (story, goal text).
    let mut paragraph: Vec<&str> = Vec::new();
    // A `console` block in progress: the line it opened on and its lines.
    let mut block: Option<(usize, Vec<String>)> = None;
    let mut section_line = title_line;

    let rest: Vec<(usize, &str)> = iter.collect();
    let mut i = 0;
    while i <= rest.len() {
        let current = rest.get(i).copied();
        i += 1;
        // A heading or the end of the file closes the section.
        let heading = current
            .and_then(|(_, l)| l.strip_prefix("## "))
            .map(str::trim);
        if let (None, Some((open, _))) = (current, &block) {
            return Err(p.err(*open, "this console block is never closed with ```"));
        }
        if current.is_none() || (heading.is_some() && block.is_none()) {
            finish_paragraph(section, &mut paragraph, &mut story, &mut goals);
            match section {
                Section::Setup | Section::Solution => {
                    let target = if section == Section::Setup {
                        &setup
                    } else {
                        &solution
                    };
                    if target.is_none() {
                        return Err(p.err(
                            section_line,
                            format!("{} needs a ```console block", section.heading()),
                        ));
                    }
                }
                Section::Goal => {
                    let goal = goals
                        .last()
                        .ok_or_else(|| p.err(section_line, "empty goal"))?;
                    if goal.text.is_empty() {
                        return Err(
                            p.err(section_line, "a goal starts with its text for the learner")
                        );
                    }
                    if goal.checks.is_empty() {
                        return Err(
                            p.err(section_line, "a goal needs at least one 'check: …' line")
                        );
                    }
                }
                Section::Story if story.is_empty() => {
                    return Err(p.err(section_line, "the story needs at least one paragraph"));
                }
                Section::Hints if hints.is_empty() => {
                    return Err(p.err(section_line, "## Hints needs at least one '- hint'"));
                }
                _ => {}
            }
            let Some((n, _)) = current else { break };
            let next = match heading.unwrap_or_default() {
                "Story" => Section::Story,
                "Setup" => Section::Setup,
                "Goal" => Section::Goal,
                "Hints" => Section::Hints,
                "Solution" => Section::Solution,
                other => {
                    return Err(p.err(
                        n,
                        format!(
                            "unknown section '## {other}': expected Story, Setup, Goal, Hints or Solution"
                        ),
                    ))
                }
            };
            let allowed: &[Section] = match section {
                Section::Header => &[Section::Story],
                Section::Story => &[Section::Setup],
                Section::Setup => &[Section::Goal],
                Section::Goal => &[Section::Goal, Section::Hints],
                Section::Hints => &[Section::Solution],
                Section::Solution => &[],
            };
            if !allowed.contains(&next) {
                let expected = if allowed.is_empty() {
                    "nothing: ## Solution is the last section".to_string()
                } else {
                    allowed
                        .iter()
                        .map(|s| s.heading())
                        .collect::<Vec<_>>()
                        .join(" or ")
                };
                return Err(p.err(
                    n,
                    format!(
                        "expected {expected} here (the sections are Story, Setup, Goal (one or more), Hints, Solution, in this order)"
                    ),
                ));
            }
            if section == Section::Header {
                for (value, name) in [
                    (id.is_some(), "id"),
                    (number.is_some(), "number"),
                    (kafka_title.is_some(), "kafka-title"),
                    (par.is_some(), "par"),
                ] {
                    if !value {
                        return Err(p.err(
                            n,
                            format!("the header needs '{name}: …' before the sections"),
                        ));
                    }
                }
            }
            if next == Section::Goal {
                goals.push(Goal {
                    text: String::new(),
                    checks: Vec::new(),
                });
            }
            section = next;
            section_line = n;
            continue;
        }
        let Some((n, line)) = current else { break };

        // Inside a console block.
        if let Some((open, lines)) = block.as_mut() {
            if line.trim() == "```" {
                let open = *open;
                let lines = std::mem::take(lines);
                block = None;
                if lines.is_empty() {
                    return Err(p.err(open, "an empty console block"));
                }
                let target = if section == Section::Setup {
                    &mut setup
                } else {
                    &mut solution
                };
                *target = Some(lines);
                continue;
            }
            let t = line.trim();
            if !t.is_empty() && !t.starts_with('#') {
                if let Err(e) = script::parse_line(t) {
                    return Err(p.err(
                        n,
                        format!("this console line does not parse: {}", e.message()),
                    ));
                }
                lines.push(t.to_string());
            }
            continue;
        }

        match section {
            Section::Header => {
                if line.is_empty() {
                    continue;
                }
                let (key, value) = line
                    .split_once(':')
                    .map(|(k, v)| (k.trim(), v.trim()))
                    .ok_or_else(|| {
                        p.err(
                            n,
                            "expected 'key: value' (id, number, kafka-title, par) or '## Story'",
                        )
                    })?;
                if value.is_empty() {
                    return Err(p.err(n, format!("'{key}' has no value")));
                }
                let slot_taken = match key {
                    "id" => {
                        if !value
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                        {
                            return Err(
                                p.err(n, "an id is a slug: lowercase letters, digits and '-'")
                            );
                        }
                        id.replace(value.to_string()).is_some()
                    }
                    "number" => number
                        .replace(value.parse::<u32>().map_err(|_| {
                            p.err(n, format!("number '{value}' is not a whole number"))
                        })?)
                        .is_some(),
                    "kafka-title" => kafka_title.replace(value.to_string()).is_some(),
                    "par" => par
                        .replace(value.parse::<usize>().map_err(|_| {
                            p.err(n, format!("par '{value}' is not a whole number"))
                        })?)
                        .is_some(),
                    other => {
                        return Err(p.err(
                            n,
                            format!(
                                "unknown header '{other}': expected id, number, kafka-title or par"
                            ),
                        ))
                    }
                };
                if slot_taken {
                    return Err(p.err(n, format!("'{key}' is given twice")));
                }
            }
            Section::Story => {
                if line.is_empty() {
                    finish_paragraph(section, &mut paragraph, &mut story, &mut goals);
                } else {
                    paragraph.push(line.trim());
                }
            }
            Section::Setup | Section::Solution => {
                let t = line.trim();
                if t.is_empty() {
                    continue;
                }
                if t == "```console" {
                    let taken = if section == Section::Setup {
                        setup.is_some()
                    } else {
                        solution.is_some()
                    };
                    if taken {
                        return Err(
                            p.err(n, format!("{} holds one console block", section.heading()))
                        );
                    }
                    block = Some((n, Vec::new()));
                } else {
                    return Err(p.err(
                        n,
                        format!(
                            "{} holds one ```console block and nothing else",
                            section.heading()
                        ),
                    ));
                }
            }
            Section::Goal => {
                let t = line.trim();
                if let Some(check) = t.strip_prefix("check:") {
                    finish_paragraph(section, &mut paragraph, &mut story, &mut goals);
                    let offset = line.len() - line.trim_start().len() + "check:".len();
                    let spaces = check.len() - check.trim_start().len();
                    let check: Check = check.trim().parse().map_err(|e: crate::CheckError| {
                        p.err(
                            n,
                            format!("column {}: {}", offset + spaces + e.column, e.message),
                        )
                    })?;
                    if let Some(goal) = goals.last_mut() {
                        if goal.text.is_empty() {
                            return Err(p.err(
                                n,
                                "a goal starts with its text for the learner, then its checks",
                            ));
                        }
                        goal.checks.push(check);
                    }
                } else if t.is_empty() {
                    finish_paragraph(section, &mut paragraph, &mut story, &mut goals);
                } else {
                    if goals.last().is_some_and(|g| {
                        !g.checks.is_empty() || (!g.text.is_empty() && paragraph.is_empty())
                    }) {
                        return Err(p.err(
                            n,
                            "a goal's text is one paragraph, before its 'check:' lines",
                        ));
                    }
                    paragraph.push(t);
                }
            }
            Section::Hints => {
                if line.is_empty() {
                    continue;
                }
                if let Some(item) = line.strip_prefix("- ") {
                    hints.push(item.trim().to_string());
                } else if line.starts_with("  ") && !hints.is_empty() {
                    if let Some(last) = hints.last_mut() {
                        last.push(' ');
                        last.push_str(line.trim());
                    }
                } else {
                    return Err(p.err(
                        n,
                        "a hint is a '- ' list item (continued on indented lines)",
                    ));
                }
            }
        }
    }
    if section != Section::Solution {
        let last = lines.last().map_or(1, |(n, _)| *n);
        let missing = match section {
            Section::Header => Section::Story,
            Section::Story => Section::Setup,
            Section::Setup => Section::Goal,
            Section::Goal => Section::Hints,
            _ => Section::Solution,
        };
        return Err(p.err(last, format!("the file ends before {}", missing.heading())));
    }
    // The header is checked when the first section opens; these cannot be missing here.
    let missing = |name: &str| p.err(title_line, format!("the header needs '{name}: …'"));
    Ok(Chapter {
        id: id.ok_or_else(|| missing("id"))?,
        number: number.ok_or_else(|| missing("number"))?,
        title,
        kafka_title: kafka_title.ok_or_else(|| missing("kafka-title"))?,
        story,
        setup: setup.unwrap_or_default(),
        goals,
        hints,
        solution: solution.unwrap_or_default(),
        par: par.ok_or_else(|| missing("par"))?,
    })
}

fn finish_paragraph(
    section: Section,
    paragraph: &mut Vec<&str>,
    story: &mut Vec<String>,
    goals: &mut [Goal],
) {
    if paragraph.is_empty() {
        return;
    }
    let text = paragraph.join(" ");
    paragraph.clear();
    match section {
        Section::Story => story.push(text),
        Section::Goal => {
            if let Some(goal) = goals.last_mut() {
                goal.text = text;
            }
        }
        _ => {}
    }
}
