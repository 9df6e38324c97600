//! The record of what a merge decided: which side each piece came from,
//! what was ordered by convention, what clashed. `mlmerge report` shows it
//! and `--json` hands it to CI (schema in docs/report-schema.md).

use serde::{Deserialize, Serialize};

use crate::core::merge3::Side;
use crate::fallback::Fallback;

/// What kind of decision a [`Decision`] records (its JSON name is
/// [`DecisionKind::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionKind {
    /// A piece was taken from one side (inserted, deleted or changed there).
    TookOurs,
    TookTheirs,
    /// Both sides made the same change.
    TookBoth,
    /// Argument changes of both sides were combined on one call.
    ArgumentsMerged,
    /// Same-place insertions of both sides were ordered by the ML convention.
    OrderedByConvention,
    /// A side's formatting change (line endings, re-save, reformat) was kept
    /// and the other side's edits applied to it.
    FormattingKept,
    /// Notebook outputs and execution counts taken from one side or cleared.
    OutputsTaken,
    OutputsCleared,
    /// Import statements or imported names merged as a set (issue 10).
    ImportsMerged,
    /// Module or class definitions matched by name (issue 10).
    MembersMerged,
    /// Dict/set entries or `__all__` matched by key (issue 10).
    EntriesMerged,
    /// A set-like list argument (`metrics=[...]`) merged as a set.
    SetArgumentMerged,
    /// Parameters of a `def` both sides changed, matched by name.
    ParametersMerged,
    /// A function body both sides changed, merged statement by statement.
    StatementsMerged,
    /// A clash left for a person, with markers in the file.
    Clash,
    /// The structured merge did not apply; git's line merge was used.
    LineMerge,
    /// The independent change-preservation check (`verify`) rejected the
    /// structured result of a region, which was left as a conflict (or
    /// merged by lines) instead; the subject names the element.
    VerifyRejected,
    /// A limit on input or work was reached (marker size, a stage's work
    /// budget); the detail says which, and what was done instead.
    LimitReached,
    /// A line both sides changed was merged token by token.
    TokensMerged,
    /// Both sides made the same change in different layouts; counted once.
    SameChange,
    /// A comment or docstring both sides changed was merged word by word.
    WordsMerged,
    /// Notebook environment metadata (kernel version, Colab and editor
    /// state) changed by both sides: one side's value taken, no conflict.
    EnvironmentMetadata,
    /// An input repeated a JSON key; read as Python's `json` reads it.
    RepeatedKey,
    /// The notebook merge failed; the conservative notebook merge was used.
    NotebookFallback,
}

impl DecisionKind {
    /// The decision of resolving a clash by the side preference.
    pub fn for_preference(prefer: crate::settings::Prefer) -> Self {
        Self::took(prefer.side())
    }

    /// The decision of taking a piece from `side` (the base counts as ours:
    /// nothing was taken from theirs).
    pub fn took(side: Side) -> Self {
        if side == Side::Theirs {
            Self::TookTheirs
        } else {
            Self::TookOurs
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TookOurs => "took-ours",
            Self::TookTheirs => "took-theirs",
            Self::TookBoth => "took-both",
            Self::ArgumentsMerged => "arguments-merged",
            Self::OrderedByConvention => "ordered-by-convention",
            Self::FormattingKept => "formatting-kept",
            Self::OutputsTaken => "outputs-taken",
            Self::OutputsCleared => "outputs-cleared",
            Self::ImportsMerged => "imports-merged",
            Self::MembersMerged => "members-merged",
            Self::EntriesMerged => "entries-merged",
            Self::SetArgumentMerged => "set-argument-merged",
            Self::ParametersMerged => "parameters-merged",
            Self::StatementsMerged => "statements-merged",
            Self::Clash => "clash",
            Self::LineMerge => "line-merge",
            Self::VerifyRejected => "verify-rejected",
            Self::LimitReached => "limit-reached",
            Self::TokensMerged => "tokens-merged",
            Self::SameChange => "same-change",
            Self::WordsMerged => "words-merged",
            Self::EnvironmentMetadata => "environment-metadata",
            Self::RepeatedKey => "repeated-key",
            Self::NotebookFallback => "notebook-fallback",
        }
    }
}

/// One decision of the merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub kind: DecisionKind,
    /// What it is about, in model terms: "layer 3 `Dense` of `model` (Sequential)".
    pub subject: String,
    /// What happened, in a sentence.
    pub detail: String,
    /// The clashing texts, for clashes.
    pub ours: Option<String>,
    pub theirs: Option<String>,
    /// Why git's line merge was used, for line-merge decisions.
    pub fallback: Option<Fallback>,
    /// A clash over layers one side reordered: a move, which git's line
    /// merge reads as a deletion and an insertion and cannot see
    /// (the pipeline prefers such a structured result, `pipeline.rs`).
    pub reorder: bool,
}

impl Decision {
    pub fn new(kind: DecisionKind, subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            kind,
            subject: subject.into(),
            detail: detail.into(),
            ours: None,
            theirs: None,
            fallback: None,
            reorder: false,
        }
    }

    /// The decision of merging `subject` by lines, and why.
    pub fn line_merge(
        subject: impl Into<String>,
        detail: impl Into<String>,
        fallback: Fallback,
    ) -> Self {
        let kind = if fallback.is_limit() {
            DecisionKind::LimitReached
        } else {
            DecisionKind::LineMerge
        };
        Self {
            fallback: Some(fallback),
            ..Self::new(kind, subject, detail)
        }
    }

    pub fn clash(
        subject: impl Into<String>,
        detail: impl Into<String>,
        ours: &str,
        theirs: &str,
    ) -> Self {
        Self {
            ours: Some(ours.to_string()),
            theirs: Some(theirs.to_string()),
            ..Self::new(DecisionKind::Clash, subject, detail)
        }
    }

    /// This clash, marked as one over layers a side reordered.
    pub fn reordered(self) -> Self {
        Self {
            reorder: true,
            ..self
        }
    }

    /// Clashes resolved by the side preference instead of drawn.
    pub fn preferred(count: usize, prefer: Option<crate::settings::Prefer>) -> Option<Self> {
        let prefer = prefer.filter(|_| count > 0)?;
        let side = prefer.side().name();
        Some(Self::new(
            DecisionKind::for_preference(prefer),
            "clashes",
            format!("{count} clash(es) resolved to {side} by the side preference"),
        ))
    }

    /// The decision as the report JSON and the journal hold it.
    pub fn record(&self) -> DecisionRecord {
        DecisionRecord {
            kind: self.kind,
            subject: self.subject.clone(),
            detail: self.detail.clone(),
            ours: self.ours.clone(),
            theirs: self.theirs.clone(),
            fallback: self.fallback.as_ref().map(|f| f.code().to_string()),
        }
    }
}

/// A decision as the report JSON shows it and the journal keeps it
/// (docs/report-schema.md): its texts, and its fallback's stable code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub kind: DecisionKind,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub detail: String,
    pub ours: Option<String>,
    pub theirs: Option<String>,
    /// [`Fallback::code`], on line-merge and limit-reached decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

/// All decisions of one file's merge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub decisions: Vec<Decision>,
}

impl Report {
    pub fn push(&mut self, decision: Decision) {
        self.decisions.push(decision);
    }

    pub fn extend(&mut self, other: Report) {
        self.decisions.extend(other.decisions);
    }

    pub fn clashes(&self) -> impl Iterator<Item = &Decision> {
        self.decisions
            .iter()
            .filter(|d| d.kind == DecisionKind::Clash)
    }

    /// Whether a clash is over layers a side reordered ([`Decision::reorder`]).
    pub fn has_reorder_clash(&self) -> bool {
        self.clashes().any(|d| d.reorder)
    }

    /// Every decision as the report shows it.
    pub fn records(&self) -> Vec<DecisionRecord> {
        self.decisions.iter().map(Decision::record).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind docs/report-schema.md lists reads back (serde) as the
    /// kind whose `as_str` is that name.
    #[test]
    fn documented_kinds_serialize_as_their_names() {
        let names = crate::report::json::schema_names("kind", "took-ours");
        assert!(names.len() > 20, "{names:?}");
        for name in names {
            let kind: DecisionKind = serde_json::from_value(name.as_str().into()).unwrap();
            assert_eq!(kind.as_str(), name);
            assert_eq!(serde_json::to_value(kind).unwrap(), name.as_str());
        }
    }
}
