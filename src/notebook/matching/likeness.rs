//! How alike two cells are: each cell's signature (hashes of its lines,
//! trimmed lines, character bigrams and tokens) computed once, and the
//! comparisons of two signatures that decide whether two cells are one
//! cell edited, all linear in the signatures' sizes.

use std::hash::{Hash, Hasher};

use super::super::model::Cell;
use super::{MAX_CHAR_DIFF, SIMILAR, SIMILAR_CHARS, SKETCH};
use crate::core::digest::digest;

/// Likeness of two short cells of one type by character bigrams (0 where
/// either has none).
pub(super) fn char_likeness(a: Option<&Signature>, b: Option<&Signature>) -> f32 {
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
pub(super) struct Signature {
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
pub(super) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl Signature {
    pub(super) fn of(cell: &Cell) -> Self {
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
pub(super) fn tokens_of(text: &str) -> impl Iterator<Item = &str> {
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
pub(super) struct Sigs<'s>(pub(super) &'s [Option<&'s Signature>]);

impl<'s> Sigs<'s> {
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    pub(super) fn get(&self, i: usize) -> Option<&'s Signature> {
        self.0.get(i).copied().flatten()
    }
}

/// How many items two sorted lists have in common (as multisets).
pub(super) fn common(a: &[u64], b: &[u64]) -> usize {
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
pub(super) fn dice(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * common(a, b) as f32 / (a.len() + b.len()) as f32
}

/// Jaccard's index of two sets from their bottom-k sketches, as Dice's
/// coefficient: among the `SKETCH` smallest hashes of the union, the share
/// found in both (exact when both sets are smaller than the sketch).
pub(super) fn sketch_dice(a: &[u64], b: &[u64]) -> f32 {
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
pub(super) fn shares_a_line(a: Option<&Signature>, b: Option<&Signature>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.cell_type == b.cell_type && common(&a.trimmed, &b.trimmed) > 0,
        _ => false,
    }
}

/// Whether two cells of one type are alike by their lines (or both blank).
pub(super) fn alike_by_lines(a: Option<&Signature>, b: Option<&Signature>) -> bool {
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
pub(super) fn edited_in_place(a: Option<&Signature>, b: Option<&Signature>) -> bool {
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
pub(super) fn similarity(a: Option<&Signature>, b: Option<&Signature>) -> Option<f32> {
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
