//! The merge of one element both sides changed, for the whole-file merge:
//! inside its own container (a class body, a dict value, an import's
//! names), else the layer-list merge, the element chain and lines, a clash
//! narrowed to the element; and how the report names an element.

use super::{
    first_text, lines_with_report, merge_container, Context, Hunk, Item, ELEMENT_CHAIN, MAX_DEPTH,
    SAME_CHANGE_CHAIN,
};
use crate::core::merge3::{Merge3, Side};
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};
use crate::python::hunks::{line_moves, Moves};
use crate::python::siblings::{inner, Container, ContainerKind, Element};

/// How people name an element with this key.
pub fn describe(key: Option<&str>) -> String {
    match key.and_then(|k| k.split_once(' ')) {
        Some(("name", n)) => format!("`{n}`"),
        Some(("key", k)) => format!("entry {k}"),
        Some(("item", i)) => format!("item `{i}`"),
        Some(("keyword", k)) => format!("argument `{k}=`"),
        Some(("import", i)) => format!("`import {i}`"),
        Some(("from", m)) => format!("`from {m} import`"),
        _ => "an element".to_string(),
    }
}

/// Merges one element both sides changed (the same key in all three):
/// inside its own container when it has one, else by the layer-list
/// merge, the element chain, and lines, a clash narrowed to it.
pub fn merge_element<'a, 't>(
    hunk: &Hunk<'a, 't>,
    at: Merge3<usize>,
    ctx: &mut Context<'_>,
) -> Item<'a, 't> {
    let c = hunk.containers;
    let e = Merge3::new(
        &c.base.elements[at.base],
        &c.ours.elements[at.ours],
        &c.theirs.elements[at.theirs],
    );
    let key = e.ours.key.clone();
    match e.map_ref(|x| x.same.as_str()).trivial_side() {
        Some(Side::Theirs) => return Item::Element(c.theirs, at.theirs),
        Some(_) => return Item::Element(c.ours, at.ours),
        None => {}
    }
    let texts = Merge3::new(
        c.base.element_text(e.base),
        c.ours.element_text(e.ours),
        c.theirs.element_text(e.theirs),
    );
    if let Some(text) = first_text(SAME_CHANGE_CHAIN, texts) {
        return Item::Pieces {
            key,
            pieces: vec![Piece::Text(text)],
        };
    }
    if ctx.depth < MAX_DEPTH {
        if let Some(pieces) = merge_inside(c, e, ctx) {
            ctx.report.push(Decision::new(
                DecisionKind::TookBoth,
                describe(key.as_deref()),
                "both sides changed this element; their changes inside it were merged",
            ));
            return Item::Pieces { key, pieces };
        }
    }
    if c.ours.kind == ContainerKind::Module {
        if let Some(pieces) = ctx.region_merge.and_then(|f| f(texts)) {
            return Item::Pieces { key, pieces };
        }
    }
    // The element's own lines, diffed: a move there is a deletion and an
    // insertion to a token or line merge.
    let moves = line_moves(texts);
    if moves == Moves::Clash {
        ctx.report.push(Decision::clash(
            describe(key.as_deref()),
            "one side moved a statement the other side deleted, changed or moved",
            texts.ours,
            texts.theirs,
        ));
        return Item::Pieces {
            key,
            pieces: vec![Piece::Conflict(texts.map(str::to_string))],
        };
    }
    if let Some(text) = (moves == Moves::None)
        .then(|| first_text(ELEMENT_CHAIN, texts))
        .flatten()
    {
        ctx.report.push(Decision::new(
            DecisionKind::TokensMerged,
            describe(key.as_deref()),
            "both sides changed this element at different tokens; merged token by token",
        ));
        return Item::Pieces {
            key,
            pieces: vec![Piece::Text(text)],
        };
    }
    let pieces = lines_with_report(texts, &describe(key.as_deref()), ctx);
    Item::Pieces { key, pieces }
}

/// An element's own container merged, the text around it taken from
/// whichever side changed it.
fn merge_inside(
    c: Merge3<&Container<'_>>,
    e: Merge3<&Element<'_>>,
    ctx: &mut Context<'_>,
) -> Option<Vec<Piece>> {
    let sets = ctx.set_arguments;
    let inners = Merge3::new(
        inner(e.base.node, c.base.text, sets)?,
        inner(e.ours.node, c.ours.text, sets)?,
        inner(e.theirs.node, c.theirs.text, sets)?,
    );
    if inners.base.kind != inners.ours.kind || inners.base.kind != inners.theirs.kind {
        return None;
    }
    let around = |x: &Container<'_>, el: &Element<'_>, i: &Container<'_>| {
        (
            x.slice(&(el.span.start..i.span.start)).to_string(),
            x.slice(&(i.span.end..el.span.end)).to_string(),
        )
    };
    let parts = Merge3::new(
        around(c.base, e.base, &inners.base),
        around(c.ours, e.ours, &inners.ours),
        around(c.theirs, e.theirs, &inners.theirs),
    );
    let prefix = Merge3::new(
        parts.base.0.as_str(),
        parts.ours.0.as_str(),
        parts.theirs.0.as_str(),
    )
    .resolve_trivial()?
    .to_string();
    let suffix = Merge3::new(
        parts.base.1.as_str(),
        parts.ours.1.as_str(),
        parts.theirs.1.as_str(),
    )
    .resolve_trivial()?
    .to_string();
    ctx.depth += 1;
    let merged = merge_container(inners.as_ref(), ctx);
    ctx.depth -= 1;
    let (inside, _) = merged?;
    let mut pieces = vec![Piece::Text(prefix)];
    pieces.extend(inside);
    pieces.push(Piece::Text(suffix));
    Some(pieces)
}
