//! The same change made twice where one side also wrapped or unwrapped an
//! assigned value in parentheses: `x = (\n    "gs://…/bank.csv"\n)` on one
//! side, `x = "gs://…/bank.csv"` on the other, both from a base that
//! assigned another string. Parentheses around the whole right-hand side of
//! an assignment are layout (black adds and removes them to fit a line);
//! nowhere else are they (`(a + b) * c`), and a tuple's are not.
//!
//! The wrapping merges as a value, like the rest of the layout: where one
//! side kept the base's wrapping of every assignment and the other changed
//! it, the other side's text is the result. Both changed, or the base has
//! other assignments than the sides: not certain, declined.

use tree_sitter::Node;

use crate::core::merge3::Merge3;
use crate::python::stream::{parse_snippet, Snippet};

/// [`same_change`] in the shape of a text resolver
/// (`resolve::SAME_CHANGE_CHAIN`).
pub fn same_change_resolver(texts: Merge3<&str>) -> Option<String> {
    same_change(texts.base, texts.ours, texts.theirs)
}

/// The text to keep when ours and theirs have the same tokens once the
/// parentheses around whole assigned values are set aside, and only one
/// side changed which values are wrapped; `None` otherwise.
pub fn same_change(base: &str, ours: &str, theirs: &str) -> Option<String> {
    if !may_match(ours, theirs) {
        return None;
    }
    let (b, o, t) = (
        Wrapping::of(&parse_snippet(base)?)?,
        Wrapping::of(&parse_snippet(ours)?)?,
        Wrapping::of(&parse_snippet(theirs)?)?,
    );
    if o.keys != t.keys || o.wrapped == t.wrapped || b.wrapped.len() != o.wrapped.len() {
        return None;
    }
    if t.wrapped == b.wrapped {
        Some(ours.to_string())
    } else if o.wrapped == b.wrapped {
        Some(theirs.to_string())
    } else {
        None
    }
}

/// A cheap test, without parsing: equal once whitespace, backslashes,
/// commas, parentheses and quote styles are set aside.
fn may_match(ours: &str, theirs: &str) -> bool {
    fn kept(text: &str) -> impl Iterator<Item = char> + '_ {
        text.chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '\\' | ',' | '(' | ')')))
            .map(|c| if c == '\'' { '"' } else { c })
    }
    ours != theirs && kept(ours).eq(kept(theirs))
}

/// A snippet's tokens without the wrapping parentheses, and which of its
/// assignments wrap their value.
struct Wrapping {
    /// The normalised token texts, wrapping parentheses left out.
    keys: Vec<String>,
    /// For each assignment in source order: whether its whole value is in
    /// parentheses.
    wrapped: Vec<bool>,
}

impl Wrapping {
    fn of(snippet: &Snippet) -> Option<Self> {
        let stream = snippet.tokens()?;
        let mut wrapped = Vec::new();
        let mut parens = Vec::new();
        let mut stack = vec![snippet.tree.root_node()];
        let mut assignments = Vec::new();
        while let Some(node) = stack.pop() {
            if matches!(node.kind(), "assignment" | "augmented_assignment") {
                assignments.push(node);
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        assignments.sort_by_key(|n| n.start_byte());
        for node in assignments {
            let Some(value) = node.child_by_field_name("right") else {
                continue;
            };
            match wrap_parens(value) {
                Some((open, close)) => {
                    wrapped.push(true);
                    parens.extend([open, close]);
                }
                None => wrapped.push(false),
            }
        }
        let keys = (0..stream.len())
            .filter(|&i| {
                stream
                    .tokens
                    .get(i)
                    .is_none_or(|t| !parens.contains(&(t.span.start + snippet.offset)))
            })
            .map(|i| stream.key(i))
            .collect();
        Some(Self { keys, wrapped })
    }
}

/// The bytes where the parentheses of `value` start, when `value` is one
/// expression in parentheses and nothing else (no comment, no `yield`).
fn wrap_parens(value: Node<'_>) -> Option<(usize, usize)> {
    if value.kind() != "parenthesized_expression" || value.child_count() != 3 {
        return None;
    }
    let (open, inner, close) = (value.child(0)?, value.child(1)?, value.child(2)?);
    let plain = open.kind() == "(" && close.kind() == ")" && inner.is_named();
    (plain && !matches!(inner.kind(), "yield" | "comment" | "list_splat"))
        .then(|| (open.start_byte(), close.start_byte()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "uri = (\n    \"gs://bucket/safe-driver/train.csv\"\n)\n";
    const WRAPPED: &str = "uri = (\n    \"gs://bucket/bank/train.csv\"\n)\n";
    const FLAT: &str = "uri = \"gs://bucket/bank/train.csv\"\n";

    #[test]
    fn the_side_that_changed_the_wrapping_gives_its_text() {
        assert_eq!(same_change(BASE, FLAT, WRAPPED).as_deref(), Some(FLAT));
        assert_eq!(same_change(BASE, WRAPPED, FLAT).as_deref(), Some(FLAT));
    }

    #[test]
    fn an_indented_stretch_is_read_alike() {
        let indent = |text: &str| {
            text.lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        };
        let (base, flat, wrapped) = (indent(BASE), indent(FLAT), indent(WRAPPED));
        assert_eq!(
            same_change(&base, &wrapped, &flat).as_deref(),
            Some(flat.as_str())
        );
    }

    #[test]
    fn a_flat_base_keeps_the_flat_side_and_gives_the_wrapped_one() {
        let base = "uri = \"gs://bucket/safe-driver/train.csv\"\n";
        assert_eq!(same_change(base, FLAT, WRAPPED).as_deref(), Some(WRAPPED));
    }

    #[test]
    fn other_tokens_decline() {
        let other = "uri = \"gs://bucket/census/train.csv\"\n";
        assert_eq!(same_change(BASE, other, WRAPPED), None);
    }

    #[test]
    fn parentheses_inside_a_value_are_not_layout() {
        let base = "lr = (base_lr * 0.1) + warmup\n";
        let ours = "lr = base_lr * 0.5 + warmup\n";
        let theirs = "lr = (base_lr * 0.5) + warmup\n";
        assert_eq!(same_change(base, ours, theirs), None);
    }

    #[test]
    fn a_tuple_is_not_a_wrapped_value() {
        let base = "input_shape = (28, 28)\n";
        assert_eq!(
            same_change(base, "input_shape = 32, 32\n", "input_shape = (32, 32)\n"),
            None
        );
    }

    #[test]
    fn both_sides_rewrapping_declines() {
        let base = "a = (\n    1\n)\nb = 2\n";
        let ours = "a = 3\nb = 4\n";
        let theirs = "a = (\n    3\n)\nb = (\n    4\n)\n";
        assert_eq!(same_change(base, ours, theirs), None);
    }

    #[test]
    fn a_comment_inside_the_parentheses_keeps_them() {
        let base = "uri = (  # training data\n    \"gs://bucket/safe-driver/train.csv\"\n)\n";
        let theirs = "uri = (  # training data\n    \"gs://bucket/bank/train.csv\"\n)\n";
        assert_eq!(same_change(base, FLAT, theirs), None);
    }
}
