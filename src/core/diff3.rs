//! A three-way merge of any sequences (cells, words, tokens): each side's
//! changes from the base found by a two-way diff, then walked together
//! into hunks that are unchanged, changed on one side, changed the same
//! way on both, or in conflict.

use std::hash::Hash;
use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};

/// Who changed a hunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HunkKind {
    /// Nobody: the three sides agree.
    Unchanged,
    /// Only ours changed it.
    Ours,
    /// Only theirs changed it.
    Theirs,
    /// Both made the same change.
    Same,
    /// Both changed it differently.
    Conflict,
}

/// One stretch of the merge: the base's items and each side's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hunk<'a, T> {
    pub kind: HunkKind,
    pub base: &'a [T],
    pub ours: &'a [T],
    pub theirs: &'a [T],
}

impl<'a, T> Hunk<'a, T> {
    /// The merged items, when the hunk is not a conflict.
    pub fn resolved(&self) -> Option<&'a [T]> {
        match self.kind {
            HunkKind::Unchanged => Some(self.base),
            HunkKind::Ours | HunkKind::Same => Some(self.ours),
            HunkKind::Theirs => Some(self.theirs),
            HunkKind::Conflict => None,
        }
    }
}

/// Diffs slower than this give up and treat the rest as changed (which
/// can only make the merge more conservative).
const DIFF_DEADLINE: Duration = Duration::from_millis(500);

/// For each base item, the index of its match in `side`, if any.
fn matches<T: Eq + Hash>(base: &[T], side: &[T]) -> Vec<Option<usize>> {
    let mut of_base = vec![None; base.len()];
    let deadline = Instant::now().checked_add(DIFF_DEADLINE);
    for op in capture_diff_slices_deadline(Algorithm::Myers, base, side, deadline) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                of_base[old_index + k] = Some(new_index + k);
            }
        }
    }
    of_base
}

/// Merges `ours` and `theirs`, both edited from `base`, into hunks that
/// cover all three sequences in order.
pub fn diff3<'a, T: Eq + Hash>(base: &'a [T], ours: &'a [T], theirs: &'a [T]) -> Vec<Hunk<'a, T>> {
    let in_ours = matches(base, ours);
    let in_theirs = matches(base, theirs);
    let mut hunks = Vec::new();
    let (mut i, mut j, mut k) = (0, 0, 0);
    loop {
        // The run of base items kept, in place, by both sides.
        let start = i;
        while i < base.len() && in_ours[i] == Some(j) && in_theirs[i] == Some(k) {
            i += 1;
            j += 1;
            k += 1;
        }
        if i > start {
            hunks.push(Hunk {
                kind: HunkKind::Unchanged,
                base: &base[start..i],
                ours: &ours[j - (i - start)..j],
                theirs: &theirs[k - (i - start)..k],
            });
        }
        if i == base.len() && j == ours.len() && k == theirs.len() {
            return hunks;
        }
        // The next base item both sides kept closes the changed stretch.
        let next = (i..base.len())
            .find(|&b| in_ours[b].is_some_and(|o| o >= j) && in_theirs[b].is_some_and(|t| t >= k));
        let (b_end, o_end, t_end) = match next {
            Some(b) => (b, in_ours[b].unwrap_or(j), in_theirs[b].unwrap_or(k)),
            None => (base.len(), ours.len(), theirs.len()),
        };
        let hunk = Hunk {
            kind: HunkKind::Conflict,
            base: &base[i..b_end],
            ours: &ours[j..o_end],
            theirs: &theirs[k..t_end],
        };
        hunks.push(Hunk {
            kind: classify(&hunk),
            ..hunk
        });
        (i, j, k) = (b_end, o_end, t_end);
    }
}

fn classify<T: Eq>(hunk: &Hunk<T>) -> HunkKind {
    let (b, o, t) = (hunk.base, hunk.ours, hunk.theirs);
    if o == b && t == b {
        HunkKind::Unchanged
    } else if o == b {
        HunkKind::Theirs
    } else if t == b {
        HunkKind::Ours
    } else if o == t {
        HunkKind::Same
    } else {
        HunkKind::Conflict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(base: &str, ours: &str, theirs: &str) -> Option<String> {
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        let (b, o, t) = (words(base), words(ours), words(theirs));
        let mut out = Vec::new();
        for hunk in diff3(&b, &o, &t) {
            out.extend_from_slice(hunk.resolved()?);
        }
        Some(out.join(" "))
    }

    #[test]
    fn applies_edits_of_both_sides() {
        assert_eq!(
            merged("a b c d e", "A b c d e", "a b c d e f").as_deref(),
            Some("A b c d e f")
        );
        assert_eq!(merged("a b c", "a x c", "a x c").as_deref(), Some("a x c"));
        assert_eq!(merged("a b c", "a b c", "a b c").as_deref(), Some("a b c"));
        assert_eq!(merged("", "x", "").as_deref(), Some("x"));
    }

    #[test]
    fn overlapping_edits_conflict() {
        assert_eq!(merged("a b c", "a x c", "a y c"), None);
        // Both insert different words at the same place.
        assert_eq!(merged("a c", "a x c", "a y c"), None);
        // One deletes what the other edits.
        assert_eq!(merged("a b c", "a c", "a y c"), None);
    }

    #[test]
    fn hunks_cover_every_item_once() {
        let (b, o, t) = (
            [1, 2, 3, 4, 5, 6],
            [0, 1, 2, 4, 5, 6, 7],
            [1, 2, 3, 9, 5, 6],
        );
        let hunks = diff3(&b, &o, &t);
        let total = |f: fn(&Hunk<i32>) -> usize| hunks.iter().map(f).sum::<usize>();
        assert_eq!(total(|h| h.base.len()), b.len());
        assert_eq!(total(|h| h.ours.len()), o.len());
        assert_eq!(total(|h| h.theirs.len()), t.len());
    }
}
