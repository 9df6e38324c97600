//! Rendering a merged container: its head, the merged items (verbatim
//! elements or merged pieces) with the commas its layout needs, its tail.

use super::Item;
use crate::core::render::Piece;
use crate::python::siblings::{Container, Layout};

/// The container's text: head, the items with commas where the layout
/// needs them, tail.
pub(super) fn render(
    layout_of: &Container<'_>,
    items: &[Item<'_, '_>],
    head: &str,
    tail: &str,
    separator: &str,
    trailing: bool,
) -> Vec<Piece> {
    let mut out = vec![Piece::Text(head.to_string())];
    let delimited = !layout_of.kind.is_block();
    let n = items.len();
    for (i, item) in items.iter().enumerate() {
        let last = i + 1 == n;
        match layout_of.layout {
            Layout::Inline => {
                if i > 0 {
                    out.push(Piece::Text(separator.to_string()));
                }
                match item {
                    Item::Element(c, k) => {
                        out.push(Piece::Text(c.element_text(&c.elements[*k]).to_string()))
                    }
                    Item::Pieces { pieces, .. } => out.extend(pieces.iter().cloned()),
                }
                if last && trailing {
                    out.push(Piece::Text(",".into()));
                }
            }
            Layout::Lines => match item {
                Item::Element(c, k) => {
                    let e = &c.elements[*k];
                    let text = c.element_text(e);
                    let wants = delimited && (!last || trailing);
                    let rendered = match (&e.comma, wants) {
                        (None, true) => {
                            let at = e.node.end_byte() - e.span.start;
                            format!("{},{}", &text[..at], &text[at..])
                        }
                        (Some(comma), false) if delimited => {
                            let r = comma.start - e.span.start..comma.end - e.span.start;
                            format!("{}{}", &text[..r.start], &text[r.end..])
                        }
                        _ => text.to_string(),
                    };
                    out.push(Piece::Text(rendered));
                }
                Item::Pieces { pieces, .. } => out.extend(pieces.iter().cloned()),
            },
        }
    }
    out.push(Piece::Text(tail.to_string()));
    out
}
