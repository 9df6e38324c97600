//! Tests of the JSON reader: raw text and key order kept, comparison by
//! meaning, malformed input refused, escapes, repeated keys.

use super::*;

#[test]
fn keeps_raw_text_and_order() {
    let doc = parse(" {\"b\": [1, \"x\\n\"], \"a\": null}\n").unwrap();
    let fields = doc.as_object().unwrap();
    assert_eq!(fields[0].0.raw, "b");
    assert_eq!(fields[0].1.raw, "[1, \"x\\n\"]");
    assert_eq!(
        fields[0].1.as_array().unwrap()[1].as_str().unwrap().text(),
        "x\n"
    );
    assert!(doc.get("a").unwrap().is_null());
}

#[test]
fn compares_by_meaning() {
    let a = parse(r#"{"a": "\u00e9", "b": 1.0}"#).unwrap();
    let b = parse("{\"b\":1, \"a\":\"é\"}").unwrap();
    assert!(same(&a, &b));
    let c = parse(r#"{"a": "e", "b": 1}"#).unwrap();
    assert!(!same(&a, &c));
}

#[test]
fn refuses_broken_json() {
    for text in [
        "{",
        "[1,]",
        "{\"a\" 1}",
        "01",
        "\"\\x\"",
        "[1] x",
        "\"a\nb\"",
    ] {
        assert!(parse(text).is_err(), "{text}");
    }
    let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
    assert!(parse(&deep).is_err());
}

#[test]
fn finds_string_ends_past_long_runs() {
    let long = "A".repeat(37);
    for tail in ["\"", "\\n\"", "\u{1}\""] {
        let text = format!("{long}{tail}");
        assert_eq!(plain_run_end(text.as_bytes(), 0), 37, "{tail:?}");
    }
    assert_eq!(plain_run_end("é€😀abc".as_bytes(), 0), "é€😀abc".len());
    let text = format!("[\"{long}\\\"{long}\"]");
    let doc = parse(&text).unwrap();
    assert_eq!(
        doc.as_array().unwrap()[0].as_str().unwrap().text(),
        format!("{long}\"{long}")
    );
}

#[test]
fn unescapes_surrogate_pairs() {
    assert_eq!(unescape(r"\ud83d\ude00 \u00e9\/"), "😀 é/");
    assert_eq!(unescape(r"\ud83d"), "\u{fffd}");
}

/// A value as compact JSON in its read order (what Python's
/// `json.dumps(..., separators=(",", ":"), ensure_ascii=False)` writes).
fn canonical(node: &Node) -> String {
    match &node.value {
        Value::Object(fields) => {
            let items: Vec<String> = fields
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}:{}",
                        serde_json::Value::from(k.text().as_ref()),
                        canonical(v)
                    )
                })
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(canonical).collect::<Vec<_>>().join(",")
            )
        }
        Value::Str(s) => serde_json::Value::from(s.text().as_ref()).to_string(),
        _ => node.raw.to_string(),
    }
}

/// A document with repeated keys, from a seed: small objects whose keys
/// come from a tiny alphabet (so they repeat), some escaped.
fn next(seed: &mut u64, n: u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 33) % n
}

fn repeating_document(seed: &mut u64, depth: usize) -> String {
    let keys = ["a", "b", "cells", "\\u0063ells", "source", "\\u00e9"];
    let pick = next(seed, 6);
    if depth > 3 || pick < 2 {
        return match next(seed, 3) {
            0 => format!("{}", next(seed, 100)),
            1 => format!("\"v{}\\n\"", next(seed, 10)),
            _ => "null".to_string(),
        };
    }
    let count = next(seed, 6) as usize;
    let mut parts = Vec::new();
    for _ in 0..count {
        let key = keys[next(seed, keys.len() as u64) as usize];
        let value = repeating_document(seed, depth + 1);
        parts.push(if pick == 2 {
            value
        } else {
            format!("\"{key}\": {value}")
        });
    }
    if pick == 2 {
        format!("[{}]", parts.join(", "))
    } else {
        format!("{{{}}}", parts.join(", "))
    }
}

/// Differential test: repeated keys read as Python's `json` reads them
/// (the last value, at the first key's place), on generated documents.
/// Skipped when python3 is not installed.
#[test]
fn repeated_keys_read_as_python_json_reads_them() {
    use std::io::Write;
    let mut seed = 11u64;
    let docs: Vec<String> = (0..400)
        .map(|_| {
            let (a, b) = (
                repeating_document(&mut seed, 0),
                repeating_document(&mut seed, 0),
            );
            format!("{{\"cells\": [], \"source\": {a}, \"\\u0063ells\": {b}}}")
        })
        .filter(|d| parse(d).is_ok())
        .collect();
    assert!(docs.len() > 300, "{} documents", docs.len());
    let script = "import json,sys\nfor line in sys.stdin:\n    print(json.dumps(json.loads(line), separators=(',', ':'), ensure_ascii=False))\n";
    let child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("python3 not found: skipped");
        return;
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(docs.join("\n").as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let python: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(python.len(), docs.len());
    let mut repeated = 0;
    for (doc, expected) in docs.iter().zip(python) {
        let (node, count) = parse_counting(doc).unwrap();
        repeated += count;
        assert_eq!(canonical(&node), expected, "{doc}");
    }
    assert!(repeated > 100, "only {repeated} repeated keys generated");
}
