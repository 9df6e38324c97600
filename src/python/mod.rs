//! Python: the structured merge of whole files (issue 10): sibling
//! sequences, their three-way diff into hunks, and the resolvers tried on
//! each hunk (see [`resolve`]).

pub mod entries;
pub mod hunks;
pub mod imports;
pub mod keyed;
pub mod members;
pub mod resolve;
pub mod siblings;
