//! The same change on both sides of one layer: an element that took a
//! base layer's place with the tokens of a layer the other side inserted
//! beside it is that shared insertion, and two changes to one set of
//! tokens are one change.

use super::view::State;
use super::Planner;
use crate::core::merge3::Side;

impl Planner<'_, '_> {
    /// A side's state of base element `i`, read again: an element that
    /// took its place (changed or replaced it) with exactly the tokens of
    /// a layer the other side inserted right before or after it is that
    /// shared insertion, and the base element was deleted. The other
    /// side's copy is used; this side's is marked emitted, so the shared
    /// layer is kept once whatever else either side did to element `i`.
    pub(super) fn shared_insertion(&mut self, state: State, i: usize, side: Side) -> State {
        match state {
            State::Changed(j) | State::Replaced(j)
                if self.inserted_next_to(side.other(), i, side, j) =>
            {
                self.emitted.insert((side, j));
                State::Deleted
            }
            _ => state,
        }
    }

    /// Whether `side` inserted, right before or after base element `i`, a
    /// layer with the tokens of `other`'s element `j`.
    pub(super) fn inserted_next_to(&self, side: Side, i: usize, other: Side, j: usize) -> bool {
        let view = self.view(side);
        let tokens = &self.inputs.units(other)[j].tokens;
        [i, i + 1].iter().any(|&g| {
            view.inserted.get(g).is_some_and(|js| {
                js.iter()
                    .any(|&k| self.inputs.units(side)[k].tokens == *tokens)
            })
        })
    }

    /// Both sides changed or replaced base element i in the same way.
    pub(super) fn same_change(&self, ours: State, theirs: State) -> Option<usize> {
        use State::*;
        match (ours, theirs) {
            (Changed(jo) | Replaced(jo), Changed(jt) | Replaced(jt))
                if self.inputs.units(Side::Ours)[jo].tokens
                    == self.inputs.units(Side::Theirs)[jt].tokens =>
            {
                Some(jo)
            }
            _ => None,
        }
    }
}
