//! Every region's merge plan passes the independent change-preservation
//! check ([`crate::verify`], issue 8) before it is rendered: the three
//! versions' units and the planned result become `verify` elements, and a
//! plan the check rejects (or cannot decide) is replaced by one conflict
//! over the whole region, recorded as a `verify-rejected` decision.

use crate::core::merge3::Side as Which;
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};
use crate::python::plan::{Inputs, Plan, Step};
use crate::verify::{check, Element, ResultElement, Verdict};

/// The key `verify` matches a unit by across versions: the attribute or
/// OrderedDict name where the shape keys by name, else the constructor;
/// comments are keyed as comments.
fn key(inputs: &Inputs<'_>, side: Which, i: usize) -> String {
    let unit = &inputs.units(side)[i];
    if unit.comment {
        return "#comment".into();
    }
    match (&unit.identity, &unit.ctor) {
        (Some(id), _) if id.starts_with("self.") || id.starts_with("item ") => id.clone(),
        (_, Some(ctor)) => ctor.clone(),
        _ => unit.tokens.clone(),
    }
}

/// Whitespace runs collapsed: a unit's content up to layout.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn element(inputs: &Inputs<'_>, side: Which, i: usize) -> Element {
    Element::new(key(inputs, side, i), normalized(&inputs.unit_text(side, i)))
}

fn version(inputs: &Inputs<'_>, side: Which) -> Vec<Element> {
    (0..inputs.units(side).len())
        .map(|i| element(inputs, side, i))
        .collect()
}

/// The plan's result as elements: units it takes, merged units (inside a
/// conflict when one of their arguments clashes), and conflict sections.
fn planned(inputs: &Inputs<'_>, plan: &Plan) -> Vec<ResultElement> {
    let mut out = Vec::new();
    for step in &plan.steps {
        match step {
            Step::Unit {
                side,
                index,
                body: None,
            } => out.push(ResultElement::clean(element(inputs, *side, *index))),
            Step::Unit {
                side,
                index,
                body: Some(pieces),
            } => {
                let text: String = pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Text(t) => t.as_str(),
                        Piece::Conflict(_) => "",
                    })
                    .collect();
                let merged = Element::new(key(inputs, *side, *index), normalized(&text));
                if pieces.iter().any(|p| matches!(p, Piece::Conflict(_))) {
                    out.push(ResultElement::conflicted(merged));
                } else {
                    out.push(ResultElement::clean(merged));
                }
            }
            Step::Conflict { base, ours, theirs } => {
                for (side, js) in [
                    (Which::Base, base),
                    (Which::Ours, ours),
                    (Which::Theirs, theirs),
                ] {
                    for &j in js {
                        out.push(ResultElement::conflicted(element(inputs, side, j)));
                    }
                }
            }
        }
    }
    out
}

/// Checks `plan`; a plan the check does not accept becomes one conflict
/// over the whole region, with the reason recorded.
pub fn checked_plan(inputs: &Inputs<'_>, plan: Plan) -> Plan {
    let verdict = check(
        &version(inputs, Which::Base),
        &version(inputs, Which::Ours),
        &version(inputs, Which::Theirs),
        &planned(inputs, &plan),
    );
    if verdict == Verdict::Ok {
        return plan;
    }
    let subject = match &verdict {
        Verdict::Violations(v) => v.first().map_or_else(
            || "the region".to_string(),
            |v| format!("`{}`", v.element.content),
        ),
        _ => "the region".to_string(),
    };
    let reason = verdict.reason().unwrap_or_default();
    let all = |side: Which| (0..inputs.units(side).len()).collect::<Vec<_>>();
    let text = |side: Which| {
        (0..inputs.units(side).len())
            .map(|j| inputs.unit_text(side, j))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Plan {
        steps: vec![Step::Conflict {
            base: all(Which::Base),
            ours: all(Which::Ours),
            theirs: all(Which::Theirs),
        }],
        decisions: vec![
            Decision::new(
                DecisionKind::VerifyRejected,
                subject,
                format!("the structured merge was not certain ({reason}); the whole list is left as a conflict"),
            ),
            Decision::clash(
                "the whole list",
                "the independent check rejected the structured merge",
                &text(Which::Ours),
                &text(Which::Theirs),
            ),
        ],
    }
}
