//! `MLMERGE_DEBUG_DIR` makes the driver explain a merge in a file: the
//! layer lists it parsed in each version and every decision.

use std::process::Command;

#[test]
fn debug_dir_receives_the_parsed_layers_and_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let base = "model = keras.Sequential([\n    layers.Dense(64),\n    layers.Dense(10),\n])\n";
    let ours = base.replace(
        "    layers.Dense(64),\n",
        "    layers.Dense(64),\n    layers.Dropout(0.5),\n",
    );
    let theirs = base.replace(
        "    layers.Dense(64),\n",
        "    layers.Dense(64),\n    layers.BatchNormalization(),\n",
    );
    for (name, text) in [
        ("base", base.to_string()),
        ("ours", ours),
        ("theirs", theirs),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let dump = dir.path().join("dump");
    let status = Command::new(env!("CARGO_BIN_EXE_mlmerge"))
        .current_dir(dir.path())
        .args(["merge", "base", "ours", "theirs", "-p", "model.py"])
        .env("MLMERGE_DEBUG_DIR", &dump)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let files: Vec<_> = std::fs::read_dir(&dump).unwrap().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(text.contains("== regions of theirs"), "{text}");
    assert!(text.contains("BatchNormalization"), "{text}");
    assert!(text.contains("ordered-by-convention"), "{text}");
}
