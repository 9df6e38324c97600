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
//! [`MAX_KEPT_BYTES`] of kept text, so memory stays bounded.

use std::cell::{Cell, RefCell};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use tree_sitter::{Parser, Tree};

use crate::core::merge3::Merge3;
use crate::core::render::{Markers, Piece};
use crate::decisions::Report;
use crate::fallback::Fallback;
use crate::python::parse::PythonParseError;
use crate::python::regions::Region;
use crate::settings::MergeOptions;

/// Text kept as keys, at most: beyond it results are computed, not kept.
const MAX_KEPT_BYTES: usize = 256 << 20;

/// tree-sitter calls the progress callback once per this many operations.
pub const PROGRESS_EVERY: usize = 100;

/// A parse of one text: the tree (`None` when the parser gave up), and
/// how many progress callbacks it took, so that a budgeted parse can be
/// answered from an unbudgeted one and the other way round.
#[derive(Clone)]
struct Parse {
    tree: Option<Tree>,
    checks: usize,
    /// Stopped by the budget before the end.
    cancelled: bool,
}

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
}

struct Memo {
    trees: Table<Parse>,
    /// Whether a text's tree is free of syntax errors (a walk of the whole
    /// tree, asked by every parse of the same text).
    syntax_ok: Table<bool>,
    parsed: Table<ParsedResult>,
    chunks: Table<ChunkResult>,
    modules: Table<ModuleResult>,
    kept: usize,
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
            MEMO.with(|m| m.borrow_mut().take());
        }
    }
}

fn hash_of(salt: u64, texts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    salt.hash(&mut h);
    texts.hash(&mut h);
    h.finish()
}

/// What else a merge of texts depends on: the options and the markers.
fn settings_salt(options: &MergeOptions, markers: &Markers) -> u64 {
    let mut h = DefaultHasher::new();
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

/// tree-sitter-python's parse of `text`, counting progress callbacks;
/// with a budget (in operations), stopped once over it.
fn parse_counted(text: &str, budget: Option<usize>) -> Parse {
    let mut parser = Parser::new();
    if let Err(e) = parser.set_language(&tree_sitter_python::LANGUAGE.into()) {
        panic!("the tree-sitter-python grammar does not load (a build problem): {e}");
    }
    let bytes = text.as_bytes();
    let mut checks = 0usize;
    let mut cancelled = false;
    let mut progress = |_: &tree_sitter::ParseState| {
        checks += 1;
        let over = budget.is_some_and(|b| checks.saturating_mul(PROGRESS_EVERY) > b);
        cancelled |= over;
        over
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    let tree = parser.parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
        None,
        Some(options),
    );
    Parse {
        tree,
        checks,
        cancelled,
    }
}

/// The tree of `text` (errors included; `None` only when the parser gave
/// up), parsed once per run.
pub fn tree(text: &str) -> Option<Tree> {
    let parse = memoized(|m| &mut m.trees, 0, &[text], || parse_counted(text, None));
    if !parse.cancelled {
        return parse.tree;
    }
    // Kept from a budgeted parse that stopped: this one has no budget.
    let parse = parse_counted(text, None);
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
/// would have stopped exactly when that one went past the budget).
pub fn budgeted_tree(text: &str, budget: usize) -> Result<Tree, NoTree> {
    let parse = memoized(
        |m| &mut m.trees,
        0,
        &[text],
        || parse_counted(text, Some(budget)),
    );
    if parse.cancelled || parse.checks.saturating_mul(PROGRESS_EVERY) > budget {
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
mod tests {
    use super::*;

    #[test]
    fn a_budgeted_parse_is_answered_by_an_unbudgeted_one_and_back() {
        let _scope = RunScope::open();
        let text = "x = [1, 2, 3]\n".repeat(50);
        let full = tree(&text).expect("parses");
        // A budget below what the text takes is over budget, as a fresh
        // budgeted parse says.
        assert!(matches!(budgeted_tree(&text, 1), Err(NoTree::OverBudget)));
        assert!(matches!(
            parse_counted(&text, Some(1)),
            Parse {
                cancelled: true,
                ..
            }
        ));
        let within = budgeted_tree(&text, usize::MAX)
            .ok()
            .expect("within budget");
        assert_eq!(within.root_node().to_sexp(), full.root_node().to_sexp());
    }

    #[test]
    fn a_stopped_parse_does_not_answer_an_unbudgeted_one() {
        let _scope = RunScope::open();
        let text = "y = f(a, b)\n".repeat(50);
        assert!(matches!(budgeted_tree(&text, 1), Err(NoTree::OverBudget)));
        let t = tree(&text).expect("parsed without a budget");
        assert!(!t.root_node().has_error());
    }

    #[test]
    fn results_are_kept_only_inside_a_scope() {
        let mut calls = 0;
        let texts = Merge3::new("a\n", "b\n", "c\n");
        let (o, m) = (
            MergeOptions::default(),
            Markers::for_inputs(&MergeOptions::default(), &[]),
        );
        for _ in 0..2 {
            module(texts, &o, &m, || {
                calls += 1;
                None
            });
        }
        assert_eq!(calls, 2);
        {
            let _scope = RunScope::open();
            let _inner = RunScope::open();
            for _ in 0..2 {
                module(texts, &o, &m, || {
                    calls += 1;
                    None
                });
            }
        }
        assert_eq!(calls, 3);
        let _scope = RunScope::open();
        module(texts, &o, &m, || {
            calls += 1;
            None
        });
        assert_eq!(calls, 4, "the memo ends with the outermost scope");
    }
}
