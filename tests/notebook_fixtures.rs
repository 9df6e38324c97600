//! Every folder in `fixtures/notebook/` through the real binary: the merged
//! bytes must equal `expected.ipynb`, the exit code `exit_code`, and every
//! result whose inputs are notebooks must itself be a valid notebook.

mod notebook_common;

use std::fs;
use std::path::{Path, PathBuf};

use notebook_common::{check_nbformat, run_merge};

fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/notebook");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .expect("fixtures/notebook exists")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn first_difference(got: &[u8], want: &[u8]) -> String {
    let got = String::from_utf8_lossy(got);
    let want = String::from_utf8_lossy(want);
    let (mut g, mut w) = (got.lines(), want.lines());
    for n in 1.. {
        match (g.next(), w.next()) {
            (None, None) => return "only the line endings or final newline differ".into(),
            (a, b) if a != b => return format!("line {n}: got {a:?}, want {b:?}"),
            _ => {}
        }
    }
    unreachable!()
}

fn check_case(dir: &Path) -> Result<(), String> {
    let expected = fs::read(dir.join("expected.ipynb")).map_err(|e| e.to_string())?;
    let exit: i32 = fs::read_to_string(dir.join("exit_code"))
        .map_err(|e| e.to_string())?
        .trim()
        .parse()
        .map_err(|_| "bad exit_code")?;
    let args: Vec<String> = fs::read_to_string(dir.join("args"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    let (got, code) = run_merge(
        dir,
        ["base.ipynb", "ours.ipynb", "theirs.ipynb"],
        "notebook.ipynb",
        &args,
    );
    if got != expected {
        return Err(format!(
            "merged bytes differ: {}",
            first_difference(&got, &expected)
        ));
    }
    if code != exit {
        return Err(format!("exit code {code}, want {exit}"));
    }
    let inputs_valid = ["base", "ours", "theirs"].iter().all(|n| {
        fs::read(dir.join(format!("{n}.ipynb"))).is_ok_and(|b| check_nbformat(&b).is_ok())
    });
    if inputs_valid {
        check_nbformat(&got).map_err(|e| format!("the result is not a valid notebook: {e}"))?;
    }
    Ok(())
}

#[test]
fn notebook_fixtures() {
    let dirs = case_dirs();
    assert!(dirs.len() >= 25, "only {} notebook fixtures", dirs.len());
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|dir| {
            let name = dir.file_name()?.to_string_lossy().into_owned();
            check_case(dir).err().map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
