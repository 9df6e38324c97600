//! Where a Python file needs the structured merge: each clash of the line
//! merge, widened to whole paragraphs of top-level statements (a paragraph
//! starts at column 0 after a blank line). Everything outside these chunks
//! is settled by the line merge, so only the chunks are parsed.

use std::ops::Range;

use crate::core::merge3::{Merge3, Side};

/// One region of the line merge, with its line ranges in each version.
#[derive(Clone, Debug)]
pub struct LineRegion {
    /// `None` when the sides clash here.
    pub take: Option<Side>,
    pub lines: Merge3<Range<usize>>,
}

/// A stretch of the merged file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Settled by the line merge: these lines of one version.
    Settled(Side, Range<usize>),
    /// For the structured merge: the same stretch in each version.
    Chunk(Merge3<Range<usize>>),
}

/// A place between lines: region `r`, `d` lines into it (only unchanged
/// regions are cut inside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Cut {
    r: usize,
    d: usize,
}

struct Splitter<'a> {
    regions: &'a [LineRegion],
    starts: Merge3<&'a [bool]>,
    ends: Merge3<usize>,
}

/// Splits a line merge into settled parts and chunks. `starts[i]` tells
/// whether a paragraph may start at line i of that version.
pub fn split(
    regions: &[LineRegion],
    starts: Merge3<&[bool]>,
    line_counts: Merge3<usize>,
) -> Vec<Part> {
    let s = Splitter {
        regions,
        starts,
        ends: line_counts,
    };
    let mut chunks: Vec<(Cut, Cut)> = Vec::new();
    for (k, region) in regions.iter().enumerate() {
        if region.take.is_some() {
            continue;
        }
        let from = s.cut_before(Cut { r: k, d: 0 });
        let to = s.cut_after(Cut { r: k + 1, d: 0 });
        match chunks.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => chunks.push((from, to)),
        }
    }
    let mut parts = Vec::new();
    let mut pos = Cut { r: 0, d: 0 };
    for (from, to) in chunks {
        s.settle(&mut parts, pos, from);
        parts.push(Part::Chunk(Merge3::new(
            s.at(from).base..s.at(to).base,
            s.at(from).ours..s.at(to).ours,
            s.at(from).theirs..s.at(to).theirs,
        )));
        pos = to;
    }
    s.settle(
        &mut parts,
        pos,
        Cut {
            r: regions.len(),
            d: 0,
        },
    );
    parts
}

impl Splitter<'_> {
    fn unchanged(&self, r: usize) -> bool {
        self.regions
            .get(r)
            .is_some_and(|x| x.take == Some(Side::Base))
    }

    fn len(&self, r: usize) -> usize {
        self.regions[r].lines.base.len()
    }

    /// The line index of a cut in each version.
    fn at(&self, c: Cut) -> Merge3<usize> {
        match self.regions.get(c.r) {
            Some(region) => region.lines.map_ref(|l| l.start + c.d),
            None => self.ends,
        }
    }

    fn valid(&self, c: Cut) -> bool {
        if c.r >= self.regions.len() || (c.r == 0 && c.d == 0) {
            return true;
        }
        let at = self.at(c);
        let ok = |s: &[bool], i: usize| s.get(i).copied().unwrap_or(true);
        ok(self.starts.base, at.base)
            && ok(self.starts.ours, at.ours)
            && ok(self.starts.theirs, at.theirs)
    }

    /// The last valid cut at or before `c`.
    fn cut_before(&self, mut c: Cut) -> Cut {
        loop {
            if self.valid(c) {
                return c;
            }
            if c.d > 0 {
                c.d -= 1;
            } else {
                c.r -= 1;
                c.d = if self.unchanged(c.r) {
                    self.len(c.r).saturating_sub(1)
                } else {
                    0
                };
            }
        }
    }

    /// The first valid cut at or after `c`.
    fn cut_after(&self, mut c: Cut) -> Cut {
        loop {
            if self.valid(c) {
                return c;
            }
            if self.unchanged(c.r) && c.d + 1 < self.len(c.r) {
                c.d += 1;
            } else {
                c = Cut { r: c.r + 1, d: 0 };
            }
        }
    }

    /// Settled parts from cut `a` to cut `b`.
    fn settle(&self, parts: &mut Vec<Part>, a: Cut, b: Cut) {
        for r in a.r..=b.r.min(self.regions.len().saturating_sub(1)) {
            if r == b.r && b.d == 0 {
                break;
            }
            let region = &self.regions[r];
            let Some(take) = region.take else { continue };
            let lines = match take {
                Side::Base => {
                    let lo = if r == a.r { a.d } else { 0 };
                    let hi = if r == b.r { b.d } else { self.len(r) };
                    region.lines.base.start + lo..region.lines.base.start + hi
                }
                Side::Ours => region.lines.ours.clone(),
                Side::Theirs => region.lines.theirs.clone(),
            };
            if !lines.is_empty() {
                parts.push(Part::Settled(take, lines));
            }
        }
    }
}

/// Per line: whether a paragraph of top-level statements may start there
/// (column 0 after a blank line, not a comment, closing bracket, `else`-like
/// clause, or the inside of a triple-quoted string). One more entry for
/// the end of the text.
pub fn paragraph_starts(text: &str) -> Vec<bool> {
    let mut starts = Vec::new();
    let mut in_triple: Option<&str> = None;
    let mut previous_blank = true;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let top_level = in_triple.is_none()
            && trimmed
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && !matches!(c, '#' | ')' | ']' | '}'))
            && !["else", "elif", "except", "finally"].iter().any(|k| {
                trimmed
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with([':', ' ', '(']))
            });
        starts.push(top_level && previous_blank);
        previous_blank = in_triple.is_none() && trimmed.trim().is_empty();
        // Only a line with a triple quote can open or close such a string.
        if trimmed.contains("\"\"\"") || trimmed.contains("'''") {
            in_triple = track_triple_quotes(trimmed, in_triple);
        }
    }
    starts.push(true);
    starts
}

/// Follows triple-quoted strings across one line.
fn track_triple_quotes<'q>(line: &str, mut open: Option<&'q str>) -> Option<&'q str> {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut single: Option<u8> = None;
    while i < bytes.len() {
        let rest = &line[i..];
        match (open, single) {
            (Some(q), _) => {
                if bytes[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if rest.starts_with(q) {
                    open = None;
                    i += 3;
                    continue;
                }
            }
            (None, Some(q)) => {
                if bytes[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if bytes[i] == q {
                    single = None;
                }
            }
            (None, None) => {
                if bytes[i] == b'#' {
                    break;
                }
                if rest.starts_with("\"\"\"") {
                    open = Some("\"\"\"");
                    i += 3;
                    continue;
                }
                if rest.starts_with("'''") {
                    open = Some("'''");
                    i += 3;
                    continue;
                }
                if bytes[i] == b'"' || bytes[i] == b'\'' {
                    single = Some(bytes[i]);
                }
            }
        }
        i += 1;
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_skip_strings_and_clauses() {
        let text = "import a\n\ndef f():\n    pass\n\ns = \"\"\"\n\nnot code\n\"\"\"\n\nif x:\n    y\n\nelse:\n    z\n";
        let starts = paragraph_starts(text);
        let lines: Vec<&str> = text.lines().collect();
        let found: Vec<&str> = lines
            .iter()
            .zip(&starts)
            .filter(|(_, s)| **s)
            .map(|(l, _)| *l)
            .collect();
        assert_eq!(found, ["import a", "def f():", "s = \"\"\"", "if x:"]);
    }

    #[test]
    fn clash_widens_to_paragraphs() {
        let lines = |b: Range<usize>, o: Range<usize>, t: Range<usize>| Merge3::new(b, o, t);
        let regions = vec![
            LineRegion {
                take: Some(Side::Base),
                lines: lines(0..5, 0..5, 0..5),
            },
            LineRegion {
                take: None,
                lines: lines(5..6, 5..6, 5..6),
            },
            LineRegion {
                take: Some(Side::Base),
                lines: lines(6..10, 6..10, 6..10),
            },
        ];
        let mut starts = [false; 11];
        starts[0] = true;
        starts[3] = true;
        starts[8] = true;
        starts[10] = true;
        let s = Merge3::new(&starts[..], &starts[..], &starts[..]);
        let parts = split(&regions, s, Merge3::new(10, 10, 10));
        assert_eq!(
            parts,
            vec![
                Part::Settled(Side::Base, 0..3),
                Part::Chunk(lines(3..8, 3..8, 3..8)),
                Part::Settled(Side::Base, 8..10),
            ]
        );
    }
}
