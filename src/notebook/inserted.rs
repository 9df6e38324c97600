//! Prose both sides inserted where the base has none, one side's copy with
//! words added: a fork sync where both sides wrote the same new section
//! (near twin cells, merged with an empty base), one of them with a missing
//! word put back or a sentence more. The longer text is the shorter one
//! with words inserted and nothing removed or changed, so it holds both
//! insertions once (merge-rules §2: "inserts X | does the same, plus other
//! edits nearby"). Texts that share less than that stay a conflict.

use similar::DiffOp;

use crate::core::budget::bounded_diff;
use crate::core::merge3::Merge3;
use crate::core::words::words;

/// Fewest words the shorter text has.
const MIN_WORDS: usize = 4;

/// Longest text (in words and the spaces between) compared.
const MAX_TOKENS: usize = 20_000;

/// The longer side's text, when the base is blank and that side's text is
/// the other side's with words inserted only (whitespace between words
/// may be inserted with them), the shorter side keeping at least half of
/// the longer side's words and [`MIN_WORDS`]; `None` otherwise.
pub fn words_added(texts: &Merge3<String>) -> Option<String> {
    if !texts.base.trim().is_empty() || texts.ours == texts.theirs {
        return None;
    }
    let (ours, theirs) = (words(&texts.ours), words(&texts.theirs));
    if ours.len().max(theirs.len()) > MAX_TOKENS {
        return None;
    }
    let (short, long, longer) = if ours.len() < theirs.len() {
        (&ours, &theirs, &texts.theirs)
    } else {
        (&theirs, &ours, &texts.ours)
    };
    let count = |ws: &[&str]| ws.iter().filter(|w| !w.trim().is_empty()).count();
    let (kept, all) = (count(short), count(long));
    if kept < MIN_WORDS || 2 * kept < all {
        return None;
    }
    let (ops, complete) = bounded_diff(short, long);
    let inserts_only = ops
        .iter()
        .all(|op| matches!(op, DiffOp::Equal { .. } | DiffOp::Insert { .. }));
    (complete && inserts_only).then(|| longer.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(base: &str, ours: &str, theirs: &str) -> Option<String> {
        words_added(&Merge3::new(base.into(), ours.into(), theirs.into()))
    }

    #[test]
    fn a_word_put_back_in_one_copy() {
        let ours = "In this tutorial, you how to train an AutoML model.\n";
        let theirs = "In this tutorial, you learn how to train an AutoML model.\n";
        assert_eq!(run("", ours, theirs).as_deref(), Some(theirs));
        assert_eq!(run("", theirs, ours).as_deref(), Some(theirs));
    }

    #[test]
    fn a_sentence_more_in_one_copy() {
        let ours = "The pipeline tunes, evaluates and deploys the model.\n";
        let theirs = "The pipeline tunes, evaluates and deploys the model. It supports Hugging Face datasets.\n";
        assert_eq!(run("\n", ours, theirs).as_deref(), Some(theirs));
    }

    #[test]
    fn a_changed_word_is_a_clash() {
        let ours = "In this tutorial, you train an AutoML model.\n";
        let theirs = "In this tutorial, you deploy an AutoML model today.\n";
        assert_eq!(run("", ours, theirs), None);
    }

    #[test]
    fn an_edit_of_base_text_is_not_an_insertion() {
        let base = "Train the model.\n";
        let ours = "Train the model on MNIST.\n";
        let theirs = "Train the model on MNIST with Keras.\n";
        assert_eq!(run(base, ours, theirs), None);
    }

    #[test]
    fn a_few_shared_words_are_not_the_same_insertion() {
        assert_eq!(run("", "Note\n", "Note that the API changed.\n"), None);
        let ours = "See the docs for more.\n";
        let theirs = "See the new docs on the Vertex AI site for more about pipelines.\n";
        assert_eq!(run("", ours, theirs), None);
    }
}
