//! Conflict markers in text, the one scanner: what a marker line is
//! ([`marker_run`]), counting regions and the lines inside them in a merge
//! result (byte-level, for files of tens of megabytes), the longest
//! marker-like run in an input, and cutting text into settled text and
//! [`ConflictRegion`]s (with line numbers) that a person resolves and that
//! are drawn again in the conflict style asked for.

use std::ops::Range;

use crate::core::render::marker_line;
use crate::settings::ConflictStyle;

/// The shortest marker git writes by default; shorter runs are content.
pub const DEFAULT_MARKER_SIZE: usize = 7;

/// One conflict region: the sides' texts, their labels, and where it sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictRegion {
    /// 1-based line numbers of the opening and closing marker lines.
    pub start_line: usize,
    pub end_line: usize,
    pub size: usize,
    pub ours: String,
    pub ours_label: String,
    /// The base section, when the diff3/zdiff3 style drew one.
    pub base: Option<String>,
    pub base_label: String,
    pub theirs: String,
    pub theirs_label: String,
}

/// Merged text cut into settled text and conflict regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Conflict(ConflictRegion),
}

/// What a person picked for one region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    Ours,
    Theirs,
    OursThenTheirs,
    TheirsThenOurs,
    Base,
    /// Text typed in an editor.
    Edited(String),
    /// Leave the markers.
    Skip,
}

impl ConflictRegion {
    /// The text replacing the region for `choice`; `None` for a skip or a
    /// base that was not drawn.
    pub fn resolve(&self, choice: &Choice) -> Option<String> {
        match choice {
            Choice::Ours => Some(self.ours.clone()),
            Choice::Theirs => Some(self.theirs.clone()),
            Choice::OursThenTheirs => Some(format!("{}{}", self.ours, self.theirs)),
            Choice::TheirsThenOurs => Some(format!("{}{}", self.theirs, self.ours)),
            Choice::Base => self.base.clone(),
            Choice::Edited(text) => Some(text.clone()),
            Choice::Skip => None,
        }
    }

    /// Draws the region with markers again; the base section only when
    /// `style` shows it and the region has one.
    pub fn render(&self, style: ConflictStyle) -> String {
        let line = |ch: char, label: &str| marker_line(ch, self.size, label);
        let mut out = line('<', &self.ours_label);
        out.push_str(&self.ours);
        if let (true, Some(base)) = (style.shows_base(), &self.base) {
            out.push_str(&line('|', &self.base_label));
            out.push_str(base);
        }
        out.push_str(&line('=', ""));
        out.push_str(&self.theirs);
        out.push_str(&line('>', &self.theirs_label));
        out
    }
}

/// Joins segments back into text.
pub fn join(segments: &[Segment], style: ConflictStyle) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) => t.clone(),
            Segment::Conflict(r) => r.render(style),
        })
        .collect()
}

/// Cuts `text` at its conflict regions. `size` is the marker length when
/// known; otherwise any run of at least seven `<` opens a region, closed by
/// markers of the same length. An unterminated region stays text.
pub fn parse(text: &str, size: Option<usize>) -> Vec<Segment> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut segments = Vec::new();
    let mut pending = String::new();
    let mut i = 0;
    while i < lines.len() {
        let opened = marker(lines[i], '<')
            .filter(|(n, _)| size.map_or(*n >= DEFAULT_MARKER_SIZE, |s| s == *n));
        if let Some(region) = opened.and_then(|(n, label)| parse_region(&lines, i, n, label)) {
            if !pending.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut pending)));
            }
            i = region.end_line;
            segments.push(Segment::Conflict(region));
        } else {
            pending.push_str(lines[i]);
            i += 1;
        }
    }
    if !pending.is_empty() {
        segments.push(Segment::Text(pending));
    }
    segments
}

/// The regions of `text` only.
pub fn regions(text: &str, size: Option<usize>) -> Vec<ConflictRegion> {
    parse(text, size)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Conflict(r) => Some(r),
            Segment::Text(_) => None,
        })
        .collect()
}

fn parse_region(
    lines: &[&str],
    open: usize,
    size: usize,
    ours_label: &str,
) -> Option<ConflictRegion> {
    #[derive(PartialEq)]
    enum Part {
        Ours,
        Base,
        Theirs,
    }
    let mut part = Part::Ours;
    let (mut ours, mut base, mut theirs) = (String::new(), None::<String>, String::new());
    let mut base_label = String::new();
    for (k, line) in lines.iter().enumerate().skip(open + 1) {
        let is = |ch| marker(line, ch).filter(|(n, _)| *n == size);
        match part {
            Part::Ours | Part::Base if is('=').is_some_and(|(_, l)| l.is_empty()) => {
                part = Part::Theirs
            }
            Part::Ours if is('|').is_some() => {
                base_label = is('|').map(|(_, l)| l.to_string()).unwrap_or_default();
                base = Some(String::new());
                part = Part::Base;
            }
            Part::Theirs if is('>').is_some() => {
                return Some(ConflictRegion {
                    start_line: open + 1,
                    end_line: k + 1,
                    size,
                    ours,
                    ours_label: ours_label.to_string(),
                    base,
                    base_label,
                    theirs,
                    theirs_label: is('>').map(|(_, l)| l.to_string()).unwrap_or_default(),
                });
            }
            Part::Ours => ours.push_str(line),
            Part::Base => base.get_or_insert_with(String::new).push_str(line),
            Part::Theirs => theirs.push_str(line),
        }
    }
    None
}

/// A marker line of `ch`: its length and label, when the run is followed
/// by nothing, a space or the line end.
fn marker(line: &str, ch: char) -> Option<(usize, &str)> {
    let (run, label) = marker_run(line.as_bytes(), ch as u8)?;
    // The run and the space are ASCII: the label starts on a char boundary.
    Some((run, line.get(label).unwrap_or("")))
}

/// The one definition of a marker line: a run of `ch` opening the line,
/// followed by nothing, or by a space and a label (line ends aside). The
/// run's length and the label's byte range in `line`.
pub fn marker_run(line: &[u8], ch: u8) -> Option<(usize, Range<usize>)> {
    let end = line.len()
        - line
            .iter()
            .rev()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
    let run = leading_run(&line[..end], ch);
    match line[..end].get(run) {
        _ if run == 0 => None,
        None => Some((run, run..run)),
        Some(b' ') => Some((run, run + 1..end)),
        Some(_) => None,
    }
}

/// How many `ch` open `line`.
fn leading_run(line: &[u8], ch: u8) -> usize {
    line.iter().take_while(|&&b| b == ch).count()
}

/// The conflict regions a merge result holds: its opening markers of
/// exactly `size` (the result was drawn with markers longer than any run
/// in its inputs, so no content line has one).
pub fn count_regions(bytes: &[u8], size: usize) -> usize {
    lines(bytes)
        .filter(|line| marker_run(line, b'<').is_some_and(|(run, _)| run == size))
        .count()
}

/// The lines inside the conflict regions of a merge result drawn with
/// markers of `size`, marker lines between the sides included: how wide
/// its conflicts are.
pub fn lines_inside(bytes: &[u8], size: usize) -> usize {
    let mut inside = false;
    let mut count = 0;
    for line in lines(bytes) {
        if leading_run(line, b'<') >= size {
            inside = true;
        } else if leading_run(line, b'>') >= size {
            inside = false;
        } else if inside {
            count += 1;
        }
    }
    count
}

/// The lines of `bytes`, without their `\n` (found with `memchr`: inputs
/// can be tens of megabytes of base64 on a few lines).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes)
        .chain(std::iter::once(bytes.len()))
        .map(move |end| {
            let line = &bytes[start.min(end)..end];
            start = end + 1;
            line
        })
}

/// The longest run of one marker character opening a line, counting only
/// runs at least `min` long.
pub fn longest_marker_run(input: &[u8], min: usize) -> usize {
    lines(input)
        .filter_map(|line| {
            let first = *line.first()?;
            if !matches!(first, b'<' | b'=' | b'>' | b'|') {
                return None;
            }
            let run = line.iter().take_while(|&&b| b == first).count();
            (run >= min).then_some(run)
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF3: &str = "a\n<<<<<<< ours\nB\n||||||| base\nb\n=======\nX\n>>>>>>> theirs\nc\n";

    #[test]
    fn finds_region_with_lines_and_base() {
        let r = regions(DIFF3, None);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].start_line, r[0].end_line), (2, 8));
        assert_eq!(
            (
                r[0].ours.as_str(),
                r[0].base.as_deref(),
                r[0].theirs.as_str()
            ),
            ("B\n", Some("b\n"), "X\n")
        );
        assert_eq!(join(&parse(DIFF3, None), ConflictStyle::Diff3), DIFF3);
        assert_eq!(
            join(&parse(DIFF3, None), ConflictStyle::Merge),
            "a\n<<<<<<< ours\nB\n=======\nX\n>>>>>>> theirs\nc\n"
        );
    }

    #[test]
    fn shorter_marker_lines_inside_longer_markers_are_content() {
        let text = "<<<<<<<< ours\n=======\n========\n>>>>>>>> theirs\n";
        let r = regions(text, Some(8));
        assert_eq!(r[0].ours, "=======\n");
        assert_eq!(r[0].theirs, "");
        assert!(regions(text, Some(7)).is_empty());
    }

    #[test]
    fn unterminated_region_is_text() {
        let text = "<<<<<<< ours\nx\n=======\ny\n";
        assert_eq!(parse(text, None), vec![Segment::Text(text.into())]);
    }

    #[test]
    fn choices() {
        let r = &regions(DIFF3, None)[0];
        assert_eq!(
            r.resolve(&Choice::OursThenTheirs).as_deref(),
            Some("B\nX\n")
        );
        assert_eq!(
            r.resolve(&Choice::TheirsThenOurs).as_deref(),
            Some("X\nB\n")
        );
        assert_eq!(r.resolve(&Choice::Base).as_deref(), Some("b\n"));
        assert_eq!(r.resolve(&Choice::Skip), None);
    }
}
