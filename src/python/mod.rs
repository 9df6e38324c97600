//! Python model code: parse with tree-sitter ([`parse`]), find the chunks
//! the line merge leaves in conflict ([`chunks`]), align each region's
//! elements ([`align`]), plan the merge of a region ([`plan`], with the
//! ordering [`convention`]), merge one element argument by argument
//! ([`element`]), lay the plan out as text ([`layout`]), merge code one
//! side only re-formatted ([`reformat`]); [`merge`] runs them in order.

pub mod align;
pub mod chunks;
pub mod convention;
pub mod element;
pub mod layout;
pub mod merge;
pub mod parse;
pub mod plan;
pub mod reformat;
pub mod regions;

pub use merge::merge;
