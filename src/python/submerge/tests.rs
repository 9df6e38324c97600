//! Tests of the token-level merge of one line: keys renamed on one line,
//! overlapping edits declined, the same change in two layouts, comment and
//! docstring words, and properties of word edits.

use super::*;

fn run(b: &str, o: &str, t: &str) -> Option<String> {
    let ab = merge_tokens(b, o, t, Budget::default()).map(|m| m.text);
    let ba = merge_tokens(b, t, o, Budget::default()).map(|m| m.text);
    assert_eq!(ab.is_some(), ba.is_some(), "asymmetric outcome");
    ab
}

#[test]
fn different_keys_renamed_on_one_line() {
    let b = "batch = {\"gt_boxes\": boxes, \"gt_classes\": classes}\n";
    let o = "batch = {\"boxes\": boxes, \"gt_classes\": classes}\n";
    let t = "batch = {\"gt_boxes\": boxes, \"classes\": classes}\n";
    assert_eq!(
        run(b, o, t).as_deref(),
        Some("batch = {\"boxes\": boxes, \"classes\": classes}\n")
    );
}

#[test]
fn subscript_and_right_hand_side() {
    let b = "    x[0] = model(batch)\n";
    let o = "    x[i] = model(batch)\n";
    let t = "    x[0] = model(batch, training=True)\n";
    assert_eq!(
        run(b, o, t).as_deref(),
        Some("    x[i] = model(batch, training=True)\n")
    );
}

#[test]
fn overlapping_and_touching_edits_decline() {
    assert_eq!(run("lr = 0.1\n", "lr = 0.01\n", "lr = 0.001\n"), None);
    // Adjacent tokens: the name and the `=` after it.
    assert_eq!(run("a = b\n", "c = b\n", "a += b\n"), None);
    // An insertion right before the other side's edit.
    assert_eq!(run("f(a)\n", "f(x, a)\n", "f(b)\n"), None);
}

#[test]
fn a_snippet_that_does_not_parse_declines() {
    assert_eq!(run("x = (a\n", "x = (b\n", "y = (a\n"), None);
    assert_eq!(run("x = a\n", "x = a +\n", "y = a\n"), None);
}

#[test]
fn the_same_change_in_two_layouts_is_one() {
    let b = "y = 1\n";
    let o = "y = f(a, b)\n";
    let t = "y = f(\n    a,\n    b,\n)\n";
    let m = merge_tokens(b, o, t, Budget::default()).unwrap();
    assert_eq!(m.text, o);
    assert_eq!(m.used.same_change, 1);
}

#[test]
fn the_same_change_with_other_quotes_is_one() {
    let b = "CFG = {\"lr\": 0.1}\n";
    let o = "CFG = {\"lr\": 0.1, 'wd': 0.0}\n";
    let t = "CFG = {\"lr\": 0.1, \"wd\": 0.0}\n";
    // Theirs follows the base's quote style, ours does not.
    assert_eq!(run(b, o, t).as_deref(), Some(t));
}

#[test]
fn edits_land_in_the_other_sides_new_layout() {
    let b = "opt = Adam(model.parameters(), lr=0.001, weight_decay=0.0)\n";
    let o = "opt = Adam(\n    model.parameters(),\n    lr=0.001,\n    weight_decay=0.0,\n)\n";
    let t = "opt = AdamW(model.parameters(), lr=0.0003, weight_decay=0.0)\n";
    let want = "opt = AdamW(\n    model.parameters(),\n    lr=0.0003,\n    weight_decay=0.0,\n)\n";
    assert_eq!(run(b, o, t).as_deref(), Some(want));
}

#[test]
fn a_layout_change_on_both_sides_declines() {
    assert_eq!(run("f(a, b)\n", "f(a,  b)\n", "f(a,   b)\n"), None);
}

#[test]
fn comment_words_merge() {
    let b = "x = 1  # the learning rate for warmup\n";
    let o = "x = 1  # The learning rate for warmup\n";
    let t = "x = 1  # the learning rate for linear warmup\n";
    assert_eq!(
        run(b, o, t).as_deref(),
        Some("x = 1  # The learning rate for linear warmup\n")
    );
    assert_eq!(
        run(
            b,
            "x = 1  # the rate for warmup\n",
            "x = 1  # the step for warmup\n"
        ),
        None
    );
}

#[test]
fn an_edit_over_lines_the_other_side_re_indented_declines() {
    let b = "x = f(a)\ny = g(b)\n";
    let o = "with torch.no_grad():\n    x = f(a)\n    y = g(b)\n";
    // Separate token edits land in the re-indented lines.
    let t = "x = f(a2)\nz = g(b)\n";
    let want = "with torch.no_grad():\n    x = f(a2)\n    z = g(b)\n";
    assert_eq!(run(b, o, t).as_deref(), Some(want));
    // One edited stretch over a line break (`print(a)` then `w` for `y`)
    // would keep theirs' old indentation inside it and move `w = g(b)` out
    // of the block: declined.
    let t = "x = f(a)\nprint(a)\nw = g(b)\n";
    assert_eq!(run(b, o, t), None);
}

#[test]
fn only_docstrings_and_comments_merge_by_words() {
    let b = "PATH = \"data/train images\"\n";
    let o = "PATH = \"data/Train images\"\n";
    let t = "PATH = \"data/train pictures\"\n";
    assert_eq!(run(b, o, t), None);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const LINES: [&str; 5] = [
        "x = f(a, b)",
        "y[i] = g(x) + 1",
        "z = {\"k\": v, \"w\": u}",
        "loss = criterion(model(x), y) * scale",
        "opt = Adam(params, lr=lr, eps=eps)",
    ];
    const WORDS: [&str; 6] = ["p", "q", "images", "labels", "lr2", "n"];

    /// Replaces word `k` (counting runs of letters, digits and `_`) of
    /// `line` with `word`.
    fn replace_word(line: &str, k: usize, word: &str) -> String {
        let spans: Vec<(usize, usize)> = {
            let mut out = Vec::new();
            let mut start = None;
            for (i, c) in line.char_indices().chain([(line.len(), ' ')]) {
                let w = c.is_alphanumeric() || c == '_';
                match (start, w) {
                    (None, true) => start = Some(i),
                    (Some(s), false) => {
                        out.push((s, i));
                        start = None;
                    }
                    _ => {}
                }
            }
            out
        };
        let (s, e) = spans[k % spans.len()];
        format!("{}{}{}", &line[..s], word, &line[e..])
    }

    fn side(base: &[String], edits: &[(usize, usize, usize)]) -> Vec<String> {
        let mut lines = base.to_vec();
        for &(l, k, w) in edits {
            let l = l % lines.len();
            lines[l] = replace_word(&lines[l], k, WORDS[w % WORDS.len()]);
        }
        lines
    }

    fn text(lines: &[String]) -> String {
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    fn case() -> impl Strategy<Value = (Vec<String>, Vec<String>, Vec<String>)> {
        let base = proptest::collection::vec(0..LINES.len(), 1..6);
        let edits = || proptest::collection::vec((0usize..6, 0usize..8, 0usize..6), 0..3);
        (base, edits(), edits()).prop_map(|(b, eo, et)| {
            let base: Vec<String> = b.iter().map(|&i| LINES[i].to_string()).collect();
            let ours = side(&base, &eo);
            let theirs = side(&base, &et);
            (base, ours, theirs)
        })
    }

    proptest! {
        #[test]
        fn trivial_merges_are_exact((b, o, _t) in case()) {
            let (b, o) = (text(&b), text(&o));
            let m = |x: &str, y: &str, z: &str| merge_tokens(x, y, z, Budget::default()).map(|m| m.text);
            prop_assert_eq!(m(&b, &o, &b), Some(o.clone()));
            prop_assert_eq!(m(&b, &b, &o), Some(o.clone()));
            prop_assert_eq!(m(&b, &o, &o), Some(o.clone()));
        }

        #[test]
        fn clean_merges_are_symmetric_and_keep_both_sides((b, o, t) in case()) {
            let ab = merge_tokens(&text(&b), &text(&o), &text(&t), Budget::default());
            let ba = merge_tokens(&text(&b), &text(&t), &text(&o), Budget::default());
            prop_assert_eq!(ab.as_ref().map(|m| &m.text), ba.as_ref().map(|m| &m.text));
            if let Some(m) = ab {
                let lines: Vec<&str> = m.text.lines().collect();
                prop_assert_eq!(lines.len(), b.len());
                for i in 0..b.len() {
                    if o[i] == b[i] {
                        prop_assert_eq!(lines[i], t[i].as_str());
                    }
                    if t[i] == b[i] {
                        prop_assert_eq!(lines[i], o[i].as_str());
                    }
                }
            }
        }

        #[test]
        fn lines_edited_by_one_side_each_always_merge((b, o, t) in case()) {
            let line_disjoint = (0..b.len()).all(|i| o[i] == b[i] || t[i] == b[i]);
            prop_assume!(line_disjoint);
            prop_assert!(merge_tokens(&text(&b), &text(&o), &text(&t), Budget::default()).is_some());
        }
    }
}

#[test]
fn the_same_change_without_stray_trailing_spaces_is_preferred() {
    let b = "x = 1\n";
    let o = "x = 1\ntry: \n    run()\nexcept OSError:\n    pass\n";
    let t = "x = 1\ntry:\n    run()\nexcept OSError:\n    pass\n";
    assert_eq!(run(b, o, t).as_deref(), Some(t));
}

#[test]
fn the_resolver_shapes_answer_like_the_functions() {
    let texts = Merge3::new("x = f(a)\n", "x = f(b)\n", "y = f(a)\n");
    assert_eq!(token_resolver(texts).as_deref(), Some("y = f(b)\n"));
    let same = Merge3::new("x = 1\n", "x = f(a, b)\n", "x = f(a,b)\n");
    assert_eq!(same_change_resolver(same).as_deref(), Some("x = f(a, b)\n"));
    assert_eq!(same_change_resolver(texts), None);
}

/// The parse-free test in front of `same_change` never turns away two
/// snippets whose tokens are the same.
#[test]
fn the_cheap_same_tokens_test_keeps_every_token_identical_pair() {
    let pairs = [
        ("x = f(a, 'b')\n", "x = f(a, \"b\")\n"),
        ("f(\n    a,\n    b,\n)\n", "f(a, b)\n"),
        ("y = 1 + \\\n    2\n", "y = 1 + 2\n"),
        ("    z = [1,2]  # n\n", "z = [1, 2]  # n\n"),
        ("s = 'it\\'s'\n", "s = 'it\\'s'\n"),
        ("d = {'k': 1,}\n", "d = {\"k\": 1}\n"),
    ];
    for (o, t) in pairs {
        let (so, st) = (parse_snippet(o).unwrap(), parse_snippet(t).unwrap());
        let (to, tt) = (so.tokens().unwrap(), st.tokens().unwrap());
        let same = to.len() == tt.len() && (0..to.len()).all(|i| to.key(i) == tt.key(i));
        if same {
            assert!(
                super::same_change::may_be_same_tokens(o, t),
                "{o:?} / {t:?}"
            );
        }
    }
    assert!(!super::same_change::may_be_same_tokens(
        "x = f(a)\n",
        "x = f(b)\n"
    ));
    assert!(same_change("x = 1\n", "x = f(a, 'b')\n", "x = f(a, \"b\")\n").is_some());
}
