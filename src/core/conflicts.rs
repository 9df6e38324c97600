//! Conflict regions in merged text: finding git-style markers (with their
//! line numbers), resolving one region by a person's choice, and drawing
//! an unresolved region again in the conflict style the user asked for.

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
        let line = |ch: char, label: &str| {
            let mut s: String = std::iter::repeat_n(ch, self.size).collect();
            if !label.is_empty() {
                s.push(' ');
                s.push_str(label);
            }
            s.push('\n');
            s
        };
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
    let body = line.trim_end_matches(['\n', '\r']);
    let run = body.len() - body.trim_start_matches(ch).len();
    if run == 0 {
        return None;
    }
    let rest = &body[run..];
    if rest.is_empty() {
        Some((run, ""))
    } else {
        rest.strip_prefix(' ').map(|label| (run, label))
    }
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
