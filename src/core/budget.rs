//! Work budgets of the structured stages (docs/limits.md): a diff of
//! element or token sequences gets time in proportion to its length, after
//! which it returns a coarser diff (similar's deadline: the rest is one
//! replacement), so a crafted input cannot make a stage run for minutes.

use std::hash::Hash;
use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};

/// Time for any diff, and per item diffed (far above what real code takes:
/// a 20,000-element list diffs in a few milliseconds).
const DIFF_FLOOR: Duration = Duration::from_millis(100);
const DIFF_PER_ITEM: Duration = Duration::from_micros(20);

/// A Myers diff of `old` and `new` within the budget of their length;
/// `false` when the budget ran out and the diff is coarser than it could be.
pub fn bounded_diff<T: Eq + Hash>(old: &[T], new: &[T]) -> (Vec<DiffOp>, bool) {
    let items = u32::try_from(old.len() + new.len()).unwrap_or(u32::MAX);
    let deadline = Instant::now() + DIFF_FLOOR + DIFF_PER_ITEM * items;
    let ops = capture_diff_slices_deadline(Algorithm::Myers, old, new, Some(deadline));
    (ops, Instant::now() <= deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_diffs_finish_within_the_budget() {
        let a: Vec<u32> = (0..1000).collect();
        let b: Vec<u32> = (0..1000)
            .map(|i| if i % 100 == 7 { i + 5000 } else { i })
            .collect();
        let (ops, complete) = bounded_diff(&a, &b);
        assert!(complete);
        assert!(!ops.is_empty());
    }
}
