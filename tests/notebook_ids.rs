//! Cell ids: a merged nbformat 4.5 notebook gets a deterministic id for
//! each cell that came without one; a notebook below 4.5 never gains ids.

mod notebook_common;

use notebook_common::*;
use serde_json::{json, Value};

fn with_ids(mut nb: Value) -> Value {
    nb["nbformat_minor"] = json!(5);
    for (i, cell) in nb["cells"].as_array_mut().unwrap().iter_mut().enumerate() {
        cell.as_object_mut()
            .unwrap()
            .insert("id".into(), json!(format!("id-{i}")));
    }
    nb
}

fn base() -> Value {
    notebook(
        vec![
            markdown_cell("# A"),
            code_cell("a = 1", None, vec![]),
            markdown_cell("# B"),
        ],
        4,
    )
}

#[test]
fn upgrade_to_45_gives_new_cells_ids() {
    // Ours upgraded to 4.5 (ids on every cell); theirs, still 4.4, added
    // two cells.
    let ours = with_ids(base());
    let mut theirs = base();
    theirs["cells"]
        .as_array_mut()
        .unwrap()
        .insert(1, code_cell("b = 2", None, vec![]));
    theirs["cells"]
        .as_array_mut()
        .unwrap()
        .push(markdown_cell("# C"));
    let (b, o, t) = (jupyter(&base()), jupyter(&ours), jupyter(&theirs));
    let first = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(first.is_clean());
    check_nbformat(&first.bytes).unwrap();
    let cells = cells_of(&first.bytes);
    let sources: Vec<String> = cells.iter().map(source_of).collect();
    assert_eq!(sources, ["# A", "b = 2", "a = 1", "# B", "# C"]);
    assert_eq!(cells[0]["id"], "id-0");
    assert_eq!(cells[2]["id"], "id-1");
    // The same inputs give the same bytes, new ids included.
    let again = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert_eq!(first.bytes, again.bytes);
}

#[test]
fn below_45_no_ids_are_written() {
    // Base was 4.5; ours went back to 4.4 (ids removed); theirs added a
    // cell with an id.
    let base = with_ids(base());
    let mut ours = notebook(
        vec![
            markdown_cell("# A"),
            code_cell("a = 1", None, vec![]),
            markdown_cell("# B"),
        ],
        4,
    );
    ours["cells"][1]["source"] = lines("a = 10");
    let mut theirs = base.clone();
    let mut new = markdown_cell("# new");
    new.as_object_mut()
        .unwrap()
        .insert("id".into(), json!("fresh"));
    theirs["cells"].as_array_mut().unwrap().push(new);
    let (b, o, t) = (jupyter(&base), jupyter(&ours), jupyter(&theirs));
    let outcome = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    check_nbformat(&outcome.bytes).unwrap();
    let cells = cells_of(&outcome.bytes);
    assert!(
        cells.iter().all(|c| c.get("id").is_none()),
        "{}",
        String::from_utf8_lossy(&outcome.bytes)
    );
    assert_eq!(source_of(&cells[3]), "# new");
}
