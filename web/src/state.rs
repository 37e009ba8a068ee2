//! The application state: one [`Reducible`] around the core world, shared through a context.
//! Components dispatch [`Action`]s; the reducer turns them into core commands.

use crate::vocab::Vocabulary;
use sim::{Command, Event, World, WorldConfig};
use std::rc::Rc;
use yew::prelude::*;

/// The topic the first page shows.
pub const DEMO_TOPIC: &str = "orders";
pub const DEMO_PARTITIONS: i64 = 3;
const DEMO_SEED: u64 = 42;

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

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub world: World,
    pub vocabulary: Vocabulary,
    pub last: Option<Outcome>,
    /// How many records were appended in total: keys the newest passenger's animation.
    pub appended: u64,
}

pub enum Action {
    Send {
        key: Option<String>,
        value: Option<String>,
    },
    ToggleVocabulary,
}

impl AppState {
    pub fn new() -> Self {
        let mut world = World::new(DEMO_SEED, WorldConfig::default());
        let created = world.apply(Command::CreateTopic {
            name: DEMO_TOPIC.into(),
            partitions: DEMO_PARTITIONS,
            replication_factor: None,
            config: Default::default(),
        });
        let last = created.err().map(|e| Outcome::Failed(e.to_string()));
        Self {
            world,
            vocabulary: Vocabulary::default(),
            last,
            appended: 0,
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        match action {
            Action::ToggleVocabulary => next.vocabulary = next.vocabulary.toggled(),
            Action::Send { key, value } => {
                let command = Command::Produce {
                    topic: DEMO_TOPIC.into(),
                    key,
                    value,
                    partition: None,
                    headers: Vec::new(),
                    timestamp_ms: None,
                    acks: None,
                };
                next.last = Some(match next.world.apply(command) {
                    Ok(events) => appended_outcome(&events),
                    Err(e) => Outcome::Failed(e.to_string()),
                });
                if matches!(next.last, Some(Outcome::Appended { .. })) {
                    next.appended += 1;
                }
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

    #[test]
    fn sending_appends_at_the_next_offset_and_reports_it() {
        let state = Rc::new(AppState::new());
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
        assert_eq!(state.appended, 2);
    }

    #[test]
    fn toggling_vocabulary_switches_between_train_and_kafka_words() {
        let state = Rc::new(AppState::new()).reduce(Action::ToggleVocabulary);
        assert_eq!(state.vocabulary, Vocabulary::Kafka);
    }
}
