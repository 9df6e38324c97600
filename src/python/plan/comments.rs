//! Comments are content. Tokens leave them out, so an element whose only
//! change is a comment counts as re-formatted, and a step that takes one
//! side's text whole (or merges into one side's layout) can drop a comment
//! the other side wrote: both sides adding a different trailing comment to
//! `model.fit(...)` kept ours' alone. Each element's planned step is held
//! to the comments the sides added to it: where one is missing, the side
//! that added comments gives the text (merged into its layout when the
//! other side changed code), and where that cannot hold them, or both
//! sides added comments the plan cannot hold together, the element clashes.

use std::collections::HashSet;

use super::view::State;
use super::{Planner, Step};
use crate::core::merge3::Side;
use crate::core::render::Piece;
use crate::decisions::DecisionKind;

/// The comments each side added to one base element (its comments minus
/// the base's, as multisets).
struct Added {
    ours: Vec<String>,
    theirs: Vec<String>,
}

impl Added {
    fn of(&self, side: Side) -> &[String] {
        if side == Side::Ours {
            &self.ours
        } else {
            &self.theirs
        }
    }

    fn is_empty(&self) -> bool {
        self.ours.is_empty() && self.theirs.is_empty()
    }
}

/// Where the plan stood before an element's step, to take the step back.
struct Mark {
    steps: usize,
    decisions: usize,
    /// The (side, index) pairs the step may mark emitted that were not yet.
    fresh: Vec<(Side, usize)>,
}

impl Planner<'_, '_> {
    /// Plans base element `i` (see [`Planner::element`]), holding the
    /// comments each side added to it.
    pub(super) fn element_keeping_comments(&mut self, i: usize) {
        let (o, t) = (self.ours.states[i], self.theirs.states[i]);
        let added = Added {
            ours: self.added_comments(Side::Ours, o, i),
            theirs: self.added_comments(Side::Theirs, t, i),
        };
        if added.is_empty() {
            self.element(i);
            return;
        }
        let mark = self.mark(o, t);
        self.element(i);
        if self.holds(mark.steps, &added) {
            return;
        }
        self.roll_back(&mark);
        self.comments_first(i, o, t, &added);
    }

    /// The step for element `i` when the plain plan lost a comment.
    fn comments_first(&mut self, i: usize, o: State, t: State, added: &Added) {
        let subject = self.subject(i);
        let clash_all = |this: &mut Self, detail: &str| {
            let ours = o.index().into_iter().collect();
            let theirs = t.index().into_iter().collect();
            this.clash(&subject, detail, i..i + 1, ours, theirs);
        };
        if !added.ours.is_empty() && !added.theirs.is_empty() {
            clash_all(self, "both changed its comments");
            return;
        }
        let (writer, mine, other) = if added.ours.is_empty() {
            (Side::Theirs, t, o)
        } else {
            (Side::Ours, o, t)
        };
        let reader = writer.other();
        match (mine, other) {
            (State::Format(j) | State::Changed(j), State::Same(_) | State::Format(_)) => {
                self.push_unit(writer, j, None);
                let detail = format!(
                    "{} changed its comments, {} only its layout: {}' text is kept",
                    writer.name(),
                    reader.name(),
                    writer.name()
                );
                self.decide(DecisionKind::took(writer), &subject, detail);
            }
            (State::Format(j) | State::Changed(j), State::Changed(k)) => {
                let (jo, jt) = if writer == Side::Ours { (j, k) } else { (k, j) };
                let mark = self.mark(o, t);
                self.merge_both(i, jo, jt, writer, false, &subject);
                if !self.holds(mark.steps, added) {
                    self.roll_back(&mark);
                    clash_all(self, "both changed it, one side its comments");
                }
            }
            _ => clash_all(
                self,
                &format!(
                    "{} changed its comments, {} deleted or replaced it",
                    writer.name(),
                    reader.name()
                ),
            ),
        }
    }

    /// The comments `side`'s element (in `state` against base element `i`)
    /// has that the base's has not.
    fn added_comments(&self, side: Side, state: State, i: usize) -> Vec<String> {
        let j = match state {
            State::Format(j) | State::Changed(j) | State::Replaced(j) => j,
            State::Same(_) | State::Deleted => return Vec::new(),
        };
        let mut base: Vec<&str> = self.inputs.comments(Side::Base, i);
        let mut added = Vec::new();
        for comment in self.inputs.comments(side, j) {
            match base.iter().position(|b| *b == comment) {
                Some(at) => {
                    base.swap_remove(at);
                }
                None => added.push(comment.to_string()),
            }
        }
        added
    }

    fn mark(&self, o: State, t: State) -> Mark {
        let candidates = [(Side::Ours, o.index()), (Side::Theirs, t.index())];
        Mark {
            steps: self.plan.steps.len(),
            decisions: self.plan.decisions.len(),
            fresh: candidates
                .into_iter()
                .filter_map(|(side, j)| j.map(|j| (side, j)))
                .filter(|key| !self.emitted.contains(key))
                .collect(),
        }
    }

    fn roll_back(&mut self, mark: &Mark) {
        self.plan.steps.truncate(mark.steps);
        self.plan.decisions.truncate(mark.decisions);
        for key in &mark.fresh {
            self.emitted.remove(key);
        }
    }

    /// Whether the steps planned since `from` hold every comment the sides
    /// added (each as often as it was added).
    fn holds(&self, from: usize, added: &Added) -> bool {
        let text = self.planned_text(from);
        [Side::Ours, Side::Theirs].into_iter().all(|side| {
            let wanted = added.of(side);
            let distinct: HashSet<&String> = wanted.iter().collect();
            distinct.into_iter().all(|comment| {
                let times = wanted.iter().filter(|c| *c == comment).count();
                text.matches(comment.as_str()).count() >= times
            })
        })
    }

    /// The text of the steps planned since `from`, conflicts with every
    /// side's text.
    fn planned_text(&self, from: usize) -> String {
        let mut text = String::new();
        for step in self.plan.steps.get(from..).unwrap_or_default() {
            match step {
                Step::Unit {
                    side,
                    index,
                    body: None,
                } => text.push_str(&self.inputs.unit_text(*side, *index)),
                Step::Unit {
                    side,
                    index,
                    body: Some(pieces),
                } => {
                    let unit = &self.inputs.units(*side)[*index];
                    let own = self.inputs.text(*side);
                    text.push_str(own.get(unit.span.start..unit.body.start).unwrap_or(""));
                    for piece in pieces {
                        match piece {
                            Piece::Text(t) => text.push_str(t),
                            Piece::Conflict(sides) => {
                                for (_, t) in sides.iter() {
                                    text.push_str(t);
                                    text.push('\n');
                                }
                            }
                        }
                    }
                    text.push_str(own.get(unit.body.end..unit.span.end).unwrap_or(""));
                }
                Step::Conflict { ours, theirs, .. } => {
                    for &j in ours {
                        text.push_str(&self.inputs.unit_text(Side::Ours, j));
                    }
                    for &j in theirs {
                        text.push_str(&self.inputs.unit_text(Side::Theirs, j));
                    }
                }
            }
            text.push('\n');
        }
        text
    }
}
