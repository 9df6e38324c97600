//! The seeded mutation engine: a small PRNG (splitmix64, so a case replays
//! from its printed seed on any machine) and the mutations it applies to
//! fixture files: line and byte edits, line endings, BOM, invalid UTF-8,
//! NUL, deep nesting, long lines, conflict markers, and for notebooks JSON
//! type and key changes, duplicate keys and duplicate cell ids.

use serde_json::Value;

use crate::notebook_common::jupyter;

/// splitmix64: tiny, fast, and the same sequence everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A named mutation of one file's bytes; `donor` is text from another
/// fixture to borrow lines from.
pub struct Mutation {
    pub name: &'static str,
    pub apply: fn(&mut Rng, &mut Vec<u8>, &[u8]),
    /// Only for notebooks.
    pub json: bool,
}

/// Every mutation the engine knows.
pub const MUTATIONS: &[Mutation] = &[
    m("delete-line", delete_line),
    m("duplicate-line", duplicate_line),
    m("swap-lines", swap_lines),
    m("insert-donor-line", insert_donor_line),
    m("edit-number", edit_number),
    m("flip-byte", flip_byte),
    m("insert-byte", insert_byte),
    m("delete-byte", delete_byte),
    m("crlf-all", crlf_all),
    m("crlf-one-line", crlf_one_line),
    m("lf-all", lf_all),
    m("drop-final-newline", drop_final_newline),
    m("add-bom", add_bom),
    m("invalid-utf8", invalid_utf8),
    m("nul-byte", nul_byte),
    m("deep-nesting", deep_nesting),
    m("long-line", long_line),
    m("conflict-markers", conflict_markers),
    m("lone-marker", lone_marker),
    m("tabs-for-spaces", tabs_for_spaces),
    j("json-type", json_type),
    j("json-drop-key", json_drop_key),
    j("json-rename-key", json_rename_key),
    j("json-dup-key", json_dup_key),
    j("json-dup-cell-id", json_dup_cell_id),
    j("json-swap-cells", json_swap_cells),
    j("json-edit-source", json_edit_source),
    j("json-reindent", json_reindent),
];

const fn m(name: &'static str, apply: fn(&mut Rng, &mut Vec<u8>, &[u8])) -> Mutation {
    Mutation {
        name,
        apply,
        json: false,
    }
}

const fn j(name: &'static str, apply: fn(&mut Rng, &mut Vec<u8>, &[u8])) -> Mutation {
    Mutation {
        name,
        apply,
        json: true,
    }
}

/// Mutations that change a whole file's layout, applied to all three
/// versions at once (as a repository converted to CRLF would be).
pub const SHARED: &[&str] = &[
    "crlf-all",
    "add-bom",
    "drop-final-newline",
    "tabs-for-spaces",
];

pub fn by_name(name: &str) -> Option<&'static Mutation> {
    MUTATIONS.iter().find(|m| m.name == name)
}

/// Byte ranges of the lines of `bytes`, each with its `\n`.
fn line_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        spans.push((start, bytes.len()));
    }
    spans
}

fn random_line(rng: &mut Rng, bytes: &[u8]) -> Option<(usize, usize)> {
    let spans = line_spans(bytes);
    (!spans.is_empty()).then(|| *rng.pick(&spans))
}

/// A position at the start of a line (or the end of the file).
fn line_start(rng: &mut Rng, bytes: &[u8]) -> usize {
    match random_line(rng, bytes) {
        Some((start, _)) if rng.chance(9, 10) => start,
        _ => bytes.len(),
    }
}

fn delete_line(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    if let Some((s, e)) = random_line(rng, bytes) {
        bytes.drain(s..e);
    }
}

fn duplicate_line(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    if let Some((s, e)) = random_line(rng, bytes) {
        let line = bytes[s..e].to_vec();
        bytes.splice(e..e, line);
    }
}

fn swap_lines(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let spans = line_spans(bytes);
    if spans.len() < 2 {
        return;
    }
    let i = rng.below(spans.len() - 1);
    let ((a, b), (_, c)) = (spans[i], spans[i + 1]);
    let mut swapped = bytes[b..c].to_vec();
    if !swapped.ends_with(b"\n") {
        swapped.push(b'\n');
    }
    swapped.extend_from_slice(&bytes[a..b]);
    bytes.splice(a..c, swapped);
}

fn insert_donor_line(rng: &mut Rng, bytes: &mut Vec<u8>, donor: &[u8]) {
    let Some((s, e)) = random_line(rng, donor) else {
        return;
    };
    let mut line = donor[s..e].to_vec();
    if !line.ends_with(b"\n") {
        line.push(b'\n');
    }
    let at = line_start(rng, bytes);
    bytes.splice(at..at, line);
}

fn edit_number(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let digits: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return;
    }
    let at = *rng.pick(&digits);
    let value = rng.pick(&[b"0" as &[u8], b"1", b"7", b"32", b"128", b"1000", b"0.5"]);
    bytes.splice(at..at + 1, value.iter().copied());
}

// Every mutation has the same signature (a `Mutation`'s fn pointer).
#[allow(clippy::ptr_arg)]
fn flip_byte(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    if !bytes.is_empty() {
        let at = rng.below(bytes.len());
        bytes[at] ^= 1 << rng.below(8);
    }
}

fn insert_byte(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let at = rng.below(bytes.len() + 1);
    let byte = *rng.pick(b"()[]{},:;\"'\\#\n\r\t =.x0\xc3\xe2\x80");
    bytes.insert(at, byte);
}

fn delete_byte(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    if !bytes.is_empty() {
        let at = rng.below(bytes.len());
        bytes.remove(at);
    }
}

fn crlf_all(_: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    *bytes = out;
}

fn crlf_one_line(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    if let Some((_, e)) = random_line(rng, bytes) {
        if bytes[e - 1] == b'\n' && (e < 2 || bytes[e - 2] != b'\r') {
            bytes.insert(e - 1, b'\r');
        }
    }
}

fn lf_all(_: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    *bytes = out;
}

fn drop_final_newline(_: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    while bytes.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
        bytes.pop();
    }
}

fn add_bom(_: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    if !bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.splice(0..0, *b"\xef\xbb\xbf");
    }
}

fn invalid_utf8(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let bad = rng.pick(&[
        b"\xff" as &[u8],
        b"\xe9",
        b"\xc3",
        b"\xed\xa0\x80",
        b"\xf8\x88",
    ]);
    let at = rng.below(bytes.len() + 1);
    bytes.splice(at..at, bad.iter().copied());
}

fn nul_byte(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let at = rng.below(bytes.len() + 1);
    bytes.insert(at, 0);
}

fn deep_nesting(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let depth = 50 + rng.below(3000);
    let (open, close) = *rng.pick(&[("[", "]"), ("(", ")"), ("{", "}")]);
    let mut line = String::from("nested = ");
    line.push_str(&open.repeat(depth));
    if rng.chance(3, 4) {
        line.push_str(&close.repeat(depth));
    }
    line.push('\n');
    let at = line_start(rng, bytes);
    bytes.splice(at..at, line.into_bytes());
}

fn long_line(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let items = 1000 + rng.below(20_000);
    let mut line = String::from("layers = [");
    for i in 0..items {
        line.push_str(&format!("Dense({i}), "));
    }
    line.push_str("]\n");
    let at = line_start(rng, bytes);
    bytes.splice(at..at, line.into_bytes());
}

fn conflict_markers(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let size = *rng.pick(&[7usize, 7, 3, 8, 12]);
    let block = format!(
        "{} HEAD\nx = 1\n{}\nx = 2\n{} branch\n",
        "<".repeat(size),
        "=".repeat(size),
        ">".repeat(size)
    );
    let at = line_start(rng, bytes);
    bytes.splice(at..at, block.into_bytes());
}

fn lone_marker(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let marker = rng.pick(&["<<<<<<<\n", "=======\n", ">>>>>>> x\n", "||||||| base\n"]);
    let at = line_start(rng, bytes);
    bytes.splice(at..at, marker.bytes());
}

fn tabs_for_spaces(_: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let text = String::from_utf8_lossy(bytes).replace("    ", "\t");
    if std::str::from_utf8(bytes).is_ok() {
        *bytes = text.into_bytes();
    }
}

// ------------------------------------------------------------------ JSON

/// Applies `edit` to the notebook's JSON and writes it back as Jupyter does;
/// leaves bytes that are not JSON alone.
fn with_json(bytes: &mut Vec<u8>, edit: impl FnOnce(&mut Value)) {
    let Ok(mut doc) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    edit(&mut doc);
    *bytes = jupyter(&doc).into_bytes();
}

/// Every node of `doc` in a fixed order, as paths of keys and indexes.
fn paths(doc: &Value) -> Vec<Vec<PathStep>> {
    let mut out = Vec::new();
    let mut stack = vec![(doc, Vec::new())];
    while let Some((node, path)) = stack.pop() {
        match node {
            Value::Object(map) => {
                for (k, v) in map {
                    let mut p = path.clone();
                    p.push(PathStep::Key(k.clone()));
                    stack.push((v, p));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(PathStep::Index(i));
                    stack.push((v, p));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn node_mut<'a>(doc: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |node, step| match step {
        PathStep::Key(k) => node.get_mut(k.as_str()),
        PathStep::Index(i) => node.get_mut(*i),
    })
}

fn json_type(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let choice = rng.below(6);
    let pick = rng.next_u64() as usize;
    with_json(bytes, |doc| {
        let all = paths(doc);
        let path = &all[pick % all.len()];
        if let Some(node) = node_mut(doc, path) {
            *node = match choice {
                0 => Value::Null,
                1 => Value::from(4),
                2 => Value::from("4"),
                3 => Value::Array(vec![]),
                4 => Value::Object(serde_json::Map::new()),
                _ => Value::from(-1.5),
            };
        }
    });
}

/// The paths of objects, with their keys.
fn objects(doc: &Value) -> Vec<(Vec<PathStep>, Vec<String>)> {
    let all = paths(doc);
    let mut out = Vec::new();
    for path in all {
        let mut node = doc;
        for step in &path {
            node = match step {
                PathStep::Key(k) => &node[k.as_str()],
                PathStep::Index(i) => &node[*i],
            };
        }
        if let Value::Object(map) = node {
            if !map.is_empty() {
                out.push((path, map.keys().cloned().collect()));
            }
        }
    }
    out
}

fn json_drop_key(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let pick = rng.next_u64() as usize;
    let key_pick = rng.next_u64() as usize;
    with_json(bytes, |doc| {
        let objs = objects(doc);
        if objs.is_empty() {
            return;
        }
        let (path, keys) = &objs[pick % objs.len()];
        let key = &keys[key_pick % keys.len()];
        if let Some(Value::Object(map)) = node_mut(doc, path) {
            map.shift_remove(key);
        }
    });
}

fn json_rename_key(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let pick = rng.next_u64() as usize;
    let key_pick = rng.next_u64() as usize;
    let new_name = *rng.pick(&["id", "source", "outputs", "metadata", "cells", "x-key"]);
    with_json(bytes, |doc| {
        let objs = objects(doc);
        if objs.is_empty() {
            return;
        }
        let (path, keys) = &objs[pick % objs.len()];
        let key = &keys[key_pick % keys.len()];
        if let Some(Value::Object(map)) = node_mut(doc, path) {
            if let Some(v) = map.shift_remove(key) {
                map.insert(new_name.to_string(), v);
            }
        }
    });
}

/// Duplicates one `"key": scalar,` line: the same key twice in one object.
fn json_dup_key(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let spans = line_spans(bytes);
    let candidates: Vec<(usize, usize)> = spans
        .into_iter()
        .filter(|&(s, e)| {
            let line = String::from_utf8_lossy(&bytes[s..e]);
            let t = line.trim();
            t.starts_with('"')
                && t.contains("\": ")
                && t.ends_with(',')
                && !t.ends_with("[,")
                && !t.ends_with("{,")
                && !t.ends_with("[")
                && !t.ends_with("{")
        })
        .collect();
    if candidates.is_empty() {
        return;
    }
    let (s, e) = *rng.pick(&candidates);
    let mut line = bytes[s..e].to_vec();
    if rng.chance(1, 2) {
        // The duplicate with another value.
        if let Some(colon) = line.windows(3).position(|w| w == b"\": ") {
            line.truncate(colon + 3);
            line.extend_from_slice(b"\"dup\",\n");
        }
    }
    bytes.splice(e..e, line);
}

fn json_dup_cell_id(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let (a, b) = (rng.next_u64() as usize, rng.next_u64() as usize);
    with_json(bytes, |doc| {
        let Some(cells) = doc.get_mut("cells").and_then(Value::as_array_mut) else {
            return;
        };
        if cells.len() < 2 {
            return;
        }
        let (from, to) = (a % cells.len(), b % cells.len());
        let id = cells[from].get("id").cloned().unwrap_or(Value::from("dup"));
        if let Some(cell) = cells[to].as_object_mut() {
            cell.insert("id".into(), id);
        }
    });
}

fn json_swap_cells(rng: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    let a = rng.next_u64() as usize;
    with_json(bytes, |doc| {
        if let Some(cells) = doc.get_mut("cells").and_then(Value::as_array_mut) {
            if cells.len() >= 2 {
                let i = a % (cells.len() - 1);
                cells.swap(i, i + 1);
            }
        }
    });
}

fn json_edit_source(rng: &mut Rng, bytes: &mut Vec<u8>, donor: &[u8]) {
    let (a, b) = (rng.next_u64() as usize, rng.next_u64() as usize);
    let donor_lines: Vec<String> = String::from_utf8_lossy(donor)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    with_json(bytes, |doc| {
        let Some(cells) = doc.get_mut("cells").and_then(Value::as_array_mut) else {
            return;
        };
        if cells.is_empty() || donor_lines.is_empty() {
            return;
        }
        let n = cells.len();
        let cell = &mut cells[a % n];
        let line = Value::from(donor_lines[b % donor_lines.len()].clone());
        match cell.get_mut("source") {
            Some(Value::Array(lines)) => {
                let at = b % (lines.len() + 1);
                lines.insert(at, line);
            }
            Some(Value::String(s)) => s.push_str(line.as_str().unwrap_or("")),
            _ => {}
        }
    });
}

fn json_reindent(_: &mut Rng, bytes: &mut Vec<u8>, _: &[u8]) {
    if let Ok(doc) = serde_json::from_slice::<Value>(bytes) {
        if let Ok(text) = serde_json::to_string_pretty(&doc) {
            *bytes = text.into_bytes();
        }
    }
}
