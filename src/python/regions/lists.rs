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
#[cfg(test)]
use crate::python::parse::queries::compiled;
use crate::python::parse::tokens::{node_text, tokens};

struct ListMatch<'t> {
    pattern: usize,
    container: Node<'t>,
    elements: Node<'t>,
    ctor: String,
}

/// A container query, its rank (precedence), and its callee filter.
pub(super) type ContainerQuery = (usize, &'static Query, Option<fn(&str) -> bool>);

pub(super) fn list_regions(
    text: &str,
    tree: &Tree,
    queries: &[ContainerQuery],
    facts: &TreeFacts,
) -> Vec<Region> {
    let mut best: HashMap<usize, ListMatch<'_>> = HashMap::new();
    for &(rank, query, callee) in queries {
        for candidate in container_matches(text, tree, query, callee, facts) {
            let candidate = ListMatch {
                pattern: rank,
                ..candidate
            };
            match best.get(&candidate.container.id()) {
                Some(existing) if existing.pattern <= candidate.pattern => {}
                _ => {
                    best.insert(candidate.container.id(), candidate);
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

/// The matches of one container query, in the order the query gives
/// them: over the whole tree, or, with a callee filter, on each call whose
/// callee passes it (only the matches whose `@container` is that call:
/// the whole tree's matches, since every `@container` passes the filter).
fn container_matches<'t>(
    text: &str,
    tree: &'t Tree,
    query: &Query,
    callee: Option<fn(&str) -> bool>,
    facts: &TreeFacts<'t>,
) -> Vec<ListMatch<'t>> {
    let roots: Vec<Node<'t>> = match callee {
        None => vec![tree.root_node()],
        Some(passes) => facts
            .calls
            .iter()
            .copied()
            .filter(|call| callee_passes(*call, text, passes))
            .collect(),
    };
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut out = Vec::new();
    for root in roots {
        let mut matches = cursor.matches(query, root, text.as_bytes());
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
            if callee.is_some() && container.id() != root.id() {
                continue;
            }
            out.push(ListMatch {
                pattern: 0,
                container,
                elements,
                ctor,
            });
        }
    }
    out
}

/// Whether the callee of `call` (its `function:`) passes a query's filter.
pub(super) fn callee_passes(call: Node<'_>, text: &str, passes: fn(&str) -> bool) -> bool {
    call.child_by_field_name("function")
        .is_some_and(|f| passes(node_text(f, text)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::queries::CONTAINER_QUERIES;

    fn found(matches: Vec<ListMatch<'_>>) -> Vec<(usize, usize, usize, String)> {
        let mut out: Vec<_> = matches
            .iter()
            .map(|m| {
                (
                    m.container.start_byte(),
                    m.container.end_byte(),
                    m.elements.start_byte(),
                    m.ctor.clone(),
                )
            })
            .collect();
        // Per container the query's order stands (the first match wins).
        out.sort_by_key(|m| (m.0, std::cmp::Reverse(m.1)));
        out
    }

    /// Each container query run on the calls its callee filter passes
    /// finds what it finds over the whole tree, on every fixture version
    /// and on nested and decoy calls.
    #[test]
    fn the_callee_filter_keeps_every_match_of_the_whole_tree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python");
        let mut texts = vec![
            "m = Sequential([Dense(1), keras.Sequential(layers=[Dense(2)], layers=[x])])\n\
             t = nn.Sequential(OrderedDict([('a', nn.Sequential(nn.ReLU()))]), x)\n\
             u = MySequential([a]); v = Sequential.x([b]); w = a.b.ModuleList([c])\n\
             z = f(Sequential)([d]); y = nn . Sequential(e)\n"
                .to_string(),
        ];
        for case in std::fs::read_dir(&root).unwrap() {
            for version in ["base.py", "ours.py", "theirs.py", "expected.py"] {
                if let Ok(text) =
                    std::fs::read_to_string(case.as_ref().unwrap().path().join(version))
                {
                    texts.push(text);
                }
            }
        }
        let mut total = 0;
        for text in &texts {
            let tree = crate::python::memo::tree(text).unwrap();
            let facts = TreeFacts::gather(&tree, text);
            for file in &CONTAINER_QUERIES {
                let query = compiled(file);
                let whole = found(container_matches(text, &tree, query, None, &facts));
                let filtered = found(container_matches(text, &tree, query, file.callee, &facts));
                assert_eq!(filtered, whole, "{} on {text}", file.name);
                total += whole.len();
            }
        }
        assert!(total > 100, "{total} matches");
    }
}
