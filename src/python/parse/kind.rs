//! A node's kind name from a table built once per process: `Node::kind`
//! measures the C string and checks its UTF-8 on every call, which the
//! walks over every node of a tree (the facts, the indent check, the
//! tokens) pay millions of times in a large merge. The table holds the
//! same `&'static str` tree-sitter gives for each kind id, so every
//! comparison answers as before (`kinds_are_the_grammars` holds it to
//! `Node::kind` on every node of every fixture).

use std::sync::OnceLock;

use tree_sitter::{Language, Node};

/// Each kind id's name, as tree-sitter-python names it.
fn names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let language: Language = tree_sitter_python::LANGUAGE.into();
        (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or("")
            })
            .collect()
    })
}

/// `node.kind()`, looked up in the table (a kind outside it, such as
/// `ERROR`, asks tree-sitter).
pub fn kind(node: Node<'_>) -> &'static str {
    match names().get(usize::from(node.kind_id())) {
        Some(name) if !name.is_empty() => name,
        _ => node.kind(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn each_node(text: &str, mut f: impl FnMut(Node<'_>)) {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("grammar");
        let tree = parser.parse(text, None).expect("parsed");
        let mut cursor = tree.walk();
        loop {
            f(cursor.node());
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    #[test]
    fn kinds_are_the_grammars() {
        let mut texts = vec![
            // Errors, missing nodes, aliases, keywords, strings.
            "def f(:\n    x = [1, 2\n".to_string(),
            "print 'a'\nexec 'b'\nclass A(B, metaclass=M):\n    async def f(self): await g(*a, **k)\n".to_string(),
            "x = f'{a!r:>{w}}' + b'\\x00' + r\"\\d\"\nmatch p:\n    case [1, *r] if r: pass\n".to_string(),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python");
        for case in std::fs::read_dir(root).into_iter().flatten().flatten() {
            for side in ["base.py", "ours.py", "theirs.py", "expected.py"] {
                if let Ok(text) = std::fs::read_to_string(case.path().join(side)) {
                    texts.push(text);
                }
            }
        }
        assert!(texts.len() > 100, "the fixtures were read");
        let mut nodes = 0;
        for text in &texts {
            each_node(text, |node| {
                nodes += 1;
                assert_eq!(kind(node), node.kind(), "{:?}", node.byte_range());
            });
        }
        assert!(nodes > 10_000);
    }
}
