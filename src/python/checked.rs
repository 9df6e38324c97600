//! Every region's merge plan passes the independent change-preservation
//! check ([`crate::verify`], issue 8) before it is rendered: the three
//! versions' units and the planned result become `verify` elements, and a
//! plan the check rejects (or cannot decide) is replaced by one conflict
//! over the whole region, recorded as a `verify-rejected` decision.

use crate::core::merge3::{Merge3, Side as Which};
use crate::core::render::Piece;
use crate::decisions::{Decision, DecisionKind};
use crate::python::plan::{Inputs, Plan, Step};
use crate::python::regions::Identity;
use crate::verify::{check, check_with, Element, Options, ResultElement, Verdict};

/// The key `verify` matches a unit by across versions: the attribute or
/// OrderedDict name where the shape keys by name, else the constructor;
/// comments are keyed as comments.
fn key(inputs: &Inputs<'_>, side: Which, i: usize) -> String {
    let unit = &inputs.units(side)[i];
    if unit.comment {
        return "#comment".into();
    }
    match (&unit.identity, &unit.ctor) {
        (Some(id @ (Identity::Attribute(_) | Identity::Item(_))), _) => id.to_string(),
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
                let text = crate::core::render::text_outside_conflicts(pieces);
                let merged = Element::new(key(inputs, *side, *index), normalized(&text));
                if pieces.iter().any(|p| matches!(p, Piece::Conflict(_))) {
                    out.push(ResultElement::conflicted(merged));
                } else {
                    out.push(ResultElement::clean(merged));
                }
            }
            Step::Conflict { base, ours, theirs } => {
                // The writer moves lines that open or close both sections
                // out of the conflict (`core::render`): the check reads
                // units the sections share at their ends as written clean.
                let (head, tail) = common_ends(inputs, ours, theirs);
                let clean = |out: &mut Vec<ResultElement>, js: &[usize]| {
                    for &j in js {
                        out.push(ResultElement::clean(element(inputs, Which::Ours, j)));
                    }
                };
                clean(&mut out, &ours[..head]);
                for (side, js) in [
                    (Which::Base, &base[..]),
                    (Which::Ours, &ours[head..ours.len() - tail]),
                    (Which::Theirs, &theirs[head..theirs.len() - tail]),
                ] {
                    for &j in js {
                        out.push(ResultElement::conflicted(element(inputs, side, j)));
                    }
                }
                clean(&mut out, &ours[ours.len() - tail..]);
            }
        }
    }
    out
}

/// How many units open (`head`) and close (`tail`) both conflict sections
/// with the same text; they do not overlap.
fn common_ends(inputs: &Inputs<'_>, ours: &[usize], theirs: &[usize]) -> (usize, usize) {
    let same =
        |o: usize, t: usize| inputs.unit_text(Which::Ours, o) == inputs.unit_text(Which::Theirs, t);
    let max = ours.len().min(theirs.len());
    let head = (0..max).take_while(|&k| same(ours[k], theirs[k])).count();
    let tail = (0..max - head)
        .take_while(|&k| same(ours[ours.len() - 1 - k], theirs[theirs.len() - 1 - k]))
        .count();
    (head, tail)
}

/// Checks `plan`; a plan the check does not accept becomes one conflict
/// over the whole region, with the reason recorded.
pub fn checked_plan(inputs: &Inputs<'_>, plan: Plan) -> Plan {
    let base = version(inputs, Which::Base);
    let named = |e: &Element| e.key.starts_with("self.") || e.key.starts_with("item ");
    let options = Options {
        moves_by_key: base.iter().all(|e| named(e) || e.key == "#comment"),
        ..Options::default()
    };
    let verdict = check_with(
        &base,
        &version(inputs, Which::Ours),
        &version(inputs, Which::Theirs),
        &planned(inputs, &plan),
        options,
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

/// Why [`arguments_hold`] rejected a merged call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgumentsRejected {
    /// The Python parser could not be set up (a broken build).
    NoParser,
    /// The merged element does not parse.
    DoesNotParse,
    /// The merged element is not a call.
    MergedNotACall,
    /// A version of the element is not a call.
    VersionNotACall,
    /// A call repeats the keyword argument (never merged argument by argument).
    RepeatedKeyword(String),
    /// The calls nest deeper than the check goes.
    TooDeep,
    /// The check found a side's edit missing or doubled: its reason.
    Rejected(String),
}

impl std::fmt::Display for ArgumentsRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoParser => f.write_str("the parser is not available"),
            Self::DoesNotParse => f.write_str("the merged element does not parse"),
            Self::MergedNotACall => f.write_str("the merged element is not a call"),
            Self::VersionNotACall => f.write_str("a version of the element is not a call"),
            Self::RepeatedKeyword(name) => {
                write!(f, "the keyword argument `{name}` is repeated")
            }
            Self::TooDeep => f.write_str("the call nests too deep to check"),
            Self::Rejected(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for ArgumentsRejected {}

/// The independent check of an element both sides changed and
/// [`crate::python::element::merge_element`] combined: the arguments of
/// its calls (keywords by name, positionals in order, comments inside the
/// brackets as elements) hold both sides' edits exactly once, at every
/// depth where both sides changed an argument. A call that repeats a
/// keyword argument is never merged argument by argument.
pub fn arguments_hold(
    nodes: Merge3<tree_sitter::Node<'_>>,
    texts: Merge3<&str>,
    merged: &str,
) -> Result<(), ArgumentsRejected> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .map_err(|_| ArgumentsRejected::NoParser)?;
    let tree = parser
        .parse(merged, None)
        .ok_or(ArgumentsRejected::DoesNotParse)?;
    let root = tree.root_node();
    if root.has_error() {
        return Err(ArgumentsRejected::DoesNotParse);
    }
    let result = outer_call(root).ok_or(ArgumentsRejected::MergedNotACall)?;
    let calls = nodes.map_ref(|n| outer_call(*n));
    let (Some(b), Some(o), Some(t)) = (calls.base, calls.ours, calls.theirs) else {
        return Err(ArgumentsRejected::VersionNotACall);
    };
    same_call(Merge3::new(b, o, t), texts, (result, merged), 0)
}

/// The first call at or below `node`, outermost first.
fn outer_call(node: tree_sitter::Node<'_>) -> Option<tree_sitter::Node<'_>> {
    let mut queue = std::collections::VecDeque::from([node]);
    while let Some(n) = queue.pop_front() {
        if n.kind() == "call" {
            return Some(n);
        }
        let mut cursor = n.walk();
        queue.extend(n.named_children(&mut cursor));
    }
    None
}

/// A call's arguments as elements, with their value nodes; `Err` when a
/// keyword argument is repeated.
fn arguments<'t>(
    call: tree_sitter::Node<'t>,
    text: &str,
) -> Result<Vec<Argument<'t>>, ArgumentsRejected> {
    let Some(list) = call.child_by_field_name("arguments") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    let mut cursor = list.walk();
    for arg in list.named_children(&mut cursor) {
        let content = normalized(text.get(arg.byte_range()).unwrap_or_default());
        let (key, value) = match arg.kind() {
            "comment" => ("#comment".to_string(), None),
            "keyword_argument" => {
                let name = arg
                    .child_by_field_name("name")
                    .and_then(|n| text.get(n.byte_range()))
                    .unwrap_or_default()
                    .to_string();
                if !names.insert(name.clone()) {
                    return Err(ArgumentsRejected::RepeatedKeyword(name));
                }
                (format!("{name}="), arg.child_by_field_name("value"))
            }
            _ => ("positional".to_string(), Some(arg)),
        };
        out.push((Element::new(key, content), value));
    }
    Ok(out)
}

fn same_call(
    calls: Merge3<tree_sitter::Node<'_>>,
    texts: Merge3<&str>,
    result: (tree_sitter::Node<'_>, &str),
    depth: usize,
) -> Result<(), ArgumentsRejected> {
    if depth > 32 {
        return Err(ArgumentsRejected::TooDeep);
    }
    let b = arguments(calls.base, texts.base)?;
    let o = arguments(calls.ours, texts.ours)?;
    let t = arguments(calls.theirs, texts.theirs)?;
    let r = arguments(result.0, result.1)?;
    let plain = |v: &[Argument<'_>]| -> Vec<Element> { v.iter().map(|(e, _)| e.clone()).collect() };
    let clean: Vec<ResultElement> = r
        .iter()
        .map(|(e, _)| ResultElement::clean(e.clone()))
        .collect();
    let verdict = check(&plain(&b), &plain(&o), &plain(&t), &clean);
    if verdict != Verdict::Ok {
        return Err(ArgumentsRejected::Rejected(
            verdict.reason().unwrap_or_default(),
        ));
    }
    // Keywords both sides changed: their calls are checked the same way.
    for (element, value) in &r {
        if !element.key.ends_with('=') {
            continue;
        }
        let key = element.key.as_str();
        let (Some(eb), Some(eo), Some(et)) =
            (find_arg(&b, key), find_arg(&o, key), find_arg(&t, key))
        else {
            continue;
        };
        if eo.0 == eb.0 || et.0 == eb.0 || eo.0 == et.0 {
            continue;
        }
        if let (Some(nb), Some(no), Some(nt), Some(nr)) =
            (as_call(eb.1), as_call(eo.1), as_call(et.1), as_call(*value))
        {
            same_call(Merge3::new(nb, no, nt), texts, (nr, result.1), depth + 1)?;
        }
    }
    // `Dense(64)(x)`: the called layer, when both sides changed it.
    if let (Some(fb), Some(fo), Some(ft), Some(fr)) = (
        called(calls.base),
        called(calls.ours),
        called(calls.theirs),
        called(result.0),
    ) {
        same_call(Merge3::new(fb, fo, ft), texts, (fr, result.1), depth + 1)?;
    }
    Ok(())
}

type Argument<'t> = (Element, Option<tree_sitter::Node<'t>>);

fn find_arg<'t>(args: &[Argument<'t>], key: &str) -> Option<Argument<'t>> {
    args.iter().find(|(e, _)| e.key == key).cloned()
}

fn as_call(node: Option<tree_sitter::Node<'_>>) -> Option<tree_sitter::Node<'_>> {
    node.filter(|n| n.kind() == "call")
}

/// The called expression when it is itself a call (`Dense(64)` in `Dense(64)(x)`).
fn called(call: tree_sitter::Node<'_>) -> Option<tree_sitter::Node<'_>> {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "call")
}
