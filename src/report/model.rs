//! The model of what `mlmerge report` shows: the operation in progress,
//! its sides, and each conflicted or resolved file with its decisions and
//! markers. Built by [`super::analysis`], shown by [`super::text`] and
//! [`super::json`].

use serde::{Deserialize, Serialize};

use crate::decisions::DecisionRecord;

/// What the repository is in the middle of (its JSON name is
/// [`Operation::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    Merge,
    Rebase,
    CherryPick,
    Revert,
    /// `--preview`: a merge that has not happened.
    Preview,
    /// Nothing in progress; HEAD is a merge the driver took part in.
    LastMerge,
    None,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Merge => "merge",
            Self::Rebase => "rebase",
            Self::CherryPick => "cherry-pick",
            Self::Revert => "revert",
            Self::Preview => "preview",
            Self::LastMerge => "last-merge",
            Self::None => "none",
        }
    }
}

/// Where a conflicted file stands (its JSON name is [`FileState::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    /// Clashes remain for a person.
    Clash,
    /// mlmerge merges it cleanly; git's conflict came from its line merge.
    Resolvable,
    /// The work tree holds no markers any more; it waits for `git add`.
    NoMarkersLeft,
    /// Deleted on one side, changed on the other.
    ModifyDelete,
    Binary,
    /// Too large to analyse.
    TooLarge,
}

impl FileState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clash => "clash",
            Self::Resolvable => "resolvable",
            Self::NoMarkersLeft => "no-markers-left",
            Self::ModifyDelete => "modify-delete",
            Self::Binary => "binary",
            Self::TooLarge => "too-large",
        }
    }
}

/// One side of the merge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SideCommit {
    /// What the user calls it: a branch, `MERGE_HEAD`, a revision.
    pub label: String,
    pub commit: String,
    pub summary: String,
}

/// A conflict region's place: 1-based lines of its opening and closing
/// markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MarkerSpan {
    pub start: usize,
    pub end: usize,
}

/// A conflicted file (the JSON shows the fields in this order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileReport {
    pub path: String,
    pub kind: String,
    pub state: FileState,
    /// "structured" or "line-merge"; `None` when not analysed.
    pub method: Option<String>,
    /// Clashes a person still has to settle in this file.
    pub clashes: usize,
    pub decisions: Vec<DecisionRecord>,
    pub decisions_omitted: usize,
    /// "work tree" or "merged result".
    pub markers_in: Option<&'static str>,
    pub markers: Vec<MarkerSpan>,
    pub markers_omitted: usize,
    pub note: Option<String>,
}

/// A file the driver (or, for a preview, the engine) merged cleanly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResolvedFile {
    pub path: String,
    pub kind: String,
    pub method: String,
    pub decisions: Vec<DecisionRecord>,
    pub decisions_omitted: usize,
}

/// Everything `mlmerge report` shows.
#[derive(Clone, Debug, PartialEq)]
pub struct RepoReport {
    pub operation: Operation,
    pub ours: Option<SideCommit>,
    pub theirs: Option<SideCommit>,
    pub base: Option<String>,
    pub conflicted: Vec<FileReport>,
    pub resolved: Vec<ResolvedFile>,
}

impl RepoReport {
    pub fn clashes(&self) -> usize {
        self.conflicted.iter().map(|f| f.clashes).sum()
    }

    /// A report of nothing: no operation, no files.
    pub fn empty() -> Self {
        RepoReport {
            operation: Operation::None,
            ours: None,
            theirs: None,
            base: None,
            conflicted: Vec::new(),
            resolved: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::json::schema_names;

    /// Every operation and state docs/report-schema.md lists reads back
    /// (serde) as the value whose `as_str` (the text view's word) is it.
    #[test]
    fn documented_names_serialize_as_shown() {
        let operations = schema_names("operation", "last-merge");
        assert_eq!(operations.len(), 7, "{operations:?}");
        for name in operations {
            let op: Operation = serde_json::from_value(name.as_str().into()).unwrap();
            assert_eq!(op.as_str(), name);
        }
        let states = schema_names("state", "no-markers-left");
        assert_eq!(states.len(), 6, "{states:?}");
        for name in states {
            let state: FileState = serde_json::from_value(name.as_str().into()).unwrap();
            assert_eq!(state.as_str(), name);
        }
    }
}
