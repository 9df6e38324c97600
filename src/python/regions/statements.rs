//! Runs of layer statements in one block: `model.add(...)`, a functional
//! chain `x = Dense(4)(x)`, the `self.x = Layer(...)` attributes of
//! `__init__` and the chain of `forward`/`call`, found by the statement
//! queries; a run is cut in parts at statements holding a region of their own.

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator, Tree};

use super::identity::{ctor_name, layer_identity, Identity};
use super::shapes::shape_matches;
use super::{comment_unit, describe, line_end, own_lines, Region, RegionKind, Taken, Unit};
use crate::python::parse::facts::TreeFacts;
use crate::python::parse::queries::StatementShape;
use crate::python::parse::tokens::{node_text, tokens};

struct StatementMatch<'t> {
    shape: StatementShape,
    statement: Node<'t>,
    layer: Node<'t>,
    receiver: String,
    key: Option<String>,
    /// Holds a region of its own: ends one part of the run, starts the next.
    splitter: bool,
}

pub(super) fn statement_regions(
    text: &str,
    tree: &Tree,
    queries: &[(StatementShape, Option<&Query>)],
    taken: &Taken,
    facts: &TreeFacts,
) -> Vec<Region> {
    let mut found: Vec<StatementMatch<'_>> = Vec::new();
    for &(shape, query) in queries {
        let matches = match query {
            Some(query) => query_matches(query, text, tree),
            None => shape_matches(shape, text, facts)
                .into_iter()
                .map(|m| (m.statement, m.layer, String::new(), m.key))
                .collect(),
        };
        for (statement, layer, receiver, key) in matches {
            let function = facts.function_name(statement);
            let in_place = match shape {
                StatementShape::Attributes => function == Some("__init__"),
                StatementShape::Chain => matches!(function, Some("call" | "forward")),
                StatementShape::Add | StatementShape::Functional => true,
            };
            // An attribute holding a layer list that merges on its own still
            // belongs to the run of attributes: it splits it in two.
            let splitter = taken.overlaps(&statement.byte_range());
            if in_place && (!splitter || shape == StatementShape::Attributes) {
                found.push(StatementMatch {
                    shape,
                    statement,
                    layer,
                    receiver,
                    key,
                    splitter,
                });
            }
        }
    }
    found.sort_by_key(|m| m.statement.start_byte());
    found.dedup_by_key(|m| m.statement.id());
    let mut regions = Vec::new();
    let mut run: Vec<StatementMatch<'_>> = Vec::new();
    for m in found {
        let continues = run.last().is_some_and(|prev| {
            prev.shape == m.shape
                && prev.receiver == m.receiver
                && facts.previous.get(&m.statement.id()) == Some(&prev.statement.id())
        });
        if !continues {
            regions.extend(run_regions(text, &run, facts));
            run.clear();
        }
        run.push(m);
    }
    regions.extend(run_regions(text, &run, facts));
    regions
}

/// The matches of a statement query: statement, layer, receiver and key.
type Captured<'t> = (Node<'t>, Node<'t>, String, Option<String>);

fn query_matches<'t>(query: &Query, text: &str, tree: &'t Tree) -> Vec<Captured<'t>> {
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    let mut out = Vec::new();
    while let Some(m) = matches.next() {
        let (mut statement, mut layer, mut receiver, mut key) = (None, None, String::new(), None);
        for c in m.captures {
            match names[c.index as usize] {
                "statement" => statement = Some(c.node),
                "layer" => layer = Some(c.node),
                "receiver" => receiver = node_text(c.node, text).to_string(),
                "key" => key = Some(node_text(c.node, text).to_string()),
                _ => {}
            }
        }
        if let (Some(statement), Some(layer)) = (statement, layer) {
            out.push((statement, layer, receiver, key));
        }
    }
    out
}

/// The regions of one run: the statements between splitters, each part
/// named after the splitter before it (and present, maybe empty, after
/// every splitter, so insertions there merge too).
fn run_regions(text: &str, run: &[StatementMatch<'_>], facts: &TreeFacts) -> Vec<Region> {
    let mut regions = Vec::new();
    let mut part: Vec<&StatementMatch<'_>> = Vec::new();
    let mut after: Option<&StatementMatch<'_>> = None;
    for m in run {
        if m.splitter {
            regions.extend(statement_region(text, &part, after, facts));
            part.clear();
            after = Some(m);
        } else {
            part.push(m);
        }
    }
    regions.extend(statement_region(text, &part, after, facts));
    regions
}

/// One part of a run: `run` may be empty only after a splitter.
fn statement_region(
    text: &str,
    run: &[&StatementMatch<'_>],
    after: Option<&StatementMatch<'_>>,
    facts: &TreeFacts,
) -> Option<Region> {
    let first = run.first().copied().or(after)?;
    let mut units = Vec::new();
    let mut prev_end: Option<usize> = None;
    for &m in run {
        let lines = own_lines(text, m.statement)?;
        let (identity, ctor) = match &m.key {
            Some(key) => (
                Some(Identity::Attribute(key.clone())),
                ctor_name(m.layer, text).map(str::to_string),
            ),
            None => layer_identity(m.layer, text),
        };
        let mut start = prev_end.unwrap_or(lines.start);
        // Comment lines between two statements are units of their own.
        while let Some(offset) = text[start..lines.start].find('#') {
            let comment = start + offset;
            let end = line_end(text, comment);
            let body = comment..comment + text[comment..end].trim_end().len();
            let mut unit = comment_unit(text, start..end, body);
            unit.lines = Some(start..end);
            units.push(unit);
            start = end;
        }
        let span = start..lines.end;
        units.push(Unit {
            span: span.clone(),
            lines: Some(span),
            body: m.statement.byte_range(),
            comma: None,
            tokens: tokens(m.statement, text),
            identity,
            ctor,
            comment: false,
        });
        prev_end = Some(lines.end);
    }
    let scope = facts.scope(first.statement);
    let span = match (units.first(), units.last(), after) {
        (Some(a), Some(b), _) => a.span.start..b.span.end,
        (_, _, Some(after)) => {
            let at = own_lines(text, after.statement)?.end;
            at..at
        }
        _ => return None,
    };
    let part = after
        .and_then(|a| a.key.as_deref())
        .map(|k| format!(":after:{k}"))
        .unwrap_or_default();
    let shape = match first.shape {
        StatementShape::Add => format!("{}.add", first.receiver),
        StatementShape::Functional => "functional chain".into(),
        StatementShape::Attributes => "layers of __init__".into(),
        StatementShape::Chain => "call chain".into(),
    };
    Some(Region {
        key: format!(
            "stmts:{}:{}@{}{part}",
            first.shape.key(),
            first.receiver,
            scope
        ),
        kind: RegionKind::Statements,
        span: span.clone(),
        lines: Some(span),
        units,
        describe: describe("", &shape, &scope),
    })
}
