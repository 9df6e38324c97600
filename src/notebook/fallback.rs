//! The conservative notebook merge: the last resort when the notebook
//! merge fails (an internal error, a panic, a limit, a result that does
//! not check out). Valid notebooks in, a valid notebook out, never git's
//! line merge of the JSON.
//!
//! It shares no code with the main reader and writer: the inputs are read
//! with `serde_json` (a repeated key keeps its last value at its first
//! place, as Python's `json` reads it) and the result is written by it.
//! Cells are aligned by a three-way merge of their (type, source); a cell
//! only one side changed is taken from it; a stretch both sides changed
//! becomes, pair by pair, one cell holding both versions of its source
//! between markers. Notebook metadata merges key by key, a key both sides
//! set differently keeps ours and is listed between markers in a raw cell
//! at the top.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value};

use crate::core::diff3::{diff3, Budget, HunkKind};
use crate::core::encoding::{decode, encode, merge_encoding, Encoding, Eol};
use crate::core::merge3::Merge3;
use crate::core::render::Markers;
use crate::decisions::{Decision, DecisionKind, Report};
use crate::settings::{MergeOptions, Prefer};

/// A conservative merge: the bytes, the conflicts drawn, the report.
pub struct Conservative {
    pub bytes: Vec<u8>,
    pub conflicts: usize,
    pub report: Report,
}

/// Merges three notebooks conservatively; `None` when an input is not a
/// notebook (not UTF-8, not JSON, no `cells` list of objects).
pub fn merge(
    versions: Merge3<&[u8]>,
    options: &MergeOptions,
    markers: &Markers,
) -> Option<Conservative> {
    let decoded = Merge3::new(
        decode(versions.base)?,
        decode(versions.ours)?,
        decode(versions.theirs)?,
    );
    let encodings = decoded.map_ref(|d| d.encoding);
    let encoding = merge_encoding(&encodings).unwrap_or(Encoding {
        bom: encodings.ours.bom,
        eol: if encodings.ours.eol == Eol::Crlf {
            Eol::Crlf
        } else {
            Eol::Lf
        },
    });
    let docs = Merge3::new(
        read(&decoded.base.text)?,
        read(&decoded.ours.text)?,
        read(&decoded.theirs.text)?,
    );
    let mut state = State {
        markers: cell_markers(options, markers, &docs),
        conflicts: 0,
        clashes: Vec::new(),
    };
    let cells = state.merge_cells(&docs);
    let mut root = state.merge_metadata(&docs);
    let minor = root
        .get("nbformat_minor")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let mut cells = with_ids(cells, minor);
    if !state.clashes.is_empty() {
        cells.insert(0, state.clash_cell(minor));
    }
    root.insert("cells".into(), Value::Array(cells));
    let root = order_like(root, &docs.ours);
    let text = write(&Value::Object(root), &decoded.ours.text);
    let mut report = Report::default();
    report.push(Decision::new(
        DecisionKind::NotebookFallback,
        "whole file",
        "the cell-by-cell merge failed; cells merged conservatively (a cell both sides changed holds both versions between markers)",
    ));
    Some(Conservative {
        bytes: encode(text, encoding),
        conflicts: state.conflicts,
        report,
    })
}

/// A notebook's JSON object, when it has a `cells` list of objects.
fn read(text: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(root) => {
            let cells = root.get("cells")?.as_array()?;
            cells.iter().all(Value::is_object).then_some(root)
        }
        _ => None,
    }
}

fn cells(doc: &Map<String, Value>) -> &[Value] {
    doc.get("cells")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A cell's source as one text (a list of lines joined).
fn source(cell: &Value) -> String {
    match cell.get("source") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// What aligns cells: their type and source.
fn key(cell: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    cell.get("cell_type").and_then(Value::as_str).hash(&mut h);
    source(cell).hash(&mut h);
    h.finish()
}

/// The markers for conflicts inside cells: longer than any marker-like
/// line in the sources.
fn cell_markers(
    options: &MergeOptions,
    markers: &Markers,
    docs: &Merge3<Map<String, Value>>,
) -> Markers {
    let sources: Vec<String> = [&docs.base, &docs.ours, &docs.theirs]
        .iter()
        .flat_map(|d| cells(d).iter().map(source))
        .collect();
    let options = MergeOptions {
        marker_size: markers.size,
        style: markers.style,
        labels: markers.labels.clone(),
        ..options.clone()
    };
    let inputs: Vec<&[u8]> = sources.iter().map(|s| s.as_bytes()).collect();
    Markers::for_inputs(&options, &inputs)
}

struct State {
    markers: Markers,
    conflicts: usize,
    /// Notebook keys both sides set differently: path and compact values.
    clashes: Vec<(String, Merge3<Option<String>>)>,
}

impl State {
    fn merge_cells(&mut self, docs: &Merge3<Map<String, Value>>) -> Vec<Value> {
        let all = Merge3::new(cells(&docs.base), cells(&docs.ours), cells(&docs.theirs));
        let keys = all.map_ref(|c| c.iter().map(key).collect::<Vec<_>>());
        let mut out = Vec::new();
        let (mut b, mut o, mut t) = (0, 0, 0);
        // Every cell list is aligned, however long: past the exact size the
        // diffs run within a work budget, which only makes the merge coarser.
        let budget = Budget {
            max_len: usize::MAX,
            ..Budget::default()
        };
        let hunks = diff3(&keys.base, &keys.ours, &keys.theirs, budget).unwrap_or_default();
        for hunk in hunks {
            let (nb, no, nt) = (hunk.base.len(), hunk.ours.len(), hunk.theirs.len());
            let base = &all.base[b..b + nb];
            let ours = &all.ours[o..o + no];
            let theirs = &all.theirs[t..t + nt];
            match hunk.kind {
                HunkKind::Stable => {
                    for ((b, o), t) in base.iter().zip(ours).zip(theirs) {
                        out.push(if o == b { t.clone() } else { o.clone() });
                    }
                }
                HunkKind::Ours | HunkKind::Both => out.extend(ours.iter().cloned()),
                HunkKind::Theirs => out.extend(theirs.iter().cloned()),
                HunkKind::Conflict => self.conflicting(base, ours, theirs, &mut out),
            }
            (b, o, t) = (b + nb, o + no, t + nt);
        }
        out
    }

    /// A stretch both sides changed: pair by pair, one cell with both
    /// sources between markers. Cells past the shorter side's that no base
    /// cell can account for are that side's insertions, kept as they are.
    fn conflicting(
        &mut self,
        base: &[Value],
        ours: &[Value],
        theirs: &[Value],
        out: &mut Vec<Value>,
    ) {
        let paired = ours.len().min(theirs.len());
        for i in 0..ours.len().max(theirs.len()) {
            let (b, o, t) = (base.get(i), ours.get(i), theirs.get(i));
            let Some(shell) = o.or(t) else { continue };
            if i >= paired && base.len() <= paired {
                out.push(shell.clone());
                continue;
            }
            let texts = Merge3::new(b, o, t).map(|c| c.map(source).unwrap_or_default());
            if o.is_some() && texts.ours == texts.theirs {
                out.push(shell.clone());
                continue;
            }
            let text = match self.markers.prefer {
                Some(Prefer::Ours) if o.is_some() => texts.ours,
                Some(Prefer::Theirs) if t.is_some() => texts.theirs,
                _ => {
                    self.conflicts += 1;
                    self.drawn(&texts)
                }
            };
            let mut cell = shell.clone();
            if let Some(fields) = cell.as_object_mut() {
                fields.insert("source".into(), source_value(&text));
                if fields.get("cell_type").and_then(Value::as_str) == Some("code") {
                    fields.insert("outputs".into(), Value::Array(Vec::new()));
                    fields.insert("execution_count".into(), Value::Null);
                }
            }
            out.push(cell);
        }
    }

    /// Both versions between git-style markers.
    fn drawn(&self, texts: &Merge3<String>) -> String {
        let m = &self.markers;
        let line = |ch: char, label: &str| {
            let run: String = std::iter::repeat_n(ch, m.size).collect();
            if label.is_empty() {
                format!("{run}\n")
            } else {
                format!("{run} {label}\n")
            }
        };
        let section = |text: &str| {
            if text.is_empty() || text.ends_with('\n') {
                text.to_string()
            } else {
                format!("{text}\n")
            }
        };
        let mut out = line('<', &m.labels.ours) + &section(&texts.ours);
        if m.style.shows_base() {
            out += &(line('|', &m.labels.base) + &section(&texts.base));
        }
        out += &(line('=', "") + &section(&texts.theirs) + &line('>', &m.labels.theirs));
        out
    }

    /// Every key but `cells`, key by key.
    fn merge_metadata(&mut self, docs: &Merge3<Map<String, Value>>) -> Map<String, Value> {
        let mut out = Map::new();
        let keys = docs
            .ours
            .keys()
            .chain(docs.theirs.keys().filter(|k| !docs.ours.contains_key(*k)));
        for name in keys {
            if name == "cells" {
                continue;
            }
            let v = Merge3::new(
                docs.base.get(name),
                docs.ours.get(name),
                docs.theirs.get(name),
            );
            let merged = if name == "nbformat_minor" {
                let minor = |x: Option<&Value>| x.and_then(Value::as_u64);
                let m = v.map_ref(|x| minor(*x));
                match (m.ours, m.theirs) {
                    (Some(a), Some(b)) => Some(Value::from(a.max(b))),
                    _ => v.ours.or(v.theirs).cloned(),
                }
            } else {
                self.merge_value(name, v)
            };
            if let Some(value) = merged {
                out.insert(name.clone(), value);
            }
        }
        out
    }

    fn merge_value(&mut self, path: &str, v: Merge3<Option<&Value>>) -> Option<Value> {
        if v.ours == v.base {
            return v.theirs.cloned();
        }
        if v.theirs == v.base || v.ours == v.theirs {
            return v.ours.cloned();
        }
        if let (Some(Value::Object(o)), Some(Value::Object(t))) = (v.ours, v.theirs) {
            let base = match v.base {
                Some(Value::Object(b)) => Some(b),
                None => None,
                Some(_) => return self.clash(path, v),
            };
            let mut out = Map::new();
            for name in o.keys().chain(t.keys().filter(|k| !o.contains_key(*k))) {
                let sub = Merge3::new(base.and_then(|b| b.get(name)), o.get(name), t.get(name));
                if let Some(value) = self.merge_value(&format!("{path}.{name}"), sub) {
                    out.insert(name.clone(), value);
                }
            }
            return Some(Value::Object(out));
        }
        self.clash(path, v)
    }

    fn clash(&mut self, path: &str, v: Merge3<Option<&Value>>) -> Option<Value> {
        match self.markers.prefer {
            Some(Prefer::Theirs) => return v.theirs.cloned(),
            Some(Prefer::Ours) => return v.ours.cloned(),
            None => {}
        }
        let compact = |x: Option<&Value>| x.map(|x| x.to_string());
        self.clashes
            .push((path.to_string(), v.map_ref(|x| compact(*x))));
        v.ours.or(v.theirs).cloned()
    }

    /// A raw cell at the top listing the notebook keys in conflict.
    fn clash_cell(&mut self, minor: u64) -> Value {
        let mut text = String::from(
            "mlmerge: both sides set these notebook keys to different values.\n\
             The notebook keeps ours' value (or the changed one, where the other side deleted the key).\n\
             Choose, edit the metadata to match, then delete this cell.\n",
        );
        let clashes = std::mem::take(&mut self.clashes);
        for (path, values) in &clashes {
            let line = |v: &Option<String>| match v {
                Some(v) => format!("{path} = {v}\n"),
                None => format!("{path} (absent)\n"),
            };
            text.push('\n');
            text += &self.drawn(&values.map_ref(line));
            self.conflicts += 1;
        }
        let mut cell = Map::new();
        cell.insert("cell_type".into(), Value::from("raw"));
        if minor >= 5 {
            cell.insert("id".into(), Value::from("mlmerge-conflicts"));
        }
        let mut metadata = Map::new();
        metadata.insert("mlmerge".into(), Value::from("conflicts"));
        cell.insert("metadata".into(), Value::Object(metadata));
        cell.insert("source".into(), source_value(&text));
        Value::Object(cell)
    }
}

/// A source as Jupyter writes it: a list of lines.
fn source_value(text: &str) -> Value {
    Value::Array(
        text.split_inclusive('\n')
            .map(|l| Value::from(l.to_string()))
            .collect(),
    )
}

/// Cell ids as nbformat wants them: from 4.5 unique and on every cell,
/// below 4.5 none.
fn with_ids(cells: Vec<Value>, minor: u64) -> Vec<Value> {
    let mut seen = HashSet::new();
    let mut taken: HashSet<String> = cells
        .iter()
        .filter_map(|c| c.get("id").and_then(Value::as_str).map(str::to_string))
        .collect();
    taken.insert("mlmerge-conflicts".into());
    cells
        .into_iter()
        .enumerate()
        .map(|(at, mut cell)| {
            let Some(fields) = cell.as_object_mut() else {
                return cell;
            };
            if minor < 5 {
                fields.remove("id");
                return cell;
            }
            let id = fields.get("id").and_then(Value::as_str).map(str::to_string);
            let valid = id
                .as_ref()
                .is_some_and(|id| valid_id(id) && seen.insert(id.clone()));
            if !valid {
                let new = (0..)
                    .map(|n| format!("mlmerge-{at}-{n}"))
                    .find(|c| !taken.contains(c))
                    .unwrap_or_default();
                taken.insert(new.clone());
                seen.insert(new.clone());
                fields.insert("id".into(), Value::from(new));
            }
            cell
        })
        .collect()
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The merged document with its keys in ours' order (`cells` first when
/// ours has no order to follow).
fn order_like(mut root: Map<String, Value>, ours: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for name in ours.keys() {
        if let Some(value) = root.remove(name) {
            out.insert(name.clone(), value);
        }
    }
    out.extend(root);
    out
}

/// Pretty JSON as Jupyter writes it (`json.dumps(indent=N)`), with ours'
/// indentation (one space when it cannot be read) and trailing newline.
fn write(root: &Value, ours: &str) -> String {
    let width = ours
        .lines()
        .nth(1)
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|&n| n > 0)
        .unwrap_or(1);
    let mut out = String::with_capacity(ours.len() + 1024);
    pretty(root, &" ".repeat(width), 0, &mut out);
    if ours.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn pretty(value: &Value, indent: &str, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            out.push('{');
            for (i, (name, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&Value::from(name.as_str()).to_string());
                out.push_str(": ");
                pretty(item, indent, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                pretty(item, indent, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
