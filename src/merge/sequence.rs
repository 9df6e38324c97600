//! The three-way merge of one region's element list (merge-rules §2):
//! inserts, deletes, argument changes, moves, and same-place insertions
//! ordered by the ML convention. Produces a plan of which side's element
//! goes where; [`crate::merge::layout`] turns the plan into text.

use std::collections::HashSet;

use crate::matching::{align, Alignment, Key};
use crate::merge::call::{merge_element, Clash, ElementMerge};
use crate::merge::convention::order_by_convention;
use crate::merge::merge3::Merge3;
use crate::parse::python::{Parsed, Region, Unit};
use crate::render::Piece;
use crate::report::{Decision, DecisionKind};

/// One of the three versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Which {
    Base,
    Ours,
    Theirs,
}

/// One step of the merged list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A side's element, with a merged text for its node when both sides
    /// changed it (holding a conflict piece where one argument clashes).
    Unit {
        side: Which,
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

/// How an element of the base fared on one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Same(usize),
    /// Same tokens, other layout.
    Format(usize),
    Changed(usize),
    /// Another layer in its place (other constructor or `name=`).
    Replaced(usize),
    Deleted,
}

impl State {
    fn index(self) -> Option<usize> {
        match self {
            Self::Same(j) | Self::Format(j) | Self::Changed(j) | Self::Replaced(j) => Some(j),
            Self::Deleted => None,
        }
    }
}

/// A side's view of the base: states of base elements, insertions per gap.
struct SideView {
    states: Vec<State>,
    /// Side elements inserted before base element g (g = n: at the end).
    inserted: Vec<Vec<usize>>,
    /// Base ranges a side reordered.
    blocks: Vec<(usize, usize)>,
    alignment: Alignment,
}

/// Everything a region merge reads.
pub struct Inputs<'a> {
    pub parsed: Merge3<&'a Parsed<'a>>,
    pub regions: Merge3<&'a Region>,
    pub strict: bool,
    pub convention: &'a crate::merge::convention::Convention,
}

impl Inputs<'_> {
    pub fn units(&self, side: Which) -> &[Unit] {
        match side {
            Which::Base => &self.regions.base.units,
            Which::Ours => &self.regions.ours.units,
            Which::Theirs => &self.regions.theirs.units,
        }
    }

    pub fn text(&self, side: Which) -> &str {
        match side {
            Which::Base => self.parsed.base.text,
            Which::Ours => self.parsed.ours.text,
            Which::Theirs => self.parsed.theirs.text,
        }
    }

    /// The element's text, its separating comma left out.
    pub fn unit_text(&self, side: Which, i: usize) -> String {
        let unit = &self.units(side)[i];
        let text = self.text(side);
        let body = &text[unit.body.clone()];
        // Compare the element with its comments, not with its separator.
        let lead = &text[unit.span.start..unit.body.start];
        let trail = unit
            .comma
            .as_ref()
            .map_or(&text[unit.body.end..unit.span.end], |c| {
                &text[c.end..unit.span.end]
            });
        format!(
            "{}{body}{}",
            lead.trim_start_matches([' ', '\t', '\n']),
            trail
        )
    }

    fn name(&self, side: Which, i: usize) -> String {
        let unit = &self.units(side)[i];
        if unit.comment {
            return format!("comment `{}`", &self.text(side)[unit.body.clone()]);
        }
        match (&unit.ctor, &unit.identity) {
            (_, Some(id)) if id.starts_with("self.") || id.starts_with("item ") => {
                format!("`{id}`")
            }
            (Some(ctor), _) => format!("`{ctor}`"),
            _ => {
                let t = &self.text(side)[unit.body.clone()];
                format!(
                    "`{}`",
                    t.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .chars()
                        .take(40)
                        .collect::<String>()
                )
            }
        }
    }
}

/// Plans the merge of one region.
pub fn plan(inputs: &Inputs<'_>) -> Plan {
    let keys = |side: Which| -> Vec<Key<'_>> {
        inputs
            .units(side)
            .iter()
            .map(|u| Key {
                content: &u.tokens,
                identity: u.identity.as_deref(),
            })
            .collect()
    };
    let base_keys = keys(Which::Base);
    let ours = side_view(inputs, Which::Ours, align(&base_keys, &keys(Which::Ours)));
    let theirs = side_view(
        inputs,
        Which::Theirs,
        align(&base_keys, &keys(Which::Theirs)),
    );
    Planner {
        inputs,
        ours,
        theirs,
        plan: Plan::default(),
        emitted: HashSet::new(),
    }
    .run()
}

fn side_view(inputs: &Inputs<'_>, side: Which, alignment: Alignment) -> SideView {
    let n = inputs.units(Which::Base).len();
    let m = inputs.units(side).len();
    let mut base_of = vec![None; m];
    for (i, p) in alignment.partner.iter().enumerate() {
        if let Some(j) = *p {
            base_of[j] = Some(i);
        }
    }
    let moved: HashSet<usize> = alignment.moves.iter().map(|&(_, j)| j).collect();
    // The gap of side element j: before the next element paired in order.
    let mut gap_of = vec![n; m + 1];
    for j in (0..m).rev() {
        gap_of[j] = base_of[j].unwrap_or(gap_of[j + 1]);
    }
    let mut inserted = vec![Vec::new(); n + 1];
    for j in 0..m {
        if base_of[j].is_none() && !moved.contains(&j) {
            inserted[gap_of[j + 1]].push(j);
        }
    }
    let states = (0..n)
        .map(|i| match alignment.partner[i] {
            None => State::Deleted,
            // The same constructor under a new name= is a change, not a replacement.
            Some(j)
                if alignment.replaced[i]
                    && inputs.units(Which::Base)[i].ctor != inputs.units(side)[j].ctor =>
            {
                State::Replaced(j)
            }
            Some(j) if inputs.unit_text(Which::Base, i) == inputs.unit_text(side, j) => {
                State::Same(j)
            }
            Some(j) if inputs.units(Which::Base)[i].tokens == inputs.units(side)[j].tokens => {
                State::Format(j)
            }
            Some(j) => State::Changed(j),
        })
        .collect();
    let mut blocks: Vec<(usize, usize)> = alignment
        .moves
        .iter()
        .map(|&(i, j)| {
            let g = gap_of[j + 1];
            (i.min(g), (i + 1).max(g))
        })
        .collect();
    blocks.sort_unstable();
    SideView {
        states,
        inserted,
        blocks: union_ranges(blocks),
        alignment,
    }
}

/// Joins overlapping or touching ranges.
fn union_ranges(sorted: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (lo, hi) in sorted {
        match out.last_mut() {
            Some(last) if lo < last.1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

struct Planner<'a, 'i> {
    inputs: &'i Inputs<'a>,
    ours: SideView,
    theirs: SideView,
    plan: Plan,
    emitted: HashSet<(Which, usize)>,
}

impl Planner<'_, '_> {
    fn view(&self, side: Which) -> &SideView {
        if side == Which::Ours {
            &self.ours
        } else {
            &self.theirs
        }
    }

    fn run(mut self) -> Plan {
        let n = self.inputs.units(Which::Base).len();
        let blocks = self.blocks();
        let mut g = 0;
        while g <= n {
            self.gap(g);
            if g == n {
                break;
            }
            if let Some(&(lo, hi, owner)) = blocks.iter().find(|b| b.0 == g) {
                self.block(lo, hi, owner);
                g = hi;
                continue;
            }
            self.element(g);
            g += 1;
        }
        self.plan
    }

    /// Reordered spans: (lo, hi, owner); owner `None` when both reordered.
    fn blocks(&self) -> Vec<(usize, usize, Option<Which>)> {
        let mut all: Vec<(usize, usize, Option<Which>)> = Vec::new();
        for (side, view) in [(Which::Ours, &self.ours), (Which::Theirs, &self.theirs)] {
            for &(lo, hi) in &view.blocks {
                let (lo, hi) = self.close_block(lo, hi);
                all.push((lo, hi, Some(side)));
            }
        }
        all.sort_by_key(|b| (b.0, b.1));
        let mut out: Vec<(usize, usize, Option<Which>)> = Vec::new();
        for (lo, hi, owner) in all {
            match out.last_mut() {
                Some(last) if lo < last.1 => {
                    last.1 = last.1.max(hi);
                    if last.2 != owner {
                        last.2 = None;
                    }
                }
                _ => out.push((lo, hi, owner)),
            }
        }
        out
    }

    /// Widens a block until no element inside it is paired with one outside.
    fn close_block(&self, mut lo: usize, mut hi: usize) -> (usize, usize) {
        for _ in 0..64 {
            let (mut new_lo, mut new_hi) = (lo, hi);
            for side in [Which::Ours, Which::Theirs] {
                let range = self.side_range(side, lo, hi);
                for (i, state) in self.view(side).states.iter().enumerate() {
                    if let Some(j) = state.index().or_else(|| self.moved_to(side, i)) {
                        if range.contains(&j) {
                            new_lo = new_lo.min(i);
                            new_hi = new_hi.max(i + 1);
                        }
                    }
                }
            }
            if (new_lo, new_hi) == (lo, hi) {
                break;
            }
            (lo, hi) = (new_lo, new_hi);
        }
        (lo, hi)
    }

    fn moved_to(&self, side: Which, i: usize) -> Option<usize> {
        self.view(side)
            .alignment
            .moves
            .iter()
            .find(|m| m.0 == i)
            .map(|m| m.1)
    }

    /// The side's elements that stand for base elements lo..hi.
    fn side_range(&self, side: Which, lo: usize, hi: usize) -> std::ops::Range<usize> {
        let view = self.view(side);
        let mut members: Vec<usize> = (lo..hi)
            .filter_map(|i| view.states[i].index().or_else(|| self.moved_to(side, i)))
            .collect();
        for g in lo + 1..hi {
            members.extend(&view.inserted[g]);
        }
        match (members.iter().min(), members.iter().max()) {
            (Some(&a), Some(&b)) => a..b + 1,
            _ => 0..0,
        }
    }

    fn block(&mut self, lo: usize, hi: usize, owner: Option<Which>) {
        let other_untouched = |other: Which| {
            let view = self.view(other);
            (lo..hi).all(|i| matches!(view.states[i], State::Same(_)))
                && (lo + 1..hi).all(|g| view.inserted[g].is_empty())
        };
        let subject = format!("layers {}–{}", lo + 1, hi);
        match owner {
            Some(side) if other_untouched(other(side)) => {
                for j in self.side_range(side, lo, hi) {
                    self.push_unit(side, j, None);
                }
                self.decide(
                    DecisionKind::for_side(side),
                    &subject,
                    format!("reordered by {}", side_name(side)),
                );
            }
            _ => {
                let ours: Vec<usize> = self.side_range(Which::Ours, lo, hi).collect();
                let theirs: Vec<usize> = self.side_range(Which::Theirs, lo, hi).collect();
                self.clash(&subject, "one side reordered these layers while the other changed them or inserted between them", lo..hi, ours, theirs);
            }
        }
    }

    fn gap(&mut self, g: usize) {
        let ours: Vec<usize> = self.ours.inserted[g]
            .iter()
            .copied()
            .filter(|&j| !self.emitted.contains(&(Which::Ours, j)))
            .collect();
        let theirs: Vec<usize> = self.theirs.inserted[g]
            .iter()
            .copied()
            .filter(|&j| !self.emitted.contains(&(Which::Theirs, j)))
            .collect();
        let place = self.place(g);
        if theirs.is_empty() || ours.is_empty() {
            let (side, units) = if theirs.is_empty() {
                (Which::Ours, ours)
            } else {
                (Which::Theirs, theirs)
            };
            for j in units {
                let name = self.inputs.name(side, j);
                self.push_unit(side, j, None);
                self.decide(
                    DecisionKind::for_side(side),
                    &format!("layer {name}"),
                    format!("inserted by {} {place}", side_name(side)),
                );
            }
            return;
        }
        let tokens = |side: Which, js: &[usize]| {
            js.iter()
                .map(|&j| self.inputs.units(side)[j].tokens.clone())
                .collect::<Vec<_>>()
        };
        if tokens(Which::Ours, &ours) == tokens(Which::Theirs, &theirs) {
            for j in ours {
                self.push_unit(Which::Ours, j, None);
            }
            self.decide(
                DecisionKind::TookBoth,
                "inserted layers",
                format!("both sides inserted the same layers {place}"),
            );
            return;
        }
        let ctors = |side: Which, js: &[usize]| {
            js.iter()
                .map(|&j| self.inputs.units(side)[j].ctor.clone())
                .collect::<Vec<_>>()
        };
        let order = if self.inputs.strict {
            None
        } else {
            order_by_convention(
                self.inputs.convention,
                &ctors(Which::Ours, &ours),
                &ctors(Which::Theirs, &theirs),
            )
        };
        match order {
            Some(order) => {
                let names: Vec<String> = order
                    .iter()
                    .map(|&(from_ours, k)| {
                        let (side, j) = if from_ours {
                            (Which::Ours, ours[k])
                        } else {
                            (Which::Theirs, theirs[k])
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
            format!("after layer {} {}", g, self.inputs.name(Which::Base, g - 1))
        }
    }

    fn element(&mut self, i: usize) {
        let (o, t) = (self.ours.states[i], self.theirs.states[i]);
        let name = self.inputs.name(Which::Base, i);
        let subject = format!("layer {} {name}", i + 1);
        if let Some(jo) = self.same_change(o, t) {
            self.push_unit(Which::Ours, jo, None);
            self.decide(
                DecisionKind::TookBoth,
                &subject,
                "both made the same change".into(),
            );
            return;
        }
        use State::*;
        match (o, t) {
            (Same(j), Same(_)) | (Format(j), Format(_)) => self.push_unit(Which::Ours, j, None),
            (Same(_), Format(j)) => self.push_unit(Which::Theirs, j, None),
            (Format(j), Same(_)) => self.push_unit(Which::Ours, j, None),
            (Same(_), Changed(j)) => {
                self.push_unit(Which::Theirs, j, None);
                self.decide(
                    DecisionKind::TookTheirs,
                    &subject,
                    "changed by theirs".into(),
                );
            }
            (Changed(j), Same(_)) => {
                self.push_unit(Which::Ours, j, None);
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
            (Replaced(j), Same(_) | Format(_) | Deleted) => {
                self.push_unit(Which::Ours, j, None);
                let detail = format!("replaced by ours with {}", self.inputs.name(Which::Ours, j));
                self.decide(DecisionKind::TookOurs, &subject, detail);
            }
            (Same(_) | Format(_) | Deleted, Replaced(j)) => {
                self.push_unit(Which::Theirs, j, None);
                let detail = format!(
                    "replaced by theirs with {}",
                    self.inputs.name(Which::Theirs, j)
                );
                self.decide(DecisionKind::TookTheirs, &subject, detail);
            }
            (Replaced(jo), Replaced(jt) | Changed(jt)) | (Changed(jo), Replaced(jt)) => {
                let detail =
                    "one side replaced the layer, the other changed or replaced it differently";
                self.clash(&subject, detail, i..i + 1, vec![jo], vec![jt]);
            }
            (Format(jo), Changed(jt)) => self.merge_both(i, jo, jt, Which::Ours, &subject),
            (Changed(jo), Format(jt)) => self.merge_both(i, jo, jt, Which::Theirs, &subject),
            (Changed(jo), Changed(jt)) => self.merge_both(i, jo, jt, Which::Ours, &subject),
        }
    }

    /// Both sides changed or replaced base element i in the same way.
    fn same_change(&self, ours: State, theirs: State) -> Option<usize> {
        use State::*;
        match (ours, theirs) {
            (Changed(jo) | Replaced(jo), Changed(jt) | Replaced(jt))
                if self.inputs.units(Which::Ours)[jo].tokens
                    == self.inputs.units(Which::Theirs)[jt].tokens =>
            {
                Some(jo)
            }
            _ => None,
        }
    }

    /// Both sides changed base element i: merge argument by argument into
    /// the `layout` side's text.
    fn merge_both(&mut self, i: usize, jo: usize, jt: usize, layout: Which, subject: &str) {
        match self.merge_nodes(i, jo, jt, layout) {
            Ok(merged) => {
                let (index, other_side) = if layout == Which::Ours {
                    (jo, Which::Theirs)
                } else {
                    (jt, Which::Ours)
                };
                let ElementMerge {
                    pieces,
                    taken,
                    clashes,
                } = merged;
                if !clashes.is_empty() {
                    let detail = format!("both changed {}", clashes.join(", "));
                    let (ours, theirs) = (
                        self.inputs.unit_text(Which::Ours, jo),
                        self.inputs.unit_text(Which::Theirs, jt),
                    );
                    self.plan
                        .decisions
                        .push(Decision::clash(subject, detail, &ours, &theirs));
                }
                self.push_unit(layout, index, Some(pieces));
                if taken.is_empty() && !clashes.is_empty() {
                    return;
                }
                let detail = if taken.is_empty() {
                    format!("kept the layout of {}", side_name(layout))
                } else {
                    format!(
                        "combined with {}' changes: {}",
                        side_name(other_side),
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
        layout: Which,
    ) -> Result<ElementMerge, Clash> {
        let inputs = self.inputs;
        let node = |side: Which, j: usize| {
            let parsed = match side {
                Which::Base => inputs.parsed.base,
                Which::Ours => inputs.parsed.ours,
                Which::Theirs => inputs.parsed.theirs,
            };
            parsed.node(&inputs.units(side)[j].body)
        };
        let missing = || Clash {
            what: "the layer".into(),
        };
        let (b, o, t) = (
            node(Which::Base, i).ok_or_else(missing)?,
            node(Which::Ours, jo).ok_or_else(missing)?,
            node(Which::Theirs, jt).ok_or_else(missing)?,
        );
        let texts = Merge3::new(
            inputs.text(Which::Base),
            inputs.text(Which::Ours),
            inputs.text(Which::Theirs),
        );
        if layout == Which::Ours {
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

    fn clash(
        &mut self,
        subject: &str,
        detail: &str,
        base: std::ops::Range<usize>,
        ours: Vec<usize>,
        theirs: Vec<usize>,
    ) {
        let show = |side: Which, js: &[usize]| {
            js.iter()
                .map(|&j| self.inputs.unit_text(side, j))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let decision = Decision::clash(
            subject,
            detail,
            &show(Which::Ours, &ours),
            &show(Which::Theirs, &theirs),
        );
        self.plan.decisions.push(decision);
        for &j in &ours {
            self.emitted.insert((Which::Ours, j));
        }
        for &j in &theirs {
            self.emitted.insert((Which::Theirs, j));
        }
        self.plan.steps.push(Step::Conflict {
            base: base.collect(),
            ours,
            theirs,
        });
    }

    fn push_unit(&mut self, side: Which, index: usize, body: Option<Vec<Piece>>) {
        self.emitted.insert((side, index));
        self.plan.steps.push(Step::Unit { side, index, body });
    }

    fn decide(&mut self, kind: DecisionKind, subject: &str, detail: String) {
        self.plan
            .decisions
            .push(Decision::new(kind, subject, detail));
    }
}

fn other(side: Which) -> Which {
    if side == Which::Ours {
        Which::Theirs
    } else {
        Which::Ours
    }
}

fn side_name(side: Which) -> &'static str {
    match side {
        Which::Base => "base",
        Which::Ours => "ours",
        Which::Theirs => "theirs",
    }
}

impl DecisionKind {
    fn for_side(side: Which) -> Self {
        if side == Which::Theirs {
            Self::TookTheirs
        } else {
            Self::TookOurs
        }
    }
}
