//! Tests of the line check's statement reading: layout is not content,
//! keys by a statement's head, fields, and hostile text.

use super::*;

fn contents(text: &str) -> Vec<String> {
    statements(text).into_iter().map(|e| e.content).collect()
}

#[test]
fn layout_is_not_content() {
    let one = "x = f(a, \"b\", c=[1, 2,])\n";
    let many = "x = f(\n    a,\n    \"b\",\n    c=[\n        1,\n        2,\n    ],\n)\n\n\n";
    assert_eq!(contents(one), contents(many));
    assert_eq!(contents(one), vec!["x=f(a,\"b\",c=[1,2])"]);
}

#[test]
fn a_tuple_keeps_its_comma_and_strings_their_quotes() {
    assert_eq!(contents("t = (\"model\",)\n"), vec!["t=(\"model\",)"]);
    assert_eq!(contents("t = x in (a,)\n"), vec!["t=x in(a,)"]);
    assert_eq!(contents("s = 'it\"s'\n"), vec!["s='it\"s'"]);
    assert_ne!(contents("s = 'a'\n"), contents("s = \"a\"\n"));
    assert_ne!(contents("a = b\n"), contents("ab = 1\n"));
    assert_ne!(contents("return x\n"), contents("returnx\n"));
}

#[test]
fn statements_are_keyed_by_their_head() {
    let keys: Vec<String> = statements(
        "from ..utils import a, b\nfrom . import c\ndef f(x):\n    self.assertEqual(\n        x, 1\n    )\n    return x\n@pytest.mark.slow\nclass C:\n    pass\n",
    )
    .into_iter()
    .map(|e| e.key)
    .collect();
    assert_eq!(
        keys,
        vec![
            "from ..utils",
            "from .import",
            "def f",
            "    self.assertEqual",
            "    return",
            "@pytest.mark.slow",
            "class C",
            "    pass"
        ]
    );
}

#[test]
fn strings_and_comments_hold_their_brackets() {
    let text = "x = \"\"\"(\n\"\"\"\ny = f(a,  # (note\n      b)\nz = '('\n";
    assert_eq!(
        contents(text),
        vec!["x=\"\"\"(\n\"\"\"", "y=f(a,# (note\nb)", "z='('"]
    );
}

#[test]
fn fields_split_at_commas_and_brackets() {
    let split = |content: &str| -> Vec<(String, String)> {
        fields(content)
            .into_iter()
            .map(|e| (e.key, e.content))
            .collect()
    };
    let content =
        &statements("    self.assertAllClose(result, np.array([1.5, 2]), **kw, atol=1)\n")[0]
            .content;
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, c)| (k.to_string(), c.to_string()))
            .collect()
    };
    assert_eq!(
        split(content),
        pairs(&[
            ("self.assertAllClose(", "self.assertAllClose("),
            ("result", "result"),
            ("np.array", "np.array([1.5,2])"),
            ("*", "**kw"),
            ("atol=", "atol=1"),
            (")", ")"),
        ])
    );
    // One level down: the list a field holds, item by item.
    assert_eq!(
        split("[layers.Dense(64),\"lr\":0.1]"),
        pairs(&[
            ("[", "["),
            ("layers.Dense", "layers.Dense(64)"),
            ("\"lr\":", "\"lr\":0.1"),
            ("]", "]"),
        ])
    );
    assert_eq!(
        split("from..utils import a,b"),
        pairs(&[("from ..utils", "from..utils import a"), ("b", "b")])
    );
}

#[test]
fn keyword_only_statements_have_nothing_of_their_own() {
    for text in [
        "    else:\n",
        "try:\n",
        "finally:\n",
        "except:\n",
        "pass\n",
        "return None\n",
    ] {
        let content = &statements(text)[0].content;
        assert!(has_nothing_of_its_own(content), "{text:?}");
    }
    for text in [
        "else:  # fallback\n",
        "except ValueError:\n",
        "return x\n",
        "return 0\n",
        "return \"\"\n",
        "x = None\n",
    ] {
        let content = &statements(text)[0].content;
        assert!(!has_nothing_of_its_own(content), "{text:?}");
    }
}

#[test]
fn hostile_text_is_read_without_panics() {
    for text in [
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x",
        "\\",
        "'\\",
        "\"\"\"é\\",
        "x = 'é\\é\n",
        ")))(((\n",
        "r'",
        "#",
        "\u{feff}\t\u{a0}x\n",
    ] {
        let _ = statements(text);
        for s in statements(text) {
            let _ = fields(&s.content);
        }
    }
}
