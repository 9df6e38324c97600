//! The regions of a Python file that merge structurally: layer lists in a
//! call ([`lists`]), runs of layer statements ([`statements`]) and call
//! statements merged argument by argument ([`calls`]), each with its
//! elements and their identities ([`identity`]).

mod calls;
mod identity;
mod lists;
mod shapes;
mod statements;

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::python::parse::facts::TreeFacts;
use crate::python::parse::queries::{compiled, CONTAINER_QUERIES, STATEMENT_QUERIES};

pub use self::identity::{ctor_name, Identity};

/// How a region's units are laid out and merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    /// Items of a list or call arguments, separated by commas.
    List,
    /// Consecutive statements in one block.
    Statements,
    /// One call statement, merged argument by argument.
    Call,
}

/// One element of a region: a layer, or a whole call statement.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The unit's text inline: lead (whitespace, comment lines) + element +
    /// comma + trailing comment.
    pub span: Range<usize>,
    /// The unit's whole lines (with the comment lines before it), when the
    /// region is in line form.
    pub lines: Option<Range<usize>>,
    /// The element's own node.
    pub body: Range<usize>,
    /// The comma after the element, if any.
    pub comma: Option<Range<usize>>,
    /// The element's tokens, comments left out: equal tokens means only
    /// the layout differs.
    pub tokens: String,
    /// A name that identifies the element across versions (constructor
    /// plus `name=`, or attribute name), when it has one.
    pub identity: Option<Identity>,
    /// The layer constructor's last name (`Dense`, `Conv2d`), if a call.
    pub ctor: Option<String>,
    /// A comment on a line of its own between layers: it merges like a
    /// layer, so it stays where each side left it.
    pub comment: bool,
}

/// A place in the file that merges structurally.
#[derive(Clone, Debug)]
pub struct Region {
    /// Stable across versions: shape, scope, target and occurrence.
    pub key: String,
    pub kind: RegionKind,
    /// The bytes the merged region replaces inline: between the brackets.
    pub span: Range<usize>,
    /// The whole lines of the units, when every unit covers whole lines.
    pub lines: Option<Range<usize>>,
    pub units: Vec<Unit>,
    /// For people: "`model` (Sequential) in build_model".
    pub describe: String,
}

/// Every region of a parsed text, in text order, keys made unique.
pub(crate) fn find_regions(text: &str, tree: &Tree, facts: &TreeFacts) -> Vec<Region> {
    // A query runs only where its shape can occur at all.
    let mut containers = Vec::new();
    for (rank, file) in CONTAINER_QUERIES.iter().enumerate() {
        // A query filtered by callee is compiled only when a call passes.
        let callees = file.callee.is_none_or(|passes| {
            facts
                .calls
                .iter()
                .any(|call| lists::callee_passes(*call, text, passes))
        });
        if file.may_match(text) && callees {
            containers.push((rank, compiled(file), file.callee));
        }
    }
    let mut regions = lists::list_regions(text, tree, &containers, facts);
    let mut statements = Vec::new();
    for (shape, file) in &STATEMENT_QUERIES {
        if file.may_match(text) {
            // A shape matched in code needs no compiled query.
            let query = (!shapes::matched_in_code(*shape)).then(|| compiled(file));
            statements.push((*shape, query));
        }
    }
    let taken = Taken::new(&regions);
    regions.extend(statements::statement_regions(
        text,
        tree,
        &statements,
        &taken,
        facts,
    ));
    let taken = Taken::new(&regions);
    regions.extend(calls::call_regions(text, &taken, facts));
    regions.sort_by_key(|r| r.span.start);
    number_occurrences(&mut regions);
    regions
}

/// Byte ranges already claimed by regions, sorted and disjoint, for
/// logarithmic overlap tests.
struct Taken(Vec<Range<usize>>);

impl Taken {
    fn new(regions: &[Region]) -> Self {
        let mut spans: Vec<Range<usize>> = regions
            .iter()
            .map(|r| match &r.lines {
                Some(l) => l.start.min(r.span.start)..l.end.max(r.span.end),
                None => r.span.clone(),
            })
            .collect();
        spans.sort_by_key(|r| r.start);
        Taken(spans)
    }

    fn overlaps(&self, range: &Range<usize>) -> bool {
        let i = self.0.partition_point(|r| r.start < range.end);
        // Disjoint and sorted: only the last one starting before the end can reach it.
        self.0[..i].last().is_some_and(|r| r.end > range.start)
    }
}

/// Makes keys unique: the n-th region with the same key gets `#n`.
fn number_occurrences(regions: &mut [Region]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for region in regions {
        let n = seen.entry(region.key.clone()).or_insert(0);
        region.key = format!("{}#{}", region.key, n);
        *n += 1;
    }
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |p| p + 1)
}

/// The end of the line holding `pos`, past its newline.
fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |p| pos + p + 1)
}

fn only_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Whether `s` (the rest of a line) is blank or a comment.
fn blank_or_comment(s: &str) -> bool {
    let t = s.trim_start_matches([' ', '\t', '\r', '\n']);
    t.is_empty() || t.starts_with('#')
}

/// Whether only blanks stand before `pos` on its line.
fn own_line_start(text: &str, pos: usize) -> bool {
    only_blank(&text[line_start(text, pos)..pos])
}

fn comment_unit(text: &str, span: Range<usize>, body: Range<usize>) -> Unit {
    Unit {
        span,
        lines: None,
        tokens: format!("\u{2}{}", text[body.clone()].trim_end()),
        body,
        comma: None,
        identity: None,
        ctor: None,
        comment: true,
    }
}

fn describe(target: &str, shape: &str, scope: &str) -> String {
    let mut s = if target.is_empty() {
        shape.to_string()
    } else {
        format!("`{target}` ({shape})")
    };
    if !scope.is_empty() {
        s.push_str(&format!(" in {scope}"));
    }
    s
}

/// Whole lines holding `node`, or `None` when it shares a line with other code.
fn own_lines(text: &str, node: Node<'_>) -> Option<Range<usize>> {
    let start = line_start(text, node.start_byte());
    if !only_blank(&text[start..node.start_byte()]) {
        return None;
    }
    let end = line_end(text, node.end_byte());
    blank_or_comment(&text[node.end_byte()..end]).then_some(start..end)
}

/// Whether a side cut the base `region` in two: units of the base that
/// its copy `kept` lacks are in a region of the same shape and scope the
/// base does not have (`side_regions`' keys for which `in_base` is false). A
/// statement inserted into a run of `model.add(...)` lines makes the lines
/// below it a second run, which the region merge reads as deleted from
/// the first: ours deleting one of them, theirs moving it below the new
/// statement, came out clean with the moved copy kept (branch fuzz5).
pub fn split_off(
    region: &Region,
    kept: &Region,
    side_regions: &[Region],
    in_base: impl Fn(&str) -> bool,
) -> bool {
    let stem = |key: &str| {
        key.rsplit_once('#')
            .map_or(key, |(stem, _)| stem)
            .to_string()
    };
    let tokens = |units: &[Unit]| -> Vec<String> {
        units
            .iter()
            .filter(|u| !u.comment && !u.tokens.is_empty())
            .map(|u| u.tokens.clone())
            .collect()
    };
    let held = tokens(&kept.units);
    let lost: Vec<String> = tokens(&region.units)
        .into_iter()
        .filter(|t| !held.contains(t))
        .collect();
    if lost.is_empty() {
        return false;
    }
    let stem_of_region = stem(&region.key);
    side_regions
        .iter()
        .filter(|r| !in_base(&r.key) && stem(&r.key) == stem_of_region)
        .any(|r| tokens(&r.units).iter().any(|t| lost.contains(t)))
}

#[cfg(test)]
mod tests {
    use crate::python::parse::parse;
    use crate::python::regions::Identity;

    fn region_keys(src: &str) -> Vec<(String, usize, bool)> {
        let parsed = parse(src).unwrap();
        parsed
            .regions
            .iter()
            .map(|r| (r.key.clone(), r.units.len(), r.lines.is_some()))
            .collect()
    }

    #[test]
    fn finds_sequential_in_line_form() {
        let src = "model = keras.Sequential([\n    layers.Dense(64),\n    # hidden\n    layers.Dense(10),\n])\n";
        let parsed = parse(src).unwrap();
        let r = &parsed.regions[0];
        assert_eq!(r.key, "list:Sequential@:model#0");
        assert!(r.lines.is_some());
        assert!(r.units[1].comment);
        assert_eq!(&src[r.units[1].span.clone()], "\n    # hidden");
        assert_eq!(
            &src[r.units[2].lines.clone().unwrap()],
            "    layers.Dense(10),\n"
        );
        assert_eq!(
            r.units[0].identity,
            Some(Identity::Layer {
                ctor: "Dense".into(),
                name: None
            })
        );
    }

    #[test]
    fn finds_every_shape() {
        let src = "\
m = Sequential(layers=[Dense(1), Dense(2)])
t = nn.Sequential(nn.Linear(1, 2), nn.ReLU())
o = nn.Sequential(OrderedDict([('fc', nn.Linear(1, 2))]))
l = nn.ModuleList([nn.Linear(1, 2)])
model.add(Dense(1))
model.add(Dense(2))
x = layers.Dense(4)(x)
x = layers.Dense(5)(x)
model.compile(optimizer='adam', loss='mse')
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 2)
        self.fc2 = nn.Linear(2, 3)
    def forward(self, x):
        x = self.fc1(x)
        x = self.fc2(x)
        return x
";
        let keys: Vec<String> = region_keys(src).into_iter().map(|k| k.0).collect();
        assert_eq!(
            keys,
            [
                "list:Sequential@:m#0",
                "list:Sequential@:t#0",
                "list:Sequential@:o#0",
                "list:ModuleList@:l#0",
                "stmts:add:model@#0",
                "stmts:functional:@#0",
                "call:model.compile@:#0",
                "call:super().__init__@Net.__init__:#0",
                "stmts:attributes:@Net.__init__#0",
                "stmts:chain:@Net.forward#0",
            ]
        );
    }
}
