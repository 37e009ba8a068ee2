//! The few pieces of Java behaviour the assignors depend on.
//!
//! Kafka's assignors are written in Java, and some of their results depend on Java itself:
//!
//! - `String.compareTo` orders strings by UTF-16 code units, not by UTF-8 bytes (the two
//!   orders differ only for characters outside the Basic Multilingual Plane);
//! - `String.hashCode` and `TopicPartition.hashCode` decide where a key lands in a
//!   `java.util.HashMap`, and the sticky assignors iterate some `HashMap`s and `HashSet`s, so
//!   the order of that iteration decides, for example, which of two members that both own
//!   too many partitions keeps the larger share.
//!
//! To give the learner the numbers a real cluster gives, this module reproduces those rules:
//! [`java_cmp`], [`java_string_hash`], [`topic_partition_hash`] and [`hash_map_order`], which
//! lists keys in the order a `HashMap` built by inserting them one after another iterates them
//! (bucket by bucket, and within a bucket in insertion order).

use std::cmp::Ordering;

/// `String.compareTo`: lexicographic over UTF-16 code units.
pub fn java_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.as_bytes().cmp(b.as_bytes());
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping at 32 bits.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(topic_hash: i32, partition: i32) -> i32 {
    31i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(topic_hash)
}

/// `HashMap.hash`: the key's hash with its high half folded into the low half.
pub fn spread(hash: i32) -> u32 {
    let h = hash as u32;
    h ^ (h >> 16)
}

/// The table size of a `HashMap` created with `new HashMap<>()` after `entries` insertions:
/// 16, doubled whenever the size would exceed three quarters of the table.
pub fn hash_map_capacity(entries: usize) -> usize {
    let mut capacity = 16usize;
    while entries > capacity / 4 * 3 {
        capacity *= 2;
    }
    capacity
}

/// The order in which a `HashMap<String, _>` iterates its keys when they were inserted in the
/// order given: by bucket (`spread(hash) & (capacity - 1)`), then by insertion order within a
/// bucket. Returns indices into `keys`.
pub fn hash_map_order(keys: &[&str]) -> Vec<usize> {
    let mask = (hash_map_capacity(keys.len()) - 1) as u32;
    let mut order: Vec<(u32, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (spread(java_string_hash(k)) & mask, i))
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}

/// A small model of a `java.util.HashSet` of integers with given Java hash codes, just enough
/// to know which element `set.iterator().next()` returns.
#[derive(Debug, Clone)]
pub struct JavaHashSet {
    /// (element, java hash, insertion sequence)
    entries: Vec<(u32, i32, u64)>,
    capacity: usize,
    next_seq: u64,
}

impl Default for JavaHashSet {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            capacity: 16,
            next_seq: 0,
        }
    }
}

impl JavaHashSet {
    pub fn insert(&mut self, element: u32, hash: i32) {
        if self.entries.iter().any(|(e, _, _)| *e == element) {
            return;
        }
        self.entries.push((element, hash, self.next_seq));
        self.next_seq += 1;
        // Java resizes when the size exceeds the threshold; a table never shrinks.
        while self.entries.len() > self.capacity / 4 * 3 {
            self.capacity *= 2;
        }
    }

    pub fn remove(&mut self, element: u32) {
        self.entries.retain(|(e, _, _)| *e != element);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The element `iterator().next()` returns.
    pub fn first(&self) -> Option<u32> {
        let mask = (self.capacity - 1) as u32;
        self.entries
            .iter()
            .min_by_key(|(_, h, seq)| (spread(*h) & mask, *seq))
            .map(|(e, _, _)| *e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        // "hello".hashCode() == 99162322 and "".hashCode() == 0 in Java.
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash(""), 0);
        // Overflow wraps: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn compare_uses_utf16_code_units() {
        // U+FF61 sorts after U+1F600 in UTF-8 byte order but before it in UTF-16 order
        // (the surrogate 0xD83D is below 0xFF61).
        assert_eq!(java_cmp("\u{1F600}", "\u{FF61}"), Ordering::Less);
        assert_eq!(java_cmp("a", "b"), Ordering::Less);
    }

    #[test]
    fn capacity_doubles_past_three_quarters() {
        assert_eq!(hash_map_capacity(0), 16);
        assert_eq!(hash_map_capacity(12), 16);
        assert_eq!(hash_map_capacity(13), 32);
        assert_eq!(hash_map_capacity(1000), 2048);
    }
}
