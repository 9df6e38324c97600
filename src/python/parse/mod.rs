//! Parsing Python with tree-sitter: the tree, the facts gathered in one
//! walk over it ([`facts`]), the tokens of a node ([`tokens`]) and the
//! query files that recognise layer lists ([`queries`]); the regions found
//! in the tree ([`crate::python::regions`]) come with the parse.

pub mod facts;
pub mod kind;
pub mod queries;
pub mod tokens;

use std::ops::Range;

use tree_sitter::{Node, Tree};

use self::facts::TreeFacts;
use crate::python::memo;
use crate::python::regions::{find_regions, Region};

pub use self::queries::all_queries;
pub use self::tokens::{leaves, tokens};

/// Why a source could not be used for the structured merge. (A grammar
/// or query that does not load is a bug of the build, not a property of
/// the input: [`parse`] panics on it, the pipeline reports an internal
/// error, and `tests/grammars.rs` proves every query compiles and loads.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonParseError {
    /// The source has syntax errors.
    Syntax,
    /// Nesting deeper, or a node wider, than the structured merge handles
    /// (tree-sitter's query cursor slows down sharply on such trees).
    TooComplex,
    /// The parser's work budget ran out ([`parse_budget`] operations).
    OverBudget { bytes: usize, operations: usize },
    /// A line with more separators than a node may have children: the node
    /// would be too wide, and parsing it to find out costs too much.
    TooWide { commas: usize },
}

impl PythonParseError {
    /// Whether a limit of docs/limits.md was reached (not a property of
    /// the code itself, as a syntax error is).
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::TooComplex | Self::OverBudget { .. } | Self::TooWide { .. }
        )
    }
}

impl std::fmt::Display for PythonParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Syntax => f.write_str("a version has Python syntax errors"),
            Self::TooComplex => write!(
                f,
                "a version nests deeper than {MAX_DEPTH} or has a node with more than {MAX_WIDTH} children"
            ),
            Self::OverBudget { bytes, operations } => write!(
                f,
                "parsing {bytes} bytes took more than {operations} parser operations (the parse budget)"
            ),
            Self::TooWide { commas } => write!(
                f,
                "a line holds {commas} commas, more than the {MAX_WIDTH} elements a list may have"
            ),
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

/// Whether a statement starts a line at another indentation than the
/// statements before it in its block (at column 0 for the module): Python's
/// "unexpected indent", which tree-sitter-python reads without an error
/// node (`x = 1\n    y = 2\n` is two statements to it, and so is a method
/// body whose `def` line was deleted). A statement after `;` on the same
/// line is not at a line's start; comments may be indented anywhere.
/// For a tree without error nodes (the caller checks those first).
pub(crate) fn unexpected_indent(root: tree_sitter::Node<'_>) -> bool {
    // One pre-order walk (a cursor: no recursion on hostile nesting, no
    // child list per node) down to every block: only the statements of the
    // module and of each block are compared, and only the nodes that can
    // hold a block are entered (simple statements and expressions, most of
    // a tree, cannot).
    let mut cursor = root.walk();
    let mut children = root.walk();
    loop {
        let node = cursor.node();
        let kind = kind::kind(node);
        if (kind == "block" || kind == "module") && misindented_child(node, &mut children) {
            return true;
        }
        if BLOCK_HOLDERS.contains(&kind) && cursor.goto_first_child() {
            continue;
        }
        if !tokens::next_subtree(&mut cursor, Some(root.id()), || {}) {
            return false;
        }
    }
}

/// The kinds of node a `block` can lie inside in a tree without error
/// nodes (tree-sitter-python's node types: the compound statements, their
/// clauses, and the module and blocks holding them); a test derives the
/// same set from the grammar's `NODE_TYPES`.
const BLOCK_HOLDERS: &[&str] = &[
    "module",
    "block",
    "decorated_definition",
    "class_definition",
    "function_definition",
    "if_statement",
    "elif_clause",
    "else_clause",
    "for_statement",
    "while_statement",
    "try_statement",
    "except_clause",
    "finally_clause",
    "with_statement",
    "match_statement",
    "case_clause",
];

/// Whether a statement of `node` (a block or the module) starts a line at
/// another column than the ones before it (see [`unexpected_indent`]).
fn misindented_child<'t>(node: Node<'t>, cursor: &mut tree_sitter::TreeCursor<'t>) -> bool {
    let mut column = (kind::kind(node) != "block").then_some(0);
    let mut last_row = None;
    for child in node.named_children(cursor) {
        if kind::kind(child) == "comment" {
            continue;
        }
        let start = child.start_position();
        if last_row != Some(start.row) {
            match column {
                Some(c) if c != start.column => return true,
                Some(_) => {}
                None => column = Some(start.column),
            }
        }
        last_row = Some(child.end_position().row);
    }
    false
}

/// Whether `tree`, the tree of `text`, has no error node and no
/// unexpected indent; once per text in a merge run (`python::memo`).
pub(crate) fn free_of_syntax_errors(text: &str, tree: &Tree) -> bool {
    memo::syntax_ok(text, || {
        !tree.root_node().has_error() && !unexpected_indent(tree.root_node())
    })
}

/// Whether `text` parses without a syntax error (its tree once per run).
pub(crate) fn parses_cleanly(text: &str) -> bool {
    memo::tree(text).is_some_and(|tree| free_of_syntax_errors(text, &tree))
}

/// Parses `text`; syntax errors are an error, since a structured merge of a
/// broken file could not be verified.
pub fn parse(text: &str) -> Result<Parsed<'_>, PythonParseError> {
    // Once per text in a merge run (`python::memo`).
    let (tree, regions) = memo::parsed(text, || parse_owned(text))?;
    Ok(Parsed {
        text,
        tree,
        regions,
    })
}

/// [`parse`]'s tree and regions.
fn parse_owned(text: &str) -> Result<(Tree, Vec<Region>), PythonParseError> {
    if let Some(commas) = widest_line(text) {
        return Err(PythonParseError::TooWide { commas });
    }
    let budget = parse_budget(text.len());
    let tree = match memo::budgeted_tree(text, budget) {
        Ok(tree) => tree,
        Err(memo::NoTree::OverBudget) => {
            return Err(PythonParseError::OverBudget {
                bytes: text.len(),
                operations: budget,
            })
        }
        Err(memo::NoTree::Failed) => return Err(PythonParseError::Syntax),
    };
    if !free_of_syntax_errors(text, &tree) {
        return Err(PythonParseError::Syntax);
    }
    let facts = TreeFacts::gather(&tree, text);
    if facts.max_depth > MAX_DEPTH || facts.max_width > MAX_WIDTH {
        return Err(PythonParseError::TooComplex);
    }
    let regions = find_regions(text, &tree, &facts);
    Ok((tree, regions))
}

/// Parser operations allowed per byte of source, and for any source: well
/// above what real code takes (about OPS_MEASURED per byte on the benchmark's
/// modules), so only pathological input reaches it.
const PARSE_OPERATIONS_PER_BYTE: usize = 40;
const PARSE_OPERATIONS_FLOOR: usize = 1_000_000;

/// The work budget of parsing `bytes` bytes, in tree-sitter operations.
pub fn parse_budget(bytes: usize) -> usize {
    bytes
        .saturating_mul(PARSE_OPERATIONS_PER_BYTE)
        .saturating_add(PARSE_OPERATIONS_FLOOR)
}

/// The comma count of the first line with more commas than a node may
/// have children, found without parsing (a memchr pass): such a line is
/// a literal too wide for the structured merge, and parsing it is costly.
pub fn widest_line(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        let line = &bytes[start..end];
        start = end + 1;
        if line.len() > MAX_WIDTH {
            let commas = memchr::memchr_iter(b',', line).count();
            if commas > MAX_WIDTH {
                return Some(commas);
            }
        }
    }
    None
}

/// Deeper trees fall back to the line merge.
const MAX_DEPTH: usize = 400;
/// Nodes with more children than this (a literal of 100,000 numbers) too.
const MAX_WIDTH: usize = 20_000;

#[cfg(test)]
mod indent_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::memo::PROGRESS_EVERY;
    use tree_sitter::{Language, Parser};

    #[test]
    fn a_line_wider_than_a_node_may_be_is_declined_before_parsing() {
        let line = format!("x = [{}]\n", "1, ".repeat(MAX_WIDTH + 5));
        assert_eq!(
            parse(&line).err(),
            Some(PythonParseError::TooWide {
                commas: MAX_WIDTH + 5
            })
        );
        assert!(parse(&format!("x = [{}]\n", "1, ".repeat(100))).is_ok());
    }

    /// Prints the parser operations per byte of real and hostile code (to
    /// set the budget): `cargo test --release --lib operations_per_byte -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn operations_per_byte() {
        let count = |text: &str| {
            let language: Language = tree_sitter_python::LANGUAGE.into();
            let mut parser = Parser::new();
            parser.set_language(&language).unwrap();
            let mut checks = 0usize;
            let mut progress = |_: &tree_sitter::ParseState| {
                checks += 1;
                false
            };
            let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
            let bytes = text.as_bytes();
            parser.parse_with_options(
                &mut |o, _| bytes.get(o..).unwrap_or_default(),
                None,
                Some(options),
            );
            checks as f64 * PROGRESS_EVERY as f64 / text.len() as f64
        };
        for path in std::env::var("MLMERGE_PARSE_SAMPLES")
            .unwrap_or_default()
            .split(':')
        {
            if let Ok(text) = std::fs::read_to_string(path) {
                println!("{path}: {:.2} operations per byte", count(&text));
            }
        }
        let layers: Vec<String> = (0..5000).map(|i| format!("layers.Dense({i})")).collect();
        let one_line = format!("m = Sequential([{}])\n", layers.join(", "));
        println!("one-line Sequential: {:.2}", count(&one_line));
        let nested = format!("x = {}{}\n", "[".repeat(3000), "]".repeat(3000));
        println!("3000-deep nesting: {:.2}", count(&nested));
    }

    #[test]
    fn syntax_errors_are_rejected() {
        assert_eq!(parse("def f(:\n").err(), Some(PythonParseError::Syntax));
        // An unexpected indent, which tree-sitter reads without an error.
        assert_eq!(
            parse("x = f(\n    a,\n)\n    m=1,").err(),
            Some(PythonParseError::Syntax)
        );
        assert!(parse("x = 1; y = 2\n  # a comment\nz = 3\n").is_ok());
        // A method body whose `def` line was deleted.
        assert_eq!(
            parse("class A:\n    \"\"\"Doc.\"\"\"\n\n        x = 1\n").err(),
            Some(PythonParseError::Syntax)
        );
        assert!(parse("class A:\n    \"\"\"Doc.\"\"\"\n\n    def f(self):\n        if x: y = 1\n        return 2\n").is_ok());
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
