//! Moves with an edit read from likeness, where keys do not name
//! elements (notebook cells without ids, keyed by their type): a deleted
//! base element and an inserted side element, left unpaired by content
//! and by unique key, that are each other's most alike and keep most of
//! their words.

use super::{Fate, Ids, Origin, Script};
use crate::verify::diff::{Budget, OverBudget};
use crate::verify::words::{alike, Worded};

/// Most (deleted, inserted) pairs [`pair_alike_moves`] compares; past
/// that, no move is read from likeness (the elements stay deleted and
/// inserted, the stricter reading).
const MAX_LIKENESS_PAIRS: usize = 1 << 12;

/// Fewest words a move with an edit read from likeness must keep: short
/// elements (`x = block_3(x, 13)`, `x = block_501(x, 501)`) share their
/// few generic words by chance.
const MIN_LIKENESS_WORDS: usize = 8;

/// The best partner of each element: (shared words, partner), `None` as
/// partner where two partners tie.
fn best_partners(
    scores: &[(usize, usize, usize)],
    n: usize,
    of: impl Fn(&(usize, usize, usize)) -> (usize, usize),
) -> Vec<(usize, Option<usize>)> {
    let mut best = vec![(0, None); n];
    for score in scores {
        let (me, partner) = of(score);
        let shared = score.2;
        if shared > best[me].0 {
            best[me] = (shared, Some(partner));
        } else if shared == best[me].0 {
            best[me].1 = None;
        }
    }
    best
}

/// A deleted base element and an inserted side element of the same key,
/// left unpaired by content and by unique key, that are each other's most
/// alike (no tie) and share at least three quarters of the words of each
/// (and [`MIN_LIKENESS_WORDS`]): a move with an edit (a notebook cell without ids, keyed by its type, that a side
/// moved and edited).
pub(super) fn pair_alike_moves(
    fates: &mut [Fate],
    origins: &mut [Origin],
    ids: (Ids<'_>, Ids<'_>),
    texts: (&Worded<'_>, &Worded<'_>),
    budget: &mut Budget,
) -> Result<(), OverBudget> {
    let (base, side) = ids;
    let deleted: Vec<usize> = (0..fates.len())
        .filter(|&i| fates[i] == Fate::Deleted)
        .collect();
    let inserted: Vec<usize> = (0..origins.len())
        .filter(|&j| origins[j] == Origin::Inserted)
        .collect();
    if deleted.is_empty()
        || inserted.is_empty()
        || deleted.len() * inserted.len() > MAX_LIKENESS_PAIRS
    {
        return Ok(());
    }
    // The reading is optional: where it would cost more than a quarter of
    // what the check has left, it is not made (the elements stay deleted
    // and inserted, the stricter reading).
    let text_cost: u64 = deleted
        .iter()
        .map(|&i| texts.0[i].content.len())
        .chain(inserted.iter().map(|&j| texts.1[j].content.len()))
        .map(|n| n as u64 / 8 + 1)
        .sum();
    if text_cost > budget.left() / 4 {
        return Ok(());
    }
    budget.spend(text_cost)?;
    fn counted<'w>(words: &'w [(&'w str, usize)]) -> (&'w [(&'w str, usize)], usize) {
        (words, words.iter().map(|(_, n)| n).sum())
    }
    let base_words: Vec<_> = deleted.iter().map(|&i| counted(texts.0.words(i))).collect();
    let side_words: Vec<_> = inserted
        .iter()
        .map(|&j| counted(texts.1.words(j)))
        .collect();
    let pairs: Vec<(usize, usize)> = (0..deleted.len())
        .flat_map(|a| (0..inserted.len()).map(move |b| (a, b)))
        .filter(|&(a, b)| base.key[deleted[a]] == side.key[inserted[b]])
        .collect();
    let pair_cost: u64 = pairs
        .iter()
        .map(|&(a, b)| base_words[a].0.len().min(side_words[b].0.len()) as u64 + 1)
        .sum();
    if pair_cost > budget.left() / 4 {
        return Ok(());
    }
    budget.spend(pair_cost)?;
    let mut scores = Vec::new();
    for (a, b) in pairs {
        let ((wa, na), (wb, nb)) = (&base_words[a], &side_words[b]);
        let shared = alike(wa, wb);
        if shared >= MIN_LIKENESS_WORDS && 4 * shared >= 3 * (*na).max(*nb) {
            scores.push((a, b, shared));
        }
    }
    let of_base = best_partners(&scores, deleted.len(), |s| (s.0, s.1));
    let of_side = best_partners(&scores, inserted.len(), |s| (s.1, s.0));
    for (a, &(_, partner)) in of_base.iter().enumerate() {
        if let Some(b) = partner.filter(|&b| of_side[b].1 == Some(a)) {
            let (i, j) = (deleted[a], inserted[b]);
            fates[i] = Fate::Moved(j);
            origins[j] = Origin::Moved(i);
        }
    }
    Ok(())
}

impl Script {
    /// Where keys do not name elements: a base element this side read as
    /// edited in place (paired by key in its gap, the most alike first)
    /// while the other side deleted it, read again as deleted and the new
    /// element as inserted, unless the two are alike (sharing an eighth of
    /// their words together: `8 * shared >= words of both`) or the only
    /// pair of their key in the gap (a lone cell rewritten in place stays
    /// an edit, and a deletion against it a clash). Two unrelated cells of
    /// one type at one place (an `### Authenticate` section inserted where
    /// `#### Import logging` was deleted) share a few generic words: read
    /// as an edit, they made the deletion both sides made a clash.
    pub fn unpair_unlike_edits(
        &mut self,
        other_deleted: &[bool],
        ids: (Ids<'_>, Ids<'_>),
        texts: (&Worded<'_>, &Worded<'_>),
        budget: &mut Budget,
    ) -> Result<(), OverBudget> {
        let (base, side) = ids;
        for i in 0..self.fates.len() {
            let Fate::Edited(j) = self.fates[i] else {
                continue;
            };
            if !other_deleted.get(i).copied().unwrap_or(false) {
                continue;
            }
            let of_key = |elements: &[usize], keys: &[u32], key: u32| {
                elements.iter().filter(|&&e| keys[e] == key).count()
            };
            let lone = self.gaps.iter().any(|(deleted, inserted)| {
                deleted.contains(&i)
                    && of_key(deleted, base.key, base.key[i]) == 1
                    && of_key(inserted, side.key, side.key[j]) == 1
            });
            if lone {
                continue;
            }
            let (a, b) = (&texts.0[i].content, &texts.1[j].content);
            budget.spend((a.len() + b.len()) as u64 / 8 + 1)?;
            let (wa, wb) = (texts.0.words(i), texts.1.words(j));
            let total = |w: &[(&str, usize)]| w.iter().map(|(_, n)| n).sum::<usize>();
            if 8 * alike(wa, wb) < total(wa) + total(wb) {
                self.fates[i] = Fate::Deleted;
                self.origins[j] = Origin::Inserted;
            }
        }
        self.places();
        Ok(())
    }
}
