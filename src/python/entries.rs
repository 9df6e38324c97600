//! Entries of literals and argument lists (issue 10, items 1, 3 and 7):
//! dict pairs with constant keys, set elements, `__all__` and set-like
//! keyword lists (`metrics=[...]`, `git config mlmerge.setArguments`), the
//! names of `from m import ...`, and keyword arguments. Entries match by
//! key; different keys at one place are all kept (in sorted position when
//! a set-like container is sorted in every version, else ours first); the
//! same key with different values merges inside the value (nested dicts
//! recursively), else is a conflict on that entry only.

use std::cmp::Ordering;

use super::keyed::{
    by_bytes, by_lowercase, by_type, common_order, merge_keyed, Compare, Order, Twice,
};
use super::resolve::{Context, Hunk, Resolution};
use super::siblings::{parameter_is_optional, ContainerKind};
use crate::decisions::{Decision, DecisionKind};

pub fn resolve<'a, 't>(hunk: &Hunk<'a, 't>, ctx: &mut Context<'_>) -> Resolution<'a, 't> {
    let kind = hunk.kind();
    if kind.is_block() {
        return Resolution::NotMine;
    }
    let set_like = matches!(
        kind,
        ContainerKind::Set | ContainerKind::SetList | ContainerKind::ImportNames
    );
    if kind == ContainerKind::Parameters && !new_parameters_optional(hunk) {
        return Resolution::NotMine;
    }
    let order = if set_like {
        sorted_order(hunk).map_or(Order::OursFirst, Order::Sorted)
    } else {
        Order::OursFirst
    };
    let Some(keyed) = merge_keyed(hunk, ctx, order, Twice::Conflict) else {
        return Resolution::NotMine;
    };
    let owner = hunk.containers.ours.owner.as_deref();
    let (decision, subject) = match kind {
        ContainerKind::Dict => (
            DecisionKind::EntriesMerged,
            owner.map_or("a dict literal".into(), |o| format!("dict `{o}`")),
        ),
        ContainerKind::Set => (DecisionKind::EntriesMerged, "a set literal".into()),
        ContainerKind::SetList if owner == Some("__all__") => {
            (DecisionKind::EntriesMerged, "`__all__`".into())
        }
        ContainerKind::SetList => (
            DecisionKind::SetArgumentMerged,
            format!("argument `{}=`", owner.unwrap_or("?")),
        ),
        ContainerKind::ImportNames => (DecisionKind::ImportsMerged, "imported names".into()),
        ContainerKind::Parameters => (DecisionKind::ParametersMerged, "parameters".into()),
        _ => (DecisionKind::ArgumentsMerged, "call arguments".into()),
    };
    let place = match order {
        Order::Sorted(_) => "in sorted position",
        Order::OursFirst => "ours first",
    };
    Resolution::Resolved {
        items: keyed.items,
        decision: Decision::new(
            decision,
            subject,
            format!("entries matched by key; both sides' additions kept, {place}"),
        ),
    }
}

/// Whether every parameter a side added has a default (or is `*args` or
/// `**kwargs`): where both sides add parameters at one place, a caller
/// passing them by position would read the wrong one, so only optional
/// ones are merged by name.
fn new_parameters_optional(hunk: &Hunk<'_, '_>) -> bool {
    let e = hunk.elements();
    let in_base = |k: &Option<String>| e.base.iter().any(|b| &b.key == k);
    e.ours
        .iter()
        .chain(e.theirs.iter())
        .filter(|x| !in_base(&x.key))
        .all(|x| parameter_is_optional(x.node))
}

/// The entry's name for sorting: the key without its kind and quotes.
fn name(key: &str) -> &str {
    let rest = key.split_once(' ').map_or(key, |(_, r)| r);
    rest.trim_matches(|c| c == '"' || c == '\'')
}

fn names_by_bytes(a: &str, b: &str) -> Ordering {
    by_bytes(name(a), name(b))
}

fn names_by_lowercase(a: &str, b: &str) -> Ordering {
    by_lowercase(name(a), name(b))
}

fn names_by_type(a: &str, b: &str) -> Ordering {
    by_type(name(a), name(b))
}

/// The order every version of the whole container follows, if any (at
/// least two elements in some version).
fn sorted_order(hunk: &Hunk<'_, '_>) -> Option<Compare> {
    let seqs: Vec<Vec<String>> = [
        hunk.containers.base,
        hunk.containers.ours,
        hunk.containers.theirs,
    ]
    .iter()
    .map(|c| c.elements.iter().filter_map(|e| e.key.clone()).collect())
    .collect();
    if seqs.iter().all(|s| s.len() < 2) {
        return None;
    }
    common_order(&seqs, &[names_by_bytes, names_by_lowercase, names_by_type])
}
