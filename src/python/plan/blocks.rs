//! Spans of the base list a side reordered (merge-rules §2, moves): each
//! widened until no element inside is paired with one outside, then
//! taken in the reordering side's order when the other side left the
//! span alone, else one clash over the span (with the insertions both
//! sides made at its edges, [`super::edges`]).

use super::edges::Edges;
use super::view::State;
use super::{other, Planner};
use crate::core::merge3::Side;
use crate::decisions::{Decision, DecisionKind};

/// A reordered span of the base, lo..hi.
pub(super) struct Block {
    pub(super) lo: usize,
    pub(super) hi: usize,
    /// `None` when both sides reordered.
    owner: Option<Side>,
    /// Each side's insertions at the span's edges its clash section takes
    /// in (ours, theirs); empty unless the span clashes.
    edges: [Edges; 2],
}

impl Planner<'_, '_> {
    /// Reordered spans, in base order. The insertions a clashing span takes
    /// in at its edges are marked emitted, so the gaps around it skip them.
    pub(super) fn blocks(&mut self) -> Vec<Block> {
        let spans = self.spans();
        let mut blocks = Vec::with_capacity(spans.len());
        for (lo, hi, owner) in spans {
            for side in [Side::Ours, Side::Theirs] {
                for j in self.inside_edge_gaps(side, lo, hi) {
                    self.emitted.insert((side, j));
                }
            }
            let edges = if self.clashes(lo, hi, owner) {
                [Side::Ours, Side::Theirs].map(|side| {
                    let edges = self.shared_edges(side, lo, hi);
                    let edges = Edges {
                        before: self.unclaimed(side, edges.before.into_iter().rev()),
                        after: self.unclaimed(side, edges.after.into_iter()),
                    };
                    for j in edges.units() {
                        self.emitted.insert((side, j));
                    }
                    edges
                })
            } else {
                Default::default()
            };
            blocks.push(Block {
                lo,
                hi,
                owner,
                edges,
            });
        }
        blocks
    }

    /// `js`, from the span outwards, up to the first one an earlier span
    /// took in (spans that touch share a gap); in side order.
    fn unclaimed(&self, side: Side, js: impl Iterator<Item = usize>) -> Vec<usize> {
        let mut kept: Vec<usize> = js
            .take_while(|&j| !self.emitted.contains(&(side, j)))
            .collect();
        kept.sort_unstable();
        kept
    }

    /// Reordered spans: (lo, hi, owner); owner `None` when both reordered.
    fn spans(&self) -> Vec<(usize, usize, Option<Side>)> {
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
    pub(super) fn side_range(&self, side: Side, lo: usize, hi: usize) -> std::ops::Range<usize> {
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

    /// Whether `other` left base elements lo..hi and the gaps between them
    /// as they were.
    fn untouched(&self, other: Side, lo: usize, hi: usize) -> bool {
        let view = self.view(other);
        (lo..hi).all(|i| matches!(view.states[i], State::Same(_)))
            && (lo + 1..hi).all(|g| view.inserted[g].is_empty())
    }

    /// Whether each side's version of the span is the same tokens.
    fn reordered_alike(&self, lo: usize, hi: usize) -> bool {
        let tokens = |side: Side| -> Vec<&str> {
            self.side_range(side, lo, hi)
                .map(|j| self.inputs.units(side)[j].tokens.as_str())
                .collect()
        };
        tokens(Side::Ours) == tokens(Side::Theirs)
    }

    /// Whether [`Self::block`] draws the span as one clash.
    fn clashes(&self, lo: usize, hi: usize, owner: Option<Side>) -> bool {
        let owned = owner.is_some_and(|side| self.untouched(other(side), lo, hi));
        !owned && !self.reordered_alike(lo, hi)
    }

    /// Places one reordered span: the reordering side's order when the other
    /// side left the span alone, else one clash over it.
    pub(super) fn block(&mut self, block: &Block) {
        let (lo, hi, owner) = (block.lo, block.hi, block.owner);
        let subject = format!("layers {}–{}", lo + 1, hi);
        match owner {
            Some(side) if self.untouched(other(side), lo, hi) => {
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
                if self.reordered_alike(lo, hi) {
                    // The same reorder on both sides, however each side's
                    // diff read which element moved: one change.
                    for j in self.side_range(Side::Ours, lo, hi) {
                        self.push_unit(Side::Ours, j, None);
                    }
                    let theirs = self.side_range(Side::Theirs, lo, hi);
                    self.emitted.extend(theirs.map(|j| (Side::Theirs, j)));
                    self.decide(
                        DecisionKind::TookBoth,
                        &subject,
                        "reordered alike by both sides".to_string(),
                    );
                    return;
                }
                let [ours_edges, theirs_edges] = &block.edges;
                let ours = ours_edges.around(self.side_range(Side::Ours, lo, hi));
                let theirs = theirs_edges.around(self.side_range(Side::Theirs, lo, hi));
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
