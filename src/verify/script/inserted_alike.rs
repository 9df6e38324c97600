//! A new element one side put in a base element's place, read by position
//! as that element's replacement, where the other side kept the base
//! element unchanged (in place or moved) and inserted exactly that content
//! once: both sides inserted it, and the first side deleted the base
//! element (issue 8; the cell merge reads it so, `notebook/rematch.rs`).
//!
//! Base `1 2`, ours `501 2`, theirs `2 501 1`: read by position, ours
//! rewrote 1 into 501 and theirs inserted another 501, so a result holding
//! 501 once lost an insertion, and one holding it twice wrote one new cell
//! twice. Elements without names say neither; the same content new on
//! both sides is the one insertion both made, wherever each side put it,
//! and ours' deletion of 1 meets theirs' move of it.

use super::{Fate, Origin, Script};

/// One base element a side replaced by a content the other inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsertedAlike {
    /// The base element the side deleted.
    pub base: usize,
    /// The side's new element.
    pub new: usize,
    /// The other side's insertion of the same content.
    pub others: usize,
}

impl Script {
    /// The base elements this side replaced (paired by position) by a
    /// content `other` inserted once, where `other` kept that base element
    /// unchanged.
    pub fn replaced_by_the_others_insertion(
        &self,
        own_content: &[u32],
        other: &Script,
        other_content: &[u32],
    ) -> Vec<InsertedAlike> {
        let mut found = Vec::new();
        for (new, origin) in self.origins.iter().enumerate() {
            let Origin::Replaced(base) = *origin else {
                continue;
            };
            if !matches!(other.fates.get(base), Some(Fate::Kept(_) | Fate::Moved(_))) {
                continue;
            }
            let Some(&content) = own_content.get(new) else {
                continue;
            };
            let mut copies =
                other.origins.iter().enumerate().filter(|&(l, o)| {
                    *o == Origin::Inserted && other_content.get(l) == Some(&content)
                });
            if let (Some((others, _)), None) = (copies.next(), copies.next()) {
                found.push(InsertedAlike { base, new, others });
            }
        }
        found
    }

    /// Reads each found element as deleted and its new element as
    /// inserted.
    pub fn read_as_inserted(&mut self, found: &[InsertedAlike]) {
        for f in found {
            if let (Some(fate), Some(origin)) =
                (self.fates.get_mut(f.base), self.origins.get_mut(f.new))
            {
                *fate = Fate::Deleted;
                *origin = Origin::Inserted;
            }
        }
        self.places();
    }
}
