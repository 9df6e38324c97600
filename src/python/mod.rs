//! Python merges below the line: token streams of snippets ([`tokens`]),
//! the sub-line resolver ([`submerge`]) and prose by words ([`prose`]).

pub mod prose;
pub mod retry;
pub mod submerge;
pub mod tokens;
