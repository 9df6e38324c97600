//! Merging one cell: its source by the Python merge (code) or by lines
//! (markdown, raw), its outputs and execution count by merge-rules §3
//! (never a conflict), everything else key by key.

use std::borrow::Cow;

use super::json::{same, same_opt, Node};
use super::magics;
use super::model::{Cell, SourceForm};
use super::prose;
use super::values::{Ctx, Fields};
use super::write::Out;
use crate::core::line_merge::merge_lines;
use crate::core::merge3::{Merge3, Side};
use crate::core::render::{render, Markers, Piece, Rendered};
use crate::decisions::{Decision, DecisionKind};
use crate::python;
use crate::settings::MergeOptions;
use crate::settings::Prefer;

mod outputs;
mod source;
use outputs::choose_outputs;
pub use source::source_out;
use source::{cell_markers, merge_source};

/// A merged cell, ready to write.
pub struct MergedCell<'a> {
    pub out: Out<'a>,
    pub has_id: bool,
    /// Its source text, for generating an id.
    pub source: String,
}

/// Merges the versions of one cell (`None`: absent from that version);
/// `None` when the merge deletes it.
pub fn merge_cell<'a>(
    ctx: &mut Ctx,
    at: usize,
    cells: Merge3<Option<&'a Cell<'a>>>,
) -> Option<MergedCell<'a>> {
    let subject = |c: &Cell| c.describe(at);
    match (cells.base, cells.ours, cells.theirs) {
        (_, None, None) => {
            if let Some(b) = cells.base {
                ctx.report.push(Decision::new(
                    DecisionKind::TookBoth,
                    subject(b),
                    "deleted on both sides",
                ));
            }
            None
        }
        (None, Some(o), None) => Some(taken(ctx, Side::Ours, o, subject(o), "inserted by ours")),
        (None, None, Some(t)) => Some(taken(
            ctx,
            Side::Theirs,
            t,
            subject(t),
            "inserted by theirs",
        )),
        (Some(b), None, Some(t)) => deleted_on_one_side(ctx, b, Side::Theirs, t, subject(b), false),
        (Some(b), Some(o), None) => deleted_on_one_side(ctx, b, Side::Ours, o, subject(b), false),
        (base, Some(o), Some(t)) => Some(merge_present(ctx, at, base, o, t)),
    }
}

fn taken<'a>(
    ctx: &mut Ctx,
    side: Side,
    cell: &'a Cell<'a>,
    subject: String,
    why: &str,
) -> MergedCell<'a> {
    let kind = if side == Side::Theirs {
        DecisionKind::TookTheirs
    } else {
        DecisionKind::TookOurs
    };
    ctx.report.push(Decision::new(kind, subject, why));
    whole(ctx, side, cell)
}

fn whole<'a>(ctx: &Ctx, side: Side, cell: &'a Cell<'a>) -> MergedCell<'a> {
    whole_like(ctx, side, cell, None)
}

/// A side's whole cell, laid out like `like` (the layout side's version).
fn whole_like<'a>(
    ctx: &Ctx,
    side: Side,
    cell: &'a Cell<'a>,
    like: Option<&'a Cell<'a>>,
) -> MergedCell<'a> {
    MergedCell {
        out: ctx.take_like(side, cell.node, like.map(|c| c.node)),
        has_id: cell.id.is_some(),
        source: cell.source.clone(),
    }
}

/// Whether two versions of a cell differ only in outputs and counts.
fn same_but_outputs(a: &Cell, b: &Cell) -> bool {
    let ignored = |k: &str| k == "outputs" || k == "execution_count";
    let keys = |c: &Cell| c.fields.iter().filter(|(k, _)| !ignored(k.raw)).count();
    keys(a) == keys(b)
        && a.fields
            .iter()
            .filter(|(k, _)| !ignored(k.raw))
            .all(|(k, v)| b.get(&k.text()).is_some_and(|w| same(v, w)))
}

/// One side deleted a cell the other side moved (issue 8): the moved cell
/// with its source between markers, the deleting side's section empty.
pub fn deleted_vs_moved<'a>(
    ctx: &mut Ctx,
    at: usize,
    base: &'a Cell<'a>,
    kept_side: Side,
    kept: &'a Cell<'a>,
) -> Option<MergedCell<'a>> {
    let subject = base.describe(at);
    deleted_on_one_side(ctx, base, kept_side, kept, subject, true)
}

/// One side deleted the cell: gone, unless the other side changed more
/// than outputs; then the changed cell stays with its source between
/// markers (the deleting side's section empty).
fn deleted_on_one_side<'a>(
    ctx: &mut Ctx,
    base: &'a Cell<'a>,
    kept_side: Side,
    kept: &'a Cell<'a>,
    subject: String,
    moved: bool,
) -> Option<MergedCell<'a>> {
    let deleter = if kept_side == Side::Theirs {
        "ours"
    } else {
        "theirs"
    };
    let prefer = ctx.options.prefer;
    let preferred = prefer.map(|p| match p {
        Prefer::Ours => Side::Ours,
        Prefer::Theirs => Side::Theirs,
    });
    if let Some(prefer) = prefer.filter(|_| preferred == Some(kept_side)) {
        // The side preference keeps the changed cell, without markers.
        ctx.report.push(Decision::new(
            DecisionKind::for_preference(prefer),
            subject,
            format!("{deleter} deleted the cell, the preferred side changed it: kept"),
        ));
        return Some(MergedCell {
            out: ctx.take(kept_side, kept.node),
            has_id: kept.id.is_some(),
            source: kept.source.clone(),
        });
    }
    if (same_but_outputs(base, kept) && !moved) || preferred.is_some() {
        let kind = if kept_side == Side::Theirs {
            DecisionKind::TookOurs
        } else {
            DecisionKind::TookTheirs
        };
        ctx.report.push(Decision::new(
            kind,
            subject,
            format!("deleted by {deleter}"),
        ));
        return None;
    }
    let texts = if kept_side == Side::Theirs {
        Merge3::new(base.source.clone(), String::new(), kept.source.clone())
    } else {
        Merge3::new(base.source.clone(), kept.source.clone(), String::new())
    };
    let markers = cell_markers(
        ctx.options,
        ctx.markers,
        &texts.as_ref().map(|s| s.as_str()),
    );
    let rendered = render(&[Piece::Conflict(texts.clone())], &markers);
    ctx.conflicts += rendered.conflicts.max(1);
    ctx.report.push(Decision::clash(
        subject,
        format!("{deleter} deleted the cell, the other side changed it; the cell is kept with its source between markers"),
        &texts.ours,
        &texts.theirs,
    ));
    let fields = kept.fields.iter().map(|(key, value)| {
        let out = if key.is("source") {
            source_out(&rendered.text, kept.form)
        } else {
            ctx.take(kept_side, value)
        };
        (Cow::Borrowed(key.raw), out)
    });
    Some(MergedCell {
        out: Out::Object(fields.collect()),
        has_id: kept.id.is_some(),
        source: rendered.text,
    })
}

/// A cell both sides changed whose merge the cell-list check could not
/// confirm: the layout side's cell with both sides' sources between
/// markers, each as that side wrote it.
pub fn both_versions<'a>(
    ctx: &mut Ctx,
    at: usize,
    base: Option<&'a Cell<'a>>,
    o: &'a Cell<'a>,
    t: &'a Cell<'a>,
) -> MergedCell<'a> {
    let texts = Merge3::new(
        base.map_or_else(String::new, |b| b.source.clone()),
        o.source.clone(),
        t.source.clone(),
    );
    let markers = cell_markers(
        ctx.options,
        ctx.markers,
        &texts.as_ref().map(|s| s.as_str()),
    );
    let rendered = render(&[Piece::Conflict(texts.clone())], &markers);
    ctx.conflicts += rendered.conflicts.max(1);
    ctx.report.push(Decision::clash(
        o.describe(at),
        "the check of the cell list could not confirm how this cell was merged; both sides' sources are kept between markers",
        &texts.ours,
        &texts.theirs,
    ));
    let (side, like) = if ctx.layout_side == Side::Theirs {
        (Side::Theirs, t)
    } else {
        (Side::Ours, o)
    };
    let fields = like.fields.iter().map(|(key, value)| {
        let out = if key.is("source") {
            source_out(&rendered.text, like.form)
        } else {
            ctx.take(side, value)
        };
        (Cow::Borrowed(key.raw), out)
    });
    MergedCell {
        out: Out::Object(fields.collect()),
        has_id: like.id.is_some(),
        source: rendered.text,
    }
}

/// Both sides have the cell (and the base has it, or both inserted it).
fn merge_present<'a>(
    ctx: &mut Ctx,
    at: usize,
    base: Option<&'a Cell<'a>>,
    o: &'a Cell<'a>,
    t: &'a Cell<'a>,
) -> MergedCell<'a> {
    let base_node = base.map(|b| b.node);
    let like = if ctx.layout_side == Side::Theirs {
        t
    } else {
        o
    };
    if same_opt(Some(o.node), base_node) && same_opt(Some(t.node), base_node) {
        return whole(ctx, ctx.layout_side, like);
    }
    if same_opt(Some(o.node), base_node) {
        if base.is_some() && !same(t.node, o.node) {
            ctx.report.push(Decision::new(
                DecisionKind::TookTheirs,
                t.describe(at),
                "changed by theirs",
            ));
        }
        return whole_like(ctx, Side::Theirs, t, Some(like));
    }
    if same_opt(Some(t.node), base_node) {
        ctx.report.push(Decision::new(
            DecisionKind::TookOurs,
            o.describe(at),
            "changed by ours",
        ));
        return whole_like(ctx, Side::Ours, o, Some(like));
    }
    if same(o.node, t.node) {
        let side = if ctx.layout_side == Side::Theirs {
            Side::Theirs
        } else {
            Side::Ours
        };
        let cell = if side == Side::Theirs { t } else { o };
        let why = if base.is_some() {
            "the same change on both sides"
        } else {
            "the same cell inserted by both sides"
        };
        ctx.report
            .push(Decision::new(DecisionKind::TookBoth, o.describe(at), why));
        return whole(ctx, side, cell);
    }
    merge_fields(ctx, at, Merge3::new(base, Some(o), Some(t)))
}

/// Merges a cell key by key.
fn merge_fields<'a>(
    ctx: &mut Ctx,
    at: usize,
    cells: Merge3<Option<&'a Cell<'a>>>,
) -> MergedCell<'a> {
    let subject = cells
        .ours
        .or(cells.theirs)
        .map(|c| c.describe(at))
        .unwrap_or_default();
    let fields: Merge3<Option<Fields<'a>>> = cells.map(|c| c.map(|c| c.fields));
    let get = |key: &str| cells.map(|c| c.and_then(|c| c.get(key)));
    let cell_type = merged_type(ctx, &subject, get("cell_type"));
    let mut source = merge_source(ctx, &subject, &cell_type, cells);
    let outputs = choose_outputs(ctx, &subject, cells, &source.text);
    let mut out = Vec::new();
    for key in ctx.key_order(fields) {
        let value = match key {
            "source" => Some(source.out.take()),
            "outputs" | "execution_count" if cell_type != "code" => None,
            "outputs" | "execution_count" => outputs.value(ctx, key, cells),
            "cell_type" => Some(Out::Text(cell_type.clone())),
            "id" => merged_id(ctx, &subject, get(key)),
            _ => ctx.merge_value(&format!("{subject} {key}"), get(key)),
        };
        if let Some(value) = value {
            out.push((Cow::Borrowed(key), value));
        }
    }
    if cell_type == "code" {
        for key in ["execution_count", "outputs"] {
            if !out.iter().any(|(k, _)| k == key) {
                let at = out
                    .iter()
                    .position(|(k, _)| k.as_ref() > key)
                    .unwrap_or(out.len());
                out.insert(
                    at,
                    (
                        Cow::Borrowed(key),
                        outputs
                            .value(ctx, key, cells)
                            .unwrap_or(Out::Literal(empty(key))),
                    ),
                );
            }
        }
    }
    MergedCell {
        has_id: out.iter().any(|(k, _)| k == "id"),
        out: Out::Object(out),
        source: source.text,
    }
}

/// A cell's `id` both sides changed: each side re-saved the notebook with
/// new random ids (cells are then matched by content). An id names the
/// cell for tools, not for people: ours kept (theirs' where ours has none),
/// reported like environment metadata, never a clash. Repeated ids are
/// renamed afterwards ([`super::ids`]).
fn merged_id<'a>(ctx: &mut Ctx, subject: &str, v: Merge3<Option<&'a Node<'a>>>) -> Option<Out<'a>> {
    let both_changed = !same_opt(v.ours, v.base) && !same_opt(v.theirs, v.base);
    if !both_changed || same_opt(v.ours, v.theirs) {
        return ctx.merge_value(&format!("{subject} id"), v);
    }
    let text = |n: Option<&Node>| {
        n.and_then(Node::as_str)
            .map_or_else(|| "(none)".to_string(), |s| s.text().into_owned())
    };
    let mut decision = Decision::new(
        DecisionKind::EnvironmentMetadata,
        format!("{subject} id"),
        "both sides gave the cell a new id (a re-save with random ids); ours kept, no conflict",
    );
    decision.ours = Some(text(v.ours));
    decision.theirs = Some(text(v.theirs));
    ctx.report.push(decision);
    let side = if v.ours.is_some() {
        Side::Ours
    } else {
        Side::Theirs
    };
    ctx.pick(side, v)
}

fn empty(key: &str) -> &'static str {
    if key == "outputs" {
        "[]"
    } else {
        "null"
    }
}

fn merged_type(ctx: &mut Ctx, subject: &str, types: Merge3<Option<&Node>>) -> String {
    let text = |n: Option<&Node>| {
        n.and_then(Node::as_str)
            .map(|s| s.text().into_owned())
            .unwrap_or_default()
    };
    let texts = types.map(text);
    texts.clone().resolve_trivial().unwrap_or_else(|| {
        ctx.clashes.push(super::values::Clash {
            path: format!("{subject} cell_type"),
            values: texts.clone().map(|t| Some(format!("\"{t}\""))),
        });
        ctx.report.push(Decision::clash(
            subject,
            "both sides changed the cell type; ours kept",
            &texts.ours,
            &texts.theirs,
        ));
        texts.ours
    })
}
