//! Each line conflict of a stretch of a parsed Python file, retried at token
//! level ([`crate::python::submerge`]): the call site of the sub-line merge
//! until the resolver chain of the structured merge (branch `pystruct`)
//! takes it over.
//!
//! A conflict is resolved only when the token merge is clean and the file
//! with the resolved text in place (ours' lines at the other conflicts)
//! still parses without errors.

use std::ops::Range;

use tree_sitter::{Parser, Tree};

use crate::core::diff3::Budget;
use crate::core::merge3::{Merge3, Side};
use crate::core::render::Piece;
use crate::python::reparse::reparse;
use crate::python::stream::{well_indented, TokenStream};
use crate::python::submerge::{merge_streams_around, Used};

/// One version: the parsed file's text, its tree, the stretch.
pub struct Version<'a> {
    pub text: &'a str,
    pub tree: &'a Tree,
    pub range: Range<usize>,
}

/// The pieces of the stretch with every conflict the token merge settles
/// replaced by its text, and the rules each settled conflict used; `None`
/// when none was settled.
pub fn retry_line_conflicts(
    versions: Merge3<Version<'_>>,
    budget: Budget,
) -> Option<(Vec<Piece>, Vec<Used>)> {
    let stretch = versions.map_ref(|v| v.text.get(v.range.clone()).unwrap_or(""));
    let merge = similar::TextMerge::from_lines(stretch.base, stretch.ours, stretch.theirs);
    let starts = stretch.map_ref(|t| line_starts(t));
    let mut pieces = Vec::new();
    let mut settled = Vec::new();
    for region in merge.regions() {
        use similar::MergeResolution::*;
        let bytes = |starts: &[usize], lines: Range<usize>, offset: usize| {
            let at = |i: usize| starts.get(i).copied().unwrap_or(0) + offset;
            at(lines.start)..at(lines.end)
        };
        let spans = Merge3::new(
            bytes(&starts.base, region.base_range(), versions.base.range.start),
            bytes(&starts.ours, region.ours_range(), versions.ours.range.start),
            bytes(
                &starts.theirs,
                region.theirs_range(),
                versions.theirs.range.start,
            ),
        );
        let text =
            |v: &Version<'_>, r: &Range<usize>| v.text.get(r.clone()).unwrap_or("").to_string();
        let piece = match region.resolution() {
            Ours | Both => Piece::Text(text(&versions.ours, &spans.ours)),
            Theirs => Piece::Text(text(&versions.theirs, &spans.theirs)),
            Conflict => {
                let streams = Merge3::new(
                    TokenStream::from_tree(
                        versions.base.text,
                        versions.base.tree.root_node(),
                        spans.base.clone(),
                    ),
                    TokenStream::from_tree(
                        versions.ours.text,
                        versions.ours.tree.root_node(),
                        spans.ours.clone(),
                    ),
                    TokenStream::from_tree(
                        versions.theirs.text,
                        versions.theirs.tree.root_node(),
                        spans.theirs.clone(),
                    ),
                );
                let merged = match (&streams.base, &streams.ours, &streams.theirs) {
                    (Some(b), Some(o), Some(t)) => {
                        let around = relaid_around(&versions, &spans);
                        merge_streams_around(versions.base.text, b, o, t, budget, around)
                    }
                    _ => None,
                };
                match merged {
                    Some(m) if parses_in_place(&versions.ours, &spans.ours, &m.text) => {
                        settled.push(m.used);
                        Piece::Text(m.text)
                    }
                    _ => Piece::Conflict(Merge3::new(
                        text(&versions.base, &spans.base),
                        text(&versions.ours, &spans.ours),
                        text(&versions.theirs, &spans.theirs),
                    )),
                }
            }
            _ => Piece::Text(text(&versions.base, &spans.base)),
        };
        pieces.push(piece);
    }
    (!settled.is_empty()).then_some((pieces, settled))
}

/// The side that alone re-indented the code right after the conflict:
/// the next non-blank line after it indented as in the base on one side
/// only (a side re-indenting a function with tabs while both insert the
/// same first statement: written in the other side's spaces, the
/// statement would mix the two in one block).
fn relaid_around(versions: &Merge3<Version<'_>>, spans: &Merge3<Range<usize>>) -> Option<Side> {
    let indent = |v: &Version<'_>, at: usize| -> Option<String> {
        let line = v.text.get(at..)?.lines().find(|l| !l.trim().is_empty())?;
        Some(line[..line.len() - line.trim_start().len()].to_string())
    };
    let base = indent(&versions.base, spans.base.end)?;
    let ours = indent(&versions.ours, spans.ours.end)? == base;
    let theirs = indent(&versions.theirs, spans.theirs.end)? == base;
    match (ours, theirs) {
        (true, false) => Some(Side::Theirs),
        (false, true) => Some(Side::Ours),
        _ => None,
    }
}

/// Byte offsets of each line's start, and of the end.
fn line_starts(text: &str) -> Vec<usize> {
    let mut out = vec![0];
    out.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    if out.last() != Some(&text.len()) {
        out.push(text.len());
    }
    out
}

/// Whether ours' file with `span` replaced by `text` parses without errors
/// and is well indented. The candidate is parsed from ours' tree (it
/// differs from ours' text at one span); a tree so made with an error is
/// not trusted, and the verdict is then a fresh parse's, as in
/// [`crate::python::memo`] (an error-free tree from an incremental parse is
/// the fresh parse's tree: `python::reparse`'s tests).
fn parses_in_place(ours: &Version<'_>, span: &Range<usize>, text: &str) -> bool {
    let (Some(before), Some(after)) = (ours.text.get(..span.start), ours.text.get(span.end..))
    else {
        return false;
    };
    let candidate = format!("{before}{text}{after}");
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return false;
    }
    let well_formed =
        |tree: &Tree| !tree.root_node().has_error() && well_indented(tree.root_node());
    let (reparsed, _) = reparse(&mut parser, ours.text, ours.tree, &candidate, None);
    if let Some(tree) = reparsed.filter(|t| !t.root_node().has_error()) {
        return well_formed(&tree);
    }
    parser
        .parse(&candidate, None)
        .is_some_and(|tree| well_formed(&tree))
}
