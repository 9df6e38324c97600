//! One side's edit script against the base: which base elements it kept,
//! deleted, edited (same key, same place), replaced (other key, same
//! place) or moved (same content, other place), and which it inserted.
//!
//! Elements are first aligned by content (a longest common subsequence;
//! of two, the one whose reading pairs more elements);
//! the rest are paired anywhere by content (a move), then inside each gap
//! between aligned elements by key (an edit), then inside each gap by
//! position (a replacement).

use std::collections::{HashMap, VecDeque};

use super::diff::{common, keyed_common, Budget, OverBudget};
use super::words::{alike, Worded};
#[cfg(test)]
use super::Element;

mod follow;
mod likeness;
use likeness::pair_alike_moves;

/// What became of a base element on one side (side indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Kept(usize),
    Deleted,
    Edited(usize),
    Replaced(usize),
    Moved(usize),
}

/// Where a side element came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The base element, unchanged and in place (base index).
    Kept(usize),
    Edited(usize),
    Replaced(usize),
    Moved(usize),
    Inserted,
}

/// Ids of one version's elements: content and key.
#[derive(Clone, Copy)]
pub struct Ids<'a> {
    pub content: &'a [u32],
    pub key: &'a [u32],
}

/// How a side's changes are read (see [`crate::verify::Options`]).
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    pub moves: bool,
    pub moves_by_key: bool,
    pub moves_by_likeness: bool,
    pub unique_moves: bool,
    pub fixed: fn(&str) -> bool,
}

/// Where only one copy moves ([`Reading::unique_moves`], lines and their
/// fields): of the contents this side deleted (`by_content`), those it
/// deleted one copy of and wrote one new copy of, however often the
/// base repeats them (a `x = self.relu(x)` of a `forward` moved below
/// the dropout), unless that copy is a lone statement of a block the
/// side rewrote: deleted between deleted neighbours, written between new
/// ones, neither neighbour moved with it (a `return x` of a helper both
/// sides deleted is not moved to the new helper one side wrote). An
/// `else:` or `)` of a function both sides deleted is, so, not "moved"
/// to one of the several one side wrote elsewhere.
fn single_moves(
    by_content: &mut HashMap<u32, VecDeque<usize>>,
    (fates, origins): (&[Fate], &[Origin]),
    (base, side): (Ids<'_>, Ids<'_>),
) {
    let (n, m) = (fates.len(), origins.len());
    let mut new_copies: HashMap<u32, Vec<usize>> = HashMap::new();
    for j in (0..m).filter(|&j| origins[j] == Origin::Inserted) {
        new_copies.entry(side.content[j]).or_default().push(j);
    }
    let lone = |i: usize, j: usize| {
        let before = (i.checked_sub(1), j.checked_sub(1));
        let after = ((i + 1 < n).then_some(i + 1), (j + 1 < m).then_some(j + 1));
        [before, after].into_iter().all(|(bi, sj)| {
            let gone = bi.is_none_or(|bi| fates[bi] == Fate::Deleted);
            let fresh = sj.is_none_or(|sj| origins[sj] == Origin::Inserted);
            let together =
                matches!((bi, sj), (Some(bi), Some(sj)) if base.content[bi] == side.content[sj]);
            gone && fresh && !together
        })
    };
    by_content.retain(
        |c, gone| match (gone.front(), new_copies.get(c).map(Vec::as_slice)) {
            (Some(&i), Some(&[j])) if gone.len() == 1 => !lone(i, j),
            _ => false,
        },
    );
}

/// For each pair, whether its base or its side element is in another
/// pair too.
fn contested(pairs: &[(usize, usize)]) -> Vec<bool> {
    let mut count: HashMap<(bool, usize), usize> = HashMap::new();
    for &(i, j) in pairs {
        *count.entry((false, i)).or_default() += 1;
        *count.entry((true, j)).or_default() += 1;
    }
    pairs
        .iter()
        .map(|&(i, j)| {
            [(false, i), (true, j)]
                .iter()
                .any(|e| count.get(e) > Some(&1))
        })
        .collect()
}

/// A side's edit script.
pub struct Script {
    pub fates: Vec<Fate>,
    pub origins: Vec<Origin>,
    /// For each side element: the base index of the nearest element
    /// before it that stands in place (kept, edited, replaced).
    pub prev_in_place: Vec<Option<usize>>,
    /// The same, after it.
    pub next_in_place: Vec<Option<usize>>,
    /// Per gap: the base and side elements not aligned there.
    gaps: Vec<(Vec<usize>, Vec<usize>)>,
    /// Keys name elements (not notebook cells without ids, keyed by type).
    keys_name_elements: bool,
}

impl Script {
    pub fn compute(
        base: Ids<'_>,
        side: Ids<'_>,
        texts: (&Worded<'_>, &Worded<'_>),
        reading: Reading,
        budget: &mut Budget,
    ) -> Result<Script, OverBudget> {
        let flags = reading;
        let moves = reading.moves;
        let plain = common(base.content, side.content, budget)?;
        let first = Self::from_pairs(base, side, texts, &plain, flags, budget)?;
        // Where moves are read (lines have no keys of their own), of two
        // equally long alignments the one whose reading leaves fewer
        // elements deleted or inserted: Myers' diff, or the one leaving
        // most same-key elements facing each other (`keyed_common`).
        if !moves {
            return Ok(first);
        }
        let keyed = keyed_common((base.content, base.key), (side.content, side.key), budget)?;
        let mut chosen = first;
        if let Some(keyed) = keyed.as_ref().filter(|k| **k != plain) {
            let second = Self::from_pairs(base, side, texts, keyed, flags, budget)?;
            if second.unpaired() < chosen.unpaired() {
                chosen = second;
            }
        }
        // A third: the one leaving most elements of any key facing each
        // other in one gap, paired there by position (a replacement).
        // Base `1 2 3` against `3 501 2` (1 replaced, 3 moved up): keeping
        // `3` leaves 1 deleted before it and 501 new after it; keeping `2`
        // reads 501 in 1's place. Taken only where it leaves fewer
        // elements unpaired even after that pairing, the others equal.
        let (any_base, any_side) = (vec![0u32; base.key.len()], vec![0u32; side.key.len()]);
        let facing = keyed_common((base.content, &any_base), (side.content, &any_side), budget)?;
        if let Some(facing) = facing.filter(|f| *f != plain && Some(f) != keyed.as_ref()) {
            let third = Self::from_pairs(base, side, texts, &facing, flags, budget)?;
            if (third.unpaired(), third.left_by_position())
                < (chosen.unpaired(), chosen.left_by_position())
            {
                chosen = third;
            }
        }
        Ok(chosen)
    }

    /// Elements a pairing by position inside each gap would leave
    /// unpaired: per gap, the deleted base elements and the inserted side
    /// elements the other count cannot match.
    fn left_by_position(&self) -> usize {
        self.gaps
            .iter()
            .map(|(deleted, inserted)| {
                let d = deleted
                    .iter()
                    .filter(|&&i| self.fates[i] == Fate::Deleted)
                    .count();
                let n = inserted
                    .iter()
                    .filter(|&&j| self.origins[j] == Origin::Inserted)
                    .count();
                d.abs_diff(n)
            })
            .sum()
    }

    /// Base elements read as deleted and side elements read as inserted.
    fn unpaired(&self) -> usize {
        self.fates.iter().filter(|f| **f == Fate::Deleted).count()
            + self
                .origins
                .iter()
                .filter(|o| **o == Origin::Inserted)
                .count()
    }

    /// The script that keeps the content `pairs` in place.
    fn from_pairs(
        base: Ids<'_>,
        side: Ids<'_>,
        texts: (&Worded<'_>, &Worded<'_>),
        pairs: &[(usize, usize)],
        reading: Reading,
        budget: &mut Budget,
    ) -> Result<Script, OverBudget> {
        let Reading {
            moves,
            moves_by_key,
            moves_by_likeness,
            unique_moves,
            fixed,
        } = reading;
        let (n, m) = (base.content.len(), side.content.len());
        let mut fates = vec![Fate::Deleted; n];
        let mut origins = vec![Origin::Inserted; m];
        for &(i, j) in pairs {
            fates[i] = Fate::Kept(j);
            origins[j] = Origin::Kept(i);
        }
        // Gap of an unaligned element: the base index of the next aligned one.
        let mut base_gap = vec![n; n];
        let mut next = n;
        for i in (0..n).rev() {
            if matches!(fates[i], Fate::Kept(_)) {
                next = i;
            } else {
                base_gap[i] = next;
            }
        }
        let mut side_gap = vec![n; m];
        let mut next = n;
        for j in (0..m).rev() {
            match origins[j] {
                Origin::Kept(i) => next = i,
                _ => side_gap[j] = next,
            }
        }
        let mut gaps: HashMap<usize, (Vec<usize>, Vec<usize>)> = HashMap::new();
        for i in (0..n).filter(|&i| fates[i] == Fate::Deleted) {
            gaps.entry(base_gap[i]).or_default().0.push(i);
        }
        for j in (0..m).filter(|&j| origins[j] == Origin::Inserted) {
            gaps.entry(side_gap[j]).or_default().1.push(j);
        }
        let mut gap_ids: Vec<usize> = gaps.keys().copied().collect();
        gap_ids.sort_unstable();
        // Same content anywhere else: a move, before any key pairs it
        // with another element of its gap (a swapped `LSTM(10)` is not an
        // edit of the `LSTM(12)` the same side deleted).
        if moves {
            let mut by_content: HashMap<u32, VecDeque<usize>> = HashMap::new();
            let movable = |i: usize| fates[i] == Fate::Deleted && !fixed(&texts.0[i].content);
            for i in (0..n).filter(|&i| movable(i)) {
                by_content.entry(base.content[i]).or_default().push_back(i);
            }
            if unique_moves {
                single_moves(&mut by_content, (&fates, &origins), (base, side));
            }
            let inserted: Vec<usize> = (0..m).filter(|&j| origins[j] == Origin::Inserted).collect();
            for j in inserted {
                if let Some(i) = by_content
                    .get_mut(&side.content[j])
                    .and_then(VecDeque::pop_front)
                {
                    fates[i] = Fate::Moved(j);
                    origins[j] = Origin::Moved(i);
                }
            }
        }
        // Same key in the same gap: an edit; the most alike pairs first.
        for g in &gap_ids {
            let (deleted, inserted) = &gaps[g];
            let mut pairs = Vec::new();
            for &i in deleted {
                for &j in inserted {
                    if base.key[i] != side.key[j] {
                        continue;
                    }
                    let (a, b) = (&texts.0[i].content, &texts.1[j].content);
                    budget.spend((a.len() + b.len()) as u64 / 8 + 1)?;
                    pairs.push((i, j));
                }
            }
            // A pair whose two elements are in no other pair is an edit
            // whatever the order: its likeness is not counted. Each
            // element's words are counted once per check ([`Worded`]).
            let contested = contested(&pairs);
            let mut candidates: Vec<_> = pairs
                .iter()
                .zip(contested)
                .map(|(&(i, j), contested)| {
                    let shared = match contested {
                        true => alike(texts.0.words(i), texts.1.words(j)),
                        false => 0,
                    };
                    (std::cmp::Reverse(shared), i, j)
                })
                .collect();
            candidates.sort_unstable();
            for (_, i, j) in candidates {
                if fates[i] == Fate::Deleted && origins[j] == Origin::Inserted {
                    fates[i] = Fate::Edited(j);
                    origins[j] = Origin::Edited(i);
                }
            }
        }
        // The same key, found once in each version, anywhere else: a move
        // with an edit (attribute names, cell ids).
        let mut key_count: HashMap<u32, (usize, usize)> = HashMap::new();
        for &k in base.key {
            key_count.entry(k).or_default().0 += 1;
        }
        for &k in side.key {
            key_count.entry(k).or_default().1 += 1;
        }
        let unique = |k: u32| key_count.get(&k) == Some(&(1, 1));
        let mut by_key: HashMap<u32, usize> = HashMap::new();
        for i in (0..n).filter(|&i| fates[i] == Fate::Deleted && unique(base.key[i])) {
            by_key.insert(base.key[i], i);
        }
        if moves && moves_by_key {
            let inserted: Vec<usize> = (0..m).filter(|&j| origins[j] == Origin::Inserted).collect();
            for j in inserted {
                if let Some(i) = by_key.remove(&side.key[j]) {
                    fates[i] = Fate::Moved(j);
                    origins[j] = Origin::Moved(i);
                }
            }
        }
        if moves && moves_by_likeness {
            pair_alike_moves(&mut fates, &mut origins, (base, side), texts, budget)?;
        }
        let gaps = gap_ids.iter().map(|g| gaps[g].clone()).collect();
        let mut script = Script {
            fates,
            origins,
            prev_in_place: Vec::new(),
            next_in_place: Vec::new(),
            gaps,
            keys_name_elements: !moves_by_likeness,
        };
        script.places();
        Ok(script)
    }

    /// What is left in a gap on both sides: replacements, in order. Where
    /// a gap lost more elements than it gained, the ones `other_deleted`
    /// does not hold are the replaced ones (so a deletion both sides made
    /// stays a deletion); where keys do not name elements, always (a new
    /// cell of another kind where both sides deleted one is an insertion:
    /// no key says it stands for the deleted cell).
    pub fn pair_replacements(&mut self, other_deleted: &[bool]) {
        let (fates, origins) = (&mut self.fates, &mut self.origins);
        for (deleted, inserted) in &self.gaps {
            let deleted: Vec<usize> = deleted
                .iter()
                .copied()
                .filter(|&i| fates[i] == Fate::Deleted)
                .collect();
            let inserted: Vec<usize> = inserted
                .iter()
                .copied()
                .filter(|&j| origins[j] == Origin::Inserted)
                .collect();
            let mut chosen = deleted.clone();
            if deleted.len() > inserted.len() || !self.keys_name_elements {
                let kept: Vec<usize> = deleted
                    .iter()
                    .copied()
                    .filter(|&i| !other_deleted.get(i).copied().unwrap_or(false))
                    .collect();
                if kept.len() >= inserted.len() || !self.keys_name_elements {
                    chosen = kept;
                }
            }
            for (i, j) in chosen.into_iter().zip(inserted) {
                fates[i] = Fate::Replaced(j);
                origins[j] = Origin::Replaced(i);
            }
        }
        self.places();
    }

    /// Base elements this side deleted (before replacements are paired).
    pub fn deleted(&self) -> Vec<bool> {
        self.fates.iter().map(|f| *f == Fate::Deleted).collect()
    }

    fn places(&mut self) {
        let origins = &self.origins;
        let m = origins.len();
        let in_place = |o: Origin| match o {
            Origin::Kept(i) | Origin::Edited(i) | Origin::Replaced(i) => Some(i),
            Origin::Moved(_) | Origin::Inserted => None,
        };
        let mut prev_in_place = vec![None; m];
        let mut last = None;
        for j in 0..m {
            prev_in_place[j] = last;
            last = in_place(origins[j]).or(last);
        }
        let mut next_in_place = vec![None; m];
        let mut last = None;
        for j in (0..m).rev() {
            next_in_place[j] = last;
            last = in_place(origins[j]).or(last);
        }
        self.prev_in_place = prev_in_place;
        self.next_in_place = next_in_place;
    }

    /// Whether side elements `j` (of this script) and `k` (of `other`)
    /// stand at the same place: after the same element or before it.
    pub fn same_place(&self, j: usize, other: &Script, k: usize) -> bool {
        self.prev_in_place[j] == other.prev_in_place[k]
            || self.next_in_place[j] == other.next_in_place[k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(base: &[(u32, u32)], side: &[(u32, u32)]) -> Script {
        let split = |v: &[(u32, u32)]| -> (Vec<u32>, Vec<u32>) { v.iter().copied().unzip() };
        let (bc, bk) = split(base);
        let (sc, sk) = split(side);
        let text = |v: &[u32]| -> Vec<Element> {
            v.iter().map(|c| Element::plain(c.to_string())).collect()
        };
        let (bt, st) = (text(&bc), text(&sc));
        Script::compute(
            Ids {
                content: &bc,
                key: &bk,
            },
            Ids {
                content: &sc,
                key: &sk,
            },
            (&Worded::new(&bt), &Worded::new(&st)),
            Reading {
                moves: true,
                moves_by_key: false,
                moves_by_likeness: false,
                unique_moves: false,
                fixed: |_| false,
            },
            &mut Budget::new(u64::MAX),
        )
        .map(|mut s| {
            s.pair_replacements(&[]);
            s
        })
        .unwrap()
    }

    #[test]
    fn edits_moves_replacements_and_insertions() {
        // (content, key): base A B C D; side A B' D C X, where B' has B's key.
        let base = [(1, 1), (2, 2), (3, 3), (4, 4)];
        let side = [(1, 1), (20, 2), (4, 4), (3, 3), (9, 9)];
        let s = script(&base, &side);
        assert_eq!(s.fates[0], Fate::Kept(0));
        assert_eq!(s.fates[1], Fate::Edited(1));
        assert!(matches!(s.fates[2], Fate::Moved(_)) || matches!(s.fates[3], Fate::Moved(_)));
        assert_eq!(s.origins[4], Origin::Inserted);
    }

    #[test]
    fn another_key_in_place_is_a_replacement() {
        let base = [(1, 1), (2, 2), (3, 3)];
        let side = [(1, 1), (5, 5), (3, 3)];
        let s = script(&base, &side);
        assert_eq!(s.fates[1], Fate::Replaced(1));
        assert_eq!(s.prev_in_place[1], Some(0));
        assert_eq!(s.next_in_place[1], Some(2));
    }
}
