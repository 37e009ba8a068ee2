//! Kafka configs written `key=value`, checked against the names and value types of the real
//! clients and topics (`ConsumerConfig`, `ProducerConfig`, `TopicConfig`).
//!
//! Config names are accepted verbatim, exactly as in a Java `Properties` object or a
//! `consumer.properties` file, so a learner can copy them both ways. Unlike the Java client,
//! which only logs a warning for an unknown name, the console refuses it and suggests the
//! closest name: a silently ignored `enable.auto.comit=false` would teach the wrong lesson.
//! Value errors follow Kafka's `ConfigException` wording
//! (`Invalid value 0 for configuration max.poll.records: Value must be at least 1`).
//!
//! Values are stored in a canonical form (`TRUE` → `true`, `RangeAssignor` → `range`) so that
//! two commands that mean the same thing are equal and print the same.

use sim::catalog::{self, ConfigScope, ConfigSpec};

use crate::ast::Configs;
use crate::error::{ErrorKind, ParseError, Span};
use crate::lexer::Word;
use crate::suggest;

/// Which family of configs a `key=value` belongs to (named in error messages). The names,
/// types, bounds and defaults are the core's catalogue ([`sim::catalog`]), so the parser
/// accepts exactly what the core accepts.
#[derive(Clone, Copy)]
pub(crate) struct Scope {
    pub name: &'static str,
    pub scope: ConfigScope,
}

impl Scope {
    /// The configs of this family, sorted by name.
    pub fn specs(self) -> impl Iterator<Item = &'static ConfigSpec> {
        catalog::specs(self.scope)
    }
}

pub(crate) const CONSUMER_SCOPE: Scope = Scope {
    name: "consumer",
    scope: ConfigScope::Consumer,
};
pub(crate) const PRODUCER_SCOPE: Scope = Scope {
    name: "producer",
    scope: ConfigScope::Producer,
};
pub(crate) const TOPIC_SCOPE: Scope = Scope {
    name: "topic",
    scope: ConfigScope::Topic,
};
pub(crate) const FORMATTER_SCOPE: Scope = Scope {
    name: "console consumer --property",
    scope: ConfigScope::Formatter,
};

/// Reads one `key=value` word into `configs`.
pub(crate) fn read(word: &Word, scope: Scope, configs: &mut Configs) -> Result<(), ParseError> {
    let Some((raw_key, raw_value)) = word.text.split_once('=') else {
        let example = match scope.name {
            "consumer" => "group.id=g1",
            "producer" => "acks=all",
            "topic" => "retention.ms=60000",
            _ => "print.key=true",
        };
        return Err(ParseError::new(
            word.span,
            ErrorKind::UnexpectedArgument {
                found: word.text.clone(),
                message: format!(
                    "expected a {} config as key=value, e.g. {example}",
                    scope.name
                ),
            },
        ));
    };
    // Kafka trims both sides (TopicCommand splits on `\s*=\s*`; Properties trims keys).
    let key = raw_key.trim();
    let value = raw_value.trim();
    let key_span = if raw_key.chars().count() > word.bare_prefix {
        word.span
    } else {
        Span::new(word.span.line, word.span.column, raw_key.chars().count())
    };
    // The simulator's own consumer properties (a database outside Kafka), not Kafka configs.
    let simulator = scope.scope == ConfigScope::Consumer
        && sim::clients::SIMULATOR_CONSUMER_PROPERTIES
            .iter()
            .any(|(name, _)| *name == key);
    if simulator {
        sim::clients::check_database_name(value).map_err(|reason| {
            ParseError::new(
                word.span,
                ErrorKind::InvalidConfigValue {
                    key: key.to_string(),
                    value: value.to_string(),
                    reason,
                },
            )
        })?;
        return insert(configs, key, value.to_string(), word, key_span);
    }
    let Some(spec) = catalog::spec(scope.scope, key) else {
        let simulator_names = sim::clients::SIMULATOR_CONSUMER_PROPERTIES
            .iter()
            .map(|(name, _)| *name)
            .filter(|_| scope.scope == ConfigScope::Consumer);
        return Err(ParseError::new(
            key_span,
            ErrorKind::UnknownConfig {
                scope: scope.name.to_string(),
                key: key.to_string(),
                suggestion: suggest::closest(
                    key,
                    scope.specs().map(|s| s.name).chain(simulator_names),
                )
                .map(str::to_string),
            },
        ));
    };
    let canonical = spec.canonical(value).map_err(|reason| {
        ParseError::new(
            word.span,
            ErrorKind::InvalidConfigValue {
                key: key.to_string(),
                value: value.to_string(),
                reason,
            },
        )
    })?;
    insert(configs, key, canonical, word, key_span)
}

fn insert(
    configs: &mut Configs,
    key: &str,
    value: String,
    word: &Word,
    key_span: Span,
) -> Result<(), ParseError> {
    if configs.0.insert(key.to_string(), value).is_some() {
        return Err(ParseError::new(
            key_span,
            ErrorKind::UnexpectedArgument {
                found: word.text.clone(),
                message: format!("config '{key}' is set twice"),
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(text: &str, scope: Scope) -> Result<Configs, ParseError> {
        let word = Word::bare(text, Span::new(1, 10, text.chars().count()));
        let mut configs = Configs::default();
        read(&word, scope, &mut configs).map(|()| configs)
    }

    #[test]
    fn consumer_configs_are_accepted_verbatim() {
        let configs = read_one("enable.auto.commit=false", CONSUMER_SCOPE).unwrap();
        assert_eq!(configs.get_bool("enable.auto.commit"), Some(false));
        let configs = read_one("max.poll.records=10", CONSUMER_SCOPE).unwrap();
        assert_eq!(configs.get_i64("max.poll.records"), Some(10));
    }

    #[test]
    fn the_simulators_database_properties_are_accepted_for_consumers_only() {
        let configs = read_one("offset.store=results", CONSUMER_SCOPE).unwrap();
        assert_eq!(configs.get("offset.store"), Some("results"));
        let error = read_one("offset.store=a/b", CONSUMER_SCOPE).unwrap_err();
        assert!(
            error.message().contains("database name"),
            "{}",
            error.message()
        );
        assert!(read_one("results.store=db", PRODUCER_SCOPE).is_err());
        let error = read_one("offset.stor=db", CONSUMER_SCOPE).unwrap_err();
        assert_eq!(error.suggestion(), Some("offset.store"));
    }

    #[test]
    fn assignors_are_accepted_by_protocol_name_or_class_name() {
        let configs = read_one(
            "partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor,CooperativeStickyAssignor",
            CONSUMER_SCOPE,
        )
        .unwrap();
        assert_eq!(
            configs.get_list("partition.assignment.strategy"),
            Some(vec!["range", "cooperative-sticky"])
        );
    }

    #[test]
    fn a_misspelt_config_name_is_refused_with_a_suggestion() {
        let error = read_one("enable.auto.comit=false", CONSUMER_SCOPE).unwrap_err();
        assert_eq!(error.suggestion(), Some("enable.auto.commit"));
        assert_eq!(error.span, Span::new(1, 10, 17));
        assert_eq!(
            error.to_string(),
            "line 1, column 10: unknown consumer config 'enable.auto.comit'; did you mean 'enable.auto.commit'?"
        );
    }

    #[test]
    fn an_unknown_topic_config_uses_kafkas_message() {
        let error = read_one("retention.msx=5", TOPIC_SCOPE).unwrap_err();
        assert_eq!(error.message(), "Unknown topic config name: retention.msx");
        assert_eq!(error.suggestion(), Some("retention.ms"));
    }

    #[test]
    fn invalid_values_use_kafkas_config_exception_wording() {
        let message = |text: &str, scope| read_one(text, scope).unwrap_err().message();
        assert_eq!(
            message("max.poll.records=0", CONSUMER_SCOPE),
            "Invalid value 0 for configuration max.poll.records: Value must be at least 1"
        );
        assert_eq!(
            message("enable.auto.commit=yes", CONSUMER_SCOPE),
            "Invalid value yes for configuration enable.auto.commit: Expected value to be either true or false"
        );
        assert_eq!(
            message("acks=2", PRODUCER_SCOPE),
            "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"
        );
        assert_eq!(
            message("auto.commit.interval.ms=soon", CONSUMER_SCOPE),
            "Invalid value soon for configuration auto.commit.interval.ms: Not a number of type INT"
        );
        assert_eq!(
            message("min.cleanable.dirty.ratio=2", TOPIC_SCOPE),
            "Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"
        );
    }

    #[test]
    fn retention_accepts_minus_one_for_unlimited() {
        assert_eq!(
            read_one("retention.ms=-1", TOPIC_SCOPE)
                .unwrap()
                .get_i64("retention.ms"),
            Some(-1)
        );
        assert!(read_one("retention.ms=-2", TOPIC_SCOPE).is_err());
    }

    #[test]
    fn a_word_without_equals_is_not_a_config() {
        let error = read_one("acks", PRODUCER_SCOPE).unwrap_err();
        assert!(error.message().contains("key=value"));
    }

    #[test]
    fn values_are_stored_in_canonical_form() {
        assert_eq!(
            read_one("enable.idempotence=TRUE", PRODUCER_SCOPE)
                .unwrap()
                .get("enable.idempotence"),
            Some("true")
        );
        assert_eq!(
            read_one("cleanup.policy=compact, delete", TOPIC_SCOPE)
                .unwrap()
                .get("cleanup.policy"),
            Some("compact,delete")
        );
    }
}
