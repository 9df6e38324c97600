//! The independent change-preservation check (issue 8, merge-rules §1.1):
//! given base, ours, theirs and a merge result as sequences of elements
//! (layers, arguments, cells, lines…), it computes each side's edit script
//! against the base and checks that every edit of both sides is in the
//! result exactly once (an edit both sides made counts once), that no
//! deletion is undone, that moves are applied, and that elements both
//! sides touched in incompatible ways lie inside a conflict.
//!
//! It is written apart from the merge code and calls none of its matching,
//! alignment or planning, so that it does not share their mistakes. Its
//! work is bounded by the size of its input: over budget it answers
//! [`Verdict::Unchecked`], which callers treat as "not certain".

mod account;
mod diff;
mod doubled;
mod lines;
mod script;
mod verdict;
mod words;

use std::collections::HashMap;

use diff::Budget;
use script::{Ids, Reading, Script};
use words::Worded;

pub use doubled::doubled_line;
pub use lines::{
    check_clean_lines, check_conflicted_lines, check_lines, line_check_fits, lines_suspect,
    MAX_LINE_CHECK_BYTES,
};
pub use verdict::{Problem, Unchecked, Verdict, Violation};

/// One element of a sequence: a key that identifies it across versions
/// (a layer's constructor, an argument's name or position, a cell id) and
/// its full content (what must be equal for "unchanged").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Element {
    pub key: String,
    pub content: String,
}

impl Element {
    pub fn new(key: impl Into<String>, content: impl Into<String>) -> Self {
        Element {
            key: key.into(),
            content: content.into(),
        }
    }

    /// An element whose key is its content (a line, an import name).
    pub fn plain(content: impl Into<String>) -> Self {
        let content = content.into();
        Element {
            key: content.clone(),
            content,
        }
    }
}

/// An element of the merge result and whether it lies inside a conflict
/// (in any section of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultElement {
    pub element: Element,
    pub in_conflict: bool,
}

impl ResultElement {
    pub fn clean(element: Element) -> Self {
        ResultElement {
            element,
            in_conflict: false,
        }
    }

    pub fn conflicted(element: Element) -> Self {
        ResultElement {
            element,
            in_conflict: true,
        }
    }
}

/// One of the two sides of the merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Ours,
    Theirs,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        }
    }
}

/// An edit of a side against the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EditKind {
    /// No edit: the element is in all three versions unchanged.
    Keep,
    Insert,
    Delete,
    /// Another element (another key) in its place.
    Replace,
    /// The same key, other content, same place.
    Edit,
    /// The same content at another place.
    Move,
}

impl EditKind {
    pub fn name(self) -> &'static str {
        match self {
            EditKind::Keep => "keep",
            EditKind::Insert => "insertion",
            EditKind::Delete => "deletion",
            EditKind::Replace => "replacement",
            EditKind::Edit => "edit",
            EditKind::Move => "move",
        }
    }
}

/// How the check reads its input.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Pair a deleted element with the same content inserted elsewhere as
    /// a move (off for lines, where git's line merge has no moves).
    pub moves: bool,
    /// Keys name elements (attribute names, cell ids): an element whose
    /// key is found once in the base and once in a side, elsewhere and
    /// edited, moved there.
    pub moves_by_key: bool,
    /// Keys do not name elements (notebook cells without ids, keyed by
    /// their type): a deleted element and an inserted one of the same key
    /// that are each other's most alike, sharing three quarters of their
    /// words, are a move with an edit.
    pub moves_by_likeness: bool,
    /// A move on one side and an edit on the other of the same element
    /// merge (notebook cells: the cell moves with the edit) instead of
    /// clashing (layers: merge-rules §2). Without `moves_by_key` (no
    /// names), a replacement in the element's place merges so too.
    pub moved_edits_merge: bool,
    /// Only a content the side deleted one copy of and wrote one new
    /// copy of moves, however often the base repeats it, and not as a
    /// lone statement of a block the side rewrote (lines: a `return x` of
    /// a helper both sides deleted is not moved to the new helper one
    /// side wrote; a repeated `x = self.relu(x)` one side moved is).
    pub unique_moves: bool,
    /// Contents that never move, whatever their count: a statement with
    /// nothing of its own (lines: a bare `else:` or `return`, deleted at
    /// one place and written at another, pairs two unrelated blocks).
    pub fixed: fn(&str) -> bool,
    /// Work units allowed per input element.
    pub budget_per_element: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            moves: true,
            moves_by_key: false,
            moves_by_likeness: false,
            moved_edits_merge: false,
            unique_moves: false,
            fixed: |_| false,
            budget_per_element: 256,
        }
    }
}

/// Work any input may spend, however small.
const BUDGET_FLOOR: u64 = 1 << 16;

/// Checks `result` against the edits of `ours` and `theirs` on `base`.
pub fn check(
    base: &[Element],
    ours: &[Element],
    theirs: &[Element],
    result: &[ResultElement],
) -> Verdict {
    check_with(base, ours, theirs, result, Options::default())
}

/// [`check`] with explicit options.
pub fn check_with(
    base: &[Element],
    ours: &[Element],
    theirs: &[Element],
    result: &[ResultElement],
    options: Options,
) -> Verdict {
    check_with_inside(base, ours, theirs, result, options, &|_| true)
}

/// An element both sides edited differently and the clean result element
/// that holds it under its key: whether that element merges both edits is
/// a question for the level below (arguments, fields of a line).
pub struct BothEdited<'e> {
    pub base: &'e Element,
    pub ours: &'e Element,
    pub theirs: &'e Element,
    pub result: &'e Element,
}

/// [`check_with`], where `inside` checks each element both sides edited
/// differently at its own level (an element it refuses is a clash the
/// result settled silently).
pub fn check_with_inside(
    base: &[Element],
    ours: &[Element],
    theirs: &[Element],
    result: &[ResultElement],
    options: Options,
    inside: &dyn Fn(BothEdited<'_>) -> bool,
) -> Verdict {
    let total = (base.len() + ours.len() + theirs.len() + result.len()) as u64;
    let units = total
        .saturating_mul(options.budget_per_element)
        .saturating_add(BUDGET_FLOOR);
    let mut budget = Budget::new(units);
    let over = Verdict::Unchecked(Unchecked::OverBudget { budget: units });
    let mut interner = Interner::default();
    let base_ids = interner.ids(base);
    let ours_ids = interner.ids(ours);
    let theirs_ids = interner.ids(theirs);
    let result_elements: Vec<Element> = result.iter().map(|r| r.element.clone()).collect();
    let result_ids = interner.ids(&result_elements);
    let reading = Reading {
        moves: options.moves,
        moves_by_key: options.moves_by_key,
        moves_by_likeness: options.moves_by_likeness,
        unique_moves: options.unique_moves,
        fixed: options.fixed,
    };
    // Each element's words counted once for the whole check.
    let (base_w, ours_w, theirs_w) = (Worded::new(base), Worded::new(ours), Worded::new(theirs));
    let (Ok(mut ours_script), Ok(mut theirs_script)) = (
        Script::compute(
            base_ids.ids(),
            ours_ids.ids(),
            (&base_w, &ours_w),
            reading,
            &mut budget,
        ),
        Script::compute(
            base_ids.ids(),
            theirs_ids.ids(),
            (&base_w, &theirs_w),
            reading,
            &mut budget,
        ),
    ) else {
        return over;
    };
    if options.moves_by_likeness {
        let (ours_deleted, theirs_deleted) = (ours_script.deleted(), theirs_script.deleted());
        let unpaired = ours_script
            .unpair_unlike_edits(
                &theirs_deleted,
                (base_ids.ids(), ours_ids.ids()),
                (&base_w, &ours_w),
                &mut budget,
            )
            .and_then(|()| {
                theirs_script.unpair_unlike_edits(
                    &ours_deleted,
                    (base_ids.ids(), theirs_ids.ids()),
                    (&base_w, &theirs_w),
                    &mut budget,
                )
            });
        if unpaired.is_err() {
            return over;
        }
    }
    let theirs_deleted = theirs_script.deleted_unless_replaced_alike(
        theirs_ids.ids().content,
        &ours_script,
        ours_ids.ids().content,
    );
    let ours_deleted = ours_script.deleted_unless_replaced_alike(
        ours_ids.ids().content,
        &theirs_script,
        theirs_ids.ids().content,
    );
    ours_script.pair_replacements(&theirs_deleted);
    theirs_script.pair_replacements(&ours_deleted);
    ours_script.adopt_the_others_replacements(
        (base_ids.ids(), ours_ids.ids()),
        &theirs_script,
        &theirs_ids.content,
    );
    theirs_script.adopt_the_others_replacements(
        (base_ids.ids(), theirs_ids.ids()),
        &ours_script,
        &ours_ids.content,
    );
    for displace_edits in [false, true] {
        ours_script.follow(
            (base_ids.ids(), ours_ids.ids()),
            &theirs_script,
            &theirs_ids.content,
            displace_edits,
        );
        theirs_script.follow(
            (base_ids.ids(), theirs_ids.ids()),
            &ours_script,
            &ours_ids.content,
            displace_edits,
        );
    }
    // Without names, a content one side put in a base element's place and
    // the other inserted while keeping that element is one insertion both
    // made (script/inserted_alike.rs); both sides read from the same
    // scripts, so the side order does not matter.
    let mut shared_new = Vec::new();
    if options.moved_edits_merge && !options.moves_by_key {
        let by_ours = ours_script.replaced_by_the_others_insertion(
            ours_ids.ids().content,
            &theirs_script,
            theirs_ids.ids().content,
        );
        let by_theirs = theirs_script.replaced_by_the_others_insertion(
            theirs_ids.ids().content,
            &ours_script,
            ours_ids.ids().content,
        );
        ours_script.read_as_inserted(&by_ours);
        theirs_script.read_as_inserted(&by_theirs);
        shared_new.extend(by_ours.iter().map(|f| (f.new, f.others)));
        shared_new.extend(by_theirs.iter().map(|f| (f.others, f.new)));
    }
    let versions = account::Versions {
        base: account::Version {
            elements: base,
            ids: base_ids.ids(),
        },
        ours: account::SideVersion {
            version: account::Version {
                elements: ours,
                ids: ours_ids.ids(),
            },
            script: &ours_script,
        },
        theirs: account::SideVersion {
            version: account::Version {
                elements: theirs,
                ids: theirs_ids.ids(),
            },
            script: &theirs_script,
        },
        shared_new: &shared_new,
    };
    let conflicted: Vec<bool> = result.iter().map(|r| r.in_conflict).collect();
    let outcome = account::Outcome {
        version: account::Version {
            elements: &result_elements,
            ids: result_ids.ids(),
        },
        conflicted: &conflicted,
    };
    let moved = account::MovedChanges {
        edits_merge: options.moved_edits_merge,
        replacements_merge: options.moved_edits_merge && !options.moves_by_key,
        new_by_key: options.moves_by_key,
    };
    let violations = account::check(&versions, &outcome, moved, inside);
    if violations.is_empty() {
        Verdict::Ok
    } else {
        Verdict::Violations(violations)
    }
}

/// Gives each distinct content and key a small number (the texts are
/// borrowed from the elements, not copied).
#[derive(Default)]
struct Interner<'e> {
    contents: HashMap<&'e str, u32>,
    keys: HashMap<&'e str, u32>,
}

struct IdVecs {
    content: Vec<u32>,
    key: Vec<u32>,
}

impl IdVecs {
    fn ids(&self) -> Ids<'_> {
        Ids {
            content: &self.content,
            key: &self.key,
        }
    }
}

impl<'e> Interner<'e> {
    fn ids(&mut self, elements: &'e [Element]) -> IdVecs {
        let intern = |map: &mut HashMap<&'e str, u32>, s: &'e str| -> u32 {
            let next = map.len() as u32;
            *map.entry(s).or_insert(next)
        };
        IdVecs {
            content: elements
                .iter()
                .map(|e| intern(&mut self.contents, &e.content))
                .collect(),
            key: elements
                .iter()
                .map(|e| intern(&mut self.keys, &e.key))
                .collect(),
        }
    }
}
