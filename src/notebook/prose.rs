//! Prose merged by words: where both sides changed the same lines of a
//! markdown or raw cell (a markdown paragraph is one line), the clash is
//! merged again word by word (words are separated by whitespace); edits
//! that touch different words both apply, the rest stays a conflict. The
//! same change made twice, but for spaces at line ends, is one change; so
//! is one side's change that the other side made too and then added whole
//! lines around ([`one_side_extends`]). Lines both sides wrote at the start
//! or end of a clash are one shared change; what is left between them is
//! merged again ([`shared_ends`]). Text both sides inserted where the base
//! has none, one copy with words added, is that copy
//! ([`inserted::words_added`]).

use super::inserted;
use crate::core::diff3::Budget;
use crate::core::line_merge::merge_lines;
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

/// Alphanumeric words (runs of letters, digits and `_`) with their counts.
fn word_counts(text: &str) -> std::collections::HashMap<&str, usize> {
    let mut counts = std::collections::HashMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
    {
        *counts.entry(w).or_default() += 1;
    }
    counts
}

/// `inner`'s lines found, in one run, among `outer`'s: the lines of
/// `outer` before and after that run, joined. A last line without its
/// newline (a cell's source ends without one) is the same line as with
/// it: `outer` may go on after `inner`'s last line.
fn lines_around(inner: &str, outer: &str) -> Option<String> {
    let ended = |text: &str| match text.ends_with('\n') {
        true => text.to_string(),
        false => format!("{text}\n"),
    };
    let (inner, outer) = (ended(inner), ended(outer));
    let (inner, outer): (Vec<&str>, Vec<&str>) = (
        inner.split_inclusive('\n').collect(),
        outer.split_inclusive('\n').collect(),
    );
    if inner.is_empty() || inner.len() >= outer.len() {
        return None;
    }
    let at = (0..=outer.len() - inner.len()).find(|&i| outer[i..i + inner.len()] == inner[..])?;
    Some([&outer[..at], &outer[at + inner.len()..]].concat().concat())
}

/// Whether `outer` is `inner` (a side's whole new text for the clash)
/// with whole lines added around it, and those added lines bring back
/// nothing `inner`'s side removed from the base: no line of `inner` but a
/// blank one is a base line (its side rewrote the stretch), and no word the base has
/// more often than `inner` occurs in the added lines.
fn extends(base: &str, inner: &str, outer: &str) -> bool {
    let Some(added) = lines_around(inner, outer) else {
        return false;
    };
    let base_lines: std::collections::HashSet<&str> = base.lines().collect();
    if inner
        .lines()
        .any(|l| !l.trim().is_empty() && base_lines.contains(l))
    {
        return false;
    }
    let (base_words, inner_words) = (word_counts(base), word_counts(inner));
    let added_words = word_counts(&added);
    !base_words
        .iter()
        .any(|(w, n)| *n > inner_words.get(w).copied().unwrap_or(0) && added_words.contains_key(w))
}

/// One side's change contains the other's: both rewrote the same lines
/// to the same new lines, and one side also added whole lines before or
/// after them (a badge row both updated, one with a new link above it; a
/// list both rewrote, one with an extra line). The longer side's text
/// holds both changes exactly once; `None` otherwise (and where either
/// side's text is empty: a deletion against an edit stays a clash).
pub fn one_side_extends(texts: &Merge3<String>) -> Option<String> {
    let (base, ours, theirs) = (&texts.base, &texts.ours, &texts.theirs);
    if extends(base, theirs, ours) {
        Some(ours.clone())
    } else if extends(base, ours, theirs) {
        Some(theirs.clone())
    } else {
        None
    }
}

/// `lines` without its first `head` and last `tail` lines.
fn middle(lines: &[&str], head: usize, tail: usize) -> String {
    lines[head..lines.len() - tail].concat()
}

/// How many lines `a` and `b` share at their start.
fn common_head(a: &[&str], b: &[&str]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// How many lines `a` and `b` share at their end.
fn common_tail(a: &[&str], b: &[&str]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Both sides' new text for a clash starts (or ends) with the same whole
/// lines: those lines are one change both made (the same new paragraph
/// above an edited line). The base loses the lines it shares with them at
/// the same end (base lines both kept); the rest is merged again by lines,
/// each clash left settled by [`refine_clash`]. The shared lines and that
/// merge, when nothing in it clashes; `None` otherwise (the clash stands
/// as git drew it).
pub fn shared_ends(texts: &Merge3<String>) -> Option<String> {
    let [base, ours, theirs] = [&texts.base, &texts.ours, &texts.theirs]
        .map(|t| t.split_inclusive('\n').collect::<Vec<_>>());
    let head = common_head(&ours, &theirs);
    let tail = common_tail(&ours[head..], &theirs[head..]);
    if head + tail == 0 {
        return None;
    }
    let base_head = common_head(&base, &ours[..head]);
    let base_tail = common_tail(&base[base_head..], &ours[ours.len() - tail..]);
    let rest = Merge3::new(
        middle(&base, base_head, base_tail),
        middle(&ours, head, tail),
        middle(&theirs, head, tail),
    );
    // A side whose whole change is the shared lines (it rewrote the base
    // lines into them) against one that kept those base lines and added
    // the same lines: two readings, the clash stands.
    let blank = |t: &str| t.trim().is_empty();
    if blank(&rest.ours) || blank(&rest.theirs) {
        return None;
    }
    let mut merged = ours[..head].concat();
    for piece in merge_lines(rest.as_ref().map(|s| s.as_str())) {
        match piece {
            Piece::Text(text) => merged.push_str(&text),
            Piece::Conflict(clash) => merged.push_str(&refine_clash(&clash, false)?),
        }
    }
    merged.push_str(&ours[ours.len() - tail..].concat());
    Some(merged)
}

/// Which rule settled a clash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    TrailingSpaces,
    Words,
    OneSideExtends,
    SharedEnds,
    WordsAdded,
}

impl Settled {
    /// How the report says it.
    pub fn describe(self) -> &'static str {
        match self {
            Settled::TrailingSpaces => "the same change but for spaces at line ends (each line as the side that stripped it)",
            Settled::Words => "edits of different words, merged word by word",
            Settled::OneSideExtends => "the same change, one side with whole lines added around it (that side's lines)",
            Settled::SharedEnds => "the same whole lines added by both at one end (once), the rest merged again",
            Settled::WordsAdded => "the same text inserted by both, one side with words added (that side's text)",
        }
    }
}

/// One clash settled by the rules above, in order; `shared_ends` only when
/// `ends` (its own clashes are settled without it: one level deep).
fn settle(texts: &Merge3<String>, ends: bool) -> Option<(String, Settled)> {
    let tagged = |rule| move |text| (text, rule);
    same_but_trailing_spaces(texts)
        .map(tagged(Settled::TrailingSpaces))
        .or_else(|| merge_words(texts).map(tagged(Settled::Words)))
        .or_else(|| one_side_extends(texts).map(tagged(Settled::OneSideExtends)))
        .or_else(|| inserted::words_added(texts).map(tagged(Settled::WordsAdded)))
        .or_else(|| {
            ends.then(|| shared_ends(texts))
                .flatten()
                .map(tagged(Settled::SharedEnds))
        })
}

fn refine_clash(texts: &Merge3<String>, ends: bool) -> Option<String> {
    settle(texts, ends).map(|(text, _)| text)
}

/// Replaces each clash of a line merge that merges word by word (or is
/// the same change twice but for spaces at line ends, or one side's change
/// with lines added around it, or both sides' same lines around what is
/// left to merge) by its merged text; returns the rule that settled each.
pub fn refine(pieces: &mut [Piece]) -> Vec<Settled> {
    let mut settled = Vec::new();
    for piece in pieces.iter_mut() {
        if let Piece::Conflict(texts) = piece {
            if let Some((text, rule)) = settle(texts, true) {
                *piece = Piece::Text(text);
                settled.push(rule);
            }
        }
    }
    settled
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

    fn extended(base: &str, ours: &str, theirs: &str) -> Option<String> {
        one_side_extends(&Merge3::new(base.into(), ours.into(), theirs.into()))
    }

    #[test]
    fn one_side_change_with_lines_added_around_it_is_both_changes() {
        // Both updated the link; ours also added a badge line above it.
        let base = "  [GitHub](https://github.com/x/old.ipynb)\n";
        let new = "[GitHub](https://github.com/x/new.ipynb)\n";
        let ours = format!("[Colab](https://colab.research.google.com/x)\n{new}");
        assert_eq!(extended(base, &ours, new), Some(ours.clone()));
        assert_eq!(extended(base, new, &ours), Some(ours.clone()));
        // Both inserted a heading; theirs also a paragraph under it.
        assert_eq!(
            extended(
                "",
                "## Overview\n\n",
                "## Overview\n\nIn this tutorial...\n"
            ),
            Some("## Overview\n\nIn this tutorial...\n".into())
        );
        // At the end of a cell (no final newline): theirs' last line is
        // ours' line before the one ours added.
        let theirs = "if ONCE_ONLY:\n    ! pip3 install -U torch\n    ! pip3 install pyarrow";
        let ours = format!("{theirs}\n    ! pip3 install cloudml-hypertune");
        let base = "! pip3 install torch";
        assert_eq!(extended(base, &ours, theirs), Some(ours.clone()));
        assert_eq!(extended(base, theirs, &ours), Some(ours.clone()));
        // The same text but for the final newline is no extension.
        assert_eq!(extended(base, theirs, &format!("{theirs}\n")), None);
    }

    #[test]
    fn added_lines_that_keep_what_the_other_side_removed_stay_a_clash() {
        // Theirs dropped `np.set_printoptions(...)`; ours kept it on a line of its own.
        assert_eq!(
            extended(
                "np.set_printoptions(precision=8)a = np.random.rand(4, 3)\n",
                "np.set_printoptions(precision=8)\na = np.random.rand(4, 3)\n",
                "a = np.random.rand(4, 3)\n",
            ),
            None
        );
        // Theirs rewrote line x; ours kept x and added theirs' line: x is back.
        assert_eq!(
            extended("lr is 0.1\n", "lr is 0.1\nlr is 0.5\n", "lr is 0.5\n"),
            None
        );
        // A deletion against an edit, and theirs' lines only partly in ours'.
        assert_eq!(extended("a\n", "b\nc\n", ""), None);
        assert_eq!(extended("a\n", "b\nc\n", "b\nd\n"), None);
        // Theirs kept a base line: theirs' change is not the whole stretch.
        assert_eq!(extended("a\nb\n", "x\na\nc\n", "a\nc\n"), None);
    }

    fn ends(base: &str, ours: &str, theirs: &str) -> Option<String> {
        shared_ends(&Merge3::new(base.into(), ours.into(), theirs.into()))
    }

    #[test]
    fn lines_both_sides_added_around_a_line_one_side_edited_are_one_change() {
        let steps = "1. Enable the Dataproc API.\n\n1. Configure the network.\n\n";
        // Ours edited the line below the shared steps, theirs kept it.
        assert_eq!(
            ends(
                "1. You will need the SDK.\n",
                &format!("{steps}1. You need the SDK.\n"),
                &format!("{steps}1. You will need the SDK.\n"),
            ),
            Some(format!("{steps}1. You need the SDK.\n"))
        );
        // The same lines added below; the rest merges by words.
        assert_eq!(
            ends(
                "Teh model is trained on MNIST.\n",
                "The model is trained on MNIST.\nSee below.\n",
                "Teh model is trained on MNIST. It reaches 99%.\nSee below.\n",
            )
            .as_deref(),
            Some("The model is trained on MNIST. It reaches 99%.\nSee below.\n")
        );
        // A base line both sides kept at the start is kept once.
        assert_eq!(
            ends("a\nb\n", "a\nn\nb\n", "a\nn\nB\n").as_deref(),
            Some("a\nn\nB\n")
        );
    }

    #[test]
    fn shared_lines_around_a_clash_or_a_rewrite_leave_the_clash() {
        // Both changed the line below the shared steps differently.
        assert_eq!(
            ends(
                "1. You will need the SDK.\n",
                "1. Enable the API.\n1. You need the SDK.\n",
                "1. Enable the API.\n1. You must have the SDK.\n",
            ),
            None
        );
        // Theirs rewrote x into the line ours added after x: two readings.
        assert_eq!(
            ends("lr is 0.1\n", "lr is 0.1\nlr is 0.5\n", "lr is 0.5\n"),
            None
        );
        // Nothing shared at either end.
        assert_eq!(ends("a\n", "b\nc\n", "d\nc\ne\n"), None);
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
