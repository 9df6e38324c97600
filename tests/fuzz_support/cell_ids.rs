//! Ids for the cells of notebooks without (unique) ids, so that the
//! change-preservation check can read them cell by cell, as notebooks with
//! ids: a cell both sides edited is then checked inside (one side's
//! rewrite extended by the other reads as one edit holding the other), and
//! two different cells inserted at one place stay two cells even when they
//! open with the same heading.
//!
//! The pairing is deliberately plain and gives up (`None`) where it would
//! have to guess: a cell of a side is the base cell of the same text when
//! that text is in the base and in the side once; the cells left between
//! two such anchors pair with the base's cells left between the same
//! anchors by position, when there are as many of them and of the same
//! types; of the cells left, two that are each other's most alike (one
//! type, three quarters of their words shared) are one cell moved and
//! edited; the others are new cells. A result cell is the cell whose
//! text it has, when every cell of that text has one id; the result cells
//! left pair in order with the cells both sides edited, which the result
//! must hold merged. Any consistent pairing is a reading of its own: the
//! check then holds the result to every edit of both sides as that pairing
//! cuts the notebook, so a guess could only make it stricter, never hide a
//! lost edit.

use std::collections::{HashMap, HashSet};

use super::preserve::Cell;

/// The four cell lists with ids of the pairing above, or `None` where the
/// pairing would be a guess.
pub fn assign(
    base: &[Cell],
    ours: &[Cell],
    theirs: &[Cell],
    result: &[Cell],
) -> Option<[Vec<Cell>; 4]> {
    let base_ids: Vec<String> = (0..base.len()).map(|i| format!("b{i}")).collect();
    let ours_ids = side_ids(base, ours, &base_ids, "o")?;
    let theirs_ids = side_ids(base, theirs, &base_ids, "t")?;
    let result_ids = result_ids(
        [base, ours, theirs],
        [&base_ids, &ours_ids, &theirs_ids],
        result,
    )?;
    let with = |cells: &[Cell], ids: Vec<String>| -> Vec<Cell> {
        cells
            .iter()
            .zip(ids)
            .map(|(c, id)| Cell {
                id,
                text: c.text.clone(),
            })
            .collect()
    };
    Some([
        with(base, base_ids),
        with(ours, ours_ids),
        with(theirs, theirs_ids),
        with(result, result_ids),
    ])
}

/// How often each text is among `cells`.
fn counts(cells: &[Cell]) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    for c in cells {
        *out.entry(c.text.as_str()).or_insert(0) += 1;
    }
    out
}

/// The cell type, the first line of a cell's text.
fn kind(cell: &Cell) -> &str {
    cell.text.lines().next().unwrap_or_default()
}

/// The ids of one side's cells: anchors by unique text, then the cells
/// between two anchors by position, else new ids (`prefix` and position).
fn side_ids(
    base: &[Cell],
    side: &[Cell],
    base_ids: &[String],
    prefix: &str,
) -> Option<Vec<String>> {
    let (in_base, in_side) = (counts(base), counts(side));
    let anchor: Vec<Option<usize>> = side
        .iter()
        .map(|c| {
            // A text the base or the side holds twice: which copy is
            // which is a guess, so it anchors nothing.
            let once = |counts: &HashMap<&str, usize>| counts.get(c.text.as_str()) == Some(&1);
            match once(&in_base) && once(&in_side) {
                true => base.iter().position(|b| b.text == c.text),
                false => None,
            }
        })
        .collect();
    let mut claimed: HashSet<usize> = anchor.iter().flatten().copied().collect();
    let mut ids: Vec<Option<String>> = anchor
        .iter()
        .map(|a| a.map(|i| base_ids[i].clone()))
        .collect();
    let mut j = 0;
    while j < side.len() {
        if anchor[j].is_some() {
            j += 1;
            continue;
        }
        let start = j;
        while j < side.len() && anchor[j].is_none() {
            j += 1;
        }
        let after = start
            .checked_sub(1)
            .and_then(|p| anchor[p])
            .map_or(0, |i| i + 1);
        let before = anchor.get(j).copied().flatten().unwrap_or(base.len());
        let between: Vec<usize> = (after..before).filter(|i| !claimed.contains(i)).collect();
        let same_shape = between.len() == j - start
            && between
                .iter()
                .zip(&side[start..j])
                .all(|(&i, c)| kind(&base[i]) == kind(c));
        if same_shape {
            for (&i, k) in between.iter().zip(start..j) {
                ids[k] = Some(base_ids[i].clone());
                claimed.insert(i);
            }
        }
    }
    // A cell moved and edited: the cells left on both sides that are each
    // other's most alike, sharing three quarters of their words.
    let left_side: Vec<usize> = (0..side.len()).filter(|&k| ids[k].is_none()).collect();
    let left_base: Vec<usize> = (0..base.len()).filter(|i| !claimed.contains(i)).collect();
    let best = |from: &Cell, among: &[&Cell]| -> Option<usize> {
        let scores: Vec<usize> = among.iter().map(|c| alike(from, c)).collect();
        let top = *scores.iter().max()?;
        (top > 0 && scores.iter().filter(|&&s| s == top).count() == 1)
            .then(|| scores.iter().position(|&s| s == top))
            .flatten()
    };
    let base_cells: Vec<&Cell> = left_base.iter().map(|&i| &base[i]).collect();
    let side_cells: Vec<&Cell> = left_side.iter().map(|&k| &side[k]).collect();
    for (n, &k) in left_side.iter().enumerate() {
        if let Some(m) = best(&side[k], &base_cells) {
            if best(&base[left_base[m]], &side_cells) == Some(n) {
                ids[k] = Some(base_ids[left_base[m]].clone());
            }
        }
    }
    Some(
        ids.into_iter()
            .enumerate()
            .map(|(k, id)| id.unwrap_or_else(|| format!("{prefix}{k}")))
            .collect(),
    )
}

/// The ids of the result's cells: the id of the cells of its text, then
/// the cells both sides edited, in order.
fn result_ids(
    versions: [&[Cell]; 3],
    ids: [&Vec<String>; 3],
    result: &[Cell],
) -> Option<Vec<String>> {
    let mut by_text: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (cells, ids) in versions.iter().zip(ids) {
        for (c, id) in cells.iter().zip(ids.iter()) {
            by_text
                .entry(c.text.as_str())
                .or_default()
                .insert(id.as_str());
        }
    }
    let mut out: Vec<Option<String>> = Vec::with_capacity(result.len());
    for c in result {
        match by_text.get(c.text.as_str()) {
            Some(set) if set.len() == 1 => out.push(set.iter().next().map(|s| s.to_string())),
            Some(_) => return None,
            None => out.push(None),
        }
    }
    let used: HashSet<String> = out.iter().flatten().cloned().collect();
    if used.len() != out.iter().flatten().count() {
        return None;
    }
    let [base, ours, theirs] = versions;
    let text_of = |cells: &[Cell], ids: &[String], id: &str| {
        ids.iter()
            .position(|x| x == id)
            .map(|k| cells[k].text.clone())
    };
    let both_edited: Vec<(&String, &Cell)> = ids[0]
        .iter()
        .zip(base)
        .filter(|(id, b)| {
            let o = text_of(ours, ids[1], id);
            let t = text_of(theirs, ids[2], id);
            matches!((&o, &t), (Some(o), Some(t)) if *o != b.text && *t != b.text && o != t)
        })
        .filter(|(id, _)| !used.contains(id.as_str()))
        .collect();
    let open: Vec<usize> = (0..result.len()).filter(|&k| out[k].is_none()).collect();
    if open.len() != both_edited.len() {
        return None;
    }
    for (&k, (id, b)) in open.iter().zip(both_edited) {
        if kind(&result[k]) != kind(b) {
            return None;
        }
        out[k] = Some(id.clone());
    }
    out.into_iter().collect()
}

/// How alike two cells are: 0 unless of one type and sharing three
/// quarters of their source's words, else the number of words they share.
fn alike(a: &Cell, b: &Cell) -> usize {
    if kind(a) != kind(b) {
        return 0;
    }
    let words = |c: &Cell| -> Vec<String> {
        let source = c.text.split_once('\n').map_or("", |(_, s)| s);
        source.split_whitespace().map(str::to_string).collect()
    };
    let (la, lb) = (words(a), words(b));
    let mut rest = lb.clone();
    let common = la
        .iter()
        .filter(|l| match rest.iter().position(|r| r == *l) {
            Some(p) => {
                rest.swap_remove(p);
                true
            }
            None => false,
        })
        .count();
    match 4 * common >= 3 * la.len().max(lb.len()) && common > 0 {
        true => common,
        false => 0,
    }
}
