//! The merge of one element both sides changed, for the whole-file merge:
//! inside its own container (a class body, a dict value, an import's
//! names), else the layer-list merge, the element chain and lines, a clash
//! narrowed to the element; and how the report names an element.

use super::{
    first_text, held_change, lines_with_report, merge_container, token_text, Context, Hunk, Item,
    MAX_DEPTH, SAME_CHANGE_CHAIN,
};
use crate::core::merge3::{Merge3, Side};
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};
use crate::python::hunks::{line_moves, Moves};
use crate::python::siblings::{
    function_parts, inner, is_function, Container, ContainerKind, Element,
};

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
    if c.ours.kind.is_block() {
        if let Some(text) = held_change(texts, &describe(key.as_deref()), ctx) {
            return Item::Pieces {
                key,
                pieces: vec![Piece::Text(text)],
            };
        }
    }
    let function = is_function(e.ours.node);
    let module = c.ours.kind == ContainerKind::Module;
    // A function's layer lists merge by the rules of merge-rules §2 first.
    if function && module {
        if let Some(pieces) = ctx.region_merge.and_then(|f| f(texts)) {
            return Item::Pieces { key, pieces };
        }
    }
    // A function body merged statement by statement, its clashes narrowed
    // to the statements: kept when nothing below does better.
    let mut narrowed = None;
    let move_clashes = ctx.move_clashes;
    if ctx.depth < MAX_DEPTH {
        let before = ctx.report.decisions.len();
        if let Some(pieces) = merge_inside(c, e, ctx) {
            let clashed = pieces.iter().any(|p| matches!(p, Piece::Conflict(_)));
            // A top-level class whose body clashed: the layer-list merge
            // of the whole class (its call statements merged argument by
            // argument, the rest by lines) may settle what the body merge
            // could not (a call both sides gave a keyword argument, inside
            // a method); kept when it leaves fewer conflicts. Not over a
            // member one side moved and the other deleted or changed (a
            // method moved to the end and edited, deleted by the other
            // side): by lines both deleted it and one added a new one.
            if clashed && module && !function && ctx.move_clashes == move_clashes {
                if let Some(better) = region_merge_with_fewer(ctx, texts, &pieces) {
                    ctx.report.decisions.truncate(before);
                    ctx.report.push(Decision::new(
                        DecisionKind::TookBoth,
                        describe(key.as_deref()),
                        "both sides changed this class; merged as a stretch of code (call arguments one by one, the rest by lines), which settles more than its members one by one",
                    ));
                    return Item::Pieces {
                        key,
                        pieces: better,
                    };
                }
            }
            if !(function && clashed) {
                ctx.report.push(match function {
                    true => Decision::new(
                        DecisionKind::StatementsMerged,
                        describe(key.as_deref()),
                        "both sides changed this function; its parameters and statements were merged one by one",
                    ),
                    false => Decision::new(
                        DecisionKind::TookBoth,
                        describe(key.as_deref()),
                        "both sides changed this element; their changes inside it were merged",
                    ),
                });
                return Item::Pieces { key, pieces };
            }
            let decisions = ctx.report.decisions.split_off(before);
            narrowed = Some((pieces, decisions));
        }
    }
    if module && !function {
        if let Some(pieces) = ctx.region_merge.and_then(|f| f(texts)) {
            return Item::Pieces { key, pieces };
        }
    }
    let use_narrowed = |ctx: &mut Context<'_>, (pieces, decisions): (Vec<Piece>, Vec<Decision>)| {
        ctx.report.decisions.extend(decisions);
        ctx.report.push(Decision::new(
            DecisionKind::StatementsMerged,
            describe(key.as_deref()),
            "both sides changed this function; its statements were merged one by one, the clashing ones are conflicts of their own",
        ));
        Item::Pieces {
            key: key.clone(),
            pieces,
        }
    };
    // The element's own lines, diffed: a move there is a deletion and an
    // insertion to a token or line merge. So is a named element moved and
    // changed inside it, against the other side's change (the merge
    // inside found it and left it to this element).
    let moves = if ctx.move_clashes > move_clashes {
        Moves::Clash
    } else {
        line_moves(texts)
    };
    if moves == Moves::Clash {
        if let Some(n) = narrowed {
            return use_narrowed(ctx, n);
        }
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
    if let Some(text) = (moves == Moves::None).then(|| token_text(texts)).flatten() {
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
    if let Some(n) = narrowed {
        return use_narrowed(ctx, n);
    }
    let pieces = lines_with_report(texts, &describe(key.as_deref()), ctx);
    Item::Pieces { key, pieces }
}

/// One element both sides added under one key (no base) with different
/// texts: one text when it is the same change twice in two layouts
/// ([`SAME_CHANGE_CHAIN`]), or when one side's version already holds the
/// other's ([`held_change`]: the other side's lines are in it, in order);
/// `None` leaves the clash.
pub fn merge_added(
    texts: Merge3<&str>,
    key: Option<&str>,
    ctx: &mut Context<'_>,
) -> Option<String> {
    if let Some(text) = first_text(SAME_CHANGE_CHAIN, texts) {
        ctx.report.push(Decision::new(
            DecisionKind::SameChange,
            describe(key),
            "both sides added it, the same tokens in different layouts; kept once",
        ));
        return Some(text);
    }
    held_change(texts, &describe(key), ctx)
}

/// An element's own containers merged (a function's parameters and body,
/// else the one container inside it), the text around and between them
/// taken from whichever side changed it.
fn merge_inside(
    c: Merge3<&Container<'_>>,
    e: Merge3<&Element<'_>>,
    ctx: &mut Context<'_>,
) -> Option<Vec<Piece>> {
    let sets = ctx.set_arguments;
    let parts = |node, text| match is_function(node) {
        true => function_parts(node, text),
        false => inner(node, text, sets).map(|i| vec![i]),
    };
    let inners = Merge3::new(
        parts(e.base.node, c.base.text)?,
        parts(e.ours.node, c.ours.text)?,
        parts(e.theirs.node, c.theirs.text)?,
    );
    let kinds = |v: &Vec<Container<'_>>| v.iter().map(|i| i.kind).collect::<Vec<_>>();
    if kinds(&inners.base) != kinds(&inners.ours) || kinds(&inners.base) != kinds(&inners.theirs) {
        return None;
    }
    // The texts around the containers: before the first, between two, after
    // the last.
    let gaps = |x: &Container<'_>, el: &Element<'_>, inside: &[Container<'_>]| {
        let mut at = el.span.start;
        let mut out = Vec::with_capacity(inside.len() + 1);
        for i in inside {
            out.push(x.slice(&(at..i.span.start.max(at))).to_string());
            at = i.span.end.max(at);
        }
        out.push(x.slice(&(at..el.span.end.max(at))).to_string());
        out
    };
    let around = Merge3::new(
        gaps(c.base, e.base, &inners.base),
        gaps(c.ours, e.ours, &inners.ours),
        gaps(c.theirs, e.theirs, &inners.theirs),
    );
    let mut texts = Vec::with_capacity(around.base.len());
    for i in 0..around.base.len() {
        let gap = Merge3::new(
            around.base[i].as_str(),
            around.ours[i].as_str(),
            around.theirs[i].as_str(),
        );
        texts.push(gap.resolve_trivial()?.to_string());
    }
    let mut pieces = Vec::new();
    ctx.depth += 1;
    for (i, gap) in texts.into_iter().enumerate() {
        pieces.push(Piece::Text(gap));
        if i < inners.base.len() {
            let merged = merge_container(
                Merge3::new(&inners.base[i], &inners.ours[i], &inners.theirs[i]),
                ctx,
            );
            let Some((inside, _)) = merged else {
                ctx.depth -= 1;
                return None;
            };
            pieces.extend(inside);
        }
    }
    ctx.depth -= 1;
    Some(pieces)
}

/// The layer-list merge of an element's texts, when it leaves fewer
/// conflicts than `pieces`.
fn region_merge_with_fewer(
    ctx: &Context<'_>,
    texts: Merge3<&str>,
    pieces: &[Piece],
) -> Option<Vec<Piece>> {
    let conflicts = |p: &[Piece]| p.iter().filter(|x| matches!(x, Piece::Conflict(_))).count();
    let merged = ctx.region_merge.and_then(|f| f(texts))?;
    (conflicts(&merged) < conflicts(pieces)).then_some(merged)
}
