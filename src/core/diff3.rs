//! A generic three-way merge of sequences (diff3): base→ours and base→theirs
//! are diffed with `similar` (Myers), and the three sequences are cut into
//! hunks that are stable (unchanged on both sides), changed by one side,
//! changed the same way by both, or conflicting.
//!
//! Two edits that touch (one ends where the other starts, or an insertion
//! sits right at the other's edit) land in one hunk and so conflict: only
//! edits separated by at least one element both sides kept merge cleanly.
//!
//! Work is bounded: sequences longer than [`Budget::max_len`] are refused
//! ([`TooLarge`]); sequences longer than [`Budget::exact_up_to`] get a work
//! budget per diff ([`crate::core::budget`]), past which the diff is a
//! coarser, still correct one (shorter ones are exact). The budget counts
//! operations, not time: the result never depends on the machine's load.

use std::hash::Hash;
use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::core::budget::{bounded_diff_within, DiffBudget};

/// What happened to one stretch of the three sequences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HunkKind {
    /// All three agree.
    Stable,
    /// Only ours changed it.
    Ours,
    /// Only theirs changed it.
    Theirs,
    /// Both changed it to the same elements.
    Both,
    /// Both changed it differently (or edits touch).
    Conflict,
}

/// One stretch, as a range in each sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hunk {
    pub kind: HunkKind,
    pub base: Range<usize>,
    pub ours: Range<usize>,
    pub theirs: Range<usize>,
}

impl Hunk {
    /// The range of the side whose elements the merge takes for this hunk,
    /// tagged with which sequence it indexes; `None` for a conflict.
    pub fn taken(&self) -> Option<(Taken, Range<usize>)> {
        match self.kind {
            HunkKind::Stable => Some((Taken::Base, self.base.clone())),
            HunkKind::Ours | HunkKind::Both => Some((Taken::Ours, self.ours.clone())),
            HunkKind::Theirs => Some((Taken::Theirs, self.theirs.clone())),
            HunkKind::Conflict => None,
        }
    }
}

/// Which sequence a taken range indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    Base,
    Ours,
    Theirs,
}

/// Limits on the work of one three-way merge.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// The longest sequence accepted.
    pub max_len: usize,
    /// Sequences up to this long are diffed exactly, without a budget.
    pub exact_up_to: usize,
    /// Work allowed for each of the two diffs of longer sequences.
    pub per_diff: DiffBudget,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_len: 20_000,
            exact_up_to: 2_000,
            per_diff: PER_DIFF,
        }
    }
}

/// The work of one diff of sequences over [`Budget::exact_up_to`]: the
/// edit distance of 2,000 changes anywhere in them (greedy Myers steps).
const PER_DIFF: DiffBudget = DiffBudget {
    floor: 10_000_000,
    per_item: 500,
};

/// A sequence was longer than the budget allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

/// The hunks of a three-way merge, in order, covering all three sequences.
pub fn diff3<T: Eq + Hash>(
    base: &[T],
    ours: &[T],
    theirs: &[T],
    budget: Budget,
) -> Result<Vec<Hunk>, TooLarge> {
    if base.len().max(ours.len()).max(theirs.len()) > budget.max_len {
        return Err(TooLarge);
    }
    // Short sequences diff exactly, longer ones within the work budget.
    let work = (base.len().max(ours.len()).max(theirs.len()) > budget.exact_up_to)
        .then_some(budget.per_diff);
    let to_ours = matches(base, ours, work);
    let to_theirs = matches(base, theirs, work);
    let mut hunks = Vec::new();
    let (mut i, mut j, mut k) = (0, 0, 0);
    loop {
        let mut n = 0;
        while i + n < base.len() && to_ours[i + n] == Some(j + n) && to_theirs[i + n] == Some(k + n)
        {
            n += 1;
        }
        if n > 0 {
            push(&mut hunks, HunkKind::Stable, i..i + n, j..j + n, k..k + n);
            (i, j, k) = (i + n, j + n, k + n);
            continue;
        }
        if i == base.len() && j == ours.len() && k == theirs.len() {
            break;
        }
        // The next base element both sides kept closes this unstable stretch.
        let next = (i..base.len()).find_map(|b| Some((b, to_ours[b]?, to_theirs[b]?)));
        let (b2, o2, t2) = next.unwrap_or((base.len(), ours.len(), theirs.len()));
        let kind = classify(&base[i..b2], &ours[j..o2], &theirs[k..t2]);
        push(&mut hunks, kind, i..b2, j..o2, k..t2);
        (i, j, k) = (b2, o2, t2);
    }
    Ok(hunks)
}

/// Appends a hunk, joining it to the previous one when both are stable.
fn push(
    hunks: &mut Vec<Hunk>,
    kind: HunkKind,
    base: Range<usize>,
    ours: Range<usize>,
    theirs: Range<usize>,
) {
    if let Some(last) = hunks.last_mut() {
        if kind == HunkKind::Stable && last.kind == HunkKind::Stable {
            last.base.end = base.end;
            last.ours.end = ours.end;
            last.theirs.end = theirs.end;
            return;
        }
    }
    hunks.push(Hunk {
        kind,
        base,
        ours,
        theirs,
    });
}

fn classify<T: Eq>(base: &[T], ours: &[T], theirs: &[T]) -> HunkKind {
    match (ours == base, theirs == base) {
        (true, true) => HunkKind::Stable,
        (true, false) => HunkKind::Theirs,
        (false, true) => HunkKind::Ours,
        (false, false) if ours == theirs => HunkKind::Both,
        (false, false) => HunkKind::Conflict,
    }
}

/// For each element of `base`, the index of the element of `side` it is
/// kept as, if any (monotonic).
fn matches<T: Eq + Hash>(base: &[T], side: &[T], work: Option<DiffBudget>) -> Vec<Option<usize>> {
    let ops = match work {
        Some(work) => bounded_diff_within(base, side, work).0,
        None => capture_diff_slices(Algorithm::Myers, base, side),
    };
    kept_positions(base.len(), &ops)
}

/// For each of the `old_len` elements of a diff's old side, the index of
/// the new side's element its `Equal` run keeps it as, if any.
pub fn kept_positions(old_len: usize, ops: &[DiffOp]) -> Vec<Option<usize>> {
    let mut out = vec![None; old_len];
    for op in ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = *op
        {
            for d in 0..len {
                if let Some(slot) = out.get_mut(old_index + d) {
                    *slot = Some(new_index + d);
                }
            }
        }
    }
    out
}

/// The number of conflicting hunks.
pub fn conflicts(hunks: &[Hunk]) -> usize {
    hunks
        .iter()
        .filter(|h| h.kind == HunkKind::Conflict)
        .count()
}

/// The merged sequence when no hunk conflicts.
pub fn apply_clean<T: Clone>(
    hunks: &[Hunk],
    base: &[T],
    ours: &[T],
    theirs: &[T],
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(ours.len().max(theirs.len()));
    for hunk in hunks {
        let (side, range) = hunk.taken()?;
        let seq = match side {
            Taken::Base => base,
            Taken::Ours => ours,
            Taken::Theirs => theirs,
        };
        out.extend_from_slice(seq.get(range)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn merge(b: &str, o: &str, t: &str) -> Option<String> {
        let v = |s: &str| s.chars().collect::<Vec<_>>();
        let (b, o, t) = (v(b), v(o), v(t));
        let hunks = diff3(&b, &o, &t, Budget::default()).ok()?;
        apply_clean(&hunks, &b, &o, &t).map(|v| v.into_iter().collect())
    }

    #[test]
    fn separated_edits_both_apply() {
        assert_eq!(merge("abcde", "aXcde", "abcdY").as_deref(), Some("aXcdY"));
    }

    #[test]
    fn touching_edits_conflict() {
        assert_eq!(merge("abcde", "aXcde", "abYde"), None);
        // An insertion right before the other side's edit touches it.
        assert_eq!(merge("abcde", "abXcde", "abYde"), None);
    }

    #[test]
    fn overlapping_edits_conflict_and_same_edits_do_not() {
        assert_eq!(merge("abcde", "aXde", "aYde"), None);
        assert_eq!(merge("abcde", "aXde", "aXde").as_deref(), Some("aXde"));
    }

    #[test]
    fn same_point_insertions_conflict_unless_equal() {
        assert_eq!(merge("ab", "aXb", "aYb"), None);
        assert_eq!(merge("ab", "aXb", "aXb").as_deref(), Some("aXb"));
    }

    #[test]
    fn hunks_cover_all_three_sequences() {
        let (b, o, t) = (b"abcdef".to_vec(), b"aXcdf".to_vec(), b"abcYYdef".to_vec());
        let hunks = diff3(&b, &o, &t, Budget::default()).unwrap();
        let ends = hunks.last().map(|h| (h.base.end, h.ours.end, h.theirs.end));
        assert_eq!(ends, Some((6, 5, 8)));
        for w in hunks.windows(2) {
            assert_eq!(w[0].base.end, w[1].base.start);
            assert_eq!(w[0].ours.end, w[1].ours.start);
            assert_eq!(w[0].theirs.end, w[1].theirs.start);
        }
    }

    #[test]
    fn an_oversized_input_is_refused() {
        let budget = Budget {
            max_len: 3,
            ..Budget::default()
        };
        assert_eq!(diff3(b"abcd", b"abcd", b"abcd", budget), Err(TooLarge));
    }

    fn seq() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(0u8..4, 0..12)
    }

    proptest! {
        #![proptest_config(crate::seeded::config(256))]
        #[test]
        fn one_sided_changes_take_that_side(b in seq(), o in seq()) {
            let hunks = diff3(&b, &o, &b, Budget::default()).unwrap();
            prop_assert_eq!(apply_clean(&hunks, &b, &o, &b), Some(o.clone()));
            let hunks = diff3(&b, &b, &o, Budget::default()).unwrap();
            prop_assert_eq!(apply_clean(&hunks, &b, &b, &o), Some(o.clone()));
        }

        #[test]
        fn the_same_change_twice_is_that_change(b in seq(), o in seq()) {
            let hunks = diff3(&b, &o, &o, Budget::default()).unwrap();
            prop_assert_eq!(apply_clean(&hunks, &b, &o, &o), Some(o.clone()));
        }

        #[test]
        fn swapping_sides_gives_the_same_merge(b in seq(), o in seq(), t in seq()) {
            let ab = diff3(&b, &o, &t, Budget::default()).unwrap();
            let ba = diff3(&b, &t, &o, Budget::default()).unwrap();
            prop_assert_eq!(conflicts(&ab), conflicts(&ba));
            prop_assert_eq!(apply_clean(&ab, &b, &o, &t), apply_clean(&ba, &b, &t, &o));
        }

        #[test]
        fn a_clean_merge_keeps_what_both_sides_kept(b in seq(), o in seq(), t in seq()) {
            let hunks = diff3(&b, &o, &t, Budget::default()).unwrap();
            if let Some(merged) = apply_clean(&hunks, &b, &o, &t) {
                // Every stable hunk's elements appear in order in the result.
                let mut pos = 0;
                for h in hunks.iter().filter(|h| h.kind == HunkKind::Stable) {
                    let want = &b[h.base.clone()];
                    let found = merged[pos..].windows(want.len()).position(|w| w == want);
                    prop_assert!(found.is_some());
                    pos += found.unwrap_or(0) + want.len();
                }
            }
        }
    }
}
