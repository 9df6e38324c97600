//! Tests of sibling sequences: module statements cover the text, dict
//! pairs one per line, inline import names.

use super::*;

#[test]
fn module_statements_cover_the_text() {
    let text = "import os\n\n# helper\ndef f():\n    pass\n\nx = 1\n# end\n";
    let tree = parse_tree(text).unwrap();
    let m = module(&tree, text).unwrap();
    let keys: Vec<_> = m.elements.iter().map(|e| e.key.clone().unwrap()).collect();
    assert_eq!(keys, ["import os", "name f", "name x"]);
    let joined: String = m
        .elements
        .iter()
        .map(|e| m.element_text(e))
        .collect::<String>()
        + m.slice(&m.tail);
    assert_eq!(joined, text);
}

#[test]
fn dict_lines_and_inline_imports() {
    let text = "PRESETS = {\n    \"a\": 1,\n    # b\n    'b': {\"x\": 2}\n}\nfrom m import a, b\n";
    let tree = parse_tree(text).unwrap();
    let m = module(&tree, text).unwrap();
    let d = inner(m.elements[0].node, text, &[]).unwrap();
    assert_eq!(d.kind, ContainerKind::Dict);
    assert_eq!(d.layout, Layout::Lines);
    assert_eq!(d.elements.len(), 2);
    assert_eq!(d.elements[1].key.as_deref(), Some("key \"b\""));
    assert!(d.slice(&d.elements[1].span).starts_with("    # b\n"));
    assert!(!d.trailing_comma);
    let i = inner(m.elements[1].node, text, &[]).unwrap();
    assert_eq!(i.kind, ContainerKind::ImportNames);
    assert_eq!(i.layout, Layout::Inline);
    assert_eq!(i.separator, ", ");
    assert_eq!(i.slice(&i.head), "from m import ");
}

#[test]
fn dict_keys_are_constants_names_and_dotted_names() {
    let text = "M = {\n    PeftType.LORA: 1,\n    LoraConfig: 2,\n    \"x\": 3,\n    make(1): 4,\n    a[0]: 5,\n    f().b: 6,\n    **rest,\n}\n";
    let tree = parse_tree(text).unwrap();
    let m = module(&tree, text).unwrap();
    let d = inner(m.elements[0].node, text, &[]).unwrap();
    let keys: Vec<_> = d.elements.iter().map(|e| e.key.clone()).collect();
    assert_eq!(
        keys,
        [
            Some("key PeftType.LORA".to_string()),
            Some("key LoraConfig".to_string()),
            Some("key \"x\"".to_string()),
            None,
            None,
            None,
            None,
        ]
    );
}
