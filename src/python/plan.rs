//! The three-way merge of one region's element list (merge-rules §2):
//! inserts, deletes, argument changes, moves, and same-place insertions
//! ordered by the ML convention. Produces a plan of which side's element
//! goes where; [`crate::python::layout`] turns the plan into text. How each
//! side fared is in [`view`]; spans a side reordered are placed in
//! [`blocks`]; an element both sides changed merges in [`both`]; what
//! the plan reads is [`Inputs`].

mod blocks;
mod both;
mod comments;
mod edges;
mod inputs;
mod same;
mod view;

use std::collections::HashSet;

use self::view::{side_view, SideView, State};
use crate::core::merge3::Side;
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};
use crate::python::align::{align, Key};
use crate::python::convention::order_by_convention;
use crate::python::regions::Identity;

pub use self::inputs::Inputs;

/// One step of the merged list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A side's element, with a merged text for its node when both sides
    /// changed it (holding a conflict piece where one argument clashes).
    Unit {
        side: Side,
        index: usize,
        body: Option<Vec<Piece>>,
    },
    /// Elements the sides disagree on: each side's version of the span.
    Conflict {
        base: Vec<usize>,
        ours: Vec<usize>,
        theirs: Vec<usize>,
    },
}

/// The merge plan of a region and the decisions behind it.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub decisions: Vec<Decision>,
}

/// Plans the merge of one region.
pub fn plan(inputs: &Inputs<'_>) -> Plan {
    let keys = |side: Side| -> Vec<Key<'_, Identity>> {
        inputs
            .units(side)
            .iter()
            .map(|u| Key {
                content: &u.tokens,
                identity: u.identity.as_ref(),
                kind: u.ctor.as_deref(),
            })
            .collect()
    };
    let base_keys = keys(Side::Base);
    let ours = side_view(inputs, Side::Ours, align(&base_keys, &keys(Side::Ours)));
    let theirs = side_view(inputs, Side::Theirs, align(&base_keys, &keys(Side::Theirs)));
    Planner {
        inputs,
        ours,
        theirs,
        plan: Plan::default(),
        emitted: HashSet::new(),
    }
    .run()
}

struct Planner<'a, 'i> {
    inputs: &'i Inputs<'a>,
    ours: SideView,
    theirs: SideView,
    plan: Plan,
    emitted: HashSet<(Side, usize)>,
}

impl Planner<'_, '_> {
    fn view(&self, side: Side) -> &SideView {
        if side == Side::Ours {
            &self.ours
        } else {
            &self.theirs
        }
    }

    fn run(mut self) -> Plan {
        let n = self.inputs.units(Side::Base).len();
        let blocks = self.blocks();
        let mut g = 0;
        while g <= n {
            self.gap(g);
            if g == n {
                break;
            }
            if let Some(block) = blocks.iter().find(|b| b.lo == g) {
                self.block(block);
                g = block.hi;
                continue;
            }
            self.element_keeping_comments(g);
            g += 1;
        }
        self.plan
    }

    fn gap(&mut self, g: usize) {
        let ours: Vec<usize> = self.ours.inserted[g]
            .iter()
            .copied()
            .filter(|&j| !self.emitted.contains(&(Side::Ours, j)))
            .collect();
        let theirs: Vec<usize> = self.theirs.inserted[g]
            .iter()
            .copied()
            .filter(|&j| !self.emitted.contains(&(Side::Theirs, j)))
            .collect();
        let place = self.place(g);
        if theirs.is_empty() || ours.is_empty() {
            let (side, units) = if theirs.is_empty() {
                (Side::Ours, ours)
            } else {
                (Side::Theirs, theirs)
            };
            for j in units {
                let name = self.inputs.name(side, j);
                self.push_unit(side, j, None);
                self.decide(
                    DecisionKind::took(side),
                    &format!("layer {name}"),
                    format!("inserted by {} {place}", side.name()),
                );
            }
            return;
        }
        let tokens = |side: Side, js: &[usize]| {
            js.iter()
                .map(|&j| self.inputs.units(side)[j].tokens.clone())
                .collect::<Vec<_>>()
        };
        if tokens(Side::Ours, &ours) == tokens(Side::Theirs, &theirs) {
            for j in ours {
                self.push_unit(Side::Ours, j, None);
            }
            self.decide(
                DecisionKind::TookBoth,
                "inserted layers",
                format!("both sides inserted the same layers {place}"),
            );
            return;
        }
        if let Some(steps) = extended(&tokens(Side::Ours, &ours), &tokens(Side::Theirs, &theirs)) {
            // The same insertion on both sides, one side inserting more
            // around it: the shared layers once, the extra ones in place.
            for (from_ours, k) in steps {
                let (side, j) = if from_ours {
                    (Side::Ours, ours[k])
                } else {
                    (Side::Theirs, theirs[k])
                };
                self.push_unit(side, j, None);
            }
            self.decide(
                DecisionKind::TookBoth,
                "inserted layers",
                format!("both sides inserted the same layers {place}, one side more; each once"),
            );
            return;
        }
        let ctors = |side: Side, js: &[usize]| {
            js.iter()
                .map(|&j| self.inputs.units(side)[j].ctor.clone())
                .collect::<Vec<_>>()
        };
        let order = if self.inputs.strict {
            None
        } else {
            order_by_convention(
                self.inputs.convention,
                &ctors(Side::Ours, &ours),
                &ctors(Side::Theirs, &theirs),
            )
        };
        match order {
            Some(order) => {
                let names: Vec<String> = order
                    .iter()
                    .map(|&(from_ours, k)| {
                        let (side, j) = if from_ours {
                            (Side::Ours, ours[k])
                        } else {
                            (Side::Theirs, theirs[k])
                        };
                        self.push_unit(side, j, None);
                        self.inputs.name(side, j)
                    })
                    .collect();
                self.decide(
                    DecisionKind::OrderedByConvention,
                    "inserted layers",
                    format!(
                        "both sides inserted layers {place}; ordered by convention: {}",
                        names.join(", ")
                    ),
                );
            }
            None => self.clash(
                "inserted layers",
                &format!("both sides inserted different layers {place}"),
                g..g,
                ours,
                theirs,
            ),
        }
    }

    /// Where gap g is, for people.
    fn place(&self, g: usize) -> String {
        if g == 0 {
            "at the start".into()
        } else {
            format!("after layer {} {}", g, self.inputs.name(Side::Base, g - 1))
        }
    }

    fn element(&mut self, i: usize) {
        let (o, t) = (self.ours.states[i], self.theirs.states[i]);
        let subject = self.subject(i);
        if let Some(jo) = self.same_change(o, t) {
            self.push_unit(Side::Ours, jo, None);
            self.decide(
                DecisionKind::TookBoth,
                &subject,
                "both made the same change".into(),
            );
            return;
        }
        let (o, t) = (
            self.shared_insertion(o, i, Side::Ours),
            self.shared_insertion(t, i, Side::Theirs),
        );
        use State::*;
        match (o, t) {
            (Same(j), Same(_)) => self.push_unit(Side::Ours, j, None),
            // Both re-laid it out: a side whose change is only whitespace
            // the words keep (a line ending, trailing blanks) gives way to
            // the other's, whichever side it is.
            (Format(jo), Format(jt)) => {
                let (side, j) = match self.only_spacing(Side::Ours, i, jo) {
                    true => (Side::Theirs, jt),
                    false => (Side::Ours, jo),
                };
                self.push_unit(side, j, None);
                let detail = format!("both sides re-laid it out; kept {}' layout", side.name());
                self.decide(DecisionKind::FormattingKept, &subject, detail);
            }
            (Same(_), Format(j)) => self.push_unit(Side::Theirs, j, None),
            (Format(j), Same(_)) => self.push_unit(Side::Ours, j, None),
            (Same(_), Changed(j)) => {
                self.push_unit(Side::Theirs, j, None);
                self.decide(
                    DecisionKind::TookTheirs,
                    &subject,
                    "changed by theirs".into(),
                );
            }
            (Changed(j), Same(_)) => {
                self.push_unit(Side::Ours, j, None);
                self.decide(DecisionKind::TookOurs, &subject, "changed by ours".into());
            }
            (Deleted, Deleted) => {
                self.decide(DecisionKind::TookBoth, &subject, "deleted by both".into())
            }
            (Deleted, Same(_) | Format(_)) => {
                self.decide(DecisionKind::TookOurs, &subject, "deleted by ours".into())
            }
            (Same(_) | Format(_), Deleted) => self.decide(
                DecisionKind::TookTheirs,
                &subject,
                "deleted by theirs".into(),
            ),
            (Deleted, Changed(j)) => self.clash(
                &subject,
                "ours deleted it, theirs changed it",
                i..i + 1,
                vec![],
                vec![j],
            ),
            (Changed(j), Deleted) => self.clash(
                &subject,
                "ours changed it, theirs deleted it",
                i..i + 1,
                vec![j],
                vec![],
            ),
            (Replaced(jo), Deleted) | (Deleted, Replaced(jo)) => {
                let replacer = if matches!(o, Replaced(_)) {
                    Side::Ours
                } else {
                    Side::Theirs
                };
                let (ours, theirs) = if replacer == Side::Ours {
                    (vec![jo], vec![])
                } else {
                    (vec![], vec![jo])
                };
                let detail = format!(
                    "{} deleted it, {} replaced it",
                    replacer.other().name(),
                    replacer.name()
                );
                self.clash(&subject, &detail, i..i + 1, ours, theirs);
            }
            (Replaced(j), Same(_) | Format(_)) => {
                self.push_unit(Side::Ours, j, None);
                let detail = format!("replaced by ours with {}", self.inputs.name(Side::Ours, j));
                self.decide(DecisionKind::TookOurs, &subject, detail);
            }
            (Same(_) | Format(_), Replaced(j)) => {
                self.push_unit(Side::Theirs, j, None);
                let detail = format!(
                    "replaced by theirs with {}",
                    self.inputs.name(Side::Theirs, j)
                );
                self.decide(DecisionKind::TookTheirs, &subject, detail);
            }
            (Replaced(jo), Replaced(jt) | Changed(jt)) | (Changed(jo), Replaced(jt)) => {
                let detail =
                    "one side replaced the layer, the other changed or replaced it differently";
                self.clash(&subject, detail, i..i + 1, vec![jo], vec![jt]);
            }
            (Format(jo), Changed(jt)) => self.merge_both(i, jo, jt, Side::Ours, true, &subject),
            (Changed(jo), Format(jt)) => self.merge_both(i, jo, jt, Side::Theirs, true, &subject),
            (Changed(jo), Changed(jt)) => {
                // A side that re-indented the element gives it its layout
                // (merged into ours' spaces, theirs' tabs were undone).
                let kept = match (
                    self.reindented(Side::Ours, i, jo),
                    self.reindented(Side::Theirs, i, jt),
                ) {
                    (false, true) => Side::Theirs,
                    _ => Side::Ours,
                };
                self.merge_both(i, jo, jt, kept, true, &subject)
            }
        }
    }

    /// Whether `side`'s element `j` indents its lines after the first with
    /// other characters than base element `i` (tabs for spaces).
    fn reindented(&self, side: Side, i: usize, j: usize) -> bool {
        let indents = |side: Side, k: usize| {
            let text = self.inputs.unit_text(side, k);
            text.lines()
                .skip(1)
                .fold((false, false), |(spaces, tabs), line| {
                    (
                        spaces || line.starts_with(' '),
                        tabs || line.starts_with('\t'),
                    )
                })
        };
        indents(side, j) != indents(Side::Base, i)
    }

    /// Whether `side`'s element `j` differs from base element `i` only in
    /// the whitespace between its words (a CR at a line end, a run of
    /// blanks), as the change-preservation check reads units.
    fn only_spacing(&self, side: Side, i: usize, j: usize) -> bool {
        let words = |side: Side, k: usize| {
            let text = self.inputs.unit_text(side, k);
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        words(side, j) == words(Side::Base, i)
    }

    fn subject(&self, i: usize) -> String {
        format!("layer {} {}", i + 1, self.inputs.name(Side::Base, i))
    }

    fn clash(
        &mut self,
        subject: &str,
        detail: &str,
        base: std::ops::Range<usize>,
        ours: Vec<usize>,
        theirs: Vec<usize>,
    ) {
        let decision = Decision::clash(
            subject,
            detail,
            &self.shown(Side::Ours, &ours),
            &self.shown(Side::Theirs, &theirs),
        );
        self.conflict(decision, base, ours, theirs);
    }

    /// The texts of `side`'s units `js`, one a line.
    fn shown(&self, side: Side, js: &[usize]) -> String {
        js.iter()
            .map(|&j| self.inputs.unit_text(side, j))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// One conflict step over base units `base` and each side's units,
    /// recorded by `decision`.
    fn conflict(
        &mut self,
        decision: Decision,
        base: std::ops::Range<usize>,
        ours: Vec<usize>,
        theirs: Vec<usize>,
    ) {
        self.plan.decisions.push(decision);
        for &j in &ours {
            self.emitted.insert((Side::Ours, j));
        }
        for &j in &theirs {
            self.emitted.insert((Side::Theirs, j));
        }
        self.plan.steps.push(Step::Conflict {
            base: base.collect(),
            ours,
            theirs,
        });
    }

    fn push_unit(&mut self, side: Side, index: usize, body: Option<Vec<Piece>>) {
        self.emitted.insert((side, index));
        self.plan.steps.push(Step::Unit { side, index, body });
    }

    fn decide(&mut self, kind: DecisionKind, subject: &str, detail: String) {
        self.plan
            .decisions
            .push(Decision::new(kind, subject, detail));
    }
}

fn other(side: Side) -> Side {
    if side == Side::Ours {
        Side::Theirs
    } else {
        Side::Ours
    }
}

/// When one side's insertions contain all of the other's, in order (the
/// same insertion, plus more on one side), the longer list as steps
/// `(from_ours, index)`.
fn extended(ours: &[String], theirs: &[String]) -> Option<Vec<(bool, usize)>> {
    let contains = |long: &[String], short: &[String]| {
        let mut it = long.iter();
        short.iter().all(|s| it.any(|l| l == s))
    };
    if ours.len() > theirs.len() && contains(ours, theirs) {
        Some((0..ours.len()).map(|k| (true, k)).collect())
    } else if theirs.len() > ours.len() && contains(theirs, ours) {
        Some((0..theirs.len()).map(|k| (false, k)).collect())
    } else {
        None
    }
}
