//! Git integration: everything that reads or writes a repository rather
//! than three files. Installing the driver ([`install`], [`attributes`]),
//! the driver's decision log ([`journal`]) and the index's conflict stages
//! ([`stages`]). Like the rest of the library, nothing here touches the
//! terminal.

pub mod attributes;
pub mod config;
pub mod install;
pub mod journal;
pub mod stages;
