//! Two hunk outcomes that look at the run of statements as a whole:
//! both sides changed neighbouring statements (each side's statements
//! kept, in base order), and a move against a change (one conflict).

use super::{Context, Hunk, Item};
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};

/// Both sides changed neighbouring statements, none changed by both
/// ([`neighbours`](crate::python::neighbours)): each side's statements verbatim,
/// kept only where verify's line check passes the result.
pub(super) fn neighbouring_statements<'a, 't>(
    hunk: &Hunk<'a, 't>,
    ctx: &mut Context<'_>,
) -> Option<Vec<Item<'a, 't>>> {
    let c = hunk.containers;
    let element_texts = hunk
        .elements()
        .zip(c)
        .map(|(es, c)| es.iter().map(|e| c.element_text(e)).collect::<Vec<_>>());
    let order = crate::python::neighbours::merge(hunk.elements(), &element_texts)?;
    let mut text = String::new();
    let mut items: Vec<Item<'a, 't>> = Vec::with_capacity(order.len());
    for placed in order {
        let own = *element_texts.get(placed.side).get(placed.index)?;
        let at = hunk.ranges.get(placed.side).start + placed.index;
        let container = *c.get(placed.side);
        match placed.lead {
            None => {
                text.push_str(own);
                items.push(Item::Element(container, at));
            }
            Some(lead) => {
                let rest = &own[crate::python::neighbours::blank_lead(own).len()..];
                let written = format!("{lead}{rest}");
                text.push_str(&written);
                items.push(Item::Pieces {
                    key: container.elements[at].key.clone(),
                    pieces: vec![Piece::Text(written)],
                });
            }
        }
    }
    let texts = hunk.texts();
    crate::verify::check_clean_lines(texts.base, texts.ours, texts.theirs, &text)
        .is_ok()
        .then_some(())?;
    ctx.report.push(Decision::new(
        DecisionKind::StatementsMerged,
        "a run of statements",
        "both sides changed neighbouring statements, none changed by both; each side's statements kept, in base order",
    ));
    Some(items)
}

/// A hunk where one side moved an element the other deleted, changed or
/// moved elsewhere: one conflict over the hunk (merge-rules: delete vs
/// move is a conflict; a line merge would keep the moved copy).
pub(super) fn moved_against_a_change<'a, 't>(
    hunk: &Hunk<'a, 't>,
    ctx: &mut Context<'_>,
) -> Item<'a, 't> {
    let texts = hunk.texts();
    ctx.report.push(Decision::clash(
        "a run of elements",
        "one side moved an element the other side deleted, changed or moved",
        texts.ours,
        texts.theirs,
    ));
    Item::Pieces {
        key: None,
        pieces: vec![Piece::Conflict(texts.map(str::to_string))],
    }
}
