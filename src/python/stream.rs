//! A Python token stream for snippets: the tree-sitter leaves of a stretch
//! of code (comments included, a string as one token, magic trailing commas
//! left in the layout), with byte spans, and the text between them (the
//! gaps: whitespace, line breaks, backslash continuations, magic commas).
//!
//! Tokens compare by their text; [`TokenStream::key`] gives a normalised
//! form for "layout aside" equality: a simple string (no prefix, no quote
//! or backslash inside, not triple-quoted) in either quote style reads as
//! the same token. Nothing else is normalised (parentheses are kept: which
//! ones a formatter adds is not certain enough).

use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::python::parse::tokens::leaves;

/// What a token is, for the rules that treat prose differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Code,
    Comment,
    /// A string that is a statement of its own (a docstring).
    Docstring,
    /// The end of a line outside brackets (no text: a zero-width token
    /// where the line break starts), so that edits at the end of one
    /// statement and the start of the next do not touch.
    LineBreak,
}

/// One token: its bytes in the stream's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Range<usize>,
    pub kind: TokenKind,
}

/// The tokens of one snippet.
#[derive(Clone, Debug)]
pub struct TokenStream<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
}

impl<'a> TokenStream<'a> {
    /// The tokens of `root` lying wholly inside `range` of `full`; spans
    /// are relative to `range` (a token crossing its edge stays gap text,
    /// merged as text).
    pub fn from_tree(full: &'a str, root: Node<'_>, range: Range<usize>) -> Option<Self> {
        let text = full.get(range.clone())?;
        let mut tokens: Vec<Token> = Vec::new();
        let mut depth = 0usize;
        for leaf in leaves(root, range.clone()) {
            let span = leaf.start_byte() - range.start..leaf.end_byte() - range.start;
            let gap_start = tokens.last().map_or(0, |t: &Token| t.span.end);
            if let Some(at) = line_break(text.get(gap_start..span.start)?, depth) {
                let at = gap_start + at;
                tokens.push(Token {
                    span: at..at,
                    kind: TokenKind::LineBreak,
                });
            }
            match leaf.kind() {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                _ => {}
            }
            tokens.push(Token {
                span,
                kind: match leaf.kind() {
                    "comment" => TokenKind::Comment,
                    "string" if is_docstring(&leaf) => TokenKind::Docstring,
                    _ => TokenKind::Code,
                },
            });
        }
        Some(TokenStream { text, tokens })
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The text of token `i`.
    pub fn token(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .and_then(|t| self.text.get(t.span.clone()))
            .unwrap_or("")
    }

    /// The text before token `i` (after token `i - 1`); `i == len()` is the
    /// text after the last token.
    pub fn gap(&self, i: usize) -> &'a str {
        let start = match i {
            0 => 0,
            _ => self
                .tokens
                .get(i - 1)
                .map_or(self.text.len(), |t| t.span.end),
        };
        let end = self.tokens.get(i).map_or(self.text.len(), |t| t.span.start);
        self.text.get(start..end).unwrap_or("")
    }

    /// Tokens `range` with the gaps between them (not around them).
    pub fn inner(&self, range: Range<usize>) -> &'a str {
        if range.is_empty() {
            return "";
        }
        let (Some(first), Some(last)) =
            (self.tokens.get(range.start), self.tokens.get(range.end - 1))
        else {
            return "";
        };
        self.text.get(first.span.start..last.span.end).unwrap_or("")
    }

    /// Tokens `range` with the gaps around them: the text from the end of
    /// token `range.start - 1` to the start of token `range.end` (a single
    /// gap when `range` is empty).
    pub fn region(&self, range: Range<usize>) -> &'a str {
        let start = match range.start {
            0 => 0,
            i => self
                .tokens
                .get(i - 1)
                .map_or(self.text.len(), |t| t.span.end),
        };
        let end = self
            .tokens
            .get(range.end)
            .map_or(self.text.len(), |t| t.span.start);
        self.text.get(start..end).unwrap_or("")
    }

    /// The texts of all tokens, for comparison.
    pub fn texts(&self) -> Vec<&'a str> {
        (0..self.len()).map(|i| self.token(i)).collect()
    }

    /// The normalised form of token `i` (see the module doc).
    pub fn key(&self, i: usize) -> String {
        normalise(self.token(i))
    }
}

/// Where a line break that ends a statement starts in `gap` (outside
/// brackets, not after a backslash).
fn line_break(gap: &str, depth: usize) -> Option<usize> {
    if depth > 0 || gap.contains('\\') {
        return None;
    }
    gap.find('\n')
}

/// A string that is the whole of an expression statement.
fn is_docstring(leaf: &Node<'_>) -> bool {
    leaf.parent()
        .is_some_and(|p| p.kind() == "expression_statement" && p.named_child_count() == 1)
}

/// A simple string in `"` quotes whichever quotes it used; anything else
/// as it is.
pub fn normalise(token: &str) -> String {
    if is_simple_string(token) {
        format!("\"{}\"", &token[1..token.len() - 1])
    } else {
        token.to_string()
    }
}

/// A string with no prefix, no quote or backslash inside, not
/// triple-quoted: it reads the same in either quote style.
pub fn is_simple_string(token: &str) -> bool {
    let bytes = token.as_bytes();
    bytes.len() >= 2
        && matches!(bytes[0], b'\'' | b'"')
        && bytes[bytes.len() - 1] == bytes[0]
        && !token.starts_with("'''")
        && !token.starts_with("\"\"\"")
        && !token[1..token.len() - 1].contains(['\'', '"', '\\'])
}

/// Whether every block's statements start at one column (tree-sitter
/// accepts a dedent to a column no enclosing block uses; Python does not).
pub fn well_indented(root: Node<'_>) -> bool {
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "block" {
            let mut columns = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .map(|c| c.start_position().column);
            if let Some(first) = columns.next() {
                if columns.any(|c| c != first) {
                    return false;
                }
            }
        }
        stack.extend(node.named_children(&mut cursor));
    }
    true
}

/// A snippet of complete statements, parsed: when its first line is
/// indented it is parsed inside an `if True:` block.
pub struct Snippet {
    pub tree: Tree,
    /// Bytes added before the snippet's text.
    pub offset: usize,
    pub source: String,
}

const WRAPPER: &str = "if True:\n";

/// Parses `text` as complete statements; `None` when it has syntax errors.
pub fn parse_snippet(text: &str) -> Option<Snippet> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let indented = first.starts_with([' ', '\t']);
    let (source, offset) = if indented {
        (format!("{WRAPPER}{text}"), WRAPPER.len())
    } else {
        (text.to_string(), 0)
    };
    // Once per text in a merge run.
    let tree = crate::python::memo::tree(&source)?;
    if tree.root_node().has_error() {
        return None;
    }
    Some(Snippet {
        tree,
        offset,
        source,
    })
}

impl Snippet {
    /// The snippet's tokens, spans relative to the snippet's own text.
    pub fn tokens(&self) -> Option<TokenStream<'_>> {
        TokenStream::from_tree(
            &self.source,
            self.tree.root_node(),
            self.offset..self.source.len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_gaps_cover_the_text() {
        let s = parse_snippet("x = f(a,  'b')  # note\n").unwrap();
        let t = s.tokens().unwrap();
        assert_eq!(
            t.texts(),
            ["x", "=", "f", "(", "a", ",", "'b'", ")", "# note"]
        );
        assert_eq!(t.gap(0), "");
        assert_eq!(t.gap(6), "  ");
        assert_eq!(t.gap(9), "\n");
        let two = parse_snippet("a = (1,\n     2)\nb = 3 + \\\n    4\nc = 5\n").unwrap();
        let breaks: Vec<usize> = two
            .tokens()
            .unwrap()
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::LineBreak)
            .map(|t| t.span.start)
            .collect();
        // After `2)` and after `4`: not inside the brackets, not after `\`.
        assert_eq!(breaks, [15, 31]);
        assert_eq!(t.tokens[8].kind, TokenKind::Comment);
        assert_eq!(t.tokens[6].kind, TokenKind::Code);
        let d = parse_snippet("def f():\n    \"\"\"Doc.\"\"\"\n").unwrap();
        assert_eq!(d.tokens().unwrap().tokens[6].kind, TokenKind::Docstring);
        assert_eq!(t.region(4..6), "a,  ");
        assert_eq!(t.inner(4..7), "a,  'b'");
    }

    #[test]
    fn an_indented_snippet_parses_inside_a_block() {
        let s = parse_snippet("    loss = criterion(out, y)\n    loss.backward()\n").unwrap();
        let t = s.tokens().unwrap();
        assert_eq!(t.token(0), "loss");
        assert_eq!(t.gap(0), "    ");
        assert!(parse_snippet("    x = (1,\n").is_none());
    }

    #[test]
    fn a_dedent_to_an_unknown_column_is_not_well_indented() {
        let good = parse_snippet("def f():\n    if a:\n        b()\n    c()\n").unwrap();
        assert!(well_indented(good.tree.root_node()));
        let bad = "def f():\n    if a:\n        b()\n      c()\n";
        if let Some(bad) = parse_snippet(bad) {
            assert!(!well_indented(bad.tree.root_node()));
        }
    }

    #[test]
    fn magic_commas_are_layout() {
        let s = parse_snippet("f(\n    a,\n    b,\n)\n").unwrap();
        let t = s.tokens().unwrap();
        assert_eq!(t.texts(), ["f", "(", "a", ",", "b", ")"]);
        assert_eq!(t.gap(5), ",\n");
    }

    #[test]
    fn simple_strings_normalise_to_double_quotes() {
        assert_eq!(normalise("'boxes'"), "\"boxes\"");
        assert_eq!(normalise("\"boxes\""), "\"boxes\"");
        assert_eq!(normalise("'it\"s'"), "'it\"s'");
        assert_eq!(normalise("f'{x}'"), "f'{x}'");
        assert_eq!(normalise("'''doc'''"), "'''doc'''");
        assert_eq!(normalise("'"), "'");
    }
}
