//! Named members (issue 10, item 2): module- and class-level `def`,
//! `async def`, `class`, decorated definitions and assignments to a plain
//! name, keyed by name. Different names inserted at the same place are all
//! kept, ours first, each with its own blank lines before it (as its side
//! laid it out among the same neighbours); the same name changed on both
//! sides merges inside that definition (a class body member by member, an
//! assigned dict entry by entry, else by lines), a clash narrowed to it;
//! the same name added by both with different bodies is a conflict on that
//! definition only.

use super::keyed::{merge_keyed, Order, Twice};
use super::resolve::{Context, Hunk, Resolution};
use crate::decisions::{Decision, DecisionKind};

pub fn resolve<'a, 't>(hunk: &Hunk<'a, 't>, ctx: &mut Context<'_>) -> Resolution<'a, 't> {
    if !hunk.kind().is_keyed_block() {
        return Resolution::NotMine;
    }
    let Some(keyed) = merge_keyed(hunk, ctx, Order::OursFirst, Twice::Conflict) else {
        return Resolution::NotMine;
    };
    let detail = if keyed.clashes == 0 {
        "both sides changed these definitions; matched by name, insertions at one place kept ours first"
    } else {
        "matched by name; the definitions both sides changed differently are conflicts of their own"
    };
    Resolution::Resolved {
        items: keyed.items,
        decision: Decision::new(DecisionKind::MembersMerged, "definitions", detail),
    }
}
