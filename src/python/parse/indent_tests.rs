//! The indent check's walk enters only the nodes that can hold a block:
//! held to the grammar's node types and to a walk over every named node.

use super::*;
use std::collections::BTreeSet;

/// The named node types a `block` can lie inside, from tree-sitter-python's
/// `NODE_TYPES` (fields and children, supertypes expanded).
fn block_holders_of_the_grammar() -> BTreeSet<String> {
    let types: serde_json::Value =
        serde_json::from_str(tree_sitter_python::NODE_TYPES).expect("NODE_TYPES is JSON");
    let types = types.as_array().expect("a list of node types");
    let name = |t: &serde_json::Value| t["type"].as_str().unwrap_or_default().to_string();
    let named = |t: &serde_json::Value| t["named"].as_bool().unwrap_or(false);
    let subtypes: std::collections::HashMap<String, Vec<String>> = types
        .iter()
        .filter(|t| named(t))
        .filter_map(|t| {
            let subs = t["subtypes"].as_array()?;
            Some((name(t), subs.iter().map(name).collect()))
        })
        .collect();
    fn expand(
        t: &str,
        subtypes: &std::collections::HashMap<String, Vec<String>>,
        out: &mut BTreeSet<String>,
    ) {
        match subtypes.get(t) {
            Some(subs) => subs.iter().for_each(|s| expand(s, subtypes, out)),
            None => {
                out.insert(t.to_string());
            }
        }
    }
    let mut children: Vec<(String, BTreeSet<String>)> = Vec::new();
    for t in types.iter().filter(|t| named(t) && t["subtypes"].is_null()) {
        let mut kids = BTreeSet::new();
        let mut lists: Vec<&serde_json::Value> = Vec::new();
        if let Some(fields) = t["fields"].as_object() {
            lists.extend(fields.values().map(|f| &f["types"]));
        }
        lists.push(&t["children"]["types"]);
        for list in lists {
            for kid in list.as_array().into_iter().flatten().filter(|k| named(k)) {
                expand(&name(kid), &subtypes, &mut kids);
            }
        }
        children.push((name(t), kids));
    }
    let mut holders: BTreeSet<String> = ["block".to_string()].into();
    loop {
        let before = holders.len();
        for (t, kids) in &children {
            if kids.iter().any(|k| holders.contains(k)) {
                holders.insert(t.clone());
            }
        }
        if holders.len() == before {
            return holders;
        }
    }
}

#[test]
fn the_block_holders_are_the_grammars() {
    let listed: BTreeSet<String> = BLOCK_HOLDERS.iter().map(|s| s.to_string()).collect();
    assert_eq!(listed, block_holders_of_the_grammar());
}

/// The check as it was: every named node entered.
fn unexpected_indent_entering_every_node(root: Node<'_>) -> bool {
    let mut cursor = root.walk();
    let mut children = root.walk();
    loop {
        let node = cursor.node();
        let kind = node.kind();
        if (kind == "block" || kind == "module") && misindented_child(node, &mut children) {
            return true;
        }
        if node.is_named() && cursor.goto_first_child() {
            continue;
        }
        if !tokens::next_subtree(&mut cursor, Some(root.id()), || {}) {
            return false;
        }
    }
}

#[test]
fn the_pruned_walk_answers_as_the_whole_walk() {
    let mut texts: Vec<String> = [
        "def f(x):\n    if x:\n        return 1\n      y = 2\n",
        "class A:\n    @d\n    def f(self):\n        try:\n            pass\n        except E:\n            x = 1\n           y = 2\n",
        "match x:\n    case 1:\n        a = 1\n    case _:\n        b = 2\n         c = 3\n",
        "for i in r:\n    pass\nelse:\n    while t:\n        with c as d:\n            e = 1\n          f = 2\n",
        "try:\n    a\nexcept* E:\n    b\nfinally:\n    c\n     d\n",
        "if a:\n    x = lambda: 1\nelif b:\n    y = [i for i in z]\nelse:\n    z = {k: v for k, v in w}\n",
        "x = f(\n    a,\n)\n    m=1,",
        "class A:\n    \"\"\"Doc.\"\"\"\n\n        x = 1\n",
        "x = 1; y = 2\n  # a comment\nz = 3\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python");
    for case in std::fs::read_dir(&root).expect("fixtures") {
        for version in ["base.py", "ours.py", "theirs.py", "expected.py"] {
            if let Ok(text) =
                std::fs::read_to_string(case.as_ref().expect("entry").path().join(version))
            {
                texts.push(text);
            }
        }
    }
    let (mut checked, mut misindented) = (0, 0);
    for text in &texts {
        let Some(tree) = crate::python::memo::tree(text) else {
            continue;
        };
        if tree.root_node().has_error() {
            continue;
        }
        let whole = unexpected_indent_entering_every_node(tree.root_node());
        assert_eq!(unexpected_indent(tree.root_node()), whole, "{text}");
        checked += 1;
        misindented += usize::from(whole);
    }
    assert!(
        checked > 400 && misindented >= 6,
        "{checked} texts, {misindented} misindented"
    );
}
