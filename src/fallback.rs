//! Why a file, or a stretch of it, was merged by lines (git's line merge)
//! rather than structurally: one variant per reason, each with a stable
//! code that the report JSON shows (`"fallback"` on a `line-merge`
//! decision) and a sentence for people.

use std::fmt;

use crate::python::layout::LayoutError;
use crate::python::parse::PythonParseError;
use crate::python::verify::VerifyError;

/// Why the structured merge was not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// An input is not UTF-8 text (or holds NUL bytes).
    NotText,
    /// The line endings are mixed, or each side converted them differently.
    LineEndings,
    /// The file is larger than the structured merge takes.
    TooLarge,
    /// A version has line breaks other than LF (a lone CR).
    LineBreaks,
    /// A version does not parse as Python, or nests too deep or wide.
    Python(PythonParseError),
    /// A merged region cannot be laid out with certainty.
    Layout(LayoutError),
    /// The clean structured result failed its check.
    Unverified(VerifyError),
    /// A notebook input (or the merged notebook) is not one the cell merge
    /// takes: the reason, in words.
    Notebook(String),
    /// The cell merge failed on notebooks it reads (its result did not
    /// check out): git's clean result, else the conservative notebook merge.
    NotebookFailed(String),
    /// The structured merge left as much in conflict as git's.
    NoFewerConflicts,
    /// The structured merge failed inside (a bug): git's result is used.
    Internal,
}

impl Fallback {
    /// Every stable code, for the report schema and its test.
    pub const CODES: [&'static str; 14] = [
        "not-text",
        "line-endings",
        "too-large",
        "line-breaks",
        "python-syntax",
        "python-too-complex",
        "python-over-budget",
        "python-too-wide",
        "layout-uncertain",
        "unverified",
        "notebook",
        "notebook-failed",
        "no-fewer-conflicts",
        "internal-error",
    ];

    /// The stable code shown in the report JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotText => "not-text",
            Self::LineEndings => "line-endings",
            Self::TooLarge => "too-large",
            Self::LineBreaks => "line-breaks",
            Self::Python(PythonParseError::Syntax) => "python-syntax",
            Self::Python(PythonParseError::TooComplex) => "python-too-complex",
            Self::Python(PythonParseError::OverBudget { .. }) => "python-over-budget",
            Self::Python(PythonParseError::TooWide { .. }) => "python-too-wide",
            Self::Layout(_) => "layout-uncertain",
            Self::Unverified(_) => "unverified",
            Self::Notebook(_) => "notebook",
            Self::NotebookFailed(_) => "notebook-failed",
            Self::NoFewerConflicts => "no-fewer-conflicts",
            Self::Internal => "internal-error",
        }
    }
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotText => f.write_str("an input is not UTF-8 text"),
            Self::LineEndings => {
                f.write_str("the line endings are mixed or were converted differently on each side")
            }
            Self::TooLarge => {
                f.write_str("the file is over 32 MiB, too large for the structured merge")
            }
            Self::LineBreaks => f.write_str("a version has line breaks other than LF"),
            Self::Python(e) if e.is_limit() => e.fmt(f),
            Self::Python(_) => f.write_str("a version does not parse as Python"),
            Self::Layout(e) => e.fmt(f),
            Self::Unverified(e) => e.fmt(f),
            Self::Notebook(why) | Self::NotebookFailed(why) => f.write_str(why),
            Self::NoFewerConflicts => f.write_str("the structured merge left as much in conflict"),
            Self::Internal => f.write_str("internal error in the structured merge"),
        }
    }
}

impl Fallback {
    /// Whether a limit of docs/limits.md was reached (the decision is then
    /// `limit-reached`, not `line-merge`).
    pub fn is_limit(&self) -> bool {
        match self {
            Self::TooLarge => true,
            Self::Python(e) => e.is_limit(),
            _ => false,
        }
    }
}

impl std::error::Error for Fallback {}

impl From<crate::notebook::NotebookError> for Fallback {
    fn from(e: crate::notebook::NotebookError) -> Self {
        match e {
            crate::notebook::NotebookError::NotANotebook(why) => Self::Notebook(why),
            crate::notebook::NotebookError::Failed(why) => Self::NotebookFailed(why),
        }
    }
}

impl From<PythonParseError> for Fallback {
    fn from(e: PythonParseError) -> Self {
        Self::Python(e)
    }
}

impl From<LayoutError> for Fallback {
    fn from(e: LayoutError) -> Self {
        Self::Layout(e)
    }
}

impl From<VerifyError> for Fallback {
    fn from(e: VerifyError) -> Self {
        Self::Unverified(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_and_distinct() {
        let all = [
            Fallback::NotText,
            Fallback::LineEndings,
            Fallback::TooLarge,
            Fallback::LineBreaks,
            Fallback::Python(PythonParseError::Syntax),
            Fallback::Python(PythonParseError::TooComplex),
            Fallback::Python(PythonParseError::OverBudget {
                bytes: 1,
                operations: 1,
            }),
            Fallback::Python(PythonParseError::TooWide { commas: 1 }),
            Fallback::Layout(LayoutError::ClashNeedsReindent),
            Fallback::Unverified(VerifyError::DoesNotParse),
            Fallback::Notebook("x".into()),
            Fallback::NotebookFailed("x".into()),
            Fallback::NoFewerConflicts,
            Fallback::Internal,
        ];
        let codes: Vec<&str> = all.iter().map(Fallback::code).collect();
        assert_eq!(codes, Fallback::CODES);
    }
}
