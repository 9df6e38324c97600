//! Spans of the base list a side reordered (merge-rules §2, moves): each
//! widened until no element inside is paired with one outside, then
//! taken in the reordering side's order when the other side left the
//! span alone, else one clash over the span.

use super::view::State;
use super::{other, Planner};
use crate::core::merge3::Side;
use crate::decisions::{Decision, DecisionKind};

impl Planner<'_, '_> {
    /// Reordered spans: (lo, hi, owner); owner `None` when both reordered.
    pub(super) fn blocks(&self) -> Vec<(usize, usize, Option<Side>)> {
        let mut all: Vec<(usize, usize, Option<Side>)> = Vec::new();
        for (side, view) in [(Side::Ours, &self.ours), (Side::Theirs, &self.theirs)] {
            for &(lo, hi) in &view.blocks {
                let (lo, hi) = self.close_block(lo, hi);
                all.push((lo, hi, Some(side)));
            }
        }
        all.sort_by_key(|b| (b.0, b.1));
        let mut out: Vec<(usize, usize, Option<Side>)> = Vec::new();
        for (lo, hi, owner) in all {
            match out.last_mut() {
                Some(last) if lo < last.1 => {
                    last.1 = last.1.max(hi);
                    if last.2 != owner {
                        last.2 = None;
                    }
                }
                _ => out.push((lo, hi, owner)),
            }
        }
        out
    }

    /// Widens a block until no element inside it is paired with one outside.
    fn close_block(&self, mut lo: usize, mut hi: usize) -> (usize, usize) {
        for _ in 0..64 {
            let (mut new_lo, mut new_hi) = (lo, hi);
            for side in [Side::Ours, Side::Theirs] {
                let range = self.side_range(side, lo, hi);
                for (i, state) in self.view(side).states.iter().enumerate() {
                    if let Some(j) = state.index().or_else(|| self.moved_to(side, i)) {
                        if range.contains(&j) {
                            new_lo = new_lo.min(i);
                            new_hi = new_hi.max(i + 1);
                        }
                    }
                }
            }
            if (new_lo, new_hi) == (lo, hi) {
                break;
            }
            (lo, hi) = (new_lo, new_hi);
        }
        (lo, hi)
    }

    fn moved_to(&self, side: Side, i: usize) -> Option<usize> {
        self.view(side)
            .alignment
            .moves
            .iter()
            .find(|m| m.0 == i)
            .map(|m| m.1)
    }

    /// The side's elements that stand for base elements lo..hi.
    fn side_range(&self, side: Side, lo: usize, hi: usize) -> std::ops::Range<usize> {
        let view = self.view(side);
        let mut members: Vec<usize> = (lo..hi)
            .filter_map(|i| view.states[i].index().or_else(|| self.moved_to(side, i)))
            .collect();
        for g in lo + 1..hi {
            members.extend(&view.inserted[g]);
        }
        match (members.iter().min(), members.iter().max()) {
            (Some(&a), Some(&b)) => a..b + 1,
            _ => 0..0,
        }
    }

    /// Places one reordered span: the reordering side's order when the other
    /// side left the span alone, else one clash over it.
    pub(super) fn block(&mut self, lo: usize, hi: usize, owner: Option<Side>) {
        let other_untouched = |other: Side| {
            let view = self.view(other);
            (lo..hi).all(|i| matches!(view.states[i], State::Same(_)))
                && (lo + 1..hi).all(|g| view.inserted[g].is_empty())
        };
        let subject = format!("layers {}–{}", lo + 1, hi);
        match owner {
            Some(side) if other_untouched(other(side)) => {
                for j in self.side_range(side, lo, hi) {
                    self.push_unit(side, j, None);
                }
                self.decide(
                    DecisionKind::took(side),
                    &subject,
                    format!("reordered by {}", side.name()),
                );
            }
            _ => {
                let ours: Vec<usize> = self.side_range(Side::Ours, lo, hi).collect();
                let theirs: Vec<usize> = self.side_range(Side::Theirs, lo, hi).collect();
                let tokens = |side: Side, js: &[usize]| -> Vec<&str> {
                    js.iter()
                        .map(|&j| self.inputs.units(side)[j].tokens.as_str())
                        .collect()
                };
                if tokens(Side::Ours, &ours) == tokens(Side::Theirs, &theirs) {
                    // The same reorder on both sides, however each side's
                    // diff read which element moved: one change.
                    for j in ours {
                        self.push_unit(Side::Ours, j, None);
                    }
                    self.emitted
                        .extend(theirs.iter().map(|&j| (Side::Theirs, j)));
                    self.decide(
                        DecisionKind::TookBoth,
                        &subject,
                        "reordered alike by both sides".to_string(),
                    );
                    return;
                }
                let decision = Decision::clash(
                    &subject,
                    "one side reordered these layers while the other changed them or inserted between them",
                    &self.shown(Side::Ours, &ours),
                    &self.shown(Side::Theirs, &theirs),
                )
                .reordered();
                self.conflict(decision, lo..hi, ours, theirs);
            }
        }
    }
}
