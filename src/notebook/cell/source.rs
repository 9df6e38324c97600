//! The merge of a cell's source: taken whole where one side changed it,
//! else by words for markdown and raw cells and by the Python merge for
//! code cells (IPython magics masked), with markers sized for the cell.

use super::*;
use crate::notebook::restyled;

/// A merged source: its output value (taken once) and its text.
pub(super) struct MergedSource<'a> {
    pub(super) out: SourceOut<'a>,
    pub(super) text: String,
}

pub(super) struct SourceOut<'a>(Option<Out<'a>>);

impl<'a> SourceOut<'a> {
    pub(super) fn take(&mut self) -> Out<'a> {
        self.0.take().unwrap_or(Out::Literal("\"\""))
    }
}

pub(super) fn merge_source<'a>(
    ctx: &mut Ctx,
    subject: &str,
    cell_type: &str,
    cells: Merge3<Option<&'a Cell<'a>>>,
) -> MergedSource<'a> {
    let texts = cells.map(|c| c.map_or("", |c| c.source.as_str()));
    let forms = cells.map(|c| c.map(|c| c.form));
    let form = Merge3::new(forms.base.or(forms.ours), forms.ours, forms.theirs)
        .resolve_trivial()
        .flatten()
        .or(forms.ours)
        .unwrap_or(SourceForm::Lines);
    if let Some(side) = texts.trivial_side() {
        let side = match side {
            _ if texts.same_change() => ctx.layout_side,
            other => other,
        };
        let cell = match side {
            Side::Base => cells.base,
            Side::Theirs => cells.theirs,
            _ => cells.ours,
        };
        let text = cell.map(|c| c.source.clone()).unwrap_or_default();
        let out = match cell.and_then(|c| Some((c, c.get("source")?))) {
            Some((c, node)) if c.form == form => ctx.take(side, node),
            _ => source_out(&text, form),
        };
        return MergedSource {
            out: SourceOut(Some(out)),
            text,
        };
    }
    if cell_type == "code" {
        if let Some(side) = restyled::editor(texts) {
            ctx.report.push(Decision::new(
                DecisionKind::FormattingKept,
                subject,
                format!(
                    "{} only re-formatted the source, {} re-formatted it alike and edited it: {}' source holds both",
                    side.other().name(),
                    side.name(),
                    side.name()
                ),
            ));
            let text = texts.get(side).to_string();
            return MergedSource {
                out: SourceOut(Some(source_out(&text, form))),
                text,
            };
        }
    }
    let mut rendered = if cell_type == "code" {
        merge_code(ctx, subject, texts)
    } else {
        merge_text(ctx, subject, texts)
    };
    let rewrite = rendered.conflicts > 0 && rewritten(&texts);
    if rewrite {
        // A side that kept no line of the base rewrote the cell: a merge
        // line by line would set parts of it against the other side's
        // edit, and a section would hold neither side's text.
        let whole = Piece::Conflict(Merge3::new(
            texts.base.to_string(),
            texts.ours.to_string(),
            texts.theirs.to_string(),
        ));
        rendered = render(&[whole], &cell_markers(ctx.options, ctx.markers, &texts));
    }
    ctx.conflicts += rendered.conflicts;
    if rendered.conflicts > 0 {
        let why = if rewrite {
            "one side rewrote every line of the cell, the other changed it: the whole source between markers, each side's as it wrote it"
        } else {
            "both sides changed the same lines of the source; markers in the cell"
        };
        ctx.report
            .push(Decision::clash(subject, why, texts.ours, texts.theirs));
    } else {
        ctx.report.push(Decision::new(
            DecisionKind::TookBoth,
            subject,
            "source changes of both sides merged",
        ));
    }
    MergedSource {
        out: SourceOut(Some(source_out(&rendered.text, form))),
        text: rendered.text,
    }
}

/// Whether a side kept no non-blank line of a base that has one: it
/// rewrote the cell (or the matching paired a new cell with it).
fn rewritten(texts: &Merge3<&str>) -> bool {
    let lines = |text: &str| -> std::collections::HashSet<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let base = lines(texts.base);
    !base.is_empty()
        && [texts.ours, texts.theirs]
            .into_iter()
            .any(|side| lines(side).is_disjoint(&base))
}

/// A source value holding `text` in `form`.
pub fn source_out<'a>(text: &str, form: SourceForm) -> Out<'a> {
    match form {
        SourceForm::Text => Out::Text(text.to_string()),
        SourceForm::Lines => Out::Array(
            text.split_inclusive('\n')
                .map(|l| Out::Text(l.to_string()))
                .collect(),
        ),
    }
}

/// Markers for a conflict inside a cell: longer than any marker-like line
/// of the cell's sources (the file's markers cannot see inside strings).
pub(super) fn cell_markers(
    options: &MergeOptions,
    markers: &Markers,
    texts: &Merge3<&str>,
) -> Markers {
    let options = MergeOptions {
        marker_size: markers.size,
        style: markers.style,
        labels: markers.labels.clone(),
        ..options.clone()
    };
    Markers::for_inputs(
        &options,
        &[
            texts.base.as_bytes(),
            texts.ours.as_bytes(),
            texts.theirs.as_bytes(),
        ],
    )
}

/// Markdown and raw cells: by lines, and where both sides changed the same
/// lines, again by words ([`prose`]).
fn merge_text(ctx: &mut Ctx, subject: &str, texts: Merge3<&str>) -> Rendered {
    let mut pieces = merge_lines(texts);
    let mut settled = prose::refine(&mut pieces);
    settled.dedup();
    if !settled.is_empty() {
        let how: Vec<&str> = settled.iter().map(|rule| rule.describe()).collect();
        ctx.report.push(Decision::new(
            DecisionKind::TookBoth,
            subject,
            format!(
                "both sides changed the same lines; merged as {}",
                how.join("; ")
            ),
        ));
    }
    render(&pieces, &cell_markers(ctx.options, ctx.markers, &texts))
}

/// The line merge of a code cell when each of its clashes is one side's
/// change with lines added around it ([`prose::one_side_extends`]): the
/// clashes the Python merge left are then settled at line level.
fn lines_one_side_extends(texts: Merge3<&str>) -> Option<String> {
    let mut pieces = merge_lines(texts);
    for piece in pieces.iter_mut() {
        if let Piece::Conflict(clash) = piece {
            *piece = Piece::Text(prose::one_side_extends(clash)?);
        }
    }
    Some(
        pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Text(text) => text,
                Piece::Conflict(_) => String::new(),
            })
            .collect(),
    )
}

/// Code through the Python merge, IPython lines masked; by lines when the
/// cell is not Python (a cell magic) or the Python merge declines.
fn merge_code(ctx: &mut Ctx, subject: &str, texts: Merge3<&str>) -> Rendered {
    let markers = cell_markers(ctx.options, ctx.markers, &texts);
    let is_python = ![texts.base, texts.ours, texts.theirs]
        .iter()
        .any(|t| magics::is_cell_magic(t));
    let masked = match (
        magics::mask(texts.base),
        magics::mask(texts.ours),
        magics::mask(texts.theirs),
    ) {
        (Some(b), Some(o), Some(t)) if is_python => Some(Merge3::new(b, o, t)),
        _ => None,
    };
    if let Some(masked) = masked {
        let merged = python::merge(masked.as_ref().map(|s| s.as_str()), ctx.options, &markers);
        if let Ok(merged) = merged {
            if merged.conflicts > 0 {
                if let Some(text) = lines_one_side_extends(texts) {
                    ctx.report.push(Decision::new(
                        DecisionKind::TookBoth,
                        subject,
                        "both sides changed the same lines alike and one side also added lines around them: that side's lines hold both changes",
                    ));
                    return Rendered {
                        text,
                        conflicts: 0,
                        conflict_lines: 0,
                        preferred: 0,
                    };
                }
            }
            ctx.report.extend(merged.report);
            let text = magics::unmask(&merged.text);
            return Rendered {
                text,
                conflicts: merged.conflicts,
                conflict_lines: 0,
                preferred: 0,
            };
        }
    }
    render(&merge_lines(texts), &markers)
}
