//! Insertions both sides made at the edge of a reorder clash: one side
//! inserted a layer within its version of the span, the other inserted
//! the same layer right before or after its own version. Left outside the clash, the reordering side's copy
//! would be taken clean while the other side's copy stands in its section,
//! so taking that side at the conflict writes the layer twice. Such an
//! insertion is taken into its side's clash section (merge-rules §1.1: the
//! same insertion once; §2: a reorder against an insertion between the
//! reordered layers is a conflict on those layers).

use super::Planner;
use crate::core::merge3::Side;

/// A side's insertions taken into its clash section: those right before
/// its version of the span and those right after, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Edges {
    pub(super) before: Vec<usize>,
    pub(super) after: Vec<usize>,
}

impl Edges {
    pub(super) fn units(&self) -> impl Iterator<Item = usize> + '_ {
        self.before.iter().chain(&self.after).copied()
    }

    /// `range` with the edges around it.
    pub(super) fn around(&self, range: std::ops::Range<usize>) -> Vec<usize> {
        self.before
            .iter()
            .copied()
            .chain(range)
            .chain(self.after.iter().copied())
            .collect()
    }
}

impl Planner<'_, '_> {
    /// `side`'s units within its version of span lo..hi that its view puts
    /// in the gaps at the span's edges (an insertion between a moved layer
    /// and the rest of the span): the span writes them, the gaps must not.
    pub(super) fn inside_edge_gaps(&self, side: Side, lo: usize, hi: usize) -> Vec<usize> {
        let view = self.view(side);
        self.side_range(side, lo, hi)
            .filter(|j| view.inserted[lo].contains(j) || view.inserted[hi].contains(j))
            .collect()
    }

    /// `side`'s insertions in gap `lo` (right before its version of the
    /// span) and gap `hi` (right after), each adjacent to that version or
    /// to another such insertion, whose tokens are those of a layer the
    /// other side inserted within its version of the span and which
    /// `side`'s version does not already hold.
    pub(super) fn shared_edges(&self, side: Side, lo: usize, hi: usize) -> Edges {
        let range = self.side_range(side, lo, hi);
        if range.is_empty() {
            return Edges::default();
        }
        let tokens = |s: Side, j: usize| self.inputs.units(s)[j].tokens.as_str();
        let other = side.other();
        let other_range = self.side_range(other, lo, hi);
        let other_view = self.view(other);
        let other_inserted: Vec<&str> = other_range
            .filter(|j| other_view.inserted.iter().any(|js| js.contains(j)))
            .map(|j| tokens(other, j))
            .collect();
        let own: Vec<&str> = range.clone().map(|j| tokens(side, j)).collect();
        let shared = |j: usize| {
            let t = tokens(side, j);
            other_inserted.contains(&t) && !own.contains(&t)
        };
        let view = self.view(side);
        let mut edges = Edges::default();
        let mut j = range.end;
        while view.inserted[hi].contains(&j) && shared(j) {
            edges.after.push(j);
            j += 1;
        }
        let mut j = range.start;
        while j > 0 && view.inserted[lo].contains(&(j - 1)) && shared(j - 1) {
            edges.before.insert(0, j - 1);
            j -= 1;
        }
        edges
    }
}
