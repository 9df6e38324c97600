//! The tokens of a Python node: its leaves in order, strings whole,
//! comments and magic trailing commas told apart, so that two versions
//! with equal tokens differ only in layout.

use std::ops::Range;

use tree_sitter::Node;

use super::kind::kind;

/// The text of `node` (empty when its range is not in `text`).
pub fn node_text<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    text.get(node.byte_range()).unwrap_or("")
}

/// The element's tokens, comments left out, joined by a separator that
/// cannot occur in source.
pub fn tokens(node: Node<'_>, text: &str) -> String {
    let mut out = String::new();
    for leaf in leaves(node, node.byte_range()) {
        if kind(leaf) != "comment" {
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
    loop {
        let n = cursor.node();
        let overlaps = n.start_byte() < range.end && n.end_byte() > range.start;
        if overlaps && (n.child_count() == 0 || kind(n) == "string") {
            let whole = n.start_byte() >= range.start && n.end_byte() <= range.end;
            if whole && !magic_comma(&cursor, &parents) {
                out.push(n);
            }
        } else if overlaps && cursor.goto_first_child() {
            parents.push(kind(n));
            continue;
        }
        if !next_subtree(&mut cursor, Some(node.id()), || {
            parents.pop();
        }) {
            break;
        }
    }
    out
}

/// Moves `cursor` past the subtree of its node in a pre-order walk: to the
/// next sibling, else to the next sibling of the nearest ancestor that has
/// one, calling `climbed` for each level it goes up. `false` when the walk
/// is over: the cursor is back at `root` (the node the walk started at) or
/// at the top of the tree.
pub fn next_subtree(
    cursor: &mut tree_sitter::TreeCursor<'_>,
    root: Option<usize>,
    mut climbed: impl FnMut(),
) -> bool {
    loop {
        if root == Some(cursor.node().id()) {
            return false;
        }
        if cursor.goto_next_sibling() {
            return true;
        }
        if !cursor.goto_parent() {
            return false;
        }
        climbed();
    }
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
    if kind(cursor.node()) != "," || !in_list {
        return false;
    }
    let mut next = cursor.clone();
    while next.goto_next_sibling() {
        let next_kind = kind(next.node());
        if next_kind != "comment" {
            return matches!(next_kind, ")" | "]" | "}");
        }
    }
    false
}
