//! What the check says: the problems it finds, each violation with the
//! element and edit it is about, and the verdict on a whole result.

use std::fmt;

use super::{EditKind, Element, Side};

/// What is wrong with the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The edit is neither in the clean result nor inside a conflict.
    Lost,
    /// The element is in the result more often than the edits allow.
    Duplicated,
    /// A deleted (or replaced) base element is back.
    Resurrected,
    /// The element is in the result but not at the place the side put it.
    Misplaced,
    /// Both sides touched the element in ways that cannot both hold, and
    /// the result settled it silently instead of a conflict.
    ClashNotConflicted,
    /// An element no version and no edit accounts for.
    Unexplained,
}

impl Problem {
    pub fn describe(self) -> &'static str {
        match self {
            Problem::Lost => "is lost",
            Problem::Duplicated => "is applied twice",
            Problem::Resurrected => "is undone: the element is back",
            Problem::Misplaced => "is not at its place",
            Problem::ClashNotConflicted => {
                "clashes with the other side's edit but is not in a conflict"
            }
            Problem::Unexplained => "is in the result, but no edit accounts for it",
        }
    }
}

/// One edit the result does not hold as it should.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The side whose edit it is (`None`: an element neither side touched,
    /// or one both sides edited alike).
    pub side: Option<Side>,
    pub edit: EditKind,
    pub problem: Problem,
    /// The element it is about.
    pub element: Element,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = self.side.map_or("both sides'", |s| match s {
            Side::Ours => "ours'",
            Side::Theirs => "theirs'",
        });
        let what = if self.edit == EditKind::Keep {
            "unchanged element".to_string()
        } else {
            format!("{who} {}", self.edit.name())
        };
        write!(
            f,
            "{what} of `{}` {}",
            one_line(&self.element.content),
            self.problem.describe()
        )
    }
}

/// The element's text on one line, at most 60 characters.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = joined.chars().take(60).collect();
    if joined.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Why the check could not decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unchecked {
    /// The input needed more work than its budget allows.
    OverBudget { budget: u64 },
}

/// The outcome of the check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every edit of both sides is in the result exactly once, or inside
    /// a conflict.
    Ok,
    Violations(Vec<Violation>),
    /// Not decided: callers treat it as not certain.
    Unchecked(Unchecked),
}

impl Verdict {
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Ok)
    }

    /// The first violation or the reason it is unchecked, for people.
    pub fn reason(&self) -> Option<String> {
        match self {
            Verdict::Ok => None,
            Verdict::Violations(v) => v.first().map(ToString::to_string),
            Verdict::Unchecked(Unchecked::OverBudget { budget }) => Some(format!(
                "the check needed more than its budget of {budget} steps"
            )),
        }
    }
}
