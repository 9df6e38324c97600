//! Tests of the element merge: arguments combined or clashing, nested
//! calls, and which side's layout a merged call keeps.

use super::*;
use crate::python::parse::parse;

fn merge(b: &str, o: &str, t: &str) -> Result<String, ElementClash> {
    let (pb, po, pt) = (parse(b).unwrap(), parse(o).unwrap(), parse(t).unwrap());
    let nodes = Merge3::new(&pb, &po, &pt).map(|p| p.tree.root_node().named_child(0).unwrap());
    merge_element(nodes, Merge3::new(b, o, t))
        .map(|m| plain_text(&m.pieces).unwrap_or_else(|| format!("CLASH {:?}", m.clashes)))
}

#[test]
fn different_arguments_combine() {
    assert_eq!(
        merge(
            "Dense(64)\n",
            "Dense(128)\n",
            "Dense(64, activation='relu')\n"
        )
        .unwrap(),
        "Dense(128, activation='relu')"
    );
}

#[test]
fn same_argument_different_values_clash() {
    let merged = merge(
        "Adam(\n    learning_rate=0.001,\n    beta_1=0.9,\n)\n",
        "Adam(\n    learning_rate=0.0001,\n    beta_1=0.9,\n)\n",
        "Adam(\n    learning_rate=0.01,\n    beta_1=0.8,\n)\n",
    );
    assert_eq!(merged.unwrap(), "CLASH [\"argument `learning_rate`\"]");
}

#[test]
fn a_clash_on_a_line_with_another_change_clashes_the_element() {
    // Drawn on the line, the sections would be `0.0001, beta_1=0.8`
    // against `0.01, beta_1=0.8`: theirs' line in neither.
    let merged = merge(
        "Adam(learning_rate=0.001, beta_1=0.9)\n",
        "Adam(learning_rate=0.0001, beta_1=0.9)\n",
        "Adam(learning_rate=0.01, beta_1=0.8)\n",
    );
    assert_eq!(merged.unwrap_err().what, "argument `learning_rate`");
    // Ours' own other change on the line: the same.
    let merged = merge(
        "Adam(learning_rate=0.001, beta_1=0.9)\n",
        "Adam(learning_rate=0.0001, beta_1=0.8)\n",
        "Adam(learning_rate=0.01, beta_1=0.9)\n",
    );
    assert!(merged.is_err());
    // The clash alone on its line: marked in place.
    let merged = merge(
        "Adam(learning_rate=0.001)\n",
        "Adam(learning_rate=0.0001)\n",
        "Adam(learning_rate=0.01)\n",
    );
    assert_eq!(merged.unwrap(), "CLASH [\"argument `learning_rate`\"]");
}

#[test]
fn a_changed_constructor_clashes_the_whole_layer() {
    let err = merge("Dense(64)\n", "Conv2D(64)\n", "Dense(32)\n");
    assert_eq!(err.unwrap_err().what, "the layer's constructor");
}

#[test]
fn keywords_added_by_both_keep_ours_first() {
    assert_eq!(
        merge("f(a)\n", "f(a, x=1)\n", "f(a, y=2)\n").unwrap(),
        "f(a, x=1, y=2)"
    );
}

#[test]
fn nested_calls_merge() {
    assert_eq!(
        merge(
            "m.compile(optimizer=Adam(learning_rate=1e-3), loss='mse')\n",
            "m.compile(optimizer=Adam(learning_rate=1e-4), loss='mse')\n",
            "m.compile(optimizer=Adam(learning_rate=1e-3, clipnorm=1.0), loss='mse', metrics=['mae'])\n",
        )
        .unwrap(),
        "m.compile(optimizer=Adam(learning_rate=1e-4, clipnorm=1.0), loss='mse', metrics=['mae'])"
    );
}

#[test]
fn reformatted_layout_keeps_other_sides_change() {
    let b = "Dense(64, activation='relu')\n";
    let o = "Dense(\n    64,\n    activation='relu',\n)\n";
    let t = "Dense(128, activation='relu')\n";
    assert_eq!(
        merge(b, o, t).unwrap(),
        "Dense(\n    128,\n    activation='relu',\n)"
    );
}

#[test]
fn multiline_insert_keeps_trailing_comma() {
    let b = "Dense(\n    64,\n)\n";
    let o = "Dense(\n    128,\n)\n";
    let t = "Dense(\n    64,\n    use_bias=False,\n)\n";
    assert_eq!(
        merge(b, o, t).unwrap(),
        "Dense(\n    128,\n    use_bias=False,\n)"
    );
}

#[test]
fn delete_versus_unchanged_argument() {
    assert_eq!(
        merge("f(a, b=1, c=2)\n", "f(a, b=1, c=3)\n", "f(a, c=2)\n").unwrap(),
        "f(a, c=3)"
    );
    assert_eq!(
        merge("f(a, b=1)\n", "f(x, b=1)\n", "f(a)\n").unwrap(),
        "f(x)"
    );
}

#[test]
fn a_black_run_on_theirs_gives_its_layout_to_ours_argument_edit() {
    let b = "retrieve(framework='sklearn',region=region,version='0.23-1')\n";
    let o = "retrieve(framework='sklearn',region=region,version='1.0-1')\n";
    let t = "retrieve(\n    framework=\"sklearn\", region=region, version=\"0.23-1\"\n)\n";
    let want = "retrieve(\n    framework=\"sklearn\", region=region, version=\"1.0-1\"\n)";
    assert_eq!(merge(b, o, t).unwrap(), want);
    assert_eq!(merge(b, t, o).unwrap(), want);
}

#[test]
fn an_edit_that_also_re_lays_out_keeps_ours_layout() {
    // Ours changed a value and its spacing: not a token-for-token
    // edit in base's layout, so ours' layout stays the layout side.
    let b = "fit(x,epochs=10,verbose='auto')\n";
    let o = "fit(x, epochs=20, verbose='auto')\n";
    let t = "fit(\n    x,\n    epochs=10,\n    verbose=\"auto\",\n)\n";
    let merged = merge(b, o, t).unwrap();
    assert!(merged.starts_with("fit(x, epochs=20"), "{merged}");
}

#[test]
fn a_changed_string_with_a_quote_inside_keeps_ours_layout() {
    let b = "log(msg='done',level=1)\n";
    let o = "log(msg='it\\'s done',level=1)\n";
    let t = "log(\n    msg=\"done\",\n    level=1,\n)\n";
    let merged = merge(b, o, t).unwrap();
    assert!(merged.starts_with("log(msg="), "{merged}");
    assert!(merged.contains("it\\'s done"), "{merged}");
}
