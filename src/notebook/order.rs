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
        merge_runs(gap, (&o, &t), (&same_new, &moved_before), &mut entries);
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

/// Merges both sides' runs of one gap (`gap`: the base anchor they
/// follow) into `out`: items both have once, the rest of each stretch
/// ours first, except where a side's moved cells say otherwise.
fn merge_runs(
    gap: Option<usize>,
    (o, t): (&[Item], &[Item]),
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
    let aligned = !(o.is_empty() || t.is_empty() || o.len() * t.len() > MAX_ALIGN);
    let common = if aligned {
        common_items(o, t, &same)
    } else {
        shared_moves(o, t)
    };
    // A cell both moved here appears once even when the alignment left
    // it out (the two sides ordered it differently): at ours' place.
    let ours_moves: std::collections::HashSet<&Item> =
        o.iter().filter(|i| matches!(i, Item::Moved(_))).collect();
    // So does a new cell both inserted here (the same id, or twins) that
    // the alignment left out because it crossed a moved cell: its two
    // versions merge as one cell.
    let twins = if aligned {
        unaligned_twins((o, t), &common, same_new)
    } else {
        HashMap::new()
    };
    let theirs_twinned: std::collections::HashSet<usize> = twins.values().copied().collect();
    let (mut i, mut j) = (0, 0);
    for (ci, cj) in common.into_iter().chain([(o.len(), t.len())]) {
        let ours_part: Vec<(Item, Entry)> = (i..ci)
            .map(|k| match (o[k], twins.get(&k).map(|&l| t[l])) {
                (Item::New(x), Some(Item::New(y))) => (o[k], Entry::Both(x, y)),
                (item, _) => (item, ours_entry(item)),
            })
            .collect();
        let theirs_part: Vec<(Item, Entry)> = (j..cj)
            .filter(|&l| !ours_moves.contains(&t[l]) && !theirs_twinned.contains(&l))
            .map(|l| (t[l], theirs_entry(t[l])))
            .collect();
        // Cells both sides moved into one gap keep the order a side gave them.
        if theirs_first(&o[i..ci], &t[j..cj], moved_before) {
            out.extend(theirs_part.into_iter().map(|p| p.1));
            out.extend(ours_part.into_iter().map(|p| p.1));
        } else {
            // What each side has before its first cell moved up into this
            // gap comes first, ours then theirs: the other side has that
            // moved cell later, after everything it put in this gap.
            let (ours_lead, ours_rest) = ours_part.split_at(lead(&ours_part, gap));
            let (theirs_lead, theirs_rest) = theirs_part.split_at(lead(&theirs_part, gap));
            for part in [ours_lead, theirs_lead, ours_rest, theirs_rest] {
                out.extend(part.iter().map(|p| p.1));
            }
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

/// How many items of a stretch come before its first cell moved up into
/// gap `gap` (from after the gap's anchor in the base).
fn lead(part: &[(Item, Entry)], gap: Option<usize>) -> usize {
    part.iter()
        .position(|(item, _)| matches!(*item, Item::Moved(b) if gap.is_none_or(|a| b > a)))
        .unwrap_or(part.len())
}

/// New cells of ours and theirs in one gap that are the same insertion
/// but were not aligned (ours' index to theirs'), first come first served.
fn unaligned_twins(
    (o, t): (&[Item], &[Item]),
    common: &[(usize, usize)],
    same_new: &impl Fn(usize, usize) -> bool,
) -> HashMap<usize, usize> {
    let (mut in_o, mut in_t) = (vec![false; o.len()], vec![false; t.len()]);
    for &(i, j) in common {
        in_o[i] = true;
        in_t[j] = true;
    }
    let mut twins = HashMap::new();
    for (k, item) in o.iter().enumerate().filter(|&(k, _)| !in_o[k]) {
        let Item::New(x) = *item else { continue };
        let found = t
            .iter()
            .enumerate()
            .position(|(l, other)| !in_t[l] && matches!(*other, Item::New(y) if same_new(x, y)));
        if let Some(l) = found {
            in_t[l] = true;
            twins.insert(k, l);
        }
    }
    twins
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
mod tests;
