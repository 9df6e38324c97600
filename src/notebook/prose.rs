//! Prose merged by words: where both sides changed the same lines of a
//! markdown or raw cell (a markdown paragraph is one line), the clash is
//! merged again word by word (words are separated by whitespace); edits
//! that touch different words both apply, the rest stays a conflict. The
//! same change made twice, but for spaces at line ends, is one change.

use crate::core::diff3::Budget;
use crate::core::merge3::Merge3;
use crate::core::render::Piece;
use crate::core::words::{merge_word_lists, words as tokens};

/// Clashes longer than this (in tokens, on any side) stay line clashes:
/// the word diff is bounded work.
const MAX_TOKENS: usize = 20_000;

/// Whether a side rewrote most of the text (fewer than half its tokens
/// kept, as a multiset): no small edits to combine, and the word diff of
/// two unrelated texts is the costly case.
fn rewritten(base: &[&str], side: &[&str]) -> bool {
    fn count<'t>(tokens: &[&'t str]) -> std::collections::HashMap<&'t str, usize> {
        let mut counts = std::collections::HashMap::new();
        for t in tokens {
            *counts.entry(*t).or_default() += 1;
        }
        counts
    }
    let (b, s) = (count(base), count(side));
    let kept: usize = b
        .iter()
        .map(|(t, n)| (*n).min(s.get(t).copied().unwrap_or(0)))
        .sum();
    2 * kept * 2 < base.len() + side.len()
}

/// One clash merged word by word, when no two edits touch the same words.
pub fn merge_words(texts: &Merge3<String>) -> Option<String> {
    let (base, ours, theirs) = (
        tokens(&texts.base),
        tokens(&texts.ours),
        tokens(&texts.theirs),
    );
    if base.len().max(ours.len()).max(theirs.len()) > MAX_TOKENS
        || rewritten(&base, &ours)
        || rewritten(&base, &theirs)
    {
        return None;
    }
    merge_word_lists(&base, &ours, &theirs, Budget::default())
}

/// Both sides made the same change but for spaces and tabs at line ends
/// (one editor strips them, the other keeps them): rendered alike, one
/// change, each line as the side that stripped it has it. `None` where
/// they differ otherwise, or where a line of either ends in two spaces or
/// more (a markdown line break), or where the blank lines differ.
pub fn same_but_trailing_spaces(texts: &Merge3<String>) -> Option<String> {
    let line_break = |t: &str| t.lines().any(|l| l.ends_with("  "));
    fn trimmed(t: &str) -> Vec<&str> {
        t.split('\n')
            .map(|l| l.trim_end_matches([' ', '\t']))
            .collect()
    }
    let alike = texts.ours != texts.theirs
        && !line_break(&texts.ours)
        && !line_break(&texts.theirs)
        && trimmed(&texts.ours) == trimmed(&texts.theirs);
    alike.then(|| {
        let lines = texts.ours.split('\n').zip(texts.theirs.split('\n'));
        let shorter = lines.map(|(o, t)| if t.len() < o.len() { t } else { o });
        shorter.collect::<Vec<_>>().join("\n")
    })
}

/// Replaces each clash of a line merge that merges word by word (or is
/// the same change twice but for spaces at line ends) by its merged text;
/// returns how many were.
pub fn refine(pieces: &mut [Piece]) -> usize {
    let mut merged = 0;
    for piece in pieces.iter_mut() {
        if let Piece::Conflict(texts) = piece {
            if let Some(text) = same_but_trailing_spaces(texts) {
                *piece = Piece::Text(text);
                merged += 1;
            } else if let Some(text) = merge_words(texts) {
                *piece = Piece::Text(text);
                merged += 1;
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(base: &str, ours: &str, theirs: &str) -> Option<String> {
        merge_words(&Merge3::new(base.into(), ours.into(), theirs.into()))
    }

    #[test]
    fn edits_at_both_ends_of_a_paragraph_both_apply() {
        assert_eq!(
            words(
                "Teh model is trained on MNIST.\n",
                "The model is trained on MNIST.\n",
                "Teh model is trained on MNIST. It reaches 99% accuracy.\n",
            )
            .as_deref(),
            Some("The model is trained on MNIST. It reaches 99% accuracy.\n")
        );
    }

    fn same(base: &str, ours: &str, theirs: &str) -> Option<String> {
        same_but_trailing_spaces(&Merge3::new(base.into(), ours.into(), theirs.into()))
    }

    #[test]
    fn the_same_change_but_for_trailing_spaces_is_one_change() {
        assert_eq!(
            same(
                "See the docs.\n",
                "Learn more in the docs. \n",
                "Learn more in the docs.\n"
            )
            .as_deref(),
            Some("Learn more in the docs.\n")
        );
        // Each line as the side that stripped it.
        assert_eq!(
            same("a\n", "b\t\nc\n", "b\nc \n").as_deref(),
            Some("b\nc\n")
        );
        // A markdown line break (two trailing spaces) is not whitespace.
        assert_eq!(
            same("a\n", "Line one  \nline two\n", "Line one\nline two\n"),
            None
        );
        // Blank lines differ: paragraphs differ.
        assert_eq!(same("a\n", "b\n\nc\n", "b\nc\n"), None);
        assert_eq!(same("a\n", "b\n", "c\n"), None);
    }

    #[test]
    fn the_same_word_changed_twice_is_a_conflict() {
        assert_eq!(words("lr is 0.1\n", "lr is 0.01\n", "lr is 0.5\n"), None);
        assert_eq!(words("a b\n", "a x b\n", "a y b\n"), None);
        // Two edits inside one word.
        assert_eq!(
            words(
                "(./imgs/nn.png)\n",
                "(./imgs/flow2.png)\n",
                "(imgs/nn.png)\n"
            ),
            None
        );
    }
}
