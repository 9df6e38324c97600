//! An element both sides changed: merged argument by argument into the
//! text of the side whose layout is kept, a clash of one argument marked
//! in place.

use super::Planner;
use crate::core::merge3::{Merge3, Side};
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};
use crate::python::checked::arguments_hold;
use crate::python::element::{merge_element, ElementClash, ElementMerge};

impl Planner<'_, '_> {
    /// Both sides changed base element i: merge argument by argument into
    /// the `kept` side's text (or, when `may_swap` and the verify rejects
    /// that, into the other side's).
    pub(super) fn merge_both(
        &mut self,
        i: usize,
        jo: usize,
        jt: usize,
        kept: Side,
        may_swap: bool,
        subject: &str,
    ) {
        let mut kept = kept;
        let mut merged = self.merge_nodes(i, jo, jt, kept);
        if may_swap
            && merged
                .as_ref()
                .is_err_and(|c| c.what.contains("verify rejected"))
        {
            // The other side's text may hold what this one's layout cannot
            // (a comment inside the call): merge into it instead.
            let other = if kept == Side::Ours {
                Side::Theirs
            } else {
                Side::Ours
            };
            if let Ok(m) = self.merge_nodes(i, jo, jt, other) {
                kept = other;
                merged = Ok(m);
            }
        }
        match merged {
            Ok(merged) => {
                let (index, other_side) = if kept == Side::Ours {
                    (jo, Side::Theirs)
                } else {
                    (jt, Side::Ours)
                };
                let ElementMerge {
                    pieces,
                    taken,
                    clashes,
                    other_layout,
                } = merged;
                // The side whose layout the text is in, and the side whose
                // changes were combined into it.
                let (layout, combined) = match other_layout {
                    false => (kept, other_side),
                    true => (other_side, kept),
                };
                if !clashes.is_empty() {
                    let detail = format!("both changed {}", clashes.join(", "));
                    let (ours, theirs) = (
                        self.inputs.unit_text(Side::Ours, jo),
                        self.inputs.unit_text(Side::Theirs, jt),
                    );
                    self.plan
                        .decisions
                        .push(Decision::clash(subject, detail, &ours, &theirs));
                }
                self.push_unit(kept, index, Some(pieces));
                if taken.is_empty() && !clashes.is_empty() {
                    return;
                }
                let detail = match (taken.is_empty(), other_layout) {
                    (true, _) => format!("kept the layout of {}", layout.name()),
                    (false, false) => format!(
                        "combined with {}' changes: {}",
                        combined.name(),
                        taken.join(", ")
                    ),
                    (false, true) => format!(
                        "{}' changes in {}' re-formatted layout: {}",
                        combined.name(),
                        layout.name(),
                        taken.join(", ")
                    ),
                };
                self.decide(DecisionKind::ArgumentsMerged, subject, detail);
            }
            Err(clash) => {
                if clash.what.contains("verify rejected") {
                    self.decide(DecisionKind::VerifyRejected, subject, clash.what.clone());
                }
                self.clash(
                    subject,
                    &format!("both changed {}", clash.what),
                    i..i + 1,
                    vec![jo],
                    vec![jt],
                )
            }
        }
    }

    fn merge_nodes(
        &self,
        i: usize,
        jo: usize,
        jt: usize,
        kept: Side,
    ) -> Result<ElementMerge, ElementClash> {
        let inputs = self.inputs;
        let node = |side: Side, j: usize| inputs.parsed.get(side).node(&inputs.units(side)[j].body);
        let missing = || ElementClash {
            what: "the layer".into(),
        };
        let (b, o, t) = (
            node(Side::Base, i).ok_or_else(missing)?,
            node(Side::Ours, jo).ok_or_else(missing)?,
            node(Side::Theirs, jt).ok_or_else(missing)?,
        );
        let texts = Merge3::new(
            inputs.text(Side::Base),
            inputs.text(Side::Ours),
            inputs.text(Side::Theirs),
        );
        let merged = if kept == Side::Ours {
            merge_element(Merge3::new(b, o, t), texts)?
        } else {
            // Merged into theirs' layout: conflict sides come back swapped.
            let mut merged = merge_element(Merge3::new(b, t, o), texts.swapped())?;
            for piece in &mut merged.pieces {
                if let Piece::Conflict(sides) = piece {
                    *sides = sides.clone().swapped();
                }
            }
            merged
        };
        if let Some(text) = clean_text(&merged.pieces) {
            arguments_hold(Merge3::new(b, o, t), texts, &text).map_err(|why| ElementClash {
                what: format!("the arguments (verify rejected the merged call: {why})"),
            })?;
        }
        Ok(merged)
    }
}

/// The text of merged pieces that hold no conflict.
fn clean_text(pieces: &[Piece]) -> Option<String> {
    let mut text = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => text.push_str(t),
            Piece::Conflict(_) => return None,
        }
    }
    Some(text)
}
