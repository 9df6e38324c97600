//! Turning a region's merge plan into text: each element verbatim from the
//! side it came from, re-indented to where it lands, with commas placed so
//! the list parses and the layout side's trailing-comma style kept.

use crate::core::merge3::{Merge3, Side};
use crate::core::render::Piece;
use crate::python::element::plain_text;
use crate::python::indent::{indent_of, reindent};
use crate::python::plan::{Inputs, Plan, Step};
use crate::python::regions::RegionKind;

/// A region rendered: its pieces, and the tokens its elements must have
/// when the result is parsed again (`None` where a merged node stands).
pub struct RenderedRegion {
    pub pieces: Vec<Piece>,
    pub expected: Vec<Option<String>>,
}

/// Why a plan cannot be laid out with certainty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// A clash of one argument sits at another indentation than the list's.
    ClashNeedsReindent,
    /// A trailing comment on an element of a one-line list.
    TrailingComment,
}

impl std::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ClashNeedsReindent => "a clash would need re-indenting",
            Self::TrailingComment => "a trailing comment would swallow the rest of a one-line list",
        })
    }
}

/// Whether the region is rendered by whole lines (every version in line form).
pub fn line_mode(inputs: &Inputs<'_>) -> bool {
    let r = inputs.regions;
    r.base.lines.is_some() && r.ours.lines.is_some() && r.theirs.lines.is_some()
}

/// Renders `plan`; `Err` when it cannot be laid out with certainty.
pub fn render_region(inputs: &Inputs<'_>, plan: &Plan) -> Result<RenderedRegion, LayoutError> {
    let renderer = Renderer::new(inputs);
    let mut out = RenderedRegion {
        pieces: Vec::new(),
        expected: Vec::new(),
    };
    let mut text = String::new();
    let mut position = 0;
    let is_element = |side: Side, j: usize| !inputs.units(side)[j].comment;
    // The last step holding an element (not a comment): commas stop there.
    let last = plan
        .steps
        .iter()
        .rposition(|step| match step {
            Step::Unit { side, index, .. } => is_element(*side, *index),
            Step::Conflict { ours, theirs, .. } => {
                ours.iter().any(|&j| is_element(Side::Ours, j))
                    || theirs.iter().any(|&j| is_element(Side::Theirs, j))
            }
        })
        .unwrap_or(0);
    for (k, step) in plan.steps.iter().enumerate() {
        match step {
            Step::Unit { side, index, body } => {
                for piece in renderer.unit(*side, *index, body.as_deref(), position, k >= last)? {
                    match piece {
                        Piece::Text(t) => text.push_str(&t),
                        conflict => {
                            out.pieces.push(Piece::Text(std::mem::take(&mut text)));
                            out.pieces.push(conflict);
                        }
                    }
                }
                let tokens = &inputs.units(*side)[*index].tokens;
                out.expected.push(body.is_none().then(|| tokens.clone()));
                position += 1;
            }
            Step::Conflict { base, ours, theirs } => {
                let side = |which: Side, js: &[usize]| -> Result<String, LayoutError> {
                    let mut s = String::new();
                    let last_element = js.iter().rposition(|&j| is_element(which, j));
                    for (n, &j) in js.iter().enumerate() {
                        let is_last = k == last && last_element.is_none_or(|l| n >= l);
                        let pieces = renderer.unit(which, j, None, position + n, is_last)?;
                        s.push_str(&plain_text(&pieces).unwrap_or_default());
                    }
                    Ok(s)
                };
                let sides = Merge3::new(
                    side(Side::Base, base)?,
                    side(Side::Ours, ours)?,
                    side(Side::Theirs, theirs)?,
                );
                out.pieces.push(Piece::Text(std::mem::take(&mut text)));
                out.pieces.push(Piece::Conflict(sides));
                position += ours.len().max(theirs.len()).max(1);
            }
        }
    }
    text.push_str(&renderer.tail());
    out.pieces.push(Piece::Text(text));
    Ok(out)
}

struct Renderer<'i, 'a> {
    inputs: &'i Inputs<'a>,
    lines: bool,
    /// The side whose frame (indentation, leads, trailing comma) is kept.
    frame_side: Side,
    indent: String,
    trailing_comma: bool,
    commas: bool,
}

impl<'i, 'a> Renderer<'i, 'a> {
    fn new(inputs: &'i Inputs<'a>) -> Self {
        let r = inputs.regions;
        let lines = line_mode(inputs);
        let reformatted_theirs = r.ours.lines.is_some() == r.base.lines.is_some()
            && r.theirs.lines.is_some() != r.base.lines.is_some();
        let frame_side = if !lines && reformatted_theirs {
            Side::Theirs
        } else {
            Side::Ours
        };
        // Indentation and trailing comma merge as values: a side that
        // changed them (a formatter) wins; with no change, ours.
        let frame = |side: Side| {
            let units = inputs.units(side);
            let text = inputs.text(side);
            let indent = units
                .first()
                .map(|u| indent_of(text, u.body.start).to_string());
            let last_element = units.iter().rev().find(|u| !u.comment);
            (indent, last_element.map(|u| u.comma.is_some()))
        };
        let (b, o, t) = (frame(Side::Base), frame(Side::Ours), frame(Side::Theirs));
        // A base without elements here still has the indentation of the
        // line the region sits on: without it, a side that re-indented the
        // block (tabs for spaces) would win or lose by being theirs or
        // ours, not by having changed it (merge-rules §1.3, the fuzz case
        // fixtures/python/reindented-block-both-insert-attributes).
        let base_indent =
            b.0.or_else(|| statement_indent_before(inputs.text(Side::Base), r.base.span.start));
        let indent = pick(base_indent, o.0, t.0).unwrap_or_default();
        let trailing_comma = pick(b.1, o.1, t.1).unwrap_or(false);
        Renderer {
            inputs,
            lines,
            frame_side,
            indent,
            trailing_comma,
            commas: r.ours.kind == RegionKind::List,
        }
    }

    fn unit(
        &self,
        side: Side,
        index: usize,
        body: Option<&[Piece]>,
        position: usize,
        last: bool,
    ) -> Result<Vec<Piece>, LayoutError> {
        let unit = &self.inputs.units(side)[index];
        let text = self.inputs.text(side);
        let own_body = [Piece::Text(text[unit.body.clone()].to_string())];
        let body = body.unwrap_or(&own_body);
        let need_comma = self.commas && !unit.comment && (!last || self.trailing_comma);
        let (start, end) = match (&unit.lines, self.lines) {
            (Some(lines), true) => (lines.start, lines.end),
            _ => (unit.span.start, unit.span.end),
        };
        let mut after = text[unit.body.end..end].to_string();
        match &unit.comma {
            Some(c) if !need_comma => {
                let rel = c.start - unit.body.end;
                after.replace_range(rel..rel + 1, "");
            }
            None if need_comma => after.insert(0, ','),
            _ => {}
        }
        let own_indent = indent_of(text, unit.body.start);
        let Some(body) = plain_text(body) else {
            // A clash of one argument: kept as a conflict piece, in place.
            if own_indent != self.indent {
                return Err(LayoutError::ClashNeedsReindent);
            }
            let own_lead = &text[start..unit.body.start];
            let lead = if self.lines {
                own_lead.into()
            } else {
                self.lead(side, index, position, own_lead)
            };
            let mut pieces = vec![Piece::Text(lead.into_owned())];
            pieces.extend(body.iter().cloned());
            pieces.push(Piece::Text(after));
            return Ok(pieces);
        };
        if self.lines {
            let s = format!("{}{}{}", &text[start..unit.body.start], body, after);
            return Ok(vec![Piece::Text(reindent_all(
                &s,
                own_indent,
                &self.indent,
            ))]);
        }
        let lead = self.lead(side, index, position, &text[start..unit.body.start]);
        if after.contains('#') && !self.typical_lead().contains('\n') {
            return Err(LayoutError::TrailingComment);
        }
        let body = reindent(&body, own_indent, &self.indent);
        Ok(vec![Piece::Text(format!("{lead}{body}{after}"))])
    }

    /// The text before an element inline: the layout's first lead at the
    /// start, the element's own where it keeps its place, else the usual one.
    fn lead<'s>(
        &'s self,
        side: Side,
        index: usize,
        position: usize,
        own_lead: &'s str,
    ) -> std::borrow::Cow<'s, str> {
        if position == 0 {
            self.first_lead().into()
        } else if (side == self.frame_side && index > 0) || own_lead.contains('#') {
            own_lead.into()
        } else {
            self.typical_lead().into()
        }
    }

    fn layout_units(&self) -> &[crate::python::regions::Unit] {
        self.inputs.units(self.frame_side)
    }

    fn lead_of(&self, k: usize) -> Option<String> {
        let u = self.layout_units().get(k)?;
        Some(self.inputs.text(self.frame_side)[u.span.start..u.body.start].to_string())
    }

    fn first_lead(&self) -> String {
        self.lead_of(0)
            .unwrap_or_else(|| self.typical_lead().trim_start_matches(' ').to_string())
    }

    fn typical_lead(&self) -> String {
        match self.lead_of(1) {
            Some(lead) => lead,
            None => match self.lead_of(0) {
                Some(lead) if lead.contains('\n') => lead,
                _ => " ".into(),
            },
        }
    }

    /// The text after the last element up to the region's end (inline mode).
    fn tail(&self) -> String {
        if self.lines {
            return String::new();
        }
        let region = match self.frame_side {
            Side::Theirs => self.inputs.regions.theirs,
            _ => self.inputs.regions.ours,
        };
        let text = self.inputs.text(self.frame_side);
        let from = region
            .units
            .last()
            .map_or(region.span.start, |u| u.span.end);
        text[from..region.span.end].to_string()
    }
}

/// The indentation of the last non-blank line before `pos`, when it is a
/// statement of the block (not a header ending in `:`, whose block is
/// indented further).
fn statement_indent_before(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos)?;
    let line = before.lines().rev().find(|l| !l.trim().is_empty())?;
    if line.trim_end().ends_with(':') {
        return None;
    }
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    Some(line[..width].to_string())
}

/// Merges a frame value as a value; a side without elements has none and
/// takes another side's.
fn pick<T: Clone + PartialEq>(b: Option<T>, o: Option<T>, t: Option<T>) -> Option<T> {
    let known = [o.clone(), t.clone(), b.clone()]
        .into_iter()
        .flatten()
        .next();
    let (b, o, t) = (b.or(known.clone()), o.or(known.clone()), t.or(known));
    Merge3::new(b, o.clone(), t).resolve_trivial().unwrap_or(o)
}

/// Moves every line of `text`, the first included, from indentation
/// `from` to `to` ([`reindent`] leaves the first line to its caller).
fn reindent_all(text: &str, from: &str, to: &str) -> String {
    match text.strip_prefix(from) {
        Some(rest) if from != to => format!("{to}{}", reindent(rest, from, to)),
        _ => reindent(text, from, to),
    }
}
