//! Three-way merging, from the generic value ([`merge3`]) and lines
//! ([`lines`]) through one element ([`call`]) and element lists
//! ([`sequence`], [`convention`], [`layout`]) to whole Python files
//! ([`python`]) and notebooks ([`notebook`]).

pub mod call;
pub mod checked;
pub mod chunks;
pub mod convention;
pub mod layout;
pub mod lines;
pub mod merge3;
pub mod notebook;
pub mod python;
pub mod reformat;
pub mod sequence;

use crate::report::Report;

/// A structured merge's result: LF text without a BOM.
#[derive(Clone, Debug)]
pub struct Structured {
    pub text: String,
    /// Conflict regions left in `text`.
    pub conflicts: usize,
    pub report: Report,
}
