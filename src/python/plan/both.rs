//! An element both sides changed: merged argument by argument into the
//! text of the side whose layout is kept, a clash of one argument marked
//! in place.

use super::Planner;
use crate::core::merge3::{Merge3, Side};
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};
use crate::python::element::{merge_element, ElementClash, ElementMerge};

impl Planner<'_, '_> {
    /// Both sides changed base element i: merge argument by argument into
    /// the `kept` side's text.
    pub(super) fn merge_both(&mut self, i: usize, jo: usize, jt: usize, kept: Side, subject: &str) {
        match self.merge_nodes(i, jo, jt, kept) {
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
                } = merged;
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
                let detail = if taken.is_empty() {
                    format!("kept the layout of {}", kept.name())
                } else {
                    format!(
                        "combined with {}' changes: {}",
                        other_side.name(),
                        taken.join(", ")
                    )
                };
                self.decide(DecisionKind::ArgumentsMerged, subject, detail);
            }
            Err(clash) => self.clash(
                subject,
                &format!("both changed {}", clash.what),
                i..i + 1,
                vec![jo],
                vec![jt],
            ),
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
        if kept == Side::Ours {
            return merge_element(Merge3::new(b, o, t), texts);
        }
        // Merged into theirs' layout: conflict sides come back swapped.
        let mut merged = merge_element(Merge3::new(b, t, o), texts.swapped())?;
        for piece in &mut merged.pieces {
            if let Piece::Conflict(sides) = piece {
                *sides = sides.clone().swapped();
            }
        }
        Ok(merged)
    }
}
