//! The change-preservation check (`mlmerge::verify`) fed deliberately
//! wrong merge results, each of which it must catch, and correct ones it
//! must accept.

use mlmerge::verify::{
    check, check_with, EditKind, Element, Options, Problem, ResultElement, Side, Verdict, Violation,
};

/// A layer: its key is the constructor (`layers.Dense(64)` → `Dense`).
fn layer(text: &str) -> Element {
    let callee = text.split('(').next().unwrap_or(text);
    let ctor = callee.rsplit('.').next().unwrap_or(callee);
    Element::new(ctor, text)
}

fn layers(texts: &[&str]) -> Vec<Element> {
    texts.iter().map(|t| layer(t)).collect()
}

fn clean(texts: &[&str]) -> Vec<ResultElement> {
    texts
        .iter()
        .map(|t| ResultElement::clean(layer(t)))
        .collect()
}

/// `texts`, where those starting with `!` lie inside a conflict.
fn with_conflict(texts: &[&str]) -> Vec<ResultElement> {
    texts
        .iter()
        .map(|t| match t.strip_prefix('!') {
            Some(t) => ResultElement::conflicted(layer(t)),
            None => ResultElement::clean(layer(t)),
        })
        .collect()
}

const BASE: &[&str] = &[
    "layers.Conv2D(32, 3)",
    "layers.MaxPooling2D()",
    "layers.Flatten()",
    "layers.Dense(64)",
    "layers.Dense(10)",
];

fn replaced(list: &[&str], at: usize, with: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    out.splice(at..at + 1, with.iter().map(|s| s.to_string()));
    out
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn verdict(base: &[&str], ours: &[&str], theirs: &[&str], result: &[ResultElement]) -> Verdict {
    check(&layers(base), &layers(ours), &layers(theirs), result)
}

fn violations(v: Verdict) -> Vec<Violation> {
    match v {
        Verdict::Violations(v) => v,
        other => panic!("expected violations, got {other:?}"),
    }
}

/// The verdict holds a violation of this problem, side and edit.
fn assert_caught(v: Verdict, problem: Problem, side: Option<Side>, edit: EditKind) {
    let found = violations(v);
    assert!(
        found
            .iter()
            .any(|x| x.problem == problem && x.side == side && x.edit == edit),
        "wanted {problem:?} of {side:?} {edit:?}, got {found:#?}"
    );
}

#[test]
fn catches_a_dropped_insertion() {
    let ours = replaced(BASE, 3, &["layers.Dense(64)", "layers.Dropout(0.5)"]);
    let v = verdict(BASE, &strs(&ours), BASE, &clean(BASE));
    assert_caught(v, Problem::Lost, Some(Side::Ours), EditKind::Insert);
}

#[test]
fn catches_a_duplicated_shared_insertion() {
    // Both insert Conv2D(16, 3) after the first layer; theirs also changes
    // the next layer.
    let ours = replaced(BASE, 0, &["layers.Conv2D(32, 3)", "layers.Conv2D(16, 3)"]);
    let theirs = replaced(&strs(&ours), 2, &["layers.MaxPooling2D(pool_size=3)"]);
    let doubled = replaced(
        &strs(&theirs),
        1,
        &["layers.Conv2D(16, 3)", "layers.Conv2D(16, 3)"],
    );
    let v = verdict(BASE, &strs(&ours), &strs(&theirs), &clean(&strs(&doubled)));
    assert_caught(v, Problem::Duplicated, None, EditKind::Insert);
    // Once is right.
    let v = verdict(BASE, &strs(&ours), &strs(&theirs), &clean(&strs(&theirs)));
    assert_eq!(v, Verdict::Ok);
}

#[test]
fn catches_a_resurrected_deletion() {
    let ours: Vec<&str> = BASE
        .iter()
        .copied()
        .filter(|l| !l.contains("Flatten"))
        .collect();
    let theirs = replaced(BASE, 4, &["layers.Dense(10, activation=\"softmax\")"]);
    let v = verdict(BASE, &ours, &strs(&theirs), &clean(&strs(&theirs)));
    assert_caught(v, Problem::Resurrected, Some(Side::Ours), EditKind::Delete);
}

#[test]
fn catches_a_lost_move() {
    // Ours moves MaxPooling2D after Flatten; theirs changes the last layer.
    let ours = [BASE[0], BASE[2], BASE[1], BASE[3], BASE[4]];
    let theirs = replaced(BASE, 4, &["layers.Dense(10, activation=\"softmax\")"]);
    let v = verdict(BASE, &ours, &strs(&theirs), &clean(&strs(&theirs)));
    assert_caught(v, Problem::Misplaced, Some(Side::Ours), EditKind::Move);
    let right = [
        BASE[0],
        BASE[2],
        BASE[1],
        BASE[3],
        "layers.Dense(10, activation=\"softmax\")",
    ];
    assert_eq!(
        verdict(BASE, &ours, &strs(&theirs), &clean(&right)),
        Verdict::Ok
    );
}

/// Arguments of `model.fit(...)`: positional by position, keywords by name,
/// comments keyed as comments.
fn arg(text: &str) -> Element {
    if text.starts_with('#') {
        return Element::new("#comment", text);
    }
    match text.split_once('=') {
        Some((name, _)) => Element::new(name.trim(), text),
        None => Element::new("positional", text),
    }
}

fn args(texts: &[&str]) -> Vec<Element> {
    texts.iter().map(|t| arg(t)).collect()
}

fn clean_args(texts: &[&str]) -> Vec<ResultElement> {
    texts.iter().map(|t| ResultElement::clean(arg(t))).collect()
}

const FIT: &[&str] = &[
    "x_train",
    "y_train",
    "epochs=10",
    "batch_size=32",
    "verbose=1",
];

#[test]
fn catches_a_lost_argument_edit() {
    let ours = [
        "x_train",
        "y_train",
        "epochs=10",
        "batch_size=64",
        "verbose=1",
    ];
    let theirs = [
        "x_train",
        "y_train",
        "epochs=20",
        "batch_size=32",
        "verbose=1",
    ];
    let v = check(&args(FIT), &args(&ours), &args(&theirs), &clean_args(&ours));
    assert_caught(v, Problem::Lost, Some(Side::Theirs), EditKind::Edit);
    let both = [
        "x_train",
        "y_train",
        "epochs=20",
        "batch_size=64",
        "verbose=1",
    ];
    assert_eq!(
        check(&args(FIT), &args(&ours), &args(&theirs), &clean_args(&both)),
        Verdict::Ok
    );
}

#[test]
fn catches_a_lost_comment() {
    // Theirs adds a comment and drops an argument; ours changes another.
    let ours = [
        "x_train",
        "y_train",
        "epochs=20",
        "batch_size=32",
        "verbose=1",
    ];
    let theirs = [
        "x_train",
        "y_train",
        "# longer runs overfit",
        "epochs=10",
        "batch_size=32",
    ];
    let lost = ["x_train", "y_train", "epochs=20", "batch_size=32"];
    let v = check(&args(FIT), &args(&ours), &args(&theirs), &clean_args(&lost));
    assert_caught(v, Problem::Lost, Some(Side::Theirs), EditKind::Insert);
    let right = [
        "x_train",
        "y_train",
        "# longer runs overfit",
        "epochs=20",
        "batch_size=32",
    ];
    assert_eq!(
        check(
            &args(FIT),
            &args(&ours),
            &args(&theirs),
            &clean_args(&right)
        ),
        Verdict::Ok
    );
}

#[test]
fn delete_vs_replace_must_conflict() {
    let ours: Vec<&str> = BASE
        .iter()
        .copied()
        .filter(|l| !l.contains("MaxPool"))
        .collect();
    let theirs = replaced(BASE, 1, &["layers.AveragePooling2D()"]);
    let v = verdict(BASE, &ours, &strs(&theirs), &clean(&strs(&theirs)));
    assert_caught(
        v,
        Problem::ClashNotConflicted,
        Some(Side::Theirs),
        EditKind::Replace,
    );
    let v = verdict(BASE, &ours, &strs(&theirs), &clean(&ours));
    assert_caught(v, Problem::Lost, Some(Side::Theirs), EditKind::Replace);
    let conflicted = with_conflict(&[
        BASE[0],
        "!layers.AveragePooling2D()",
        BASE[2],
        BASE[3],
        BASE[4],
    ]);
    assert_eq!(
        verdict(BASE, &ours, &strs(&theirs), &conflicted),
        Verdict::Ok
    );
}

#[test]
fn delete_vs_swap_must_conflict() {
    let base = [
        "nn.Linear(8, 16)",
        "nn.ReLU()",
        "nn.Dropout(0.1)",
        "nn.Linear(16, 2)",
    ];
    let ours = ["nn.Linear(8, 16)", "nn.Dropout(0.1)", "nn.Linear(16, 2)"];
    let theirs = [
        "nn.Linear(8, 16)",
        "nn.Dropout(0.1)",
        "nn.ReLU()",
        "nn.Linear(16, 2)",
    ];
    let v = verdict(&base, &ours, &theirs, &clean(&theirs));
    assert!(!v.is_ok(), "the swap kept, the deletion lost: {v:?}");
    let v = verdict(&base, &ours, &theirs, &clean(&ours));
    assert!(!v.is_ok(), "the deletion kept, the swap lost: {v:?}");
    let conflicted = with_conflict(&[
        "nn.Linear(8, 16)",
        "!nn.Dropout(0.1)",
        "!nn.ReLU()",
        "nn.Linear(16, 2)",
    ]);
    assert_eq!(verdict(&base, &ours, &theirs, &conflicted), Verdict::Ok);
}

#[test]
fn two_moves_of_one_element_must_conflict() {
    let base = ["A(1)", "B(2)", "C(3)", "D(4)", "E(5)"];
    let ours = ["E(5)", "A(1)", "B(2)", "C(3)", "D(4)"];
    let theirs = ["A(1)", "B(2)", "E(5)", "C(3)", "D(4)"];
    for result in [&ours, &theirs] {
        let found = violations(verdict(&base, &ours, &theirs, &clean(result)));
        assert!(
            found
                .iter()
                .any(|x| x.problem == Problem::ClashNotConflicted && x.edit == EditKind::Move),
            "{found:#?}"
        );
    }
}

#[test]
fn accepts_one_copy_of_a_shared_insertion() {
    let ours = replaced(BASE, 3, &["layers.Dense(64)", "layers.Dropout(0.5)"]);
    assert_eq!(
        verdict(BASE, &strs(&ours), &strs(&ours), &clean(&strs(&ours))),
        Verdict::Ok
    );
}

#[test]
fn accepts_delete_vs_delete() {
    let ours: Vec<&str> = BASE
        .iter()
        .copied()
        .filter(|l| !l.contains("Flatten"))
        .collect();
    assert_eq!(verdict(BASE, &ours, &ours, &clean(&ours)), Verdict::Ok);
}

#[test]
fn accepts_a_move_vs_an_edit_elsewhere() {
    let ours = [BASE[0], BASE[2], BASE[1], BASE[3], BASE[4]];
    let theirs = replaced(BASE, 3, &["layers.Dense(128)"]);
    let right = [BASE[0], BASE[2], BASE[1], "layers.Dense(128)", BASE[4]];
    assert_eq!(
        verdict(BASE, &ours, &strs(&theirs), &clean(&right)),
        Verdict::Ok
    );
}

#[test]
fn accepts_both_different_insertions_in_one_gap_in_either_order() {
    let ours = replaced(BASE, 3, &["layers.Dense(64)", "layers.Dropout(0.5)"]);
    let theirs = replaced(
        BASE,
        3,
        &["layers.Dense(64)", "layers.BatchNormalization()"],
    );
    for order in [
        ["layers.BatchNormalization()", "layers.Dropout(0.5)"],
        ["layers.Dropout(0.5)", "layers.BatchNormalization()"],
    ] {
        let result = replaced(BASE, 3, &["layers.Dense(64)", order[0], order[1]]);
        assert_eq!(
            verdict(BASE, &strs(&ours), &strs(&theirs), &clean(&strs(&result))),
            Verdict::Ok
        );
    }
    // One of them dropped is not.
    let v = verdict(BASE, &strs(&ours), &strs(&theirs), &clean(&strs(&ours)));
    assert_caught(v, Problem::Lost, Some(Side::Theirs), EditKind::Insert);
}

#[test]
fn accepts_both_edits_of_one_layer_merged_at_the_argument_level() {
    let ours = replaced(BASE, 3, &["layers.Dense(128)"]);
    let theirs = replaced(BASE, 3, &["layers.Dense(64, activation=\"relu\")"]);
    let merged = replaced(BASE, 3, &["layers.Dense(128, activation=\"relu\")"]);
    assert_eq!(
        verdict(BASE, &strs(&ours), &strs(&theirs), &clean(&strs(&merged))),
        Verdict::Ok
    );
    // Dropping the layer is not.
    let v = verdict(
        BASE,
        &strs(&ours),
        &strs(&theirs),
        &clean(&strs(&replaced(BASE, 3, &[]))),
    );
    assert_caught(v, Problem::Lost, None, EditKind::Edit);
}

#[test]
fn accepts_the_same_replacement_on_both_sides_with_an_append() {
    let base = ["nn.Linear(4, 8)", "nn.ReLU()", "nn.Linear(8, 2)"];
    let ours = [
        "nn.Linear(4, 8)",
        "nn.ReLU()",
        "nn.Conv1d(8, 8, 3)",
        "nn.ReLU()",
    ];
    let theirs = ["nn.Linear(4, 8)", "nn.ReLU()", "nn.Conv1d(8, 8, 3)"];
    assert_eq!(verdict(&base, &ours, &theirs, &clean(&ours)), Verdict::Ok);
    let doubled = [
        "nn.Linear(4, 8)",
        "nn.ReLU()",
        "nn.Conv1d(8, 8, 3)",
        "nn.Conv1d(8, 8, 3)",
        "nn.ReLU()",
    ];
    let v = verdict(&base, &ours, &theirs, &clean(&doubled));
    assert_caught(v, Problem::Duplicated, None, EditKind::Replace);
}

#[test]
fn a_conflict_covers_the_elements_inside_it() {
    let ours = replaced(BASE, 3, &["layers.Dense(128)"]);
    let theirs = replaced(BASE, 3, &["layers.Dense(256)"]);
    let conflicted = with_conflict(&[
        BASE[0],
        BASE[1],
        BASE[2],
        "!layers.Dense(128)",
        "!layers.Dense(256)",
        BASE[4],
    ]);
    assert_eq!(
        verdict(BASE, &strs(&ours), &strs(&theirs), &conflicted),
        Verdict::Ok
    );
}

#[test]
fn lines_without_moves() {
    let lines = |t: &str| t.lines().map(Element::plain).collect::<Vec<_>>();
    let base = lines("a\nb\nc\nd\n");
    let ours = lines("b\nc\nd\na\n");
    let theirs = lines("a\nb\nc\nd\ne\n");
    let right: Vec<ResultElement> = lines("b\nc\nd\na\ne\n")
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    let options = Options {
        moves: false,
        ..Options::default()
    };
    assert_eq!(
        check_with(&base, &ours, &theirs, &right, options),
        Verdict::Ok
    );
    let lost: Vec<ResultElement> = lines("a\nb\nc\nd\ne\n")
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    assert!(!check_with(&base, &ours, &theirs, &lost, options).is_ok());
}

#[test]
fn work_over_budget_is_unchecked() {
    let base: Vec<Element> = (0..3000).map(|i| Element::plain(format!("a{i}"))).collect();
    let ours: Vec<Element> = (0..3000).map(|i| Element::plain(format!("b{i}"))).collect();
    let result: Vec<ResultElement> = ours.iter().cloned().map(ResultElement::clean).collect();
    let options = Options {
        budget_per_element: 4,
        ..Options::default()
    };
    assert!(matches!(
        check_with(&base, &ours, &base, &result, options),
        Verdict::Unchecked(_)
    ));
}

#[test]
fn violations_read_as_sentences() {
    let ours = replaced(BASE, 3, &["layers.Dense(64)", "layers.Dropout(0.5)"]);
    let v = violations(verdict(BASE, &strs(&ours), BASE, &clean(BASE)));
    assert_eq!(
        v[0].to_string(),
        "ours' insertion of `layers.Dropout(0.5)` is lost"
    );
}

#[test]
fn catches_an_insertion_both_settled_and_offered_in_a_conflict() {
    let ours = replaced(BASE, 3, &["layers.Dense(64)", "layers.Dropout(0.5)"]);
    let theirs = replaced(BASE, 4, &["layers.Dense(20)"]);
    let result = with_conflict(&[
        BASE[0],
        BASE[1],
        BASE[2],
        BASE[3],
        "layers.Dropout(0.5)",
        "!layers.Dropout(0.5)",
        "!layers.Dense(10)",
        "!layers.Dense(20)",
    ]);
    let v = verdict(BASE, &strs(&ours), &strs(&theirs), &result);
    assert_caught(v, Problem::Duplicated, Some(Side::Ours), EditKind::Insert);
}

/// The check behind the whole-file retry: one insertion made by both sides
/// is held once, while two different definitions sharing a body line are
/// two insertions.
#[test]
fn a_shared_insertion_held_twice_is_found_and_shared_body_lines_are_not() {
    use mlmerge::verify::doubled_line;
    let base = "model.add(layers.Dense(10))\nmodel.add(layers.Dense(12))\n";
    let ours =
        "model.add(layers.Dense(10))\nmodel.add(layers.Dense(501))\nmodel.add(layers.Dense(12))\n";
    let theirs =
        "model.add(layers.Dense(501))\nmodel.add(layers.Dense(10))\nmodel.add(layers.Dense(12))\n";
    let doubled = "model.add(layers.Dense(10))\nmodel.add(layers.Dense(501))\nmodel.add(layers.Dense(501))\nmodel.add(layers.Dense(12))\n";
    assert_eq!(
        doubled_line(base, ours, theirs, doubled).as_deref(),
        Some("model.add(layers.Dense(501))")
    );
    assert_eq!(doubled_line(base, ours, theirs, ours), None);

    let base = "def accuracy(p, y):\n    return 1.0\n";
    let ours = "def f1(p, y):\n    return 0.0\n\n\ndef accuracy(p, y):\n    return 1.0\n";
    let theirs = "def recall(p, y):\n    return 0.0\n\n\ndef accuracy(p, y):\n    return 1.0\n";
    let both = "def f1(p, y):\n    return 0.0\n\n\ndef recall(p, y):\n    return 0.0\n\n\ndef accuracy(p, y):\n    return 1.0\n";
    assert_eq!(doubled_line(base, ours, theirs, both), None);
}

/// A line one side moved and the other moved elsewhere, kept at both places.
#[test]
fn a_moved_line_kept_at_both_places_is_found() {
    let base = "m.add(D(10))\nm.add(D(11))\nm.add(D(12))\nm.add(D(13))\n";
    let ours = "m.add(D(10))\nm.add(D(12))\nm.add(D(11))\n";
    let theirs = "m.add(D(10))\nm.add(D(12))\nm.add(D(13))\nm.add(D(11))\n";
    let result = "m.add(D(10))\nm.add(D(12))\nm.add(D(11))\nm.add(D(11))\n";
    assert_eq!(
        mlmerge::verify::doubled_line(base, ours, theirs, result).as_deref(),
        Some("m.add(D(11))")
    );
}

/// Ours swaps two layers, theirs inserts one at the front: with a swap
/// either layer may be the one that moved, so the insertion has two right
/// places (before or after the first layer of the pair); past a layer no
/// move passes over it is still misplaced.
#[test]
fn an_insertion_beside_a_swap_has_two_places() {
    let base = ["layers.Dense(1)", "layers.Dense(2)", "layers.Dense(3)"];
    let ours = ["layers.Dense(2)", "layers.Dense(1)", "layers.Dense(3)"];
    let theirs = [
        "layers.Conv1D(9)",
        "layers.Dense(1)",
        "layers.Dense(2)",
        "layers.Dense(3)",
    ];
    for result in [
        [
            "layers.Conv1D(9)",
            "layers.Dense(2)",
            "layers.Dense(1)",
            "layers.Dense(3)",
        ],
        [
            "layers.Dense(2)",
            "layers.Conv1D(9)",
            "layers.Dense(1)",
            "layers.Dense(3)",
        ],
    ] {
        assert_eq!(
            verdict(&base, &ours, &theirs, &clean(&result)),
            Verdict::Ok,
            "{result:?}"
        );
    }
    let far = [
        "layers.Dense(2)",
        "layers.Dense(1)",
        "layers.Dense(3)",
        "layers.Conv1D(9)",
    ];
    assert_caught(
        verdict(&base, &ours, &theirs, &clean(&far)),
        Problem::Misplaced,
        Some(Side::Theirs),
        EditKind::Insert,
    );
}

/// Lines that different insertions share are not one line held twice: a
/// decorator above two new tests, and a field of two new table entries;
/// the same line inside brackets held more often than both sides' insertions
/// together is still found.
#[test]
fn decorators_and_bracketed_fields_of_different_insertions_are_not_doubled() {
    use mlmerge::verify::doubled_line;
    let base = "@keras_test\ndef test_a():\n    pass\n";
    let ours = "@keras_test\ndef test_a():\n    pass\n\n\n@keras_test\ndef test_b():\n    pass\n";
    let theirs = "@keras_test\ndef test_a():\n    pass\n\n\n@keras_test\ndef test_c():\n    pass\n";
    let both = "@keras_test\ndef test_a():\n    pass\n\n\n@keras_test\ndef test_b():\n    pass\n\n\n@keras_test\ndef test_c():\n    pass\n";
    assert_eq!(doubled_line(base, ours, theirs, both), None);
    // The same decorated definition twice is doubled.
    let twice = "@keras_test\ndef test_a():\n    pass\n\n\n@keras_test\ndef test_b():\n    pass\n\n\n@keras_test\ndef test_b():\n    pass\n";
    assert_eq!(
        doubled_line(base, ours, ours, twice).as_deref(),
        Some("@keras_test")
    );

    let base = "CASES = [\n    (\n        \"mlp 1\",\n        \"MLP\",\n    ),\n]\n";
    let ours = "CASES = [\n    (\n        \"mlp 1\",\n        \"MLP\",\n    ),\n    (\n        \"mlp 2\",\n        \"MLP\",\n    ),\n]\n";
    let theirs = "CASES = [\n    (\n        \"mlp 1\",\n        \"MLP\",\n    ),\n    (\n        \"mlp 3\",\n        \"MLP\",\n    ),\n]\n";
    let both = "CASES = [\n    (\n        \"mlp 1\",\n        \"MLP\",\n    ),\n    (\n        \"mlp 2\",\n        \"MLP\",\n    ),\n    (\n        \"mlp 3\",\n        \"MLP\",\n    ),\n]\n";
    assert_eq!(doubled_line(base, ours, theirs, both), None);
    let thrice = "CASES = [\n    (\n        \"mlp 1\",\n        \"MLP\",\n    ),\n    (\n        \"mlp 2\",\n        \"MLP\",\n        \"MLP\",\n    ),\n    (\n        \"mlp 3\",\n        \"MLP\",\n    ),\n]\n";
    assert_eq!(
        doubled_line(base, ours, theirs, thrice).as_deref(),
        Some("\"MLP\",")
    );
}

/// The same change read two ways: both replace `GRU(11)` by `Dense(501)`,
/// ours also replaces `Conv1D(12)` by `GRU(502)`. The keys suggest ours
/// edited `GRU(11)` into `GRU(502)`; read as theirs reads it, the shared
/// replacement is one change.
#[test]
fn a_shared_replacement_is_read_alike_on_both_sides() {
    let base = ["layers.Dense(10)", "layers.GRU(11)", "layers.Conv1D(12)"];
    let ours = ["layers.Dense(10)", "layers.Dense(501)", "layers.GRU(502)"];
    let theirs = ["layers.Dense(10)", "layers.Dense(501)", "layers.Conv1D(12)"];
    let right = clean(&ours);
    assert_eq!(verdict(&base, &ours, &theirs, &right), Verdict::Ok);
    // Still caught: the shared replacement twice, ours' other one lost.
    let doubled = clean(&["layers.Dense(10)", "layers.Dense(501)", "layers.Dense(501)"]);
    assert!(!verdict(&base, &ours, &theirs, &doubled).is_ok());
}

/// Both insert `LSTM(501)` after `Dense(10)`; theirs also replaces
/// `LSTM(11)` by a `Dropout`, which its keys read as an edit of
/// `LSTM(11)` into `LSTM(501)`: the insertion is still one insertion.
#[test]
fn a_shared_insertion_is_not_read_as_an_edit_on_one_side() {
    let base = ["layers.Dense(10)", "layers.LSTM(11)", "layers.Dense(12)"];
    let ours = [
        "layers.Dense(10)",
        "layers.LSTM(501)",
        "layers.LSTM(11)",
        "layers.Dense(12)",
    ];
    let theirs = [
        "layers.Dense(10)",
        "layers.LSTM(501)",
        "layers.Dropout(0.7)",
        "layers.Dense(12)",
    ];
    let conflicted = with_conflict(&[
        "layers.Dense(10)",
        "layers.LSTM(501)",
        "!layers.LSTM(11)",
        "!layers.Dropout(0.7)",
        "layers.Dense(12)",
    ]);
    assert_eq!(verdict(&base, &ours, &theirs, &conflicted), Verdict::Ok);
    assert_eq!(verdict(&base, &ours, &theirs, &clean(&theirs)), Verdict::Ok);
    // Still caught: theirs' replacement lost, or the insertion twice.
    assert!(!verdict(&base, &ours, &theirs, &clean(&ours)).is_ok());
    let doubled = clean(&[
        "layers.Dense(10)",
        "layers.LSTM(501)",
        "layers.LSTM(501)",
        "layers.Dropout(0.7)",
        "layers.Dense(12)",
    ]);
    assert!(!verdict(&base, &ours, &theirs, &doubled).is_ok());
}

/// Ours swaps `LSTM(10)` and `Dense(11)` and deletes `LSTM(12)`; theirs
/// deletes `Dense(11)` and `LSTM(12)`. `LSTM(10)` is moved, not an edit
/// of the `LSTM(12)` ours deleted: the move against theirs' deletion is
/// the clash, and a conflict over it is right.
#[test]
fn a_swapped_element_is_a_move_not_an_edit_of_a_deleted_neighbour() {
    let base = [
        "layers.LSTM(10)",
        "layers.Dense(11)",
        "layers.LSTM(12)",
        "layers.Dense(13)",
    ];
    let ours = ["layers.Dense(11)", "layers.LSTM(10)", "layers.Dense(13)"];
    let theirs = ["layers.LSTM(10)", "layers.Dense(13)"];
    let conflicted = with_conflict(&["!layers.Dense(11)", "layers.LSTM(10)", "layers.Dense(13)"]);
    assert_eq!(verdict(&base, &ours, &theirs, &conflicted), Verdict::Ok);
    // Still caught: the clash settled silently either way.
    assert!(!verdict(&base, &ours, &theirs, &clean(&ours)).is_ok());
}

/// A cell without an id that one side rewrote (nothing of its first line
/// left) while the other swapped it with its neighbour: without names, what
/// took the cell's place is that cell rewritten, and it moves with the
/// swap; with ids (names), a cell of another id in its place is a
/// replacement, which clashes with the move.
#[test]
fn a_rewritten_cell_moves_with_the_other_sides_swap_only_without_ids() {
    let cell = |first: &str| Element::new(first, format!("code\n{first}\nx = f(x)"));
    let base = [cell("# step 1"), cell("# step 2")];
    let ours = [cell("# step 501"), cell("# step 2")];
    let theirs = [cell("# step 2"), cell("# step 1")];
    let merged: Vec<ResultElement> = [cell("# step 2"), cell("# step 501")]
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    let without_ids = Options {
        moved_edits_merge: true,
        ..Options::default()
    };
    let with_ids = Options {
        moves_by_key: true,
        ..without_ids
    };
    assert_eq!(
        check_with(&base, &ours, &theirs, &merged, without_ids),
        Verdict::Ok
    );
    assert!(!check_with(&base, &ours, &theirs, &merged, with_ids).is_ok());
    // Still caught without ids: the rewrite lost, or the old cell back.
    let lost: Vec<ResultElement> = theirs.iter().cloned().map(ResultElement::clean).collect();
    assert!(!check_with(&base, &ours, &theirs, &lost, without_ids).is_ok());
    let both: Vec<ResultElement> = [cell("# step 2"), cell("# step 501"), cell("# step 1")]
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    assert!(!check_with(&base, &ours, &theirs, &both, without_ids).is_ok());
}

/// Both replace `GRU(12)` by `Dropout(0.501)`; ours replaces
/// `Dropout(0.13)` by `Dense(502)`, theirs names it. The keys read one
/// side's `Dropout(0.501)` as an edit of `Dropout(0.13)`; the shared
/// replacement is read alike without breaking the other side's plain
/// pairing of `Dropout(0.13)` with its named self: the replacement
/// against the naming clashes, whichever side is ours.
#[test]
fn a_shared_replacement_does_not_hide_a_clash_beside_it() {
    let base = [
        "layers.Dense(11)",
        "layers.GRU(12)",
        "layers.Dropout(0.13)",
        "layers.Dense(14)",
    ];
    let replacing = [
        "layers.Dense(11)",
        "layers.Dropout(0.501)",
        "layers.Dense(502)",
        "layers.Dense(14)",
    ];
    let naming = [
        "layers.Dense(11)",
        "layers.Dropout(0.501)",
        "layers.Dropout(0.13, name=\"l\")",
        "layers.Dense(14)",
    ];
    let silent = clean(&[
        "layers.Dense(11)",
        "layers.Dropout(0.501)",
        "layers.Dense(502)",
        "layers.Dropout(0.13, name=\"l\")",
        "layers.Dense(14)",
    ]);
    let conflicted = with_conflict(&[
        "layers.Dense(11)",
        "layers.Dropout(0.501)",
        "!layers.Dense(502)",
        "!layers.Dropout(0.13, name=\"l\")",
        "layers.Dense(14)",
    ]);
    for (ours, theirs) in [(&replacing, &naming), (&naming, &replacing)] {
        assert!(!verdict(&base, ours, theirs, &silent).is_ok());
        assert_eq!(verdict(&base, ours, theirs, &conflicted), Verdict::Ok);
    }
}

/// A cell by id: its key is the id, its content the type and source.
fn cell_by_id(id: &str) -> Element {
    Element::new(format!("id {id}"), format!("code\n# {id}\nx = f(x)"))
}

fn cells_by_id(ids: &[&str]) -> Vec<Element> {
    ids.iter().map(|id| cell_by_id(id)).collect()
}

fn clean_cells(ids: &[&str]) -> Vec<ResultElement> {
    ids.iter()
        .map(|id| ResultElement::clean(cell_by_id(id)))
        .collect()
}

const BY_ID: Options = Options {
    moves: true,
    moves_by_key: true,
    moves_by_likeness: false,
    moved_edits_merge: true,
    unique_moves: false,
    fixed: |_| false,
    budget_per_element: 256,
};

/// Both replace cell `b` by the same new cell `x`; theirs also reorders
/// `a` and `c` (either may be the one that moved). As for an insertion,
/// the replacement has two right places beside the reordered pair; past a
/// cell no move passes over it is still misplaced.
#[test]
fn a_replacement_beside_a_move_has_two_places() {
    let base = cells_by_id(&["a", "b", "c", "d"]);
    let ours = cells_by_id(&["a", "x", "c", "d"]);
    let theirs = cells_by_id(&["x", "c", "a", "d"]);
    for result in [["x", "c", "a", "d"], ["c", "a", "x", "d"]] {
        assert_eq!(
            check_with(&base, &ours, &theirs, &clean_cells(&result), BY_ID),
            Verdict::Ok,
            "{result:?}"
        );
    }
    let far = clean_cells(&["c", "a", "d", "x"]);
    let found = violations(check_with(&base, &ours, &theirs, &far, BY_ID));
    assert!(
        found.iter().any(|v| v.problem == Problem::Misplaced),
        "{found:#?}"
    );
}

/// Both insert cell `x` (one id, the same source) and both move `c` above
/// `b`, but each puts `x` on another side of `c`: with ids naming cells,
/// one cell, at either side's place; written twice, or lost, it is caught.
/// Without names the two insertions stand at different places and are two.
#[test]
fn a_new_cell_both_inserted_under_one_id_is_one_cell_wherever_each_put_it() {
    let base = cells_by_id(&["a", "b", "c", "d"]);
    let ours = cells_by_id(&["a", "x", "c", "b", "d"]);
    let theirs = cells_by_id(&["a", "c", "x", "b", "d"]);
    for result in [&ours, &theirs] {
        let once: Vec<ResultElement> = result.iter().cloned().map(ResultElement::clean).collect();
        assert_eq!(check_with(&base, &ours, &theirs, &once, BY_ID), Verdict::Ok);
    }
    let twice = clean_cells(&["a", "x", "c", "x", "b", "d"]);
    assert!(!check_with(&base, &ours, &theirs, &twice, BY_ID).is_ok());
    let lost = clean_cells(&["a", "c", "b", "d"]);
    assert!(!check_with(&base, &ours, &theirs, &lost, BY_ID).is_ok());
    let unnamed = Options {
        moves_by_key: false,
        ..BY_ID
    };
    let once = clean_cells(&["a", "x", "c", "b", "d"]);
    assert!(!check_with(&base, &ours, &theirs, &once, unnamed).is_ok());
}

/// Theirs moved `Conv1D(8, 3)` up past a layer both sides named alike;
/// ours deleted it. Two alignments of theirs are equally long (keep
/// `Dense(16)` or keep `Conv1D(8, 3)`); the one that reads `Conv1D` as
/// the move leaves the named `Dense(32)` an edit in place, the same edit
/// as ours', so the one conflict on `Conv1D` is the right result (read the
/// other way, the shared edit looked like a deletion against an edit).
#[test]
fn a_layer_moved_past_a_shared_edit_is_read_as_the_move() {
    let base = [
        "layers.Dense(64)",
        "layers.Dense(32)",
        "layers.Dense(16)",
        "layers.Conv1D(8, 3)",
    ];
    let named = "layers.Dense(32, name=\"hidden\")";
    let ours = ["layers.Dense(64)", named, "layers.Dense(16)"];
    let theirs = [
        "layers.Dense(64)",
        "layers.Conv1D(8, 3)",
        named,
        "layers.Dense(16)",
    ];
    let merged = with_conflict(&[
        "layers.Dense(64)",
        "!layers.Conv1D(8, 3)",
        named,
        "layers.Dense(16)",
    ]);
    assert_eq!(verdict(&base, &ours, &theirs, &merged), Verdict::Ok);
    // Still caught: the deletion or the move settled silently, the shared
    // edit lost or applied twice.
    assert!(!verdict(&base, &ours, &theirs, &clean(&ours)).is_ok());
    assert!(!verdict(&base, &ours, &theirs, &clean(&theirs)).is_ok());
    let lost = with_conflict(&[
        "layers.Dense(64)",
        "!layers.Conv1D(8, 3)",
        "layers.Dense(32)",
        "layers.Dense(16)",
    ]);
    assert!(!verdict(&base, &ours, &theirs, &lost).is_ok());
    let twice = with_conflict(&[
        "layers.Dense(64)",
        "!layers.Conv1D(8, 3)",
        named,
        named,
        "layers.Dense(16)",
    ]);
    assert!(!verdict(&base, &ours, &theirs, &twice).is_ok());
}

/// Notebook cells without ids (keyed by their type), as the cell check
/// reads them.
fn nb_cell(cell_type: &str, source: &str) -> Element {
    Element::new(cell_type, format!("{cell_type}\n{source}"))
}

fn nb_options() -> Options {
    Options {
        moves_by_likeness: true,
        moved_edits_merge: true,
        ..Options::default()
    }
}

/// Corpus `7c610efa_0`: both sides deleted `#### Import logging` and its
/// code cell and rewrote the two cells before them alike; ours also added
/// an `### Authenticate` section there. Keyed by type only, the new
/// section shared a few generic words with the deleted one and was read as
/// its edit, which made the deletion both sides made a clash. Two cells of
/// one type in one gap pair as an edit only when alike (an eighth of their
/// words together), and a new cell is no replacement of a cell both sides
/// deleted; a lone pair of one type in its gap is still an edit.
#[test]
fn an_unlike_cell_where_both_sides_deleted_one_is_an_insertion_without_ids() {
    let intro = nb_cell(
        "markdown",
        "# Cloud Logging\n\nThis tutorial shows how to log from Vertex AI.",
    );
    let setup = nb_cell(
        "markdown",
        "### Set up variables\n\nNext, set up some variables used throughout the tutorial.",
    );
    let setup2 = nb_cell(
        "markdown",
        "### Set up variables\n\nNext, set up the variables used throughout this tutorial.",
    );
    let import = nb_cell("code", "import google.cloud.aiplatform as aip");
    let import2 = nb_cell(
        "code",
        "import logging\n\nimport google.cloud.aiplatform as aiplatform",
    );
    let logging_md = nb_cell(
        "markdown",
        "#### Import logging\n\nImport the logging package into your Python environment.",
    );
    let logging_code = nb_cell("code", "import logging");
    let auth = nb_cell(
        "markdown",
        "### Authenticate your Google Cloud account\n\n**If you are using Vertex AI Workbench**, your environment is already authenticated. Skip this step.\n\n**If you are using Colab**, run the cell below and follow the instructions when prompted to authenticate your account via oAuth.\n\n**Otherwise**, follow the steps to create a service account key and enter its path into the environment variable below.",
    );
    let auth_code = nb_cell(
        "code",
        "import os\nimport sys\n\nif \"google.colab\" in sys.modules:\n    from google.colab import auth as google_auth\n\n    google_auth.authenticate_user()\nelif not os.getenv(\"IS_TESTING\"):\n    %env GOOGLE_APPLICATION_CREDENTIALS ''",
    );
    let tail = nb_cell(
        "markdown",
        "## Cleaning up\n\nDelete the resources created in this tutorial.",
    );
    let base = [
        intro.clone(),
        setup,
        import,
        logging_md.clone(),
        logging_code,
        tail.clone(),
    ];
    let ours = [
        intro.clone(),
        auth.clone(),
        auth_code.clone(),
        setup2.clone(),
        import2.clone(),
        tail.clone(),
    ];
    let theirs = [intro.clone(), setup2.clone(), import2.clone(), tail.clone()];
    let as_result = |cells: &[Element]| -> Vec<ResultElement> {
        cells.iter().cloned().map(ResultElement::clean).collect()
    };
    assert_eq!(
        check_with(&base, &ours, &theirs, &as_result(&ours), nb_options()),
        Verdict::Ok
    );
    // Still caught: ours' section lost, or the deleted section back.
    let lost = as_result(&theirs);
    assert!(!check_with(&base, &ours, &theirs, &lost, nb_options()).is_ok());
    let back = as_result(&[
        intro.clone(),
        auth.clone(),
        auth_code.clone(),
        setup2,
        logging_md.clone(),
        import2,
        tail.clone(),
    ]);
    assert!(!check_with(&base, &ours, &theirs, &back, nb_options()).is_ok());
    // A lone cell of its type in its gap, rewritten on one side and deleted
    // on the other, is still an edit against a deletion: a clash.
    let base = [intro.clone(), logging_md, tail.clone()];
    let ours = [intro.clone(), auth, tail.clone()];
    let theirs = [intro, tail];
    assert_caught(
        check_with(&base, &ours, &theirs, &as_result(&ours), nb_options()),
        Problem::ClashNotConflicted,
        Some(Side::Ours),
        EditKind::Edit,
    );
}
