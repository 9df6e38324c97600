//! A merged cell's outputs and execution count (merge-rules §3): which
//! side they come from, or cleared, and never a conflict.

use super::empty;
use crate::core::merge3::{Merge3, Side};
use crate::decisions::{Decision, DecisionKind};
use crate::notebook::json::{same_opt, Node};
use crate::notebook::model::Cell;
use crate::notebook::values::Ctx;
use crate::notebook::write::Out;
use crate::settings::OutputsPolicy;

/// Where a cell's outputs and execution count come from.
pub(super) enum Outputs {
    Side(Side),
    Clear,
}

impl Outputs {
    pub(super) fn value<'a>(
        &self,
        ctx: &Ctx,
        key: &str,
        cells: Merge3<Option<&'a Cell<'a>>>,
    ) -> Option<Out<'a>> {
        let cell = match self {
            Outputs::Clear => return Some(Out::Literal(empty(key))),
            Outputs::Side(Side::Base) => cells.base,
            Outputs::Side(Side::Theirs) => cells.theirs,
            Outputs::Side(_) => cells.ours,
        };
        let side = match self {
            Outputs::Side(side) => *side,
            Outputs::Clear => Side::Ours,
        };
        let like = if ctx.layout_side == Side::Theirs {
            cells.theirs
        } else {
            cells.ours
        };
        Some(match cell.and_then(|c| c.get(key)) {
            Some(node) => ctx.take_like(side, node, like.and_then(|c| c.get(key))),
            None => Out::Literal(empty(key)),
        })
    }
}

/// merge-rules §3: a side that re-ran alone wins; when both did, the
/// policy, or the side whose source won, or cleared for a new source.
pub(super) fn choose_outputs<'a>(
    ctx: &mut Ctx,
    subject: &str,
    cells: Merge3<Option<&'a Cell<'a>>>,
    merged: &str,
) -> Outputs {
    type Run<'n> = Option<(Option<&'n Node<'n>>, Option<&'n Node<'n>>)>;
    let runs: Merge3<Run<'a>> =
        cells.map(|c| c.map(|c| (c.get("outputs"), c.get("execution_count"))));
    let same_run = |a: Run, b: Run| match (a, b) {
        (Some(a), Some(b)) => same_opt(a.0, b.0) && same_opt(a.1, b.1),
        (None, None) => true,
        _ => false,
    };
    if same_run(runs.ours, runs.base) {
        return Outputs::Side(Side::Theirs);
    }
    if same_run(runs.theirs, runs.base) {
        return Outputs::Side(Side::Ours);
    }
    if same_run(runs.ours, runs.theirs) {
        return Outputs::Side(if ctx.layout_side == Side::Theirs {
            Side::Theirs
        } else {
            Side::Ours
        });
    }
    let sources = cells.map(|c| c.map_or("", |c| c.source.as_str()));
    let (choice, why) = match ctx.options.outputs {
        OutputsPolicy::Ours => (Outputs::Side(Side::Ours), "both sides re-ran the cell; ours' outputs kept (--outputs ours)"),
        OutputsPolicy::Theirs => (Outputs::Side(Side::Theirs), "both sides re-ran the cell; theirs' outputs kept (--outputs theirs)"),
        OutputsPolicy::Clear => (Outputs::Clear, "both sides re-ran the cell; outputs cleared (--outputs clear)"),
        OutputsPolicy::Auto if merged == sources.ours && merged == sources.theirs => {
            (Outputs::Side(Side::Ours), "both sides re-ran the same source; ours' outputs kept")
        }
        OutputsPolicy::Auto if merged == sources.ours => (Outputs::Side(Side::Ours), "both sides re-ran the cell; ours' source won, so its outputs are kept"),
        OutputsPolicy::Auto if merged == sources.theirs => (Outputs::Side(Side::Theirs), "both sides re-ran the cell; theirs' source won, so its outputs are kept"),
        OutputsPolicy::Auto => (Outputs::Clear, "both sides re-ran the cell and the merged source is new; outputs cleared and execution count reset"),
    };
    let kind = if matches!(choice, Outputs::Clear) {
        DecisionKind::OutputsCleared
    } else {
        DecisionKind::OutputsTaken
    };
    ctx.report.push(Decision::new(kind, subject, why));
    choice
}
