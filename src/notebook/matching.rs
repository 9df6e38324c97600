//! Which cell of a side is which cell of the base.
//!
//! By `id` when every cell of the three versions has a unique one; else by
//! content: equal cells first (common head and tail, then cells unique on
//! both sides, then repeated ones in order), then edited cells by
//! similarity, but only within the small gaps the equal cells leave, so the
//! work stays near linear on notebooks of 100,000 cells.

use std::cell::OnceCell;
use std::collections::{HashMap, VecDeque};

use super::model::Cell;
use crate::core::digest::Digest;

mod likeness;

use likeness::{
    alike_by_lines, char_likeness, edited_in_place, shares_a_line, similarity, Signature, Sigs,
};

/// Cells at least this similar by lines (0 to 1) are one cell, edited.
const SIMILAR: f32 = 0.5;
/// Short cells at least this similar by character bigrams (Dice's
/// coefficient of the sets) are one cell, edited.
const SIMILAR_CHARS: f32 = 0.55;
/// A pairing by character bigrams alone must beat every other candidate
/// of either cell by this much (Dice's coefficient), unless it reads as
/// one edit in one place.
const CHAR_LIKENESS_MARGIN: f32 = 0.2;
/// Gaps with more candidate pairs than this pair cells by position only.
const MAX_GAP_PAIRS: usize = 400;
/// With at most this many candidate pairs left, all are compared.
const MAX_GLOBAL_PAIRS: usize = 4096;
/// Character bigrams kept per cell (a bottom-k sketch of the set).
const SKETCH: usize = 128;
/// Sources longer than this are compared by lines, not characters.
const MAX_CHAR_DIFF: usize = 2_000;

/// For each base cell, the index of the same cell on the side, if kept.
pub type Matching = Vec<Option<usize>>;

/// The base's cells as matching reads them. Matching a side by content
/// needs each base cell's key and, for the cells that side left unmatched,
/// its signature: each is computed once, on first use, and serves both
/// sides.
pub struct BaseCells<'c> {
    cells: &'c [Cell<'c>],
    keys: OnceCell<Vec<u64>>,
    signatures: Vec<OnceCell<Signature>>,
}

impl<'c> BaseCells<'c> {
    pub fn new(cells: &'c [Cell<'c>]) -> Self {
        let mut signatures = Vec::new();
        signatures.resize_with(cells.len(), OnceCell::new);
        BaseCells {
            cells,
            keys: OnceCell::new(),
            signatures,
        }
    }

    fn keys(&self) -> &[u64] {
        self.keys
            .get_or_init(|| self.cells.iter().map(content_key).collect())
    }

    fn signature(&self, i: usize) -> &Signature {
        self.signatures[i].get_or_init(|| Signature::of(&self.cells[i]))
    }
}

/// Matches `side`'s cells to `base`'s.
pub fn match_cells(base: &BaseCells, side: &[Cell], by_id: bool) -> Matching {
    if by_id {
        let index: HashMap<&str, usize> = side
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((c.id.as_deref()?, i)))
            .collect();
        return base
            .cells
            .iter()
            .map(|c| c.id.as_deref().and_then(|id| index.get(id).copied()))
            .collect();
    }
    let side_keys: Vec<u64> = side.iter().map(content_key).collect();
    let mut pairs = Pairs::new(base.cells.len(), side.len());
    pairs.match_equal(base.keys(), &side_keys);
    pairs.match_similar(base, side);
    pairs.of_base
}

/// A cell's type and source, hashed: what "equal cells" means here.
fn content_key(cell: &Cell) -> u64 {
    let mut h = Digest::new();
    h.write_str(cell.cell_type.as_str());
    h.write_str(cell.source.as_str());
    h.finish()
}

/// The matching under construction, both ways.
struct Pairs {
    of_base: Vec<Option<usize>>,
    of_side: Vec<Option<usize>>,
}

impl Pairs {
    fn new(base: usize, side: usize) -> Self {
        Pairs {
            of_base: vec![None; base],
            of_side: vec![None; side],
        }
    }

    fn pair(&mut self, b: usize, s: usize) {
        self.of_base[b] = Some(s);
        self.of_side[s] = Some(b);
    }

    fn match_equal(&mut self, base: &[u64], side: &[u64]) {
        let head = base.iter().zip(side).take_while(|(b, s)| b == s).count();
        let max_tail = base.len().min(side.len()) - head;
        let tail = (1..=max_tail)
            .take_while(|k| base[base.len() - k] == side[side.len() - k])
            .count();
        for k in 0..head {
            self.pair(k, k);
        }
        for k in 1..=tail {
            self.pair(base.len() - k, side.len() - k);
        }
        let (b_mid, s_mid) = (head..base.len() - tail, head..side.len() - tail);
        // Cells whose content occurs once in each middle: certain pairs,
        // moved or not.
        let count = |keys: &[u64], range: std::ops::Range<usize>| {
            let mut counts: HashMap<u64, (usize, usize)> = HashMap::new();
            for i in range {
                let e = counts.entry(keys[i]).or_insert((0, i));
                e.0 += 1;
            }
            counts
        };
        let in_base = count(base, b_mid.clone());
        let in_side = count(side, s_mid.clone());
        for (key, &(n, b)) in &in_base {
            if let (1, Some(&(1, s))) = (n, in_side.get(key)) {
                self.pair(b, s);
            }
        }
        // Repeated contents: paired in order, first come first served.
        let mut waiting: HashMap<u64, VecDeque<usize>> = HashMap::new();
        for s in s_mid.filter(|&s| self.of_side[s].is_none()) {
            waiting.entry(side[s]).or_default().push_back(s);
        }
        for b in b_mid {
            if self.of_base[b].is_some() {
                continue;
            }
            if let Some(s) = waiting.get_mut(&base[b]).and_then(VecDeque::pop_front) {
                self.pair(b, s);
            }
        }
    }

    /// Pairs edited cells: among all cells left when few are (so a cell
    /// moved and edited is found too), else inside each gap between
    /// in-order matches.
    fn match_similar(&mut self, base_cells: &BaseCells, side: &[Cell]) {
        let left_base: Vec<usize> = (0..base_cells.cells.len())
            .filter(|&b| self.of_base[b].is_none())
            .collect();
        let left_side: Vec<usize> = (0..side.len())
            .filter(|&s| self.of_side[s].is_none())
            .collect();
        // Only cells left unmatched are compared: their signatures, once
        // (a base cell's serves both sides).
        let side_owned: Vec<Signature> =
            left_side.iter().map(|&s| Signature::of(&side[s])).collect();
        let mut sig_base: Vec<Option<&Signature>> = vec![None; base_cells.cells.len()];
        for &b in &left_base {
            sig_base[b] = Some(base_cells.signature(b));
        }
        let mut sig_side: Vec<Option<&Signature>> = vec![None; side.len()];
        for (&s, signature) in left_side.iter().zip(&side_owned) {
            sig_side[s] = Some(signature);
        }
        let base = Sigs(&sig_base);
        let side = Sigs(&sig_side);
        if left_base.len() * left_side.len() <= MAX_GLOBAL_PAIRS {
            self.pair_alike(&left_base, &left_side, base, side, true);
            return;
        }
        let anchors = in_order_pairs(&self.of_base);
        let mut prev = (0usize, 0usize);
        for (b_end, s_end) in anchors.into_iter().chain([(base.len(), side.len())]) {
            let gap_base: Vec<usize> = (prev.0..b_end)
                .filter(|&b| self.of_base[b].is_none())
                .collect();
            let gap_side: Vec<usize> = (prev.1..s_end)
                .filter(|&s| self.of_side[s].is_none())
                .collect();
            self.pair_gap(&gap_base, &gap_side, base, side);
            prev = (b_end + 1, s_end + 1);
        }
    }

    fn pair_gap(&mut self, gap_base: &[usize], gap_side: &[usize], base: Sigs, side: Sigs) {
        if gap_base.is_empty() || gap_side.is_empty() {
            return;
        }
        if gap_base.len() * gap_side.len() > MAX_GAP_PAIRS {
            for (&b, &s) in gap_base.iter().zip(gap_side) {
                if similarity(base.get(b), side.get(s)).is_some() {
                    self.pair(b, s);
                }
            }
            return;
        }
        self.pair_alike(gap_base, gap_side, base, side, false);
    }

    /// Pairs alike cells, then cells that still share a line with their
    /// base version (heavily edited: a delete would lose the other side's
    /// edit; an edit of the wrong cell at worst shows as a conflict).
    fn pair_alike(
        &mut self,
        left_base: &[usize],
        left_side: &[usize],
        base: Sigs,
        side: Sigs,
        cross: bool,
    ) {
        let rivals = Rivals::of(
            left_base.iter().filter(|&&b| self.of_base[b].is_none()),
            left_side.iter().filter(|&&s| self.of_side[s].is_none()),
            |b, s| char_likeness(base.get(b), side.get(s)),
        );
        self.pair_best_first(left_base, left_side, cross, |b, s| {
            let (a, c) = (base.get(b), side.get(s));
            let score = similarity(a, c)?;
            let by_lines = alike_by_lines(a, c);
            let stands_out =
                || char_likeness(a, c) - rivals.best_other(b, s) >= CHAR_LIKENESS_MARGIN;
            (by_lines || edited_in_place(a, c) || stands_out()).then_some((score, by_lines))
        });
        self.pair_best_first(left_base, left_side, cross, |b, s| {
            shares_a_line(base.get(b), side.get(s)).then_some((0.0, true))
        });
    }

    /// Pairs still unpaired cells, most alike first; unless `cross`,
    /// never crossing a pair made before among them. Where `cross`, a
    /// pair that would move the cell (the side cell is not between the
    /// side's versions of the base cell's nearest matched neighbours)
    /// needs lines in common (`score`'s flag): short cells of one template
    /// share most character bigrams by chance (`x = block_3(x, 13)`,
    /// `x = block_501(x, 501)`), and a cell moved *and* rewritten that far
    /// is a deletion and a new cell.
    fn pair_best_first(
        &mut self,
        gap_base: &[usize],
        gap_side: &[usize],
        cross: bool,
        score: impl Fn(usize, usize) -> Option<(f32, bool)>,
    ) {
        let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
        let mut by_lines = std::collections::HashSet::new();
        for &b in gap_base.iter().filter(|&&b| self.of_base[b].is_none()) {
            for &s in gap_side.iter().filter(|&&s| self.of_side[s].is_none()) {
                if let Some((score, lines)) = score(b, s) {
                    candidates.push((score, b, s));
                    if lines {
                        by_lines.insert((b, s));
                    }
                }
            }
        }
        // Best first; ties go to the earlier cells, so the result is stable.
        candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        let mut made: Vec<(usize, usize)> = gap_base
            .iter()
            .filter_map(|&b| Some((b, self.of_base[b]?)))
            .collect();
        for (_, b, s) in candidates {
            let crosses = !cross && made.iter().any(|&(pb, ps)| (b < pb) != (s < ps));
            let unfounded_move = cross && !by_lines.contains(&(b, s)) && !self.in_place(b, s);
            if self.of_base[b].is_none() && self.of_side[s].is_none() && !crosses && !unfounded_move
            {
                self.pair(b, s);
                made.push((b, s));
            }
        }
    }
}

impl Pairs {
    /// Whether side cell `s` lies between the side's versions of the
    /// nearest matched base cells before and after base cell `b`.
    fn in_place(&self, b: usize, s: usize) -> bool {
        let before = self.of_base[..b].iter().rev().find_map(|m| *m);
        let after = self.of_base[b + 1..].iter().find_map(|m| *m);
        before.is_none_or(|p| p < s) && after.is_none_or(|n| s < n)
    }
}

/// Each cell's two best likenesses by character bigrams among the other
/// version's cells left, so that a pair can be held against its rivals.
struct Rivals {
    of_base: HashMap<usize, [(f32, usize); 2]>,
    of_side: HashMap<usize, [(f32, usize); 2]>,
}

impl Rivals {
    fn of<'i>(
        base: impl Iterator<Item = &'i usize>,
        side: impl Iterator<Item = &'i usize> + Clone,
        likeness: impl Fn(usize, usize) -> f32,
    ) -> Self {
        let mut rivals = Rivals {
            of_base: HashMap::new(),
            of_side: HashMap::new(),
        };
        for &b in base {
            for &s in side.clone() {
                let x = likeness(b, s);
                if x > 0.0 {
                    keep_best(rivals.of_base.entry(b).or_default(), (x, s));
                    keep_best(rivals.of_side.entry(s).or_default(), (x, b));
                }
            }
        }
        rivals
    }

    /// The best likeness of base cell `b` to a side cell other than `s`,
    /// or of `s` to a base cell other than `b`.
    fn best_other(&self, b: usize, s: usize) -> f32 {
        let other = |top: Option<&[(f32, usize); 2]>, not: usize| {
            top.map_or(0.0, |top| {
                top.iter()
                    .filter(|(_, i)| *i != not)
                    .map(|(x, _)| *x)
                    .fold(0.0, f32::max)
            })
        };
        other(self.of_base.get(&b), s).max(other(self.of_side.get(&s), b))
    }
}

/// Keeps the two best (likeness, cell) entries in `top`.
fn keep_best(top: &mut [(f32, usize); 2], entry: (f32, usize)) {
    if entry.0 > top[0].0 {
        top[1] = top[0];
        top[0] = entry;
    } else if entry.0 > top[1].0 {
        top[1] = entry;
    }
}

/// The matched pairs that keep their relative order (a longest increasing
/// run of side indices), in base order.
pub fn in_order_pairs(of_base: &[Option<usize>]) -> Vec<(usize, usize)> {
    let pairs: Vec<(usize, usize)> = of_base
        .iter()
        .enumerate()
        .filter_map(|(b, s)| Some((b, (*s)?)))
        .collect();
    let keep = longest_increasing(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    keep.into_iter().map(|k| pairs[k]).collect()
}

/// Indices of a longest strictly increasing subsequence of `seq`
/// (patience sorting, O(n log n)).
pub fn longest_increasing(seq: &[usize]) -> Vec<usize> {
    let mut tails: Vec<usize> = Vec::new();
    let mut parent: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &x) in seq.iter().enumerate() {
        let at = tails.partition_point(|&t| seq[t] < x);
        parent[i] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        out.push(i);
        cur = parent[i];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests;
