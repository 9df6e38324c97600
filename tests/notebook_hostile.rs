//! Hostile notebooks: broken, huge or strange inputs. Each must merge
//! without a panic and without losing or truncating ours: either by the
//! notebook merge into a valid notebook, or exactly as `git merge-file`.

mod notebook_common;

use mlmerge::Method;
use notebook_common::*;
use serde_json::{json, Value};

fn small() -> Value {
    notebook(
        vec![
            markdown_cell("# Title\n\nIntro."),
            code_cell("import torch\nx = torch.ones(3)", Some(1), vec![]),
            code_cell("print(x.sum())", Some(2), vec![stream_output("3.0\n")]),
            markdown_cell("## End"),
        ],
        4,
    )
}

fn edit_source(nb: &mut Value, cell: usize, src: &str) {
    nb["cells"][cell]["source"] = lines(src);
}

/// The pipeline's result must be exactly git's line merge.
fn assert_like_git(base: &[u8], ours: &[u8], theirs: &[u8]) {
    let outcome = merge(base, ours, theirs);
    assert_eq!(outcome.method, Method::LineMerge);
    assert!(
        outcome.bytes == git_merge(base, ours, theirs),
        "not git's merge"
    );
}

#[test]
fn truncated_json_merges_like_git() {
    let base = jupyter(&small());
    let mut theirs = small();
    edit_source(&mut theirs, 0, "# Title v2\n\nIntro.");
    let mut ours = small();
    edit_source(&mut ours, 3, "## The end");
    let ours = jupyter(&ours);
    let truncated = &ours.as_bytes()[..ours.len() - 30];
    assert_like_git(base.as_bytes(), truncated, jupyter(&theirs).as_bytes());
    // Broken on the base side too.
    assert_like_git(
        &base.as_bytes()[..base.len() / 2],
        ours.as_bytes(),
        jupyter(&theirs).as_bytes(),
    );
}

#[test]
fn cells_not_a_list_merges_like_git() {
    let base = jupyter(&small());
    let mut ours = small();
    ours["cells"] = json!({"first": small()["cells"][0].clone()});
    let mut theirs = small();
    edit_source(&mut theirs, 2, "print(x.mean())");
    assert_like_git(
        base.as_bytes(),
        jupyter(&ours).as_bytes(),
        jupyter(&theirs).as_bytes(),
    );
}

fn many_cells(n: usize, distinct: bool) -> Value {
    let cells = (0..n)
        .map(|i| {
            let src = if distinct {
                format!("x_{i} = {i}\nprint(x_{i})")
            } else {
                "pass".to_string()
            };
            code_cell(&src, None, vec![])
        })
        .collect();
    notebook(cells, 4)
}

#[test]
fn hundred_thousand_cells() {
    let base = many_cells(100_000, true);
    let mut ours = base.clone();
    let mut theirs = base.clone();
    edit_source(&mut ours, 10, "x_10 = 'ours'\nprint(x_10)");
    ours["cells"]
        .as_array_mut()
        .unwrap()
        .insert(50_000, markdown_cell("inserted by ours"));
    edit_source(&mut theirs, 99_990, "x_99990 = 'theirs'\nprint(x_99990)");
    theirs["cells"].as_array_mut().unwrap().remove(70_000);
    // Both re-ran cell 5: git's line merge clashes, the notebook merge runs.
    ours["cells"][5]["execution_count"] = json!(7);
    theirs["cells"][5]["execution_count"] = json!(8);
    let (b, o, t) = (jupyter(&base), jupyter(&ours), jupyter(&theirs));
    let started = std::time::Instant::now();
    let outcome = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    let elapsed = started.elapsed();
    assert_eq!(outcome.method, Method::Structured);
    assert!(outcome.is_clean());
    check_nbformat(&outcome.bytes).unwrap();
    let cells = cells_of(&outcome.bytes);
    assert_eq!(cells.len(), 100_000);
    assert_eq!(source_of(&cells[10]), "x_10 = 'ours'\nprint(x_10)");
    assert_eq!(source_of(&cells[50_000]), "inserted by ours");
    assert!(cells
        .iter()
        .all(|c| source_of(c) != "x_70000 = 70000\nprint(x_70000)"));
    assert_eq!(
        source_of(&cells[99_990]),
        "x_99990 = 'theirs'\nprint(x_99990)"
    );
    // Both re-ran the same source: ours' run is kept.
    assert_eq!(cells[5]["execution_count"], json!(7));
    // Generous for a debug build on a slow machine; quadratic matching
    // would take hours here.
    assert!(elapsed.as_secs() < 300, "took {elapsed:?}");
}

#[test]
fn hundred_thousand_equal_cells_are_not_quadratic() {
    let base = many_cells(100_000, false);
    let mut ours = base.clone();
    let mut theirs = base.clone();
    ours["cells"]
        .as_array_mut()
        .unwrap()
        .insert(3, markdown_cell("ours"));
    theirs["cells"]
        .as_array_mut()
        .unwrap()
        .insert(3, markdown_cell("theirs"));
    let (b, o, t) = (jupyter(&base), jupyter(&ours), jupyter(&theirs));
    let outcome = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(outcome.is_clean());
    let cells = cells_of(&outcome.bytes);
    assert_eq!(cells.len(), 100_002);
    assert_eq!(
        (source_of(&cells[3]), source_of(&cells[4])),
        ("ours".into(), "theirs".into())
    );
}

fn image_output(payload: &str) -> Value {
    json!({"data": {"image/png": payload, "text/plain": ["<Figure>"]}, "metadata": {}, "output_type": "display_data"})
}

#[test]
fn fifty_megabyte_output_is_carried_intact() {
    let payload: String = (0..50 << 20)
        .map(|i| {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64] as char
        })
        .collect();
    let mut base = small();
    base["cells"][2]["outputs"] = json!([image_output(&payload)]);
    let mut ours = base.clone();
    let mut theirs = base.clone();
    edit_source(&mut ours, 0, "# Title (ours)\n\nIntro.");
    ours["cells"][1]["execution_count"] = json!(5);
    theirs["cells"][1]["execution_count"] = json!(6);
    edit_source(&mut theirs, 3, "## End (theirs)");
    let (b, o, t) = (jupyter(&base), jupyter(&ours), jupyter(&theirs));
    let outcome = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert_eq!(outcome.method, Method::Structured);
    assert!(outcome.is_clean());
    check_nbformat(&outcome.bytes).unwrap();
    let cells = cells_of(&outcome.bytes);
    assert_eq!(
        cells[2]["outputs"][0]["data"]["image/png"].as_str(),
        Some(payload.as_str())
    );
    assert_eq!(source_of(&cells[0]), "# Title (ours)\n\nIntro.");
    assert_eq!(source_of(&cells[3]), "## End (theirs)");
    // The untouched output cell is ours' bytes, copied.
    let raw_cell_start = o
        .find("\"outputs\": [\n    {\n     \"data\": {\n      \"image/png\"")
        .unwrap();
    let result = String::from_utf8(outcome.bytes).unwrap();
    assert!(result.contains(&o[raw_cell_start..raw_cell_start + 1000]));

    // Theirs re-ran the big cell: its new image wins, ours' edit stays.
    let new_payload = payload.replace("ABC", "XYZ");
    let mut theirs = base.clone();
    theirs["cells"][2]["outputs"] = json!([image_output(&new_payload)]);
    theirs["cells"][2]["execution_count"] = json!(9);
    theirs["cells"][1]["execution_count"] = json!(6);
    let t = jupyter(&theirs);
    let outcome = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(outcome.is_clean());
    let cells = cells_of(&outcome.bytes);
    assert_eq!(
        cells[2]["outputs"][0]["data"]["image/png"].as_str(),
        Some(new_payload.as_str())
    );
    assert_eq!(source_of(&cells[0]), "# Title (ours)\n\nIntro.");
}

fn nested(depth: usize, leaf: &str) -> String {
    format!(
        "{}\"{leaf}\"{}",
        "{\"a\": ".repeat(depth),
        "}".repeat(depth)
    )
}

#[test]
fn deeply_nested_metadata_merges_like_git() {
    let base = jupyter(&small());
    let ours = base.replacen(
        "\"metadata\": {\n",
        &format!("\"metadata\": {{\n  \"deep\": {},\n", nested(100_000, "x")),
        1,
    );
    let mut theirs = small();
    edit_source(&mut theirs, 0, "# Title v2\n\nIntro.");
    assert_like_git(
        base.as_bytes(),
        ours.as_bytes(),
        jupyter(&theirs).as_bytes(),
    );
}

#[test]
fn nested_metadata_clash_is_shown() {
    let with = |leaf: &str| {
        jupyter(&small()).replacen(
            "\"metadata\": {\n",
            &format!("\"metadata\": {{\n  \"deep\": {},\n", nested(100, leaf)),
            1,
        )
    };
    let outcome = merge(
        with("base").as_bytes(),
        with("ours").as_bytes(),
        with("theirs").as_bytes(),
    );
    assert_eq!(outcome.method, Method::Structured);
    assert_eq!(outcome.conflicts, 1);
    check_nbformat(&outcome.bytes).unwrap();
    let cells = cells_of(&outcome.bytes);
    assert!(source_of(&cells[0]).contains("= \"theirs\""));
    assert!(String::from_utf8_lossy(&outcome.bytes).contains("\"ours\""));
}

#[test]
fn duplicated_cell_ids_give_a_valid_notebook() {
    let mut base = small();
    base["nbformat_minor"] = json!(5);
    for (cell, id) in base["cells"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(["a", "b", "a", "c"])
    {
        cell.as_object_mut().unwrap().insert("id".into(), json!(id));
    }
    let mut ours = base.clone();
    edit_source(&mut ours, 2, "print(x.mean())");
    let mut theirs = base.clone();
    let mut new = markdown_cell("theirs' note");
    new.as_object_mut().unwrap().insert("id".into(), json!("a"));
    theirs["cells"].as_array_mut().unwrap().insert(1, new);
    theirs["cells"][2]["execution_count"] = json!(3);
    let (b, o, t) = (jupyter(&base), jupyter(&ours), jupyter(&theirs));
    let outcome = merge(b.as_bytes(), o.as_bytes(), t.as_bytes());
    check_nbformat(&outcome.bytes).unwrap();
    let sources: Vec<String> = cells_of(&outcome.bytes).iter().map(source_of).collect();
    assert!(
        sources.contains(&"print(x.mean())".to_string()),
        "{sources:?}"
    );
    assert!(sources.contains(&"theirs' note".to_string()), "{sources:?}");
    assert_eq!(sources.len(), 5);
}

#[test]
fn invalid_utf8_on_one_side_merges_like_git() {
    let base = jupyter(&small());
    let mut theirs = small();
    edit_source(&mut theirs, 3, "## End of run");
    let mut ours = jupyter(&small()).into_bytes();
    let at = ours.windows(5).position(|w| w == b"Intro").unwrap();
    ours[at] = 0xff;
    assert_like_git(base.as_bytes(), &ours, jupyter(&theirs).as_bytes());
}
