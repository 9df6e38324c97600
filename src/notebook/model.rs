//! The nbformat 4 view of a parsed notebook: its structure checked (the
//! keys and types Jupyter requires of the document, each cell and each
//! output) and each cell's type, id and source text at hand.

use super::json::{field, JsonStr, Node, Value};
use super::write::{has_non_ascii_escape, Format};

/// The nbformat minor versions this merge knows (4.0 to 4.5).
const KNOWN_MINORS: std::ops::RangeInclusive<u64> = 0..=5;

/// A notebook read from one input.
pub struct Notebook<'a> {
    pub root: &'a Node<'a>,
    pub fields: &'a [(JsonStr<'a>, Node<'a>)],
    pub cells: Vec<Cell<'a>>,
    pub minor: u64,
    pub format: Format,
    /// Valid nbformat 4, not only readable ([`Check`]).
    pub valid: bool,
}

/// How a cell's `source` is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceForm {
    /// A list of lines, each ending in `\n` but the last.
    Lines,
    /// One string.
    Text,
}

/// One cell of a notebook.
pub struct Cell<'a> {
    pub node: &'a Node<'a>,
    pub fields: &'a [(JsonStr<'a>, Node<'a>)],
    pub cell_type: String,
    pub id: Option<String>,
    /// The source's text, its lines joined.
    pub source: String,
    pub form: SourceForm,
}

impl<'a> Cell<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node<'a>> {
        field(self.fields, key)
    }

    /// A short name for reports: position (0-based in, 1-based out), type,
    /// id and first line.
    pub fn describe(&self, position: usize) -> String {
        let position = position + 1;
        let first = self
            .source
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let first: String = first.trim().chars().take(40).collect();
        match &self.id {
            Some(id) => format!("cell {position} ({}, id {id}) `{first}`", self.cell_type),
            None => format!("cell {position} ({}) `{first}`", self.cell_type),
        }
    }
}

impl<'a> Notebook<'a> {
    /// Reads the nbformat 4 structure of `root`, parsed from `text`.
    pub fn read(text: &str, root: &'a Node<'a>) -> Result<Self, NotebookShapeError> {
        check_notebook(root, Check::Readable)?;
        let valid = check_notebook(root, Check::Valid).is_ok();
        let fields = root.as_object().unwrap_or(&[]);
        let minor = field(fields, "nbformat_minor")
            .and_then(Node::as_u64)
            .unwrap_or(0);
        let cells = field(fields, "cells")
            .and_then(Node::as_array)
            .unwrap_or(&[]);
        let cells: Vec<Cell> = cells.iter().map(read_cell).collect();
        let mut format = Format::detect(text, root);
        // Written with `ensure_ascii=True`: sources escape non-ASCII text.
        let sources = || cells.iter().filter_map(|c| c.get("source")).map(|s| s.raw);
        format.ascii = sources().all(str::is_ascii) && sources().any(has_non_ascii_escape);
        Ok(Notebook {
            root,
            fields,
            cells,
            minor,
            format,
            valid,
        })
    }

    /// Whether every cell has an id and no two share one.
    pub fn has_unique_ids(&self) -> bool {
        let mut seen = std::collections::HashSet::with_capacity(self.cells.len());
        self.cells
            .iter()
            .all(|c| c.id.as_ref().is_some_and(|id| seen.insert(id.as_str())))
    }
}

fn read_cell<'a>(node: &'a Node<'a>) -> Cell<'a> {
    let fields = node.as_object().unwrap_or(&[]);
    let text_of = |key| {
        field(fields, key)
            .and_then(Node::as_str)
            .map(|s| s.text().into_owned())
    };
    let (source, form) = source_text(field(fields, "source"));
    Cell {
        node,
        fields,
        cell_type: text_of("cell_type").unwrap_or_default(),
        id: text_of("id"),
        source,
        form,
    }
}

/// A `source` value's text and form.
pub fn source_text(node: Option<&Node>) -> (String, SourceForm) {
    match node.map(|n| &n.value) {
        Some(Value::Array(lines)) => {
            // One string, each line decoded straight into it.
            let strings = || lines.iter().filter_map(Node::as_str);
            let mut text = String::with_capacity(strings().map(|s| s.raw.len()).sum());
            strings().for_each(|s| s.push_text(&mut text));
            (text, SourceForm::Lines)
        }
        Some(Value::Str(s)) => (s.text().into_owned(), SourceForm::Text),
        _ => (String::new(), SourceForm::Lines),
    }
}

/// How closely a notebook must follow nbformat 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// What Jupyter and nbformat's reader open (they warn about the rest):
    /// a JSON object with `nbformat` 4, minor 0–5 (or absent), `cells` a
    /// list of objects of a known `cell_type` whose `source` (if present)
    /// is a string or a list of strings. Missing `metadata`,
    /// `execution_count` or `outputs` and unknown keys are fine.
    Readable,
    /// Valid nbformat 4: required keys and their types for the document,
    /// every cell and every output.
    Valid,
}

/// What is wrong with a notebook's nbformat 4 structure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotebookShapeError {
    /// The document is not a JSON object.
    NotAnObject,
    /// `nbformat` is not 4.
    NotNbformat4,
    /// `nbformat_minor` is not one this merge knows (or, when it must be
    /// there, missing).
    UnknownMinor,
    /// `cells` is missing or not a list.
    CellsNotAList,
    /// Cell `.0` (0-based) is wrong in the way `.1` says.
    Cell(usize, Box<NotebookShapeError>),
    /// A cell is not an object.
    CellNotAnObject,
    /// A required key is missing.
    Missing(&'static str),
    /// A key has the wrong type.
    WrongType(&'static str),
    /// A cell's `cell_type` is not `code`, `markdown` or `raw`.
    UnknownCellType,
    /// A code cell's `outputs` is missing or not a list.
    OutputsNotAList,
    /// A markdown or raw cell's `attachments` is not an object.
    AttachmentsNotAnObject,
    /// An output is not an object.
    OutputNotAnObject,
    /// An output has no `output_type`.
    NoOutputType,
    /// An output's `output_type` is not one nbformat 4 knows.
    UnknownOutputType(String),
}

impl std::fmt::Display for NotebookShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAnObject => f.write_str("the notebook is not a JSON object"),
            Self::NotNbformat4 => f.write_str("not an nbformat 4 notebook"),
            Self::UnknownMinor => f.write_str("unknown nbformat minor version"),
            Self::CellsNotAList => f.write_str("`cells` is not a list"),
            Self::Cell(i, e) => write!(f, "cell {i}: {e}"),
            Self::CellNotAnObject => f.write_str("not an object"),
            Self::Missing(key) => write!(f, "`{key}` is missing"),
            Self::WrongType(key) => write!(f, "`{key}` has the wrong type"),
            Self::UnknownCellType => f.write_str("unknown `cell_type`"),
            Self::OutputsNotAList => f.write_str("`outputs` is not a list"),
            Self::AttachmentsNotAnObject => f.write_str("`attachments` is not an object"),
            Self::OutputNotAnObject => f.write_str("an output is not an object"),
            Self::NoOutputType => f.write_str("an output has no `output_type`"),
            Self::UnknownOutputType(kind) => write!(f, "unknown output type `{kind}`"),
        }
    }
}

impl std::error::Error for NotebookShapeError {}

use NotebookShapeError as E;

/// Checks the nbformat 4 structure at the level `check` asks.
pub fn check_notebook(root: &Node, check: Check) -> Result<(), NotebookShapeError> {
    let fields = root.as_object().ok_or(E::NotAnObject)?;
    let major = field(fields, "nbformat").and_then(Node::as_u64);
    if major != Some(4) {
        return Err(E::NotNbformat4);
    }
    let minor = field(fields, "nbformat_minor");
    let minor_known = minor
        .and_then(Node::as_u64)
        .is_some_and(|m| KNOWN_MINORS.contains(&m));
    if !minor_known && (check == Check::Valid || minor.is_some()) {
        return Err(E::UnknownMinor);
    }
    if check == Check::Valid {
        require(fields, "metadata", is_object)?;
    } else {
        optional(fields, "metadata", is_object)?;
    }
    let cells = field(fields, "cells")
        .and_then(Node::as_array)
        .ok_or(E::CellsNotAList)?;
    cells.iter().enumerate().try_for_each(|(i, cell)| {
        let checked = match check {
            Check::Valid => check_cell(cell),
            Check::Readable => check_readable_cell(cell),
        };
        checked.map_err(|e| E::Cell(i, Box::new(e)))
    })
}

/// A cell the merge can read: an object of a known type with a readable
/// source (or none).
fn check_readable_cell(cell: &Node) -> Result<(), NotebookShapeError> {
    let fields = cell.as_object().ok_or(E::CellNotAnObject)?;
    let cell_type = field(fields, "cell_type")
        .and_then(Node::as_str)
        .ok_or(E::Missing("cell_type"))?;
    if !(cell_type.is("code") || cell_type.is("markdown") || cell_type.is("raw")) {
        return Err(E::UnknownCellType);
    }
    optional(fields, "source", is_multiline)?;
    optional(fields, "id", is_string)
}

fn optional(
    fields: &[(JsonStr, Node)],
    key: &'static str,
    check: fn(&Node) -> bool,
) -> Result<(), NotebookShapeError> {
    match field(fields, key) {
        Some(value) if !check(value) => Err(E::WrongType(key)),
        _ => Ok(()),
    }
}

fn is_object(node: &Node) -> bool {
    node.as_object().is_some()
}

fn is_array(node: &Node) -> bool {
    node.as_array().is_some()
}

fn is_string(node: &Node) -> bool {
    node.as_str().is_some()
}

/// A string, or a list of strings (nbformat's "multiline string").
fn is_multiline(node: &Node) -> bool {
    is_string(node)
        || node
            .as_array()
            .is_some_and(|items| items.iter().all(is_string))
}

fn is_count(node: &Node) -> bool {
    node.is_null() || node.as_u64().is_some()
}

fn require(
    fields: &[(JsonStr, Node)],
    key: &'static str,
    check: fn(&Node) -> bool,
) -> Result<(), NotebookShapeError> {
    match field(fields, key) {
        Some(value) if check(value) => Ok(()),
        Some(_) => Err(E::WrongType(key)),
        None => Err(E::Missing(key)),
    }
}

fn check_cell(cell: &Node) -> Result<(), NotebookShapeError> {
    let fields = cell.as_object().ok_or(E::CellNotAnObject)?;
    require(fields, "metadata", is_object)?;
    require(fields, "source", is_multiline)?;
    if field(fields, "id").is_some() {
        require(fields, "id", is_string)?;
    }
    let cell_type = field(fields, "cell_type")
        .and_then(Node::as_str)
        .ok_or(E::Missing("cell_type"))?;
    if cell_type.is("code") {
        require(fields, "execution_count", is_count)?;
        let outputs = field(fields, "outputs")
            .and_then(Node::as_array)
            .ok_or(E::OutputsNotAList)?;
        outputs.iter().try_for_each(check_output)
    } else if cell_type.is("markdown") || cell_type.is("raw") {
        match field(fields, "attachments") {
            Some(a) if !is_object(a) => Err(E::AttachmentsNotAnObject),
            _ => Ok(()),
        }
    } else {
        Err(E::UnknownCellType)
    }
}

fn check_output(output: &Node) -> Result<(), NotebookShapeError> {
    let fields = output.as_object().ok_or(E::OutputNotAnObject)?;
    let kind = field(fields, "output_type")
        .and_then(Node::as_str)
        .ok_or(E::NoOutputType)?;
    let kind = kind.text();
    match kind.as_ref() {
        "stream" => {
            require(fields, "name", is_string)?;
            require(fields, "text", is_multiline)
        }
        "display_data" | "execute_result" => {
            require(fields, "data", is_object)?;
            require(fields, "metadata", is_object)?;
            if kind == "execute_result" {
                require(fields, "execution_count", is_count)?;
            }
            Ok(())
        }
        "error" => {
            require(fields, "ename", is_string)?;
            require(fields, "evalue", is_string)?;
            require(fields, "traceback", is_array)
        }
        other => Err(E::UnknownOutputType(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;

    const MINIMAL: &str = r#"{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["a\n", "b"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}"#;

    #[test]
    fn reads_cells() {
        let root = parse(MINIMAL).unwrap();
        let nb = Notebook::read(MINIMAL, &root).unwrap();
        assert_eq!(nb.cells.len(), 1);
        assert_eq!(nb.cells[0].source, "a\nb");
        assert_eq!(nb.cells[0].form, SourceForm::Lines);
        assert!(!nb.has_unique_ids());
    }

    #[test]
    fn refuses_broken_structure() {
        for (from, to) in [
            ("\"cells\": [", "\"cells\": {\"x\": ["),
            ("\"outputs\": []", "\"outputs\": {}"),
            ("\"nbformat\": 4", "\"nbformat\": 3"),
            ("\"execution_count\": null, ", ""),
            ("\"code\"", "\"python\""),
        ] {
            let text = MINIMAL.replacen(from, to, 1).replace(
                "}], \"metadata\"",
                if from.contains("cells") {
                    "}]}, \"metadata\""
                } else {
                    "}], \"metadata\""
                },
            );
            let root = parse(&text).unwrap();
            assert!(check_notebook(&root, Check::Valid).is_err(), "{text}");
        }
    }
}
