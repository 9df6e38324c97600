//! Git integration: everything that reads or writes a repository rather
//! than three files. Installing the driver ([`install`], [`attributes`]),
//! the driver's decision log ([`journal`]), the index's conflict stages
//! ([`stages`]), conflict regions in merged text ([`regions`]), and the
//! analysis behind `mlmerge report` ([`analysis`], shown by [`summary`]).
//! Like the rest of the library, nothing here touches the terminal.

pub mod analysis;
pub mod attributes;
pub mod install;
pub mod journal;
pub mod regions;
pub mod stages;
pub mod summary;
