//! Near twins: two new cells, one per side, at the same place, that are
//! one cell written twice (a fork sync where each side split or wrote the
//! same section, one with a typo fixed). They are merged as one cell both
//! sides inserted (empty base), so their differing lines stand between
//! markers, instead of two near-identical cells kept one after the other.

use std::collections::HashMap;

use super::model::Cell;

/// Fewest words a near twin has.
const MIN_WORDS: usize = 4;

fn words(text: &str) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
    {
        *counts.entry(w).or_default() += 1;
    }
    counts
}

/// Whether `a` and `b` (new cells of ours and theirs) are near twins: the
/// same cell type and first line (blanks at its end aside), and three
/// quarters of the words of each (repeats counted, at least
/// [`MIN_WORDS`]) shared. Equal cells are twins too.
pub fn near_twins(a: &Cell, b: &Cell) -> bool {
    if a.cell_type != b.cell_type {
        return false;
    }
    if a.source == b.source {
        return true;
    }
    let first = |source: &str| source.lines().next().map(|l| l.trim_end().to_string());
    if first(&a.source) != first(&b.source) {
        return false;
    }
    let (wa, wb) = (words(&a.source), words(&b.source));
    let (na, nb): (usize, usize) = (wa.values().sum(), wb.values().sum());
    let shared: usize = wa
        .iter()
        .map(|(w, n)| (*n).min(wb.get(w).copied().unwrap_or(0)))
        .sum();
    shared >= MIN_WORDS && 4 * shared >= 3 * na.max(nb)
}
