//! How the memo parses a text it has not kept: afresh with tree-sitter,
//! counting progress callbacks against a budget, or from the tree of the
//! kept text most like it (same lines, at least half of them).

use std::hash::Hash;

use tree_sitter::{Parser, Tree};

use super::{Memo, Parse, BOUND_MARGIN, MEMO, PROGRESS_EVERY, ROUNDING};
use crate::core::digest::Digest;

pub(super) fn python_parser() -> Parser {
    let mut parser = Parser::new();
    if let Err(e) = parser.set_language(&tree_sitter_python::LANGUAGE.into()) {
        panic!("the tree-sitter-python grammar does not load (a build problem): {e}");
    }
    parser
}

/// tree-sitter-python's parse of `text`, counting progress callbacks;
/// with a budget (in operations), stopped once over it.
pub(super) fn parse_counted(text: &str, budget: Option<usize>) -> Parse {
    let mut parser = python_parser();
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
        checks: Some(checks),
        bound: checks,
        cancelled,
        lines: None,
    }
}

/// Texts shorter than this are parsed afresh (a parse from another tree
/// first diffs the texts, which costs about as much there).
pub(super) const REUSE_FROM_BYTES: usize = 4096;

/// The hash and length of each line of `text` (the last one without its
/// newline when it has none).
pub(super) fn line_hashes(text: &str) -> Vec<(u64, usize)> {
    let hash = |line: &str| {
        let mut h = Digest::new();
        line.hash(&mut h);
        h.finish()
    };
    let mut out = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = text.get(start..=end).unwrap_or_default();
        out.push((hash(line), line.len()));
        start = end + 1;
    }
    if start < text.len() {
        let line = text.get(start..).unwrap_or_default();
        out.push((hash(line), line.len()));
    }
    out
}

/// The kept text (with its whole tree) that shares the most lines with
/// `text`, when they are at least half of `text`.
pub(super) fn closest_kept(memo: &Memo, text: &str) -> Option<(String, Tree, usize)> {
    let lines: std::collections::HashSet<u64> =
        line_hashes(text).into_iter().map(|(h, _)| h).collect();
    let mut best: Option<(usize, &str, &Parse)> = None;
    for (keys, parse) in memo.trees.entries.values().flatten() {
        let (Some(kept), Some(_)) = (keys.first(), parse.tree.as_ref()) else {
            continue;
        };
        if parse.cancelled || kept.len() < text.len() / 2 || kept.len() / 2 > text.len() {
            continue;
        }
        let shared: usize = match &parse.lines {
            Some(kept_lines) => kept_lines
                .iter()
                .filter(|(h, _)| lines.contains(h))
                .map(|(_, len)| len)
                .sum(),
            None => line_hashes(kept)
                .iter()
                .filter(|(h, _)| lines.contains(h))
                .map(|(_, len)| len)
                .sum(),
        };
        if shared * 2 >= text.len() && best.is_none_or(|(b, _, _)| shared > b) {
            best = Some((shared, kept, parse));
        }
    }
    let (_, kept, parse) = best?;
    Some((kept.to_string(), parse.tree.clone()?, parse.bound))
}

/// An unbudgeted parse of `text`: from the tree of a kept text much like
/// it when there is one and the tree so made has no error (errors come
/// from a fresh parse only), else afresh.
pub(super) fn parse_unbudgeted(text: &str) -> Parse {
    parse_from_kept(text, None).unwrap_or_else(|| parse_counted(text, None))
}

/// `text` parsed from the tree of the kept text most like it, when there
/// is one, the tree has no error, and (with a cap, in progress callbacks)
/// the parse stayed within the cap.
pub(super) fn parse_from_kept(text: &str, cap: Option<usize>) -> Option<Parse> {
    if text.len() < REUSE_FROM_BYTES {
        return None;
    }
    let (old, old_tree, old_bound) =
        MEMO.with(|m| m.borrow().as_ref().and_then(|m| closest_kept(m, text)))?;
    let (tree, checks) =
        crate::python::reparse::reparse(&mut python_parser(), &old, &old_tree, text, cap);
    let tree = tree.filter(|t| !t.root_node().has_error())?;
    Some(Parse {
        tree: Some(tree),
        checks: None,
        bound: checks.saturating_add(old_bound).saturating_add(ROUNDING),
        cancelled: false,
        lines: None,
    })
}

/// Whether a parse's bound is [`BOUND_MARGIN`] times below `budget`.
pub(super) fn far_below(bound: usize, budget: usize) -> bool {
    bound
        .saturating_mul(PROGRESS_EVERY)
        .saturating_mul(BOUND_MARGIN)
        <= budget
}
