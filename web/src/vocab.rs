//! One vocabulary table for the whole UI: every concept has a train word and a Kafka word, and
//! components ask this table instead of writing either in place.

use std::fmt;

/// Which words the learner has chosen to see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Vocabulary {
    #[default]
    Train,
    Kafka,
}

impl Vocabulary {
    /// The name on the switch.
    pub fn short_name(self) -> &'static str {
        match self {
            Vocabulary::Train => "Train",
            Vocabulary::Kafka => "Kafka",
        }
    }

    pub fn toggled(self) -> Self {
        match self {
            Vocabulary::Train => Vocabulary::Kafka,
            Vocabulary::Kafka => Vocabulary::Train,
        }
    }
}

impl fmt::Display for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vocabulary::Train => "Train words",
            Vocabulary::Kafka => "Kafka words",
        })
    }
}

/// A concept the UI names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Topic,
    Partition,
    Offset,
    Record,
    Producer,
    Key,
    Value,
    Send,
    LogStart,
    HighWatermark,
    LogEnd,
}

impl Term {
    /// The word for this concept in the chosen vocabulary.
    pub fn word(self, vocabulary: Vocabulary) -> &'static str {
        let (train, kafka) = self.words();
        match vocabulary {
            Vocabulary::Train => train,
            Vocabulary::Kafka => kafka,
        }
    }

    /// Both words: (train, Kafka).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Term::Topic => ("train", "topic"),
            Term::Partition => ("compartment", "partition"),
            Term::Offset => ("seat", "offset"),
            Term::Record => ("passenger", "record"),
            Term::Producer => ("platform", "producer"),
            Term::Key => ("ticket (key)", "key"),
            Term::Value => ("luggage (value)", "value"),
            Term::Send => ("Board a passenger", "Send a record"),
            Term::LogStart => ("first seat still on board", "log start offset"),
            Term::HighWatermark => ("boarding complete up to", "high watermark"),
            Term::LogEnd => ("next free seat", "log end offset"),
        }
    }

    /// A one-line explanation shown as a tooltip and in the legend.
    pub fn explanation(self) -> &'static str {
        match self {
            Term::Topic => "A named stream of records, split into partitions.",
            Term::Partition => "An append-only log. Order is kept within one partition only.",
            Term::Offset => {
                "A record's position in its partition: 0, 1, 2 … never changed, never reused."
            }
            Term::Record => "One message: a key, a value and a timestamp.",
            Term::Producer => "Sends records; the key decides the partition.",
            Term::Key => {
                "Records with the same key always go to the same partition (murmur2 hash)."
            }
            Term::Value => "The payload the record carries.",
            Term::Send => "Append one record to the topic.",
            Term::LogStart => {
                "The first offset still retained; older records were deleted by retention."
            }
            Term::HighWatermark => {
                "Records below it are on every in-sync replica: consumers may read up to here."
            }
            Term::LogEnd => "The offset the next appended record will get (LEO).",
        }
    }
}

/// Capitalises the first letter, for headings and labels.
pub fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_has_distinct_train_and_kafka_words() {
        let all = [
            Term::Topic,
            Term::Partition,
            Term::Offset,
            Term::Record,
            Term::Producer,
            Term::Key,
            Term::Value,
            Term::Send,
            Term::LogStart,
            Term::HighWatermark,
            Term::LogEnd,
        ];
        for term in all {
            let (train, kafka) = term.words();
            assert_ne!(train, kafka, "{term:?}");
            assert_eq!(term.word(Vocabulary::Train), train);
            assert_eq!(term.word(Vocabulary::Kafka), kafka);
        }
    }

    #[test]
    fn capitalised_upper_cases_only_the_first_letter() {
        assert_eq!(capitalised("compartment"), "Compartment");
        assert_eq!(capitalised(""), "");
    }
}
