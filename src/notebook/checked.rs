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
    let content = format!("{}\n{}", cell.cell_type, cell.source);
    let key = match (&cell.id, by_id) {
        (Some(id), true) => format!("id {id}"),
        _ => cell.cell_type.clone(),
    };
    Element::new(key, content)
}

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
        let sides = [
            p.ours.map(|i| &cells.ours[i]),
            p.theirs.map(|j| &cells.theirs[j]),
            p.base.map(|b| &cells.base[b]),
        ];
        let Some(cell) = sides.iter().copied().flatten().next() else {
            continue;
        };
        let mut e = element(cell, by_id);
        e.content = format!("{}\n{}", cell.cell_type, p.source);
        result.push(ResultElement {
            element: e,
            in_conflict: p.conflicted,
        });
        // A cell with markers offers each side's version of it.
        if p.conflicted {
            for side_cell in sides[..2].iter().copied().flatten() {
                result.push(ResultElement::conflicted(element(side_cell, by_id)));
            }
        }
    }
    let options = Options {
        moves_by_key: by_id,
        moves_by_likeness: !by_id,
        moved_edits_merge: true,
        ..Options::default()
    };
    let verdict = check_with(
        &elements(cells.base),
        &elements(cells.ours),
        &elements(cells.theirs),
        &result,
        options,
    );
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
