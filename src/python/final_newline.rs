//! The final newline as a change of its own. A side that drops the file's
//! last newline while both sides add statements at the end would make the
//! statement merge compare a last line with and without its newline, and
//! decide differently with the sides swapped. The structured merge sees
//! every version ending in a newline; the result then ends the way the
//! three-way rule on "ends in a newline" says (the side that changed it
//! wins).

use crate::core::merge3::Merge3;
use crate::fallback::Fallback;
use crate::pipeline::Structured;

fn ends_in_newline(text: &str) -> bool {
    text.is_empty() || text.ends_with('\n')
}

/// Runs `merge` on the three texts, each given its final newline. A
/// result with conflicts is the merge of the texts as they are (its
/// conflicts, and any stretch merged by lines, as git would draw them).
pub fn merged_with_final_newline(
    texts: Merge3<&str>,
    merge: impl Fn(Merge3<&str>) -> Result<Structured, Fallback>,
) -> Result<Structured, Fallback> {
    let ends = texts.map_ref(|t| ends_in_newline(t));
    if ends.base && ends.ours && ends.theirs {
        return merge(texts);
    }
    let completed = texts.map_ref(|t| {
        let mut text = t.to_string();
        if !ends_in_newline(t) {
            text.push('\n');
        }
        text
    });
    let mut merged = merge(completed.as_ref().map(|t| t.as_str()))?;
    if merged.conflicts > 0 {
        // The texts as they are draw the conflicts as git would; should
        // they merge clean where the same code with every final newline
        // clashed, the clash stands (a clean merge must be certain).
        let as_they_are = merge(texts)?;
        return Ok(match as_they_are.conflicts {
            0 => merged,
            _ => as_they_are,
        });
    }
    // Booleans: when both sides changed it, they changed it alike.
    let wanted = if ends.ours == ends.base {
        ends.theirs
    } else {
        ends.ours
    };
    if !wanted && merged.text.ends_with('\n') {
        merged.text.pop();
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decisions::Report;

    fn echo_ours(texts: Merge3<&str>) -> Result<Structured, Fallback> {
        Ok(Structured {
            text: texts.ours.to_string(),
            conflicts: 0,
            report: Report::default(),
        })
    }

    #[test]
    fn the_side_that_dropped_the_newline_wins_and_the_merge_sees_none_missing() {
        let texts = Merge3::new("a\n", "a\nb\n", "a\nc");
        let merged = merged_with_final_newline(texts, |t| {
            assert!(t.theirs.ends_with('\n'));
            echo_ours(t)
        })
        .unwrap();
        assert_eq!(merged.text, "a\nb");
        let texts = Merge3::new("a", "a\nb", "a");
        assert_eq!(
            merged_with_final_newline(texts, echo_ours).unwrap().text,
            "a\nb"
        );
        let texts = Merge3::new("a", "a\nb\n", "a");
        assert_eq!(
            merged_with_final_newline(texts, echo_ours).unwrap().text,
            "a\nb\n"
        );
    }

    #[test]
    fn a_clash_with_every_final_newline_stands_when_the_texts_as_they_are_merge_clean() {
        // A merge that clashes on texts ending in a newline and is clean
        // on the others: the clash is kept, whichever side lacks one.
        let clash_when_complete = |t: Merge3<&str>| -> Result<Structured, Fallback> {
            let complete = t.base.ends_with('\n') && t.ours.ends_with('\n');
            Ok(Structured {
                text: t.ours.to_string(),
                conflicts: usize::from(complete),
                report: Report::default(),
            })
        };
        let texts = Merge3::new("a", "a\nb\n", "a\nc\n");
        let merged = merged_with_final_newline(texts, clash_when_complete).unwrap();
        assert_eq!((merged.conflicts, merged.text.as_str()), (1, "a\nb\n"));
    }
}
