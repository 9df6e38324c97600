//! A reading of the change-preservation check for a result that is one
//! side's version exactly: it holds every change when the other side's
//! edits are already in that side, which a line diff of the three
//! versions cannot always see. Where both sides rewrote one stretch and
//! one rewrite extends the other (theirs turns `deploy_op = ModelDeployOp(`
//! into `ModelDeployOp(`; ours does the same below a new call it inserts
//! before), the three-way view pairs the two rewrites' lines by position
//! and reads a clash; here the other side's version is compared with the
//! result directly.
//!
//! `side` holds `other`'s edits when, with `other`'s edits as its line
//! diff against the base cuts them:
//! - every line `other` added is a line of `side` in the same order (a
//!   common subsequence of the two), and one `side` added too (not a base
//!   line `side` left where it was: `other` moved it);
//! - no line `side` has beyond `other`'s is a base line `other` deleted,
//!   has its key (`self.fc =`: the same name, edited) or shares three
//!   quarters of its tokens under the same headers (the same line, edited).

use std::collections::HashSet;

use mlmerge::verify::Element;
use similar::{capture_diff_slices, Algorithm, DiffOp};

/// Inputs longer than this (in elements) are not read this way.
const MAX_ELEMENTS: usize = 20_000;

/// Whether `side` (the result) holds every edit `other` made to `base`.
pub fn holds_within(base: &[Element], other: &[Element], side: &[Element]) -> bool {
    if base.len() + other.len() + side.len() > MAX_ELEMENTS {
        return false;
    }
    let (other_kept, base_kept_by_other) = matched(base, other);
    let (side_kept, _) = matched(base, side);
    let (side_has_other, other_in_side) = matched(other, side);
    // Every line `other` added is in `side`, matched in order, as a line
    // `side` added too.
    let added_kept = (0..other.len())
        .filter(|j| !other_kept.contains(j))
        .all(|j| matches!(other_in_side.get(&j), Some(&k) if !side_kept.contains(&k)));
    if !added_kept {
        return false;
    }
    let deleted: Vec<&Element> = (0..base.len())
        .filter(|i| !base_kept_by_other.contains_key(i))
        .map(|i| &base[i])
        .collect();
    (0..side.len())
        .filter(|k| !side_has_other.contains(k))
        .all(|k| deleted.iter().all(|d| !same_line(d, &side[k])))
}

/// The elements of `new` matched to `old` by their longest common
/// subsequence, and for each matched `old` element its `new` index.
fn matched(
    old: &[Element],
    new: &[Element],
) -> (HashSet<usize>, std::collections::HashMap<usize, usize>) {
    let mut in_new = HashSet::new();
    let mut pairs = std::collections::HashMap::new();
    for op in capture_diff_slices(Algorithm::Myers, old, new) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for d in 0..len {
                in_new.insert(new_index + d);
                pairs.insert(old_index + d, new_index + d);
            }
        }
    }
    (in_new, pairs)
}

/// Whether `line` is `deleted` back or edited: the same content, the same
/// key (a name, not the content itself), or most of its tokens under the
/// same headers.
fn same_line(deleted: &Element, line: &Element) -> bool {
    if deleted.content == line.content {
        return true;
    }
    let named = |e: &Element| e.key != e.content;
    if named(deleted) && deleted.key == line.key {
        return true;
    }
    let split = |e: &Element| -> Option<(String, Vec<String>)> {
        let (path, tokens) = e.content.split_once('|')?;
        Some((
            path.to_string(),
            tokens.split(' ').map(str::to_string).collect(),
        ))
    };
    let (Some((pd, td)), Some((pl, tl))) = (split(deleted), split(line)) else {
        return false;
    };
    if pd != pl {
        return false;
    }
    let mut rest = tl.clone();
    let common = td
        .iter()
        .filter(|t| match rest.iter().position(|r| r == *t) {
            Some(p) => {
                rest.swap_remove(p);
                true
            }
            None => false,
        })
        .count();
    4 * common >= 3 * td.len().max(tl.len())
}

#[cfg(test)]
mod tests {
    use crate::fuzz_support::preserve::{check, Preserved};

    fn holds(base: &str, ours: &str, theirs: &str, result: &str) -> bool {
        let versions = [base.as_bytes(), ours.as_bytes(), theirs.as_bytes()];
        matches!(check(false, versions, result.as_bytes()), Preserved::Holds)
    }

    #[test]
    fn a_side_holding_the_others_insertion_holds() {
        let base = "model = Sequential([\n    Conv2D(32, 3),\n])\n";
        let ours = "model = Sequential([\n    Conv2D(16, 3),\n    Conv2D(32, 3),\n])\n";
        let theirs = "model = Sequential([\n    Input((32, 32, 3)),\n    Conv2D(16, 3),\n    Conv2D(32, 5),\n])\n";
        assert!(holds(base, ours, theirs, theirs));
    }

    #[test]
    fn a_side_without_the_others_move_or_with_its_deletion_edited_does_not_hold() {
        // ours moves `a()` below `b()`; theirs, the result, keeps it above.
        let (base, ours) = ("a()\nb()\n", "b()\na()\n");
        let theirs = "a()\nb()\nc()\n";
        assert!(!holds(base, ours, theirs, theirs));
        // ours deletes a layer theirs, the result, edits.
        let base = "model.add(Dense(10))\nmodel.add(Dense(11))\nmodel.add(Dense(1))\n";
        let ours = "model.add(Dense(10))\nmodel.add(Dense(1))\n";
        let theirs = "model.add(Dense(10))\nmodel.add(Dense(12))\nmodel.add(Dense(1))\n";
        assert!(!holds(base, ours, theirs, theirs));
        // ours deletes `self.fc`; theirs, the result, edits it.
        let base = "self.fc = Linear(4, 2)\nself.out = Linear(2, 1)\n";
        let ours = "self.out = Linear(2, 1)\n";
        let theirs = "self.fc = Linear(8, 2)\nself.out = Linear(2, 1)\n";
        assert!(!holds(base, ours, theirs, theirs));
    }
}
