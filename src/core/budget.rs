//! Work budgets of the structured diffs (docs/limits.md): a diff of element,
//! token or line sequences gets a number of operations in proportion to its
//! length, after which it returns a coarser diff (the common prefix and
//! suffix equal, the rest one replacement), so a crafted input cannot make
//! a stage run for minutes. The budget counts work, never time: the same
//! inputs give the same diff however busy the machine is.
//!
//! A greedy Myers pass (O((N+M)·D) time, O(N+M) memory) finds the edit
//! distance D while counting its steps; when it finishes within the budget,
//! `similar`'s Myers runs without a deadline (so the ops are exactly
//! `similar`'s), bounded by the same O((N+M)·D).

use std::hash::Hash;

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// Operations (greedy Myers steps: one per diagonal visited and one per
/// element matched) allowed for a diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiffBudget {
    /// Operations for any diff.
    pub floor: u64,
    /// Operations per item of the two sequences.
    pub per_item: u64,
}

impl DiffBudget {
    /// The budget of the element, token and line diffs: far above what real
    /// code takes (a 20,000-element list with a few hundred changes uses a
    /// few million steps), a fraction of a second on hostile input.
    pub const DEFAULT: DiffBudget = DiffBudget {
        floor: 20_000_000,
        per_item: 2_000,
    };

    /// The operations allowed for sequences of `items` items in all.
    pub fn steps_for(self, items: usize) -> u64 {
        let items = u64::try_from(items).unwrap_or(u64::MAX);
        self.floor
            .saturating_add(self.per_item.saturating_mul(items))
    }
}

/// A Myers diff of `old` and `new` within [`DiffBudget::DEFAULT`];
/// `false` when the budget ran out and the diff is coarser than it could be.
pub fn bounded_diff<T: Eq + Hash>(old: &[T], new: &[T]) -> (Vec<DiffOp>, bool) {
    bounded_diff_within(old, new, DiffBudget::DEFAULT)
}

/// A Myers diff of `old` and `new` within `budget`; `false` when the budget
/// ran out and the diff is the coarse one ([`coarse_diff`]).
pub fn bounded_diff_within<T: Eq + Hash>(
    old: &[T],
    new: &[T],
    budget: DiffBudget,
) -> (Vec<DiffOp>, bool) {
    let steps = budget.steps_for(old.len().saturating_add(new.len()));
    match edit_distance_within(old, new, steps) {
        Some(_) => (capture_diff_slices(Algorithm::Myers, old, new), true),
        None => (coarse_diff(old, new), false),
    }
}

/// The common prefix and suffix of `old` and `new` as equal runs, the rest
/// a deletion then an insertion (what `similar` gives a section past its
/// deadline).
pub fn coarse_diff<T: Eq>(old: &[T], new: &[T]) -> Vec<DiffOp> {
    let (prefix, suffix) = common_ends(old, new);
    let mut ops = Vec::with_capacity(4);
    if prefix > 0 {
        ops.push(DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: prefix,
        });
    }
    let (old_mid, new_mid) = (old.len() - prefix - suffix, new.len() - prefix - suffix);
    if old_mid > 0 {
        ops.push(DiffOp::Delete {
            old_index: prefix,
            old_len: old_mid,
            new_index: prefix,
        });
    }
    if new_mid > 0 {
        ops.push(DiffOp::Insert {
            old_index: prefix + old_mid,
            new_index: prefix,
            new_len: new_mid,
        });
    }
    if suffix > 0 {
        ops.push(DiffOp::Equal {
            old_index: old.len() - suffix,
            new_index: new.len() - suffix,
            len: suffix,
        });
    }
    ops
}

/// The lengths of the common prefix and of the common suffix (not
/// overlapping the prefix).
fn common_ends<T: Eq>(old: &[T], new: &[T]) -> (usize, usize) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (prefix, suffix)
}

/// The edit distance (insertions plus deletions) of `old` and `new`, by
/// Myers' greedy forward pass, or `None` once it has taken more than
/// `max_steps` steps (checked after each round of the pass).
pub fn edit_distance_within<T: Eq>(old: &[T], new: &[T], max_steps: u64) -> Option<usize> {
    let (prefix, suffix) = common_ends(old, new);
    let a = &old[prefix..old.len() - suffix];
    let b = &new[prefix..new.len() - suffix];
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return Some(n + m);
    }
    let max = n + m;
    // v[k + max]: the furthest x reached on diagonal k = x - y.
    let mut v = vec![0usize; 2 * max + 2];
    let mut steps: u64 = 0;
    for d in 0..=max {
        let mut k = -(d as isize);
        while k <= d as isize {
            let at = |k: isize| (k + max as isize) as usize;
            let mut x = if k == -(d as isize) || (k != d as isize && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            // y = x - k, never negative on the diagonals the pass reaches.
            let mut y = usize::try_from(x as isize - k).unwrap_or(usize::MAX);
            let start = x;
            while x < n && y < m && a[x] == b[y] {
                x += 1;
                y += 1;
            }
            steps = steps.saturating_add(1 + (x - start) as u64);
            v[at(k)] = x;
            if x >= n && y >= m {
                return Some(d);
            }
            k += 2;
        }
        if steps > max_steps {
            return None;
        }
    }
    Some(max)
}

#[cfg(test)]
mod tests;
