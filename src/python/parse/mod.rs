//! Parsing Python with tree-sitter: the tree, the facts gathered in one
//! walk over it ([`facts`]), the tokens of a node ([`tokens`]) and the
//! query files that recognise layer lists ([`queries`]); the regions found
//! in the tree ([`crate::python::regions`]) come with the parse.

pub mod facts;
pub mod queries;
pub mod tokens;

use std::ops::Range;

use tree_sitter::{Language, Node, Parser, Tree};

use self::facts::TreeFacts;
use crate::python::regions::{find_regions, Region};

pub use self::queries::all_queries;
pub use self::tokens::{leaves, tokens};

/// Why a source could not be used for the structured merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PythonParseError {
    /// tree-sitter could not be set up (a build problem, not an input one).
    Setup(String),
    /// The source has syntax errors.
    Syntax,
    /// Nesting deeper, or a node wider, than the structured merge handles
    /// (tree-sitter's query cursor slows down sharply on such trees).
    TooComplex,
}

impl std::fmt::Display for PythonParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Setup(why) => write!(f, "the Python parser could not start: {why}"),
            Self::Syntax => f.write_str("a version has Python syntax errors"),
            Self::TooComplex => {
                f.write_str("a version nests deeper or wider than the structured merge handles")
            }
        }
    }
}

/// A parsed Python source and its regions.
pub struct Parsed<'a> {
    pub text: &'a str,
    pub tree: Tree,
    pub regions: Vec<Region>,
}

impl Parsed<'_> {
    /// The node that exactly covers `range` (the outermost such node).
    pub fn node(&self, range: &Range<usize>) -> Option<Node<'_>> {
        let mut node = self
            .tree
            .root_node()
            .descendant_for_byte_range(range.start, range.end)?;
        while let Some(parent) = node.parent() {
            if parent.byte_range() != *range {
                break;
            }
            node = parent;
        }
        (node.byte_range() == *range).then_some(node)
    }
}

/// Parses `text`; syntax errors are an error, since a structured merge of a
/// broken file could not be verified.
pub fn parse(text: &str) -> Result<Parsed<'_>, PythonParseError> {
    let language: Language = tree_sitter_python::LANGUAGE.into();
    let mut parser = Parser::new();
    parser
        .set_language(&language)
        .map_err(|e| PythonParseError::Setup(e.to_string()))?;
    let tree = parser.parse(text, None).ok_or(PythonParseError::Syntax)?;
    if tree.root_node().has_error() {
        return Err(PythonParseError::Syntax);
    }
    let facts = TreeFacts::gather(&tree, text);
    if facts.max_depth > MAX_DEPTH || facts.max_width > MAX_WIDTH {
        return Err(PythonParseError::TooComplex);
    }
    let regions = find_regions(text, &tree, &facts)?;
    Ok(Parsed {
        text,
        tree,
        regions,
    })
}

/// Deeper trees fall back to the line merge.
const MAX_DEPTH: usize = 400;
/// Nodes with more children than this (a literal of 100,000 numbers) too.
const MAX_WIDTH: usize = 20_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_rejected() {
        assert_eq!(parse("def f(:\n").err(), Some(PythonParseError::Syntax));
    }

    #[test]
    fn tokens_ignore_layout_and_comments() {
        let a = parse("f(a, b=1)\n").unwrap();
        let b = parse("f(\n    a,  # x\n    b = 1,\n)\n").unwrap();
        let ta = tokens(a.tree.root_node(), a.text);
        let tb = tokens(b.tree.root_node(), b.text);
        assert_eq!(ta, tb);
    }
}
