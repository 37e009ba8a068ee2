//! Notices: what the store tells the learner when something did not go as planned, while the
//! app keeps working. The app shows each one once (take them with [`crate::Store::take_notices`]).

use std::fmt;

use crate::codec::{DamagedRecord, Problem};

/// Something the learner should know about their saved data.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// IndexedDB could not be used (private mode, storage disabled, blocked by another tab):
    /// everything lives in memory for this visit and is lost when the tab closes.
    InMemoryOnly { reason: String },
    /// The saved data was written by a newer version of the app. It is opened read-only and
    /// never overwritten; changes in this visit live in memory (export them to keep them).
    ReadOnlyNewerVersion { found: u32, supported: u32 },
    /// The browser's storage is full. From now on the app works in memory; export sessions to
    /// keep them.
    QuotaExceeded,
    /// A stored record could not be read and was skipped; everything else was kept. The raw
    /// text is in the record, for export.
    Damaged(DamagedRecord),
    /// Saved data from an earlier version was upgraded.
    Migrated { from: u32, to: u32, sessions: usize },
    /// Another tab is writing this session: this tab follows it read-only until it takes over.
    FollowingAnotherTab { session: String },
    /// Another tab took this session over: this tab now follows it read-only.
    TakenOverByAnotherTab { session: String },
    /// The browser offers no Web Locks: two tabs on one session are not kept apart, only the
    /// append-only log stops them from overwriting each other's steps.
    TwoTabGuardUnavailable,
    /// Another tab opened a newer version of the app and needed the database: this tab closed
    /// its connection and keeps working in memory.
    ClosedForNewerVersion,
}

impl Notice {
    /// The session this notice is about, if it is about one.
    pub fn session(&self) -> Option<&str> {
        match self {
            Notice::Damaged(d) => d.session.as_deref(),
            Notice::FollowingAnotherTab { session } | Notice::TakenOverByAnotherTab { session } => {
                Some(session)
            }
            _ => None,
        }
    }

    /// Whether the app should offer to export data so that it is not lost.
    pub fn offers_export(&self) -> bool {
        matches!(
            self,
            Notice::InMemoryOnly { .. }
                | Notice::ReadOnlyNewerVersion { .. }
                | Notice::QuotaExceeded
                | Notice::Damaged(_)
                | Notice::ClosedForNewerVersion
        )
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::InMemoryOnly { reason } => write!(
                f,
                "Saving is not available ({reason}). Everything works, but is lost when this tab \
                 closes: export your sessions to keep them."
            ),
            Notice::ReadOnlyNewerVersion { found, supported } => write!(
                f,
                "Your saved data comes from a newer version of Offset Express (schema {found}, \
                 this page knows {supported}). It is shown read-only and left untouched; changes \
                 made here are not saved: export them to keep them."
            ),
            Notice::QuotaExceeded => write!(
                f,
                "The browser's storage is full. Everything keeps working, but new changes are \
                 only kept in this tab: export your sessions to keep them."
            ),
            Notice::Damaged(d) => {
                let what = match &d.session {
                    Some(s) => format!("Part of session `{s}`"),
                    None => "A saved setting".to_string(),
                };
                let why = match &d.problem {
                    Problem::Corrupt(m) => m.clone(),
                    Problem::Newer(v) => format!("written by a newer version (schema {v})"),
                };
                write!(
                    f,
                    "{what} could not be read and was skipped ({}: {why}). Everything else is \
                     intact; you can export the raw data.",
                    d.key
                )
            }
            Notice::Migrated { from, to, sessions } => write!(
                f,
                "Your saved data was upgraded from schema {from} to {to} ({sessions} sessions)."
            ),
            Notice::FollowingAnotherTab { session } => write!(
                f,
                "Session `{session}` is open in another tab. This tab follows it read-only; take \
                 over to continue here."
            ),
            Notice::TakenOverByAnotherTab { session } => write!(
                f,
                "Another tab took over session `{session}`. This tab now follows it read-only."
            ),
            Notice::TwoTabGuardUnavailable => write!(
                f,
                "This browser cannot keep two tabs apart: avoid opening one session in two tabs."
            ),
            Notice::ClosedForNewerVersion => write!(
                f,
                "A newer version of Offset Express was opened in another tab. This tab keeps \
                 working, but its changes are no longer saved: export them or reload."
            ),
        }
    }
}
