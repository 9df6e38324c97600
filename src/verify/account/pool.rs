//! New elements of both sides (insertions, and replacements paired by
//! position) that the clean result must hold: the same content at the
//! same place on both sides is one, as is one replacement both made at
//! different places.

use super::{EditKind, Expected, Plan, Side, Versions};
use crate::verify::script::{Fate, Origin};

/// One side replaced a base element, the other deleted it and inserted
/// the same new content elsewhere: one replacement both made, the
/// deleting side having moved it (base `1 2 3 4`, one side `1 2 701 501`,
/// the other `1 2 501 3`: both replaced 4 by 501, the second also swapped
/// it with 3). Ours' and theirs' new elements, to be read as one.
pub(super) fn apart_replacement(v: &Versions<'_>, fo: Fate, ft: Fate) -> Option<(usize, usize)> {
    let inserted_alike = |side: Side, content: u32| {
        let sv = v.side(side);
        let mut alike = (0..sv.script.origins.len()).filter(|&j| {
            sv.script.origins[j] == Origin::Inserted && sv.version.ids.content[j] == content
        });
        match (alike.next(), alike.next()) {
            (Some(j), None) => Some(j),
            _ => None,
        }
    };
    match (fo, ft) {
        (Fate::Deleted, Fate::Replaced(jt)) => Some((
            inserted_alike(Side::Ours, v.theirs.version.ids.content[jt])?,
            jt,
        )),
        (Fate::Replaced(jo), Fate::Deleted) => Some((
            jo,
            inserted_alike(Side::Theirs, v.ours.version.ids.content[jo])?,
        )),
        _ => None,
    }
}

/// Fewest words the shorter of two nested insertions has.
const NESTED_MIN_WORDS: usize = 4;

/// Whether `longer` holds every word of `shorter` in order (words split
/// at whitespace), `shorter` having at least half of `longer`'s words and
/// [`NESTED_MIN_WORDS`]: the same new text, one copy with words added.
fn nested(shorter: &str, longer: &str) -> bool {
    let (short, long): (Vec<&str>, Vec<&str>) = (
        shorter.split_whitespace().collect(),
        longer.split_whitespace().collect(),
    );
    if short.len() < NESTED_MIN_WORDS || 2 * short.len() < long.len() || short == long {
        return false;
    }
    let mut rest = long.iter();
    short.iter().all(|w| rest.any(|l| l == w))
}

/// Insertions and replacements of both sides; the same content at the
/// same place on both sides is one (anywhere, under one key, where keys
/// name elements). Where elements have no names (`unnamed`: notebook
/// cells without ids), two new elements at the same place, one of them
/// the other with words added ([`nested`]: the same section both sides
/// wrote, one copy with a word put back), are one: the longer.
pub(super) fn pool_insertions(v: &Versions<'_>, p: &mut Plan, by_key: bool, unnamed: bool) {
    let new_elements = |side: Side| -> Vec<(usize, EditKind)> {
        let s = v.side(side).script;
        (0..s.origins.len())
            .filter(|&j| !p.in_clash.contains(&(side, j)))
            .filter_map(|j| match s.origins[j] {
                Origin::Inserted => Some((j, EditKind::Insert)),
                Origin::Replaced(_) => Some((j, EditKind::Replace)),
                _ => None,
            })
            .collect()
    };
    let (ours, theirs) = (new_elements(Side::Ours), new_elements(Side::Theirs));
    let mut theirs_shared = vec![false; theirs.len()];
    let push = |p: &mut Plan, side: Side, shared: bool, j: usize, edit: EditKind| {
        let from = v.side(side).version;
        p.expected.push(Expected {
            content: from.ids.content[j],
            key: from.ids.key[j],
            any_content: false,
            side: (!shared).then_some(side),
            edit,
            element: from.elements[j].clone(),
            both: None,
        });
    };
    // Both replaced one base element by the same content: one
    // replacement, whatever each side deleted around it (base `1 2 3`,
    // `501 3` against `1 501`).
    let same_replacement =
        |jo: usize, jt: usize| match (v.ours.script.origins[jo], v.theirs.script.origins[jt]) {
            (Origin::Replaced(a), Origin::Replaced(b)) => a == b,
            _ => false,
        };
    for &(jo, edit) in &ours {
        let content = v.ours.version.ids.content[jo];
        let twin = theirs.iter().enumerate().position(|(t, &(jt, _))| {
            !theirs_shared[t]
                && v.theirs.version.ids.content[jt] == content
                && (v.ours.script.same_place(jo, v.theirs.script, jt)
                    || same_replacement(jo, jt)
                    || p.twins_apart.contains(&(jo, jt))
                    || (by_key && v.theirs.version.ids.key[jt] == v.ours.version.ids.key[jo]))
        });
        if let Some(t) = twin {
            theirs_shared[t] = true;
            push(p, Side::Ours, true, jo, edit);
            continue;
        }
        let text = |side: Side, j: usize| v.side(side).version.elements[j].content.as_str();
        let inside = theirs.iter().enumerate().position(|(t, &(jt, _))| {
            unnamed
                && !theirs_shared[t]
                && v.ours.script.same_place(jo, v.theirs.script, jt)
                && (nested(text(Side::Ours, jo), text(Side::Theirs, jt))
                    || nested(text(Side::Theirs, jt), text(Side::Ours, jo)))
        });
        match inside {
            Some(t) => {
                theirs_shared[t] = true;
                let (jt, theirs_edit) = theirs[t];
                if text(Side::Theirs, jt).len() > text(Side::Ours, jo).len() {
                    push(p, Side::Theirs, true, jt, theirs_edit);
                } else {
                    push(p, Side::Ours, true, jo, edit);
                }
            }
            None => push(p, Side::Ours, false, jo, edit),
        }
    }
    for (t, &(jt, edit)) in theirs.iter().enumerate() {
        if !theirs_shared[t] {
            push(p, Side::Theirs, false, jt, edit);
        }
    }
}
