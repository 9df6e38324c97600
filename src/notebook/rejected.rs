//! What a rejection of the merged cell list by the check
//! ([`super::checked`]) writes: a cell one side deleted and the other
//! moved is put back with its source between markers; otherwise every
//! cell both sides changed shows both sides' sources, and the conflicts
//! cell at the top names what the check still rejects.

use super::cell::{self, MergedCell};
use super::checked;
use super::model::Cell;
use super::values::Ctx;
use crate::core::merge3::{Merge3, Side};
use crate::decisions::{Decision, DecisionKind};

/// The check rejected the cell list and no deleted cell explains it: its
/// reading of a side (a short cell moved and edited, read as a deletion
/// and a new cell) may not be the merge's. When the list passes with every
/// cell both sides changed that the merge settled held as a conflict of
/// both sides' sources, those cells are written so, each side's version
/// as that side wrote it; otherwise the merge's cells stay and the
/// conflicts cell at the top names the list.
pub fn show_both_versions<'a>(
    ctx: &mut Ctx,
    cells: Merge3<&'a [Cell<'a>]>,
    matched: (&[Option<usize>], &[Option<usize>]),
    by_id: bool,
    (merged, placed): (&mut [MergedCell<'a>], &[checked::Placed]),
    rejection: checked::Rejection,
) {
    let both_changed = |p: &checked::Placed| {
        let (Some(i), Some(j)) = (p.ours, p.theirs) else {
            return false;
        };
        let (o, t) = (&cells.ours[i].source, &cells.theirs[j].source);
        let base = p.base.map(|b| &cells.base[b].source);
        !p.conflicted && o != t && base.is_none_or(|b| b != o && b != t)
    };
    let shown: Vec<usize> = (0..placed.len().min(merged.len()))
        .filter(|&k| both_changed(&placed[k]))
        .collect();
    let mut held = placed.to_vec();
    for &k in &shown {
        held[k].conflicted = true;
    }
    if shown.is_empty() || checked::check_cells(cells, matched, by_id, &held).is_some() {
        checked::record(ctx, &rejection.reason);
        return;
    }
    for &k in &shown {
        let p = &placed[k];
        let (Some(i), Some(j)) = (p.ours, p.theirs) else {
            continue;
        };
        let base = p.base.map(|b| &cells.base[b]);
        merged[k] = cell::both_versions(ctx, k, base, &cells.ours[i], &cells.theirs[j]);
    }
    ctx.report.push(Decision::new(
        DecisionKind::VerifyRejected,
        "the cell list",
        format!(
            "{}; the {} cell(s) both sides changed are kept with both sides' sources between markers",
            rejection.reason,
            shown.len()
        ),
    ));
}

/// Puts back cells one side deleted and the other moved, each after the
/// merged cell that precedes it on the moving side.
pub fn restore_cells<'a>(
    ctx: &mut Ctx,
    cells: Merge3<&'a [Cell<'a>]>,
    rejection: checked::Rejection,
    merged: &mut Vec<MergedCell<'a>>,
    placed: &[checked::Placed],
) {
    let mut inserted = 0;
    for (b, side, j) in rejection.restore {
        let kept = if side == Side::Ours {
            &cells.ours[j]
        } else {
            &cells.theirs[j]
        };
        let before = placed
            .iter()
            .rposition(|p| match side {
                Side::Ours => p.ours.is_some_and(|i| i < j),
                _ => p.theirs.is_some_and(|i| i < j),
            })
            .map_or(0, |k| k + 1);
        let at = (before + inserted).min(merged.len());
        if let Some(cell) = cell::deleted_vs_moved(ctx, at, &cells.base[b], side, kept) {
            merged.insert(at, cell);
            inserted += 1;
        }
    }
    ctx.report.push(Decision::new(
        DecisionKind::VerifyRejected,
        "the cell list",
        format!(
            "{}; the cell one side deleted and the other moved is kept with its source between markers",
            rejection.reason
        ),
    ));
}
