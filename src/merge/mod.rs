//! Three-way merging, from the generic value ([`merge3`]) through lines
//! ([`lines`]) to Python model code ([`python`]).

pub mod call;
pub mod lines;
pub mod merge3;
pub mod notebook;
pub mod python;

use crate::report::Report;

/// A structured merge's result: LF text without a BOM.
#[derive(Clone, Debug)]
pub struct Structured {
    pub text: String,
    /// Conflict regions left in `text`.
    pub conflicts: usize,
    pub report: Report,
}
