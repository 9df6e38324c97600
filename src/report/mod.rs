//! What `mlmerge report` shows: the analysis of a merge in progress or a
//! preview ([`analysis`]) into a model ([`model`]), its text ([`text`])
//! and JSON ([`json`]) views, and the plain-text
//! debug dump of one merge ([`explain`]). The decisions themselves are
//! recorded in [`crate::decisions`].

pub mod analysis;
pub mod explain;
pub mod json;
pub mod model;
pub mod text;
