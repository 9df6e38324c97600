//! The query files of `grammars/python/` that recognise layer lists,
//! embedded so the binary works from any directory, each compiled once per
//! process, and only for texts where its shape can occur at all.

use std::collections::HashMap;
use std::sync::OnceLock;

use tree_sitter::Query;

use super::PythonParseError;

/// A query file of `grammars/python/`, embedded so the binary works from
/// any directory, with a cheap test of whether its shape can occur in a
/// text at all (compiling a query costs more than parsing a small file).
pub struct QueryFile {
    pub name: &'static str,
    pub source: &'static str,
    gate: fn(&str) -> bool,
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
        }
    };
}

/// Layer lists inside a call, in precedence order: when several match one
/// call, the first wins.
pub const CONTAINER_QUERIES: [QueryFile; 4] = [
    query_file!("sequential_list.scm", |t| t.contains("Sequential(")
        || t.contains("ModuleList(")),
    query_file!("sequential_layers_keyword.scm", |t| t.contains("layers=")),
    query_file!("sequential_ordered_dict.scm", |t| t.contains("OrderedDict")),
    query_file!("sequential_arguments.scm", has_sequential_arguments),
];

/// Layer lists made of statements, with the shape each one names.
pub const STATEMENT_QUERIES: [(&str, QueryFile); 4] = [
    ("add", query_file!("model_add.scm", |t| t.contains(".add("))),
    (
        "functional",
        query_file!("functional_chain.scm", |t| t.contains(")(")),
    ),
    (
        "attributes",
        query_file!("init_attributes.scm", |t| t.contains("self.")),
    ),
    (
        "chain",
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
pub fn compiled(file: &QueryFile) -> Result<&'static Query, PythonParseError> {
    static COMPILED: OnceLock<std::sync::Mutex<HashMap<&'static str, &'static Query>>> =
        OnceLock::new();
    let cache = COMPILED.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .map_err(|_| PythonParseError::Setup("query cache poisoned".into()))?;
    if let Some(q) = cache.get(file.name) {
        return Ok(q);
    }
    let query = Query::new(&tree_sitter_python::LANGUAGE.into(), file.source)
        .map_err(|e| PythonParseError::Setup(format!("{}: {e}", file.name)))?;
    // Compiled queries live for the whole process, like the grammar.
    let query: &'static Query = Box::leak(Box::new(query));
    cache.insert(file.name, query);
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_compile_against_the_grammar() {
        for file in all_queries() {
            assert!(compiled(file).is_ok(), "{}", file.name);
        }
    }
}
