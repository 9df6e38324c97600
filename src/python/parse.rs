//! Parsing Python with tree-sitter and finding the regions that merge
//! structurally: layer containers (shapes recognised by the queries in
//! `grammars/python/`) and call statements whose arguments merge one by one.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{Language, Node, Parser, Query, QueryCursor, StreamingIterator, Tree};

/// A query file of `grammars/python/`, embedded so the binary works from
/// any directory, with a cheap test of whether its shape can occur in a
/// text at all (compiling a query costs more than parsing a small file).
pub struct QueryFile {
    pub name: &'static str,
    pub source: &'static str,
    gate: fn(&str) -> bool,
}

macro_rules! query_file {
    ($name:literal, $gate:expr) => {
        QueryFile {
            name: $name,
            source: include_str!(concat!("../../grammars/python/", $name)),
            gate: $gate,
        }
    };
}

/// Layer lists inside a call, in precedence order: when several match one
/// call, the first wins.
pub const CONTAINER_QUERIES: [QueryFile; 4] = [
    query_file!("sequential_list.scm", |t| t.contains("Sequential(")
        || t.contains("ModuleList(")),
    query_file!("sequential_layers_keyword.scm", |t| t.contains("layers=")),
    query_file!("sequential_ordered_dict.scm", |t| t.contains("OrderedDict")),
    query_file!("sequential_arguments.scm", has_sequential_arguments),
];

/// Layer lists made of statements, with the shape each one names.
pub const STATEMENT_QUERIES: [(&str, QueryFile); 4] = [
    ("add", query_file!("model_add.scm", |t| t.contains(".add("))),
    (
        "functional",
        query_file!("functional_chain.scm", |t| t.contains(")(")),
    ),
    (
        "attributes",
        query_file!("init_attributes.scm", |t| t.contains("self.")),
    ),
    (
        "chain",
        query_file!("forward_chain.scm", |t| t.contains("self.")),
    ),
];

/// Every query file, for tests.
pub fn all_queries() -> impl Iterator<Item = &'static QueryFile> {
    CONTAINER_QUERIES
        .iter()
        .chain(STATEMENT_QUERIES.iter().map(|(_, q)| q))
}

/// `Sequential(` followed by something other than a list: torch's
/// `nn.Sequential(a, b, c)`.
fn has_sequential_arguments(text: &str) -> bool {
    text.match_indices("Sequential(").any(|(i, m)| {
        let rest = text[i + m.len()..].trim_start();
        !rest.starts_with('[') && !rest.starts_with(')')
    })
}

/// Why a source could not be used for the structured merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// tree-sitter could not be set up (a build problem, not an input one).
    Setup(String),
    /// The source has syntax errors.
    Syntax,
    /// Nesting deeper, or a node wider, than the structured merge handles
    /// (tree-sitter's query cursor slows down sharply on such trees).
    TooComplex,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Setup(why) => write!(f, "the Python parser could not start: {why}"),
            Self::Syntax => f.write_str("a version has Python syntax errors"),
            Self::TooComplex => {
                f.write_str("a version nests deeper or wider than the structured merge handles")
            }
        }
    }
}

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
    pub identity: Option<String>,
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

/// A parsed Python source and its regions.
pub struct Parsed<'a> {
    pub text: &'a str,
    pub tree: Tree,
    pub regions: Vec<Region>,
}

impl Parsed<'_> {
    /// The node that exactly covers `range` (the outermost such node).
    pub fn node(&self, range: &Range<usize>) -> Option<Node<'_>> {
        let mut node = self
            .tree
            .root_node()
            .descendant_for_byte_range(range.start, range.end)?;
        while let Some(parent) = node.parent() {
            if parent.byte_range() != *range {
                break;
            }
            node = parent;
        }
        (node.byte_range() == *range).then_some(node)
    }
}

/// The compiled query of `file`, compiled once per process on first use.
pub fn compiled(file: &QueryFile) -> Result<&'static Query, ParseError> {
    static COMPILED: OnceLock<std::sync::Mutex<HashMap<&'static str, &'static Query>>> =
        OnceLock::new();
    let cache = COMPILED.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .map_err(|_| ParseError::Setup("query cache poisoned".into()))?;
    if let Some(q) = cache.get(file.name) {
        return Ok(q);
    }
    let query = Query::new(&tree_sitter_python::LANGUAGE.into(), file.source)
        .map_err(|e| ParseError::Setup(format!("{}: {e}", file.name)))?;
    // Compiled queries live for the whole process, like the grammar.
    let query: &'static Query = Box::leak(Box::new(query));
    cache.insert(file.name, query);
    Ok(query)
}

/// Parses `text`; syntax errors are an error, since a structured merge of a
/// broken file could not be verified.
pub fn parse(text: &str) -> Result<Parsed<'_>, ParseError> {
    let language: Language = tree_sitter_python::LANGUAGE.into();
    let mut parser = Parser::new();
    parser
        .set_language(&language)
        .map_err(|e| ParseError::Setup(e.to_string()))?;
    let tree = parser.parse(text, None).ok_or(ParseError::Syntax)?;
    if tree.root_node().has_error() {
        return Err(ParseError::Syntax);
    }
    let facts = TreeFacts::gather(&tree, text);
    if facts.max_depth > MAX_DEPTH || facts.max_width > MAX_WIDTH {
        return Err(ParseError::TooComplex);
    }
    let regions = find_regions(text, &tree, &facts)?;
    Ok(Parsed {
        text,
        tree,
        regions,
    })
}

/// Deeper trees fall back to the line merge.
const MAX_DEPTH: usize = 400;
/// Nodes with more children than this (a literal of 100,000 numbers) too.
const MAX_WIDTH: usize = 20_000;

fn find_regions(text: &str, tree: &Tree, facts: &TreeFacts) -> Result<Vec<Region>, ParseError> {
    // A query runs only where its shape can occur at all.
    let mut containers = Vec::new();
    for (rank, file) in CONTAINER_QUERIES.iter().enumerate() {
        if (file.gate)(text) {
            containers.push((rank, compiled(file)?));
        }
    }
    let mut regions = list_regions(text, tree, &containers, facts);
    let mut statements = Vec::new();
    for (shape, file) in &STATEMENT_QUERIES {
        if (file.gate)(text) {
            statements.push((*shape, compiled(file)?));
        }
    }
    let taken = Taken::new(&regions);
    regions.extend(statement_regions(text, tree, &statements, &taken, facts));
    let taken = Taken::new(&regions);
    regions.extend(call_regions(text, &taken, facts));
    regions.sort_by_key(|r| r.span.start);
    number_occurrences(&mut regions);
    Ok(regions)
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

fn node_text<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    text.get(node.byte_range()).unwrap_or("")
}

/// Facts about the tree gathered in one walk, so that no lookup needs
/// `Node::parent` or sibling searches (each of which rescans from the root
/// in tree-sitter and would make large files quadratic).
#[derive(Default)]
struct TreeFacts<'t> {
    /// Call statements, `f(...)` or `x = f(...)`: (statement, call). Found
    /// in this walk rather than by a query, which would cost more to
    /// compile than a small merge takes.
    call_statements: Vec<(Node<'t>, Node<'t>)>,
    /// Function and class definitions: name and enclosing definition.
    defs: Vec<(String, Option<usize>)>,
    /// For calls and statements: the innermost enclosing definition.
    def_of: HashMap<usize, usize>,
    /// For calls: what they are assigned to or returned as.
    targets: HashMap<usize, String>,
    /// For statements in a block: the statement before (comments skipped).
    previous: HashMap<usize, usize>,
    max_depth: usize,
    max_width: usize,
}

impl<'t> TreeFacts<'t> {
    fn gather(tree: &'t Tree, text: &str) -> Self {
        struct Frame<'t> {
            node: Node<'t>,
            kind: &'static str,
            def: Option<usize>,
            last_statement: Option<usize>,
            first_named: Option<Range<usize>>,
            children: usize,
        }
        let mut facts = TreeFacts::default();
        let mut cursor = tree.walk();
        let mut stack: Vec<Frame<'t>> = Vec::new();
        'walk: loop {
            let node = cursor.node();
            let field = cursor.field_name();
            let def = stack.last().and_then(|f| f.def);
            if node.kind() == "call" {
                let grandparent = stack.len().checked_sub(2).and_then(|i| stack.get(i));
                let statement = match (stack.last(), field) {
                    (Some(p), _) if p.kind == "expression_statement" => Some(p.node),
                    (Some(p), Some("right")) if p.kind == "assignment" => grandparent
                        .filter(|g| g.kind == "expression_statement")
                        .map(|g| g.node),
                    _ => None,
                };
                if let Some(statement) = statement {
                    facts.call_statements.push((statement, node));
                }
            }
            if let Some(parent) = stack.last_mut() {
                if node.is_named() && node.kind() != "comment" {
                    if matches!(parent.kind, "block" | "module") {
                        if let Some(prev) = parent.last_statement {
                            facts.previous.insert(node.id(), prev);
                        }
                        parent.last_statement = Some(node.id());
                    }
                    if node.kind() == "call" {
                        let target = match (parent.kind, field, &parent.first_named) {
                            ("assignment", Some("right"), Some(left)) => {
                                text.get(left.clone()).map(str::to_string)
                            }
                            ("return_statement", _, _) => Some("return".into()),
                            ("keyword_argument", Some("value"), Some(name)) => {
                                text.get(name.clone()).map(|n| format!("{n}="))
                            }
                            _ => None,
                        };
                        if let Some(target) = target {
                            facts.targets.insert(node.id(), target);
                        }
                    }
                    if parent.first_named.is_none() {
                        parent.first_named = Some(node.byte_range());
                    }
                }
            }
            if matches!(node.kind(), "call" | "expression_statement") {
                if let Some(d) = def {
                    facts.def_of.insert(node.id(), d);
                }
            }
            let mut own_def = def;
            if matches!(node.kind(), "function_definition" | "class_definition") {
                let name = node
                    .child_by_field_name("name")
                    .map_or("", |n| node_text(n, text));
                facts.defs.push((name.to_string(), def));
                own_def = Some(facts.defs.len() - 1);
            }
            if let Some(parent) = stack.last_mut() {
                parent.children += 1;
                facts.max_width = facts.max_width.max(parent.children);
            }
            if cursor.goto_first_child() {
                facts.max_depth = facts.max_depth.max(stack.len() + 1);
                stack.push(Frame {
                    node,
                    children: 0,
                    kind: node.kind(),
                    def: own_def,
                    last_statement: None,
                    first_named: None,
                });
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    continue 'walk;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
                stack.pop();
            }
        }
        facts
    }

    /// Names of the enclosing functions and classes, outermost first.
    fn scope(&self, node: Node<'_>) -> String {
        let mut names = Vec::new();
        let mut current = self.def_of.get(&node.id()).copied();
        while let Some(d) = current {
            names.push(self.defs[d].0.as_str());
            current = self.defs[d].1;
        }
        names.reverse();
        names.join(".")
    }

    /// The name of the innermost enclosing function or class.
    fn function_name(&self, node: Node<'_>) -> Option<&str> {
        self.def_of
            .get(&node.id())
            .map(|&d| self.defs[d].0.as_str())
    }

    fn target(&self, call: Node<'_>) -> String {
        self.targets.get(&call.id()).cloned().unwrap_or_default()
    }
}

/// The constructor's last name of a layer call: `keras.layers.Dense` →
/// `Dense`; for `Dense(64)(x)` the inner call's.
pub fn ctor_name<'t>(node: Node<'_>, text: &'t str) -> Option<&'t str> {
    let mut node = node;
    for _ in 0..64 {
        if node.kind() != "call" {
            return None;
        }
        let function = node.child_by_field_name("function")?;
        match function.kind() {
            "identifier" => return Some(node_text(function, text)),
            "attribute" => {
                return Some(node_text(function.child_by_field_name("attribute")?, text))
            }
            "call" => node = function,
            _ => return None,
        }
    }
    None
}

/// The `name=` argument of a layer call, if any.
fn name_argument<'t>(call: Node<'_>, text: &'t str) -> Option<&'t str> {
    let args = call.child_by_field_name("arguments")?;
    let mut cursor = args.walk();
    let found = args.named_children(&mut cursor).find(|a| {
        a.kind() == "keyword_argument"
            && a.child_by_field_name("name")
                .is_some_and(|n| node_text(n, text) == "name")
    });
    found
        .and_then(|a| a.child_by_field_name("value"))
        .map(|v| node_text(v, text))
}

/// Identity and constructor of a layer expression.
fn layer_identity(node: Node<'_>, text: &str) -> (Option<String>, Option<String>) {
    if node.kind() == "tuple" {
        // OrderedDict item: ("conv1", nn.Conv2d(...)) is named by its string.
        let mut cursor = node.walk();
        let items: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        if let [name, layer] = items.as_slice() {
            let ctor = ctor_name(*layer, text).map(str::to_string);
            return (Some(format!("item {}", node_text(*name, text))), ctor);
        }
        return (None, None);
    }
    let Some(ctor) = ctor_name(node, text) else {
        return (None, None);
    };
    // For Dense(64)(x), the name= belongs to the inner call.
    let mut call = node;
    while let Some(f) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "call")
    {
        call = f;
    }
    let identity = match name_argument(call, text) {
        Some(name) => format!("{ctor} {name}"),
        None => ctor.to_string(),
    };
    (Some(identity), Some(ctor.to_string()))
}

/// The element's tokens, comments left out, joined by a separator that
/// cannot occur in source.
pub fn tokens(node: Node<'_>, text: &str) -> String {
    let mut out = String::new();
    for leaf in leaves(node, node.byte_range()) {
        if leaf.kind() != "comment" {
            out.push_str(node_text(leaf, text));
            out.push('\u{1}');
        }
    }
    out
}

/// The leaves of `node` lying wholly inside `range`, in order: strings as
/// one leaf whatever their inner structure, comments included, magic
/// trailing commas left out (formatters add them; they are layout).
pub fn leaves(node: Node<'_>, range: Range<usize>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    // Kinds of the nodes above the cursor, to spot magic trailing commas.
    let mut parents: Vec<&'static str> = Vec::new();
    'walk: loop {
        let n = cursor.node();
        let overlaps = n.start_byte() < range.end && n.end_byte() > range.start;
        if overlaps && (n.child_count() == 0 || n.kind() == "string") {
            let whole = n.start_byte() >= range.start && n.end_byte() <= range.end;
            if whole && !magic_comma(&cursor, &parents) {
                out.push(n);
            }
        } else if overlaps && cursor.goto_first_child() {
            parents.push(n.kind());
            continue;
        }
        loop {
            if cursor.node().id() == node.id() {
                break 'walk;
            }
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            parents.pop();
        }
    }
    out
}

/// A comma right before the closing bracket of a list-like node, comments
/// aside (looked up through a copy of the cursor: `Node::next_sibling`
/// rescans the parent).
fn magic_comma(cursor: &tree_sitter::TreeCursor<'_>, parents: &[&str]) -> bool {
    let in_list = parents.last().is_some_and(|p| {
        matches!(
            *p,
            "argument_list" | "list" | "dictionary" | "set" | "parameters"
        )
    });
    if cursor.node().kind() != "," || !in_list {
        return false;
    }
    let mut next = cursor.clone();
    while next.goto_next_sibling() {
        if next.node().kind() != "comment" {
            return matches!(next.node().kind(), ")" | "]" | "}");
        }
    }
    false
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

// ---------------------------------------------------------------- lists

struct ListMatch<'t> {
    pattern: usize,
    container: Node<'t>,
    elements: Node<'t>,
    ctor: String,
}

fn list_regions(
    text: &str,
    tree: &Tree,
    queries: &[(usize, &Query)],
    facts: &TreeFacts,
) -> Vec<Region> {
    let mut best: HashMap<usize, ListMatch<'_>> = HashMap::new();
    for &(rank, query) in queries {
        let names = query.capture_names();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
        while let Some(m) = matches.next() {
            let (mut container, mut elements, mut ctor) = (None, None, None);
            for c in m.captures {
                match names[c.index as usize] {
                    n if n.starts_with("container") => container = Some(c.node),
                    "elements" => elements = Some(c.node),
                    "callee" => {
                        ctor = node_text(c.node, text)
                            .rsplit('.')
                            .next()
                            .map(str::to_string)
                    }
                    _ => {}
                }
            }
            let (Some(container), Some(elements), Some(ctor)) = (container, elements, ctor) else {
                continue;
            };
            let candidate = ListMatch {
                pattern: rank,
                container,
                elements,
                ctor,
            };
            match best.get(&container.id()) {
                Some(existing) if existing.pattern <= candidate.pattern => {}
                _ => {
                    best.insert(container.id(), candidate);
                }
            }
        }
    }
    let mut found: Vec<ListMatch<'_>> = best.into_values().collect();
    found.sort_by_key(|m| {
        (
            m.container.start_byte(),
            std::cmp::Reverse(m.container.end_byte()),
        )
    });
    let mut regions: Vec<Region> = Vec::new();
    let mut outer_end = 0;
    for m in found {
        // Sorted by start, outermost first: a container inside the last
        // outer one starts before that one ends.
        if m.container.start_byte() < outer_end {
            continue;
        }
        outer_end = m.container.end_byte();
        if let Some(region) = list_region(text, &m, facts) {
            regions.push(region);
        }
    }
    regions
}

fn list_region(text: &str, m: &ListMatch<'_>, facts: &TreeFacts) -> Option<Region> {
    let open = m.elements.child(0)?;
    let close = m.elements.child(m.elements.child_count().checked_sub(1)?)?;
    if !matches!(open.kind(), "[" | "(") || !matches!(close.kind(), "]" | ")") {
        return None;
    }
    let (open_end, close_start) = (open.end_byte(), close.start_byte());
    let mut cursor = m.elements.walk();
    let children: Vec<Node<'_>> = m.elements.children(&mut cursor).collect();
    let mut units = Vec::new();
    let mut prev_end = open_end;
    for (i, child) in children.iter().enumerate() {
        if child.kind() == "comment"
            && child.start_byte() >= prev_end
            && own_line_start(text, child.start_byte())
        {
            units.push(comment_unit(
                text,
                prev_end..child.end_byte(),
                child.byte_range(),
            ));
            prev_end = child.end_byte();
            continue;
        }
        if !child.is_named() || child.kind() == "comment" {
            continue;
        }
        if child.kind() == "keyword_argument" {
            // nn.Sequential(a, b) takes no keywords; anything else is not a layer list.
            return None;
        }
        let comma = children
            .get(i + 1)
            .filter(|n| n.kind() == ",")
            .map(|n| n.byte_range());
        let mut end = comma.as_ref().map_or(child.end_byte(), |c| c.end);
        let rest_of_line = &text[end..line_end(text, end)];
        if blank_or_comment(rest_of_line)
            && rest_of_line
                .trim_start_matches([' ', '\t'])
                .starts_with('#')
        {
            end += rest_of_line.trim_end_matches(['\n', '\r']).len();
        }
        let (identity, ctor) = layer_identity(*child, text);
        units.push(Unit {
            span: prev_end..end,
            lines: None,
            body: child.byte_range(),
            comma,
            tokens: tokens(*child, text),
            identity,
            ctor,
            comment: false,
        });
        prev_end = end;
    }
    let scope = facts.scope(m.container);
    let target = facts.target(m.container);
    let mut region = Region {
        key: format!("list:{}@{}:{}", m.ctor, scope, target),
        kind: RegionKind::List,
        span: open_end..close_start,
        lines: None,
        units,
        describe: describe(&target, &m.ctor, &scope),
    };
    to_line_form(text, &mut region, close_start);
    Some(region)
}

/// Turns an inline list region into line form when every element starts
/// its own line and the closing bracket is on a line after the last one.
fn to_line_form(text: &str, region: &mut Region, close_start: usize) {
    let Some(last) = region.units.last() else {
        return;
    };
    let own_lines = region
        .units
        .iter()
        .all(|u| text[u.span.start..u.body.start].contains('\n'));
    let tail = &text[last.span.end..close_start];
    if !own_lines
        || !tail.contains('\n')
        || !blank_or_comment(&text[last.span.end..line_end(text, last.span.end)])
    {
        return;
    }
    for unit in &mut region.units {
        let start = unit.span.start + text[unit.span.start..].find('\n').map_or(0, |p| p + 1);
        unit.lines = Some(start..line_end(text, unit.span.end));
    }
    let first = region.units[0].lines.as_ref().map_or(0, |l| l.start);
    let end = region
        .units
        .last()
        .and_then(|u| u.lines.as_ref())
        .map_or(first, |l| l.end);
    region.lines = Some(first..end);
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

// ----------------------------------------------------------- statements

struct StatementMatch<'t> {
    shape: &'static str,
    statement: Node<'t>,
    layer: Node<'t>,
    receiver: String,
    key: Option<String>,
    /// Holds a region of its own: ends one part of the run, starts the next.
    splitter: bool,
}

fn statement_regions(
    text: &str,
    tree: &Tree,
    queries: &[(&'static str, &Query)],
    taken: &Taken,
    facts: &TreeFacts,
) -> Vec<Region> {
    let mut found: Vec<StatementMatch<'_>> = Vec::new();
    for &(shape, query) in queries {
        let names = query.capture_names();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
        while let Some(m) = matches.next() {
            let (mut statement, mut layer, mut receiver, mut key) =
                (None, None, String::new(), None);
            for c in m.captures {
                match names[c.index as usize] {
                    "statement" => statement = Some(c.node),
                    "layer" => layer = Some(c.node),
                    "receiver" => receiver = node_text(c.node, text).to_string(),
                    "key" => key = Some(node_text(c.node, text).to_string()),
                    _ => {}
                }
            }
            if let (Some(statement), Some(layer)) = (statement, layer) {
                let function = facts.function_name(statement);
                let in_place = match shape {
                    "attributes" => function == Some("__init__"),
                    "chain" => matches!(function, Some("call" | "forward")),
                    _ => true,
                };
                // An attribute holding a layer list that merges on its own still
                // belongs to the run of attributes: it splits it in two.
                let splitter = taken.overlaps(&statement.byte_range());
                if in_place && (!splitter || shape == "attributes") {
                    found.push(StatementMatch {
                        shape,
                        statement,
                        layer,
                        receiver,
                        key,
                        splitter,
                    });
                }
            }
        }
    }
    found.sort_by_key(|m| m.statement.start_byte());
    found.dedup_by_key(|m| m.statement.id());
    let mut regions = Vec::new();
    let mut run: Vec<StatementMatch<'_>> = Vec::new();
    for m in found {
        let continues = run.last().is_some_and(|prev| {
            prev.shape == m.shape
                && prev.receiver == m.receiver
                && facts.previous.get(&m.statement.id()) == Some(&prev.statement.id())
        });
        if !continues {
            regions.extend(run_regions(text, &run, facts));
            run.clear();
        }
        run.push(m);
    }
    regions.extend(run_regions(text, &run, facts));
    regions
}

/// The regions of one run: the statements between splitters, each part
/// named after the splitter before it (and present, maybe empty, after
/// every splitter, so insertions there merge too).
fn run_regions(text: &str, run: &[StatementMatch<'_>], facts: &TreeFacts) -> Vec<Region> {
    let mut regions = Vec::new();
    let mut part: Vec<&StatementMatch<'_>> = Vec::new();
    let mut after: Option<&StatementMatch<'_>> = None;
    for m in run {
        if m.splitter {
            regions.extend(statement_region(text, &part, after, facts));
            part.clear();
            after = Some(m);
        } else {
            part.push(m);
        }
    }
    regions.extend(statement_region(text, &part, after, facts));
    regions
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

/// One part of a run: `run` may be empty only after a splitter.
fn statement_region(
    text: &str,
    run: &[&StatementMatch<'_>],
    after: Option<&StatementMatch<'_>>,
    facts: &TreeFacts,
) -> Option<Region> {
    let first = run.first().copied().or(after)?;
    let mut units = Vec::new();
    let mut prev_end: Option<usize> = None;
    for &m in run {
        let lines = own_lines(text, m.statement)?;
        let (identity, ctor) = match &m.key {
            Some(key) => (
                Some(format!("self.{key}")),
                ctor_name(m.layer, text).map(str::to_string),
            ),
            None => layer_identity(m.layer, text),
        };
        let mut start = prev_end.unwrap_or(lines.start);
        // Comment lines between two statements are units of their own.
        while let Some(offset) = text[start..lines.start].find('#') {
            let comment = start + offset;
            let end = line_end(text, comment);
            let body = comment..comment + text[comment..end].trim_end().len();
            let mut unit = comment_unit(text, start..end, body);
            unit.lines = Some(start..end);
            units.push(unit);
            start = end;
        }
        let span = start..lines.end;
        units.push(Unit {
            span: span.clone(),
            lines: Some(span),
            body: m.statement.byte_range(),
            comma: None,
            tokens: tokens(m.statement, text),
            identity,
            ctor,
            comment: false,
        });
        prev_end = Some(lines.end);
    }
    let scope = facts.scope(first.statement);
    let span = match (units.first(), units.last(), after) {
        (Some(a), Some(b), _) => a.span.start..b.span.end,
        (_, _, Some(after)) => {
            let at = own_lines(text, after.statement)?.end;
            at..at
        }
        _ => return None,
    };
    let part = after
        .and_then(|a| a.key.as_deref())
        .map(|k| format!(":after:{k}"))
        .unwrap_or_default();
    let shape = match first.shape {
        "add" => format!("{}.add", first.receiver),
        "functional" => "functional chain".into(),
        "attributes" => "layers of __init__".into(),
        _ => "call chain".into(),
    };
    Some(Region {
        key: format!("stmts:{}:{}@{}{part}", first.shape, first.receiver, scope),
        kind: RegionKind::Statements,
        span: span.clone(),
        lines: Some(span),
        units,
        describe: describe("", &shape, &scope),
    })
}

// ---------------------------------------------------------------- calls

/// Call statements (`model.compile(...)`, `opt = Adam(...)`) outside the
/// layer lists: one region each, merged argument by argument.
fn call_regions(text: &str, taken: &Taken, facts: &TreeFacts<'_>) -> Vec<Region> {
    let mut regions = Vec::new();
    for &(statement, call) in &facts.call_statements {
        let callee = call
            .child_by_field_name("function")
            .map_or("", |f| node_text(f, text));
        let target_text = facts.targets.get(&call.id()).map_or("", String::as_str);
        if taken.overlaps(&statement.byte_range()) {
            continue;
        }
        let Some(lines) = own_lines(text, statement) else {
            continue;
        };
        let scope = facts.scope(statement);
        let (identity, ctor) = layer_identity(call, text);
        regions.push(Region {
            key: format!("call:{callee}@{scope}:{target_text}"),
            kind: RegionKind::Call,
            span: lines.clone(),
            lines: Some(lines.clone()),
            units: vec![Unit {
                span: lines.clone(),
                lines: Some(lines),
                body: statement.byte_range(),
                comma: None,
                tokens: tokens(statement, text),
                identity,
                ctor,
                comment: false,
            }],
            describe: describe("", &format!("{callee}(...)"), &scope),
        });
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region_keys(src: &str) -> Vec<(String, usize, bool)> {
        let parsed = parse(src).unwrap();
        parsed
            .regions
            .iter()
            .map(|r| (r.key.clone(), r.units.len(), r.lines.is_some()))
            .collect()
    }

    #[test]
    fn queries_compile_against_the_grammar() {
        for file in all_queries() {
            assert!(compiled(file).is_ok(), "{}", file.name);
        }
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
        assert_eq!(r.units[0].identity.as_deref(), Some("Dense"));
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

    #[test]
    fn syntax_errors_are_rejected() {
        assert_eq!(parse("def f(:\n").err(), Some(ParseError::Syntax));
    }

    #[test]
    fn tokens_ignore_layout_and_comments() {
        let a = parse("f(a, b=1)\n").unwrap();
        let b = parse("f(\n    a,  # x\n    b = 1,\n)\n").unwrap();
        let ta = tokens(a.tree.root_node(), a.text);
        let tb = tokens(b.tree.root_node(), b.text);
        assert_eq!(ta, tb);
    }
}
