//! The merge of a hunk whose elements all have keys (names, dict keys,
//! imported modules): elements are matched by key, not by position, so
//! different keys inserted at the same place are all kept and the same key
//! changed on both sides merges inside that one element.
//!
//! Placement: ours' order, each element only theirs has placed after its
//! nearest predecessor in theirs, after ours' own insertions there (ours
//! first); or, when every version keeps the elements sorted, in sorted
//! position.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::resolve::{merge_added, merge_element, Context, Hunk, Item};
use super::siblings::{Container, Element};
use crate::core::merge3::Merge3;
use crate::core::render::Piece;
use crate::decisions::Decision;

/// A sort order a block may follow.
pub type Compare = fn(&str, &str) -> Ordering;

/// Where elements inserted at the same place go.
#[derive(Clone, Copy)]
pub enum Order {
    /// Ours first, then theirs.
    OursFirst,
    /// Sorted by this order (every version was).
    Sorted(Compare),
}

/// What happens to one key both sides inserted with different texts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Twice {
    /// A conflict on that element.
    Conflict,
    /// Both kept, ours first (two imports of one module).
    KeepBoth,
}

/// The result of a keyed merge.
pub struct Keyed<'a, 't> {
    pub items: Vec<Item<'a, 't>>,
    /// Clashes drawn, each narrowed to one element.
    pub clashes: usize,
}

fn keys(match_keys: &[Option<String>]) -> Option<HashMap<&str, usize>> {
    let mut map = HashMap::with_capacity(match_keys.len());
    for (i, k) in match_keys.iter().enumerate() {
        if map.insert(k.as_deref()?, i).is_some() {
            return None;
        }
    }
    Some(map)
}

/// The keys the hunk's elements have in each version.
fn element_keys(hunk: &Hunk<'_, '_>) -> Merge3<Vec<Option<String>>> {
    hunk.elements()
        .map(|es| es.iter().map(|e| e.key.clone()).collect())
}

/// Merges the hunk by keys; `None` when an element has no key, a key
/// repeats in one version, or the sides ordered the common keys
/// differently.
pub fn merge_keyed<'a, 't>(
    hunk: &Hunk<'a, 't>,
    ctx: &mut Context<'_>,
    order: Order,
    twice: Twice,
) -> Option<Keyed<'a, 't>> {
    merge_keyed_by(hunk, ctx, order, twice, &element_keys(hunk))
}

/// [`merge_keyed`] matching the hunk's elements by `match_keys` (one per
/// element of the hunk in each version) instead of their own keys: finer
/// keys where the elements' own repeat (imports of one module, one name
/// each). Merged pieces still carry the elements' own keys.
pub fn merge_keyed_by<'a, 't>(
    hunk: &Hunk<'a, 't>,
    ctx: &mut Context<'_>,
    order: Order,
    twice: Twice,
    match_keys: &Merge3<Vec<Option<String>>>,
) -> Option<Keyed<'a, 't>> {
    let e = hunk.elements();
    let c = hunk.containers;
    let mk = match_keys;
    if mk.base.len() != e.base.len()
        || mk.ours.len() != e.ours.len()
        || mk.theirs.len() != e.theirs.len()
    {
        return None;
    }
    let idx = Merge3::new(keys(&mk.base)?, keys(&mk.ours)?, keys(&mk.theirs)?);
    let off = hunk.ranges.map_ref(|r| r.start);
    let in_all = |k: &&str| {
        idx.base.contains_key(k) && idx.ours.contains_key(k) && idx.theirs.contains_key(k)
    };
    // The keys all three versions hold, in a side's order.
    let common = |side: &[Option<String>]| -> Vec<String> {
        side.iter()
            .filter_map(|k| k.as_deref())
            .filter(in_all)
            .map(str::to_string)
            .collect()
    };
    if common(&mk.ours) != common(&mk.theirs) {
        return None;
    }
    if renamed_differently(&idx) || moved_against_a_change(hunk, &idx) {
        return None;
    }
    // (key, item, whether only ours has it, whether theirs inserted it)
    let mut out: Vec<(String, Item<'a, 't>, bool)> = Vec::new();
    let mut from_theirs: Vec<String> = Vec::new();
    let mut clashes = 0;
    let conflict = |b: Option<(&Container<'_>, &Element<'_>)>,
                    o: Option<(&Container<'_>, &Element<'_>)>,
                    t: Option<(&Container<'_>, &Element<'_>)>| {
        let text = |x: Option<(&Container<'_>, &Element<'_>)>| {
            x.map_or(String::new(), |(c, e)| c.element_text(e).to_string())
        };
        Merge3::new(text(b), text(o), text(t))
    };
    for (j, eo) in e.ours.iter().enumerate() {
        let k = mk.ours[j].as_deref()?;
        let own = eo.key.clone();
        let (b, t) = (idx.base.get(k).copied(), idx.theirs.get(k).copied());
        let ours_at = off.ours + j;
        let item = match (b, t) {
            (Some(b), Some(t)) => merge_element(
                hunk,
                Merge3::new(off.base + b, ours_at, off.theirs + t),
                ctx,
            ),
            (Some(b), None) if e.base[b].same == eo.same => continue,
            (Some(b), None) => {
                clashes += 1;
                let texts = conflict(Some((c.base, &e.base[b])), Some((c.ours, eo)), None);
                clash(ctx, k, "ours changed it, theirs deleted it", &texts);
                Item::Pieces {
                    key: own,
                    pieces: vec![Piece::Conflict(texts)],
                }
            }
            (None, Some(t)) if e.theirs[t].same == eo.same => Item::Element(c.ours, ours_at),
            (None, Some(t)) if twice == Twice::KeepBoth => {
                let et = &e.theirs[t];
                if let Some(text) = super::imports::names_union((c.ours, eo), (c.theirs, et), ctx) {
                    ctx.report.push(Decision::new(
                        crate::decisions::DecisionKind::ImportsMerged,
                        super::resolve::describe(Some(k)),
                        "both sides added this import with different names; one import of all the names",
                    ));
                    out.push((
                        k.to_string(),
                        Item::Pieces {
                            key: own,
                            pieces: vec![Piece::Text(text)],
                        },
                        false,
                    ));
                    continue;
                }
                out.push((k.to_string(), Item::Element(c.ours, ours_at), false));
                from_theirs.push(k.to_string());
                Item::Element(c.theirs, off.theirs + t)
            }
            (None, Some(t)) => {
                let texts = conflict(None, Some((c.ours, eo)), Some((c.theirs, &e.theirs[t])));
                let merged = merge_added(texts.as_ref().map(|s| s.as_str()), Some(k), ctx);
                if let Some(text) = merged {
                    out.push((
                        k.to_string(),
                        Item::Pieces {
                            key: own,
                            pieces: vec![Piece::Text(text)],
                        },
                        false,
                    ));
                    continue;
                }
                clashes += 1;
                clash(
                    ctx,
                    k,
                    "both sides added it with different contents",
                    &texts,
                );
                Item::Pieces {
                    key: own,
                    pieces: vec![Piece::Conflict(texts)],
                }
            }
            (None, None) => Item::Element(c.ours, ours_at),
        };
        out.push((k.to_string(), item, t.is_none()));
    }
    for (j, et) in e.theirs.iter().enumerate() {
        let k = mk.theirs[j].as_deref()?;
        if idx.ours.contains_key(k) {
            continue;
        }
        let item = match idx.base.get(k).copied() {
            Some(b) if e.base[b].same == et.same => continue,
            Some(b) => {
                clashes += 1;
                let texts = conflict(Some((c.base, &e.base[b])), None, Some((c.theirs, et)));
                clash(ctx, k, "theirs changed it, ours deleted it", &texts);
                Item::Pieces {
                    key: et.key.clone(),
                    pieces: vec![Piece::Conflict(texts)],
                }
            }
            None => {
                from_theirs.push(k.to_string());
                Item::Element(c.theirs, off.theirs + j)
            }
        };
        // After the nearest predecessor in theirs that is placed, and after
        // ours' own insertions there.
        let mut at = mk.theirs[..j]
            .iter()
            .rev()
            .filter_map(|p| p.as_deref())
            .find_map(|p| out.iter().position(|(q, _, _)| q == p).map(|i| i + 1))
            .unwrap_or(0);
        while at < out.len() && out[at].2 {
            at += 1;
        }
        out.insert(at, (k.to_string(), item, false));
    }
    if let Order::Sorted(cmp) = order {
        out.sort_by(|a, b| cmp(&a.0, &b.0));
    }
    let mut items: Vec<Item<'a, 't>> = Vec::with_capacity(out.len());
    let mut previous_ours_insertion = false;
    for (key, item, ours_only) in out {
        let theirs_insertion = from_theirs.contains(&key);
        let item = if theirs_insertion && previous_ours_insertion && c.ours.kind.is_block() {
            separated(item, items.last(), c.ours)
        } else {
            item
        };
        previous_ours_insertion = ours_only && !idx.base.contains_key(key.as_str());
        items.push(item);
    }
    Some(Keyed { items, clashes })
}

/// Both sides deleted an element and each inserted one of its own: what
/// renaming one key two different ways looks like (`"gt_boxes"` to
/// `"boxes"` and to `"bboxes"`), a clash, not two insertions.
fn renamed_differently(idx: &Merge3<HashMap<&str, usize>>) -> bool {
    let deleted_by_both = idx
        .base
        .keys()
        .any(|k| !idx.ours.contains_key(k) && !idx.theirs.contains_key(k));
    let inserted_only = |mine: &HashMap<&str, usize>, other: &HashMap<&str, usize>| {
        mine.keys()
            .any(|k| !idx.base.contains_key(k) && !other.contains_key(k))
    };
    deleted_by_both
        && inserted_only(&idx.ours, &idx.theirs)
        && inserted_only(&idx.theirs, &idx.ours)
}

/// Whether a side brought into this hunk an element the base holds
/// outside it (a dict entry moved down and edited: a deletion there, an
/// insertion here) while the other side deleted or changed that element:
/// read in this hunk alone it is a new key, and the clash of a change
/// against a deletion (merge-rules §2) would pass unseen. Not certain, so
/// not for the keyed merge.
fn moved_against_a_change(hunk: &Hunk<'_, '_>, idx: &Merge3<HashMap<&str, usize>>) -> bool {
    let new_here = |mine: &HashMap<&str, usize>| mine.keys().any(|k| !idx.base.contains_key(k));
    if !new_here(&idx.ours) && !new_here(&idx.theirs) {
        return false;
    }
    let c = hunk.containers;
    // Each key's element in a whole container; `None` where the key
    // repeats there (one module's imports), which names no one element.
    let whole = |x: &'_ Container<'_>| -> HashMap<String, Option<String>> {
        let mut map: HashMap<String, Option<String>> = HashMap::new();
        for e in &x.elements {
            if let Some(k) = &e.key {
                map.entry(k.clone())
                    .and_modify(|v| *v = None)
                    .or_insert_with(|| Some(e.same.clone()));
            }
        }
        map
    };
    let base = whole(c.base);
    let against = |mine: &HashMap<&str, usize>, other: &Container<'_>| {
        let mut other_whole = None;
        mine.keys().any(|k| {
            let Some(Some(b)) = base.get(*k).filter(|_| !idx.base.contains_key(k)) else {
                return false;
            };
            let other = other_whole.get_or_insert_with(|| whole(other));
            match other.get(*k) {
                Some(Some(o)) => o != b,
                Some(None) => false,
                None => true,
            }
        })
    };
    against(&idx.ours, c.theirs) || against(&idx.theirs, c.ours)
}

/// Blank lines before a line's text.
fn blank_lines_before(text: &str) -> usize {
    text.split_inclusive('\n')
        .take_while(|l| l.trim().is_empty() && l.ends_with('\n'))
        .count()
}

fn is_definition(node: tree_sitter::Node<'_>) -> bool {
    matches!(
        node.kind(),
        "function_definition" | "class_definition" | "decorated_definition"
    )
}

/// Theirs' element placed right after ours' insertion at the same place:
/// as many blank lines before it as the container puts before its
/// definitions (2 at module level, 1 in a class, by default), when either
/// of the two is a definition.
fn separated<'a, 't>(
    item: Item<'a, 't>,
    previous: Option<&Item<'a, 't>>,
    ours: &Container<'_>,
) -> Item<'a, 't> {
    let Item::Element(c, i) = item else {
        return item;
    };
    let e = &c.elements[i];
    let previous_is_definition =
        matches!(previous, Some(Item::Element(pc, pi)) if is_definition(pc.elements[*pi].node));
    if !is_definition(e.node) && !previous_is_definition {
        return item;
    }
    let usual = ours
        .elements
        .iter()
        .filter(|x| is_definition(x.node))
        .map(|x| blank_lines_before(ours.element_text(x)))
        .find(|&n| n > 0)
        .unwrap_or(if ours.kind == super::siblings::ContainerKind::Module {
            2
        } else {
            1
        });
    let text = c.element_text(e);
    let have = blank_lines_before(text);
    if have >= usual {
        return item;
    }
    Item::Pieces {
        key: e.key.clone(),
        pieces: vec![Piece::Text(format!("{}{text}", "\n".repeat(usual - have)))],
    }
}

fn clash(ctx: &mut Context<'_>, key: &str, why: &str, texts: &Merge3<String>) {
    ctx.report.push(Decision::clash(
        super::resolve::describe(Some(key)),
        why,
        &texts.ours,
        &texts.theirs,
    ));
}

/// Whether `names` is sorted by `cmp`.
pub fn sorted_by(names: &[String], cmp: Compare) -> bool {
    names
        .windows(2)
        .all(|w| cmp(&w[0], &w[1]) != Ordering::Greater)
}

/// The first of `orders` that every sequence follows.
pub fn common_order(seqs: &[Vec<String>], orders: &[Compare]) -> Option<Compare> {
    orders
        .iter()
        .copied()
        .find(|&cmp| seqs.iter().all(|s| sorted_by(s, cmp)))
}

/// Plain code-point order.
pub fn by_bytes(a: &str, b: &str) -> Ordering {
    a.cmp(b)
}

/// Case-insensitive, then code points (isort's and ruff's default for
/// module names).
pub fn by_lowercase(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// Ruff's and isort's `order-by-type` for imported names: CONSTANTS, then
/// Classes, then everything else, each case-insensitively.
pub fn by_type(a: &str, b: &str) -> Ordering {
    fn class(s: &str) -> u8 {
        let letters = s.trim_start_matches('_');
        if letters.len() > 1 && letters.chars().all(|c| !c.is_lowercase()) {
            0
        } else if letters.chars().next().is_some_and(char::is_uppercase) {
            1
        } else {
            2
        }
    }
    class(a).cmp(&class(b)).then_with(|| by_lowercase(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(sorted_by(&v(&["Dense", "Dropout", "relu"]), by_bytes));
        assert!(!sorted_by(&v(&["a", "B"]), by_bytes));
        assert!(sorted_by(&v(&["a", "B"]), by_lowercase));
        assert!(sorted_by(&v(&["MAX", "Model", "build"]), by_type));
        assert!(common_order(&[v(&["b", "a"])], &[by_bytes, by_lowercase]).is_none());
    }
}
