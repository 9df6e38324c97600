//! Imports as a set (issue 10, item 1): a hunk of import statements merges
//! by imported module. Different imports inserted at one place are all
//! kept, in sorted position when the block is sorted, else ours then
//! theirs; the same import added twice appears once; a deletion and an
//! addition both apply; `from m import ...` changed on both sides merges
//! its names ([`entries`](super::entries)).
//!
//! "Sorted" is the simplest robust criterion: the run of consecutive
//! imports around the hunk (up to a blank or comment line) is sorted in all
//! three versions by one of isort's/ruff's default orders — `import x`
//! before `from x import`, modules case-insensitively — or by module alone
//! (`force-sort-within-sections`); and no import in the hunk starts a
//! section (a blank or comment line before it).

use std::cmp::Ordering;

use super::keyed::{by_lowercase, common_order, merge_keyed, Compare, Order, Twice};
use super::resolve::{Context, Hunk, Resolution};
use super::siblings::{is_import, Container};
use crate::decisions::{Decision, DecisionKind};

pub fn resolve<'a, 't>(hunk: &Hunk<'a, 't>, ctx: &mut Context<'_>) -> Resolution<'a, 't> {
    if !hunk.kind().is_block() {
        return Resolution::NotMine;
    }
    let all_imports = hunk
        .elements()
        .map_ref(|es| es.iter().all(|e| is_import(e.node)));
    if !(all_imports.base && all_imports.ours && all_imports.theirs) {
        return Resolution::NotMine;
    }
    let order = sorted_order(hunk).map_or(Order::OursFirst, Order::Sorted);
    let Some(keyed) = merge_keyed(hunk, ctx, order, Twice::KeepBoth) else {
        return Resolution::NotMine;
    };
    let how = match order {
        Order::Sorted(_) => "in sorted position",
        Order::OursFirst => "ours first (the block is not sorted)",
    };
    Resolution::Resolved {
        items: keyed.items,
        decision: Decision::new(
            DecisionKind::ImportsMerged,
            "imports",
            format!("both sides changed this import block; merged as a set of imports, {how}"),
        ),
    }
}

/// The sort key of an import key: (straight import first, module).
fn parts(key: &str) -> (u8, &str) {
    match key.split_once(' ') {
        Some(("import", m)) => (0, m),
        Some(("from", m)) => (1, m),
        _ => (2, key),
    }
}

/// isort/ruff default: straight imports first, then modules.
fn isort_default(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (parts(a), parts(b));
    pa.0.cmp(&pb.0).then_with(|| by_lowercase(pa.1, pb.1))
}

/// `force-sort-within-sections`: by module alone.
fn by_module(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (parts(a), parts(b));
    by_lowercase(pa.1, pb.1).then_with(|| pa.0.cmp(&pb.0))
}

fn starts_section(c: &Container<'_>, i: usize) -> bool {
    let e = &c.elements[i];
    let lead = c.slice(&(e.span.start..e.node.start_byte()));
    lead.lines().any(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    }) && lead.contains('\n')
}

/// The order the block around the hunk follows in every version: the run
/// of consecutive imports holding the hunk, each of its sections sorted.
fn sorted_order(hunk: &Hunk<'_, '_>) -> Option<Compare> {
    let mut sections: Vec<Vec<String>> = Vec::new();
    for (c, r) in [
        (hunk.containers.base, &hunk.ranges.base),
        (hunk.containers.ours, &hunk.ranges.ours),
        (hunk.containers.theirs, &hunk.ranges.theirs),
    ] {
        if r.clone().any(|i| starts_section(c, i)) {
            return None;
        }
        let is_import_at = |i: usize| c.elements.get(i).is_some_and(|e| is_import(e.node));
        let mut start = r.start;
        while start > 0 && is_import_at(start - 1) {
            start -= 1;
        }
        let mut end = r.end;
        while is_import_at(end) {
            end += 1;
        }
        let mut section = Vec::new();
        for i in start..end {
            if starts_section(c, i) && !section.is_empty() {
                sections.push(std::mem::take(&mut section));
            }
            section.extend(c.elements[i].key.clone());
        }
        sections.push(section);
    }
    if sections.iter().all(|r| r.len() < 2) {
        return None;
    }
    common_order(&sections, &[isort_default, by_module])
}
