//! The merged order of the cell list, like a layer list: each side's
//! moves, insertions and deletions, placed in the gaps between cells that
//! both sides left where they were.
//!
//! A side's cells that kept their relative order (a longest increasing run
//! of base positions) are its anchors; everything else it has (inserted
//! cells and cells it moved) sits in the gap after its nearest preceding
//! anchor. The result walks the base: each base cell not moved by anyone,
//! then the gap's runs of both sides, merged so that cells both inserted
//! appear once and different cells appear ours first.

use std::collections::HashMap;

use super::matching::{longest_increasing, Matching};

/// One place in the merged cell list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A base cell (either side may have deleted it).
    Base(usize),
    /// A cell only ours inserted.
    Ours(usize),
    /// A cell only theirs inserted.
    Theirs(usize),
    /// The same new cell inserted by both.
    Both(usize, usize),
}

/// The merged order and the base cells both sides moved to different
/// places (kept at ours' place).
pub struct Order {
    pub entries: Vec<Entry>,
    pub moved_apart: Vec<usize>,
}

/// What a side has in one gap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Item {
    Moved(usize),
    New(usize),
}

/// A side's view: which base cells it moved, and its gap runs keyed by
/// the base anchor they follow (`None`: before every anchor).
struct SideRuns {
    moved: Vec<bool>,
    runs: HashMap<Option<usize>, Vec<Item>>,
    gap_of: HashMap<usize, Option<usize>>,
}

fn side_runs(of_base: &Matching, side_len: usize) -> SideRuns {
    let mut to_base = vec![None; side_len];
    for (b, s) in of_base.iter().enumerate() {
        if let Some(s) = *s {
            to_base[s] = Some(b);
        }
    }
    let matched: Vec<(usize, usize)> = to_base
        .iter()
        .enumerate()
        .filter_map(|(s, b)| Some((s, (*b)?)))
        .collect();
    let mut anchor = vec![false; of_base.len()];
    for k in longest_increasing(&matched.iter().map(|p| p.1).collect::<Vec<_>>()) {
        anchor[matched[k].1] = true;
    }
    let mut moved = vec![false; of_base.len()];
    let mut runs: HashMap<Option<usize>, Vec<Item>> = HashMap::new();
    let mut gap_of = HashMap::new();
    let mut gap = None;
    for (s, b) in to_base.iter().enumerate() {
        match *b {
            Some(b) if anchor[b] => gap = Some(b),
            Some(b) => {
                moved[b] = true;
                gap_of.insert(b, gap);
                runs.entry(gap).or_default().push(Item::Moved(b));
            }
            None => runs.entry(gap).or_default().push(Item::New(s)),
        }
    }
    SideRuns {
        moved,
        runs,
        gap_of,
    }
}

/// Merges the cell order. `same_new(o, t)` says whether ours' new cell `o`
/// and theirs' new cell `t` are the same insertion.
pub fn merge_order(
    base_len: usize,
    matches: (&Matching, usize, &Matching, usize),
    same_new: impl Fn(usize, usize) -> bool,
) -> Order {
    let (of_ours, ours_len, of_theirs, theirs_len) = matches;
    let mut ours = side_runs(of_ours, ours_len);
    let mut theirs = side_runs(of_theirs, theirs_len);
    let moved_apart = moved_apart(&ours, &mut theirs);
    join_shared_new(&ours, &mut theirs, &same_new);
    let mut entries = Vec::with_capacity(base_len.max(ours_len).max(theirs_len));
    for gap in std::iter::once(None).chain((0..base_len).map(Some)) {
        if let Some(b) = gap {
            if !ours.moved[b] && !theirs.moved[b] {
                entries.push(Entry::Base(b));
            }
        }
        let o = ours.runs.remove(&gap).unwrap_or_default();
        let t = theirs.runs.remove(&gap).unwrap_or_default();
        let moved_before = |x: usize, y: usize| moved_before(x, y, of_ours, of_theirs);
        merge_runs(&o, &t, (&same_new, &moved_before), &mut entries);
    }
    Order {
        entries,
        moved_apart,
    }
}

/// Base cells both moved, to different gaps: dropped from theirs' runs.
fn moved_apart(ours: &SideRuns, theirs: &mut SideRuns) -> Vec<usize> {
    let mut apart: Vec<usize> = theirs
        .gap_of
        .iter()
        .filter(|(b, gap)| ours.gap_of.get(b).is_some_and(|g| g != *gap))
        .map(|(b, _)| *b)
        .collect();
    apart.sort_unstable();
    for run in theirs.runs.values_mut() {
        run.retain(|item| !matches!(item, Item::Moved(b) if apart.binary_search(b).is_ok()));
    }
    apart
}

/// A new cell both sides inserted (the same id) that the other side's
/// moves put in another gap on each side: theirs' copy joins ours' gap, at
/// ours' place in it, so that the two are one cell. Only a cell each side
/// has once: copies of one cell in several places (same content, no ids)
/// stay where they are, paired gap by gap.
fn join_shared_new(
    ours: &SideRuns,
    theirs: &mut SideRuns,
    same_new: &impl Fn(usize, usize) -> bool,
) {
    let new_items = |runs: &SideRuns| -> Vec<(usize, Option<usize>, usize)> {
        let mut items: Vec<_> = runs
            .runs
            .iter()
            .flat_map(|(&gap, run)| {
                run.iter()
                    .enumerate()
                    .filter_map(move |(at, item)| match *item {
                        Item::New(i) => Some((i, gap, at)),
                        _ => None,
                    })
            })
            .collect();
        items.sort_unstable();
        items
    };
    let (wanted, offered) = (new_items(ours), new_items(theirs));
    // Each of ours' cells is compared with theirs' and, for a unique copy,
    // with ours' again; past this, the cells stay apart (the cell check
    // then sees any cell written twice).
    let comparisons = wanted
        .len()
        .saturating_mul(offered.len().saturating_add(wanted.len()));
    if comparisons > MAX_JOIN_PAIRS {
        return;
    }
    for &(i, gap, at) in &wanted {
        let copies: Vec<_> = offered.iter().filter(|&&(j, ..)| same_new(i, j)).collect();
        let [&(j, from, _)] = copies[..] else {
            continue;
        };
        if from == gap || wanted.iter().filter(|&&(o, ..)| same_new(o, j)).count() != 1 {
            continue;
        }
        let Some(run) = theirs.runs.get_mut(&from) else {
            continue;
        };
        let Some(k) = run
            .iter()
            .position(|item| matches!(*item, Item::New(n) if n == j))
        else {
            continue;
        };
        let item = run.remove(k);
        let run = theirs.runs.entry(gap).or_default();
        run.insert(at.min(run.len()), item);
    }
}

/// Comparisons of new cells `join_shared_new` makes, at the most.
const MAX_JOIN_PAIRS: usize = 1 << 16;

/// Largest pair of runs aligned item by item; larger ones are just
/// concatenated (ours first, shared moved cells once).
const MAX_ALIGN: usize = 1 << 20;

/// Whether base cell `x` goes before base cell `y` in the merge: as the
/// side that changed their base order has them (if both changed it, they
/// agree); `None` where a side lost one of them.
fn moved_before(x: usize, y: usize, of_ours: &Matching, of_theirs: &Matching) -> Option<bool> {
    let at = |m: &Matching, b: usize| m.get(b).copied().flatten();
    let ours = at(of_ours, x)? < at(of_ours, y)?;
    let theirs = at(of_theirs, x)? < at(of_theirs, y)?;
    Some(if ours != (x < y) { ours } else { theirs })
}

/// Whether theirs' part of a gap goes before ours': every cell theirs
/// moved there goes before every cell ours moved there, by
/// [`moved_before`], and at least one pair says so (else ours first, the
/// convention for insertions).
fn theirs_first(o: &[Item], t: &[Item], before: &impl Fn(usize, usize) -> Option<bool>) -> bool {
    let moved = |items: &[Item]| -> Vec<usize> {
        items
            .iter()
            .filter_map(|item| match item {
                Item::Moved(b) => Some(*b),
                Item::New(_) => None,
            })
            .collect()
    };
    let (mo, mt) = (moved(o), moved(t));
    let mut any = false;
    for &x in &mt {
        for &y in mo.iter().filter(|&&y| y != x) {
            match before(x, y) {
                Some(true) => any = true,
                _ => return false,
            }
        }
    }
    any
}

fn merge_runs(
    o: &[Item],
    t: &[Item],
    (same_new, moved_before): (
        &impl Fn(usize, usize) -> bool,
        &impl Fn(usize, usize) -> Option<bool>,
    ),
    out: &mut Vec<Entry>,
) {
    let same = |a: &Item, b: &Item| match (a, b) {
        (Item::Moved(x), Item::Moved(y)) => x == y,
        (Item::New(x), Item::New(y)) => same_new(*x, *y),
        _ => false,
    };
    let common = if o.is_empty() || t.is_empty() || o.len() * t.len() > MAX_ALIGN {
        shared_moves(o, t)
    } else {
        common_items(o, t, &same)
    };
    // A cell both moved here appears once even when the alignment left
    // it out (the two sides ordered it differently): at ours' place.
    let ours_moves: std::collections::HashSet<&Item> =
        o.iter().filter(|i| matches!(i, Item::Moved(_))).collect();
    let (mut i, mut j) = (0, 0);
    for (ci, cj) in common.into_iter().chain([(o.len(), t.len())]) {
        let ours_part = o[i..ci].iter().map(|item| ours_entry(*item));
        let theirs_part = t[j..cj]
            .iter()
            .filter(|item| !ours_moves.contains(item))
            .map(|item| theirs_entry(*item));
        // Cells both sides moved into one gap keep the order a side gave them.
        if theirs_first(&o[i..ci], &t[j..cj], moved_before) {
            out.extend(theirs_part);
            out.extend(ours_part);
        } else {
            out.extend(ours_part);
            out.extend(theirs_part);
        }
        if ci < o.len() {
            out.push(match (o[ci], t[cj]) {
                (Item::Moved(b), _) => Entry::Base(b),
                (Item::New(x), Item::New(y)) => Entry::Both(x, y),
                (Item::New(x), Item::Moved(_)) => Entry::Ours(x),
            });
        }
        (i, j) = (ci + 1, cj + 1);
    }
}

fn ours_entry(item: Item) -> Entry {
    match item {
        Item::Moved(b) => Entry::Base(b),
        Item::New(i) => Entry::Ours(i),
    }
}

fn theirs_entry(item: Item) -> Entry {
    match item {
        Item::Moved(b) => Entry::Base(b),
        Item::New(i) => Entry::Theirs(i),
    }
}

/// Positions of moved cells present in both runs, in order of both.
fn shared_moves(o: &[Item], t: &[Item]) -> Vec<(usize, usize)> {
    let in_t: HashMap<&Item, usize> = t.iter().enumerate().map(|(j, item)| (item, j)).collect();
    let pairs: Vec<(usize, usize)> = o
        .iter()
        .enumerate()
        .filter(|(_, item)| matches!(item, Item::Moved(_)))
        .filter_map(|(i, item)| Some((i, *in_t.get(item)?)))
        .collect();
    let keep = longest_increasing(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    keep.iter().map(|&k| pairs[k]).collect()
}

/// A longest common subsequence of two runs (dynamic programming; the
/// runs are small gaps).
fn common_items(
    o: &[Item],
    t: &[Item],
    same: &impl Fn(&Item, &Item) -> bool,
) -> Vec<(usize, usize)> {
    let (n, m) = (o.len(), t.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if same(&o[i], &t[j]) {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if same(&o[i], &t[j]) {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(
        base: usize,
        o: &[Option<usize>],
        ol: usize,
        t: &[Option<usize>],
        tl: usize,
    ) -> Vec<Entry> {
        merge_order(base, (&o.to_vec(), ol, &t.to_vec(), tl), |_, _| false).entries
    }

    #[test]
    fn insertions_at_same_gap_ours_first() {
        // base [A], ours [A, X], theirs [A, Y]
        let e = order(1, &[Some(0)], 2, &[Some(0)], 2);
        assert_eq!(e, vec![Entry::Base(0), Entry::Ours(1), Entry::Theirs(1)]);
    }

    #[test]
    fn move_on_one_side_appears_once() {
        // base [A, B, C], ours [B, C, A], theirs [A, B, C]
        let e = order(
            3,
            &[Some(2), Some(0), Some(1)],
            3,
            &[Some(0), Some(1), Some(2)],
            3,
        );
        assert_eq!(e, vec![Entry::Base(1), Entry::Base(2), Entry::Base(0)]);
    }

    #[test]
    fn cells_both_moved_to_one_gap_keep_the_changed_order() {
        // base [A, B, C], ours [C, A, B] (C to the front), theirs [B, A, C]
        // (a swap, read as B to the front): C before B, as ours has it,
        // whichever side is ours.
        let front_c = [Some(1), Some(2), Some(0)];
        let swap = [Some(1), Some(0), Some(2)];
        let e = order(3, &front_c, 3, &swap, 3);
        let swapped = order(3, &swap, 3, &front_c, 3);
        let want = vec![Entry::Base(2), Entry::Base(1), Entry::Base(0)];
        assert_eq!(e, want);
        assert_eq!(swapped, want);
    }

    #[test]
    fn both_moving_apart_keeps_ours() {
        // base [A, B, C], ours [B, C, A], theirs [B, A, C]
        let o = merge_order(
            3,
            (
                &vec![Some(2), Some(0), Some(1)],
                3,
                &vec![Some(1), Some(0), Some(2)],
                3,
            ),
            |_, _| false,
        );
        assert_eq!(
            o.entries.iter().filter(|e| **e == Entry::Base(0)).count(),
            1
        );
    }
}
