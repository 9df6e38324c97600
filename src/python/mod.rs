//! Python model code. [`merge`] runs the stages in order: the chunks the
//! line merge leaves in conflict ([`chunks`]); parse with tree-sitter
//! ([`parse`]) and find the regions that merge structurally ([`regions`]:
//! layer lists, statement runs, call statements); align each region's
//! elements ([`align`]); plan the region's merge ([`plan`], same-place
//! insertions ordered by the [`convention`]); merge one element argument by
//! argument ([`element`]); lay the plan out as text ([`layout`], with
//! [`indent`]); merge code one side only re-formatted ([`reformat`]); and
//! check a clean result ([`verify`]). Below the line: token streams of
//! snippets ([`stream`]), the sub-line resolver ([`submerge`]), prose by
//! words ([`prose`]) and its call site on line conflicts ([`retry`]).

pub mod align;
pub mod chunks;
pub mod convention;
pub mod element;
pub mod indent;
pub mod layout;
pub mod merge;
pub mod parse;
pub mod plan;
pub mod prose;
pub mod reformat;
pub mod regions;
pub mod retry;
pub mod stream;
pub mod submerge;
pub mod verify;

pub use merge::merge;
