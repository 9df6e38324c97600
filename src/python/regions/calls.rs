//! Call statements (`model.compile(...)`, `opt = Adam(...)`) outside the
//! layer lists: one region each, merged argument by argument.

use super::identity::layer_identity;
use super::{describe, own_lines, Region, RegionKind, Taken, Unit};
use crate::python::parse::facts::TreeFacts;
use crate::python::parse::tokens::{node_text, tokens};

pub(super) fn call_regions(text: &str, taken: &Taken, facts: &TreeFacts<'_>) -> Vec<Region> {
    let mut regions = Vec::new();
    for &(statement, call) in &facts.call_statements {
        let callee = call
            .child_by_field_name("function")
            .map_or("", |f| node_text(f, text));
        let target_text = facts.targets.get(&call.id()).map_or("", String::as_str);
        if taken.overlaps(&statement.byte_range()) {
            continue;
        }
        let Some(lines) = own_lines(text, statement) else {
            continue;
        };
        let scope = facts.scope(statement);
        let (identity, ctor) = layer_identity(call, text);
        regions.push(Region {
            key: format!("call:{callee}@{scope}:{target_text}"),
            kind: RegionKind::Call,
            span: lines.clone(),
            lines: Some(lines.clone()),
            units: vec![Unit {
                span: lines.clone(),
                lines: Some(lines),
                body: statement.byte_range(),
                comma: None,
                tokens: tokens(statement, text),
                identity,
                ctor,
                comment: false,
            }],
            describe: describe("", &format!("{callee}(...)"), &scope),
        });
    }
    regions
}
