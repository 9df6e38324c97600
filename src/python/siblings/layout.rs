//! A delimited container split into its elements, by its layout: all on
//! one line with one separator ([`Layout::Inline`]), or one element per
//! line, each with its own comma and comments ([`Layout::Lines`]).

use std::ops::Range;

use tree_sitter::Node;

use super::{item_key, line_end_incl, line_start, node_text};
use super::{Container, ContainerKind, Element, Layout};

pub(super) fn inline_layout<'t>(
    kind: ContainerKind,
    text: &'t str,
    span: Range<usize>,
    open: usize,
    close: usize,
    inside: &[Node<'t>],
    owner: Option<String>,
) -> Option<Container<'t>> {
    let items: Vec<Node<'t>> = inside.iter().copied().filter(|c| c.kind() != ",").collect();
    let mut elements = Vec::with_capacity(items.len());
    for &node in &items {
        elements.push(Element {
            node,
            key: item_key(kind, node, text),
            span: node.byte_range(),
            comma: None,
            same: node_text(node, text).to_string(),
        });
    }
    let trailing_comma = inside.last().is_some_and(|c| c.kind() == ",");
    let separator = match (items.first(), items.get(1)) {
        (Some(a), Some(b)) => text.get(a.end_byte()..b.start_byte())?.to_string(),
        _ => ", ".to_string(),
    };
    if items.len() > 2
        && items
            .windows(2)
            .any(|w| text.get(w[0].end_byte()..w[1].start_byte()) != Some(separator.as_str()))
    {
        return None;
    }
    let (head_end, tail_start) = match (items.first(), inside.last()) {
        (Some(f), Some(l)) => (f.start_byte(), l.end_byte()),
        _ => (close, close),
    };
    let _ = open;
    Some(Container {
        kind,
        layout: Layout::Inline,
        text,
        span: span.clone(),
        head: span.start..head_end,
        tail: tail_start..span.end,
        elements,
        separator,
        trailing_comma,
        owner,
    })
}

pub(super) fn lines_layout<'t>(
    kind: ContainerKind,
    text: &'t str,
    open: usize,
    close: usize,
    span: Range<usize>,
    inside: &[Node<'t>],
    owner: Option<String>,
) -> Option<Container<'t>> {
    // The open bracket ends its line (a comment aside).
    let after_open = &text[open..line_end_incl(text, open)];
    if !(after_open.trim().is_empty() || after_open.trim_start().starts_with('#')) {
        return None;
    }
    let first_line = line_end_incl(text, open);
    let mut elements: Vec<Element<'t>> = Vec::new();
    let mut pos = first_line.min(close);
    let mut i = 0;
    while i < inside.len() {
        let node = inside[i];
        if node.kind() == "comment" || node.kind() == "," {
            i += 1;
            continue;
        }
        if node.start_byte() < pos
            || !text[line_start(text, node.start_byte())..node.start_byte()]
                .trim()
                .is_empty()
        {
            return None;
        }
        let comma = inside
            .get(i + 1)
            .filter(|c| c.kind() == ",")
            .map(|c| c.byte_range());
        let code_end = comma.as_ref().map_or(node.end_byte(), |c| c.end);
        let end = line_end_incl(text, code_end);
        let rest = &text[code_end..end];
        if !(rest.trim().is_empty() || rest.trim_start().starts_with('#')) || end > close {
            return None;
        }
        let span = pos..end;
        let mut same = String::with_capacity(span.len());
        match &comma {
            Some(c) => {
                same.push_str(&text[span.start..c.start]);
                same.push_str(&text[c.end..span.end]);
            }
            None => same.push_str(&text[span.clone()]),
        }
        elements.push(Element {
            node,
            key: item_key(kind, node, text),
            span,
            comma,
            same,
        });
        pos = end;
        i += 1;
    }
    let trailing_comma = elements.last().is_some_and(|e| e.comma.is_some());
    let head_end = elements.first().map_or(pos, |e| e.span.start);
    Some(Container {
        kind,
        layout: Layout::Lines,
        text,
        span: span.clone(),
        head: span.start..head_end,
        tail: pos..span.end,
        elements,
        separator: String::new(),
        trailing_comma,
        owner,
    })
}
