//! The clashes of a sibling sequence: a three-way diff of the elements
//! (compared by text, commas aside) into stable elements, which all three
//! versions share, and hunks, the smallest runs of whole siblings in which
//! the sides changed something.

use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::core::merge3::Merge3;

/// One step of a three-way diff of element sequences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The same element, unchanged in all three: its index in each.
    Stable(Merge3<usize>),
    /// A run of elements changed by one side or both: index ranges.
    Hunk(Merge3<Range<usize>>),
}

/// For each base element, the index of the element it matches in `side`.
fn matches(base: &[&str], side: &[&str]) -> Vec<Option<usize>> {
    let mut out = vec![None; base.len()];
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                out[old_index + k] = Some(new_index + k);
            }
        }
    }
    out
}

/// The three-way diff of three element sequences.
pub fn diff3(seqs: Merge3<&[&str]>) -> Vec<Step> {
    let to_ours = matches(seqs.base, seqs.ours);
    let to_theirs = matches(seqs.base, seqs.theirs);
    let mut steps = Vec::new();
    let mut at = Merge3::new(0, 0, 0);
    let anchors =
        (0..seqs.base.len()).filter_map(|b| Some(Merge3::new(b, to_ours[b]?, to_theirs[b]?)));
    for anchor in anchors.chain(std::iter::once(Merge3::new(
        seqs.base.len(),
        seqs.ours.len(),
        seqs.theirs.len(),
    ))) {
        if anchor.ours < at.ours || anchor.theirs < at.theirs {
            continue;
        }
        if anchor != at {
            steps.push(Step::Hunk(Merge3::new(
                at.base..anchor.base,
                at.ours..anchor.ours,
                at.theirs..anchor.theirs,
            )));
        }
        if anchor.base < seqs.base.len() {
            steps.push(Step::Stable(anchor));
        }
        at = anchor.map(|i| i + 1);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_between_stable_elements() {
        let b = ["a", "b", "c", "d"];
        let o = ["a", "x", "b", "c", "d"];
        let t = ["a", "b", "c", "D"];
        let steps = diff3(Merge3::new(&b[..], &o[..], &t[..]));
        assert_eq!(
            steps,
            vec![
                Step::Stable(Merge3::new(0, 0, 0)),
                Step::Hunk(Merge3::new(1..1, 1..2, 1..1)),
                Step::Stable(Merge3::new(1, 2, 1)),
                Step::Stable(Merge3::new(2, 3, 2)),
                Step::Hunk(Merge3::new(3..4, 4..5, 3..4)),
            ]
        );
    }

    #[test]
    fn empty_sequences() {
        let e: [&str; 0] = [];
        assert!(diff3(Merge3::new(&e[..], &e[..], &e[..])).is_empty());
        let o = ["x"];
        assert_eq!(
            diff3(Merge3::new(&e[..], &o[..], &e[..])),
            vec![Step::Hunk(Merge3::new(0..0, 0..1, 0..0))]
        );
    }
}
