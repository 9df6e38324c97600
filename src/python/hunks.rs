//! The clashes of a sibling sequence: a three-way diff of the elements
//! (compared by text, commas aside) into stable elements, which all three
//! versions share, and hunks, the smallest runs of whole siblings in which
//! the sides changed something.
//!
//! A side's move (a base element found again, unchanged, at another place
//! of that side) is a deletion and an insertion to a sequence diff. The
//! diff joins both ends of every move into one hunk and says so
//! ([`Moves`]): a merge that sees the two ends apart settles the deletion
//! against the other side's deletion and keeps the insertion, undoing that
//! side's change without a word. Given the elements' keys
//! ([`diff3_keyed`]), a named element a side moved and also changed is a
//! move too where the other side deleted or changed it.

use std::ops::Range;

use similar::{capture_diff_slices, Algorithm};

use crate::core::diff3::kept_positions;
use crate::core::merge3::{Merge3, Side};

/// One step of a three-way diff of element sequences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The same element, unchanged in all three: its index in each.
    Stable(Merge3<usize>),
    /// A run of elements changed by one side or both: index ranges, and
    /// the moves it holds.
    Hunk(Merge3<Range<usize>>, Moves),
}

/// The moves inside a hunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moves {
    None,
    /// A side moved an element, and the other side left the hunk as it was.
    Clean,
    /// A side moved an element the other side deleted, changed or moved:
    /// the two changes clash (merge-rules: delete vs move is a conflict).
    Clash,
}

/// One side's move: the base element and the side element it became.
struct Move {
    base: usize,
    /// The base gap the side element sits in: before base element `gap`.
    gap: usize,
    /// Whether the other side kept the base element unchanged.
    other_kept: bool,
    by_ours: bool,
}

/// The keys of a side's elements and of the base's, one per element
/// (`None` for an element without one).
#[derive(Clone, Copy)]
pub struct Keys<'k> {
    pub base: &'k [Option<&'k str>],
    pub side: &'k [Option<&'k str>],
}

/// The moves of `side` against `base`, given each base element's match in
/// the side (`to_side`) and in the other side (`to_other`).
fn moves(
    base: &[&str],
    side: &[&str],
    to_side: &[Option<usize>],
    to_other: &[Option<usize>],
    by_ours: bool,
    keys: Option<Keys<'_>>,
) -> Vec<Move> {
    let mut matched = vec![None; side.len()];
    for (b, s) in to_side.iter().enumerate() {
        if let Some(s) = *s {
            matched[s] = Some(b);
        }
    }
    // The base gap of side element j: before the next matched element.
    let mut gap_of = vec![base.len(); side.len() + 1];
    for j in (0..side.len()).rev() {
        gap_of[j] = matched[j].unwrap_or(gap_of[j + 1]);
    }
    let mut unmatched: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (j, text) in side
        .iter()
        .enumerate()
        .filter(|(j, _)| matched[*j].is_none())
    {
        unmatched.entry(text).or_default().push(j);
    }
    let mut out = Vec::new();
    // A blank line or a lone bracket found elsewhere is layout, not a move.
    let movable = |text: &str| text.chars().any(char::is_alphanumeric);
    for (b, text) in base
        .iter()
        .enumerate()
        .filter(|(b, text)| to_side[*b].is_none() && movable(text))
    {
        if let Some(j) = unmatched
            .get_mut(text)
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
        {
            out.push(Move {
                base: b,
                gap: gap_of[j],
                other_kept: to_other[b].is_some(),
                by_ours,
            });
        }
    }
    if let Some(keys) = keys {
        let left: Vec<usize> = unmatched.into_values().flatten().collect();
        out.extend(keyed_moves(
            keys, to_side, to_other, &left, &gap_of, &out, by_ours,
        ));
    }
    out
}

/// A side's moves of named elements it also changed (a method moved to
/// the end of its class and edited): the base element gone from its place,
/// an unmatched element of the same key, unique in both, in another gap.
/// Only where the other side deleted or changed that element: read as a
/// deletion here and an insertion there, the deletion would settle against
/// the other side's deletion (or clash with its edit apart from the moved
/// copy), and the insertion would stand alone, the clash of a change
/// against a deletion unseen. A move the other side left alone merges
/// right as a deletion and an insertion.
fn keyed_moves(
    keys: Keys<'_>,
    to_side: &[Option<usize>],
    to_other: &[Option<usize>],
    unmatched_side: &[usize],
    gap_of: &[usize],
    text_moves: &[Move],
    by_ours: bool,
) -> Vec<Move> {
    let unique = |all: &[Option<&str>], k: &str| all.iter().filter(|x| **x == Some(k)).count() == 1;
    // The base gap an element of base position `b` stands in on the side:
    // before the next base element the side kept in place.
    let place = |b: usize| {
        (b + 1..to_side.len())
            .find(|&x| to_side[x].is_some())
            .unwrap_or(to_side.len())
    };
    let mut out = Vec::new();
    for (b, key) in keys.base.iter().enumerate() {
        let Some(k) = *key else { continue };
        if to_side[b].is_some()
            || to_other[b].is_some()
            || text_moves.iter().any(|m| m.base == b)
            || !unique(keys.base, k)
            || !unique(keys.side, k)
        {
            continue;
        }
        let Some(&j) = unmatched_side
            .iter()
            .find(|&&j| keys.side.get(j) == Some(&Some(k)))
        else {
            continue;
        };
        if gap_of[j] != place(b) {
            out.push(Move {
                base: b,
                gap: gap_of[j],
                other_kept: false,
                by_ours,
            });
        }
    }
    out
}

/// For each base element, the index of the element it matches in `side`.
fn matches(base: &[&str], side: &[&str]) -> Vec<Option<usize>> {
    kept_positions(
        base.len(),
        &capture_diff_slices(Algorithm::Myers, base, side),
    )
}

/// The three-way diff of three element sequences.
pub fn diff3(seqs: Merge3<&[&str]>) -> Vec<Step> {
    diff3_keyed(seqs, None)
}

/// [`diff3`] with each element's key (`None` without one): a named element
/// a side moved and changed is a move too (see [`keyed_moves`]).
pub fn diff3_keyed(seqs: Merge3<&[&str]>, keys: Option<Merge3<&[Option<&str>]>>) -> Vec<Step> {
    let to_ours = matches(seqs.base, seqs.ours);
    let to_theirs = matches(seqs.base, seqs.theirs);
    let side_keys = |side: Side| {
        keys.map(|k| Keys {
            base: k.base,
            side: k.get(side),
        })
    };
    let all_moves: Vec<Move> = moves(
        seqs.base,
        seqs.ours,
        &to_ours,
        &to_theirs,
        true,
        side_keys(Side::Ours),
    )
    .into_iter()
    .chain(moves(
        seqs.base,
        seqs.theirs,
        &to_theirs,
        &to_ours,
        false,
        side_keys(Side::Theirs),
    ))
    .collect();
    // No anchor between the two ends of a move: base elements lo..hi.
    let spans: Vec<(Range<usize>, bool)> = all_moves
        .iter()
        .map(|m| {
            let span = if m.base < m.gap {
                m.base..m.gap
            } else {
                m.gap..m.base + 1
            };
            (span, m.other_kept)
        })
        .collect();
    let breaks = |b: usize| spans.iter().any(|(span, _)| span.contains(&b));
    let mut steps = Vec::new();
    let mut at = Merge3::new(0, 0, 0);
    let anchors = (0..seqs.base.len())
        .filter(|&b| !breaks(b))
        .filter_map(|b| Some(Merge3::new(b, to_ours[b]?, to_theirs[b]?)));
    for anchor in anchors.chain(std::iter::once(Merge3::new(
        seqs.base.len(),
        seqs.ours.len(),
        seqs.theirs.len(),
    ))) {
        if anchor.ours < at.ours || anchor.theirs < at.theirs {
            continue;
        }
        if anchor != at {
            let base = at.base..anchor.base;
            // A move belongs to the hunk its base element is in (never an
            // anchor: the moving side did not match it in place).
            let held: Vec<&Move> = all_moves
                .iter()
                .filter(|m| base.contains(&m.base))
                .collect();
            let by_both = held.iter().any(|m| m.by_ours) && held.iter().any(|m| !m.by_ours);
            // A move inside a hunk both sides changed is not one a line or
            // token merge can settle: which element moved is a guess of the
            // diff (in a swap, either), and the other side's change may be
            // to the one taken as standing still.
            let both_changed = seqs.ours[at.ours..anchor.ours] != seqs.base[base.clone()]
                && seqs.theirs[at.theirs..anchor.theirs] != seqs.base[base.clone()];
            let moved = if held.is_empty() {
                Moves::None
            } else if by_both || both_changed || held.iter().any(|m| !m.other_kept) {
                Moves::Clash
            } else {
                Moves::Clean
            };
            steps.push(Step::Hunk(
                Merge3::new(base, at.ours..anchor.ours, at.theirs..anchor.theirs),
                moved,
            ));
        }
        if anchor.base < seqs.base.len() {
            steps.push(Step::Stable(anchor));
        }
        at = anchor.map(|i| i + 1);
    }
    steps
}

/// The moves of three texts compared line by line (indentation aside):
/// the worst of the hunks of their three-way line diff. A text resolver
/// that sees a move as a deletion and an insertion (a token merge) must
/// not settle a text holding one.
pub fn line_moves(texts: Merge3<&str>) -> Moves {
    let lines = texts.map(|t| t.lines().map(str::trim).collect::<Vec<&str>>());
    diff3(lines.as_ref().map(|l| l.as_slice()))
        .iter()
        // Both sides making the same change there (the same move) is fine.
        .filter(|step| match step {
            Step::Hunk(r, _) => lines.ours[r.ours.clone()] != lines.theirs[r.theirs.clone()],
            Step::Stable(_) => false,
        })
        .fold(Moves::None, |acc, step| match (acc, step) {
            (Moves::Clash, _) | (_, Step::Hunk(_, Moves::Clash)) => Moves::Clash,
            (Moves::Clean, _) | (_, Step::Hunk(_, Moves::Clean)) => Moves::Clean,
            _ => Moves::None,
        })
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
                Step::Hunk(Merge3::new(1..1, 1..2, 1..1), Moves::None),
                Step::Stable(Merge3::new(1, 2, 1)),
                Step::Stable(Merge3::new(2, 3, 2)),
                Step::Hunk(Merge3::new(3..4, 4..5, 3..4), Moves::None),
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
            vec![Step::Hunk(Merge3::new(0..0, 0..1, 0..0), Moves::None)]
        );
    }

    #[test]
    fn a_move_against_a_deletion_is_one_clashing_hunk() {
        // ours moves `a` after `c`; theirs deletes `a`.
        let b = ["a", "b", "c", "d"];
        let o = ["b", "c", "a", "d"];
        let t = ["b", "c", "d"];
        let steps = diff3(Merge3::new(&b[..], &o[..], &t[..]));
        assert_eq!(
            steps,
            vec![
                Step::Hunk(Merge3::new(0..3, 0..3, 0..2), Moves::Clash),
                Step::Stable(Merge3::new(3, 3, 2)),
            ]
        );
    }

    #[test]
    fn a_moved_line_against_its_deletion_clashes() {
        let base = "def f():\n    a = 1\n    b = 2\n    c = 3\n";
        let ours = "def f():\n    c = 3\n    b = 2\n";
        let theirs = "def f():\n    a = 1\n    b = 2\n";
        assert_eq!(line_moves(Merge3::new(base, ours, theirs)), Moves::Clash);
        let edit = "def f():\n    a = 1\n    b = 2\n    c = 4\n";
        assert_eq!(line_moves(Merge3::new(base, edit, theirs)), Moves::None);
    }

    #[test]
    fn a_named_element_moved_and_changed_against_its_deletion_is_one_clashing_hunk() {
        // theirs moves `m1` to the end and edits it; ours deletes it.
        let b = ["init", "m1", "m2"];
        let o = ["init", "m2"];
        let t = ["init", "m2", "m3", "m1 edited"];
        let key = |v: &[&'static str]| -> Vec<Option<&'static str>> {
            v.iter().map(|e| e.split(' ').next()).collect()
        };
        let (kb, ko, kt) = (key(&b), key(&o), key(&t));
        let keys = Merge3::new(&kb[..], &ko[..], &kt[..]);
        let steps = diff3_keyed(Merge3::new(&b[..], &o[..], &t[..]), Some(keys));
        assert_eq!(
            steps,
            vec![
                Step::Stable(Merge3::new(0, 0, 0)),
                Step::Hunk(Merge3::new(1..3, 1..2, 1..4), Moves::Clash),
            ]
        );
        // Without keys, two hunks: both deleted `m1`; theirs added two.
        let plain = diff3(Merge3::new(&b[..], &o[..], &t[..]));
        assert!(plain.contains(&Step::Hunk(Merge3::new(1..2, 1..1, 1..1), Moves::None)));
        // The same move and edit, ours leaving `m1` alone: no move by key
        // (a deletion and an insertion merge right).
        let kept = diff3_keyed(
            Merge3::new(&b[..], &b[..], &t[..]),
            Some(Merge3::new(&kb[..], &kb[..], &kt[..])),
        );
        assert!(kept
            .iter()
            .all(|s| !matches!(s, Step::Hunk(_, Moves::Clash))));
        // An edit in place is not a move.
        let t = ["init", "m1 edited", "m2"];
        let kt = key(&t);
        let steps = diff3_keyed(
            Merge3::new(&b[..], &o[..], &t[..]),
            Some(Merge3::new(&kb[..], &ko[..], &kt[..])),
        );
        assert!(steps.contains(&Step::Hunk(Merge3::new(1..2, 1..1, 1..2), Moves::None)));
    }

    #[test]
    fn a_move_the_other_side_left_alone_is_clean() {
        let b = ["a", "b", "c", "d"];
        let o = ["b", "a", "c", "d"];
        let t = ["a", "b", "c", "D"];
        let steps = diff3(Merge3::new(&b[..], &o[..], &t[..]));
        assert_eq!(
            steps[0],
            Step::Hunk(Merge3::new(0..2, 0..2, 0..2), Moves::Clean)
        );
        assert!(steps.contains(&Step::Hunk(Merge3::new(3..4, 3..4, 3..4), Moves::None)));
    }
}
