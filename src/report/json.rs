//! The JSON view of a report (schema in docs/report-schema.md, checked by
//! `tests/git_report.rs`).

use serde_json::{json, Value};

use super::model::{FileReport, RepoReport, SideCommit};

/// The schema version of [`RepoReport::to_json`].
pub const SCHEMA_VERSION: u64 = 1;

impl RepoReport {
    pub fn to_json(&self) -> Value {
        let side = |s: &Option<SideCommit>| {
            s.as_ref()
                .map(|s| json!({"label": s.label, "commit": s.commit, "summary": s.summary}))
        };
        json!({
            "schema_version": SCHEMA_VERSION,
            "operation": self.operation.as_str(),
            "ours": side(&self.ours),
            "theirs": side(&self.theirs),
            "base": self.base,
            "clashes": self.clashes(),
            "conflicted": self.conflicted.iter().map(FileReport::to_json).collect::<Vec<_>>(),
            "resolved": self.resolved.iter().map(|r| json!({
                "path": r.path,
                "kind": r.kind,
                "method": r.method,
                "decisions": r.decisions,
                "decisions_omitted": r.decisions_omitted,
            })).collect::<Vec<_>>(),
        })
    }
}

impl FileReport {
    fn to_json(&self) -> Value {
        json!({
            "path": self.path,
            "kind": self.kind,
            "state": self.state.as_str(),
            "method": self.method,
            "clashes": self.clashes,
            "decisions": self.decisions,
            "decisions_omitted": self.decisions_omitted,
            "markers_in": self.markers_in,
            "markers": self.markers.iter().map(|m| json!({"start": m.start, "end": m.end})).collect::<Vec<_>>(),
            "markers_omitted": self.markers_omitted,
            "note": self.note,
        })
    }
}
