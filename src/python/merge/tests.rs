//! Tests of the Python merge: seed scenarios, convention ordering, narrow
//! argument clashes, list appends, formatter edits, sub-line decisions.

use super::*;

fn run(b: &str, o: &str, t: &str) -> (String, usize) {
    let markers = Markers::for_inputs(&MergeOptions::default(), &[]);
    let s = merge(Merge3::new(b, o, t), &MergeOptions::default(), &markers).unwrap();
    (s.text, s.conflicts)
}

const BASE: &str = "model = keras.Sequential([\n    layers.Conv2D(32, 3),\n    layers.Flatten(),\n    layers.Dense(64),\n    layers.Dense(10),\n])\n";

#[test]
fn seed_scenario_different_places() {
    let o = BASE.replace(
        "    layers.Dense(64),\n",
        "    layers.Dense(64),\n    layers.Dropout(0.5),\n",
    );
    let t = BASE.replace(
        "    layers.Conv2D(32, 3),\n",
        "    layers.Conv2D(32, 3),\n    layers.BatchNormalization(),\n",
    );
    let (text, conflicts) = run(BASE, &o, &t);
    assert_eq!(conflicts, 0);
    assert_eq!(text, "model = keras.Sequential([\n    layers.Conv2D(32, 3),\n    layers.BatchNormalization(),\n    layers.Flatten(),\n    layers.Dense(64),\n    layers.Dropout(0.5),\n    layers.Dense(10),\n])\n");
}

#[test]
fn same_place_ordered_by_convention() {
    let o = BASE.replace(
        "    layers.Dense(64),\n",
        "    layers.Dense(64),\n    layers.Dropout(0.5),\n",
    );
    let t = BASE.replace(
        "    layers.Dense(64),\n",
        "    layers.Dense(64),\n    layers.BatchNormalization(),\n",
    );
    let (text, conflicts) = run(BASE, &o, &t);
    assert_eq!(conflicts, 0);
    assert!(
        text.contains(
            "    layers.Dense(64),\n    layers.BatchNormalization(),\n    layers.Dropout(0.5),\n"
        ),
        "{text}"
    );
}

#[test]
fn argument_clash_is_narrow() {
    let o = BASE.replace("Dense(64)", "Dense(128)");
    let t = BASE.replace("Dense(64)", "Dense(256)");
    let (text, conflicts) = run(BASE, &o, &t);
    assert_eq!(conflicts, 1);
    assert!(text.contains("    layers.Flatten(),\n<<<<<<< ours\n    layers.Dense(128),\n=======\n    layers.Dense(256),\n>>>>>>> theirs\n    layers.Dense(10),\n"), "{text}");
}

#[test]
fn one_line_list_appends() {
    let b = "m = Sequential([Dense(1), Dense(2)])\n";
    let o = "m = Sequential([Dense(1), Dropout(0.1), Dense(2)])\n";
    let t = "m = Sequential([Dense(1), Dense(2), Softmax()])\n";
    assert_eq!(
        run(b, o, t),
        (
            "m = Sequential([Dense(1), Dropout(0.1), Dense(2), Softmax()])\n".into(),
            0
        )
    );
}

const FLAT: &str = "model = keras.Sequential([\n    layers.Conv2D(32, 3, activation=\"relu\"),\n    layers.Dense(10),\n])\nmodel.compile(optimizer=Adam(learning_rate=0.001), loss=\"mse\")\n";
const BLACK: &str = "model = keras.Sequential(\n    [\n        layers.Conv2D(\n            32,\n            3,\n            activation=\"relu\",\n        ),\n        layers.Dense(10),\n    ]\n)\nmodel.compile(\n    optimizer=Adam(learning_rate=0.001),\n    loss=\"mse\",\n)\n";

/// A formatter run on one side keeps its layout; the other side's
/// argument edits land in it, whichever side ran the formatter.
#[test]
fn formatter_on_one_side_edits_on_the_other() {
    let edited = FLAT
        .replace("Conv2D(32", "Conv2D(64")
        .replace("0.001", "0.0001");
    let expected = BLACK
        .replace("            32,", "            64,")
        .replace("0.001", "0.0001");
    assert_eq!(run(FLAT, BLACK, &edited), (expected.clone(), 0));
    assert_eq!(run(FLAT, &edited, BLACK), (expected, 0));
}

/// A line both sides changed at different tokens is settled by the
/// sub-line merge, and the report says so.
#[test]
fn sub_line_merge_is_a_decision() {
    let b = "x = 1\nbatch = {\"gt_boxes\": b, \"gt_classes\": c}\n";
    let o = "x = 1\nbatch = {\"boxes\": b, \"gt_classes\": c}\n";
    let t = "x = 1\nbatch = {\"gt_boxes\": b, \"classes\": c}\n";
    let markers = Markers::for_inputs(&MergeOptions::default(), &[]);
    let s = merge(Merge3::new(b, o, t), &MergeOptions::default(), &markers).unwrap();
    assert_eq!(s.conflicts, 0);
    assert_eq!(s.text, "x = 1\nbatch = {\"boxes\": b, \"classes\": c}\n");
    assert!(s
        .report
        .decisions
        .iter()
        .any(|d| d.kind == DecisionKind::TokensMerged));
}

/// Ours replaced a value in base's layout, theirs only ran black over the
/// call: the merge is written in theirs' layout, and the report says whose
/// changes went into whose layout (not "combined with theirs' changes").
#[test]
fn reformatted_layout_is_named_in_the_report() {
    let b = "p = SKLearnProcessor(framework_version='0.23-1',\n                     role=role,\n                     instance_count=1)\n";
    let o = "p = SKLearnProcessor(framework_version='1.0-1',\n                     role=role,\n                     instance_count=1)\n";
    let t = "p = SKLearnProcessor(\n    framework_version=\"0.23-1\",\n    role=role,\n    instance_count=1,\n)\n";
    let markers = Markers::for_inputs(&MergeOptions::default(), &[]);
    let s = merge(Merge3::new(b, o, t), &MergeOptions::default(), &markers).unwrap();
    assert_eq!(s.conflicts, 0);
    assert_eq!(
        s.text,
        "p = SKLearnProcessor(\n    framework_version=\"1.0-1\",\n    role=role,\n    instance_count=1,\n)\n"
    );
    let details: Vec<&str> = s
        .report
        .decisions
        .iter()
        .filter(|d| d.kind == DecisionKind::ArgumentsMerged)
        .map(|d| d.detail.as_str())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("ours' changes in theirs' re-formatted layout")),
        "{details:?}"
    );
    assert!(
        !details.iter().any(|d| d.contains("theirs' changes")),
        "{details:?}"
    );
}
