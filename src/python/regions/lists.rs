//! Layer lists inside a call: `Sequential([...])`, `layers=[...]`,
//! `nn.Sequential(a, b)`, `OrderedDict([...])`, `ModuleList([...])`, found
//! by the container queries; one region each, inline or in line form.

use std::collections::HashMap;

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator, Tree};

use super::identity::layer_identity;
use super::{
    blank_or_comment, comment_unit, describe, line_end, own_line_start, Region, RegionKind, Unit,
};
use crate::python::parse::facts::TreeFacts;
use crate::python::parse::tokens::{node_text, tokens};

struct ListMatch<'t> {
    pattern: usize,
    container: Node<'t>,
    elements: Node<'t>,
    ctor: String,
}

pub(super) fn list_regions(
    text: &str,
    tree: &Tree,
    queries: &[(usize, &Query)],
    facts: &TreeFacts,
) -> Vec<Region> {
    let mut best: HashMap<usize, ListMatch<'_>> = HashMap::new();
    for &(rank, query) in queries {
        let names = query.capture_names();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
        while let Some(m) = matches.next() {
            let (mut container, mut elements, mut ctor) = (None, None, None);
            for c in m.captures {
                match names[c.index as usize] {
                    n if n.starts_with("container") => container = Some(c.node),
                    "elements" => elements = Some(c.node),
                    "callee" => {
                        ctor = node_text(c.node, text)
                            .rsplit('.')
                            .next()
                            .map(str::to_string)
                    }
                    _ => {}
                }
            }
            let (Some(container), Some(elements), Some(ctor)) = (container, elements, ctor) else {
                continue;
            };
            let candidate = ListMatch {
                pattern: rank,
                container,
                elements,
                ctor,
            };
            match best.get(&container.id()) {
                Some(existing) if existing.pattern <= candidate.pattern => {}
                _ => {
                    best.insert(container.id(), candidate);
                }
            }
        }
    }
    let mut found: Vec<ListMatch<'_>> = best.into_values().collect();
    found.sort_by_key(|m| {
        (
            m.container.start_byte(),
            std::cmp::Reverse(m.container.end_byte()),
        )
    });
    let mut regions: Vec<Region> = Vec::new();
    let mut outer_end = 0;
    for m in found {
        // Sorted by start, outermost first: a container inside the last
        // outer one starts before that one ends.
        if m.container.start_byte() < outer_end {
            continue;
        }
        outer_end = m.container.end_byte();
        if let Some(region) = list_region(text, &m, facts) {
            regions.push(region);
        }
    }
    regions
}

fn list_region(text: &str, m: &ListMatch<'_>, facts: &TreeFacts) -> Option<Region> {
    let open = m.elements.child(0)?;
    let close = m.elements.child(m.elements.child_count().checked_sub(1)?)?;
    if !matches!(open.kind(), "[" | "(") || !matches!(close.kind(), "]" | ")") {
        return None;
    }
    let (open_end, close_start) = (open.end_byte(), close.start_byte());
    let mut cursor = m.elements.walk();
    let children: Vec<Node<'_>> = m.elements.children(&mut cursor).collect();
    let mut units = Vec::new();
    let mut prev_end = open_end;
    for (i, child) in children.iter().enumerate() {
        if child.kind() == "comment"
            && child.start_byte() >= prev_end
            && own_line_start(text, child.start_byte())
        {
            units.push(comment_unit(
                text,
                prev_end..child.end_byte(),
                child.byte_range(),
            ));
            prev_end = child.end_byte();
            continue;
        }
        if !child.is_named() || child.kind() == "comment" {
            continue;
        }
        if child.kind() == "keyword_argument" {
            // nn.Sequential(a, b) takes no keywords; anything else is not a layer list.
            return None;
        }
        let comma = children
            .get(i + 1)
            .filter(|n| n.kind() == ",")
            .map(|n| n.byte_range());
        let mut end = comma.as_ref().map_or(child.end_byte(), |c| c.end);
        let rest_of_line = &text[end..line_end(text, end)];
        if blank_or_comment(rest_of_line)
            && rest_of_line
                .trim_start_matches([' ', '\t'])
                .starts_with('#')
        {
            end += rest_of_line.trim_end_matches(['\n', '\r']).len();
        }
        let (identity, ctor) = layer_identity(*child, text);
        units.push(Unit {
            span: prev_end..end,
            lines: None,
            body: child.byte_range(),
            comma,
            tokens: tokens(*child, text),
            identity,
            ctor,
            comment: false,
        });
        prev_end = end;
    }
    let scope = facts.scope(m.container);
    let target = facts.target(m.container);
    let mut region = Region {
        key: format!("list:{}@{}:{}", m.ctor, scope, target),
        kind: RegionKind::List,
        span: open_end..close_start,
        lines: None,
        units,
        describe: describe(&target, &m.ctor, &scope),
    };
    to_line_form(text, &mut region, close_start);
    Some(region)
}

/// Turns an inline list region into line form when every element starts
/// its own line and the closing bracket is on a line after the last one.
fn to_line_form(text: &str, region: &mut Region, close_start: usize) {
    let Some(last) = region.units.last() else {
        return;
    };
    let own_lines = region
        .units
        .iter()
        .all(|u| text[u.span.start..u.body.start].contains('\n'));
    let tail = &text[last.span.end..close_start];
    if !own_lines
        || !tail.contains('\n')
        || !blank_or_comment(&text[last.span.end..line_end(text, last.span.end)])
    {
        return;
    }
    for unit in &mut region.units {
        let start = unit.span.start + text[unit.span.start..].find('\n').map_or(0, |p| p + 1);
        unit.lines = Some(start..line_end(text, unit.span.end));
    }
    let first = region.units[0].lines.as_ref().map_or(0, |l| l.start);
    let end = region
        .units
        .last()
        .and_then(|u| u.lines.as_ref())
        .map_or(first, |l| l.end);
    region.lines = Some(first..end);
}
