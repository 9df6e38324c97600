//! The structured merge of whole Python files, run on every stretch the
//! line merge and the layer-list merge left in conflict.
//!
//! Each version is parsed; the module's statements are a sibling sequence
//! ([`siblings`](super::siblings)), diffed three ways into stable elements
//! and hunks ([`hunks`](super::hunks)). Each hunk — the smallest run of
//! whole siblings at one nesting level that the sides changed — goes
//! through a chain of resolvers, most specific first:
//!
//! 1. same change twice ([`SAME_CHANGE_CHAIN`]: pytokens' `same_change_resolver`,
//!    then the same with an assigned value's parentheses changed, `unwrapped`),
//! 2. imports ([`imports`](super::imports)),
//! 3. named members ([`members`](super::members)),
//! 4. dict/set entries, `__all__`, set-like arguments, import names
//!    ([`entries`](super::entries)),
//! 5. token-level sub-line merge ([`ELEMENT_CHAIN`]: pytokens' `token_resolver`),
//! 6. git-style lines over the hunk alone.
//!
//! **The resolver interface.** A [`Resolver`] is a plain function given a
//! [`Hunk`] (the three containers, with every element's node, key, text
//! span and comma, and the index range of the hunk in each) and the
//! [`Context`]. It answers [`Resolution::NotMine`], or
//! [`Resolution::Resolved`] with the [`Item`]s that replace the hunk —
//! elements taken verbatim from a version, or merged pieces, which may hold
//! a [`Piece::Conflict`] narrowed to one element — and the [`Decision`] the
//! report shows. A resolver that merges an element both sides changed calls
//! [`merge_element`], which recurses into the element's own container (a
//! class body, a dict value, an import's names), then the layer-list merge
//! of merge-rules §2 ([`Context::region_merge`]), then the element chain
//! ([`ELEMENT_CHAIN`], text-level resolvers such as a token merge), then
//! lines. To add a resolver: write `fn(&Hunk, &mut Context) -> Resolution`
//! and list it in [`HUNK_CHAIN`] (or a `TextResolver` in [`ELEMENT_CHAIN`]).
//!
//! Every clean result is parsed again and must hold every key the plan put
//! at the top level; otherwise the caller keeps what it had.

use std::ops::Range;

use super::hunks::{diff3_keyed, line_moves, Moves, Step};
use super::siblings::{module, parse_tree, Container, ContainerKind, Element};
use crate::core::merge3::{Merge3, Side};
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind, Report};

mod element;
mod render;
mod statements;
pub use element::{describe, merge_added, merge_element};
use render::render;
use statements::{moved_against_a_change, neighbouring_statements};

/// Deeper nesting of merged containers is left to the line merge.
const MAX_DEPTH: usize = 48;

/// A resolver of one hunk (see the module documentation).
pub type Resolver = for<'a, 't> fn(&Hunk<'a, 't>, &mut Context<'_>) -> Resolution<'a, 't>;

/// A resolver of one element both sides changed, given its three texts:
/// the merged text, clean, or `None`.
pub type TextResolver = fn(Merge3<&str>) -> Option<String>;

/// The hunk resolvers, in order; git-style lines come after them.
pub const HUNK_CHAIN: &[(&str, Resolver)] = &[
    ("imports", super::imports::resolve),
    ("members", super::members::resolve),
    ("entries", super::entries::resolve),
];

/// Text-level resolvers tried first on a hunk or an element both sides
/// changed: the same change made twice in different layouts (branch
/// `pytokens`).
pub const SAME_CHANGE_CHAIN: &[(&str, TextResolver)] = &[
    ("same-change", crate::python::submerge::same_change_resolver),
    (
        "same-change-unwrapped",
        crate::python::unwrapped::same_change_resolver,
    ),
];

/// Text-level resolvers tried on an element both sides changed, after its
/// own container and the layer-list merge, and on a hunk of statements no
/// keyed resolver took, before lines: the token-level sub-line merge
/// (branch `pytokens`).
pub const ELEMENT_CHAIN: &[(&str, TextResolver)] =
    &[("tokens", crate::python::submerge::token_resolver)];

/// The first text resolver of `chain` that settles `texts`.
fn first_text(chain: &[(&str, TextResolver)], texts: Merge3<&str>) -> Option<String> {
    chain.iter().find_map(|(_, resolver)| resolver(texts))
}

/// The token merge of [`ELEMENT_CHAIN`], kept only where verify's line
/// check (after its cheap filter) finds no deletion of a side undone and
/// no line doubled. A token diff pairs lines by their tokens, not as the
/// lines they are: ours deleting `self.l1 = layers.Dense(10)` and moving
/// `self.l3 = layers.Dense(12)` up in its place, theirs deleting
/// `self.l3`, reads to it as an edit of two numbers and a deletion both
/// made, where the line diff anchors `self.l3` and sees no move (branch
/// fuzz5).
fn token_text(texts: Merge3<&str>) -> Option<String> {
    let text = first_text(ELEMENT_CHAIN, texts)?;
    let (b, o, t) = (texts.base, texts.ours, texts.theirs);
    let holds = crate::verify::check_clean_lines(b, o, t, &text).is_ok();
    holds.then_some(text)
}

/// The text of the side whose change already holds the other side's
/// ([`restyled`](super::restyled)), kept only where verify's line check
/// passes it; the decision recorded.
fn held_change(texts: Merge3<&str>, subject: &str, ctx: &mut Context<'_>) -> Option<String> {
    let (_, text, kind, detail) = super::restyled::holding_side(texts)?;
    let (b, o, t) = (texts.base, texts.ours, texts.theirs);
    crate::verify::check_clean_lines(b, o, t, &text)
        .is_ok()
        .then_some(())?;
    ctx.report.push(Decision::new(kind, subject, detail));
    Some(text)
}

/// The layer-list merge of three texts: its result when it applies (clean,
/// or with clashes drawn around whole layers).
pub type RegionMerge<'a> = dyn Fn(Merge3<&str>) -> Option<Vec<Piece>> + 'a;

/// What the resolvers share: settings, the nesting depth, the report.
pub struct Context<'o> {
    /// Keyword arguments whose list values merge as sets.
    pub set_arguments: &'o [String],
    /// The layer-list merge of merge-rules §2 for a top-level element:
    /// its clean result, if any.
    pub region_merge: Option<&'o RegionMerge<'o>>,
    pub report: Report,
    depth: usize,
    /// Hunks where a side moved an element the other side deleted,
    /// changed or moved, drawn as a conflict or left to the element around
    /// them: a clash no merge by lines or tokens may settle (a line merge
    /// keeps the moved copy; a token merge gave a moved entry's new value
    /// to its neighbour).
    move_clashes: usize,
}

impl<'o> Context<'o> {
    pub fn new(set_arguments: &'o [String], region_merge: Option<&'o RegionMerge<'o>>) -> Self {
        Self {
            set_arguments,
            region_merge,
            report: Report::default(),
            depth: 0,
            move_clashes: 0,
        }
    }
}

/// A run of siblings the sides changed.
pub struct Hunk<'a, 't> {
    pub containers: Merge3<&'a Container<'t>>,
    /// The hunk's element indices in each container.
    pub ranges: Merge3<Range<usize>>,
    /// The moves the hunk holds (both ends of each).
    pub moves: Moves,
}

impl<'a, 't> Hunk<'a, 't> {
    pub fn elements(&self) -> Merge3<&'a [Element<'t>]> {
        Merge3::new(
            &self.containers.base.elements[self.ranges.base.clone()],
            &self.containers.ours.elements[self.ranges.ours.clone()],
            &self.containers.theirs.elements[self.ranges.theirs.clone()],
        )
    }

    /// The text the hunk covers in each version.
    pub fn texts(&self) -> Merge3<&'t str> {
        let text = |c: &Container<'t>, r: &Range<usize>| -> &'t str {
            let start = r
                .clone()
                .next()
                .map(|i| c.elements[i].span.start)
                .unwrap_or_else(|| {
                    c.elements
                        .get(r.start)
                        .map_or(c.tail.start, |e| e.span.start)
                });
            let end = r.clone().last().map_or(start, |i| c.elements[i].span.end);
            c.slice(&(start..end))
        };
        Merge3::new(
            text(self.containers.base, &self.ranges.base),
            text(self.containers.ours, &self.ranges.ours),
            text(self.containers.theirs, &self.ranges.theirs),
        )
    }

    pub fn kind(&self) -> ContainerKind {
        self.containers.ours.kind
    }
}

/// What a resolver made of a hunk.
pub enum Resolution<'a, 't> {
    Resolved {
        items: Vec<Item<'a, 't>>,
        decision: Decision,
    },
    NotMine,
}

/// One element of a merged container.
pub enum Item<'a, 't> {
    /// An element verbatim from one version's container.
    Element(&'a Container<'t>, usize),
    /// Merged text for one element (or a hunk), conflicts included.
    Pieces {
        key: Option<String>,
        pieces: Vec<Piece>,
    },
}

impl Item<'_, '_> {
    fn holds_conflict(&self) -> bool {
        matches!(self, Item::Pieces { pieces, .. } if pieces.iter().any(|p| matches!(p, Piece::Conflict(_))))
    }

    pub fn key(&self) -> Option<&str> {
        match self {
            Item::Element(c, i) => c.elements[*i].key.as_deref(),
            Item::Pieces { key, .. } => key.as_deref(),
        }
    }
}

/// A merged module: pieces and the decisions taken.
pub struct Merged {
    pub pieces: Vec<Piece>,
    pub report: Report,
}

/// Merges three versions of a stretch of top-level statements. `None`
/// when a version does not parse, the structure is not one this merge
/// handles, or the clean result does not verify.
pub fn merge_module(texts: Merge3<&str>, ctx: Context<'_>) -> Option<Merged> {
    let trees = Merge3::new(
        parse_tree(texts.base)?,
        parse_tree(texts.ours)?,
        parse_tree(texts.theirs)?,
    );
    let containers = Merge3::new(
        module(&trees.base, texts.base)?,
        module(&trees.ours, texts.ours)?,
        module(&trees.theirs, texts.theirs)?,
    );
    let mut ctx = ctx;
    let (pieces, keys) = merge_container(containers.as_ref(), &mut ctx)?;
    if !pieces.iter().any(|p| matches!(p, Piece::Conflict(_))) {
        let text = crate::core::render::text_outside_conflicts(&pieces);
        verify(&text, &keys)?;
    }
    Some(Merged {
        pieces,
        report: ctx.report,
    })
}

/// The clean result parses and holds every planned top-level key.
fn verify(text: &str, keys: &[String]) -> Option<()> {
    let tree = parse_tree(text)?;
    let merged = module(&tree, text)?;
    let found: std::collections::HashSet<&str> = merged
        .elements
        .iter()
        .filter_map(|e| e.key.as_deref())
        .collect();
    keys.iter()
        .all(|k| found.contains(k.as_str()))
        .then_some(())
}

/// Merges one container (the same one in three versions): the pieces of
/// its whole span, and the keys of its merged elements.
pub fn merge_container(
    c: Merge3<&Container<'_>>,
    ctx: &mut Context<'_>,
) -> Option<(Vec<Piece>, Vec<String>)> {
    if c.base.layout != c.ours.layout || c.base.layout != c.theirs.layout {
        return None;
    }
    // A call repeating a keyword, or a dict literal repeating a key, has no
    // one element per key to merge by: it is merged by lines.
    if matches!(c.base.kind, ContainerKind::Arguments | ContainerKind::Dict)
        && [c.base, c.ours, c.theirs].iter().any(|x| repeats_a_key(x))
    {
        return None;
    }
    let head = c.map_ref(|x| x.slice(&x.head)).resolve_trivial()?;
    let tail = c.map_ref(|x| x.slice(&x.tail)).resolve_trivial()?;
    let separator = c.map_ref(|x| x.separator.as_str()).resolve_trivial()?;
    // An empty version has no trailing-comma style of its own.
    let style = [c.base, c.ours, c.theirs]
        .iter()
        .find(|x| !x.elements.is_empty())
        .is_some_and(|x| x.trailing_comma);
    let trailing = c
        .map_ref(|x| {
            if x.elements.is_empty() {
                style
            } else {
                x.trailing_comma
            }
        })
        .resolve_trivial()?;
    let same = c.map_ref(|x| {
        x.elements
            .iter()
            .map(|e| e.same.as_str())
            .collect::<Vec<_>>()
    });
    let keys = c.map_ref(|x| {
        x.elements
            .iter()
            .map(|e| e.key.as_deref())
            .collect::<Vec<_>>()
    });
    let mut items: Vec<Item<'_, '_>> = Vec::new();
    for step in diff3_keyed(
        same.as_ref().map(|s| s.as_slice()),
        Some(keys.as_ref().map(|k| k.as_slice())),
    ) {
        match step {
            Step::Stable(at) => items.push(Item::Element(c.ours, at.ours)),
            Step::Hunk(ranges, moves) => {
                let hunk = Hunk {
                    containers: c,
                    ranges,
                    moves,
                };
                let resolved = resolve_hunk(&hunk, ctx);
                if moves == Moves::Clash
                    && resolved
                        .as_ref()
                        .is_none_or(|items| items.iter().any(Item::holds_conflict))
                {
                    ctx.move_clashes += 1;
                }
                let resolved = resolved?;
                items.extend(resolved);
            }
        }
    }
    let keys = items
        .iter()
        .filter_map(|i| i.key().map(str::to_string))
        .collect();
    let pieces = render(c.ours, &items, head, tail, separator, trailing);
    Some((pieces, keys))
}

/// Whether two elements of a container have the same key.
fn repeats_a_key(container: &Container<'_>) -> bool {
    let mut seen = std::collections::HashSet::new();
    container
        .elements
        .iter()
        .filter_map(|e| e.key.as_deref())
        .any(|key| !seen.insert(key))
}

/// One hunk: a side that changed nothing yields to the other; else the
/// resolver chain; else lines over the hunk alone.
fn resolve_hunk<'a, 't>(hunk: &Hunk<'a, 't>, ctx: &mut Context<'_>) -> Option<Vec<Item<'a, 't>>> {
    let e = hunk.elements();
    let same = e.map_ref(|x| x.iter().map(|y| y.same.as_str()).collect::<Vec<_>>());
    let take =
        |c: &'a Container<'t>, r: &Range<usize>| r.clone().map(|i| Item::Element(c, i)).collect();
    match same.trivial_side() {
        Some(Side::Base) => return Some(take(hunk.containers.ours, &hunk.ranges.ours)),
        Some(Side::Ours) => return Some(take(hunk.containers.ours, &hunk.ranges.ours)),
        Some(Side::Theirs) => return Some(take(hunk.containers.theirs, &hunk.ranges.theirs)),
        None => {}
    }
    if hunk.kind().is_block() {
        if let Some(text) = first_text(SAME_CHANGE_CHAIN, hunk.texts()) {
            ctx.report.push(Decision::new(
                DecisionKind::SameChange,
                "a run of statements",
                "both sides made the same change in different layouts; kept once",
            ));
            return Some(vec![Item::Pieces {
                key: None,
                pieces: vec![Piece::Text(text)],
            }]);
        }
    }
    if hunk.kind().is_block() {
        if let Some(text) = held_change(hunk.texts(), "a run of statements", ctx) {
            return Some(vec![Item::Pieces {
                key: None,
                pieces: vec![Piece::Text(text)],
            }]);
        }
    }
    for (_, resolver) in HUNK_CHAIN {
        if let Resolution::Resolved { items, decision } = resolver(hunk, ctx) {
            ctx.report.push(decision);
            return Some(items);
        }
    }
    if hunk.moves == Moves::Clash {
        // Between commas a clash drawn over several elements could cut
        // the container's layout: the element around it is merged whole.
        return hunk
            .kind()
            .is_block()
            .then(|| vec![moved_against_a_change(hunk, ctx)]);
    }
    // One element each, changed on both sides: the same element, whatever
    // its key.
    if hunk.ranges.map_ref(|r| r.len()) == Merge3::new(1, 1, 1)
        && e.base[0].node.kind() == e.ours[0].node.kind()
        && e.base[0].node.kind() == e.theirs[0].node.kind()
    {
        let at = hunk.ranges.map_ref(|r| r.start);
        return Some(vec![merge_element(hunk, at, ctx)]);
    }
    if !hunk.kind().is_block() {
        // Lines inside a literal or a call could cut an element in half:
        // the element around it is merged as a whole instead.
        return None;
    }
    let texts = hunk.texts();
    // A token merge sees a move as a deletion and an insertion: a hunk
    // holding one is merged by lines, a move of whole statements as much
    // as a line moved inside one (a class both sides changed: one side
    // moving `self.l3 = ...` up over the deleted `self.l1 = ...`, the
    // other deleting `self.l3`, would read to the token merge as an edit
    // of two numbers and a deletion both made). In a function body,
    // statements one side added or removed next to the other side's edit
    // (a line wrapped into an `if` beside a line inserted before it) are
    // ordered code whose place a token merge would guess: merged by lines.
    let counts = hunk.ranges.map_ref(|r| r.len());
    let same_count = counts.base == counts.ours && counts.base == counts.theirs;
    if let Some(text) = (hunk.moves == Moves::None
        && (hunk.kind() != ContainerKind::FunctionBody || same_count)
        && line_moves(texts) == Moves::None)
        .then(|| token_text(texts))
        .flatten()
    {
        ctx.report.push(Decision::new(
            DecisionKind::TokensMerged,
            "a run of statements",
            "both sides changed these lines at different tokens; merged token by token",
        ));
        return Some(vec![Item::Pieces {
            key: None,
            pieces: vec![Piece::Text(text)],
        }]);
    }
    if hunk.moves == Moves::None && line_moves(texts) == Moves::None {
        if let Some(items) = neighbouring_statements(hunk, ctx) {
            return Some(items);
        }
    }
    let pieces = lines_with_report(texts, "a run of statements", ctx);
    Some(vec![Item::Pieces { key: None, pieces }])
}

/// A line merge of `texts`, each clash recorded.
fn lines_with_report(texts: Merge3<&str>, subject: &str, ctx: &mut Context<'_>) -> Vec<Piece> {
    let pieces = crate::python::memo::lines(texts);
    for p in &pieces {
        if let Piece::Conflict(c) = p {
            ctx.report.push(Decision::clash(
                subject.to_string(),
                "both sides changed the same lines",
                &c.ours,
                &c.theirs,
            ));
        }
    }
    pieces
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod set_argument_tests;
