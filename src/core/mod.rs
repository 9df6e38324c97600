//! What every file kind shares: the three-way value ([`merge3`]), the
//! three-way merge of any sequence ([`diff3`]), a fast digest of bytes
//! ([`digest`]) and when its placement of
//! an edit is a guess ([`slide`]), the
//! file kind ([`kind`]), the text encoding around a file's lines
//! ([`encoding`]: UTF-8, BOM, line endings), git's line merge
//! ([`line_merge`], very large files in pieces: [`segments`]), the conflict-marker writer ([`render`]) and scanner
//! ([`conflicts`]), the work budgets of the structured stages ([`budget`]),
//! reading and writing the files ([`input`], [`output`]), and prose merged
//! by words ([`words`]).

pub mod budget;
pub mod conflicts;
pub mod diff3;
pub mod digest;
pub mod encoding;
pub mod input;
pub mod kind;
pub mod line_merge;
pub mod merge3;
pub mod output;
pub mod render;
pub mod segments;
pub mod slide;
pub mod words;

pub use merge3::{Merge3, Side};
