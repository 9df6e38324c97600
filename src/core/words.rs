//! Prose merged by words, for every kind that holds prose (Python comments
//! and docstrings, markdown and raw cells): the text is cut into words
//! (runs of anything but whitespace) and the runs of whitespace between
//! them, and the three versions are merged with [`diff3`]. Word edits that
//! neither overlap nor touch both apply; a word is the unit, so two edits
//! inside one word (`./imgs/nn.png` made `imgs/nn.png` and
//! `./imgs/flow2.png`) are a conflict.

use crate::core::diff3::{apply_clean, diff3, Budget};

/// Words and the whitespace between them, in order; joined they give the
/// text back.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (at, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..at]);
            start = at;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The word-level merge of three versions of a text, `None` when word
/// edits clash or a version is longer than the budget allows.
pub fn merge_words(base: &str, ours: &str, theirs: &str, budget: Budget) -> Option<String> {
    merge_word_lists(&words(base), &words(ours), &words(theirs), budget)
}

/// [`merge_words`] over texts already cut by [`words`].
pub fn merge_word_lists(
    base: &[&str],
    ours: &[&str],
    theirs: &[&str],
    budget: Budget,
) -> Option<String> {
    let hunks = diff3(base, ours, theirs, budget).ok()?;
    apply_clean(&hunks, base, ours, theirs).map(|w| w.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &str, o: &str, t: &str) -> Option<String> {
        merge_words(b, o, t, Budget::default())
    }

    #[test]
    fn words_give_the_text_back() {
        for text in ["", "a", "Hello, wörld 🤗 日本語!\n\n  x_y = 1.5", "  \n"] {
            assert_eq!(words(text).concat(), text);
        }
        assert_eq!(words("  a bc\n d"), ["  ", "a", " ", "bc", "\n ", "d"]);
        assert_eq!(words("a, b"), ["a,", " ", "b"]);
    }

    #[test]
    fn edits_at_both_ends_of_a_comment_both_apply() {
        assert_eq!(
            run(
                "# resize images to 224 before the crop",
                "# Resize images to 224 before the crop",
                "# resize images to 224 before the center crop",
            )
            .as_deref(),
            Some("# Resize images to 224 before the center crop")
        );
    }

    #[test]
    fn the_same_word_changed_twice_differently_clashes() {
        assert_eq!(run("# lr 0.1", "# lr 0.01", "# lr 0.001"), None);
        assert_eq!(run("a b\n", "a x b\n", "a y b\n"), None);
        assert_eq!(
            run(
                "(./imgs/nn.png)\n",
                "(./imgs/flow2.png)\n",
                "(imgs/nn.png)\n"
            ),
            None
        );
    }
}
