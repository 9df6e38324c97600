//! Which cell of a side is which cell of the base.
//!
//! By `id` when every cell of the three versions has a unique one; else by
//! content: equal cells first (common head and tail, then cells unique on
//! both sides, then repeated ones in order), then edited cells by
//! similarity, but only within the small gaps the equal cells leave, so the
//! work stays near linear on notebooks of 100,000 cells.

use std::cell::OnceCell;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

use super::model::Cell;
use crate::core::digest::{digest, Digest};

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

/// Likeness of two short cells of one type by character bigrams (0 where
/// either has none).
fn char_likeness(a: Option<&Signature>, b: Option<&Signature>) -> f32 {
    match (a, b) {
        (Some(a), Some(b))
            if a.cell_type == b.cell_type && !a.bigrams.is_empty() && !b.bigrams.is_empty() =>
        {
            sketch_dice(&a.bigrams, &b.bigrams)
        }
        _ => 0.0,
    }
}

/// What comparing two cells needs, computed once per cell: sorted hashes
/// of its lines, of its trimmed non-blank lines, and of its character
/// bigrams (short cells only). Comparing two signatures is linear in
/// their sizes, never a diff: the work stays bounded on any notebook.
struct Signature {
    cell_type: String,
    blank: bool,
    lines: Vec<u64>,
    trimmed: Vec<u64>,
    /// Character bigrams; empty for cells too long for a character
    /// comparison.
    bigrams: Vec<u64>,
    /// Hashes of its tokens in order (words, numbers, single marks), for
    /// the cells that have bigrams.
    tokens: Vec<u64>,
}

/// SipHash, for the character bigrams: which bigrams a sketch keeps is
/// decided by their hashes' order, and changing the hash would change
/// which cells pair.
fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl Signature {
    fn of(cell: &Cell) -> Self {
        let source = cell.source.as_str();
        // Lines and tokens are only equal or not: the fast digest.
        let line_key = |line: &str| digest(line.as_bytes());
        let mut lines: Vec<u64> = source.lines().map(line_key).collect();
        lines.sort_unstable();
        let mut trimmed: Vec<u64> = source
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(line_key)
            .collect();
        trimmed.sort_unstable();
        trimmed.dedup();
        let short = source.len() <= MAX_CHAR_DIFF && source.lines().count() <= 3;
        let mut bigrams = Vec::new();
        let mut tokens = Vec::new();
        if short {
            tokens = tokens_of(source).map(line_key).collect();
            // Padded, so a one-character cell has bigrams too.
            let chars: Vec<char> = std::iter::once('\u{2}')
                .chain(source.chars())
                .chain(std::iter::once('\u{3}'))
                .collect();
            bigrams = chars.windows(2).map(hash_of).collect();
            bigrams.sort_unstable();
            bigrams.dedup();
            // A bottom-k sketch: the smallest hashes stand for the set.
            bigrams.truncate(SKETCH);
        }
        Signature {
            cell_type: cell.cell_type.clone(),
            blank: source.trim().is_empty(),
            lines,
            trimmed,
            bigrams,
            tokens,
        }
    }
}

/// A text's tokens: runs of letters, digits and `_`, and every other
/// character but spaces on its own.
fn tokens_of(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        rest = rest.trim_start();
        let first = rest.chars().next()?;
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let end = if word(first) {
            rest.find(|c: char| !word(c)).unwrap_or(rest.len())
        } else {
            first.len_utf8()
        };
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

/// The signatures of one version's cells (`None`: already matched).
#[derive(Clone, Copy)]
struct Sigs<'s>(&'s [Option<&'s Signature>]);

impl<'s> Sigs<'s> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, i: usize) -> Option<&'s Signature> {
        self.0.get(i).copied().flatten()
    }
}

/// How many items two sorted lists have in common (as multisets).
fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice's coefficient of two sorted multisets (0 to 1).
fn dice(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * common(a, b) as f32 / (a.len() + b.len()) as f32
}

/// Jaccard's index of two sets from their bottom-k sketches, as Dice's
/// coefficient: among the `SKETCH` smallest hashes of the union, the share
/// found in both (exact when both sets are smaller than the sketch).
fn sketch_dice(a: &[u64], b: &[u64]) -> f32 {
    let (mut i, mut j, mut seen, mut both) = (0, 0, 0usize, 0usize);
    while seen < SKETCH && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), None) => i += 1,
            _ => j += 1,
        }
        seen += 1;
    }
    if seen == 0 {
        return 0.0;
    }
    let jaccard = both as f32 / seen as f32;
    2.0 * jaccard / (1.0 + jaccard)
}

/// Whether two cells of one type have a non-blank line in common.
fn shares_a_line(a: Option<&Signature>, b: Option<&Signature>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.cell_type == b.cell_type && common(&a.trimmed, &b.trimmed) > 0,
        _ => false,
    }
}

/// Whether two cells of one type are alike by their lines (or both blank).
fn alike_by_lines(a: Option<&Signature>, b: Option<&Signature>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if a.cell_type == b.cell_type => {
            (a.blank && b.blank) || dice(&a.lines, &b.lines) >= SIMILAR
        }
        _ => false,
    }
}

/// Whether two short cells that share no line read as one cell edited in
/// one place: the tokens they share at the start and at the end are at
/// least half of the longer one's (`lr = 0.01` and `lr = 0.001`,
/// `df.head()` and `df.tail()`). Cells of one template share most
/// character pairs by chance (`x = block_1(x, 11)` and
/// `x = block_501(x, 501)`) but differ in several places: no pairing is
/// certain there.
fn edited_in_place(a: Option<&Signature>, b: Option<&Signature>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let (x, y) = (&a.tokens, &b.tokens);
    let head = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    let shorter = x.len().min(y.len());
    let tail = x
        .iter()
        .rev()
        .zip(y.iter().rev())
        .take(shorter - head)
        .take_while(|(p, q)| p == q)
        .count();
    2 * (head + tail) >= x.len().max(y.len())
}

/// How alike two cells are, when alike enough to be one cell edited: a
/// score ranking shared lines first, then shared character bigrams (for
/// short cells edited inside a line). `None` for cells of different types
/// or too different.
fn similarity(a: Option<&Signature>, b: Option<&Signature>) -> Option<f32> {
    let (a, b) = (a?, b?);
    if a.cell_type != b.cell_type {
        return None;
    }
    if a.blank && b.blank {
        return Some(2.0);
    }
    let by_lines = dice(&a.lines, &b.lines);
    let by_chars = if a.bigrams.is_empty() || b.bigrams.is_empty() {
        0.0
    } else {
        sketch_dice(&a.bigrams, &b.bigrams)
    };
    (by_lines >= SIMILAR || by_chars >= SIMILAR_CHARS).then_some(by_lines + by_chars / 100.0)
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
mod tests {
    use super::*;

    fn signature(source: &str) -> Signature {
        let text = format!(
            "{{\"cells\": [{{\"cell_type\": \"code\", \"metadata\": {{}}, \"source\": {}}}], \"metadata\": {{}}, \"nbformat\": 4, \"nbformat_minor\": 4}}",
            serde_json::to_string(source).unwrap_or_default()
        );
        let root = crate::notebook::json::parse(&text).expect("a notebook");
        let notebook = crate::notebook::model::Notebook::read(&text, &root).expect("a notebook");
        Signature::of(&notebook.cells[0])
    }

    #[test]
    fn an_edit_in_one_place_pairs_and_a_template_does_not() {
        let alike = |a: &str, b: &str| {
            let (a, b) = (signature(a), signature(b));
            edited_in_place(Some(&a), Some(&b))
        };
        assert!(alike("lr = 0.01", "lr = 0.001"));
        assert!(alike("df.head()", "df.tail()"));
        assert!(alike(
            "model.fit(x, y, epochs=10)",
            "model.fit(x, y, epochs=20, verbose=0)"
        ));
        assert!(!alike(
            "# step 1\nx = block_1(x, 11)",
            "# step 501\nx = block_501(x, 501)"
        ));
        assert!(!alike("optimizer = Adam(lr=0.01)", "opt = SGD(0.1)"));
    }

    #[test]
    fn a_pair_by_character_pairs_must_stand_out_from_its_rivals() {
        let likeness = |b: usize, s: usize| [[0.9, 0.3], [0.8, 0.35]][b][s];
        let rivals = Rivals::of([0, 1].iter(), [0, 1].iter(), likeness);
        // Base cell 0 and side cell 0 are each other's best, but base cell
        // 1 is nearly as alike to side cell 0.
        assert!((rivals.best_other(0, 0) - 0.8).abs() < 1e-6);
        assert!((rivals.best_other(1, 1) - 0.8).abs() < 1e-6);
        let alone = Rivals::of([0].iter(), [0].iter(), likeness);
        assert_eq!(alone.best_other(0, 0), 0.0);
    }

    #[test]
    fn longest_increasing_run() {
        assert_eq!(longest_increasing(&[3, 0, 1, 4, 2]), vec![1, 2, 4]);
        assert_eq!(longest_increasing(&[]), Vec::<usize>::new());
    }
}
