//! mlmerge: a three-way merge that understands machine-learning project files.
//!
//! The pipeline, one module per step (see [`pipeline::merge`]):
//! read three versions ([`input`]) → detect the file kind ([`detect`]) →
//! parse ([`parse`]) → match ([`matching`]) → merge ([`merge`]) →
//! render ([`render`]) → write ([`output`]). Every decision is recorded in
//! a [`report::Report`]. The library never touches the terminal.

pub mod detect;
pub mod explain;
pub mod git;
pub mod input;
pub mod matching;
pub mod merge;
pub mod options;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod text;
pub mod verify;

pub use options::{ConflictStyle, Labels, MergeOptions, OutputsPolicy, Prefer};
pub use pipeline::{merge, MergeOutcome, Method};
