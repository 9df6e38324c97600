//! Shared by the notebook tests: an nbformat 4 structure check written
//! against serde_json (independent of mlmerge's own reader), and a way to
//! run the real binary.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Checks `bytes` is JSON holding a valid nbformat 4 notebook: required
/// keys and their types for the document, each cell type and each output
/// type; cell ids required from 4.5 on and unique.
pub fn check_nbformat(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("not JSON: {e}"))?;
    let obj = doc.as_object().ok_or("not an object")?;
    if obj.get("nbformat").and_then(Value::as_u64) != Some(4) {
        return Err("nbformat is not 4".into());
    }
    let minor = obj
        .get("nbformat_minor")
        .and_then(Value::as_u64)
        .ok_or("no nbformat_minor")?;
    if minor > 5 {
        return Err("unknown minor".into());
    }
    obj.get("metadata")
        .and_then(Value::as_object)
        .ok_or("metadata is not an object")?;
    let cells = obj
        .get("cells")
        .and_then(Value::as_array)
        .ok_or("cells is not a list")?;
    let mut ids = std::collections::HashSet::new();
    for (i, cell) in cells.iter().enumerate() {
        check_cell(cell, minor, &mut ids).map_err(|e| format!("cell {i}: {e}"))?;
    }
    Ok(())
}

fn multiline(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(_)) => true,
        Some(Value::Array(items)) => items.iter().all(Value::is_string),
        _ => false,
    }
}

fn check_cell(
    cell: &Value,
    minor: u64,
    ids: &mut std::collections::HashSet<String>,
) -> Result<(), String> {
    let c = cell.as_object().ok_or("not an object")?;
    c.get("metadata")
        .and_then(Value::as_object)
        .ok_or("metadata is not an object")?;
    if !multiline(c.get("source")) {
        return Err("source is not a string or list of strings".into());
    }
    match c.get("id") {
        Some(Value::String(id)) if minor >= 5 => {
            let valid = !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
            if !valid || !ids.insert(id.clone()) {
                return Err(format!("invalid or repeated id {id}"));
            }
        }
        Some(_) if minor >= 5 => return Err("id is not a string".into()),
        Some(_) => return Err("id below nbformat 4.5".into()),
        None if minor >= 5 => return Err("no id in nbformat 4.5".into()),
        None => {}
    }
    let allowed: &[&str] = match c.get("cell_type").and_then(Value::as_str) {
        Some("code") => {
            let count = c.get("execution_count").ok_or("no execution_count")?;
            if !(count.is_null() || count.is_u64()) {
                return Err("execution_count is not an integer or null".into());
            }
            let outputs = c
                .get("outputs")
                .and_then(Value::as_array)
                .ok_or("outputs is not a list")?;
            outputs.iter().try_for_each(check_output)?;
            &[
                "cell_type",
                "id",
                "metadata",
                "source",
                "execution_count",
                "outputs",
            ]
        }
        Some("markdown" | "raw") => {
            if c.get("attachments").is_some_and(|a| !a.is_object()) {
                return Err("attachments is not an object".into());
            }
            &["cell_type", "id", "metadata", "source", "attachments"]
        }
        _ => return Err("unknown cell_type".into()),
    };
    match c.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(extra) => Err(format!("unexpected key {extra}")),
        None => Ok(()),
    }
}

fn check_output(output: &Value) -> Result<(), String> {
    let o = output.as_object().ok_or("output is not an object")?;
    let has = |k: &str, check: fn(&Value) -> bool| o.get(k).is_some_and(check);
    let ok = match o.get("output_type").and_then(Value::as_str) {
        Some("stream") => has("name", Value::is_string) && multiline(o.get("text")),
        Some("display_data") => has("data", Value::is_object) && has("metadata", Value::is_object),
        Some("execute_result") => {
            has("data", Value::is_object)
                && has("metadata", Value::is_object)
                && o.contains_key("execution_count")
        }
        Some("error") => {
            has("ename", Value::is_string)
                && has("evalue", Value::is_string)
                && has("traceback", Value::is_array)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "malformed output {}",
            o.get("output_type").unwrap_or(&Value::Null)
        ))
    }
}

/// Runs `mlmerge merge base ours theirs -p <path> --stdout <extra>` in an
/// empty directory with no git configuration; returns stdout and exit code.
pub fn run_merge(dir: &Path, names: [&str; 3], path: &str, extra: &[String]) -> (Vec<u8>, i32) {
    let home = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_mlmerge"))
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.path().join("none"))
        .env_remove("GIT_DIR")
        .env_remove("MLMERGE_OUTPUTS")
        .arg("merge")
        .args(names.iter().map(|n| dir.join(n)))
        .args(["-p", path, "--stdout"])
        .args(extra)
        .output()
        .expect("run mlmerge");
    assert!(
        output.status.code().is_some(),
        "mlmerge was killed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.stdout, output.status.code().unwrap_or(-1))
}

/// Writes `value` as Jupyter does: one-space indent, non-ASCII kept,
/// trailing newline (keys in the order they were inserted).
pub fn jupyter(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, 0, &mut out);
    out.push('\n');
    out
}

fn write_value(value: &Value, depth: usize, out: &mut String) {
    let indent = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth));
    };
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                indent(out, depth + 1);
                write_value(item, depth + 1, out);
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(fields) if !fields.is_empty() => {
            out.push('{');
            for (i, (key, item)) in fields.iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                indent(out, depth + 1);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_value(item, depth + 1, out);
            }
            indent(out, depth);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A source as Jupyter stores it: a list of lines.
pub fn lines(src: &str) -> Value {
    Value::Array(
        src.split_inclusive('\n')
            .map(|l| Value::String(l.into()))
            .collect(),
    )
}

pub fn code_cell(src: &str, count: Option<u64>, outputs: Vec<Value>) -> Value {
    serde_json::json!({
        "cell_type": "code",
        "execution_count": count,
        "metadata": {},
        "outputs": outputs,
        "source": lines(src),
    })
}

pub fn markdown_cell(src: &str) -> Value {
    serde_json::json!({"cell_type": "markdown", "metadata": {}, "source": lines(src)})
}

pub fn stream_output(text: &str) -> Value {
    serde_json::json!({"name": "stdout", "output_type": "stream", "text": lines(text)})
}

pub fn notebook(cells: Vec<Value>, minor: u64) -> Value {
    serde_json::json!({
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": minor,
    })
}

/// The merge options a driver call with `-p notebook.ipynb` gets.
pub fn options() -> mlmerge::MergeOptions {
    mlmerge::MergeOptions {
        path: Some("notebook.ipynb".into()),
        ..Default::default()
    }
}

/// Merges through the library pipeline.
pub fn merge(base: &[u8], ours: &[u8], theirs: &[u8]) -> mlmerge::MergeOutcome {
    mlmerge::merge(
        mlmerge::core::merge3::Merge3::new(base, ours, theirs),
        &options(),
    )
}

/// What `git merge-file` gives for the same inputs.
pub fn git_merge(base: &[u8], ours: &[u8], theirs: &[u8]) -> Vec<u8> {
    let markers = mlmerge::core::render::Markers::for_inputs(&options(), &[base, ours, theirs]);
    mlmerge::core::line_merge::git_merge(base, ours, theirs, &markers)
        .expect("git merge")
        .bytes
}

/// The cells of a merged notebook.
pub fn cells_of(bytes: &[u8]) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(bytes).expect("a JSON result");
    doc["cells"].as_array().cloned().unwrap_or_default()
}

/// A cell's source text.
pub fn source_of(cell: &Value) -> String {
    match &cell["source"] {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}
