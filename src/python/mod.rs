//! Python model code. [`merge`] runs the stages in order: the chunks the
//! line merge leaves in conflict ([`chunks`]); parse with tree-sitter
//! ([`parse`]) and find the regions that merge structurally ([`regions`]:
//! layer lists, statement runs, call statements); align each region's
//! elements ([`align`]); plan the region's merge ([`plan`], same-place
//! insertions ordered by the [`convention`]); merge one element argument by
//! argument ([`element`]); lay the plan out as text ([`layout`], with
//! [`indent`]); merge code one side only re-formatted ([`reformat`]); and
//! check a clean result ([`verify`]). Below the line: token streams of
//! snippets ([`stream`]), the sub-line resolver ([`submerge`], prose by
//! words through `core::words`; [`unwrapped`], the same change with an
//! assigned value's parentheses changed; [`subsumed`], one side's change
//! that already holds the other's) and its call site on line conflicts
//! ([`retry`]).
//!
//! Where conflicts remain, the structured merge of whole files (issue 10)
//! retries: sibling sequences ([`siblings`]), their three-way diff into
//! hunks ([`hunks`]), and the resolvers tried on each hunk ([`resolve`]:
//! [`imports`], [`members`], [`entries`], over the keyed merge of
//! [`keyed`]; before lines, statements both sides changed apart,
//! [`neighbours`]).

pub mod align;
pub mod checked;
pub mod chunks;
pub mod convention;
pub mod doubled;
pub mod element;
pub mod entries;
pub mod final_newline;
pub mod hunks;
pub mod imports;
pub mod indent;
pub mod keyed;
pub mod layout;
pub mod members;
pub mod memo;
pub mod merge;
pub mod neighbours;
pub mod parse;
pub mod plan;
pub mod reformat;
pub mod regions;
pub mod reparse;
pub mod resolve;
pub mod restyled;
pub mod retry;
pub mod siblings;
pub mod stream;
pub mod submerge;
pub mod subsumed;
pub mod unwrapped;
pub mod verify;

pub use merge::{merge, merge_whole};
