//! Where a diff put an edit is not always the only place it could go: an
//! insertion of `x , b ,` after `a ,` in `a , b , c` is also an insertion of
//! `, b , x` after `b`, and the two give different results once the other
//! side edits `b`. Myers picks one placement without knowing about the
//! other side; a three-way merge that trusts it can apply the other side's
//! edit to the wrong copy of a repeated stretch (an import line inserted
//! between two lines that share their module, the other side renaming the
//! module in both: the rename lands on the inserted line).
//!
//! [`ambiguous`] says when that can happen: the stretch over which an edit
//! of one side can slide (each step moving it by one element over an equal
//! element) overlaps where the diff put an edit of the other side, so that
//! it could be placed on either side of it. Touching is not enough: an edit
//! that can only slide up to the other side's edit has one clean placement;
//! nor are two edits that both slide over the same equal run (a deletion
//! and an insertion both next to `self .`): they commute.

use std::ops::Range;

use super::diff3::{Hunk, HunkKind};

/// The base stretch over which an edit replacing `base[b]` by `side[s]`
/// can slide, each step over one element equal on both ends.
fn extent<T: Eq>(base: &[T], side: &[T], b: &Range<usize>, s: &Range<usize>) -> Range<usize> {
    let (mut lo_b, mut lo_s) = (b.clone(), s.clone());
    // Left: the element before the edit equals the last one it removes
    // (if any) and the last one it inserts (if any).
    while lo_b.start > 0 && lo_s.start > 0 {
        let before = &base[lo_b.start - 1];
        let removes = lo_b.is_empty() || &base[lo_b.end - 1] == before;
        let inserts = lo_s.is_empty() || &side[lo_s.end - 1] == before;
        if !(removes && inserts) {
            break;
        }
        lo_b = lo_b.start - 1..lo_b.end - 1;
        lo_s = lo_s.start - 1..lo_s.end - 1;
    }
    let (mut hi_b, mut hi_s) = (b.clone(), s.clone());
    while hi_b.end < base.len() && hi_s.end < side.len() {
        let after = &base[hi_b.end];
        let removes = hi_b.is_empty() || &base[hi_b.start] == after;
        let inserts = hi_s.is_empty() || &side[hi_s.start] == after;
        if !(removes && inserts) {
            break;
        }
        hi_b = hi_b.start + 1..hi_b.end + 1;
        hi_s = hi_s.start + 1..hi_s.end + 1;
    }
    lo_b.start..hi_b.end
}

/// An edit (by its hunk), where the diff put it and the base stretch it
/// can slide over.
struct Placed {
    hunk: usize,
    placed: Range<usize>,
    stretch: Range<usize>,
}

/// Whether two base stretches share an element, or one is an insertion
/// point strictly inside the other.
fn overlap(x: &Range<usize>, y: &Range<usize>) -> bool {
    match (x.is_empty(), y.is_empty()) {
        (false, false) => x.start < y.end && y.start < x.end,
        (true, false) => y.start < x.start && x.start < y.end,
        (false, true) => x.start < y.start && y.start < x.end,
        (true, true) => false,
    }
}

/// Whether some one-side edit of `hunks` could slide over a stretch the
/// other side edited (see the module doc): then where the diff put it is
/// a guess, and a clean merge of the hunks is not certain.
pub fn ambiguous<T: Eq>(hunks: &[Hunk], base: &[T], ours: &[T], theirs: &[T]) -> bool {
    // Each side's edits; a hunk both sides changed counts for both (it is
    // one edit, not compared with itself).
    let placed = |hunk: usize, h: &Hunk, side: &[T], range: &Range<usize>| Placed {
        hunk,
        placed: h.base.clone(),
        stretch: extent(base, side, &h.base, range),
    };
    let mut by_ours: Vec<Placed> = Vec::new();
    let mut by_theirs: Vec<Placed> = Vec::new();
    for (i, h) in hunks.iter().enumerate() {
        if matches!(h.kind, HunkKind::Ours | HunkKind::Both | HunkKind::Conflict) {
            by_ours.push(placed(i, h, ours, &h.ours));
        }
        if matches!(
            h.kind,
            HunkKind::Theirs | HunkKind::Both | HunkKind::Conflict
        ) {
            by_theirs.push(placed(i, h, theirs, &h.theirs));
        }
    }
    by_ours.iter().any(|o| {
        by_theirs.iter().any(|t| {
            o.hunk != t.hunk && (overlap(&o.stretch, &t.placed) || overlap(&o.placed, &t.stretch))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diff3::{diff3, Budget};

    fn words(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }

    /// Whether the merge is clean and certain: no conflicting hunk, no
    /// edit whose place is a guess.
    fn certain(b: &str, o: &str, t: &str) -> bool {
        let (b, o, t) = (words(b), words(o), words(t));
        let hunks = diff3(&b, &o, &t, Budget::default()).unwrap();
        !hunks.iter().any(|h| h.kind == HunkKind::Conflict) && !ambiguous(&hunks, &b, &o, &t)
    }

    #[test]
    fn an_insertion_that_can_slide_over_the_other_edit_is_ambiguous() {
        // Theirs inserts a line `f m i c ;` between two lines of module m;
        // ours renames the second line's module: which copy it renames
        // depends on where the insertion is placed.
        assert!(!certain(
            "f m i a ; f m i b ;",
            "f m i a ; f n i b ;",
            "f m i a ; f m i c ; f m i b ;"
        ));
    }

    #[test]
    fn edits_that_cannot_slide_onto_the_other_edit_are_not() {
        // `a ,` inserted anywhere in `a , a ,`: every placement gives the
        // same result, away from theirs' edit of `c`.
        assert!(certain(
            "a , a , b , c",
            "a , a , a , b , c",
            "a , a , b , Z"
        ));
        assert!(certain("a b c d e", "a X c d e", "a b c d Y"));
    }

    #[test]
    fn two_insertions_that_can_meet_at_one_point_are_not() {
        // `max ( len ( loader ) , 1 )` against `len ( loader . dataset )`:
        // ours' `, 1 )` can slide to before `)`, next to theirs'
        // `. dataset`, where the two would conflict; one clean placement.
        assert!(certain(
            "x / len ( loader )",
            "x / max ( len ( loader ) , 1 )",
            "x / len ( loader . dataset )"
        ));
    }

    #[test]
    fn a_deletion_sliding_over_an_insertion_is_ambiguous() {
        // Ours deletes one of three equal elements; theirs inserts after
        // the first: `a X b b c` or `a b X b c`.
        assert!(!certain("a b b b c", "a b b c", "a b X b b c"));
    }
}
