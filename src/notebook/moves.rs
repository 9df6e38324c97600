//! Which base cells a side moved in some reading of its order. The cells a
//! side kept in their relative order are a longest increasing run of base
//! positions, and where several runs are equally long the merge's choice
//! of one ([`super::order`]) is a guess: base `1 2 3` against `3 2 1`
//! keeps any one cell in place and moves the other two. A cell outside
//! some longest run is one that an equally good reading moves, and a
//! deletion by the other side meets it as delete vs move (a conflict),
//! never as a deletion settled silently.

use super::matching::Matching;

/// For each base cell: whether the side has it (matched) outside at least
/// one longest increasing run of its matched base positions, that is,
/// moved by some reading of the side's order.
pub fn moved_in_some_reading(of_base: &Matching, side_len: usize) -> Vec<bool> {
    let mut to_base = vec![None; side_len];
    for (b, s) in of_base.iter().enumerate() {
        if let Some(slot) = s.and_then(|s| to_base.get_mut(s)) {
            *slot = Some(b);
        }
    }
    let seq: Vec<usize> = to_base.into_iter().flatten().collect();
    let in_every = in_every_longest_increasing(&seq);
    let mut out = vec![false; of_base.len()];
    for (k, &b) in seq.iter().enumerate() {
        out[b] = !in_every[k];
    }
    out
}

/// For each item of `seq` (distinct values): whether it belongs to every
/// longest strictly increasing subsequence. An item is in some longest
/// one when the longest run ending at it and the longest starting at it
/// make a longest run together, and in every one when no other such item
/// can take its rank in the run.
fn in_every_longest_increasing(seq: &[usize]) -> Vec<bool> {
    let ending = run_lengths(seq.iter().copied());
    // Runs starting at an item: decreasing runs of the reversed sequence.
    let starting: Vec<usize> = run_lengths(seq.iter().rev().map(|&x| usize::MAX - x))
        .into_iter()
        .rev()
        .collect();
    let longest = ending.iter().copied().max().unwrap_or(0);
    let in_some: Vec<bool> = (0..seq.len())
        .map(|k| ending[k] + starting[k] == longest + 1)
        .collect();
    let mut per_rank = vec![0usize; longest + 1];
    for k in (0..seq.len()).filter(|&k| in_some[k]) {
        per_rank[ending[k]] += 1;
    }
    (0..seq.len())
        .map(|k| in_some[k] && per_rank[ending[k]] == 1)
        .collect()
}

/// For each item: the length of the longest strictly increasing run of
/// `items` ending at it (patience sorting, O(n log n)).
fn run_lengths(items: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut tails: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for x in items {
        let at = tails.partition_point(|&t| t < x);
        if at == tails.len() {
            tails.push(x);
        } else {
            tails[at] = x;
        }
        out.push(at + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reversal_moves_every_cell_in_some_reading() {
        // Base 1 2 3, side 3 2 1: any one cell may be the one kept.
        let of_base = vec![Some(2), Some(1), Some(0)];
        assert_eq!(moved_in_some_reading(&of_base, 3), vec![true, true, true]);
    }

    #[test]
    fn a_cell_every_reading_keeps_is_not_moved() {
        // Base 1 2 3 4, side 1 3 2 4 (a swap): 1 and 4 stay in every
        // reading, 2 or 3 moved.
        let of_base = vec![Some(0), Some(2), Some(1), Some(3)];
        assert_eq!(
            moved_in_some_reading(&of_base, 4),
            vec![false, true, true, false]
        );
        // Base 1 2 3, side 3 1 2: only 3 moved.
        let of_base = vec![Some(1), Some(2), Some(0)];
        assert_eq!(moved_in_some_reading(&of_base, 3), vec![false, false, true]);
    }

    #[test]
    fn deleted_cells_are_not_moved() {
        // Base 1 2 3 4, side 4 1 3 (2 deleted): 4 moved, 2 absent.
        let of_base = vec![Some(1), None, Some(2), Some(0)];
        assert_eq!(
            moved_in_some_reading(&of_base, 3),
            vec![false, false, false, true]
        );
        // Base 1 2 3, side 3 1 (2 deleted): 3 moved up or 1 down.
        let of_base = vec![Some(1), None, Some(0)];
        assert_eq!(moved_in_some_reading(&of_base, 2), vec![true, false, true]);
    }

    #[test]
    fn membership_of_every_longest_run_matches_enumeration() {
        // All permutations of 0..5: compared with the runs enumerated.
        fn permutations(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut out = Vec::new();
            for p in permutations(n - 1) {
                for at in 0..=p.len() {
                    let mut q = p.clone();
                    q.insert(at, n - 1);
                    out.push(q);
                }
            }
            out
        }
        for seq in permutations(5) {
            let n = seq.len();
            let runs: Vec<u32> = (0u32..1 << n)
                .filter(|mask| {
                    let picked: Vec<usize> = (0..n)
                        .filter(|k| mask >> k & 1 == 1)
                        .map(|k| seq[k])
                        .collect();
                    picked.windows(2).all(|w| w[0] < w[1])
                })
                .collect();
            let longest = runs.iter().map(|m| m.count_ones()).max().unwrap_or(0);
            let best: Vec<u32> = runs
                .into_iter()
                .filter(|m| m.count_ones() == longest)
                .collect();
            let want: Vec<bool> = (0..n)
                .map(|k| best.iter().all(|m| m >> k & 1 == 1))
                .collect();
            assert_eq!(in_every_longest_increasing(&seq), want, "{seq:?}");
        }
    }
}
