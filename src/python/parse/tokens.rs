//! The tokens of a Python node: its leaves in order, strings whole,
//! comments and magic trailing commas told apart, so that two versions
//! with equal tokens differ only in layout.

use std::ops::Range;

use tree_sitter::Node;

/// The text of `node` (empty when its range is not in `text`).
pub fn node_text<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    text.get(node.byte_range()).unwrap_or("")
}

/// The element's tokens, comments left out, joined by a separator that
/// cannot occur in source.
pub fn tokens(node: Node<'_>, text: &str) -> String {
    let mut out = String::new();
    for leaf in leaves(node, node.byte_range()) {
        if leaf.kind() != "comment" {
            out.push_str(node_text(leaf, text));
            out.push('\u{1}');
        }
    }
    out
}

/// The leaves of `node` lying wholly inside `range`, in order: strings as
/// one leaf whatever their inner structure, comments included, magic
/// trailing commas left out (formatters add them; they are layout).
pub fn leaves(node: Node<'_>, range: Range<usize>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    // Kinds of the nodes above the cursor, to spot magic trailing commas.
    let mut parents: Vec<&'static str> = Vec::new();
    'walk: loop {
        let n = cursor.node();
        let overlaps = n.start_byte() < range.end && n.end_byte() > range.start;
        if overlaps && (n.child_count() == 0 || n.kind() == "string") {
            let whole = n.start_byte() >= range.start && n.end_byte() <= range.end;
            if whole && !magic_comma(&cursor, &parents) {
                out.push(n);
            }
        } else if overlaps && cursor.goto_first_child() {
            parents.push(n.kind());
            continue;
        }
        loop {
            if cursor.node().id() == node.id() {
                break 'walk;
            }
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            parents.pop();
        }
    }
    out
}

/// A comma right before the closing bracket of a list-like node, comments
/// aside (looked up through a copy of the cursor: `Node::next_sibling`
/// rescans the parent).
fn magic_comma(cursor: &tree_sitter::TreeCursor<'_>, parents: &[&str]) -> bool {
    let in_list = parents.last().is_some_and(|p| {
        matches!(
            *p,
            "argument_list" | "list" | "dictionary" | "set" | "parameters"
        )
    });
    if cursor.node().kind() != "," || !in_list {
        return false;
    }
    let mut next = cursor.clone();
    while next.goto_next_sibling() {
        if next.node().kind() != "comment" {
            return matches!(next.node().kind(), ")" | "]" | "}");
        }
    }
    false
}
