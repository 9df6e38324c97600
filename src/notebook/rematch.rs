//! Two corrections of the content matching of cells without ids, made
//! once both sides are matched (issue 8):
//!
//! - **A lone cell in place is an edit.** Where a gap between matched
//!   cells holds exactly one unmatched base cell and one unmatched side
//!   cell of the same type, the side rewrote that cell, however little of
//!   it is left (`lr = 0.01` → `learning_rate = 3e-4`): a deletion and an
//!   insertion would keep both sides' rewrites as two cells, exit 0.
//!   Not where the other side kept that cell and inserted one of exactly
//!   that content ([`inserted_by_both`]).
//! - **A new content both sides wrote is an insertion both made.** Where
//!   one side's version of a base cell is a new content (paired in place,
//!   or by likeness) and the other side kept that base cell unchanged and
//!   has an unmatched cell of exactly that content, the first side deleted
//!   the base cell and both inserted the new one (base `1 2`, ours `501
//!   2`, theirs `2 501 1`: ours deleted 1, and 501 is new on both sides).
//!   Read as an edit, the other side's copy is a second cell of that
//!   content, or the edit is taken for the other side's (§1.1: a deletion
//!   undone).
//! - **The same edit on both sides is one edit.** When one side turned a
//!   base cell into some content and the other side has a cell of exactly
//!   that content, unmatched, right beside its own version of the base
//!   cell, that cell is the other side's version: both sides made the same
//!   change (one also inserted a cell next to it). Matched the other way,
//!   the shared content would be written twice. Not where the other
//!   side's version is the base cell unchanged: that side kept the cell
//!   and inserted the new one beside it. So too where the other
//!   side has no version of the base cell but an unmatched cell of that
//!   content in its place (between its versions of the base cell's
//!   matched neighbours): it replaced the cell by the same content.
//! - **The same replacement on both sides is one edit.** Where neither
//!   side has a version of a base cell and each has one unmatched cell of
//!   the same content, in the base cell's place on at least one side and
//!   beside its side's version of one of the base cell's neighbours on
//!   both, both cells are its versions: both replaced it alike, and one side moved
//!   cells around it (base `1 2 3`, ours `501 3 1`, theirs `1 501 701 3`:
//!   501 is 2 on both sides, ours moved 1 down). Left as two new cells,
//!   the place of the shared cell was a guess each side order made
//!   differently.

use std::collections::HashMap;

use super::matching::{in_order_pairs, Matching};
use super::model::Cell;

fn same(a: &Cell, b: &Cell) -> bool {
    a.cell_type == b.cell_type && a.source == b.source
}

/// Applies both corrections to the matchings of ours and theirs.
pub fn rematch(
    base: &[Cell],
    sides: (&[Cell], &[Cell]),
    of_ours: &mut Matching,
    of_theirs: &mut Matching,
) {
    let (ours, theirs) = sides;
    for (b, s) in lone_cells_in_place(base, ours, of_ours) {
        of_ours[b] = Some(s);
    }
    for (b, s) in lone_cells_in_place(base, theirs, of_theirs) {
        of_theirs[b] = Some(s);
    }
    inserted_by_both(base, (ours, theirs), of_ours, of_theirs);
    same_edit_beside(base, ours, theirs, of_ours, of_theirs);
    same_edit_beside(base, theirs, ours, of_theirs, of_ours);
    replaced_alike_on_both(base, (ours, theirs), of_ours, of_theirs);
}

/// A side's unmatched cells by type and source; `None` where a content
/// is there twice.
fn unmatched_by_content<'c>(
    side: &'c [Cell],
    of_base: &Matching,
) -> HashMap<(&'c str, &'c str), Option<usize>> {
    let of_side = side_index(of_base, side.len());
    let mut by_content: HashMap<(&str, &str), Option<usize>> = HashMap::new();
    for (s, cell) in side
        .iter()
        .enumerate()
        .filter(|(s, _)| of_side[*s].is_none())
    {
        by_content
            .entry((cell.cell_type.as_str(), cell.source.as_str()))
            .and_modify(|found| *found = None)
            .or_insert(Some(s));
    }
    by_content
}

/// A base cell neither side has a version of, and one unmatched cell of
/// one content on each side, in the base cell's place on at least one and
/// beside a neighbour of it on both: that cell is each side's version of
/// it.
fn replaced_alike_on_both(
    base: &[Cell],
    (ours, theirs): (&[Cell], &[Cell]),
    of_ours: &mut Matching,
    of_theirs: &mut Matching,
) {
    let (in_ours, in_theirs) = (
        unmatched_by_content(ours, of_ours),
        unmatched_by_content(theirs, of_theirs),
    );
    let mut pairs: Vec<(usize, usize)> = in_ours
        .iter()
        .filter_map(|(content, o)| Some(((*o)?, (*in_theirs.get(content)?)?)))
        .collect();
    pairs.sort_unstable();
    for (o, t) in pairs {
        let found = (0..base.len()).find(|&b| {
            of_ours[b].is_none()
                && of_theirs[b].is_none()
                && base[b].cell_type == ours[o].cell_type
                && (in_place(b, None, of_ours, o) || in_place(b, None, of_theirs, t))
                && beside_a_neighbour(b, of_ours, o, ours.len())
                && beside_a_neighbour(b, of_theirs, t, theirs.len())
        });
        if let Some(b) = found {
            of_ours[b] = Some(o);
            of_theirs[b] = Some(t);
        }
    }
}

fn side_index(of_base: &Matching, len: usize) -> Vec<Option<usize>> {
    let mut of_side = vec![None; len];
    for (b, s) in of_base.iter().enumerate() {
        if let Some(s) = *s {
            if let Some(slot) = of_side.get_mut(s) {
                *slot = Some(b);
            }
        }
    }
    of_side
}

/// Unpairs each side's version of a base cell that is a new content the
/// other side inserted while keeping that base cell unchanged: both sides
/// inserted the content, and this side deleted the base cell. Both sides
/// are read from the same matchings, so the side order does not matter.
fn inserted_by_both(
    base: &[Cell],
    (ours, theirs): (&[Cell], &[Cell]),
    of_ours: &mut Matching,
    of_theirs: &mut Matching,
) {
    let from_ours = inserted_by_other(base, (ours, &*of_ours), (theirs, &*of_theirs));
    let from_theirs = inserted_by_other(base, (theirs, &*of_theirs), (ours, &*of_ours));
    for b in from_ours {
        of_ours[b] = None;
    }
    for b in from_theirs {
        of_theirs[b] = None;
    }
}

/// The base cells `side` has a new content for that `other` kept
/// unchanged while it has an unmatched cell of exactly that content.
fn inserted_by_other(
    base: &[Cell],
    (side, of_side): (&[Cell], &Matching),
    (other, of_other): (&[Cell], &Matching),
) -> Vec<usize> {
    let unmatched = side_index(of_other, other.len());
    (0..base.len())
        .filter(|&b| {
            let (Some(s), Some(p)) = (of_side[b], of_other[b]) else {
                return false;
            };
            let Some(version) = side.get(s) else {
                return false;
            };
            !same(version, &base[b])
                && other.get(p).is_some_and(|kept| same(kept, &base[b]))
                && other
                    .iter()
                    .zip(&unmatched)
                    .any(|(cell, of)| of.is_none() && same(cell, version))
        })
        .collect()
}

/// The gaps between matched cells that hold exactly one unmatched base
/// cell and one unmatched side cell of the same type, and nothing matched
/// between them: (base index, side index) of each.
fn lone_cells_in_place(base: &[Cell], side: &[Cell], of_base: &Matching) -> Vec<(usize, usize)> {
    let of_side = side_index(of_base, side.len());
    let anchors = in_order_pairs(of_base);
    let mut prev = (0usize, 0usize);
    let mut found = Vec::new();
    for (b_end, s_end) in anchors.into_iter().chain([(base.len(), side.len())]) {
        let gap_base: Vec<usize> = (prev.0..b_end).filter(|&b| of_base[b].is_none()).collect();
        let gap_side: Vec<usize> = (prev.1..s_end).filter(|&s| of_side[s].is_none()).collect();
        if let ([b], [s]) = (gap_base.as_slice(), gap_side.as_slice()) {
            // Only where nothing matched lies between them either.
            let clear = (prev.0..b_end).all(|k| k == *b || of_base[k].is_none())
                && (prev.1..s_end).all(|k| k == *s || of_side[k].is_none());
            if clear && base[*b].cell_type == side[*s].cell_type {
                found.push((*b, *s));
            }
        }
        prev = (b_end + 1, s_end + 1);
    }
    found
}

/// `changer` turned base cell b into content C; `other` has an unmatched
/// cell of content C right beside its own version of b: that cell is its
/// version of b.
fn same_edit_beside(
    base: &[Cell],
    changer: &[Cell],
    other: &[Cell],
    of_changer: &Matching,
    of_other: &mut Matching,
) {
    let mut of_side = side_index(of_other, other.len());
    for b in 0..base.len() {
        let Some(c) = of_changer[b] else { continue };
        let target = &changer[c];
        let Some(p) = of_other[b] else {
            if !same(target, &base[b]) {
                replaced_alike(b, target, (base, changer, other), of_changer, of_other);
                of_side = side_index(of_other, other.len());
            }
            continue;
        };
        // The other side kept the cell as it was: the cell beside it is
        // an insertion of that side, not its version of the cell.
        if same(target, &base[b]) || same(target, &other[p]) || same(&other[p], &base[b]) {
            continue;
        }
        let beside = [p.checked_sub(1), p.checked_add(1)]
            .into_iter()
            .flatten()
            .find(|&o| o < other.len() && of_side[o].is_none() && same(&other[o], target));
        if let Some(o) = beside {
            of_other[b] = Some(o);
            of_side[o] = Some(b);
            of_side[p] = None;
        }
    }
}

/// `changer` turned base cell `b` into `target`; `other` has no version
/// of `b` but a cell of exactly that content in its place: unmatched, or
/// taken for an edit of a neighbour the changer left as it was (the other
/// side then deleted that neighbour and made the same change as the
/// changer). That cell is its version of `b`.
fn replaced_alike(
    b: usize,
    target: &Cell,
    (base, changer, other): (&[Cell], &[Cell], &[Cell]),
    of_changer: &Matching,
    of_other: &mut Matching,
) {
    let of_side = side_index(of_other, other.len());
    let found = (0..other.len()).find_map(|o| {
        if !same(&other[o], target) {
            return None;
        }
        let stands_for = match of_side[o] {
            None => None,
            Some(b2) => {
                let kept_by_changer = of_changer[b2].is_some_and(|c| same(&changer[c], &base[b2]));
                if b2 == b || same(&other[o], &base[b2]) || !kept_by_changer {
                    return None;
                }
                Some(b2)
            }
        };
        in_place(b, stands_for, of_other, o).then_some((o, stands_for))
    });
    if let Some((o, stands_for)) = found {
        if let Some(b2) = stands_for {
            of_other[b2] = None;
        }
        of_other[b] = Some(o);
    }
}

/// Whether side cell `s` stands right after the side's version of the
/// base cell before `b`, or right before its version of the one after
/// (the notebook's start or end standing for a missing neighbour): a
/// replacement both made stays beside what it replaced on each side.
/// Base `1 2 3`, ours `501 3 1`, theirs `1 501 701 3`: ours' 501 is right
/// before 3, theirs' right after 1. Two new cells each side inserted
/// somewhere else in a run both deleted (vertex-ai-samples b3c0c443_0:
/// two "Common setup" cells, ours' after a section heading of its own,
/// theirs' at the top) are no replacement of a deleted cell.
fn beside_a_neighbour(b: usize, of_base: &Matching, s: usize, len: usize) -> bool {
    let after_prev = match b.checked_sub(1) {
        None => s == 0,
        Some(prev) => s
            .checked_sub(1)
            .is_some_and(|before| of_base.get(prev).copied().flatten() == Some(before)),
    };
    let before_next = match of_base.get(b + 1) {
        None => s + 1 == len,
        Some(next) => *next == Some(s + 1),
    };
    after_prev || before_next
}

/// Whether side cell `o` lies between the side's versions of the nearest
/// matched base cells before and after base cell `b` (`ignore` left out):
/// the place `b` had there.
fn in_place(b: usize, ignore: Option<usize>, of_base: &Matching, o: usize) -> bool {
    let matched = |k: &usize| *k != b && Some(*k) != ignore;
    let after = (0..b)
        .rev()
        .filter(matched)
        .find_map(|k| of_base[k])
        .is_none_or(|s| s < o);
    let before = (b + 1..of_base.len())
        .filter(matched)
        .find_map(|k| of_base[k])
        .is_none_or(|s| o < s);
    after && before
}
