//! The keys that identify an element across the three versions: the name
//! a statement binds or the module it imports, a dict entry's constant
//! key, a set item's or an import name's text without layout.

use tree_sitter::Node;

use super::{node_text, parameter_name, squash, ContainerKind};

/// The key of a module or class statement: the name a definition or a
/// plain assignment binds, or the module an import reads.
pub fn statement_key(node: Node<'_>, text: &str) -> Option<String> {
    match node.kind() {
        "function_definition" | "class_definition" => node
            .child_by_field_name("name")
            .map(|n| format!("name {}", node_text(n, text))),
        "decorated_definition" => statement_key(node.child_by_field_name("definition")?, text),
        "expression_statement" => {
            let inner = node.named_child(0)?;
            if node.named_child_count() != 1 || inner.kind() != "assignment" {
                return None;
            }
            let left = inner.child_by_field_name("left")?;
            (left.kind() == "identifier").then(|| format!("name {}", node_text(left, text)))
        }
        "import_statement" => {
            // By the modules read, not the names bound: `import numpy as
            // np` changed to `as jnp` on one side is the same import.
            let mut cursor = node.walk();
            let modules: Vec<String> = node
                .children_by_field_name("name", &mut cursor)
                .map(|n| match n.kind() {
                    "aliased_import" => n
                        .child_by_field_name("name")
                        .map_or(String::new(), |m| squash(node_text(m, text))),
                    _ => squash(node_text(n, text)),
                })
                .collect();
            Some(format!("import {}", modules.join(",")))
        }
        "import_from_statement" => Some(format!(
            "from {}",
            squash(node_text(node.child_by_field_name("module_name")?, text))
        )),
        "future_import_statement" => Some("from __future__".into()),
        _ => None,
    }
}

/// The key of an element of a keyed container (an entry, a set item, an
/// import name).
pub(super) fn item_key(kind: ContainerKind, node: Node<'_>, text: &str) -> Option<String> {
    match kind {
        ContainerKind::Dict => dict_key(node, text).map(|k| format!("key {k}")),
        ContainerKind::Set | ContainerKind::SetList => (node.kind() != "list_splat").then(|| {
            format!(
                "item {}",
                normalise_string(&squash_outside_strings(node, text))
            )
        }),
        ContainerKind::ImportNames => matches!(node.kind(), "dotted_name" | "aliased_import")
            .then(|| format!("name {}", squash(node_text(node, text)))),
        ContainerKind::Arguments => (node.kind() == "keyword_argument")
            .then(|| node.child_by_field_name("name"))
            .flatten()
            .map(|n| format!("keyword {}", node_text(n, text))),
        ContainerKind::Module | ContainerKind::ClassBody => statement_key(node, text),
        ContainerKind::FunctionBody => None,
        ContainerKind::Parameters => parameter_name(node, text),
    }
}

/// The constant key of a dictionary entry (a `pair` node): a string,
/// number, `True`, `False` or `None`, quotes normalised, or a name or
/// dotted name (`PeftType.LORA`, `LoraConfig`: the enum members and
/// classes registries are keyed by; see merge-rules-decided.md, "Dicts
/// keyed by names"); `None` for other keys and for `**spread`.
pub fn dict_key(node: Node<'_>, text: &str) -> Option<String> {
    if node.kind() != "pair" {
        return None;
    }
    let key = node.child_by_field_name("key")?;
    match key.kind() {
        "string" | "integer" | "float" | "true" | "false" | "none" => {
            Some(normalise_string(node_text(key, text)))
        }
        "identifier" | "attribute" if is_dotted_name(key) => Some(squash(node_text(key, text))),
        _ => None,
    }
}

/// A name or a chain of attributes of a name (`a`, `a.b.c`), nothing
/// called or subscripted.
pub(super) fn is_dotted_name(node: Node<'_>) -> bool {
    let mut at = node;
    loop {
        match at.kind() {
            "identifier" => return true,
            "attribute"
                if at
                    .child_by_field_name("attribute")
                    .is_some_and(|a| a.kind() == "identifier") =>
            {
                match at.child_by_field_name("object") {
                    Some(object) => at = object,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
}

/// `'a'` and `"a"` are one key.
pub(super) fn normalise_string(s: &str) -> String {
    let simple = |q: char| {
        s.len() >= 2
            && s.starts_with(q)
            && s.ends_with(q)
            && !s[1..s.len() - 1].contains(['"', '\'', '\\'])
    };
    if simple('\'') || simple('"') {
        format!("\"{}\"", &s[1..s.len() - 1])
    } else {
        s.to_string()
    }
}

/// An element's text without layout: whitespace and comments left out
/// (strings kept whole).
pub(super) fn squash_outside_strings(node: Node<'_>, text: &str) -> String {
    let mut out = String::new();
    for leaf in crate::python::parse::leaves(node, node.byte_range()) {
        if leaf.kind() != "comment" {
            out.push_str(node_text(leaf, text));
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}
