//! Building blocks shared by every file kind.

pub mod diff3;
