//! Choosing a partition for a record, as Kafka's producer does.
//!
//! A keyed record goes to `toPositive(murmur2(keyBytes)) % numPartitions`, where
//! `toPositive(x) = x & 0x7fffffff` (not `abs`). See Kafka's
//! `clients/src/main/java/org/apache/kafka/common/utils/Utils.java`.

/// Kafka's 32-bit murmur2 (seed `0x9747b28c`), returning a signed int exactly as Java does.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let length = data.len();
    let mut h: u32 = SEED ^ (length as u32);
    let chunks = data.chunks_exact(4);
    let tail = chunks.remainder();
    for chunk in chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit (so `i32::MIN` maps to 0, unlike `abs`).
pub fn to_positive(x: i32) -> i32 {
    x & 0x7fff_ffff
}

/// The partition Kafka's default partitioner picks for a record with this key.
pub fn partition_for_key(key: &[u8], num_partitions: i32) -> i32 {
    to_positive(murmur2(key)) % num_partitions
}
