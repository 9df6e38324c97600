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
/// and a new cell) is not the merge's. Every cell both sides changed that
/// the merge settled is written with both sides' sources between markers,
/// so that each side's version of it is in the notebook as that side
/// wrote it; when the check still rejects the list, the conflicts cell at
/// the top names it too.
pub fn show_both_versions<'a>(
    ctx: &mut Ctx,
    cells: Merge3<&'a [Cell<'a>]>,
    matched: (&[Option<usize>], &[Option<usize>]),
    by_id: bool,
    (merged, placed): (&mut [MergedCell<'a>], &[checked::Placed]),
    rejection: checked::Rejection,
) {
    let mut shown = placed.to_vec();
    let mut count = 0;
    for (k, p) in placed.iter().enumerate() {
        let (Some(i), Some(j)) = (p.ours, p.theirs) else {
            continue;
        };
        let (o, t) = (&cells.ours[i], &cells.theirs[j]);
        let base = p.base.map(|b| &cells.base[b]);
        let both_changed = o.source != t.source
            && base.is_none_or(|b| b.source != o.source && b.source != t.source);
        if p.conflicted || !both_changed || k >= merged.len() {
            continue;
        }
        let cell = cell::both_versions(ctx, k, base, o, t);
        shown[k].source = cell.source.clone();
        shown[k].conflicted = true;
        merged[k] = cell;
        count += 1;
    }
    let still = count == 0 || checked::check_cells(cells, matched, by_id, &shown).is_some();
    if still {
        checked::record(ctx, &rejection.reason);
    } else {
        ctx.report.push(Decision::new(
            DecisionKind::VerifyRejected,
            "the cell list",
            format!(
                "{}; the {count} cell(s) both sides changed are kept with both sides' sources between markers",
                rejection.reason
            ),
        ));
    }
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
