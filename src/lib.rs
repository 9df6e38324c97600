//! mlmerge: a three-way merge that understands machine-learning project files.
//!
//! Start from [`pipeline::merge`]: read three versions → detect the file
//! kind → git's line merge → where it clashes, the structured merge of the
//! kind ([`python`], [`notebook`]) → verify → render → write. What every
//! kind shares is in [`core`]; every decision is recorded in a
//! [`decisions::Report`], shown by [`report`]; [`git`] installs the driver
//! and reads repositories. The library never touches the terminal.

pub mod core;
pub mod decisions;
pub mod fallback;
pub mod git;
pub mod notebook;
pub mod pipeline;
pub mod python;
pub mod report;
#[cfg(test)]
mod seeded;
pub mod settings;
pub mod verify;

pub use pipeline::{merge, MergeOutcome, Method};
pub use settings::{ConflictStyle, Labels, MergeOptions, OutputsPolicy, Prefer};
