//! The driver as git runs it, installed by `mlmerge install`: merges,
//! rebases and cherry-picks with the real `git`, hostile paths, and the
//! journal the driver leaves for `mlmerge report`.

mod git_support;

use git_support::{has_markers, keras, stdout, text, Sandbox};
use serde_json::Value;

fn report_json(sb: &Sandbox) -> Value {
    let out = sb.mlmerge(&["report", "--format", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("report is JSON")
}

/// Needs the structured Python merge (same-place layer insertions ordered
/// by convention).
#[test]
fn clean_structured_merge_through_git_merge() {
    let sb = Sandbox::new();
    sb.install();
    sb.branches("model.py", keras::BASE, keras::DROPOUT, keras::BATCHNORM);
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.read("model.py"), keras::MERGED);
    // The driver's decisions are readable after the merge commit.
    let report = report_json(&sb);
    assert_eq!(report["operation"], "last-merge");
    assert_eq!(report["resolved"][0]["path"], "model.py");
    let kinds: Vec<&str> = report["resolved"][0]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"ordered-by-convention"), "{report:#}");
}

/// Plain git conflicts on the same case: the driver is what made it clean.
#[test]
fn without_the_driver_git_conflicts_on_the_same_merge() {
    let sb = Sandbox::new();
    sb.branches("model.py", keras::BASE, keras::DROPOUT, keras::BATCHNORM);
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert!(!out.status.success());
    assert!(has_markers(&sb.read("model.py")));
}

/// A clash on one layer's argument leaves markers around that layer only;
/// the other side's unrelated change is merged.
#[test]
fn narrow_clash_marks_only_the_clashing_layer() {
    let sb = Sandbox::new();
    sb.install();
    let theirs = keras::UNITS_256
        .replace("Dense(10,", "Dense(12,")
        .replace("import keras\n", "import keras  # v3\n");
    sb.branches("model.py", keras::BASE, keras::UNITS_128, &theirs);
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let merged = sb.read("model.py");
    assert!(merged.starts_with("import keras  # v3\n"), "{merged}");
    let inside: Vec<&str> = merged
        .lines()
        .skip_while(|l| !l.starts_with("<<<<<<<"))
        .take_while(|l| !l.starts_with(">>>>>>>"))
        .filter(|l| {
            !l.starts_with("<<<<<<<") && !l.starts_with("=======") && !l.starts_with("|||||||")
        })
        .collect();
    assert_eq!(
        inside,
        [
            "    layers.Dense(128, activation=\"relu\"),",
            "    layers.Dense(256, activation=\"relu\"),"
        ],
        "{merged}"
    );
    assert!(
        merged.contains("Dense(12, activation=\"softmax\")"),
        "{merged}"
    );
}

/// Cells edited in different places: the notebook merges through the
/// driver and stays valid JSON.
#[test]
fn notebook_merge_through_the_driver() {
    let cell = |id: &str, src: &str| {
        format!(" {{\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"id\": \"{id}\",\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    \"{src}\"\n   ]\n  }}")
    };
    let notebook = |a: &str, b: &str, c: &str| {
        format!("{{\n \"cells\": [\n {},\n {},\n {}\n ],\n \"metadata\": {{}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}}\n", cell("a", a), cell("b", b), cell("c", c))
    };
    let sb = Sandbox::new();
    sb.install();
    sb.branches(
        "train.ipynb",
        &notebook("import keras", "model = build()", "model.fit(x, y)"),
        &notebook("import keras as K", "model = build()", "model.fit(x, y)"),
        &notebook(
            "import keras",
            "model = build()",
            "model.fit(x, y, epochs=5)",
        ),
    );
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert!(out.status.success(), "{}", text(&out));
    let merged: Value = serde_json::from_str(&sb.read("train.ipynb")).expect("valid JSON");
    assert_eq!(merged["cells"][0]["source"][0], "import keras as K");
    assert_eq!(merged["cells"][2]["source"][0], "model.fit(x, y, epochs=5)");
    let journal = std::fs::read_to_string(sb.repo.join(".git/mlmerge/journal.jsonl"))
        .expect("the driver ran");
    assert!(journal.contains("\"path\":\"train.ipynb\""), "{journal}");
}

/// Needs the structured Python merge.
#[test]
fn rebase_goes_through_the_driver() {
    let sb = Sandbox::new();
    sb.install();
    sb.branches("model.py", keras::BASE, keras::DROPOUT, keras::BATCHNORM);
    // Replay `ours` (Dropout) onto `theirs` (BatchNormalization).
    let out = sb.git_status(&["rebase", "theirs"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.read("model.py"), keras::MERGED);
    assert_eq!(
        stdout(&sb.git(&["log", "--format=%s", "-2"])),
        "ours\ntheirs\n"
    );
}

/// Needs the structured Python merge.
#[test]
fn cherry_pick_goes_through_the_driver() {
    let sb = Sandbox::new();
    sb.install();
    sb.branches("model.py", keras::BASE, keras::DROPOUT, keras::BATCHNORM);
    let out = sb.git_status(&["cherry-pick", "theirs"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.read("model.py"), keras::MERGED);
}

/// git hands %P shell-quoted; a path with spaces, quotes and a leading
/// `-` must reach the driver intact (it decides the file kind).
#[test]
fn hostile_path_is_passed_intact_as_p() {
    let sb = Sandbox::new();
    sb.install();
    let name = "-my model's \"best\" $(v2).py";
    sb.branches(name, keras::BASE, keras::DROPOUT, keras::BATCHNORM);
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    let journal = std::fs::read_to_string(sb.repo.join(".git/mlmerge/journal.jsonl"))
        .expect("the driver ran");
    let entry: Value = serde_json::from_str(journal.lines().last().unwrap()).unwrap();
    assert_eq!(entry["path"], name);
    assert_eq!(entry["kind"], "python");
    // Needs the structured Python merge:
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.read(name), keras::MERGED);
}

#[test]
fn non_ascii_repository_path() {
    let sb = Sandbox::named("dépôt modèle 模型");
    sb.install();
    sb.branches("model.py", keras::BASE, keras::UNITS_128, keras::UNITS_256);
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = report_json(&sb);
    assert_eq!(report["operation"], "merge");
    assert_eq!(report["conflicted"][0]["path"], "model.py");
    assert_eq!(report["conflicted"][0]["state"], "clash");
}

/// The journal never fails a merge: an unwritable journal directory
/// leaves the merge as it would be.
#[test]
fn unwritable_journal_does_not_fail_the_merge() {
    let sb = Sandbox::new();
    sb.install();
    std::fs::write(sb.repo.join(".git/mlmerge"), "not a directory").unwrap();
    sb.branches(
        "model.py",
        keras::BASE,
        keras::UNITS_128,
        &keras::UNITS_256
            .replace("import keras\n", "import keras  # v3\n")
            .replace("Dense(256", "Dense(64"),
    );
    let out = sb.git_status(&["merge", "--no-edit", "theirs"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(sb.read("model.py").starts_with("import keras  # v3\n"));
}
