//! What one merge run computes once: the stages of the Python merge parse
//! and merge the same texts again and again (a chunk in the region merge,
//! then in the element retry; the whole file in the retry of the file and
//! again in the whole-file merge; an element's texts in every resolver that
//! looks at it), and each of these is a pure function of its texts.
//!
//! Within a [`RunScope`] (opened by the pipeline for one file, and by the
//! Python merge's entry points), each parse of a text and each merge of
//! three texts is done once and its result handed out again; outside any
//! scope nothing is kept. The memo is per thread and dropped when the
//! outermost scope ends, and it stops taking new entries past
//! [`MAX_KEPT_BYTES`] of kept text, so memory stays bounded. A one-shot
//! process may call [`leave_to_process_exit`]: the memo is then not freed
//! piece by piece (every tree walked to be deleted) but left to the exit.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::Hash;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use tree_sitter::Tree;

use crate::core::digest::Digest;
use crate::core::merge3::Merge3;
use crate::core::render::{Markers, Piece};
use crate::decisions::Report;
use crate::fallback::Fallback;
use crate::python::parse::PythonParseError;
use crate::python::regions::Region;
use crate::settings::MergeOptions;

mod parsing;

use parsing::{
    far_below, line_hashes, parse_counted, parse_from_kept, parse_unbudgeted, REUSE_FROM_BYTES,
};

/// Text kept as keys, at most: beyond it results are computed, not kept.
const MAX_KEPT_BYTES: usize = 256 << 20;

/// tree-sitter calls the progress callback once per this many operations.
pub const PROGRESS_EVERY: usize = 100;

/// A parse of one text: the tree (`None` when the parser gave up), and,
/// for a fresh parse, how many progress callbacks it took, so that a
/// budgeted parse can be answered from an unbudgeted one and the other way
/// round. A parse from another text's tree does other work; it keeps a
/// bound instead (see [`budgeted_tree`]).
#[derive(Clone)]
struct Parse {
    tree: Option<Tree>,
    /// A fresh parse's callbacks; `None` for a parse from another tree.
    checks: Option<usize>,
    /// What a fresh parse of the text would take, from above: `checks` for
    /// a fresh parse; for a parse from another text's tree, its own
    /// callbacks plus that text's bound (every operation of a fresh parse
    /// is over text the other one holds, or over the text changed, which
    /// the parse from the other tree parsed again).
    bound: usize,
    /// Stopped by the budget before the end.
    cancelled: bool,
    /// The hash and length of each line of the text, set when the parse
    /// is kept ([`parsing::closest_kept`] compares every kept text with a new one).
    lines: Option<Rc<[(u64, usize)]>>,
}

/// Callbacks a count can miss: each parse's count is rounded down to whole
/// [`PROGRESS_EVERY`]s.
pub const ROUNDING: usize = 2;

/// A parse from another text's tree answers a budget when its bound is
/// this many times below it (real code takes about 1 operation per byte,
/// the budget 40); nearer the budget a fresh parse decides.
const BOUND_MARGIN: usize = 4;

/// The result of a chunk merge (`python::merge`'s region merge).
pub type ChunkResult = Result<(Vec<Piece>, Report), Fallback>;
/// The result of the structured merge of whole files over three texts.
pub type ModuleResult = Option<(Vec<Piece>, Report)>;
/// The tree and the regions of a text (`python::parse::parse`).
pub type ParsedResult = Result<(Tree, Vec<Region>), PythonParseError>;

/// Results keyed by a hash of their inputs, the inputs kept to compare.
struct Table<V> {
    entries: HashMap<u64, Vec<(Vec<String>, V)>>,
}

impl<V: Clone> Table<V> {
    fn new() -> Self {
        Self {
            entries: HashMap::new(),
        }
    }

    fn get(&self, hash: u64, texts: &[&str]) -> Option<V> {
        self.entries.get(&hash)?.iter().find_map(|(keys, v)| {
            (keys.len() == texts.len() && keys.iter().zip(texts).all(|(k, t)| k == t))
                .then(|| v.clone())
        })
    }

    fn insert(&mut self, hash: u64, texts: &[&str], value: V) {
        let keys = texts.iter().map(|t| t.to_string()).collect();
        self.entries.entry(hash).or_default().push((keys, value));
    }

    /// Replaces the kept value of `texts`; `false` when none is kept.
    fn replace(&mut self, hash: u64, texts: &[&str], value: V) -> bool {
        let Some(kept) = self.entries.get_mut(&hash).and_then(|e| {
            e.iter_mut().find(|(keys, _)| {
                keys.len() == texts.len() && keys.iter().zip(texts).all(|(k, t)| k == t)
            })
        }) else {
            return false;
        };
        kept.1 = value;
        true
    }
}

struct Memo {
    trees: Table<Parse>,
    /// Whether a text's tree is free of syntax errors (a walk of the whole
    /// tree, asked by every parse of the same text).
    syntax_ok: Table<bool>,
    parsed: Table<ParsedResult>,
    chunks: Table<ChunkResult>,
    modules: Table<ModuleResult>,
    lines: Table<Vec<Piece>>,
    kept: usize,
}

/// Set by [`leave_to_process_exit`].
static LEFT_TO_EXIT: AtomicBool = AtomicBool::new(false);

/// For a process that exits right after its one merge (the `merge`
/// command): freeing the kept trees and results costs a few percent of
/// the run and gains nothing, so the outermost scope leaves them to the
/// exit. Not for a process that merges in a loop.
pub fn leave_to_process_exit() {
    LEFT_TO_EXIT.store(true, Ordering::Relaxed);
}

thread_local! {
    static MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// While alive, results are kept (see the module documentation).
pub struct RunScope(());

impl RunScope {
    pub fn open() -> Self {
        DEPTH.with(|d| d.set(d.get() + 1));
        MEMO.with(|m| {
            let mut m = m.borrow_mut();
            if m.is_none() {
                *m = Some(Memo {
                    trees: Table::new(),
                    syntax_ok: Table::new(),
                    parsed: Table::new(),
                    chunks: Table::new(),
                    modules: Table::new(),
                    lines: Table::new(),
                    kept: 0,
                });
            }
        });
        RunScope(())
    }
}

impl Drop for RunScope {
    fn drop(&mut self) {
        let left = DEPTH.with(|d| {
            let left = d.get().saturating_sub(1);
            d.set(left);
            left
        });
        if left == 0 {
            let memo = MEMO.with(|m| m.borrow_mut().take());
            if LEFT_TO_EXIT.load(Ordering::Relaxed) {
                std::mem::forget(memo);
            }
        }
    }
}

fn hash_of(salt: u64, texts: &[&str]) -> u64 {
    let mut h = Digest::new();
    salt.hash(&mut h);
    texts.hash(&mut h);
    h.finish()
}

/// What else a merge of texts depends on: the options and the markers.
fn settings_salt(options: &MergeOptions, markers: &Markers) -> u64 {
    let mut h = Digest::new();
    format!("{options:?}{markers:?}").hash(&mut h);
    h.finish()
}

/// `compute` once per inputs in a run: the kept result, else computed (and
/// kept when a scope is open and there is room).
fn memoized<V: Clone>(
    table: fn(&mut Memo) -> &mut Table<V>,
    salt: u64,
    texts: &[&str],
    compute: impl FnOnce() -> V,
) -> V {
    let open = DEPTH.with(|d| d.get() > 0);
    if !open {
        return compute();
    }
    let hash = hash_of(salt, texts);
    let found = MEMO.with(|m| {
        m.borrow_mut()
            .as_mut()
            .and_then(|m| table(m).get(hash, texts))
    });
    if let Some(v) = found {
        return v;
    }
    let value = compute();
    let size: usize = texts.iter().map(|t| t.len()).sum();
    MEMO.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            if m.kept.saturating_add(size) <= MAX_KEPT_BYTES {
                m.kept += size;
                table(m).insert(hash, texts, value.clone());
            }
        }
    });
    value
}

/// The kept parse of `text`, if any.
fn kept_parse(text: &str) -> Option<Parse> {
    if DEPTH.with(|d| d.get() == 0) {
        return None;
    }
    let hash = hash_of(0, &[text]);
    MEMO.with(|m| m.borrow().as_ref().and_then(|m| m.trees.get(hash, &[text])))
}

/// Keeps `parse` as `text`'s (in place of a kept one), when a scope is
/// open and there is room.
fn keep_parse(text: &str, parse: &Parse) {
    if DEPTH.with(|d| d.get() == 0) {
        return;
    }
    let hash = hash_of(0, &[text]);
    let mut parse = parse.clone();
    if parse.lines.is_none() && text.len() >= REUSE_FROM_BYTES / 2 {
        parse.lines = Some(line_hashes(text).into());
    }
    MEMO.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            if m.trees.replace(hash, &[text], parse.clone()) {
                return;
            }
            if m.kept.saturating_add(text.len()) <= MAX_KEPT_BYTES {
                m.kept += text.len();
                m.trees.insert(hash, &[text], parse);
            }
        }
    });
}

/// The tree of `text` (errors included; `None` only when the parser gave
/// up), parsed once per run, from a similar text's tree where it can be.
pub fn tree(text: &str) -> Option<Tree> {
    if let Some(parse) = kept_parse(text).filter(|p| !p.cancelled) {
        return parse.tree;
    }
    // None kept, or kept from a budgeted parse that stopped.
    let parse = parse_unbudgeted(text);
    keep_parse(text, &parse);
    parse.tree
}

/// `check` of `text`'s tree (a pure function of it), once per run.
pub fn syntax_ok(text: &str, check: impl FnOnce() -> bool) -> bool {
    memoized(|m| &mut m.syntax_ok, 0, &[text], check)
}

/// Why a budgeted parse gave no tree.
pub enum NoTree {
    /// The budget ran out.
    OverBudget,
    /// The parser gave up for another reason.
    Failed,
}

/// The tree of `text` within `budget` parser operations, parsed once per
/// run (an unbudgeted parse of the same text answers it: the budgeted one
/// would have stopped exactly when that one went past the budget). A parse
/// from another text's tree answers it when its bound is [`BOUND_MARGIN`]
/// times below the budget; otherwise a fresh parse decides.
pub fn budgeted_tree(text: &str, budget: usize) -> Result<Tree, NoTree> {
    let over = |checks: usize| checks.saturating_mul(PROGRESS_EVERY) > budget;
    let kept = kept_parse(text);
    let parse = match kept {
        Some(Parse {
            checks: Some(checks),
            cancelled,
            tree,
            ..
        }) => {
            if cancelled || over(checks) {
                return Err(NoTree::OverBudget);
            }
            return tree.ok_or(NoTree::Failed);
        }
        // A parse from another tree far below the budget is within it;
        // nearer, a fresh parse decides, and is kept unless it stopped (the
        // kept tree still answers an unbudgeted parse).
        Some(Parse {
            checks: None,
            bound,
            tree,
            ..
        }) if far_below(bound, budget) => {
            return tree.ok_or(NoTree::Failed);
        }
        Some(Parse { checks: None, .. }) => {
            let parse = parse_counted(text, Some(budget));
            if !parse.cancelled {
                keep_parse(text, &parse);
            }
            parse
        }
        None => {
            // From a similar text's tree when that stays far below the
            // budget (the parse stopped at that cap), else afresh.
            let cap = budget / PROGRESS_EVERY / BOUND_MARGIN;
            let parse = parse_from_kept(text, Some(cap))
                .filter(|p| far_below(p.bound, budget))
                .unwrap_or_else(|| parse_counted(text, Some(budget)));
            keep_parse(text, &parse);
            parse
        }
    };
    if parse.cancelled || parse.checks.is_some_and(over) {
        return Err(NoTree::OverBudget);
    }
    parse.tree.ok_or(NoTree::Failed)
}

/// `python::parse::parse`'s tree and regions of `text`, once per run.
pub fn parsed(text: &str, compute: impl FnOnce() -> ParsedResult) -> ParsedResult {
    memoized(|m| &mut m.parsed, 0, &[text], compute)
}

/// A chunk merge of three texts under these settings, once per run.
pub fn chunk(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
    compute: impl FnOnce() -> ChunkResult,
) -> ChunkResult {
    if DEPTH.with(|d| d.get() == 0) {
        return compute();
    }
    let salt = settings_salt(options, markers);
    memoized(
        |m| &mut m.chunks,
        salt,
        &[texts.base, texts.ours, texts.theirs],
        compute,
    )
}

/// The line merge of three texts (`core::line_merge::merge_lines`, a
/// pure function of them), once per run: the hunks of a notebook cell's
/// second merge (`final_newline`, the texts as they are) and of the
/// whole-file retry are often the first merge's again.
pub fn lines(texts: Merge3<&str>) -> Vec<Piece> {
    if texts.resolve_trivial().is_some() {
        return crate::core::line_merge::merge_lines(texts);
    }
    memoized(
        |m| &mut m.lines,
        0,
        &[texts.base, texts.ours, texts.theirs],
        || crate::core::line_merge::merge_lines(texts),
    )
}

/// The structured merge of whole files over three texts under these
/// settings, once per run.
pub fn module(
    texts: Merge3<&str>,
    options: &MergeOptions,
    markers: &Markers,
    compute: impl FnOnce() -> ModuleResult,
) -> ModuleResult {
    if DEPTH.with(|d| d.get() == 0) {
        return compute();
    }
    let salt = settings_salt(options, markers);
    memoized(
        |m| &mut m.modules,
        salt,
        &[texts.base, texts.ours, texts.theirs],
        compute,
    )
}

#[cfg(test)]
mod tests;
