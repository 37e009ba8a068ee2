//! One partition's log: an append-only sequence of records, each with an offset that never
//! changes and is never reused.
//!
//! ```text
//!  log start                       high watermark      log end
//!      |                                 |                 |
//!      v                                 v                 v
//!    [ 0 ][ 1 ][ 2 ][ 3 ][ 4 ][ 5 ][ 6 ][ 7 ][ 8 ]
//! ```
//! The log start offset is the first record still retained, the log end offset (LEO) is the
//! offset the next record gets.

use crate::types::Offset;
use serde::{Deserialize, Serialize};

/// One record (a passenger in its seat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub offset: Offset,
    pub timestamp_ms: i64,
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PartitionLog {
    log_start_offset: Offset,
    records: Vec<Record>,
}

impl PartitionLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a record and returns the offset it was given.
    pub fn append(
        &mut self,
        timestamp_ms: i64,
        key: Option<String>,
        value: Option<String>,
    ) -> Offset {
        let offset = self.log_end_offset();
        self.records.push(Record {
            offset,
            timestamp_ms,
            key,
            value,
        });
        offset
    }

    pub fn log_start_offset(&self) -> Offset {
        self.log_start_offset
    }

    /// The offset the next appended record will get.
    pub fn log_end_offset(&self) -> Offset {
        Offset(self.log_start_offset.0 + self.records.len() as i64)
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_start_at_zero_and_grow_by_one_per_record() {
        let mut log = PartitionLog::new();
        assert_eq!(log.log_end_offset(), Offset(0));
        assert_eq!(log.append(0, None, Some("a".into())), Offset(0));
        assert_eq!(log.append(0, None, Some("b".into())), Offset(1));
        assert_eq!(log.append(0, Some("k".into()), None), Offset(2));
        assert_eq!(log.log_end_offset(), Offset(3));
        let offsets: Vec<i64> = log.records().iter().map(|r| r.offset.0).collect();
        assert_eq!(offsets, vec![0, 1, 2]);
    }
}
