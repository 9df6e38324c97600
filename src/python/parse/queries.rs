//! The query files of `grammars/python/` that recognise layer lists,
//! embedded so the binary works from any directory, each compiled once per
//! process, and only for texts where its shape can occur at all.

use std::collections::HashMap;
use std::sync::OnceLock;

use tree_sitter::Query;

/// A query file of `grammars/python/`, embedded so the binary works from
/// any directory, with a cheap test of whether its shape can occur in a
/// text at all (compiling a query costs more than parsing a small file).
pub struct QueryFile {
    pub name: &'static str,
    pub source: &'static str,
    gate: fn(&str) -> bool,
    /// For a container query whose `@container` is a call filtered by a
    /// `#match?` on its `@callee`: that filter as code, so the query runs
    /// only on the calls whose callee passes it, not over the whole tree
    /// (where it matches every call before the filter applies).
    pub callee: Option<fn(&str) -> bool>,
}

impl QueryFile {
    /// Whether the query's shape can occur in `text` at all.
    pub fn may_match(&self, text: &str) -> bool {
        (self.gate)(text)
    }
}

macro_rules! query_file {
    ($name:literal, $gate:expr) => {
        QueryFile {
            name: $name,
            source: include_str!(concat!("../../../grammars/python/", $name)),
            gate: $gate,
            callee: None,
        }
    };
    ($name:literal, $gate:expr, callee: $callee:expr) => {
        QueryFile {
            name: $name,
            source: include_str!(concat!("../../../grammars/python/", $name)),
            gate: $gate,
            callee: Some($callee),
        }
    };
}

/// Layer lists inside a call, in precedence order: when several match one
/// call, the first wins.
pub const CONTAINER_QUERIES: [QueryFile; 4] = [
    query_file!(
        "sequential_list.scm",
        |t| t.contains("Sequential(") || t.contains("ModuleList("),
        callee: |c| names(c, "Sequential") || names(c, "ModuleList")
    ),
    query_file!(
        "sequential_layers_keyword.scm",
        |t| t.contains("layers="),
        callee: |c| names(c, "Sequential")
    ),
    query_file!(
        "sequential_ordered_dict.scm",
        |t| t.contains("OrderedDict"),
        callee: |c| names(c, "Sequential")
    ),
    query_file!(
        "sequential_arguments.scm",
        has_sequential_arguments,
        callee: |c| names(c, "Sequential")
    ),
];

/// A callee's text matching `(^|[.])NAME$`: `NAME`, or a dotted path ending in it.
fn names(callee: &str, name: &str) -> bool {
    callee
        .strip_suffix(name)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// The shape of a run of layer statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatementShape {
    /// `model.add(Layer(...))`, one per statement.
    Add,
    /// `x = Layer(...)(x)`.
    Functional,
    /// `self.name = Layer(...)` in `__init__`.
    Attributes,
    /// `x = self.name(x)` in `forward` or `call`.
    Chain,
}

impl StatementShape {
    /// The name in region keys (stable across versions).
    pub fn key(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Functional => "functional",
            Self::Attributes => "attributes",
            Self::Chain => "chain",
        }
    }
}

/// Layer lists made of statements, with the shape each one names.
pub const STATEMENT_QUERIES: [(StatementShape, QueryFile); 4] = [
    (
        StatementShape::Add,
        query_file!("model_add.scm", |t| t.contains(".add(")),
    ),
    (
        StatementShape::Functional,
        query_file!("functional_chain.scm", |t| t.contains(")(")),
    ),
    (
        StatementShape::Attributes,
        query_file!("init_attributes.scm", |t| t.contains("self.")),
    ),
    (
        StatementShape::Chain,
        query_file!("forward_chain.scm", |t| t.contains("self.")),
    ),
];

/// Every query file, for tests.
pub fn all_queries() -> impl Iterator<Item = &'static QueryFile> {
    CONTAINER_QUERIES
        .iter()
        .chain(STATEMENT_QUERIES.iter().map(|(_, q)| q))
}

/// `Sequential(` followed by something other than a list: torch's
/// `nn.Sequential(a, b, c)`.
fn has_sequential_arguments(text: &str) -> bool {
    text.match_indices("Sequential(").any(|(i, m)| {
        let rest = text[i + m.len()..].trim_start();
        !rest.starts_with('[') && !rest.starts_with(')')
    })
}

/// The compiled query of `file`, compiled once per process on first use.
/// An embedded query that does not compile is a bug of the build (the
/// tests compile and load every one): it panics, which the pipeline turns
/// into an internal-error fallback, never into a verdict on the input.
pub fn compiled(file: &QueryFile) -> &'static Query {
    static COMPILED: OnceLock<std::sync::Mutex<HashMap<&'static str, &'static Query>>> =
        OnceLock::new();
    let cache = COMPILED.get_or_init(Default::default);
    // A panic while the lock was held leaves the map itself intact.
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(q) = cache.get(file.name) {
        return q;
    }
    let query = match Query::new(&tree_sitter_python::LANGUAGE.into(), file.source) {
        Ok(query) => query,
        Err(e) => panic!("the embedded query {} does not compile: {e}", file.name),
    };
    // Compiled queries live for the whole process, like the grammar.
    let query: &'static Query = Box::leak(Box::new(query));
    cache.insert(file.name, query);
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every embedded query compiles, loads through the cache (twice: the
    /// second time from it), and has the captures its finder reads.
    #[test]
    fn every_query_compiles_loads_and_has_its_captures() {
        for file in &CONTAINER_QUERIES {
            let names = compiled(file).capture_names();
            assert!(
                std::ptr::eq(compiled(file), compiled(file)),
                "{}",
                file.name
            );
            for needed in ["elements", "callee"] {
                assert!(names.contains(&needed), "{} lacks @{needed}", file.name);
            }
            assert!(
                names.iter().any(|n| n.starts_with("container")),
                "{}",
                file.name
            );
        }
        for (_, file) in &STATEMENT_QUERIES {
            let names = compiled(file).capture_names();
            for needed in ["statement", "layer"] {
                assert!(names.contains(&needed), "{} lacks @{needed}", file.name);
            }
        }
    }
}
