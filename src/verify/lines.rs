//! The check at line level, for text a line merge settled: a clean
//! result checked statement by statement (with a cheap filter first and a finder of
//! doubled lines), and a conflicted one whose marker regions count as
//! conflicts. Texts over [`MAX_LINE_CHECK_BYTES`] are not checked.

use std::collections::HashMap;

use super::{check_with, check_with_inside, BothEdited, Element, Options, ResultElement, Verdict};

mod statements;

/// Checks a clean line-merge `result` of three Python texts statement by
/// statement (see [`statements`]: a statement's physical lines are one
/// element, layout is not content, blank lines are not read), moves
/// detected when `moves` is set (a statement found once in the base and
/// once in a side, deleted at one place and written at another). A
/// statement both sides edited differently is checked field by field:
/// the result's statement under its head must hold both edits.
pub fn check_lines(base: &str, ours: &str, theirs: &str, result: &str, moves: bool) -> Verdict {
    let result: Vec<ResultElement> = statements::statements(result)
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    check_with_inside(
        &statements::statements(base),
        &statements::statements(ours),
        &statements::statements(theirs),
        &result,
        Options {
            moves,
            unique_moves: true,
            ..Options::default()
        },
        &both_edits_merged,
    )
}

/// How many levels of fields a statement both sides edited is read to;
/// deeper, the result is not taken as merged (bounded work on hostile
/// nesting).
const MAX_FIELD_DEPTH: usize = 16;

/// Whether the result's statement holds both sides' edits of one base
/// statement, field by field (a field found once in each version may
/// move: a layer one side moved in a list the other side edited); a
/// field both sides edited differently, one level down.
fn both_edits_merged(both: BothEdited<'_>) -> bool {
    fields_merged(both, 0)
}

fn fields_merged(both: BothEdited<'_>, depth: usize) -> bool {
    if depth >= MAX_FIELD_DEPTH {
        return false;
    }
    let result: Vec<ResultElement> = statements::fields(&both.result.content)
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    check_with_inside(
        &statements::fields(&both.base.content),
        &statements::fields(&both.ours.content),
        &statements::fields(&both.theirs.content),
        &result,
        Options {
            unique_moves: true,
            ..Options::default()
        },
        &|inner| fields_merged(inner, depth + 1),
    )
    .is_ok()
}

/// Texts over this size are not checked line by line (the line merge's
/// result stands there, as for any file too large to merge structurally).
pub const MAX_LINE_CHECK_BYTES: usize = 4 << 20;

/// Whether a line check of `texts` fits [`MAX_LINE_CHECK_BYTES`].
pub fn line_check_fits(texts: &[&str]) -> bool {
    texts.iter().all(|t| t.len() <= MAX_LINE_CHECK_BYTES)
}

/// Whether a clean line merge may have lost a deletion or doubled a line:
/// some non-blank line of a side is in `result` more often than in either
/// side, or
/// as often as in the base while a side removed one. A cheap filter before
/// [`check_lines`].
pub fn lines_suspect(base: &str, ours: &str, theirs: &str, result: &str) -> bool {
    if !line_check_fits(&[base, ours, theirs, result]) {
        return false;
    }
    let mut counts: HashMap<&str, [u32; 4]> = HashMap::new();
    for (k, text) in [base, ours, theirs, result].into_iter().enumerate() {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            counts.entry(line).or_default()[k] += 1;
        }
    }
    counts.values().any(|&[b, o, t, r]| {
        // A line in neither side is a merged line (a sub-line merge),
        // not a doubled one.
        (r > o.max(t) && o.max(t) > 0) || ((o < b || t < b) && r >= b && r > 0)
    })
}

/// [`check_lines`] for a result that may hold git-style conflicts: lines
/// from a `<<<<<<<` marker (of `size` characters) to its `>>>>>>>` marker
/// lie inside a conflict.
pub fn check_conflicted_lines(
    base: &str,
    ours: &str,
    theirs: &str,
    result: &str,
    size: usize,
) -> Verdict {
    let lines = |t: &str| -> Vec<Element> { t.lines().map(Element::plain).collect() };
    // The marker format is core's (one scanner, beside the one writer);
    // what this check owns is the accounting of edits, not the format.
    let is_marker = |line: &str, c: u8| {
        crate::core::conflicts::marker_run(line.as_bytes(), c).is_some_and(|(run, _)| run == size)
    };
    let mut inside = false;
    let mut elements = Vec::new();
    for line in result.lines() {
        if is_marker(line, b'<') {
            inside = true;
        } else if is_marker(line, b'>') {
            inside = false;
        } else if inside && (is_marker(line, b'=') || is_marker(line, b'|')) {
        } else {
            elements.push(ResultElement {
                element: Element::plain(line),
                in_conflict: inside,
            });
        }
    }
    check_with(
        &lines(base),
        &lines(ours),
        &lines(theirs),
        &elements,
        Options::default(),
    )
}
