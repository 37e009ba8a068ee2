//! Reading typed values out of words: numbers, names, `topic:partition`, durations, datetimes.
//!
//! Every reader takes the [`Word`] so its error points at that word, and says what was
//! expected. Negative numbers are refused where Kafka refuses them, with Kafka's wording where
//! it has one (`seek offset must not be a negative number`).

use std::collections::BTreeMap;

use crate::ast::{PartitionId, TopicName, TopicPartition, TopicSelection};
use crate::error::{ErrorKind, ParseError};
use crate::lexer::Word;

fn error(word: &Word, kind: ErrorKind) -> ParseError {
    ParseError::new(word.span, kind)
}

fn is_negative_number(text: &str) -> bool {
    text.strip_prefix('-')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
}

/// A whole number ≥ 0. `what` names it in errors ("an offset"); `negative` is the message for
/// a negative number (Kafka's own text where it has one).
pub fn non_negative(word: &Word, what: &str, negative: &str) -> Result<u64, ParseError> {
    let text = word.text.as_str();
    if is_negative_number(text) {
        return Err(error(
            word,
            ErrorKind::NegativeNumber {
                found: text.to_string(),
                message: negative.to_string(),
            },
        ));
    }
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(error(
            word,
            ErrorKind::InvalidNumber {
                what: what.to_string(),
                found: text.to_string(),
            },
        ));
    }
    text.parse::<u64>().map_err(|_| too_large(word, what))
}

/// A whole number that may be negative (`--shift-by -3`).
pub fn signed(word: &Word, what: &str) -> Result<i64, ParseError> {
    let text = word.text.as_str();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(error(
            word,
            ErrorKind::InvalidNumber {
                what: what.to_string(),
                found: text.to_string(),
            },
        ));
    }
    text.parse::<i64>().map_err(|_| too_large(word, what))
}

fn too_large(word: &Word, what: &str) -> ParseError {
    error(
        word,
        ErrorKind::NumberOutOfRange {
            found: word.text.clone(),
            message: format!("'{}' is too large for {what}", word.text),
        },
    )
}

/// A whole number in `min..=max`.
pub fn bounded(word: &Word, what: &str, min: u64, max: u64) -> Result<u64, ParseError> {
    let negative = format!("{what} must be at least {min}, found '{}'", word.text);
    let value = non_negative(word, what, &negative)?;
    if value < min || value > max {
        let message = if value < min {
            format!("{what} must be at least {min}, found {value}")
        } else {
            format!("{what} must be at most {max}, found {value}")
        };
        return Err(error(
            word,
            ErrorKind::NumberOutOfRange {
                found: word.text.clone(),
                message,
            },
        ));
    }
    Ok(value)
}

/// A partition id: 0 ≤ id ≤ 2^31 − 1 (a Java int).
pub fn partition_id(word: &Word) -> Result<PartitionId, ParseError> {
    partition_text(&word.text, word, &word.text)
}

fn partition_text(text: &str, word: &Word, whole: &str) -> Result<PartitionId, ParseError> {
    let bad = |message: String| {
        error(
            word,
            ErrorKind::InvalidTopicPartition {
                found: whole.to_string(),
                message,
            },
        )
    };
    if is_negative_number(text) {
        return Err(bad(format!(
            "partition '{text}' is negative; partitions are numbered from 0"
        )));
    }
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad(format!(
            "expected a partition number after ':', found '{text}' (e.g. orders:0)"
        )));
    }
    match text.parse::<u32>() {
        Ok(p) if p <= i32::MAX as u32 => Ok(p),
        _ => Err(bad(format!("partition '{text}' is too large"))),
    }
}

/// Checks a topic name as Kafka does (`org.apache.kafka.common.internals.Topic.validate`),
/// with Kafka's messages.
pub fn topic_name_text(name: &str) -> Result<TopicName, String> {
    if name.is_empty() {
        return Err("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return Err("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.chars().count() > 249 {
        return Err(format!(
            "Topic name is illegal, it can't be longer than 249 characters, topic name: {name}"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return Err(format!(
            "Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(name.to_string())
}

/// A topic name.
pub fn topic_name(word: &Word) -> Result<TopicName, ParseError> {
    topic_name_text(&word.text)
        .map_err(|message| error(word, ErrorKind::InvalidTopicName { message }))
}

fn split_topic<'a>(word: &'a Word, example: &str) -> Result<(TopicName, &'a str), ParseError> {
    let Some((topic, rest)) = word.text.split_once(':') else {
        return Err(error(
            word,
            ErrorKind::InvalidTopicPartition {
                found: word.text.clone(),
                message: format!("expected topic:partition, e.g. {example}"),
            },
        ));
    };
    let topic = topic_name_text(topic)
        .map_err(|message| error(word, ErrorKind::InvalidTopicName { message }))?;
    Ok((topic, rest))
}

/// `orders:0`.
pub fn topic_partition(word: &Word) -> Result<TopicPartition, ParseError> {
    let (topic, rest) = split_topic(word, "orders:0")?;
    let partition = partition_text(rest, word, &word.text)?;
    Ok(TopicPartition { topic, partition })
}

/// `orders` (every partition) or `orders:0,1,2`.
pub fn topic_selection(word: &Word) -> Result<TopicSelection, ParseError> {
    if !word.text.contains(':') {
        return Ok(TopicSelection {
            topic: topic_name(word)?,
            partitions: None,
        });
    }
    let (topic, rest) = split_topic(word, "orders:0,1")?;
    let mut partitions = Vec::new();
    for part in rest.split(',') {
        partitions.push(partition_text(part, word, &word.text)?);
    }
    Ok(TopicSelection {
        topic,
        partitions: Some(partitions),
    })
}

/// `0,1,2` (for `--partitions` of kafka-get-offsets).
pub fn partition_list(word: &Word) -> Result<Vec<PartitionId>, ParseError> {
    word.text
        .split(',')
        .map(|part| partition_text(part, word, &word.text))
        .collect()
}

/// `orders:0=42,orders:1=7`: the offsets to commit (each the next offset to read).
pub fn offsets_map(word: &Word) -> Result<BTreeMap<TopicPartition, u64>, ParseError> {
    let mut offsets = BTreeMap::new();
    for entry in word.text.split(',') {
        let bad = |message: String| {
            error(
                word,
                ErrorKind::InvalidTopicPartition {
                    found: entry.to_string(),
                    message,
                },
            )
        };
        let Some((tp, offset)) = entry.split_once('=') else {
            return Err(bad(
                "expected topic:partition=offset, e.g. orders:0=42".into()
            ));
        };
        let Some((topic, partition)) = tp.split_once(':') else {
            return Err(bad(
                "expected topic:partition=offset, e.g. orders:0=42".into()
            ));
        };
        let topic = topic_name_text(topic)
            .map_err(|message| error(word, ErrorKind::InvalidTopicName { message }))?;
        let partition = partition_text(partition, word, entry)?;
        if is_negative_number(offset) {
            // Kafka's OffsetAndMetadata constructor.
            return Err(error(
                word,
                ErrorKind::NegativeNumber {
                    found: offset.to_string(),
                    message: "Invalid negative offset".into(),
                },
            ));
        }
        if offset.is_empty() || !offset.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad(format!(
                "expected an offset after '=', found '{offset}'"
            )));
        }
        let offset: u64 = offset
            .parse()
            .map_err(|_| bad(format!("offset '{offset}' is too large")))?;
        let key = TopicPartition { topic, partition };
        if offsets.insert(key.clone(), offset).is_some() {
            return Err(bad(format!(
                "{}:{} is given more than once",
                key.topic, key.partition
            )));
        }
    }
    Ok(offsets)
}

/// A client name (`p1`, `checker-a`): letters, digits, `.`, `_`, `-`, starting with a letter or
/// digit, at most 64 characters.
pub fn client_name(word: &Word) -> Result<String, ParseError> {
    let text = &word.text;
    let ok = text.chars().count() <= 64
        && text.chars().next().is_some_and(|c| c.is_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-');
    if ok {
        Ok(text.clone())
    } else {
        Err(error(
            word,
            ErrorKind::InvalidName {
                found: text.clone(),
                message: "a client name is letters, digits, '.', '_' and '-', starting with a letter or digit (at most 64)".into(),
            },
        ))
    }
}

/// A group id: any non-empty text (Kafka refuses an empty group id for group operations).
pub fn group_id(word: &Word) -> Result<String, ParseError> {
    if word.text.is_empty() {
        return Err(error(
            word,
            ErrorKind::InvalidName {
                found: String::new(),
                message: "a group id can't be empty".into(),
            },
        ));
    }
    Ok(word.text.clone())
}

const UNITS: [(&str, u64); 5] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
];

/// A duration for `advance`: one or more `<number><unit>` parts, units ms, s, m, h, d
/// (`250ms`, `5s`, `1m30s`, `7d`). Returns milliseconds.
pub fn duration(word: &Word) -> Result<u64, ParseError> {
    let text = word.text.as_str();
    let bad = |message: &str| {
        error(
            word,
            ErrorKind::InvalidDuration {
                found: text.to_string(),
                message: message.to_string(),
            },
        )
    };
    if is_negative_number(text) || text.starts_with('-') {
        return Err(bad(
            "time only moves forward; give a positive duration like 5s",
        ));
    }
    if text.is_empty() {
        return Err(bad(
            "expected a number and a unit (ms, s, m, h, d), e.g. 5s",
        ));
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad(
                "expected a number and a unit (ms, s, m, h, d), e.g. 5s or 1m30s",
            ));
        }
        let (number, after) = rest.split_at(digits);
        let unit_len = after.chars().take_while(char::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(bad(&format!(
                "'{number}' has no unit: write {number}ms, {number}s, {number}m, {number}h or {number}d"
            )));
        }
        let Some(&(_, scale)) = UNITS.iter().find(|(name, _)| *name == unit) else {
            return Err(bad(&format!("unknown unit '{unit}': use ms, s, m, h or d")));
        };
        let part = number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .ok_or_else(|| bad("the duration is too long"))?;
        total = total
            .checked_add(part)
            .ok_or_else(|| bad("the duration is too long"))?;
        rest = after;
    }
    Ok(total)
}

/// Writes milliseconds back as a duration the parser reads (`90000` → `1m30s`).
pub fn format_duration(millis: u64) -> String {
    if millis == 0 {
        return "0ms".into();
    }
    let mut out = String::new();
    let mut left = millis;
    for (name, scale) in UNITS.iter().rev() {
        if left >= *scale {
            out.push_str(&format!("{}{name}", left / scale));
            left %= scale;
        }
    }
    out
}

/// An ISO-8601 duration as Java's `Duration.parse` reads it (`PT15M`, `P1DT2H`, `PT0.5S`),
/// for `--by-duration`. Returns milliseconds; negative durations are refused.
pub fn iso_duration(word: &Word) -> Result<u64, ParseError> {
    let text = word.text.as_str();
    let bad = |message: &str| {
        error(
            word,
            ErrorKind::InvalidDuration {
                found: text.to_string(),
                message: message.to_string(),
            },
        )
    };
    const FORMAT: &str = "expected the ISO-8601 form 'PnDTnHnMnS', e.g. PT15M or P1DT12H";
    let upper = text.to_ascii_uppercase();
    if upper.starts_with('-') {
        return Err(bad(
            "a negative duration would reset into the future; give a positive one",
        ));
    }
    let body = upper.strip_prefix('+').unwrap_or(&upper);
    let Some(body) = body.strip_prefix('P') else {
        return Err(bad(FORMAT));
    };
    let (date, time) = match body.split_once('T') {
        Some((date, time)) => {
            if time.is_empty() {
                return Err(bad(FORMAT));
            }
            (date, time)
        }
        None => (body, ""),
    };
    if date.is_empty() && time.is_empty() {
        return Err(bad(FORMAT));
    }
    let mut millis: u128 = 0;
    let mut read = |part: &str, units: &[(char, u128)]| -> Result<(), ParseError> {
        let mut rest = part;
        let mut allowed = units;
        while !rest.is_empty() {
            let len = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .count();
            let (number, after) = rest.split_at(len);
            let Some(unit) = after.chars().next() else {
                return Err(bad(FORMAT));
            };
            let Some(pos) = allowed.iter().position(|(u, _)| *u == unit) else {
                return Err(bad(FORMAT));
            };
            let scale = allowed[pos].1;
            allowed = &allowed[pos + 1..];
            let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
            if whole.is_empty()
                || !whole.chars().all(|c| c.is_ascii_digit())
                || !fraction.chars().all(|c| c.is_ascii_digit())
                || (number.contains('.') && (unit != 'S' || fraction.is_empty()))
                || whole.len() > 18
            {
                return Err(bad(FORMAT));
            }
            let whole: u128 = whole.parse().map_err(|_| bad(FORMAT))?;
            let mut frac_ms: u128 = 0;
            for (i, digit) in fraction.chars().take(3).enumerate() {
                frac_ms += u128::from(digit.to_digit(10).unwrap_or(0)) * [100, 10, 1][i];
            }
            millis += whole * scale + frac_ms;
            rest = &after[1..];
        }
        Ok(())
    };
    read(date, &[('D', 86_400_000)])?;
    read(time, &[('H', 3_600_000), ('M', 60_000), ('S', 1_000)])?;
    u64::try_from(millis).map_err(|_| bad("the duration is too long"))
}

/// Writes milliseconds as an ISO-8601 duration (`PT900S`, `PT0.5S`).
pub fn format_iso_duration(millis: u64) -> String {
    let (secs, ms) = (millis / 1000, millis % 1000);
    if ms == 0 {
        format!("PT{secs}S")
    } else {
        format!("PT{secs}.{ms:03}S")
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of `days_from_civil`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A datetime for `--to-datetime`, in the format Kafka documents: `YYYY-MM-DDTHH:mm:SS.sss`,
/// optionally followed by `Z` or an offset `+hh:mm`, `+hhmm`, `+hh`. Without a zone Kafka reads
/// it as UTC (it appends `Z`, `Utils.getDateTime`). Returns ms since the epoch.
pub fn datetime(word: &Word) -> Result<i64, ParseError> {
    datetime_text(&word.text).map_err(|message| {
        error(
            word,
            ErrorKind::InvalidDatetime {
                found: word.text.clone(),
                message,
            },
        )
    })
}

fn datetime_text(text: &str) -> Result<i64, String> {
    const FORMAT: &str = "expected 'YYYY-MM-DDTHH:mm:SS.sss' with an optional zone (Z, +01:00), e.g. 2024-05-01T09:30:00.000";
    let Some((date, time)) = text.split_once('T') else {
        return Err(
            "Error parsing timestamp. It does not contain a 'T' according to ISO8601 format".into(),
        );
    };
    let number = |s: &str, len: usize| -> Result<i64, String> {
        if s.len() == len && s.chars().all(|c| c.is_ascii_digit()) {
            s.parse::<i64>().map_err(|_| FORMAT.to_string())
        } else {
            Err(FORMAT.to_string())
        }
    };
    let mut parts = date.split('-');
    let (Some(y), Some(mo), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(FORMAT.into());
    };
    let (year, month, day) = (number(y, 4)?, number(mo, 2)?, number(d, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(format!("{date} is not a date of the calendar"));
    }
    // Split the zone off the time of day.
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let (hms, fraction) = clock.split_once('.').ok_or_else(|| FORMAT.to_string())?;
    let mut hms_parts = hms.split(':');
    let (Some(h), Some(mi), Some(s), None) = (
        hms_parts.next(),
        hms_parts.next(),
        hms_parts.next(),
        hms_parts.next(),
    ) else {
        return Err(FORMAT.into());
    };
    let (hour, minute, second) = (number(h, 2)?, number(mi, 2)?, number(s, 2)?);
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!("{hms} is not a time of day"));
    }
    if fraction.is_empty() || fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(FORMAT.into());
    }
    let millis = number(fraction, fraction.len())? * [100, 10, 1][fraction.len() - 1];
    let offset_minutes = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits = &zone[1..];
            if !digits.is_ascii() {
                return Err(FORMAT.into());
            }
            let (zh, zm) = match digits.len() {
                2 => (number(digits, 2)?, 0),
                4 => (number(&digits[..2], 2)?, number(&digits[2..], 2)?),
                5 if digits.as_bytes()[2] == b':' => {
                    (number(&digits[..2], 2)?, number(&digits[3..], 2)?)
                }
                _ => return Err(FORMAT.into()),
            };
            if zh > 18 || zm > 59 {
                return Err(format!("zone offset {zone} is out of range"));
            }
            sign * (zh * 60 + zm)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Ok(seconds * 1_000 + millis)
}

/// Writes ms since the epoch as the UTC datetime `--to-datetime` reads.
pub fn format_datetime(epoch_ms: i64) -> String {
    let days = epoch_ms.div_euclid(86_400_000);
    let in_day = epoch_ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1_000, rest % 1_000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Span;

    fn w(text: &str) -> Word {
        Word::bare(text, Span::new(1, 1, text.chars().count()))
    }

    #[test]
    fn durations_read_every_unit_and_compound_forms() {
        assert_eq!(duration(&w("250ms")).unwrap(), 250);
        assert_eq!(duration(&w("5s")).unwrap(), 5_000);
        assert_eq!(duration(&w("2m")).unwrap(), 120_000);
        assert_eq!(duration(&w("1h")).unwrap(), 3_600_000);
        assert_eq!(duration(&w("7d")).unwrap(), 604_800_000);
        assert_eq!(duration(&w("1m30s")).unwrap(), 90_000);
    }

    #[test]
    fn a_duration_without_unit_or_with_an_unknown_unit_is_refused() {
        for bad in ["5", "5x", "s", "", "-5s", "5s3", "99999999999999999999d"] {
            assert!(
                matches!(
                    duration(&w(bad)).unwrap_err().kind,
                    ErrorKind::InvalidDuration { .. }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn durations_print_back_to_what_they_parse_from() {
        for millis in [0, 1, 999, 1_000, 90_000, 86_400_000 + 1, u64::MAX] {
            assert_eq!(duration(&w(&format_duration(millis))).unwrap(), millis);
        }
        assert_eq!(format_duration(90_000), "1m30s");
    }

    #[test]
    fn iso_durations_read_like_java_duration_parse() {
        assert_eq!(iso_duration(&w("PT15M")).unwrap(), 900_000);
        assert_eq!(iso_duration(&w("P1DT2H")).unwrap(), 93_600_000);
        assert_eq!(iso_duration(&w("PT0.5S")).unwrap(), 500);
        assert_eq!(iso_duration(&w("pt1h30m")).unwrap(), 5_400_000);
        assert_eq!(iso_duration(&w("P2D")).unwrap(), 172_800_000);
        for bad in ["P", "PT", "15M", "PT1.5M", "PT5M1H", "-PT5M", "P1H", "PTS"] {
            assert!(iso_duration(&w(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            iso_duration(&w(&format_iso_duration(1_500))).unwrap(),
            1_500
        );
    }

    #[test]
    fn datetimes_without_a_zone_are_utc_as_in_kafka() {
        assert_eq!(datetime(&w("1970-01-01T00:00:00.000")).unwrap(), 0);
        assert_eq!(
            datetime(&w("2024-02-29T12:00:00.5")).unwrap(),
            1_709_208_000_500
        );
        assert_eq!(
            datetime(&w("2024-02-29T13:00:00.500+01:00")).unwrap(),
            1_709_208_000_500
        );
        assert_eq!(
            datetime(&w("2024-02-29T11:00:00.500-0100")).unwrap(),
            1_709_208_000_500
        );
        assert_eq!(
            datetime(&w("2024-02-29T12:00:00.500Z")).unwrap(),
            1_709_208_000_500
        );
        assert_eq!(datetime(&w("1969-12-31T23:59:59.999")).unwrap(), -1);
    }

    #[test]
    fn impossible_or_malformed_datetimes_are_refused() {
        for bad in [
            "2023-02-29T00:00:00.000",
            "2024-13-01T00:00:00.000",
            "2024-01-01 00:00:00.000",
            "2024-01-01T24:00:00.000",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.0000",
            "2024-1-01T00:00:00.000",
            "2024-01-01T00:00:00.000+1",
        ] {
            assert!(datetime(&w(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn datetimes_print_back_to_the_same_instant() {
        for ms in [0, -1, 1_709_208_000_500, 253_402_300_799_999] {
            assert_eq!(datetime(&w(&format_datetime(ms))).unwrap(), ms);
        }
    }

    #[test]
    fn topic_names_follow_kafkas_rules_and_messages() {
        assert_eq!(topic_name(&w("orders.v2_eu-1")).unwrap(), "orders.v2_eu-1");
        let message = |name: &str| match topic_name(&w(name)).unwrap_err().kind {
            ErrorKind::InvalidTopicName { message } => message,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            message("or ders"),
            "Topic name \"or ders\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
        );
        assert_eq!(message(".."), "Topic name cannot be \".\" or \"..\"");
        assert_eq!(message(""), "Topic name is illegal, it can't be empty");
        assert!(message(&"a".repeat(250)).contains("can't be longer than 249 characters"));
        assert!(topic_name(&w(&"a".repeat(249))).is_ok());
    }

    #[test]
    fn topic_partitions_and_selections_parse() {
        assert_eq!(
            topic_partition(&w("orders:3")).unwrap(),
            TopicPartition {
                topic: "orders".into(),
                partition: 3
            }
        );
        assert_eq!(
            topic_selection(&w("orders:0,2")).unwrap().partitions,
            Some(vec![0, 2])
        );
        assert_eq!(topic_selection(&w("orders")).unwrap().partitions, None);
        for bad in [
            "orders",
            "orders:",
            "orders:x",
            "orders:-1",
            ":0",
            "orders:99999999999",
        ] {
            assert!(topic_partition(&w(bad)).is_err(), "{bad}");
        }
        for bad in ["orders:", "orders:0,", "orders:0,,1", "a b:0"] {
            assert!(topic_selection(&w(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn commit_offsets_parse_and_refuse_negatives_with_kafkas_text() {
        let map = offsets_map(&w("orders:0=42,orders:1=7")).unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(
            map[&TopicPartition {
                topic: "orders".into(),
                partition: 0
            }],
            42
        );
        let error = offsets_map(&w("orders:0=-1")).unwrap_err();
        assert_eq!(error.kind.to_string(), "Invalid negative offset");
        assert!(offsets_map(&w("orders:0=1,orders:0=2")).is_err());
        assert!(offsets_map(&w("orders:0")).is_err());
        assert!(offsets_map(&w("orders=4")).is_err());
    }

    #[test]
    fn negative_and_non_numbers_are_told_apart() {
        assert!(matches!(
            non_negative(&w("-3"), "an offset", "no").unwrap_err().kind,
            ErrorKind::NegativeNumber { .. }
        ));
        assert!(matches!(
            non_negative(&w("x3"), "an offset", "no").unwrap_err().kind,
            ErrorKind::InvalidNumber { .. }
        ));
        assert!(matches!(
            non_negative(&w("99999999999999999999"), "an offset", "no")
                .unwrap_err()
                .kind,
            ErrorKind::NumberOutOfRange { .. }
        ));
        assert_eq!(signed(&w("-3"), "n").unwrap(), -3);
        assert!(signed(&w("-"), "n").is_err());
        assert!(bounded(&w("0"), "the partition count", 1, 10).is_err());
    }
}
