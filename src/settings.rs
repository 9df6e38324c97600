//! What a caller can ask of a merge: labels, marker size, conflict style,
//! the ordering convention switch and the notebook output policy.

use std::path::PathBuf;

use crate::core::merge3::Side;
use crate::python::convention::Convention;

/// How a conflict is drawn, as git's `merge.conflictStyle`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConflictStyle {
    /// `<<<<<<<`, `=======`, `>>>>>>>`.
    #[default]
    Merge,
    /// Adds a `|||||||` section with the base text.
    Diff3,
    /// Like diff3, with lines common to both sides moved out of the conflict.
    Zdiff3,
}

impl ConflictStyle {
    /// Parses git's spelling (`merge`, `diff3`, `zdiff3`).
    pub fn from_git(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "merge" => Some(Self::Merge),
            "diff3" => Some(Self::Diff3),
            "zdiff3" => Some(Self::Zdiff3),
            _ => None,
        }
    }

    /// Whether the base section is drawn.
    pub fn shows_base(self) -> bool {
        self != Self::Merge
    }
}

/// The names written after the conflict markers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    pub base: String,
    pub ours: String,
    pub theirs: String,
}

impl Default for Labels {
    fn default() -> Self {
        Self {
            base: "base".into(),
            ours: "ours".into(),
            theirs: "theirs".into(),
        }
    }
}

/// Which outputs a notebook cell keeps when both sides re-ran it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputsPolicy {
    /// merge-rules §3: the side whose source won, or cleared for new source.
    #[default]
    Auto,
    Ours,
    Theirs,
    Clear,
}

impl OutputsPolicy {
    pub fn from_name(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Self::Auto),
            "ours" => Some(Self::Ours),
            "theirs" => Some(Self::Theirs),
            "clear" => Some(Self::Clear),
            _ => None,
        }
    }
}

/// Which side wins a clash, for teams that want git's `-X ours`/`-X theirs`
/// (which git never passes to a merge driver).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefer {
    Ours,
    Theirs,
}

impl Prefer {
    /// The version that wins.
    pub fn side(self) -> Side {
        match self {
            Self::Ours => Side::Ours,
            Self::Theirs => Side::Theirs,
        }
    }

    pub fn from_name(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "ours" => Some(Self::Ours),
            "theirs" => Some(Self::Theirs),
            _ => None,
        }
    }
}

/// Everything that shapes one merge.
#[derive(Clone, Debug)]
pub struct MergeOptions {
    pub labels: Labels,
    /// Conflict marker length (`%L`); raised when an input already holds
    /// a marker-like line of this length.
    pub marker_size: usize,
    pub style: ConflictStyle,
    /// Turns off the ML ordering convention for same-place insertions.
    pub strict: bool,
    /// The ordering convention, with the user's own layers.
    pub convention: Convention,
    /// The real path of the file (`%P`), used to detect its kind.
    pub path: Option<PathBuf>,
    pub outputs: OutputsPolicy,
    /// Resolve every clash to this side instead of writing markers.
    pub prefer: Option<Prefer>,
}

impl Default for MergeOptions {
    fn default() -> Self {
        Self {
            labels: Labels::default(),
            marker_size: 7,
            style: ConflictStyle::Merge,
            strict: false,
            convention: Convention::default(),
            path: None,
            outputs: OutputsPolicy::Auto,
            prefer: None,
        }
    }
}
