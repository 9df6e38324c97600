//! Both sides changing neighbouring statements of one block, no statement
//! changed by both: theirs deleted the `if param.ndim ...: raise` check,
//! ours changed the `if lora_dropout:` right below it. A line merge calls
//! edits that touch a conflict (git does);
//! read as whole statements they apply one after the other, each side's
//! statements taken verbatim, in base order.
//!
//! Where a statement goes is certain only when nothing could be "inside"
//! the other side's change:
//! - changes (replacements or deletions) of different base statements
//!   apply whatever their neighbours;
//! - an insertion right next to the other side's change is not this
//!   rule's: a statement inserted before a line the other side wrapped
//!   into an `if` might belong inside it; one inserted before
//!   `optimizer.step()` where the other side wrote `scaler.step(optimizer)`
//!   (`clip_grad_norm_` before an AMP step) may need the other side's
//!   change to change too (fixture `members-both-edit-same-function-
//!   conflict-narrow`); and one inserted after a loop the other side
//!   deleted may read what the loop computed, which the other side now
//!   computes further down (corpus Lightning-AI 864f3030_0: a `print` of
//!   `all_ipynb` written before the new `all_ipynb = [...]`);
//! - both sides inserting at one place, or a change inside the other
//!   side's changed range, is not this rule's either (a conflict, or
//!   another rule's order).
//!
//! The same change made by both (the same base statements replaced by the
//! same statements) counts once. The result is held to verify's line check
//! by the caller.

use std::ops::Range;

use similar::DiffOp;

use crate::core::budget::bounded_diff;
use crate::core::diff3::kept_positions;
use crate::core::merge3::{Merge3, Side};
use crate::python::siblings::Element;

/// One side's change of the hunk: base statements replaced by the side's.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Change {
    base: Range<usize>,
    side: Range<usize>,
}

/// One statement of the merged hunk: a side, its index in that side's
/// hunk, and the blank lines to write before it instead of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub side: Side,
    pub index: usize,
    pub lead: Option<String>,
}

/// The merged hunk as the statements to write; `None` when the two sides'
/// changes are not apart.
///
/// The blank lines before a statement merge as a value: where the side
/// whose statement is written kept the base's blank lines before the base
/// statement at that place and the other side, keeping that statement,
/// changed them (theirs deleted the check above `if lora_dropout:` and
/// kept its blank line there), the other side's are written.
pub fn merge(elements: Merge3<&[Element<'_>]>, texts: &Merge3<Vec<&str>>) -> Option<Vec<Placed>> {
    let same = elements.map_ref(|es| es.iter().map(|e| e.same.as_str()).collect::<Vec<_>>());
    let ours = changes(&same.base, &same.ours)?;
    let theirs = changes(&same.base, &same.theirs)?;
    if ours.is_empty() || theirs.is_empty() {
        return None;
    }
    fn text<'s>(side: &[&'s str], c: &Change) -> Vec<&'s str> {
        side[c.side.clone()].to_vec()
    }
    // The same change on both sides counts once: kept as ours'.
    let theirs: Vec<Change> = theirs
        .into_iter()
        .filter(|t| {
            !ours
                .iter()
                .any(|o| o.base == t.base && text(&same.ours, o) == text(&same.theirs, t))
        })
        .collect();
    for o in &ours {
        for t in &theirs {
            if !apart(o, t) {
                return None;
            }
        }
    }
    let equal_in_ours = equal_positions(&same.base, &same.ours)?;
    let equal_in_theirs = equal_positions(&same.base, &same.theirs)?;
    let kept = Merge3::new(
        (0..same.base.len()).map(Some).collect::<Vec<_>>(),
        equal_in_ours,
        equal_in_theirs,
    );
    let lead_of = |side: Side, k: usize| blank_lead(texts.get(side).get(k).copied().unwrap_or(""));
    // The lead for `side`'s statement `k`, written where base statement
    // `i` was.
    let lead_at = |side: Side, k: usize, i: usize| -> Option<String> {
        let other = match side {
            Side::Theirs => Side::Ours,
            _ => Side::Theirs,
        };
        let at_other = kept.get(other).get(i).copied().flatten()?;
        let (b, mine, theirs) = (
            lead_of(Side::Base, i),
            lead_of(side, k),
            lead_of(other, at_other),
        );
        (mine == b && theirs != b).then(|| theirs.to_string())
    };
    let mut out: Vec<Placed> = Vec::new();
    let place = |side: Side, index: usize, lead: Option<String>| Placed { side, index, lead };
    let starting = |changes: &[Change], i: usize, empty: bool| -> Option<Change> {
        changes
            .iter()
            .find(|c| c.base.start == i && c.base.is_empty() == empty)
            .cloned()
    };
    let mut i = 0;
    while i <= same.base.len() {
        // Insertions at the gap before base statement `i`.
        for (side, changes) in [(Side::Ours, &ours), (Side::Theirs, &theirs)] {
            if let Some(c) = starting(changes, i, true) {
                out.extend(c.side.map(|k| place(side, k, None)));
            }
        }
        if i == same.base.len() {
            break;
        }
        let replaced = [(Side::Ours, &ours), (Side::Theirs, &theirs)]
            .into_iter()
            .find_map(|(side, changes)| starting(changes, i, false).map(|c| (side, c)));
        match replaced {
            Some((side, c)) => {
                let first = c.side.start;
                out.extend(c.side.map(|k| {
                    let lead = if k == first {
                        lead_at(side, k, i)
                    } else {
                        None
                    };
                    place(side, k, lead)
                }));
                i = c.base.end;
            }
            None => {
                let k = kept.ours.get(i).copied().flatten()?;
                out.push(place(Side::Ours, k, lead_at(Side::Ours, k, i)));
                i += 1;
            }
        }
    }
    Some(out)
}

/// The blank lines at the start of an element's text.
pub fn blank_lead(text: &str) -> &str {
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() || !line.ends_with('\n') {
            break;
        }
        end += line.len();
    }
    &text[..end]
}

/// A side's changes against the base, adjacent diff operations joined;
/// `None` when the diff ran over its budget.
fn changes(base: &[&str], side: &[&str]) -> Option<Vec<Change>> {
    let (ops, exact) = bounded_diff(base, side);
    if !exact {
        return None;
    }
    let mut out: Vec<Change> = Vec::new();
    for op in ops {
        let (b, s) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        match out.last_mut() {
            Some(last) if last.base.end == b.start && last.side.end == s.start => {
                last.base.end = b.end;
                last.side.end = s.end;
            }
            _ => out.push(Change { base: b, side: s }),
        }
    }
    Some(out)
}

/// For each base statement, its index in the side when the side kept it.
fn equal_positions(base: &[&str], side: &[&str]) -> Option<Vec<Option<usize>>> {
    let (ops, exact) = bounded_diff(base, side);
    exact.then(|| kept_positions(base.len(), &ops))
}

/// Whether ours' change `o` and theirs' change `t` are apart (see the
/// module doc).
fn apart(o: &Change, t: &Change) -> bool {
    let insertion_beside = |ins: &Change, other: &Change| {
        let g = ins.base.start;
        if g < other.base.start || g > other.base.end {
            return true;
        }
        if g > other.base.start && g < other.base.end {
            return false;
        }
        // Right before or right after the other side's change: where the
        // insertion belongs is a guess (see the module doc).
        false
    };
    match (o.base.is_empty(), t.base.is_empty()) {
        (true, true) => o.base.start != t.base.start,
        (true, false) => insertion_beside(o, t),
        (false, true) => insertion_beside(t, o),
        (false, false) => o.base.end <= t.base.start || t.base.end <= o.base.start,
    }
}
