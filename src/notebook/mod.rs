//! Jupyter notebooks (merge-rules §3): cells matched and merged like a
//! layer list, code sources through the Python merge, outputs never in
//! conflict, metadata key by key; the result is always valid nbformat 4.
//!
//! Steps: parse the three texts keeping every value's bytes ([`json`]),
//! read their nbformat structure ([`model`]), match cells ([`matching`]),
//! merge the cell order ([`order`]) and each cell ([`cell`]), metadata
//! key by key ([`values`]), then write in the file's own layout
//! ([`write`]) and re-check the result before handing it back.

mod cell;
mod checked;
pub mod fallback;
mod ids;
mod inserted;
pub mod json;
mod magics;
mod matching;
pub mod metadata;
mod model;
mod moves;
mod order;
mod prose;
mod rejected;
mod rematch;
mod restyled;
mod twins;
mod values;
mod write;

use std::borrow::Cow;
use std::collections::HashSet;

use cell::{merge_cell, source_out, MergedCell};
use ids::{cell_id, fix_ids, new_id};
use json::Node;
use model::{Cell, Check, Notebook, SourceForm};
use order::{merge_order, Entry};
use values::{Clash, Ctx};
use write::{write_document, Format, Out};

use crate::core::merge3::{Merge3, Side};
use crate::core::render::{render, Markers, Piece};
use crate::decisions::{Decision, DecisionKind, Report};
use crate::pipeline::Structured;
use crate::settings::MergeOptions;

/// Why the notebook merge gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotebookError {
    /// An input is not a notebook this merge reads (not JSON, not nbformat
    /// 4): the file is merged by lines, as git would.
    NotANotebook(String),
    /// The inputs are notebooks but the merge failed (its result did not
    /// check out): the conservative notebook merge ([`fallback`]) is used.
    Failed(String),
}

impl std::fmt::Display for NotebookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotANotebook(why) | Self::Failed(why) => f.write_str(why),
        }
    }
}

/// Whether `bytes` is a notebook Jupyter opens: JSON holding an nbformat 4
/// structure the merge can read ([`Check::Readable`]).
pub fn is_valid(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = crate::core::encoding::strip_bom(text);
    json::parse(text).is_ok_and(|root| model::check_notebook(&root, Check::Readable).is_ok())
}

/// Whether two files hold the same notebook, layout and key order aside.
pub fn same_notebook(a: &[u8], b: &[u8]) -> bool {
    let text = |bytes| {
        std::str::from_utf8(bytes)
            .ok()
            .map(crate::core::encoding::strip_bom)
    };
    match (text(a), text(b)) {
        (Some(a), Some(b)) => match (json::parse(a), json::parse(b)) {
            (Ok(x), Ok(y)) => json::same(&x, &y),
            _ => false,
        },
        _ => false,
    }
}

/// Merges three notebook texts (LF, no BOM). `Err` when an input is not
/// an nbformat 4.0–4.5 notebook, or the merge failed ([`NotebookError`]).
pub fn merge(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
) -> Result<Structured, NotebookError> {
    if let Some(text) = texts.resolve_trivial() {
        return Ok(Structured {
            text: text.to_string(),
            conflicts: 0,
            report: Report::default(),
        });
    }
    let (roots, repeated) = parse_all(texts)?;
    let notebooks = read_all(texts, &roots)?;
    if options.fail_notebook_merge {
        panic!("forced failure of the notebook merge (--debug-fail-notebook-merge)");
    }
    let (format, layout_side) = output_layout(&notebooks);
    let mut ctx = Ctx {
        verbatim: notebooks.map_ref(|nb| nb.format.same_layout(&format)),
        layout_side,
        options,
        markers,
        report: Report::default(),
        clashes: Vec::new(),
        conflicts: 0,
    };
    report_repeated_keys(&mut ctx, repeated);
    let cells = merge_cells(&mut ctx, &notebooks);
    let (minor, minor_side) = merged_minor(&mut ctx, &notebooks);
    let root = merge_document(&mut ctx, &notebooks, cells, (minor, minor_side));
    let text = write_document(&root, &format, texts.ours.len().max(texts.theirs.len()));
    let check = if notebooks.base.valid && notebooks.ours.valid && notebooks.theirs.valid {
        Check::Valid
    } else {
        Check::Readable
    };
    verify(&text, check).map_err(|e| NotebookError::Failed(e.to_string()))?;
    Ok(Structured {
        text,
        conflicts: ctx.conflicts,
        report: ctx.report,
    })
}

/// The three parsed documents, and how many repeated keys each had.
fn parse_all(texts: Merge3<&str>) -> Result<(Merge3<Node<'_>>, Merge3<usize>), NotebookError> {
    let parse = |name: &str, text| {
        json::parse_counting(text)
            .map_err(|e| NotebookError::NotANotebook(format!("{name} is not valid JSON ({e})")))
    };
    let (base, ours, theirs) = (
        parse("base", texts.base)?,
        parse("ours", texts.ours)?,
        parse("theirs", texts.theirs)?,
    );
    Ok((
        Merge3::new(base.0, ours.0, theirs.0),
        Merge3::new(base.1, ours.1, theirs.1),
    ))
}

/// A repeated key is read as Python's `json` reads it (the last value
/// counts); the report says so, once per input that had any.
fn report_repeated_keys(ctx: &mut Ctx, repeated: Merge3<usize>) {
    for (name, count) in [
        ("base", repeated.base),
        ("ours", repeated.ours),
        ("theirs", repeated.theirs),
    ] {
        if count > 0 {
            ctx.report.push(Decision::new(
                DecisionKind::RepeatedKey,
                format!("{name} notebook"),
                format!("{count} repeated JSON key(s); read as Python's json and Jupyter read them: the last value of each counts"),
            ));
        }
    }
}

fn read_all<'a>(
    texts: Merge3<&str>,
    roots: &'a Merge3<Node<'a>>,
) -> Result<Merge3<Notebook<'a>>, NotebookError> {
    let read = |name: &str, text, root| {
        Notebook::read(text, root).map_err(|e| {
            NotebookError::NotANotebook(format!("{name} is not an nbformat 4 notebook: {e}"))
        })
    };
    Ok(Merge3::new(
        read("base", texts.base, &roots.base)?,
        read("ours", texts.ours, &roots.ours)?,
        read("theirs", texts.theirs, &roots.theirs)?,
    ))
}

/// The output's layout: ours', unless only theirs re-saved the notebook
/// differently (then theirs', merge-rules §4).
fn output_layout(nbs: &Merge3<Notebook>) -> (Format, Side) {
    let formats = Merge3::new(&nbs.base.format, &nbs.ours.format, &nbs.theirs.format);
    let theirs_resaved =
        formats.ours.same_layout(formats.base) && !formats.theirs.same_layout(formats.base);
    let side = if theirs_resaved {
        Side::Theirs
    } else {
        Side::Ours
    };
    let mut format = if theirs_resaved {
        formats.theirs.clone()
    } else {
        formats.ours.clone()
    };
    format.trailing_newline = formats
        .map_ref(|f| f.trailing_newline)
        .resolve_trivial()
        .unwrap_or(formats.ours.trailing_newline);
    format.ascii = formats
        .map_ref(|f| f.ascii)
        .resolve_trivial()
        .unwrap_or(formats.ours.ascii);
    (format, side)
}

/// Matches, orders and merges the cells.
fn merge_cells<'a>(ctx: &mut Ctx, nbs: &'a Merge3<Notebook<'a>>) -> Vec<MergedCell<'a>> {
    let (base, ours, theirs) = (&nbs.base.cells, &nbs.ours.cells, &nbs.theirs.cells);
    let by_id = ids::ids_name_cells(nbs);
    let base_cells = matching::BaseCells::new(base);
    let mut of_ours = matching::match_cells(&base_cells, ours, by_id);
    let mut of_theirs = matching::match_cells(&base_cells, theirs, by_id);
    if !by_id {
        rematch::rematch(base, (ours, theirs), &mut of_ours, &mut of_theirs);
    }
    // A new cell both sides inserted: the same id where ids name cells
    // (its two versions then merge as one cell), else the same content or
    // near twins (notebook/twins.rs).
    let same_new = |o: usize, t: usize| {
        let (a, b) = (&ours[o], &theirs[t]);
        if by_id {
            a.id.is_some() && a.id == b.id
        } else {
            twins::near_twins(a, b)
        }
    };
    let order = merge_order(
        base.len(),
        (&of_ours, ours.len(), &of_theirs, theirs.len()),
        same_new,
    );
    for &b in &order.moved_apart {
        moved_apart(ctx, &base[b]);
    }
    // A cell one side deleted and the other moved, in the merge's reading
    // or in another equally good one, is delete vs move (notebook/moves.rs).
    let (moved_by_ours, moved_by_theirs) = (
        moves::moved_in_some_reading(&of_ours, ours.len()),
        moves::moved_in_some_reading(&of_theirs, theirs.len()),
    );
    let mut merged = Vec::with_capacity(order.entries.len());
    let mut placed = Vec::with_capacity(order.entries.len());
    for entry in order.entries {
        let conflicts_before = ctx.conflicts;
        let (b, o, t) = match entry {
            Entry::Base(b) => (Some(b), of_ours[b], of_theirs[b]),
            Entry::Ours(i) => (None, Some(i), None),
            Entry::Theirs(j) => (None, None, Some(j)),
            Entry::Both(i, j) => (None, Some(i), Some(j)),
        };
        let cells = match entry {
            Entry::Base(b) => Merge3::new(
                Some(&base[b]),
                of_ours[b].map(|i| &ours[i]),
                of_theirs[b].map(|j| &theirs[j]),
            ),
            Entry::Ours(i) => Merge3::new(None, Some(&ours[i]), None),
            Entry::Theirs(j) => Merge3::new(None, None, Some(&theirs[j])),
            Entry::Both(i, j) => Merge3::new(None, Some(&ours[i]), Some(&theirs[j])),
        };
        let delete_vs_move = match (entry, cells.ours, cells.theirs) {
            (Entry::Base(b), None, Some(kept)) if moved_by_theirs[b] => Some((Side::Theirs, kept)),
            (Entry::Base(b), Some(kept), None) if moved_by_ours[b] => Some((Side::Ours, kept)),
            _ => None,
        };
        let cell = match (delete_vs_move, cells.base) {
            (Some((side, kept)), Some(b)) => {
                cell::deleted_vs_moved(ctx, merged.len(), b, side, kept)
            }
            _ => merge_cell(ctx, merged.len(), cells),
        };
        if let Some(cell) = cell {
            placed.push(checked::Placed {
                source: cell.source.clone(),
                base: b,
                ours: o,
                theirs: t,
                conflicted: ctx.conflicts > conflicts_before,
            });
            merged.push(cell);
        }
    }
    let cells = Merge3::new(&base[..], &ours[..], &theirs[..]);
    // A side preference settles clashes on purpose: nothing to check.
    let checked = ctx.options.prefer.is_none();
    if let Some(rejection) = checked
        .then(|| checked::check_cells(cells, (&of_ours, &of_theirs), by_id, &placed))
        .flatten()
    {
        if rejection.restore.is_empty() {
            let matched = (&of_ours[..], &of_theirs[..]);
            rejected::show_both_versions(
                ctx,
                cells,
                matched,
                by_id,
                (&mut merged, &placed),
                rejection,
            );
        } else {
            rejected::restore_cells(ctx, cells, rejection, &mut merged, &placed);
        }
    }
    merged
}

fn moved_apart(ctx: &mut Ctx, cell: &Cell) {
    let subject = cell.describe(0);
    let text = |s: &str| Some(format!("\"{s}\""));
    ctx.clashes.push(Clash {
        path: format!("position of {subject}"),
        values: Merge3::new(
            text("here"),
            text("moved (kept at ours' place)"),
            text("moved elsewhere"),
        ),
    });
    ctx.report.push(Decision::clash(
        subject,
        "both sides moved the cell to different places; ours' place kept",
        "moved",
        "moved elsewhere",
    ));
}

/// The merged `nbformat_minor`: a side's upgrade wins; both changed: the
/// higher.
fn merged_minor(ctx: &mut Ctx, nbs: &Merge3<Notebook>) -> (u64, Side) {
    let minors = nbs.map_ref(|nb| nb.minor);
    match minors.trivial_side() {
        Some(Side::Theirs) => (minors.theirs, Side::Theirs),
        Some(_) => (minors.ours, Side::Ours),
        None => {
            let side = if minors.theirs > minors.ours {
                Side::Theirs
            } else {
                Side::Ours
            };
            ctx.report.push(Decision::new(
                DecisionKind::FormattingKept,
                "nbformat_minor",
                "both sides changed the nbformat minor version; the higher kept",
            ));
            (minors.ours.max(minors.theirs), side)
        }
    }
}

/// The top-level object: cells, metadata key by key, the format version.
fn merge_document<'a>(
    ctx: &mut Ctx,
    nbs: &'a Merge3<Notebook<'a>>,
    cells: Vec<MergedCell<'a>>,
    minor: (u64, Side),
) -> Out<'a> {
    let fields = nbs.map_ref(|nb| Some(nb.fields));
    let mut out: Vec<(Cow<'a, str>, Out<'a>)> = Vec::new();
    let mut cells_at = None;
    for key in ctx.key_order(fields) {
        let value = nbs.map_ref(|nb| nb.root.get(key));
        let merged = match key {
            "cells" => {
                cells_at = Some(out.len());
                Some(Out::Literal("[]"))
            }
            "nbformat_minor" => {
                let node = if minor.1 == Side::Theirs {
                    value.theirs
                } else {
                    value.ours
                };
                node.map(|n| ctx.take(minor.1, n))
            }
            _ => ctx.merge_value(key, value),
        };
        if let Some(merged) = merged {
            out.push((Cow::Borrowed(key), merged));
        }
    }
    let mut cells = fix_ids(ctx, cells, minor.0);
    if !ctx.clashes.is_empty() {
        let clash_cell = clash_cell(ctx, minor.0, &cells);
        cells.insert(0, clash_cell);
    }
    if let Some(at) = cells_at {
        out[at].1 = Out::Array(cells.into_iter().map(|c| c.out).collect());
    }
    Out::Object(out)
}

/// The first cell of a notebook with metadata clashes: a raw cell listing
/// each clash between git-style markers, where a person opening the
/// notebook sees it.
fn clash_cell<'a>(ctx: &mut Ctx, minor: u64, cells: &[MergedCell]) -> MergedCell<'a> {
    let mut pieces = vec![Piece::Text(
        "mlmerge: both sides set these notebook keys to different values.\n\
         The notebook keeps ours' value (or the changed one, where the other side deleted the key).\n\
         Choose, edit the metadata to match, then delete this cell.\n"
            .to_string(),
    )];
    for clash in &ctx.clashes {
        let line = |value: &Option<String>| match value {
            Some(v) => format!("{} = {v}\n", clash.path),
            None => format!("{} (absent)\n", clash.path),
        };
        pieces.push(Piece::Text("\n".into()));
        pieces.push(Piece::Conflict(clash.values.map_ref(line)));
    }
    let rendered = render(&pieces, ctx.markers);
    ctx.conflicts += rendered.conflicts;
    let mut fields: Vec<(Cow<'a, str>, Out<'a>)> =
        vec![(Cow::Borrowed("cell_type"), Out::Text("raw".into()))];
    if minor >= 5 {
        let taken: HashSet<String> = cells.iter().filter_map(|c| cell_id(&c.out)).collect();
        let id = if taken.contains("mlmerge-conflicts") {
            new_id(&rendered.text, 0, &taken)
        } else {
            "mlmerge-conflicts".to_string()
        };
        fields.push((Cow::Borrowed("id"), Out::Text(id)));
    }
    let metadata = Out::Object(vec![(
        Cow::Borrowed("mlmerge"),
        Out::Text("conflicts".into()),
    )]);
    fields.push((Cow::Borrowed("metadata"), metadata));
    fields.push((
        Cow::Borrowed("source"),
        source_out(&rendered.text, SourceForm::Lines),
    ));
    MergedCell {
        out: Out::Object(fields),
        has_id: minor >= 5,
        source: rendered.text,
    }
}

/// Why the merged text is not a notebook.
#[derive(Clone, Debug, PartialEq, Eq)]
enum MergedNotebookError {
    /// The merged text is not JSON.
    NotJson(json::ParseError),
    /// The merged JSON is not (valid) nbformat 4.
    NotNbformat(model::NotebookShapeError),
}

impl std::fmt::Display for MergedNotebookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(e) => write!(f, "the merged notebook is not valid JSON ({e})"),
            Self::NotNbformat(e) => write!(f, "the merged notebook is not valid nbformat ({e})"),
        }
    }
}

/// The merged text must itself be a notebook (a valid one when the inputs
/// were), or it is not used.
fn verify(text: &str, check: Check) -> Result<(), MergedNotebookError> {
    let root = json::parse(text).map_err(MergedNotebookError::NotJson)?;
    model::check_notebook(&root, check).map_err(MergedNotebookError::NotNbformat)
}
