//! The application state: one [`Reducible`] around the core world, shared through a context.
//! Components dispatch [`Action`]s; the reducer turns them into core commands and keeps the
//! log of the commands that succeeded (the session, as it is saved).

use crate::vocab::Vocabulary;
use sim::{Command, Event, World, WorldConfig};
use std::rc::Rc;
use yew::prelude::*;

/// The topic the first page shows.
pub const DEMO_TOPIC: &str = "orders";
pub const DEMO_PARTITIONS: i64 = 3;

/// What the last action did, for the status line.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Appended {
        partition: i32,
        offset: i64,
        key: Option<String>,
    },
    Failed(String),
}

/// The saved session this page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionInfo {
    pub id: String,
    /// False when another tab writes this session: this one only follows it.
    pub writer: bool,
}

/// Whether the page has its saved session yet.
#[derive(Clone, Debug, PartialEq)]
pub enum Persistence {
    /// The store is opening; the world shown is the starting one.
    Opening,
    Ready(SessionInfo),
}

/// A session rebuilt from the store.
#[derive(Clone, Debug, PartialEq)]
pub struct Restored {
    pub world: World,
    pub log: Vec<Command>,
    pub session: SessionInfo,
    /// What went wrong while rebuilding, if anything (the rest was kept).
    pub problem: Option<String>,
    /// How many steps of `log` the store already holds.
    pub persisted_steps: u64,
}

#[derive(Clone, Debug)]
pub struct AppState {
    /// Bumped by every action: two states are equal exactly when their revisions are, so the
    /// context compares one number instead of two whole worlds on every change.
    revision: u64,
    pub world: World,
    /// The commands that changed the world, in order: replaying them rebuilds it.
    pub log: Vec<Command>,
    pub vocabulary: Vocabulary,
    pub last: Option<Outcome>,
    pub persistence: Persistence,
    /// Messages for the learner about saving (in memory only, read-only, damaged data …).
    pub notices: Vec<String>,
}

pub enum Action {
    Send {
        key: Option<String>,
        value: Option<String>,
    },
    ToggleVocabulary,
    SetVocabulary(Vocabulary),
    Restore(Box<Restored>),
    Notice(String),
}

/// Creates the demo topic in a new world; returns the commands applied.
pub fn demo_setup(world: &mut World) -> Vec<Command> {
    let create = Command::CreateTopic {
        name: DEMO_TOPIC.into(),
        partitions: DEMO_PARTITIONS,
        replication_factor: None,
        config: Default::default(),
    };
    match world.apply(create.clone()) {
        Ok(_) => vec![create],
        Err(_) => Vec::new(),
    }
}

impl AppState {
    pub fn new() -> Self {
        let mut world = World::new(crate::persistence::NEW_SESSION_SEED, WorldConfig::default());
        let log = demo_setup(&mut world);
        Self {
            world,
            log,
            vocabulary: Vocabulary::default(),
            last: None,
            persistence: Persistence::Opening,
            notices: Vec::new(),
            revision: 0,
        }
    }

    /// Records sent so far (to name the next one).
    pub fn appended(&self) -> usize {
        self.log
            .iter()
            .filter(|c| matches!(c, Command::Produce { .. }))
            .count()
    }

    /// Whether this page may change the world (its session is open and it is the writer).
    pub fn can_write(&self) -> bool {
        matches!(&self.persistence, Persistence::Ready(s) if s.writer)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.revision += 1;
        match action {
            Action::ToggleVocabulary => next.vocabulary = next.vocabulary.toggled(),
            Action::SetVocabulary(v) => next.vocabulary = v,
            Action::Notice(message) => next.notices.push(message),
            Action::Restore(restored) => {
                let Restored {
                    world,
                    log,
                    session,
                    problem,
                    ..
                } = *restored;
                next.world = world;
                next.log = log;
                next.persistence = Persistence::Ready(session);
                next.notices.extend(problem);
            }
            Action::Send { key, value } => {
                if !next.can_write() {
                    next.last = Some(Outcome::Failed(
                        "This tab is only following the session; take it over to make changes."
                            .into(),
                    ));
                    return Rc::new(next);
                }
                let command = Command::Produce {
                    topic: DEMO_TOPIC.into(),
                    partition: None,
                    key,
                    value,
                    headers: Vec::new(),
                    timestamp_ms: None,
                    acks: None,
                };
                next.last = Some(match next.world.apply(command.clone()) {
                    Ok(events) => {
                        next.log.push(command);
                        appended_outcome(&events)
                    }
                    Err(e) => Outcome::Failed(e.to_string()),
                });
            }
        }
        Rc::new(next)
    }
}

fn appended_outcome(events: &[Event]) -> Outcome {
    events
        .iter()
        .find_map(|e| match e {
            Event::RecordAppended {
                partition,
                offset,
                key,
                ..
            } => Some(Outcome::Appended {
                partition: *partition,
                offset: offset.0,
                key: key.clone(),
            }),
            _ => None,
        })
        .unwrap_or_else(|| Outcome::Failed("the record was not appended".into()))
}

pub type AppContext = UseReducerHandle<AppState>;

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> Rc<AppState> {
        let state = AppState::new();
        let restored = Restored {
            world: state.world.clone(),
            log: state.log.clone(),
            session: SessionInfo {
                id: "s".into(),
                writer: true,
            },
            problem: None,
            persisted_steps: 0,
        };
        Rc::new(state).reduce(Action::Restore(Box::new(restored)))
    }

    #[test]
    fn sending_appends_at_the_next_offset_and_logs_the_command() {
        let state = ready();
        let state = state.reduce(Action::Send {
            key: Some("alice".into()),
            value: Some("1".into()),
        });
        let Some(Outcome::Appended {
            partition, offset, ..
        }) = state.last.clone()
        else {
            panic!("expected an append, got {:?}", state.last);
        };
        assert_eq!(offset, 0);
        let state = state.reduce(Action::Send {
            key: Some("alice".into()),
            value: Some("2".into()),
        });
        assert_eq!(
            state.last,
            Some(Outcome::Appended {
                partition,
                offset: 1,
                key: Some("alice".into())
            })
        );
        assert_eq!(state.appended(), 2);
        assert_eq!(state.log.len(), 3, "create topic + two sends");
    }

    #[test]
    fn replaying_the_log_rebuilds_the_same_world() {
        let mut state = ready();
        for key in ["a", "b", "c", "a"] {
            state = state.reduce(Action::Send {
                key: Some(key.into()),
                value: None,
            });
        }
        let mut replayed = World::new(crate::persistence::NEW_SESSION_SEED, WorldConfig::default());
        for command in &state.log {
            replayed.apply(command.clone()).unwrap();
        }
        assert_eq!(replayed.state_hash(), state.world.state_hash());
    }

    #[test]
    fn a_follower_tab_cannot_send() {
        let state = Rc::new(AppState::new());
        let state = state.reduce(Action::Send {
            key: None,
            value: None,
        });
        assert!(matches!(state.last, Some(Outcome::Failed(_))));
        assert_eq!(state.appended(), 0);
    }

    #[test]
    fn every_action_makes_a_state_that_differs_from_the_last() {
        let before = Rc::new(AppState::new());
        let after = Rc::clone(&before).reduce(Action::ToggleVocabulary);
        assert!(*before != *after);
        assert!(*after == (*after).clone());
    }

    #[test]
    fn toggling_vocabulary_switches_between_train_and_kafka_words() {
        let state = Rc::new(AppState::new()).reduce(Action::ToggleVocabulary);
        assert_eq!(state.vocabulary, Vocabulary::Kafka);
    }
}
