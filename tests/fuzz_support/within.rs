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
fn matched<T: Eq + std::hash::Hash>(
    old: &[T],
    new: &[T],
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

/// Whether `side` (the result) holds every edit `other` made to `base`,
/// read by tokens (`preserve`'s, each word of a comment a token of its
/// own): a three-way token diff of the versions, between the tokens
/// `other` and `side` both kept from the base, finds every stretch `other`
/// changed written in `side` exactly as `other` wrote it. Both sides
/// fixing one typo in a comment, one also appending words to it (or both
/// fixing `patc=` in a dict entry, one also renaming its key), is a line
/// both rewrote to the line view; here one rewrite holds the other.
pub fn holds_within_tokens(base: &[String], other: &[String], side: &[String]) -> bool {
    if base.len() + other.len() + side.len() > MAX_TOKENS {
        return false;
    }
    let (_, in_other) = matched(base, other);
    let (_, in_side) = matched(base, side);
    // Base tokens both kept, with their places in `other` and `side`.
    let mut anchors: Vec<(usize, usize, usize)> = (0..base.len())
        .filter_map(|i| Some((i, *in_other.get(&i)?, *in_side.get(&i)?)))
        .collect();
    anchors.push((base.len(), other.len(), side.len()));
    let mut last = (0, 0, 0);
    for (b, o, s) in anchors {
        let (b_part, o_part, s_part) = (&base[last.0..b], &other[last.1..o], &side[last.2..s]);
        if o_part != b_part && o_part != s_part {
            return false;
        }
        last = (b + 1, o + 1, s + 1);
    }
    true
}

/// Inputs longer than this (in tokens) are not read by tokens.
const MAX_TOKENS: usize = 60_000;

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
    fn a_rewrite_holding_the_other_sides_rewrite_of_one_line_holds() {
        // Both fix `ten` in a comment, theirs (the result) also appends.
        let base = "def fit():\n    # warm up, ten decay it.\n    return 1\n";
        let ours = "def fit():\n    # warm up, then decay it.\n    return 1\n";
        let theirs = "def fit():\n    # warm up, then decay it with a cosine.\n    return 1\n";
        assert!(holds(base, ours, theirs, theirs));
        // Ours fixes `ten`, theirs (the result) rewrites it otherwise.
        let ours = "def fit():\n    # warm up, and decay it.\n    return 1\n";
        assert!(!holds(base, ours, theirs, theirs));
        // Ours changes another word theirs left alone.
        let ours = "def fit():\n    # cool down, ten decay it.\n    return 1\n";
        assert!(!holds(base, ours, theirs, theirs));
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
