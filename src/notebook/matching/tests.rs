//! Tests of cell matching: which edits pair a cell, which rivals keep a
//! pair from standing out, and the longest increasing run.

use super::*;

fn signature(source: &str) -> Signature {
    let text = format!(
        "{{\"cells\": [{{\"cell_type\": \"code\", \"metadata\": {{}}, \"source\": {}}}], \"metadata\": {{}}, \"nbformat\": 4, \"nbformat_minor\": 4}}",
        serde_json::to_string(source).unwrap_or_default()
    );
    let root = crate::notebook::json::parse(&text).expect("a notebook");
    let notebook = crate::notebook::model::Notebook::read(&text, &root).expect("a notebook");
    Signature::of(&notebook.cells[0])
}

#[test]
fn an_edit_in_one_place_pairs_and_a_template_does_not() {
    let alike = |a: &str, b: &str| {
        let (a, b) = (signature(a), signature(b));
        edited_in_place(Some(&a), Some(&b))
    };
    assert!(alike("lr = 0.01", "lr = 0.001"));
    assert!(alike("df.head()", "df.tail()"));
    assert!(alike(
        "model.fit(x, y, epochs=10)",
        "model.fit(x, y, epochs=20, verbose=0)"
    ));
    assert!(!alike(
        "# step 1\nx = block_1(x, 11)",
        "# step 501\nx = block_501(x, 501)"
    ));
    assert!(!alike("optimizer = Adam(lr=0.01)", "opt = SGD(0.1)"));
}

#[test]
fn a_pair_by_character_pairs_must_stand_out_from_its_rivals() {
    let likeness = |b: usize, s: usize| [[0.9, 0.3], [0.8, 0.35]][b][s];
    let rivals = Rivals::of([0, 1].iter(), [0, 1].iter(), likeness);
    // Base cell 0 and side cell 0 are each other's best, but base cell
    // 1 is nearly as alike to side cell 0.
    assert!((rivals.best_other(0, 0) - 0.8).abs() < 1e-6);
    assert!((rivals.best_other(1, 1) - 0.8).abs() < 1e-6);
    let alone = Rivals::of([0].iter(), [0].iter(), likeness);
    assert_eq!(alone.best_other(0, 0), 0.0);
}

#[test]
fn longest_increasing_run() {
    assert_eq!(longest_increasing(&[3, 0, 1, 4, 2]), vec![1, 2, 4]);
    assert_eq!(longest_increasing(&[]), Vec::<usize>::new());
}
