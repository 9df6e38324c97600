//! One side's script read the way the other side's reads where the same
//! content stands on both sides (issue 8: the same change on both sides
//! is one change), whichever reading keys or positions suggested.

use super::{Fate, Ids, Origin, Script};

impl Script {
    /// Reads this side's changes the way the other side's read where the
    /// same content stands on both sides: the same change on both sides
    /// is one change (issue 8), whichever reading the keys suggested.
    ///
    /// - Where this side's new element `j` stands for base element `i`
    ///   while `other` has the same content standing for base element `k`
    ///   of the same gap, `j` is taken to stand for `k` too; what stood
    ///   for `k` here (if anything) stands for `i` instead.
    /// - Where `other` inserted the same content at the same place, `j`
    ///   is an insertion here too, and `i` is what another new element of
    ///   its gap stands for (else deleted).
    ///
    /// What stood for `k` here is displaced only when it was paired by
    /// position (a replacement), unless `displace_edits`: a pairing by
    /// key (`Dropout(0.13)` named) gives way only after the other side's
    /// readings had their chance to agree.
    pub fn follow(
        &mut self,
        ids: (Ids<'_>, Ids<'_>),
        other: &Script,
        other_content: &[u32],
        displace_edits: bool,
    ) {
        let (base, side) = ids;
        for j in 0..self.origins.len() {
            let i = match self.origins[j] {
                Origin::Edited(i) | Origin::Replaced(i) => i,
                _ => continue,
            };
            if self.take_the_others_replacement(j, i, (base, side), other, other_content) {
                continue;
            }
            let twin = (0..other.origins.len()).find_map(|l| match other.origins[l] {
                Origin::Edited(k) | Origin::Replaced(k)
                    if k != i && other_content[l] == side.content[j] && self.same_gap(i, k) =>
                {
                    match self.fates[k] {
                        Fate::Deleted => Some((k, None)),
                        Fate::Replaced(j2) if j2 != j => Some((k, Some(j2))),
                        Fate::Edited(j2) if j2 != j && displace_edits => Some((k, Some(j2))),
                        _ => None,
                    }
                }
                _ => None,
            });
            if let Some((k, displaced)) = twin {
                self.fates[i] = Fate::Deleted;
                self.stand_for(j, k, (base, side));
                if let Some(j2) = displaced {
                    self.stand_for(j2, i, (base, side));
                }
                self.places();
                continue;
            }
            let inserted_there = (0..other.origins.len()).any(|l| {
                other.origins[l] == Origin::Inserted
                    && other_content[l] == side.content[j]
                    && self.same_place(j, other, l)
            });
            if inserted_there {
                self.fates[i] = Fate::Deleted;
                self.origins[j] = Origin::Inserted;
                if let Some(j2) = self.gap_newcomer(i, j, (base, side)) {
                    self.stand_for(j2, i, (base, side));
                }
                self.places();
            }
        }
    }

    /// [`Script::take_the_others_replacement`] for every new element this
    /// side placed by position, before [`Script::follow`] reads anything
    /// else alike: base `1 2 3`, this side `1 502 501 3`, the other
    /// `1 501 3`: 501 replaced 2 on both sides, 502 is new (read by
    /// position here, and so an insertion on the other side, the shared
    /// replacement was a clash).
    pub fn adopt_the_others_replacements(
        &mut self,
        ids: (Ids<'_>, Ids<'_>),
        other: &Script,
        other_content: &[u32],
    ) {
        for j in 0..self.origins.len() {
            if let Origin::Replaced(i) = self.origins[j] {
                self.take_the_others_replacement(j, i, ids, other, other_content);
            }
        }
    }

    /// Where this side's new element `j` stands for base element `i` by
    /// position while `other` has another content standing for `i`, and
    /// this side inserted that same content in `i`'s gap: that element
    /// stands for `i` (the replacement both made), `j` is an insertion.
    /// Base `1 2`, a side `701 501 2` against the other's `501`: 501
    /// replaced 1 on both sides, 701 is new (read by position, 701 took
    /// 1's place and the shared replacement was read as a clash).
    fn take_the_others_replacement(
        &mut self,
        j: usize,
        i: usize,
        (base, side): (Ids<'_>, Ids<'_>),
        other: &Script,
        other_content: &[u32],
    ) -> bool {
        if !matches!(self.origins[j], Origin::Replaced(_)) {
            return false;
        }
        let wanted = match other.fates.get(i) {
            Some(Fate::Replaced(l) | Fate::Edited(l)) => other_content[*l],
            _ => return false,
        };
        if wanted == side.content[j] {
            return false;
        }
        let Some((_, inserted)) = self.gaps.iter().find(|(deleted, _)| deleted.contains(&i)) else {
            return false;
        };
        let Some(j2) = inserted
            .iter()
            .copied()
            .find(|&j2| self.origins[j2] == Origin::Inserted && side.content[j2] == wanted)
        else {
            return false;
        };
        self.origins[j] = Origin::Inserted;
        self.stand_for(j2, i, (base, side));
        self.places();
        true
    }

    /// Side element `j` stands for base element `i`: an edit under the
    /// same key, else a replacement.
    fn stand_for(&mut self, j: usize, i: usize, (base, side): (Ids<'_>, Ids<'_>)) {
        let (fate, origin) = if base.key[i] == side.key[j] {
            (Fate::Edited(j), Origin::Edited(i))
        } else {
            (Fate::Replaced(j), Origin::Replaced(i))
        };
        self.fates[i] = fate;
        self.origins[j] = origin;
    }

    /// An inserted side element of base element `i`'s gap other than
    /// `not`, one with `i`'s key first.
    fn gap_newcomer(
        &self,
        i: usize,
        not: usize,
        (base, side): (Ids<'_>, Ids<'_>),
    ) -> Option<usize> {
        let (_, inserted) = self.gaps.iter().find(|(deleted, _)| deleted.contains(&i))?;
        let free: Vec<usize> = inserted
            .iter()
            .copied()
            .filter(|&j| j != not && self.origins[j] == Origin::Inserted)
            .collect();
        free.iter()
            .copied()
            .find(|&j| side.key[j] == base.key[i])
            .or_else(|| free.first().copied())
    }

    fn same_gap(&self, i: usize, k: usize) -> bool {
        self.gaps
            .iter()
            .any(|(deleted, _)| deleted.contains(&i) && deleted.contains(&k))
    }

    /// Base elements this side deleted, for the other side's pairing by
    /// position ([`Script::pair_replacements`], where a deletion both made
    /// stays one): not those whose gap here holds a new element whose
    /// content the other side also inserted in that element's gap. That
    /// is a replacement both made, read here by position later: base
    /// `1 2`, this side `701 501 2`, the other `501` (501 replaced 1, not
    /// 2, on both sides).
    pub fn deleted_unless_replaced_alike(
        &self,
        own_content: &[u32],
        other: &Script,
        other_content: &[u32],
    ) -> Vec<bool> {
        let inserted_in = |script: &Script, i: usize, content: &[u32]| -> Vec<u32> {
            script
                .gaps
                .iter()
                .find(|(deleted, _)| deleted.contains(&i))
                .map(|(_, inserted)| {
                    inserted
                        .iter()
                        .filter(|&&j| script.origins[j] == Origin::Inserted)
                        .map(|&j| content[j])
                        .collect()
                })
                .unwrap_or_default()
        };
        (0..self.fates.len())
            .map(|i| {
                self.fates[i] == Fate::Deleted && {
                    let here = inserted_in(self, i, own_content);
                    here.is_empty()
                        || !inserted_in(other, i, other_content)
                            .iter()
                            .any(|c| here.contains(c))
                }
            })
            .collect()
    }
}
