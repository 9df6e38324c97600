//! What `mlmerge report` shows: the analysis of a merge in progress or a
//! preview ([`analysis`]), its text view ([`text`]), and the plain-text
//! debug dump of one merge ([`explain`]). The decisions themselves are
//! recorded in [`crate::decisions`].

pub mod analysis;
pub mod explain;
pub mod text;
