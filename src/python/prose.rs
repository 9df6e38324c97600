//! Prose merged by words: a comment or a docstring both sides changed is
//! retried with diff3 over its words (runs of non-space characters) and the
//! spaces between them; word edits that neither overlap nor touch both
//! apply.

use crate::core::diff3::{apply_clean, diff3, Budget};

/// Words and the spaces between them, in order, covering `text`.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The word-level merge of one prose token, `None` when word edits clash.
pub fn merge_words(base: &str, ours: &str, theirs: &str, budget: Budget) -> Option<String> {
    let (b, o, t) = (words(base), words(ours), words(theirs));
    let hunks = diff3(&b, &o, &t, budget).ok()?;
    apply_clean(&hunks, &b, &o, &t).map(|w| w.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &str, o: &str, t: &str) -> Option<String> {
        merge_words(b, o, t, Budget::default())
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
    }

    #[test]
    fn words_cover_the_text() {
        assert_eq!(words("  a bc\n d"), ["  ", "a", " ", "bc", "\n ", "d"]);
        assert_eq!(words("ünïcode wörds").concat(), "ünïcode wörds");
    }
}
