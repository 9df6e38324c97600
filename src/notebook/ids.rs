//! Cell ids: whether they name the cells across the three versions (a
//! side that re-saved the notebook with new random ids is matched by
//! content), and in the merged notebook unique, deterministic new ids
//! where nbformat 4.5 needs them (a cell without one, or a repeated one),
//! none below 4.5.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use super::cell::MergedCell;
use super::json::Node;
use super::model::{Cell, Notebook};
use super::values::Ctx;
use super::write::Out;
use crate::core::merge3::Merge3;
use crate::decisions::{Decision, DecisionKind};

/// Whether cells are matched by id: every cell of the three versions has
/// a unique id, and each side kept the base's ids on at least half of the
/// cells it could have kept (the fewer of the base's and the side's
/// cells). A side that re-saved the notebook with new random ids (Jupyter
/// upgrading to nbformat 4.5, SageMaker, Colab) keeps none: its cells are
/// matched by content, so no cell is taken for deleted and inserted again.
pub(super) fn ids_name_cells(nbs: &Merge3<Notebook>) -> bool {
    if !(nbs.base.has_unique_ids() && nbs.ours.has_unique_ids() && nbs.theirs.has_unique_ids()) {
        return false;
    }
    let cells = Merge3::new(
        nbs.base.cells.as_slice(),
        nbs.ours.cells.as_slice(),
        nbs.theirs.cells.as_slice(),
    );
    let base_ids: HashSet<&str> = cells.base.iter().filter_map(|c| c.id.as_deref()).collect();
    let kept_ids = |side: &[Cell]| {
        let kept = side
            .iter()
            .filter(|c| c.id.as_deref().is_some_and(|id| base_ids.contains(id)))
            .count();
        kept * 2 >= cells.base.len().min(side.len())
    };
    kept_ids(cells.ours) && kept_ids(cells.theirs)
}

/// nbformat 4.5 requires unique cell ids: cells that came without one, or
/// with one an earlier cell already has, get a deterministic new one.
/// Below 4.5 ids are not allowed, and none are written.
pub(super) fn fix_ids<'a>(
    ctx: &mut Ctx,
    cells: Vec<MergedCell<'a>>,
    minor: u64,
) -> Vec<MergedCell<'a>> {
    if minor < 5 {
        return cells
            .into_iter()
            .map(|c| if c.has_id { without_id(c) } else { c })
            .collect();
    }
    let mut taken: HashSet<String> = cells.iter().filter_map(|c| cell_id(&c.out)).collect();
    let mut seen = HashSet::new();
    let mut fixed = Vec::with_capacity(cells.len());
    for (at, cell) in cells.into_iter().enumerate() {
        match cell_id(&cell.out) {
            Some(id) if seen.insert(id.clone()) => fixed.push(cell),
            old => {
                let id = new_id(&cell.source, at, &taken);
                if let Some(old) = old {
                    ctx.report.push(Decision::new(
                        DecisionKind::FormattingKept,
                        format!("cell {}", at + 1),
                        format!("id `{old}` was already taken by an earlier cell; renamed `{id}`"),
                    ));
                }
                taken.insert(id.clone());
                seen.insert(id.clone());
                fixed.push(with_id(without_id(cell), id));
            }
        }
    }
    fixed
}

/// A merged cell's id, if it has one.
pub(super) fn cell_id(out: &Out) -> Option<String> {
    match out {
        Out::Object(fields) => fields
            .iter()
            .find(|(k, _)| k == "id")
            .and_then(|(_, v)| id_text(v)),
        Out::Raw { node, .. } => node.get("id")?.as_str().map(|s| s.text().into_owned()),
        _ => None,
    }
}

fn id_text(out: &Out) -> Option<String> {
    match out {
        Out::Raw { node, .. } => node.as_str().map(|s| s.text().into_owned()),
        Out::Text(text) => Some(text.clone()),
        _ => None,
    }
}

/// An id made from the cell's source and place: the same merge gives the
/// same ids.
pub(super) fn new_id(source: &str, at: usize, taken: &HashSet<String>) -> String {
    (0u32..)
        .map(|salt| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (source, at, salt).hash(&mut h);
            format!("{:08x}", h.finish() as u32)
        })
        .find(|id| !taken.contains(id))
        .unwrap_or_default()
}

/// A cell's fields as an editable list.
fn fields_of(out: Out) -> Vec<(Cow<str>, Out)> {
    match out {
        Out::Object(fields) => fields,
        Out::Raw {
            node,
            verbatim,
            like,
        } => {
            let fields = node.as_object().unwrap_or(&[]);
            let mut out: Vec<(Cow<str>, Out)> = fields
                .iter()
                .map(|(k, v)| {
                    let like = like.and_then(|l| l.get(&k.text()));
                    (
                        Cow::Borrowed(k.raw),
                        Out::Raw {
                            node: v,
                            verbatim,
                            like,
                        },
                    )
                })
                .collect();
            if let Some(like) = like.and_then(Node::as_object) {
                let rank = |key: &str| {
                    like.iter()
                        .position(|(k, _)| k.raw == key)
                        .unwrap_or(usize::MAX)
                };
                out.sort_by_key(|(k, _)| rank(k));
            }
            out
        }
        _ => Vec::new(),
    }
}

fn with_id(cell: MergedCell, id: String) -> MergedCell {
    let mut fields = fields_of(cell.out);
    // Jupyter sorts keys: `id` goes before the first key after it.
    let at = fields
        .iter()
        .position(|(k, _)| k.as_ref() > "id")
        .unwrap_or(fields.len());
    fields.insert(at, (Cow::Borrowed("id"), Out::Text(id)));
    MergedCell {
        out: Out::Object(fields),
        has_id: true,
        source: cell.source,
    }
}

fn without_id(cell: MergedCell) -> MergedCell {
    let mut fields = fields_of(cell.out);
    fields.retain(|(k, _)| k != "id");
    MergedCell {
        out: Out::Object(fields),
        has_id: false,
        source: cell.source,
    }
}

/// Whether a notebook's cells repeat an id: no valid nbformat 4.5
/// notebook, and a cell written twice (git's clean line merge writes a
/// cell both sides moved to different places twice, id and all). `false`
/// where the bytes are no notebook.
pub fn repeats_an_id(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let Ok(root) = super::json::parse(crate::core::encoding::strip_bom(text)) else {
        return false;
    };
    let cells = root
        .as_object()
        .and_then(|fields| super::json::field(fields, "cells"))
        .and_then(Node::as_array)
        .unwrap_or(&[]);
    let mut seen = HashSet::with_capacity(cells.len());
    cells
        .iter()
        .filter_map(|cell| {
            cell.as_object()
                .and_then(|fields| super::json::field(fields, "id"))
        })
        .filter_map(Node::as_str)
        .any(|id| !seen.insert(id.text()))
}
