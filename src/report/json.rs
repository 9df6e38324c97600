//! The JSON view of a report (schema in docs/report-schema.md, checked by
//! `tests/git_report.rs`): the model itself, serde-derived, with the
//! schema version and the clash count in front.

use serde::Serialize;
use serde_json::Value;

use super::model::{FileReport, Operation, RepoReport, ResolvedFile, SideCommit};

/// The schema version of [`RepoReport::to_json`].
pub const SCHEMA_VERSION: u64 = 1;

/// The report as its JSON holds it, fields in the schema's order.
#[derive(Serialize)]
struct RepoJson<'r> {
    schema_version: u64,
    operation: Operation,
    ours: &'r Option<SideCommit>,
    theirs: &'r Option<SideCommit>,
    base: &'r Option<String>,
    clashes: usize,
    conflicted: &'r [FileReport],
    resolved: &'r [ResolvedFile],
}

impl RepoReport {
    pub fn to_json(&self) -> Value {
        let json = RepoJson {
            schema_version: SCHEMA_VERSION,
            operation: self.operation,
            ours: &self.ours,
            theirs: &self.theirs,
            base: &self.base,
            clashes: self.clashes(),
            conflicted: &self.conflicted,
            resolved: &self.resolved,
        };
        // Plain structs of strings and numbers: serializing cannot fail.
        serde_json::to_value(json).unwrap_or(Value::Null)
    }
}

/// The names docs/report-schema.md lists for `field`, in the table row
/// that also names `example`; words in parentheses explain a name and are
/// left out.
#[cfg(test)]
pub(crate) fn schema_names(field: &str, example: &str) -> Vec<String> {
    let doc = include_str!("../../docs/report-schema.md");
    let row = doc
        .lines()
        .find(|l| l.starts_with(&format!("| `{field}` |")) && l.contains(&format!("`{example}`")))
        .unwrap_or_default();
    let mut names = row.split('|').nth(3).unwrap_or_default().to_string();
    while let (Some(open), Some(close)) = (names.find('('), names.find(')')) {
        names.replace_range(open..=close.max(open), "");
    }
    names
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}
