//! "Did you mean …?": the closest known word to a misspelt one.
//!
//! The distance is the optimal-string-alignment edit distance (insert, delete, substitute, swap
//! two neighbours), compared without case so `commitsync` finds `commitSync`. A candidate is
//! offered only when it is close for the word's length (at most a third of the characters, at
//! least one, at most three edits): a wild guess is worse than no guess.

/// The candidate closest to `input`, if one is close enough.
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lowered: Vec<char> = input.to_lowercase().chars().collect();
    let budget = (lowered.len() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let other: Vec<char> = candidate.to_lowercase().chars().collect();
        if lowered.len().abs_diff(other.len()) > budget {
            continue;
        }
        let distance = edit_distance(&lowered, &other);
        if distance <= budget && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance between two character sequences.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    let idx = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        rows[idx(i, 0)] = i;
    }
    for j in 0..=b.len() {
        rows[idx(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[idx(i - 1, j)] + 1)
                .min(rows[idx(i, j - 1)] + 1)
                .min(rows[idx(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[idx(i - 2, j - 2)] + 1);
            }
            rows[idx(i, j)] = d;
        }
    }
    rows[idx(a.len(), b.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: [&str; 4] = [
        "--partitions",
        "--partition",
        "--topic",
        "--replication-factor",
    ];

    #[test]
    fn a_dropped_letter_finds_the_flag() {
        assert_eq!(closest("--partitons", FLAGS), Some("--partitions"));
    }

    #[test]
    fn swapped_letters_count_as_one_edit() {
        assert_eq!(closest("--tpoic", FLAGS), Some("--topic"));
    }

    #[test]
    fn case_differences_are_free() {
        assert_eq!(
            closest("commitsync", ["commitSync", "commitAsync"]),
            Some("commitSync")
        );
    }

    #[test]
    fn an_exact_match_wins_over_a_near_one() {
        assert_eq!(closest("--partition", FLAGS), Some("--partition"));
    }

    #[test]
    fn a_distant_word_gets_no_suggestion() {
        assert_eq!(closest("--banana", FLAGS), None);
        assert_eq!(closest("x", ["poll"]), None);
    }

    #[test]
    fn distance_counts_inserts_deletes_substitutions_and_swaps() {
        let d = |a: &str, b: &str| {
            edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("ab", "ba"), 1);
    }
}
