//! A simple string one side only re-quoted (black's `'…'` to `"…"`) and
//! the other side edited in base's quotes: the two combine into a string
//! neither side wrote (the edit in the formatter's quotes). That is kept
//! only where the re-quoting side did nothing to the element but
//! re-format it (merge-rules §4, the rule of `formatted`); a side that
//! re-formatted *and* changed tokens of its own made a change of its own,
//! and the string is then a clash of the whole element, each side
//! verbatim, whichever side is ours (merge-rules §1.3; the line check
//! reads a string's quotes as content and rejects the combination too).

use tree_sitter::Node;

use super::formatted::only_reformatted;
use super::ElementClash;
use crate::core::merge3::{Merge3, Side};
use crate::python::stream::{is_simple_string, normalise};

/// What the element merge knows of re-quoted strings: which sides only
/// re-formatted the element, and the clash found, if any.
#[derive(Clone, Debug, Default)]
pub(super) struct Requotes {
    ours_only_reformatted: bool,
    theirs_only_reformatted: bool,
    /// A re-quote against an edit the element cannot hold: the element
    /// clashes as a whole.
    pub(super) clash: Option<ElementClash>,
}

impl Requotes {
    pub(super) fn of(nodes: Merge3<Node<'_>>, texts: Merge3<&str>) -> Self {
        Requotes {
            ours_only_reformatted: only_reformatted(nodes.ours, texts.ours, nodes.base, texts.base),
            theirs_only_reformatted: only_reformatted(
                nodes.theirs,
                texts.theirs,
                nodes.base,
                texts.base,
            ),
            clash: None,
        }
    }

    /// Checks three versions of one node: a string one side only
    /// re-quoted and the other edited, where the re-quoting side did more
    /// than re-format the element, is a clash (kept in `clash`, for the
    /// whole element).
    pub(super) fn check(&mut self, strings: Merge3<&str>) -> Result<(), ElementClash> {
        let Some(requoter) = requote_against_edit(strings) else {
            return Ok(());
        };
        let allowed = match requoter {
            Side::Ours => self.ours_only_reformatted,
            _ => self.theirs_only_reformatted,
        };
        if allowed {
            return Ok(());
        }
        let clash = ElementClash {
            what: format!(
                "the string {} (re-quoted by {}, which also changed other code, and edited by the other side)",
                strings.base,
                requoter.name()
            ),
        };
        self.clash = Some(clash.clone());
        Err(clash)
    }
}

/// The side that only changed the quotes of a simple string the other
/// side edited without taking those quotes, if that is what the three
/// string texts are.
fn requote_against_edit(s: Merge3<&str>) -> Option<Side> {
    let requoted = |x: &str| {
        x != s.base
            && is_simple_string(x)
            && is_simple_string(s.base)
            && normalise(x) == normalise(s.base)
    };
    let edited_apart = |y: &str, quoted: &str| {
        normalise(y) != normalise(s.base) && y.as_bytes().first() != quoted.as_bytes().first()
    };
    if requoted(s.ours) && edited_apart(s.theirs, s.ours) {
        Some(Side::Ours)
    } else if requoted(s.theirs) && edited_apart(s.ours, s.theirs) {
        Some(Side::Theirs)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::element::{merge_element, plain_text};
    use crate::python::parse::parse;

    /// The element merge of three one-statement texts, both ways round:
    /// the merged text, or `None` for a clash of the whole element.
    fn merged_both_ways(b: &str, o: &str, t: &str) -> [Option<String>; 2] {
        let merge = |o: &str, t: &str| {
            let (pb, po, pt) = (parse(b).ok()?, parse(o).ok()?, parse(t).ok()?);
            let nodes = Merge3::new(&pb, &po, &pt)
                .map(|p| p.tree.root_node().named_child(0).expect("a statement"));
            let merged = merge_element(nodes, Merge3::new(b, o, t)).ok()?;
            plain_text(&merged.pieces)
        };
        [merge(o, t), merge(t, o)]
    }

    const BASE: &str = "p = Processor(version='0.23-1',\n              role=role,\n              count=1,\n              session=session)\n";
    const EDIT: &str = "p = Processor(version='1.0-1',\n              role=role,\n              count=1,\n              session=session)\n";

    #[test]
    fn a_black_run_that_also_changed_code_clashes_with_an_edit_of_a_string_it_requoted() {
        // Black plus a changed argument, or plus a deleted one.
        for black in [
            "p = Processor(\n    version=\"0.23-1\",\n    role=role,\n    count=2,\n    session=session,\n)\n",
            "p = Processor(\n    version=\"0.23-1\",\n    role=role,\n    session=session,\n)\n",
        ] {
            assert_eq!(merged_both_ways(BASE, EDIT, black), [None, None], "{black}");
        }
    }

    #[test]
    fn a_black_run_alone_gives_the_edit_in_its_quotes_both_ways() {
        let black = "p = Processor(\n    version=\"0.23-1\",\n    role=role,\n    count=1,\n    session=session,\n)\n";
        let want = "p = Processor(\n    version=\"1.0-1\",\n    role=role,\n    count=1,\n    session=session,\n)";
        let [one, other] = merged_both_ways(BASE, EDIT, black);
        assert_eq!(one.as_deref(), Some(want));
        assert_eq!(other.as_deref(), Some(want));
    }

    #[test]
    fn a_requote_against_an_edit_in_base_quotes_is_found_on_either_side() {
        let (b, q, e) = ("'0.23-1'", "\"0.23-1\"", "'1.0-1'");
        assert_eq!(requote_against_edit(Merge3::new(b, q, e)), Some(Side::Ours));
        assert_eq!(
            requote_against_edit(Merge3::new(b, e, q)),
            Some(Side::Theirs)
        );
    }

    #[test]
    fn the_same_requote_on_both_sides_or_no_requote_is_none() {
        let b = "'0.23-1'";
        // Both re-quoted, one also edited: theirs' text is the merge.
        assert_eq!(
            requote_against_edit(Merge3::new(b, "\"0.23-1\"", "\"1.0-1\"")),
            None
        );
        // Both edited in base's quotes: an ordinary clash, not this one.
        assert_eq!(
            requote_against_edit(Merge3::new(b, "'1.0-1'", "'1.1-1'")),
            None
        );
        // A string with a quote inside is not simple.
        assert_eq!(
            requote_against_edit(Merge3::new("'it'", "\"it's\"", "'its'")),
            None
        );
    }
}
