//! merge-rules §4: a stretch of code that one side only re-formatted (same
//! tokens, comments included, other layout) and the other side edited.
//! The edits are applied token by token to the re-formatted text, where
//! that is certain: every edit stays within a line, on both sides.

use std::ops::Range;

use similar::DiffOp;

use crate::core::budget::bounded_diff;

use crate::core::merge3::Merge3;
use crate::python::parse::{leaves, Parsed};

/// One token: its bytes in its text.
type Token = Range<usize>;

/// The tokens of `parsed` inside `range`, comments included (a comment
/// changed on one side is a change), magic trailing commas left out.
pub fn tokens_in(parsed: &Parsed<'_>, range: Range<usize>) -> Vec<Token> {
    leaves(parsed.tree.root_node(), range)
        .iter()
        .map(|leaf| leaf.byte_range())
        .collect()
}

/// Merges a stretch where one side only re-formatted: `None` unless exactly
/// one side kept base's tokens with another layout and every edit of the
/// other side is certain to land on one line.
pub fn merge_reformatted(texts: Merge3<&str>, tokens: Merge3<&[Token]>) -> Option<String> {
    let words = |text: &str, toks: &[Token]| {
        toks.iter()
            .map(|t| text[t.clone()].to_string())
            .collect::<Vec<_>>()
    };
    let w = Merge3::new(
        words(texts.base, tokens.base),
        words(texts.ours, tokens.ours),
        words(texts.theirs, tokens.theirs),
    );
    let ours_reformatted = w.ours == w.base && texts.ours != texts.base;
    let theirs_reformatted = w.theirs == w.base && texts.theirs != texts.base;
    match (ours_reformatted, theirs_reformatted) {
        (true, false) => apply_edits(
            &w.base,
            &w.theirs,
            texts.ours,
            tokens.ours,
            texts.theirs,
            tokens.theirs,
        ),
        (false, true) => apply_edits(
            &w.base,
            &w.ours,
            texts.theirs,
            tokens.theirs,
            texts.ours,
            tokens.ours,
        ),
        _ => None,
    }
}

/// Applies the token edits from `base` to `edited` onto `layout` (whose
/// tokens equal base's, one for one).
fn apply_edits(
    base: &[String],
    edited: &[String],
    layout: &str,
    layout_tokens: &[Token],
    edited_text: &str,
    edited_tokens: &[Token],
) -> Option<String> {
    let mut out = String::with_capacity(layout.len());
    let mut pos = 0;
    let (ops, complete) = bounded_diff(base, edited);
    if !complete {
        // Over budget: git's conflict stands.
        return None;
    }
    for op in ops {
        if let DiffOp::Equal { .. } = op {
            continue;
        }
        let (old, new) = (op.old_range(), op.new_range());
        // The bytes of `layout` to replace, and the text to put there.
        let (at, with) = match (old.is_empty(), new.is_empty()) {
            (false, _) => {
                let at = layout_tokens[old.start].start..layout_tokens[old.end - 1].end;
                let with = if new.is_empty() {
                    String::new()
                } else {
                    edited_text[edited_tokens[new.start].start..edited_tokens[new.end - 1].end]
                        .to_string()
                };
                (at, with)
            }
            // An insertion goes before the layout's next token, with the
            // edited side's spacing up to its own next token.
            (true, false) => {
                let next = layout_tokens.get(old.start)?.start;
                let end = edited_tokens.get(new.end)?.start;
                (
                    next..next,
                    edited_text[edited_tokens[new.start].start..end].to_string(),
                )
            }
            (true, true) => continue,
        };
        let removed = &layout[at.clone()];
        if with.contains('\n') || removed.contains('\n') || at.start < pos {
            return None;
        }
        out.push_str(&layout[pos..at.start]);
        out.push_str(&with);
        pos = at.end;
    }
    out.push_str(&layout[pos..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::parse;

    fn run(b: &str, o: &str, t: &str) -> Option<String> {
        let parsed = Merge3::new(parse(b).unwrap(), parse(o).unwrap(), parse(t).unwrap());
        let toks = Merge3::new(
            tokens_in(&parsed.base, 0..b.len()),
            tokens_in(&parsed.ours, 0..o.len()),
            tokens_in(&parsed.theirs, 0..t.len()),
        );
        merge_reformatted(Merge3::new(b, o, t), toks.as_ref().map(|v| v.as_slice()))
    }

    #[test]
    fn an_edit_lands_in_the_reformatted_layout() {
        let b = "def train(model, lr=0.001, epochs=10):\n    pass\n";
        let o = "def train(\n    model,\n    lr=0.001,\n    epochs=10,\n):\n    pass\n";
        let t = "def train(model, lr=0.0005, epochs=10):\n    pass\n";
        let want = "def train(\n    model,\n    lr=0.0005,\n    epochs=10,\n):\n    pass\n";
        assert_eq!(run(b, o, t).as_deref(), Some(want));
        assert_eq!(run(b, t, o).as_deref(), Some(want));
    }

    #[test]
    fn an_edit_across_lines_is_not_certain() {
        let b = "x = f(a, b)\n";
        let o = "x = f(\n    a,\n    b,\n)\n";
        let t = "x = f(a, b)\ny = g(x)\n";
        assert_eq!(run(b, o, t), None);
    }

    #[test]
    fn both_sides_changing_tokens_is_not_a_reformat() {
        assert_eq!(run("x = f(a)\n", "x = f(b)\n", "x = f(c)\n"), None);
    }
}
