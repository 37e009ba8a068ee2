//! Errors of the store, named after the Kafka error codes they resemble.
//!
//! A session's command log behaves like an idempotent producer's partition: each step carries a
//! sequence number (its index), a step that was already written is a duplicate, a step that
//! skips ahead is out of order, and a writer that lost its claim on the session is fenced,
//! exactly as Kafka fences a zombie producer. Nothing here panics: every failure a user, a
//! stored file or the browser can cause is a value of [`StoreError`].

use std::fmt;

/// What went wrong in a store operation.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// No session with this id is stored (Kafka: `UNKNOWN_TOPIC_OR_PARTITION`).
    UnknownSession { session: String },
    /// A session with this id already exists (Kafka: `TOPIC_ALREADY_EXISTS`).
    SessionAlreadyExists { session: String },
    /// The step was already written: the log is append-only and never rewritten
    /// (Kafka: `DUPLICATE_SEQUENCE_NUMBER`).
    DuplicateSequenceNumber {
        session: String,
        index: u64,
        expected: u64,
    },
    /// The step skips ahead of the end of the log (Kafka: `OUT_OF_ORDER_SEQUENCE_NUMBER`).
    OutOfOrderSequenceNumber {
        session: String,
        index: u64,
        expected: u64,
    },
    /// A snapshot or truncation names a step beyond the end of the log
    /// (Kafka: `OFFSET_OUT_OF_RANGE`).
    OffsetOutOfRange {
        session: String,
        step: u64,
        log_end: u64,
    },
    /// Another tab holds or took over this session; this tab may only follow it
    /// (Kafka: `PRODUCER_FENCED`).
    ProducerFenced { session: String },
    /// The database was written by a newer version of the app; this version only reads it
    /// (Kafka: `UNSUPPORTED_VERSION`).
    UnsupportedVersion { found: u32, supported: u32 },
    /// A stored record could not be decoded (Kafka: `CORRUPT_MESSAGE`).
    CorruptMessage { session: String, detail: String },
    /// The browser refused to store more data.
    QuotaExceeded,
    /// Any other failure of the storage itself (Kafka: `KAFKA_STORAGE_ERROR`).
    StorageError { detail: String },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::UnknownSession { session } => write!(f, "no session `{session}` is stored"),
            StoreError::SessionAlreadyExists { session } => {
                write!(f, "a session `{session}` already exists")
            }
            StoreError::DuplicateSequenceNumber {
                session,
                index,
                expected,
            } => write!(
                f,
                "session `{session}`: step {index} is already stored (the next step is {expected}); \
                 the log is never rewritten"
            ),
            StoreError::OutOfOrderSequenceNumber {
                session,
                index,
                expected,
            } => write!(
                f,
                "session `{session}`: step {index} skips ahead, the next step must be {expected}"
            ),
            StoreError::OffsetOutOfRange {
                session,
                step,
                log_end,
            } => write!(
                f,
                "session `{session}`: step {step} is beyond the end of the log ({log_end} steps)"
            ),
            StoreError::ProducerFenced { session } => write!(
                f,
                "session `{session}` is being written by another tab; this tab follows it read-only"
            ),
            StoreError::UnsupportedVersion { found, supported } => write!(
                f,
                "the saved data uses schema version {found}, this version of the app knows up to \
                 {supported}: it is opened read-only and never overwritten"
            ),
            StoreError::CorruptMessage { session, detail } => {
                write!(f, "session `{session}`: a stored record is corrupt: {detail}")
            }
            StoreError::QuotaExceeded => write!(f, "the browser's storage quota is exceeded"),
            StoreError::StorageError { detail } => write!(f, "storage failed: {detail}"),
        }
    }
}

impl std::error::Error for StoreError {}
