//! One side only re-formatted a stretch (black re-indenting a function,
//! re-wrapping a call, `'x'` to `"x"`), the other side ran the same
//! formatter and edited it: the edited side's text already holds the
//! re-formatting, so it is the result (merge-rules §4, "one side only
//! re-formats, the other edits": the edits in the formatted layout).
//!
//! "Holds" is read token by token. The re-formatting side `r` has base's
//! tokens (a simple string in either quote style counts as the same
//! token, [`stream::normalise`](super::stream::normalise)); the editing
//! side `e` has other tokens. Wherever `r` changed base's layout — the
//! text between two tokens, or a string's quotes — `e` must show the same:
//! - a token `e` kept, `r` re-quoted: `e` writes it in `r`'s quotes;
//! - a gap `r` changed between two tokens `e` kept next to each other:
//!   `e`'s gap there is `r`'s (a gap beside `e`'s own edit is `e`'s);
//! - a string `r` re-quoted that `e` replaced: every simple string `e`
//!   wrote in its place uses `r`'s quote.
//!
//! and at least one of `r`'s layout changes shows in `e`; `r`'s tree has
//! base's shape (a line re-indented into the block above changed code). Token by token
//! the result is certain (`r` changed none); these conditions make it
//! certain that `e` is written in `r`'s layout. Anything else declines:
//! `e` in base's layout against `r`'s black run is the conflict of
//! `reformat-black-quotes-vs-added-arg-conflicts-on-the-call`.

use similar::DiffOp;

use crate::core::budget::bounded_diff;
use crate::core::diff3::kept_positions;
use crate::core::merge3::{Merge3, Side};
use crate::decisions::DecisionKind;
use crate::python::stream::{is_simple_string, parse_snippet, TokenStream};

/// The side whose change already holds the other side's, its text, and
/// how the report says so: its edits hold the other side's edits
/// ([`subsumed`](super::subsumed)), else it edited in the layout the
/// other side only re-formatted to ([`editing_side`]).
pub fn holding_side(texts: Merge3<&str>) -> Option<(Side, String, DecisionKind, &'static str)> {
    if let Some((side, text)) = super::subsumed::holding_side(texts) {
        let (kind, detail) = match side {
            Side::Theirs => (
                DecisionKind::TookTheirs,
                "theirs' change already holds ours' change (ours' edits are in it, none undone); theirs kept",
            ),
            _ => (
                DecisionKind::TookOurs,
                "ours' change already holds theirs' change (theirs' edits are in it, none undone); ours kept",
            ),
        };
        return Some((side, text, kind, detail));
    }
    let (side, text) = editing_side(texts)?;
    let (kind, detail) = match side {
        Side::Theirs => (
            DecisionKind::TookTheirs,
            "ours only re-formatted this code and theirs edited it in that same layout; theirs kept",
        ),
        _ => (
            DecisionKind::TookOurs,
            "theirs only re-formatted this code and ours edited it in that same layout; ours kept",
        ),
    };
    Some((side, text, kind, detail))
}

/// The side that edited in the other side's new layout, and its text;
/// `None` unless exactly one side only re-formatted and the other side's
/// text shows every layout change of it.
pub fn editing_side(texts: Merge3<&str>) -> Option<(Side, String)> {
    if texts.ours == texts.base || texts.theirs == texts.base || texts.ours == texts.theirs {
        return None;
    }
    // Cheap first: a re-formatting keeps every character but layout.
    let same_code = |x: &str| squeezed(texts.base).eq(squeezed(x));
    if !same_code(texts.ours) && !same_code(texts.theirs) {
        return None;
    }
    let snippets = Merge3::new(
        parse_snippet(texts.base)?,
        parse_snippet(texts.ours)?,
        parse_snippet(texts.theirs)?,
    );
    let streams = Merge3::new(
        snippets.base.tokens()?,
        snippets.ours.tokens()?,
        snippets.theirs.tokens()?,
    );
    let keys = streams.map_ref(|s| (0..s.len()).map(|i| s.key(i)).collect::<Vec<_>>());
    let (r, e) = match (keys.ours == keys.base, keys.theirs == keys.base) {
        (true, false) => (Side::Ours, Side::Theirs),
        (false, true) => (Side::Theirs, Side::Ours),
        _ => return None,
    };
    // Python's indentation is not in the tokens: a line re-indented into
    // the block above is a change of the tree, not of the layout.
    let shape = |s: &crate::python::stream::Snippet| s.tree.root_node().to_sexp();
    if shape(&snippets.base) != shape(snippets.get(r)) {
        return None;
    }
    let (ops, complete) = bounded_diff(&keys.base, keys.get(e));
    if !complete {
        return None;
    }
    let kept = kept_positions(keys.base.len(), &ops);
    holds_layout(&streams.base, streams.get(r), streams.get(e), &kept, &ops)
        .then(|| (e, texts.get(e).to_string()))
}

/// The characters of `text` a formatter does not change: all but
/// whitespace, commas, backslashes and quotes.
fn squeezed(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '\\' | '\'' | '"'))
}

/// Whether `e` shows every layout change `r` made to `base` (see the
/// module documentation).
fn holds_layout(
    base: &TokenStream<'_>,
    r: &TokenStream<'_>,
    e: &TokenStream<'_>,
    kept: &[Option<usize>],
    ops: &[DiffOp],
) -> bool {
    let n = base.len();
    // Where `e` shows one of `r`'s layout changes: `e` is in `r`'s layout.
    let mut seen = false;
    for g in 0..=n {
        if r.gap(g) == base.gap(g) {
            continue;
        }
        let Some(j) = kept_gap(kept, g, e.len()) else {
            continue;
        };
        if e.gap(j) != r.gap(g) {
            return false;
        }
        seen = true;
    }
    for (i, slot) in kept.iter().enumerate() {
        if r.token(i) == base.token(i) {
            continue;
        }
        match slot {
            Some(j) if e.token(*j) != r.token(i) => return false,
            Some(_) => seen = true,
            None => {
                let Some(written) = replacement(ops, i) else {
                    return false;
                };
                let quote = r.token(i).as_bytes().first().copied();
                let in_r_quotes = written.clone().all(|j| {
                    let t = e.token(j);
                    !is_simple_string(t) || t.as_bytes().first().copied() == quote
                });
                if !in_r_quotes {
                    return false;
                }
                seen |= written.clone().any(|j| is_simple_string(e.token(j)));
            }
        }
    }
    seen
}

/// Where base gap `g` (before base token `g`) is in `e`, when `e` kept
/// the tokens on both sides of it next to each other (the text before the
/// first token and after the last when `e` kept those tokens first and
/// last): a gap beside `e`'s own edit is `e`'s to lay out.
fn kept_gap(kept: &[Option<usize>], g: usize, e_len: usize) -> Option<usize> {
    let n = kept.len();
    match g {
        0 => (kept.first().copied().flatten() == Some(0)).then_some(0),
        _ if g == n => (kept[n - 1]? + 1 == e_len).then_some(e_len),
        _ => {
            let (before, after) = (kept[g - 1]?, kept[g]?);
            (before + 1 == after).then_some(after)
        }
    }
}

/// The tokens of the edited side written where base token `i` was
/// removed (empty for a plain deletion).
fn replacement(ops: &[DiffOp], i: usize) -> Option<std::ops::Range<usize>> {
    ops.iter().find_map(|op| match *op {
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } if (old_index..old_index + old_len).contains(&i) => Some(new_index..new_index),
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } if (old_index..old_index + old_len).contains(&i) => Some(new_index..new_index + new_len),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(base: &str, ours: &str, theirs: &str) -> Option<Side> {
        editing_side(Merge3::new(base, ours, theirs)).map(|(s, _)| s)
    }

    const BASE: &str = "def ids(model, r):\n  r = bound(\n      model, r)\n  out = []\n  for i, layer in enumerate(model.layers):\n    out.append(i)\n  return out\n";
    const BLACK: &str = "def ids(model, r):\n    r = bound(\n        model, r\n    )\n    out = []\n    for i, layer in enumerate(model.layers):\n        out.append(i)\n    return out\n";
    const BLACK_EDITED: &str = "def ids(model, r):\n    r = bound_by_name(\n        model, r\n    )\n    out = [i for i, _ in enumerate(model.layers)]\n    return out\n";

    #[test]
    fn an_edit_written_in_the_re_formatted_layout_is_the_result() {
        assert_eq!(side(BASE, BLACK, BLACK_EDITED), Some(Side::Theirs));
        assert_eq!(side(BASE, BLACK_EDITED, BLACK), Some(Side::Ours));
    }

    #[test]
    fn an_edit_in_base_layout_against_a_re_formatting_declines() {
        let edited = BASE.replace("bound(", "bound_by_name(");
        assert_eq!(side(BASE, BLACK, &edited), None);
        assert_eq!(side(BASE, &edited, BLACK), None);
    }

    #[test]
    fn a_re_quoted_string_the_other_side_replaced_in_the_new_quotes() {
        let b = "filename = 'boston.csv'\n";
        let o = "filename = \"boston.csv\"\n";
        assert_eq!(
            side(b, o, "filename = \"housing.csv\"\n"),
            Some(Side::Theirs)
        );
        assert_eq!(side(b, o, "filename = 'housing.csv'\n"), None);
    }

    #[test]
    fn a_line_re_indented_into_the_block_above_is_no_layout_change() {
        let b = "if training:\n    x = dropout(x)\ny = dense(x)\n";
        let r = "if training:\n    x = dropout(x)\n    y = dense(x)\n";
        let e = "if training:\n    x = dropout(x, 0.5)\n    y = dense(x)\n";
        assert_eq!(side(b, r, e), None);
        assert_eq!(side(b, e, r), None);
    }

    #[test]
    fn both_sides_editing_tokens_declines() {
        assert_eq!(side("x = f(a)\n", "x = f(b)\n", "x = f(c)\n"), None);
    }

    #[test]
    fn a_layout_only_change_on_both_sides_declines() {
        assert_eq!(side("x = f(a)\n", "x = f( a )\n", "x = f(a )\n"), None);
    }
}
