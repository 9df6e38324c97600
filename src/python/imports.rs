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
//! section (a blank or comment line before it), except its first, when
//! that import is in every version and sorts before all the others in the
//! hunk (the hunk then lies inside that one section). Imports of one
//! module (`from m import a` and `from m import b`, one name per import
//! as isort's `force_single_line` writes them) go in the order of their
//! names when every version keeps such runs sorted, else ours first.

use std::cmp::Ordering;
use std::ops::Range;

use super::keyed::{
    by_bytes, by_lowercase, by_type, common_order, merge_keyed, merge_keyed_by, Compare, Order,
    Twice,
};
use super::resolve::{merge_container, Context, Hunk, Item, Resolution};
use super::siblings::{inner, is_import, Container, Element};
use crate::core::merge3::Merge3;
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};

pub fn resolve<'a, 't>(hunk: &Hunk<'a, 't>, ctx: &mut Context<'_>) -> Resolution<'a, 't> {
    if !hunk.kind().is_keyed_block() {
        return Resolution::NotMine;
    }
    let all_imports = hunk
        .elements()
        .map_ref(|es| es.iter().all(|e| is_import(e.node)));
    if !(all_imports.base && all_imports.ours && all_imports.theirs) {
        return Resolution::NotMine;
    }
    let order = sorted_order(hunk).map_or(Order::OursFirst, Order::Sorted);
    let keyed = merge_keyed(hunk, ctx, order, Twice::KeepBoth).or_else(|| {
        let names = one_name_keys(hunk)?;
        merge_keyed_by(hunk, ctx, order, Twice::KeepBoth, &names)
    });
    let Some(mut keyed) = keyed else {
        return Resolution::NotMine;
    };
    if let (Order::Sorted(_), Some(names)) = (order, names_order(hunk)) {
        sort_same_module_runs(&mut keyed.items, names);
    }
    one_section_break(&mut keyed.items, hunk);
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

/// Keys that tell apart the imports of one module written one name per
/// import (isort's `force_single_line`, as in keras: `from m import a`,
/// `from m import b`), whose own key (the module) repeats in the hunk of
/// some version: for that module's imports in all three versions, the
/// module and the imported name, the alias aside (`from m import a as b`
/// changed to `as c` is the same import). `None` when no module repeats
/// (the keys are fine as they are), a side deleted or changed an import
/// of the hunk, or an import of a repeated module brings in more than one
/// name or a wildcard.
fn one_name_keys(hunk: &Hunk<'_, '_>) -> Option<Merge3<Vec<Option<String>>>> {
    let mut repeated: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (c, r) in versions(hunk) {
        let mut seen = std::collections::HashSet::new();
        repeated.extend(
            c.elements[r.clone()]
                .iter()
                .filter_map(|e| e.key.as_deref())
                .filter(|k| !seen.insert(*k)),
        );
    }
    // Only insertions: where a side deletes or rewrites one of these
    // imports (ours moving `cast` and `get_device` to another module),
    // which import the other side's new one goes beside is the line
    // merge's question (fixture `token-insert-slides-over-rename-conflict`).
    let base = &hunk.containers.base.elements[hunk.ranges.base.clone()];
    let kept_by = |c: &Container<'_>, r: &Range<usize>| {
        base.iter()
            .all(|b| c.elements[r.clone()].iter().any(|e| e.same == b.same))
    };
    if repeated.is_empty()
        || !kept_by(hunk.containers.ours, &hunk.ranges.ours)
        || !kept_by(hunk.containers.theirs, &hunk.ranges.theirs)
    {
        return None;
    }
    let keys_of = |c: &Container<'_>, r: &Range<usize>| -> Option<Vec<Option<String>>> {
        c.elements[r.clone()]
            .iter()
            .map(|e| match e.key.as_deref() {
                Some(k) if repeated.contains(k) => {
                    let name = one_imported_name(e.node, c.text)?;
                    Some(Some(format!("{k} import {name}")))
                }
                _ => Some(e.key.clone()),
            })
            .collect()
    };
    let [b, o, t] = versions(hunk).map(|(c, r)| keys_of(c, r));
    Some(Merge3::new(b?, o?, t?))
}

/// The one name `from m import name [as alias]` imports, whitespace
/// aside; `None` for several names or a wildcard.
fn one_imported_name(node: tree_sitter::Node<'_>, text: &str) -> Option<String> {
    if node.kind() != "import_from_statement" {
        return None;
    }
    let mut cursor = node.walk();
    let names: Vec<_> = node.children_by_field_name("name", &mut cursor).collect();
    let [name] = names.as_slice() else {
        return None;
    };
    let name = match name.kind() {
        "aliased_import" => name.child_by_field_name("name")?,
        _ => *name,
    };
    let name_text = text.get(name.byte_range())?;
    Some(super::siblings::squash(name_text))
}

/// `from m import ...` added by both sides with different names, as one
/// statement: the names of both (merged as the names of a statement both
/// sides changed, from no names at all), in ours' layout, in sorted
/// position when both sides' names are sorted, else ours first. `None`
/// when both import one name (the one-name-per-import style keeps both
/// statements), when either is not a plain list (a wildcard, comments),
/// the layouts differ, or the names clash (one name imported under two
/// aliases): then both statements are kept.
pub fn names_union(
    ours: (&Container<'_>, &Element<'_>),
    theirs: (&Container<'_>, &Element<'_>),
    ctx: &mut Context<'_>,
) -> Option<String> {
    let (co, eo) = ours;
    let (ct, et) = theirs;
    if eo.node.kind() != "import_from_statement" || et.node.kind() != "import_from_statement" {
        return None;
    }
    let sets = ctx.set_arguments;
    let (io, it) = (
        inner(eo.node, co.text, sets)?,
        inner(et.node, ct.text, sets)?,
    );
    if io.layout != it.layout
        || io
            .elements
            .iter()
            .chain(&it.elements)
            .any(|e| e.key.is_none())
    {
        return None;
    }
    // One name each is the one-import-per-name style (isort's
    // `force_single_line`, as in keras): both statements stay.
    if io.elements.len() < 2 && it.elements.len() < 2 {
        return None;
    }
    let none = Container {
        kind: io.kind,
        layout: io.layout,
        text: "",
        span: 0..0,
        head: 0..0,
        tail: 0..0,
        elements: Vec::new(),
        separator: io.separator.clone(),
        trailing_comma: io.trailing_comma,
        owner: None,
    };
    // The statement outside the names (`from m import (` ... `)`) must be
    // the same on both sides.
    let (pieces, _) = merge_container(Merge3::new(&none, &io, &it), ctx)?;
    let mut merged = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => merged.push_str(&t),
            Piece::Conflict(_) => return None,
        }
    }
    let before = co.slice(&(eo.span.start..io.span.start));
    let after = co.slice(&(io.span.end..eo.span.end));
    Some(format!("{before}{merged}{after}"))
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

/// The text before element `i`'s statement: blank lines and comments.
fn lead<'t>(c: &Container<'t>, i: usize) -> &'t str {
    let e = &c.elements[i];
    c.slice(&(e.span.start..e.node.start_byte()))
}

/// Whether a side's insertion at the head of a section took over the
/// section's opening from the base: the element after it in `c` (index
/// `next`, in the hunk or right after it) is in the base there too, where
/// it starts the section, and here it no longer does.
fn took_over_section_start(hunk: &Hunk<'_, '_>, c: &Container<'_>, next: usize) -> bool {
    let Some(key) = c.elements.get(next).and_then(|e| e.key.as_deref()) else {
        return false;
    };
    let base = hunk.containers.base;
    let r = &hunk.ranges.base;
    let in_base = (r.start..(r.end + 1).min(base.elements.len()))
        .find(|&b| base.elements[b].key.as_deref() == Some(key));
    in_base.is_some_and(|b| starts_section(base, b)) && !starts_section(c, next)
}

/// Both sides inserted imports at the head of one section, each taking
/// over the blank line (or comment) that opens it: the opening is kept
/// once, before ours' insertions, and theirs' insertion placed right after
/// them gets the lead its follower has in theirs instead of a second copy
/// (which would split the section in two).
fn one_section_break(items: &mut [Item<'_, '_>], hunk: &Hunk<'_, '_>) {
    let c = hunk.containers;
    let in_base = |key: Option<&str>| {
        hunk.elements()
            .base
            .iter()
            .any(|e| key.is_some() && e.key.as_deref() == key)
    };
    let ours_insertion = |item: &Item<'_, '_>| match item {
        Item::Element(x, o) if std::ptr::eq(*x, c.ours) => {
            (!in_base(x.elements[*o].key.as_deref())).then_some(*o)
        }
        _ => None,
    };
    for k in 1..items.len() {
        let Item::Element(x, t) = items[k] else {
            continue;
        };
        if !std::ptr::eq(x, c.theirs) || in_base(x.elements[t].key.as_deref()) {
            continue;
        }
        // The run of ours' insertions right before it.
        let Some(last) = ours_insertion(&items[k - 1]) else {
            continue;
        };
        let mut first = k - 1;
        while first > 0 && ours_insertion(&items[first - 1]).is_some() {
            first -= 1;
        }
        let Some(head) = ours_insertion(&items[first]) else {
            continue;
        };
        // The first element after theirs' insertions there.
        let after_hunk = hunk.ranges.theirs.end;
        let Some(follower) = (t + 1..c.theirs.elements.len())
            .find(|&n| n >= after_hunk || in_base(c.theirs.elements[n].key.as_deref()))
        else {
            continue;
        };
        let opening = lead(c.theirs, t);
        let same_opening = starts_section(c.theirs, t)
            && starts_section(c.ours, head)
            && lead(c.ours, head) == opening;
        if !same_opening
            || !took_over_section_start(hunk, c.theirs, follower)
            || !took_over_section_start(hunk, c.ours, last + 1)
        {
            continue;
        }
        let e = &c.theirs.elements[t];
        let text = format!(
            "{}{}",
            lead(c.theirs, follower),
            c.theirs.slice(&(e.node.start_byte()..e.span.end))
        );
        items[k] = Item::Pieces {
            key: e.key.clone(),
            pieces: vec![Piece::Text(text)],
        };
    }
}

/// The run of consecutive imports around `r` in `c`: its index range.
fn import_run(c: &Container<'_>, r: &Range<usize>) -> Range<usize> {
    let is_import_at = |i: usize| c.elements.get(i).is_some_and(|e| is_import(e.node));
    let mut start = r.start;
    while start > 0 && is_import_at(start - 1) {
        start -= 1;
    }
    let mut end = r.end;
    while is_import_at(end) {
        end += 1;
    }
    start..end
}

/// The order the block around the hunk follows in every version: the run
/// of consecutive imports holding the hunk, each of its sections sorted.
fn sorted_order(hunk: &Hunk<'_, '_>) -> Option<Compare> {
    let first_starts = first_starts_section(hunk)?;
    let mut sections: Vec<Vec<String>> = Vec::new();
    for (c, r) in versions(hunk) {
        if r.clone().skip(1).any(|i| starts_section(c, i)) {
            return None;
        }
        let run = import_run(c, r);
        let mut section = Vec::new();
        for i in run {
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
    let cmp = common_order(&sections, &[isort_default, by_module])?;
    // A hunk whose first import starts a section: every other import of
    // the hunk must sort after it, or sorting would move one out of the
    // section's head.
    if let Some(first) = first_starts {
        let later = hunk
            .elements()
            .iter()
            .flat_map(|(_, es)| es.iter().skip(1))
            .filter_map(|e| e.key.as_deref())
            .all(|k| cmp(first, k) == Ordering::Less);
        if !later {
            return None;
        }
    }
    Some(cmp)
}

fn versions<'h, 'a, 't>(hunk: &'h Hunk<'a, 't>) -> [(&'a Container<'t>, &'h Range<usize>); 3] {
    [
        (hunk.containers.base, &hunk.ranges.base),
        (hunk.containers.ours, &hunk.ranges.ours),
        (hunk.containers.theirs, &hunk.ranges.theirs),
    ]
}

/// Whether the hunk's first import starts a section: `Some(None)` when it
/// does in no version, `Some(Some(key))` when it does in all three and is
/// the same import (key) in each, `None` otherwise (an import a side
/// inserted, or moved, at the head of a section: where it sorts is not
/// certain).
fn first_starts_section<'a>(hunk: &Hunk<'a, '_>) -> Option<Option<&'a str>> {
    let starts = versions(hunk).map(|(c, r)| {
        c.elements
            .get(r.start)
            .filter(|_| !r.is_empty())
            .map(|e| (starts_section(c, r.start), e.key.as_deref()))
    });
    if starts.iter().all(|s| !matches!(s, Some((true, _)))) {
        return Some(None);
    }
    let [Some((true, Some(b))), Some((true, Some(o))), Some((true, Some(t)))] = starts else {
        return None;
    };
    (b == o && o == t).then_some(Some(b))
}

/// The names an import brings in, aliases and layout aside: what orders
/// two imports of one module (`sobel_edges as sobel_edges` before `ssim as
/// ssim`, `extract_patches` before `extract_patches_3d`).
fn imported_names(c: &Container<'_>, e: &Element<'_>) -> String {
    let text = c.slice(&(e.node.start_byte()..e.node.end_byte()));
    let names = text.split_once(" import ").map_or(text, |(_, names)| names);
    names
        .trim_matches(|ch: char| ch == '(' || ch == ')' || ch.is_whitespace())
        .split(',')
        .filter_map(|name| name.split_whitespace().next())
        .collect::<Vec<_>>()
        .join(",")
}

/// The order of names that every version's runs of imports of one module
/// follow; `None` when no version has such a run (nothing says how they
/// sort) or they follow no order.
fn names_order(hunk: &Hunk<'_, '_>) -> Option<Compare> {
    let mut runs: Vec<Vec<String>> = Vec::new();
    for (c, r) in versions(hunk) {
        let mut run: Vec<String> = Vec::new();
        let mut module: Option<&str> = None;
        for i in import_run(c, r) {
            let e = &c.elements[i];
            if e.key.as_deref() != module || starts_section(c, i) {
                if run.len() > 1 {
                    runs.push(std::mem::take(&mut run));
                }
                run.clear();
                module = e.key.as_deref();
            }
            run.push(imported_names(c, e));
        }
        if run.len() > 1 {
            runs.push(run);
        }
    }
    if runs.is_empty() {
        return None;
    }
    common_order(&runs, &[by_bytes, by_lowercase, by_type])
}

/// Imports of one module next to each other in the merged hunk (sorted by
/// module, ties kept ours first): put in the order of their names. A run
/// holding a merged import (not one version's text) stays as it is.
fn sort_same_module_runs(items: &mut [Item<'_, '_>], names: Compare) {
    let mut start = 0;
    while start < items.len() {
        let key = items[start].key().map(str::to_string);
        let mut end = start + 1;
        while end < items.len() && key.is_some() && items[end].key() == key.as_deref() {
            end += 1;
        }
        let run = &mut items[start..end];
        if run.len() > 1 && run.iter().all(|i| matches!(i, Item::Element(..))) {
            run.sort_by(|a, b| match (a, b) {
                (Item::Element(ca, ia), Item::Element(cb, ib)) => names(
                    &imported_names(ca, &ca.elements[*ia]),
                    &imported_names(cb, &cb.elements[*ib]),
                ),
                _ => Ordering::Equal,
            });
        }
        start = end;
    }
}
