//! A parse of a text from the tree of a similar text (tree-sitter's
//! incremental parse): the old tree is told where the text changed
//! (`Tree::edit`, one edit per run of changed lines) and the parser reuses
//! every subtree outside the changes. By tree-sitter's contract the tree
//! is the one a fresh parse gives; this module's tests hold it to that,
//! node for node, on every fixture and on random edits (and an ignored
//! test on any folder of Python files, such as the real-merge corpus).
//!
//! Ours and theirs share most of their text with the base, and a merged
//! result with ours: [`crate::python::memo`] parses them from those trees.

use similar::DiffTag;
use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::core::budget::{bounded_diff_within, DiffBudget};

/// Work the line diff may take (greedy Myers steps) before it settles for
/// a coarser answer (the edits stay exact; only less of the old tree is
/// reused).
const LINE_DIFF: DiffBudget = DiffBudget {
    floor: 10_000_000,
    per_item: 200,
};

/// The edits that turn `old` into `new`, in the order `Tree::edit` takes
/// them (each in the coordinates the ones before it left), and how many
/// bytes of `new` they cover.
pub fn edits(old: &str, new: &str) -> (Vec<InputEdit>, usize) {
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
    let prefix = line_start_at_or_before(n, prefix);
    let room = o.len().min(n.len()) - prefix;
    let suffix = o[prefix..]
        .iter()
        .rev()
        .zip(n[prefix..].iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    // The middle of each text, cut at line starts so that the line diff
    // compares whole lines: the suffix loses the same bytes in both.
    let at_line_start = |t: &[u8]| {
        let at = t.len() - suffix;
        at == prefix || t[at - 1] == b'\n'
    };
    let common = &n[n.len() - suffix..];
    let ext = if at_line_start(o) && at_line_start(n) {
        0
    } else {
        memchr::memchr(b'\n', common).map_or(suffix, |i| i + 1)
    };
    let old_mid = prefix..o.len() - suffix + ext;
    let new_mid = prefix..n.len() - suffix + ext;
    if old_mid.is_empty() && new_mid.is_empty() {
        return (Vec::new(), 0);
    }
    let old_lines: Vec<&str> = old[old_mid.clone()].split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new[new_mid.clone()].split_inclusive('\n').collect();
    let (ops, _) = bounded_diff_within(&old_lines, &new_lines, LINE_DIFF);
    let offsets = |lines: &[&str], start: usize| -> Vec<usize> {
        let mut at = start;
        let mut out = Vec::with_capacity(lines.len() + 1);
        out.push(at);
        for l in lines {
            at += l.len();
            out.push(at);
        }
        out
    };
    let old_at = offsets(&old_lines, old_mid.start);
    let new_at = offsets(&new_lines, new_mid.start);
    let rows = LineIndex::new(n);
    let mut out: Vec<InputEdit> = Vec::new();
    let mut covered = 0;
    // Neighbouring changed ops (a deletion beside an insertion) are one edit.
    let mut pending: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
    let mut flush = |pending: &mut Option<(std::ops::Range<usize>, std::ops::Range<usize>)>,
                     out: &mut Vec<InputEdit>| {
        if let Some((ob, nb)) = pending.take() {
            let start_position = rows.point(nb.start);
            out.push(InputEdit {
                start_byte: nb.start,
                old_end_byte: nb.start + ob.len(),
                new_end_byte: nb.end,
                start_position,
                old_end_position: advance(start_position, &o[ob]),
                new_end_position: rows.point(nb.end),
            });
            covered += nb.len();
        }
    };
    for op in &ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            flush(&mut pending, &mut out);
            continue;
        }
        let ob = old_at[old_range.start]..old_at[old_range.end];
        let nb = new_at[new_range.start]..new_at[new_range.end];
        pending = Some(match pending.take() {
            Some((po, pn)) => (po.start..ob.end, pn.start..nb.end),
            None => (ob, nb),
        });
    }
    flush(&mut pending, &mut out);
    (out, covered)
}

/// The parse of `new` from `old_tree`, the tree of `old`, with the edits
/// of [`edits`] (`None` when the parser gives up, or goes past `cap`
/// progress callbacks), and how many progress callbacks it took (one per
/// `memo::PROGRESS_EVERY` operations).
pub fn reparse(
    parser: &mut Parser,
    old: &str,
    old_tree: &Tree,
    new: &str,
    cap: Option<usize>,
) -> (Option<Tree>, usize) {
    let (edits, _) = edits(old, new);
    let mut tree = old_tree.clone();
    for edit in &edits {
        tree.edit(edit);
    }
    let bytes = new.as_bytes();
    let mut checks = 0usize;
    let mut progress = |_: &tree_sitter::ParseState| {
        checks += 1;
        cap.is_some_and(|c| checks > c)
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    let tree = parser.parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
        Some(&tree),
        Some(options),
    );
    (tree, checks)
}

/// The start of the line `at` lies in.
fn line_start_at_or_before(text: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1)
}

/// Where `point` ends up after `text` (byte columns, as tree-sitter counts).
fn advance(point: Point, text: &[u8]) -> Point {
    match memchr::memrchr(b'\n', text) {
        Some(last) => Point {
            row: point.row + memchr::memchr_iter(b'\n', text).count(),
            column: text.len() - last - 1,
        },
        None => Point {
            row: point.row,
            column: point.column + text.len(),
        },
    }
}

/// Line starts of a text, for byte offset to point.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        Self { starts }
    }

    fn point(&self, offset: usize) -> Point {
        let row = self.starts.partition_point(|&s| s <= offset) - 1;
        Point {
            row,
            column: offset - self.starts[row],
        }
    }
}

#[cfg(test)]
mod tests;
