//! The merged cell list passes the independent change-preservation check
//! ([`crate::verify`], issue 8): cells keyed by id when every version has
//! unique ids, else by cell type, with their type and source as content.
//! A cell one side deleted while the other moved it, which the cell merge
//! settled silently, is put back where the moving side has it, with its
//! source between markers (the deleting side's section empty); any other
//! rejection is written in the conflicts cell at the top. Either way the
//! notebook stays valid and the merge exits 1.

use crate::core::merge3::{Merge3, Side};
use crate::decisions::{Decision, DecisionKind};
use crate::notebook::model::Cell;
use crate::notebook::values::{Clash, Ctx};
use crate::verify::{check_with, Element, Options, ResultElement, Verdict};

/// One merged cell: which side cells it stands for, and whether its source
/// holds a conflict.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The merged source.
    pub source: String,
    pub base: Option<usize>,
    pub ours: Option<usize>,
    pub theirs: Option<usize>,
    pub conflicted: bool,
}

fn element(cell: &Cell, by_id: bool) -> Element {
    Element::new(key(cell, by_id), content(cell, &cell.source))
}

fn key(cell: &Cell, by_id: bool) -> String {
    match (&cell.id, by_id) {
        (Some(id), true) => format!("id {id}"),
        _ => cell.cell_type.clone(),
    }
}

/// A cell's content for the check: its type, then `source` (sized once:
/// `format!` regrows its buffer, copying the source each time).
fn content(cell: &Cell, source: &str) -> String {
    let mut content = String::with_capacity(cell.cell_type.len() + 1 + source.len());
    content.push_str(&cell.cell_type);
    content.push('\n');
    content.push_str(source);
    content
}

/// Work units the check may spend per cell: the default per element,
/// plus [`UNITS_PER_SOURCE_BYTE`] for each byte of the cells' contents,
/// spread over the cells. The check compares cell contents (a pair costs
/// an eighth of their bytes), so a notebook of long cells (base64 images in
/// markdown, whole scripts) needs work in proportion to its text, not to
/// its number of cells; the total stays linear in the input.
fn budget_per_cell(sides: [&[Element]; 3], result: &[ResultElement]) -> u64 {
    let default = Options::default().budget_per_element;
    let bytes: usize = sides
        .iter()
        .flat_map(|side| side.iter())
        .chain(result.iter().map(|r| &r.element))
        .map(|e| e.content.len())
        .sum();
    let cells = sides.iter().map(|s| s.len()).sum::<usize>() + result.len();
    default
        .saturating_add((bytes as u64).saturating_mul(UNITS_PER_SOURCE_BYTE) / cells.max(1) as u64)
}

/// Work units per byte of cell content (see [`budget_per_cell`]).
const UNITS_PER_SOURCE_BYTE: u64 = 4;

/// What the check found: base cells to put back (the side that moved
/// them, and that side's cell), or `None` when the list is accepted.
pub struct Rejection {
    pub restore: Vec<(usize, Side, usize)>,
    pub reason: String,
}

/// Checks the merged cell list.
pub fn check_cells(
    cells: Merge3<&[Cell]>,
    matched: (&[Option<usize>], &[Option<usize>]),
    by_id: bool,
    placed: &[Placed],
) -> Option<Rejection> {
    let elements = |cs: &[Cell]| cs.iter().map(|c| element(c, by_id)).collect::<Vec<_>>();
    let mut result: Vec<ResultElement> = Vec::with_capacity(placed.len());
    for p in placed {
        let versions = [
            p.ours.map(|i| &cells.ours[i]),
            p.theirs.map(|j| &cells.theirs[j]),
        ];
        if p.conflicted && versions.iter().any(Option::is_some) {
            // A cell with markers holds each side's version of it.
            result.extend(
                versions
                    .into_iter()
                    .flatten()
                    .map(|cell| ResultElement::conflicted(element(cell, by_id))),
            );
            continue;
        }
        let Some(cell) = versions[0]
            .or(versions[1])
            .or_else(|| p.base.map(|b| &cells.base[b]))
        else {
            continue;
        };
        result.push(ResultElement {
            element: Element::new(key(cell, by_id), content(cell, &p.source)),
            in_conflict: p.conflicted,
        });
    }
    let (base, ours, theirs) = (
        elements(cells.base),
        elements(cells.ours),
        elements(cells.theirs),
    );
    let options = Options {
        moves_by_key: by_id,
        moves_by_likeness: !by_id,
        moved_edits_merge: true,
        budget_per_element: budget_per_cell([&base, &ours, &theirs], &result),
        ..Options::default()
    };
    let verdict = check_with(&base, &ours, &theirs, &result, options);
    if verdict == Verdict::Ok {
        return None;
    }
    let reason = verdict.reason().unwrap_or_default();
    let flagged: Vec<String> = match &verdict {
        Verdict::Violations(v) => v.iter().map(|x| x.element.content.clone()).collect(),
        _ => Vec::new(),
    };
    let (of_ours, of_theirs) = matched;
    let mut restore = Vec::new();
    for b in 0..cells.base.len() {
        let kept = match (
            of_ours.get(b).copied().flatten(),
            of_theirs.get(b).copied().flatten(),
        ) {
            (None, Some(j)) => (Side::Theirs, j),
            (Some(i), None) => (Side::Ours, i),
            _ => continue,
        };
        let cell = if kept.0 == Side::Ours {
            &cells.ours[kept.1]
        } else {
            &cells.theirs[kept.1]
        };
        let in_result = placed.iter().any(|p| match kept.0 {
            Side::Ours => p.ours == Some(kept.1),
            _ => p.theirs == Some(kept.1),
        });
        if !in_result && flagged.contains(&element(cell, by_id).content) {
            restore.push((b, kept.0, kept.1));
        }
    }
    Some(Rejection { restore, reason })
}

/// Records a rejection the cells could not show: in the conflicts cell
/// at the top of the notebook and in the report.
pub fn record(ctx: &mut Ctx, reason: &str) {
    ctx.clashes.push(Clash {
        path: "cells".into(),
        values: Merge3::new(
            None,
            Some("\"ours' cells\"".into()),
            Some(format!("\"theirs' cells: {}\"", reason.replace('"', "'"))),
        ),
    });
    ctx.report.push(Decision::new(
        DecisionKind::VerifyRejected,
        "the cell list",
        format!("the cell merge was not certain ({reason}); check the cells named at the top"),
    ));
}
