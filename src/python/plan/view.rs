//! How one side's elements fared against the base's: the state of each
//! base element (same, re-formatted, changed, replaced, deleted), the
//! elements inserted in each gap, and the spans the side reordered.

use std::collections::HashSet;

use super::Inputs;
use crate::core::merge3::Side;
use crate::python::align::Alignment;

/// How an element of the base fared on one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    Same(usize),
    /// Same tokens, other layout.
    Format(usize),
    Changed(usize),
    /// Another layer in its place (other constructor or `name=`).
    Replaced(usize),
    Deleted,
}

impl State {
    pub(super) fn index(self) -> Option<usize> {
        match self {
            Self::Same(j) | Self::Format(j) | Self::Changed(j) | Self::Replaced(j) => Some(j),
            Self::Deleted => None,
        }
    }
}

/// A side's view of the base: states of base elements, insertions per gap.
pub(super) struct SideView {
    pub(super) states: Vec<State>,
    /// Side elements inserted before base element g (g = n: at the end).
    pub(super) inserted: Vec<Vec<usize>>,
    /// Base ranges a side reordered.
    pub(super) blocks: Vec<(usize, usize)>,
    pub(super) alignment: Alignment,
}

pub(super) fn side_view(inputs: &Inputs<'_>, side: Side, alignment: Alignment) -> SideView {
    let n = inputs.units(Side::Base).len();
    let m = inputs.units(side).len();
    let mut base_of = vec![None; m];
    for (i, p) in alignment.partner.iter().enumerate() {
        if let Some(j) = *p {
            base_of[j] = Some(i);
        }
    }
    let moved: HashSet<usize> = alignment.moves.iter().map(|&(_, j)| j).collect();
    // The gap of side element j: before the next element paired in order.
    let mut gap_of = vec![n; m + 1];
    for j in (0..m).rev() {
        gap_of[j] = base_of[j].unwrap_or(gap_of[j + 1]);
    }
    let mut inserted = vec![Vec::new(); n + 1];
    for j in 0..m {
        if base_of[j].is_none() && !moved.contains(&j) {
            inserted[gap_of[j + 1]].push(j);
        }
    }
    let states = (0..n)
        .map(|i| match alignment.partner[i] {
            None => State::Deleted,
            // The same constructor under a new name= is a change, not a replacement.
            Some(j)
                if alignment.replaced[i]
                    && inputs.units(Side::Base)[i].ctor != inputs.units(side)[j].ctor =>
            {
                State::Replaced(j)
            }
            Some(j) if inputs.unit_text(Side::Base, i) == inputs.unit_text(side, j) => {
                State::Same(j)
            }
            Some(j) if inputs.units(Side::Base)[i].tokens == inputs.units(side)[j].tokens => {
                State::Format(j)
            }
            Some(j) => State::Changed(j),
        })
        .collect();
    let mut blocks: Vec<(usize, usize)> = alignment
        .moves
        .iter()
        .map(|&(i, j)| {
            let g = gap_of[j + 1];
            (i.min(g), (i + 1).max(g))
        })
        .collect();
    blocks.sort_unstable();
    SideView {
        states,
        inserted,
        blocks: union_ranges(blocks),
        alignment,
    }
}

/// Joins overlapping or touching ranges.
fn union_ranges(sorted: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (lo, hi) in sorted {
        match out.last_mut() {
            Some(last) if lo < last.1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}
