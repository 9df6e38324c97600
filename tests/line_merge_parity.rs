//! The two line merges held to parity: git's (libgit2's xdiff, which gives
//! the verdict on a whole file) and `similar::TextMerge` (which merges the
//! text between structured regions, `core::line_merge::merge_lines`). On
//! generated line edits of a file, both must call the same merges clean,
//! and a clean merge must be the same text.

use mlmerge::core::line_merge::{git_merge, merge_lines};
use mlmerge::core::merge3::Merge3;
use mlmerge::core::render::{render, Markers, Piece};
use mlmerge::MergeOptions;
use proptest::prelude::*;

/// A file of `n` distinct lines, like code (`line k`).
fn base_lines(n: usize) -> Vec<String> {
    (0..n).map(|k| format!("line {k}\n")).collect()
}

/// One line edit: delete, replace or insert at a position.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Replace(usize, u16),
    Insert(usize, u16),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..40).prop_map(Edit::Delete),
        (0usize..40, 0u16..3).prop_map(|(i, v)| Edit::Replace(i, v)),
        (0usize..41, 0u16..3).prop_map(|(i, v)| Edit::Insert(i, v)),
    ]
}

/// Applies `edits` (by a side named `who`) to `lines`.
fn apply(lines: &[String], edits: &[Edit], who: &str) -> String {
    let mut out = lines.to_vec();
    for e in edits {
        match *e {
            Edit::Delete(i) if i < out.len() => {
                out.remove(i);
            }
            Edit::Replace(i, v) if i < out.len() => out[i] = format!("{who} {v}\n"),
            Edit::Insert(i, v) => out.insert(i.min(out.len()), format!("{who} new {v}\n")),
            _ => {}
        }
    }
    // A last line no side touches: libgit2 hands back a null buffer for an
    // empty merge result, which git2's `content()` turns into a slice from
    // a null pointer (see the bug note in the reshape report).
    out.push("end\n".into());
    out.concat()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn git_and_similar_agree_on_clean_merges(
        n in 1usize..30,
        ours in prop::collection::vec(edit(), 0..4),
        theirs in prop::collection::vec(edit(), 0..4),
        same_value in any::<bool>(),
    ) {
        let base = base_lines(n);
        let ours_text = apply(&base, &ours, "ours");
        let theirs_text = apply(&base, &theirs, if same_value { "ours" } else { "theirs" });
        let base_text = apply(&base, &[], "");
        let markers = Markers::for_inputs(&MergeOptions::default(), &[]);
        let git = git_merge(base_text.as_bytes(), ours_text.as_bytes(), theirs_text.as_bytes(), &markers)
            .expect("libgit2 merges text");
        let pieces = merge_lines(Merge3::new(&base_text, &ours_text, &theirs_text));
        let similar_clean = !pieces.iter().any(|p| matches!(p, Piece::Conflict(_)));
        prop_assert_eq!(git.clean, similar_clean, "base:\n{}ours:\n{}theirs:\n{}", base_text, ours_text, theirs_text);
        if git.clean {
            prop_assert_eq!(String::from_utf8_lossy(&git.bytes), render(&pieces, &markers).text);
        }
    }
}

/// A long file for the pieced merge: `n` lines, every `period`-th line
/// repeated (`period` 0: all distinct), so some stretches look alike.
fn long_base(n: usize, period: usize) -> Vec<String> {
    (0..n)
        .map(|k| match period {
            0 => format!("x_{k} = layers.Dense({k})\n"),
            p => format!("x = layers.Dense({})\n", k % p),
        })
        .collect()
}

fn far_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..600).prop_map(Edit::Delete),
        (0usize..600, 0u16..3).prop_map(|(i, v)| Edit::Replace(i, v)),
        (0usize..601, 0u16..3).prop_map(|(i, v)| Edit::Insert(i, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A very large file is merged by libgit2 in pieces cut on long
    /// identical stretches (core/segments.rs): the bytes and the verdict
    /// must be those of the whole-file merge, in every conflict style.
    #[test]
    fn the_pieced_git_merge_is_the_whole_one(
        n in 100usize..600,
        period in prop::sample::select(vec![0usize, 0, 5, 50]),
        ours in prop::collection::vec(far_edit(), 0..6),
        theirs in prop::collection::vec(far_edit(), 0..6),
        style in prop::sample::select(vec![
            mlmerge::ConflictStyle::Merge,
            mlmerge::ConflictStyle::Diff3,
            mlmerge::ConflictStyle::Zdiff3,
        ]),
    ) {
        let base = long_base(n, period);
        let (b, o, t) = (apply(&base, &[], ""), apply(&base, &ours, "ours"), apply(&base, &theirs, "theirs"));
        let options = MergeOptions { style, ..MergeOptions::default() };
        let markers = Markers::for_inputs(&options, &[]);
        let whole = git_merge(b.as_bytes(), o.as_bytes(), t.as_bytes(), &markers).expect("libgit2 merges text");
        let pieced = mlmerge::core::line_merge::git_merge_in_pieces(b.as_bytes(), o.as_bytes(), t.as_bytes(), &markers)
            .expect("libgit2 merges text");
        prop_assert_eq!(whole.clean, pieced.clean);
        prop_assert_eq!(String::from_utf8_lossy(&whole.bytes), String::from_utf8_lossy(&pieced.bytes));
    }
}
