//! The check at line level, for text a line merge settled: a clean
//! result checked line by line (with a cheap filter first and a finder of
//! doubled lines), and a conflicted one whose marker regions count as
//! conflicts. Texts over [`MAX_LINE_CHECK_BYTES`] are not checked.

use std::collections::HashMap;

use super::{check_with, Element, Options, ResultElement, Verdict};

/// Checks a clean line-merge `result` of three texts line by line, moves
/// detected when `moves` is set (a line deleted at one place and the same
/// line inserted at another).
pub fn check_lines(base: &str, ours: &str, theirs: &str, result: &str, moves: bool) -> Verdict {
    let lines = |t: &str| -> Vec<Element> { t.lines().map(Element::plain).collect() };
    let result: Vec<ResultElement> = lines(result)
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    check_with(
        &lines(base),
        &lines(ours),
        &lines(theirs),
        &result,
        Options {
            moves,
            ..Options::default()
        },
    )
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
