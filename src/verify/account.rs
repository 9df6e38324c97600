//! The accounting of the check: from the two edit scripts, what the clean
//! part of the result must hold (each element once, as many times as the
//! edits allow), what must lie inside a conflict, and where placed
//! elements must stand; then the result is compared against that
//! (placement in [`places`]).

mod places;
mod pool;

use pool::{apart_replacement, pool_insertions};

use std::collections::{HashMap, HashSet};

use super::script::{Fate, Ids, Script};
use super::{EditKind, Element, Problem, Side, Violation};

/// One version's elements and their ids.
#[derive(Clone, Copy)]
pub struct Version<'a> {
    pub elements: &'a [Element],
    pub ids: Ids<'a>,
}

/// A side's version and its edit script against the base.
#[derive(Clone, Copy)]
pub struct SideVersion<'a> {
    pub version: Version<'a>,
    pub script: &'a Script,
}

pub struct Versions<'a> {
    pub base: Version<'a>,
    pub ours: SideVersion<'a>,
    pub theirs: SideVersion<'a>,
}

/// The merge result: elements, ids, and which lie inside a conflict.
pub struct Outcome<'a> {
    pub version: Version<'a>,
    pub conflicted: &'a [bool],
}

/// An element the clean result must hold once.
struct Expected {
    content: u32,
    key: u32,
    /// Both sides edited it differently: any content under its key (its
    /// inside is checked at its own level, e.g. argument by argument).
    any_content: bool,
    side: Option<Side>,
    edit: EditKind,
    element: Element,
    /// Both sides edited it differently: the base element and each side's.
    both: Option<(usize, usize, usize)>,
}

/// A base element both sides touched in ways that cannot both hold.
struct Clash {
    base: usize,
    /// Each side's edit and the side element that holds it.
    edits: Vec<(Side, EditKind, Option<usize>)>,
}

fn kind(fate: Fate) -> EditKind {
    match fate {
        Fate::Kept(_) => EditKind::Keep,
        Fate::Deleted => EditKind::Delete,
        Fate::Edited(_) => EditKind::Edit,
        Fate::Replaced(_) => EditKind::Replace,
        Fate::Moved(_) => EditKind::Move,
    }
}

fn side_index(fate: Fate) -> Option<usize> {
    match fate {
        Fate::Kept(j) | Fate::Edited(j) | Fate::Replaced(j) | Fate::Moved(j) => Some(j),
        Fate::Deleted => None,
    }
}

impl<'a> Versions<'a> {
    fn side(&self, side: Side) -> SideVersion<'a> {
        match side {
            Side::Ours => self.ours,
            Side::Theirs => self.theirs,
        }
    }
}

/// What the clean result must hold, and what must be in a conflict.
struct Plan {
    expected: Vec<Expected>,
    clashes: Vec<Clash>,
    /// Base contents some side deleted or replaced: (side, edit).
    removed: HashMap<u32, (Side, EditKind)>,
    /// Base elements kept unchanged and in place by both sides.
    stable: Vec<bool>,
    /// Side elements whose edit is part of a clash.
    in_clash: HashSet<(Side, usize)>,
    /// Base elements one side moved and the other replaced, where
    /// replacements merge with moves (no names).
    moved_rewrites: Vec<MovedRewrite>,
    /// New elements of ours and theirs that are one replacement both
    /// made, each side's at its own place (`apart_replacement`).
    twins_apart: HashSet<(usize, usize)>,
}

/// A base element one side moved (unchanged) and the other replaced:
/// without names the replacement may be the element rewritten, so it
/// moves with the other side's move; it must stand at the mover's place,
/// or the element be inside a conflict (delete vs move).
struct MovedRewrite {
    base: usize,
    /// The replacing side and its new element.
    replacer: (Side, usize),
    /// The moving side and its moved element.
    mover: (Side, usize),
}

/// How a move on one side meets a change of the same element on the other.
#[derive(Clone, Copy)]
pub struct MovedChanges {
    /// An edit moves with the element (cells) instead of clashing.
    pub edits_merge: bool,
    /// So does a replacement, where elements have no names (cells without
    /// ids: what took a cell's place is that cell rewritten).
    pub replacements_merge: bool,
    /// Keys name elements (cell ids): a new element both sides inserted
    /// with the same key and content is one element wherever each side put
    /// it (a cell with one id is one cell), not only at the same place.
    pub new_by_key: bool,
}

fn plan(v: &Versions<'_>, moved: MovedChanges) -> Plan {
    let n = v.base.elements.len();
    let mut p = Plan {
        expected: Vec::new(),
        clashes: Vec::new(),
        removed: HashMap::new(),
        stable: vec![false; n],
        in_clash: HashSet::new(),
        moved_rewrites: Vec::new(),
        twins_apart: HashSet::new(),
    };
    for i in 0..n {
        let (fo, ft) = (v.ours.script.fates[i], v.theirs.script.fates[i]);
        let content_of = |side: Side, j: usize| v.side(side).version.ids.content[j];
        let present = |p: &mut Plan, side: Option<Side>, fate: Fate, j: usize| {
            let from = v.side(side.unwrap_or(Side::Ours)).version;
            p.expected.push(Expected {
                content: from.ids.content[j],
                key: from.ids.key[j],
                any_content: false,
                side,
                edit: kind(fate),
                element: from.elements[j].clone(),
                both: None,
            });
        };
        use Fate::*;
        if let Some(twins) = apart_replacement(v, fo, ft) {
            p.removed
                .insert(v.base.ids.content[i], (Side::Ours, EditKind::Replace));
            p.twins_apart.insert(twins);
            continue;
        }
        match (fo, ft) {
            (Kept(j), Kept(_)) => {
                p.stable[i] = true;
                present(&mut p, None, fo, j);
            }
            (Kept(_), Deleted | Replaced(_)) => {
                p.removed
                    .insert(v.base.ids.content[i], (Side::Theirs, kind(ft)));
            }
            (Deleted | Replaced(_), Kept(_)) => {
                p.removed
                    .insert(v.base.ids.content[i], (Side::Ours, kind(fo)));
            }
            (Deleted, Deleted) | (Replaced(_), Replaced(_)) => {
                p.removed
                    .insert(v.base.ids.content[i], (Side::Ours, kind(fo)));
            }
            (Kept(_), Edited(j) | Moved(j)) => present(&mut p, Some(Side::Theirs), ft, j),
            (Edited(j) | Moved(j), Kept(_)) => present(&mut p, Some(Side::Ours), fo, j),
            (Edited(jo), Edited(jt))
                if content_of(Side::Ours, jo) == content_of(Side::Theirs, jt) =>
            {
                present(&mut p, None, fo, jo)
            }
            (Edited(jo), Edited(jt)) => p.expected.push(Expected {
                content: v.ours.version.ids.content[jo],
                key: v.base.ids.key[i],
                any_content: true,
                side: None,
                edit: EditKind::Edit,
                element: v.base.elements[i].clone(),
                both: Some((i, jo, jt)),
            }),
            (Moved(jo), Edited(jt))
                if content_of(Side::Ours, jo) == content_of(Side::Theirs, jt) =>
            {
                present(&mut p, Some(Side::Ours), fo, jo)
            }
            (Edited(jo), Moved(jt))
                if content_of(Side::Ours, jo) == content_of(Side::Theirs, jt) =>
            {
                present(&mut p, Some(Side::Theirs), ft, jt)
            }
            (Moved(_), Edited(_)) | (Edited(_), Moved(_)) if moved.edits_merge => {
                let side = if matches!(fo, Moved(_)) {
                    Side::Ours
                } else {
                    Side::Theirs
                };
                p.expected.push(Expected {
                    content: v.base.ids.content[i],
                    key: v.base.ids.key[i],
                    any_content: true,
                    side: Some(side),
                    edit: EditKind::Move,
                    element: v.base.elements[i].clone(),
                    both: None,
                });
            }
            // The replacement is one of the side's new elements (pooled
            // below); the base element is gone. The replacement stands at
            // the mover's place (the element moved with its rewrite), or
            // the element lies in a conflict (`places::check_moved_rewrites`).
            (Moved(jm), Replaced(jr)) | (Replaced(jr), Moved(jm)) if moved.replacements_merge => {
                let (replacer, mover) = if matches!(fo, Replaced(_)) {
                    (Side::Ours, Side::Theirs)
                } else {
                    (Side::Theirs, Side::Ours)
                };
                p.removed
                    .insert(v.base.ids.content[i], (replacer, EditKind::Replace));
                p.moved_rewrites.push(MovedRewrite {
                    base: i,
                    replacer: (replacer, jr),
                    mover: (mover, jm),
                });
            }
            // Without names, a replacement is a deletion and a new element
            // (what took the element's place may be a rewrite of it or
            // not): against the other side's edit, that edit must lie in a
            // conflict (delete vs edit), and the new element is one of the
            // side's new elements (pooled below), clean or in a conflict.
            (Replaced(_), Edited(j)) | (Edited(j), Replaced(_)) if moved.replacements_merge => {
                let (replacer, editor) = if matches!(fo, Replaced(_)) {
                    (Side::Ours, Side::Theirs)
                } else {
                    (Side::Theirs, Side::Ours)
                };
                p.in_clash.insert((editor, j));
                p.clashes.push(Clash {
                    base: i,
                    edits: vec![
                        (replacer, EditKind::Delete, None),
                        (editor, EditKind::Edit, Some(j)),
                    ],
                });
            }
            (Moved(jo), Moved(jt))
                if content_of(Side::Ours, jo) == content_of(Side::Theirs, jt)
                    && v.ours.script.same_place(jo, v.theirs.script, jt) =>
            {
                present(&mut p, None, fo, jo)
            }
            // Both moved the element to the same place and edited it
            // differently: one element there, its edits merged (notebook
            // cells), as for two edits in place.
            (Moved(jo), Moved(jt))
                if moved.edits_merge && v.ours.script.same_place(jo, v.theirs.script, jt) =>
            {
                p.expected.push(Expected {
                    content: v.ours.version.ids.content[jo],
                    key: v.base.ids.key[i],
                    any_content: true,
                    side: None,
                    edit: EditKind::Edit,
                    element: v.base.elements[i].clone(),
                    both: None,
                })
            }
            _ => {
                let edits = vec![
                    (Side::Ours, kind(fo), side_index(fo)),
                    (Side::Theirs, kind(ft), side_index(ft)),
                ];
                for &(side, _, j) in &edits {
                    if let Some(j) = j {
                        p.in_clash.insert((side, j));
                    }
                }
                p.clashes.push(Clash { base: i, edits });
            }
        }
    }
    pool_insertions(v, &mut p, moved.new_by_key, moved.replacements_merge);
    p
}

/// Every violation of the result against the two sides' edits.
pub fn check(
    v: &Versions<'_>,
    r: &Outcome<'_>,
    moved: MovedChanges,
    inside: &dyn Fn(super::BothEdited<'_>) -> bool,
) -> Vec<Violation> {
    let p = plan(v, moved);
    let mut out = Vec::new();
    let mut by_content: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut by_key: HashMap<u32, Vec<usize>> = HashMap::new();
    for (e, x) in p.expected.iter().enumerate().rev() {
        if x.any_content {
            by_key.entry(x.key).or_default().push(e);
        } else {
            by_content.entry(x.content).or_default().push(e);
        }
    }
    let expected_contents: HashMap<u32, usize> = p
        .expected
        .iter()
        .enumerate()
        .filter(|(_, x)| !x.any_content)
        .map(|(e, x)| (x.content, e))
        .collect();
    let mut consumed = vec![false; p.expected.len()];
    let mut conflict_contents = HashSet::new();
    let mut conflict_keys = HashSet::new();
    let mut clean_positions: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut unexplained = Vec::new();
    for (pos, &in_conflict) in r.conflicted.iter().enumerate() {
        let (content, key) = (r.version.ids.content[pos], r.version.ids.key[pos]);
        if in_conflict {
            conflict_contents.insert(content);
            conflict_keys.insert(key);
            continue;
        }
        clean_positions.entry(content).or_default().push(pos);
        let taken = by_content
            .get_mut(&content)
            .and_then(Vec::pop)
            .or_else(|| by_key.get_mut(&key).and_then(Vec::pop));
        match taken {
            Some(e) => {
                consumed[e] = true;
                if let Some((i, jo, jt)) = p.expected[e].both {
                    let merged = inside(super::BothEdited {
                        base: &v.base.elements[i],
                        ours: &v.ours.version.elements[jo],
                        theirs: &v.theirs.version.elements[jt],
                        result: &r.version.elements[pos],
                    });
                    if !merged {
                        out.push(Violation {
                            side: None,
                            edit: EditKind::Edit,
                            problem: Problem::ClashNotConflicted,
                            element: v.base.elements[i].clone(),
                        });
                    }
                }
            }
            None => unexplained.push(pos),
        }
    }
    // Versions of clashing elements, by content and by key.
    let mut clash_contents: HashMap<u32, (usize, Side, EditKind)> = HashMap::new();
    let mut clash_keys: HashMap<u32, usize> = HashMap::new();
    for (c, clash) in p.clashes.iter().enumerate() {
        clash_keys.insert(v.base.ids.key[clash.base], c);
        for &(side, edit, j) in &clash.edits {
            if let Some(j) = j {
                clash_contents.insert(v.side(side).version.ids.content[j], (c, side, edit));
            }
        }
    }
    let mut clash_reported = vec![false; p.clashes.len()];
    for pos in unexplained {
        let (content, key) = (r.version.ids.content[pos], r.version.ids.key[pos]);
        let element = r.version.elements[pos].clone();
        let (side, edit, problem) = if let Some(&(c, side, edit)) = clash_contents.get(&content) {
            clash_reported[c] = true;
            (Some(side), edit, Problem::ClashNotConflicted)
        } else if let Some(&(side, edit)) = p.removed.get(&content) {
            (Some(side), edit, Problem::Resurrected)
        } else if let Some(&e) = expected_contents.get(&content) {
            (p.expected[e].side, p.expected[e].edit, Problem::Duplicated)
        } else if let Some(&c) = clash_keys.get(&key) {
            clash_reported[c] = true;
            let (side, edit, _) = p.clashes[c].edits[0];
            (Some(side), edit, Problem::ClashNotConflicted)
        } else {
            (None, EditKind::Keep, Problem::Unexplained)
        };
        out.push(Violation {
            side,
            edit,
            problem,
            element,
        });
    }
    // A new element settled in the clean part as often as the edits allow
    // must not be offered again inside a conflict: taking that section
    // would apply it twice.
    let base_contents: HashSet<u32> = v.base.ids.content.iter().copied().collect();
    let mut clean_count: HashMap<u32, usize> = HashMap::new();
    for (pos, &in_conflict) in r.conflicted.iter().enumerate() {
        if !in_conflict {
            *clean_count.entry(r.version.ids.content[pos]).or_default() += 1;
        }
    }
    let mut expected_count: HashMap<u32, (usize, usize)> = HashMap::new();
    for (e, x) in p.expected.iter().enumerate() {
        if !x.any_content
            && matches!(
                x.edit,
                EditKind::Insert | EditKind::Replace | EditKind::Edit
            )
        {
            let entry = expected_count.entry(x.content).or_insert((0, e));
            entry.0 += 1;
        }
    }
    for (&content, &(count, e)) in &expected_count {
        let clean = clean_count.get(&content).copied().unwrap_or(0);
        if clean >= count
            && conflict_contents.contains(&content)
            && !base_contents.contains(&content)
        {
            let x = &p.expected[e];
            out.push(Violation {
                side: x.side,
                edit: x.edit,
                problem: Problem::Duplicated,
                element: x.element.clone(),
            });
        }
    }
    for (e, x) in p.expected.iter().enumerate() {
        let covered = if x.any_content {
            conflict_keys.contains(&x.key)
        } else {
            conflict_contents.contains(&x.content)
        };
        if !consumed[e] && !covered {
            out.push(Violation {
                side: x.side,
                edit: x.edit,
                problem: Problem::Lost,
                element: x.element.clone(),
            });
        }
    }
    for (c, clash) in p.clashes.iter().enumerate() {
        if clash_reported[c] {
            continue;
        }
        let base_content = v.base.ids.content[clash.base];
        let covered = conflict_contents.contains(&base_content)
            || conflict_keys.contains(&v.base.ids.key[clash.base])
            || clash.edits.iter().any(|&(side, _, j)| {
                j.is_some_and(|j| conflict_contents.contains(&v.side(side).version.ids.content[j]))
            });
        if !covered {
            let (side, edit, j) = clash
                .edits
                .iter()
                .copied()
                .find(|e| e.1 != EditKind::Delete)
                .unwrap_or(clash.edits[0]);
            let element = match j {
                Some(j) => v.side(side).version.elements[j].clone(),
                None => v.base.elements[clash.base].clone(),
            };
            out.push(Violation {
                side: Some(side),
                edit,
                problem: Problem::Lost,
                element,
            });
        }
    }
    places::check_places(v, &p, r, &clean_positions, &mut out);
    places::check_moved_rewrites(v, &p, &clean_positions, &conflict_contents, &mut out);
    out
}
