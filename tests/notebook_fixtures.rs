//! The notebook fixtures' expected results must be notebooks Jupyter opens
//! (valid JSON and nbformat 4), conflicted or not. `tests/fixtures.rs`
//! checks that the binary produces exactly these bytes, so together they
//! check that every merged result is a valid notebook.

mod notebook_common;

use std::fs;
use std::path::Path;

use notebook_common::check_nbformat;

#[test]
fn every_expected_notebook_is_valid_nbformat() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/notebook");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in fs::read_dir(&root).expect("fixtures/notebook exists") {
        let dir = entry.expect("readable entry").path();
        if !dir.is_dir() {
            continue;
        }
        let read = |name: &str| fs::read(dir.join(name)).unwrap_or_default();
        // A case whose inputs are broken on purpose falls back to git's
        // line merge; its result need not be a notebook.
        let inputs_valid = ["base.ipynb", "ours.ipynb", "theirs.ipynb"]
            .iter()
            .all(|n| check_nbformat(&read(n)).is_ok());
        if inputs_valid {
            if let Err(e) = check_nbformat(&read("expected.ipynb")) {
                failures.push(format!("{}: {e}", dir.display()));
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 25,
        "only {checked} notebook fixtures with valid inputs"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
