//! Turns a merged sequence of text and conflicts into the bytes git expects:
//! conflict markers on whole lines, of a length no input line already has.

use crate::core::conflicts::longest_marker_run;
use crate::core::merge3::Merge3;
use crate::settings::{ConflictStyle, Labels, MergeOptions, Prefer};

/// A piece of merged text: settled text, or a clash between the sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Conflict(Merge3<String>),
}

/// How conflict markers are drawn.
#[derive(Clone, Debug)]
pub struct Markers {
    pub size: usize,
    pub style: ConflictStyle,
    pub labels: Labels,
    /// When set, a clash is resolved to this side instead of drawn.
    pub prefer: Option<Prefer>,
}

impl Markers {
    /// Markers for a merge of `inputs`: at least `%L` long, and longer than
    /// any marker-like line already present in an input.
    pub fn for_inputs(options: &MergeOptions, inputs: &[&[u8]]) -> Self {
        let requested = requested_marker_size(options.marker_size);
        let longest = inputs
            .iter()
            .map(|input| longest_marker_run(input, requested))
            .max()
            .unwrap_or(0);
        let size = if longest >= requested {
            longest + 1
        } else {
            requested
        };
        Markers {
            size,
            style: options.style,
            labels: options.labels.clone(),
            prefer: options.prefer,
        }
    }

    fn line(&self, ch: char, label: &str) -> String {
        marker_line(ch, self.size, label)
    }
}

/// The default conflict marker length, as git's.
pub const DEFAULT_MARKER_SIZE: usize = 7;

/// The longest conflict marker drawn: git has no cap, but a marker longer
/// than this is no help to a person and only makes the file larger.
pub const MAX_MARKER_SIZE: usize = 1024;

/// The marker length asked for by `%L`, as git reads it: 0 means the
/// default (git's `ll_merge_marker_size`), anything above
/// [`MAX_MARKER_SIZE`] is capped (the pipeline notes it in the report).
pub fn requested_marker_size(size: usize) -> usize {
    match size {
        0 => DEFAULT_MARKER_SIZE,
        n => n.min(MAX_MARKER_SIZE),
    }
}

/// One conflict-marker line: `size` times `ch`, a space and `label` when
/// there is one, and a newline. The only place markers are written.
pub fn marker_line(ch: char, size: usize, label: &str) -> String {
    let mut line: String = std::iter::repeat_n(ch, size).collect();
    if !label.is_empty() {
        line.push(' ');
        line.push_str(label);
    }
    line.push('\n');
    line
}

/// The rendered text and how many conflicts it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub conflicts: usize,
    /// Clashes resolved by the side preference instead of drawn.
    pub preferred: usize,
    /// Lines inside conflict regions, a measure of how narrow they are.
    pub conflict_lines: usize,
}

/// Renders `pieces`, widening every conflict to whole lines and joining
/// The text of the pieces with every conflict left out.
pub fn text_outside_conflicts(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.as_str(),
            Piece::Conflict(_) => "",
        })
        .collect()
}

/// conflicts that share a line.
pub fn render(pieces: &[Piece], markers: &Markers) -> Rendered {
    let mut out = Rendered {
        text: String::new(),
        conflicts: 0,
        preferred: 0,
        conflict_lines: 0,
    };
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Text(text) => out.text.push_str(text),
            Piece::Conflict(first) => {
                let line_start = out.text.rfind('\n').map_or(0, |p| p + 1);
                let prefix = out.text.split_off(line_start);
                let mut sides = first.map_ref(|s| format!("{prefix}{s}"));
                let mut rest = String::new();
                // Extend to the end of the line, absorbing conflicts on it.
                while i + 1 < pieces.len() && !ends_line(&sides.ours) {
                    i += 1;
                    match &pieces[i] {
                        Piece::Conflict(next) => {
                            sides.base.push_str(&next.base);
                            sides.ours.push_str(&next.ours);
                            sides.theirs.push_str(&next.theirs);
                        }
                        Piece::Text(text) => {
                            let cut = text.find('\n').map_or(text.len(), |p| p + 1);
                            for side in [&mut sides.base, &mut sides.ours, &mut sides.theirs] {
                                side.push_str(&text[..cut]);
                            }
                            rest = text[cut..].to_string();
                            if cut < text.len() || text.ends_with('\n') {
                                break;
                            }
                        }
                    }
                }
                write_conflict(&mut out, sides, markers);
                out.text.push_str(&rest);
            }
        }
        i += 1;
    }
    out
}

fn ends_line(text: &str) -> bool {
    text.is_empty() || text.ends_with('\n')
}

fn write_conflict(out: &mut Rendered, sides: Merge3<String>, markers: &Markers) {
    if sides.ours == sides.theirs {
        out.text.push_str(&sides.ours);
        return;
    }
    if let Some(prefer) = markers.prefer {
        out.preferred += 1;
        out.text.push_str(sides.get(prefer.side()));
        return;
    }
    let (lead, sides, tail) = if markers.style == ConflictStyle::Diff3 {
        (String::new(), sides, String::new())
    } else {
        split_common_lines(sides)
    };
    out.text.push_str(&lead);
    out.conflicts += 1;
    out.text.push_str(&markers.line('<', &markers.labels.ours));
    push_side(&mut out.text, &sides.ours);
    if markers.style.shows_base() {
        out.text.push_str(&markers.line('|', &markers.labels.base));
        push_side(&mut out.text, &sides.base);
    }
    out.text.push_str(&markers.line('=', ""));
    push_side(&mut out.text, &sides.theirs);
    out.text
        .push_str(&markers.line('>', &markers.labels.theirs));
    out.conflict_lines += sides.ours.lines().count() + sides.theirs.lines().count();
    out.text.push_str(&tail);
}

fn push_side(out: &mut String, side: &str) {
    out.push_str(side);
    if !side.is_empty() && !side.ends_with('\n') {
        out.push('\n');
    }
}

/// Moves whole lines that open or close both sides out of the conflict.
fn split_common_lines(sides: Merge3<String>) -> (String, Merge3<String>, String) {
    let ours: Vec<&str> = sides.ours.split_inclusive('\n').collect();
    let theirs: Vec<&str> = sides.theirs.split_inclusive('\n').collect();
    let max = ours.len().min(theirs.len());
    let head = (0..max)
        .take_while(|&k| ours[k] == theirs[k] && ours[k].ends_with('\n'))
        .count();
    let tail = (0..max - head)
        .take_while(|&k| ours[ours.len() - 1 - k] == theirs[theirs.len() - 1 - k])
        .count();
    let lead = ours[..head].concat();
    let end = ours[ours.len() - tail..].concat();
    // The base section keeps its full text; only ours and theirs shrink.
    (
        lead,
        Merge3::new(
            sides.base,
            ours[head..ours.len() - tail].concat(),
            theirs[head..theirs.len() - tail].concat(),
        ),
        end,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markers() -> Markers {
        Markers::for_inputs(&MergeOptions::default(), &[])
    }

    #[test]
    fn widens_inline_conflict_to_whole_lines() {
        let pieces = vec![
            Piece::Text("a = f(".into()),
            Piece::Conflict(Merge3::new("1".into(), "2".into(), "3".into())),
            Piece::Text(")\nrest\n".into()),
        ];
        let r = render(&pieces, &markers());
        assert_eq!(
            r.text,
            "<<<<<<< ours\na = f(2)\n=======\na = f(3)\n>>>>>>> theirs\nrest\n"
        );
        assert_eq!(r.conflicts, 1);
    }

    #[test]
    fn a_side_preference_resolves_clashes() {
        let mut m = markers();
        m.prefer = Some(Prefer::Theirs);
        let pieces = vec![Piece::Conflict(Merge3::new(
            "b\n".into(),
            "o\n".into(),
            "t\n".into(),
        ))];
        let r = render(&pieces, &m);
        assert_eq!((r.text.as_str(), r.conflicts, r.preferred), ("t\n", 0, 1));
    }

    #[test]
    fn marker_longer_than_inputs() {
        let m = Markers::for_inputs(&MergeOptions::default(), &[b"x\n========\n"]);
        assert_eq!(m.size, 9);
        let m = Markers::for_inputs(&MergeOptions::default(), &[b"x\n=====\n"]);
        assert_eq!(m.size, 7);
    }

    #[test]
    fn marker_size_zero_is_the_default_and_huge_is_capped() {
        let sized = |marker_size| {
            let options = MergeOptions {
                marker_size,
                ..MergeOptions::default()
            };
            Markers::for_inputs(&options, &[]).size
        };
        assert_eq!(sized(0), 7);
        assert_eq!(sized(1), 1);
        assert_eq!(sized(1 << 40), MAX_MARKER_SIZE);
    }
}
