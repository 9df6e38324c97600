//! Where the clean result puts what the sides placed: an inserted,
//! replaced, edited or moved element stands between the stable elements
//! around it on its side, and stable elements keep the base order.

use std::collections::{HashMap, HashSet};

use super::{Outcome, Plan, SideVersion, Versions};
use crate::verify::script::{Fate, Origin};
use crate::verify::{EditKind, Problem, Side, Violation};

/// Base elements some side's move passes over: those between the moved
/// element's base place and the gap it went to, itself included.
fn reordered(v: &Versions<'_>) -> Vec<bool> {
    let n = v.base.elements.len();
    let mut out = vec![false; n];
    for side in [Side::Ours, Side::Theirs] {
        let script = &v.side(side).script;
        for (j, origin) in script.origins.iter().enumerate() {
            if let Origin::Moved(i) = *origin {
                let gap = script.next_in_place[j].unwrap_or(n);
                let span = if i < gap { i..gap } else { gap..i + 1 };
                for k in span {
                    out[k] = true;
                }
            }
        }
    }
    out
}

/// Placed elements (inserted, replaced, edited, moved) stand between the
/// stable elements around them on their side; stable elements keep the
/// base order.
pub(super) fn check_places(
    v: &Versions<'_>,
    p: &Plan,
    r: &Outcome<'_>,
    clean: &HashMap<u32, Vec<usize>>,
    out: &mut Vec<Violation>,
) {
    let first = |content: u32| clean.get(&content).and_then(|ps| ps.first().copied());
    let last = |content: u32| clean.get(&content).and_then(|ps| ps.last().copied());
    let shaken = reordered(v);
    for side in [Side::Ours, Side::Theirs] {
        let sv = v.side(side);
        let origins = &sv.script.origins;
        let m = origins.len();
        // The stable elements around each side element; for a new element
        // (inserted, or replacing a base element) only those no move
        // passes over (`steady`): in a swap either element may be the one
        // that moved, so a new element next to it has two right places
        // (before or after the pair). A replacement is a deletion and an
        // insertion at one place, placed as an insertion is.
        let bounds = |steady: bool| {
            let stable_at = |j: usize| match origins[j] {
                Origin::Kept(i) if p.stable[i] && !(steady && shaken[i]) => Some(i),
                _ => None,
            };
            let mut seen = None;
            let prev: Vec<Option<usize>> = (0..m)
                .map(|j| {
                    let before = seen;
                    seen = stable_at(j).or(seen);
                    before
                })
                .collect();
            let mut next = vec![None; m];
            let mut seen = None;
            for j in (0..m).rev() {
                next[j] = seen;
                seen = stable_at(j).or(seen);
            }
            (prev, next)
        };
        let (prev_any, next_any) = bounds(false);
        let (prev_steady, next_steady) = bounds(true);
        for j in 0..m {
            let (prev, next) = if matches!(origins[j], Origin::Inserted | Origin::Replaced(_)) {
                (&prev_steady, &next_steady)
            } else {
                (&prev_any, &next_any)
            };
            let edit = match origins[j] {
                Origin::Kept(_) => continue,
                Origin::Inserted => EditKind::Insert,
                Origin::Replaced(_) => EditKind::Replace,
                Origin::Edited(_) => EditKind::Edit,
                Origin::Moved(_) => EditKind::Move,
            };
            if p.in_clash.contains(&(side, j)) {
                continue;
            }
            // Edited here, moved by the other side: the other side places it.
            if let Origin::Edited(i) | Origin::Replaced(i) = origins[j] {
                let other = v.side(if side == Side::Ours {
                    Side::Theirs
                } else {
                    Side::Ours
                });
                if matches!(other.script.fates[i], Fate::Moved(_)) {
                    continue;
                }
            }
            let Some(positions) = clean.get(&sv.version.ids.content[j]) else {
                continue;
            };
            let lo = prev[j].and_then(|i| first(v.base.ids.content[i]));
            let hi = next[j].and_then(|i| last(v.base.ids.content[i]));
            let placed = positions
                .iter()
                .any(|&at| lo.is_none_or(|l| l < at) && hi.is_none_or(|h| at < h));
            if !placed {
                out.push(Violation {
                    side: Some(side),
                    edit,
                    problem: Problem::Misplaced,
                    element: sv.version.elements[j].clone(),
                });
            }
        }
    }
    // Stable elements with a content found once in the base and once in
    // the clean result keep the base order.
    let mut base_count: HashMap<u32, usize> = HashMap::new();
    for &c in v.base.ids.content {
        *base_count.entry(c).or_default() += 1;
    }
    let mut last_at = None;
    for i in (0..p.stable.len()).filter(|&i| p.stable[i]) {
        let content = v.base.ids.content[i];
        let Some(positions) = clean.get(&content) else {
            continue;
        };
        if positions.len() != 1 || base_count.get(&content) != Some(&1) {
            continue;
        }
        let at = positions[0];
        if last_at.is_some_and(|l| at < l) {
            out.push(Violation {
                side: None,
                edit: EditKind::Keep,
                problem: Problem::Misplaced,
                element: r.version.elements[at].clone(),
            });
        }
        last_at = Some(at);
    }
}

/// The base elements that stand in place, unchanged, on both sides,
/// nearest before and after side element `j` of `side`.
fn stable_around(side: SideVersion<'_>, p: &Plan, j: usize) -> (Option<usize>, Option<usize>) {
    let stable_at = |k: usize| match side.script.origins[k] {
        Origin::Kept(i) if p.stable[i] => Some(i),
        _ => None,
    };
    let before = (0..j).rev().find_map(stable_at);
    let after = (j + 1..side.script.origins.len()).find_map(stable_at);
    (before, after)
}

/// A base element one side moved and the other replaced (without names):
/// the replacement stands at the mover's place, between the stable
/// elements around the moved element (it moved with its rewrite), or the
/// element, or its replacement, lies inside a conflict (delete vs move).
/// A replacement left at the replacer's place loses the move.
pub(super) fn check_moved_rewrites(
    v: &Versions<'_>,
    p: &Plan,
    clean: &HashMap<u32, Vec<usize>>,
    conflict_contents: &HashSet<u32>,
    out: &mut Vec<Violation>,
) {
    for rewrite in &p.moved_rewrites {
        let (replacer, jr) = rewrite.replacer;
        let (mover, jm) = rewrite.mover;
        let base_content = v.base.ids.content[rewrite.base];
        let new_content = v.side(replacer).version.ids.content[jr];
        if conflict_contents.contains(&base_content) || conflict_contents.contains(&new_content) {
            continue;
        }
        // A lost replacement is the pool's finding.
        let Some(positions) = clean.get(&new_content) else {
            continue;
        };
        let (before, after) = stable_around(v.side(mover), p, jm);
        let at_of = |i: usize, pick_last: bool| {
            let ps = clean.get(&v.base.ids.content[i])?;
            if pick_last {
                ps.last().copied()
            } else {
                ps.first().copied()
            }
        };
        let lo = before.and_then(|i| at_of(i, false));
        let hi = after.and_then(|i| at_of(i, true));
        let placed = positions
            .iter()
            .any(|&at| lo.is_none_or(|l| l < at) && hi.is_none_or(|h| at < h));
        if !placed {
            out.push(Violation {
                side: Some(mover),
                edit: EditKind::Move,
                problem: Problem::Lost,
                element: v.base.elements[rewrite.base].clone(),
            });
        }
    }
}
