//! Parsing the three versions into structures the merge can align.

pub mod python;
