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
    Consumer,
    Group,
    Position,
    Committed,
    OffsetsTopic,
    Poll,
    Process,
    Commit,
    Crash,
    Restart,
    Rebalance,
    Generation,
    Lag,
    Broker,
    Replica,
    Leader,
    Isr,
    Batch,
    Coordinator,
    Idle,
    Duplicate,
    Skipped,
    Retention,
    Compaction,
    InHand,
    Transaction,
    Marker,
    LastStable,
    Database,
}

/// Every term, for tests and the glossary.
pub const ALL_TERMS: &[Term] = &[
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
    Term::Consumer,
    Term::Group,
    Term::Position,
    Term::Committed,
    Term::OffsetsTopic,
    Term::Poll,
    Term::Process,
    Term::Commit,
    Term::Crash,
    Term::Restart,
    Term::Rebalance,
    Term::Generation,
    Term::Lag,
    Term::Broker,
    Term::Replica,
    Term::Leader,
    Term::Isr,
    Term::Batch,
    Term::Coordinator,
    Term::Idle,
    Term::Duplicate,
    Term::Skipped,
    Term::Retention,
    Term::Compaction,
    Term::InHand,
    Term::Transaction,
    Term::Marker,
    Term::LastStable,
    Term::Database,
];

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
            Term::Consumer => ("ticket checker", "consumer"),
            Term::Group => ("team of checkers", "consumer group"),
            Term::Position => ("where the checker stands", "position"),
            Term::Committed => ("line in the notebook", "committed offset"),
            Term::OffsetsTopic => ("the notebook", "__consumer_offsets"),
            Term::Poll => ("collect tickets", "poll"),
            Term::Process => ("check", "process"),
            Term::Commit => ("write in the notebook", "commit"),
            Term::Crash => ("faint", "crash"),
            Term::Restart => ("wake up", "restart"),
            Term::Rebalance => ("reshuffle the team", "rebalance"),
            Term::Generation => ("shift", "generation"),
            Term::Lag => ("passengers still to check", "lag"),
            Term::Broker => ("depot", "broker"),
            Term::Replica => ("copy of the compartment", "replica"),
            Term::Leader => ("lead copy", "leader"),
            Term::Isr => ("copies keeping up", "in-sync replicas (ISR)"),
            Term::Batch => ("group boarding", "batch"),
            Term::Coordinator => ("notebook keeper", "group coordinator"),
            Term::Idle => ("waiting on the platform", "idle (no partitions)"),
            Term::Duplicate => ("checked twice", "processed twice (duplicate)"),
            Term::Skipped => ("never checked", "never processed (skipped)"),
            Term::Retention => ("passengers leaving the train", "retention"),
            Term::Compaction => ("only the newest passenger per ticket stays", "compaction"),
            Term::InHand => ("tickets in hand", "polled, not processed yet"),
            Term::Transaction => ("booking", "transaction"),
            Term::Marker => ("placard", "transaction marker"),
            Term::LastStable => ("first unsettled seat", "last stable offset"),
            Term::Database => ("ledger", "database (outside Kafka)"),
        }
    }

    /// A one-line explanation shown as a tooltip and in the legend.
    pub fn explanation(self) -> &'static str {
        match self {
            Term::Topic => "A named stream of records, split into partitions.",
            Term::Partition => "An append-only log. Order is kept within one partition only.",
            Term::Offset => {
                "A record's position in its partition: 0, 1, 2 … never changed; given again only after an unclean leader election cut the log back."
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
            Term::Consumer => "Reads records in order from the partitions it is assigned.",
            Term::Group => {
                "Consumers sharing a group.id split the partitions: each partition has one owner."
            }
            Term::Position => "The offset of the next record this consumer will fetch.",
            Term::Committed => {
                "The next offset to read, saved for the group: where a restarted consumer resumes."
            }
            Term::OffsetsTopic => {
                "The internal, compacted topic where the coordinator keeps committed offsets."
            }
            Term::Poll => "Fetch the next batch of records from the position onwards.",
            Term::Process => "The application handles the records it polled.",
            Term::Commit => "Save the position as the group's committed offset.",
            Term::Crash => "The consumer stops without committing or leaving the group.",
            Term::Restart => "A new consumer process starts and resumes from the committed offset.",
            Term::Rebalance => "The group reassigns partitions after a member joins or leaves.",
            Term::Generation => "Each completed rebalance starts a new generation of the group.",
            Term::Lag => "Log end offset minus committed offset: records not yet consumed.",
            Term::Broker => "A Kafka server; each partition has replicas on several brokers.",
            Term::Replica => "A copy of a partition's log on one broker.",
            Term::Leader => "The replica that takes writes and serves reads.",
            Term::Isr => "Replicas caught up with the leader; the high watermark waits for them.",
            Term::Batch => "Records the producer groups before sending (linger.ms, batch.size).",
            Term::Coordinator => "The broker that leads the group's __consumer_offsets partition.",
            Term::Idle => "More consumers than partitions: the extra consumer gets nothing.",
            Term::Duplicate => "Processed again after a crash: at-least-once delivery.",
            Term::Skipped => "Committed before processing, then lost in a crash: at-most-once.",
            Term::Retention => "Old segments are deleted by time or size; the log start moves up.",
            Term::Compaction => "Only the latest record per key is kept; offsets keep their gaps.",
            Term::InHand => {
                "Records a poll returned that the application has not processed yet: a crash loses them."
            }
            Term::Transaction => {
                "Records sent between beginTransaction and commitTransaction: read_committed consumers see all of them or none."
            }
            Term::Marker => {
                "The COMMIT or ABORT control record that ends a transaction: it takes an offset, no consumer returns it."
            }
            Term::LastStable => {
                "The first offset of the oldest open transaction (else the high watermark): read_committed consumers read below it."
            }
            Term::Database => {
                "The application's own store: results and offsets written in one transaction, read back on assignment."
            }
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
        for &term in ALL_TERMS {
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
