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

/// The first line `result` holds more often than either side does: an
/// insertion both sides made applied twice, or a line one side moved kept
/// at both places. A line counts with its headers (the lines above it
/// indented less, up to the top), so two different definitions that share
/// a body line (`return 0.0`) hold it once each, while
/// `model.add(layers.Dense(501))` at module level, or `self.fc = ...` in the
/// same `__init__`, is one line. `None` when none is doubled, or the texts
/// are too large to check.
pub fn doubled_line(base: &str, ours: &str, theirs: &str, result: &str) -> Option<String> {
    if !line_check_fits(&[base, ours, theirs, result]) {
        return None;
    }
    let mut counts: HashMap<(u64, &str), [u32; 4]> = HashMap::new();
    for (k, text) in [base, ours, theirs, result].into_iter().enumerate() {
        // The headers open above the current line: indent and a hash of
        // the whole path of headers down to it.
        let mut open: Vec<(usize, u64)> = Vec::new();
        for line in text.lines() {
            let code = line.trim_start();
            // Blank lines and lone closing brackets (`},`) belong to no
            // insertion of their own.
            if code
                .chars()
                .all(|c| matches!(c, ')' | ']' | '}' | ',' | ';') || c.is_whitespace())
            {
                continue;
            }
            let indent = line.len() - code.len();
            while open.last().is_some_and(|&(i, _)| i >= indent) {
                open.pop();
            }
            let path = open.last().map_or(0, |&(_, h)| h);
            counts.entry((path, line)).or_default()[k] += 1;
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&(path, line), &mut hasher);
            open.push((indent, std::hash::Hasher::finish(&hasher)));
        }
    }
    counts
        .into_iter()
        .find(|&(_, [_, o, t, r])| o.max(t) > 0 && r > o.max(t))
        .map(|((_, line), _)| line.trim().to_string())
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
