//! The doubled-line check of a whole-file result: a line the result holds
//! more often than either side does (an insertion both sides made applied
//! twice, a line one side moved kept at both places), told apart from lines
//! that different insertions merely share.
//!
//! Each line is keyed by what it belongs to, so that shared text in
//! different units does not count as one line:
//! - its headers (the lines above it indented less, up to the top): two
//!   functions both ending in `return 0.0` hold it once each;
//! - a decorator is keyed with the definition it decorates: `@keras_test`
//!   above `def test_a` and above `def test_b` are two lines;
//! - a line inside open brackets (an argument, a tuple field, a list item)
//!   is a part of a statement, not one: different entries both sides added
//!   to a table (`"MLP",` in two new test cases) may each hold it, so it is
//!   doubled only when the result holds it more often than the two sides'
//!   insertions together allow.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// One significant line of a text with its key.
struct Keyed<'a> {
    key: u64,
    line: &'a str,
    /// Inside open brackets or a triple-quoted string at its start.
    continuation: bool,
}

/// Blank lines and lines of closing or opening brackets alone (`},`,
/// `(`, `):`) belong to no insertion of their own.
fn is_punctuation(code: &str) -> bool {
    code.chars().all(|c| {
        matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | ':') || c.is_whitespace()
    })
}

/// The bracket depth and open triple-quoted string after `line`, starting
/// from `depth` and `in_string`. A rough scan (single-quoted strings and
/// comments skipped); it only decides which lines are continuations.
fn scan(
    line: &str,
    mut depth: usize,
    mut in_string: Option<&'static str>,
) -> (usize, Option<&'static str>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(close) = in_string {
            match memchr::memmem::find(&bytes[i..], close.as_bytes()) {
                Some(at) => {
                    i += at + 3;
                    in_string = None;
                    continue;
                }
                None => return (depth, in_string),
            }
        }
        match bytes[i] {
            b'#' => break,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            q @ (b'"' | b'\'') => {
                let triple: &'static str = if q == b'"' { "\"\"\"" } else { "'''" };
                if bytes[i..].starts_with(triple.as_bytes()) {
                    in_string = Some(triple);
                    i += 3;
                    continue;
                }
                // A one-line string: skip to its closing quote.
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != q {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    (depth, in_string)
}

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn keyed(text: &str) -> Vec<Keyed<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // The headers open above the current line: indent and key.
    let mut open: Vec<(usize, u64)> = Vec::new();
    let (mut depth, mut in_string) = (0usize, None);
    for (n, &line) in lines.iter().enumerate() {
        let continuation = depth > 0 || in_string.is_some();
        (depth, in_string) = scan(line, depth, in_string);
        let code = line.trim_start();
        if is_punctuation(code) {
            continue;
        }
        let indent = line.len() - code.len();
        if !continuation {
            while open.last().is_some_and(|&(i, _)| i >= indent) {
                open.pop();
            }
        }
        let path = open.last().map_or(0, |&(_, h)| h);
        let key = if !continuation && code.starts_with('@') {
            // The decorated definition: the next line at this indent that
            // is not a decorator.
            let target = lines[n + 1..]
                .iter()
                .find(|l| {
                    let c = l.trim_start();
                    l.len() - c.len() == indent && !c.starts_with('@') && !is_punctuation(c)
                })
                .copied()
                .unwrap_or("");
            hash_of((path, line, target))
        } else {
            hash_of((path, line))
        };
        out.push(Keyed {
            key,
            line,
            continuation,
        });
        if !continuation {
            open.push((indent, key));
        }
    }
    out
}

/// The first line `result` holds more often than the sides allow (see the
/// module doc). `None` when none is doubled, or the texts are too large to
/// check.
pub fn doubled_line(base: &str, ours: &str, theirs: &str, result: &str) -> Option<String> {
    if !super::lines::line_check_fits(&[base, ours, theirs, result]) {
        return None;
    }
    // Per key: counts in base, ours, theirs, result; and whether the key
    // is a continuation line anywhere.
    let mut counts: HashMap<u64, ([u32; 4], bool, &str)> = HashMap::new();
    for (k, text) in [base, ours, theirs, result].into_iter().enumerate() {
        for line in keyed(text) {
            let entry = counts.entry(line.key).or_insert(([0; 4], false, line.line));
            entry.0[k] += 1;
            entry.1 |= line.continuation;
        }
    }
    counts
        .into_values()
        .filter(|&([b, o, t, r], continuation, _)| {
            let most = o.max(t);
            let allowed = if continuation {
                most.max((o + t).saturating_sub(b))
            } else {
                most
            };
            most > 0 && r > allowed
        })
        .map(|(_, _, line)| line.trim().to_string())
        .min()
}
