//! Sibling sequences of a Python tree, the unit of the structured merge of
//! whole files: the statements of a module or class body, the pairs of a
//! dict literal, the elements of a set (or of a list whose order carries
//! no meaning), the names of a `from m import ...`, the arguments of a
//! call. Each element covers whole text, so that a container is exactly
//! `head + elements + tail`, and carries a key that identifies it across
//! the three versions (a name, a dict key, an import's module).

use std::ops::Range;

use tree_sitter::{Node, Tree};

mod keys;
mod layout;
pub use crate::python::parse::tokens::node_text;
use keys::item_key;
pub use keys::{dict_key, statement_key};
use layout::{inline_layout, lines_layout};

/// Parses `text` with tree-sitter-python; `None` when it has syntax errors
/// (an unexpected indent included).
pub fn parse_tree(text: &str) -> Option<Tree> {
    // Once per text in a merge run.
    let tree = crate::python::memo::tree(text)?;
    crate::python::parse::free_of_syntax_errors(text, &tree).then_some(tree)
}

/// What a container holds, which decides how its elements are keyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    /// Top-level statements.
    Module,
    /// The statements of a class body.
    ClassBody,
    /// The statements of a function body: ordered code, so its
    /// statements have no keys (an insertion is not a named member).
    FunctionBody,
    /// `{k: v, ...}`.
    Dict,
    /// `{a, b}`.
    Set,
    /// A list literal whose order carries no meaning: `__all__`, or a
    /// set-like keyword argument (`metrics=[...]`).
    SetList,
    /// The names of `from m import a, b`.
    ImportNames,
    /// The arguments of a call.
    Arguments,
    /// The parameters of a `def`.
    Parameters,
}

impl ContainerKind {
    /// Statements (no commas) or comma-separated items.
    pub fn is_block(self) -> bool {
        matches!(self, Self::Module | Self::ClassBody | Self::FunctionBody)
    }

    /// Whether the statements are named members (a module, a class body),
    /// keyed by name, or ordered code.
    pub fn is_keyed_block(self) -> bool {
        matches!(self, Self::Module | Self::ClassBody)
    }
}

/// How the elements are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Each element on lines of its own (its comment lines before it).
    Lines,
    /// All elements on one line.
    Inline,
}

/// One sibling.
#[derive(Clone, Debug)]
pub struct Element<'t> {
    pub node: Node<'t>,
    /// The element's key across versions, when it has one.
    pub key: Option<String>,
    /// The text the element covers in its version (whole lines in the
    /// `Lines` layout, comma included; the node alone when `Inline`).
    pub span: Range<usize>,
    /// The comma after it, in the `Lines` layout.
    pub comma: Option<Range<usize>>,
    /// What is compared across versions: the span without its comma.
    pub same: String,
}

/// A run of siblings in one version.
#[derive(Clone, Debug)]
pub struct Container<'t> {
    pub kind: ContainerKind,
    pub layout: Layout,
    /// The version's whole text.
    pub text: &'t str,
    /// All the container covers: `head`, the elements, `tail`.
    pub span: Range<usize>,
    pub head: Range<usize>,
    pub tail: Range<usize>,
    pub elements: Vec<Element<'t>>,
    /// Inline: the text between two elements (", " when unknown).
    pub separator: String,
    /// Whether the last element has a comma after it.
    pub trailing_comma: bool,
    /// The assigned name or keyword the container is the value of.
    pub owner: Option<String>,
}

impl<'t> Container<'t> {
    pub fn slice(&self, r: &Range<usize>) -> &'t str {
        self.text.get(r.clone()).unwrap_or("")
    }

    pub fn element_text(&self, e: &Element<'_>) -> &'t str {
        self.slice(&e.span)
    }
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |p| p + 1)
}

/// Just past the newline ending the line that holds `pos` (or the end).
fn line_end_incl(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |p| pos + p + 1)
}

/// The module's statements.
pub fn module<'t>(tree: &'t Tree, text: &'t str) -> Option<Container<'t>> {
    let root = tree.root_node();
    let statements = statement_children(root);
    block_container(ContainerKind::Module, text, 0, text.len(), &statements)
}

fn statement_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// Statements laid out on lines of their own from `start` to `end`.
fn block_container<'t>(
    kind: ContainerKind,
    text: &'t str,
    start: usize,
    end: usize,
    statements: &[Node<'t>],
) -> Option<Container<'t>> {
    let mut elements = Vec::with_capacity(statements.len());
    let mut pos = start;
    for &node in statements {
        if node.start_byte() < pos
            || !text[line_start(text, node.start_byte())..node.start_byte()]
                .trim()
                .is_empty()
        {
            // Two statements on one line (`a = 1; b = 2`).
            return None;
        }
        let span_end = line_end_incl(text, node.end_byte()).min(end.max(node.end_byte()));
        let span = pos..span_end;
        elements.push(Element {
            node,
            key: statement_key(node, text),
            // Blank lines before a statement are layout: a side that only
            // changed them did not change the statement.
            same: without_leading_blank_lines(text.get(span.clone())?).to_string(),
            span,
            comma: None,
        });
        pos = span_end;
    }
    Some(Container {
        kind,
        layout: Layout::Lines,
        text,
        span: start..end.max(pos),
        head: start..start,
        tail: pos..end.max(pos),
        elements,
        separator: String::new(),
        trailing_comma: false,
        owner: None,
    })
}

fn without_leading_blank_lines(s: &str) -> &str {
    let mut rest = s;
    while let Some(nl) = rest.find('\n') {
        if !rest[..nl].trim().is_empty() {
            break;
        }
        rest = &rest[nl + 1..];
    }
    rest
}

/// Whether a statement is an import.
pub fn is_import(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "import_statement" | "import_from_statement" | "future_import_statement"
    )
}

/// Text without whitespace (keys must not depend on layout).
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The container inside an element that merges on its own when both sides
/// changed the element: a class body, a dict/set value, `__all__`, a
/// set-like keyword's list, an import's names, a call's arguments.
pub fn inner<'t>(node: Node<'t>, text: &'t str, set_arguments: &[String]) -> Option<Container<'t>> {
    match node.kind() {
        "class_definition" => {
            let body = node.child_by_field_name("body")?;
            let statements = statement_children(body);
            let first = statements.first()?;
            let start = line_start(text, first.start_byte());
            let header_end = node.child_by_field_name("name")?.end_byte();
            if start <= header_end {
                return None;
            }
            let end = line_end_incl(text, body.end_byte().max(first.end_byte()));
            block_container(ContainerKind::ClassBody, text, start, end, &statements)
        }
        "function_definition" => function_body(node, text),
        "decorated_definition" => {
            let definition = node.child_by_field_name("definition")?;
            matches!(
                definition.kind(),
                "class_definition" | "function_definition"
            )
            .then(|| inner(definition, text, set_arguments))
            .flatten()
        }
        "expression_statement" if node.named_child_count() == 1 => {
            inner(node.named_child(0)?, text, set_arguments)
        }
        "assignment" | "augmented_assignment" => {
            let left = node.child_by_field_name("left")?;
            let owner = (left.kind() == "identifier").then(|| node_text(left, text).to_string());
            value(
                node.child_by_field_name("right")?,
                text,
                owner,
                set_arguments,
            )
        }
        "pair" => value(
            node.child_by_field_name("value")?,
            text,
            None,
            set_arguments,
        ),
        "keyword_argument" => {
            let name = node_text(node.child_by_field_name("name")?, text).to_string();
            value(
                node.child_by_field_name("value")?,
                text,
                Some(name),
                set_arguments,
            )
        }
        "call" => delimited(
            ContainerKind::Arguments,
            node.child_by_field_name("arguments")?,
            text,
            None,
        ),
        "import_from_statement" => import_names(node, text),
        _ => None,
    }
}

/// A function's body statements, when they are on lines of their own
/// (not `def f(): return 1`); without keys, as ordered code.
fn function_body<'t>(node: Node<'t>, text: &'t str) -> Option<Container<'t>> {
    let body = node.child_by_field_name("body")?;
    let statements = statement_children(body);
    let first = statements.first()?;
    let start = line_start(text, first.start_byte());
    if start <= node.child_by_field_name("parameters")?.end_byte() {
        return None;
    }
    let end = line_end_incl(text, body.end_byte().max(first.end_byte()));
    let mut container =
        block_container(ContainerKind::FunctionBody, text, start, end, &statements)?;
    for element in &mut container.elements {
        element.key = None;
    }
    Some(container)
}

/// The containers inside a function definition (decorated or not) that
/// merge on their own, in text order: its parameters (when they split into
/// elements) and its body.
pub fn function_parts<'t>(node: Node<'t>, text: &'t str) -> Option<Vec<Container<'t>>> {
    let def = match node.kind() {
        "decorated_definition" => node.child_by_field_name("definition")?,
        _ => node,
    };
    if def.kind() != "function_definition" {
        return None;
    }
    let body = function_body(def, text)?;
    let parameters = def.child_by_field_name("parameters")?;
    Some(
        delimited(ContainerKind::Parameters, parameters, text, None)
            .into_iter()
            .chain(std::iter::once(body))
            .collect(),
    )
}

/// A parameter's name (`*args`, `**kwargs`, `*` and `/` included).
fn parameter_name(node: Node<'_>, text: &str) -> Option<String> {
    let name = match node.kind() {
        "identifier" => node_text(node, text).to_string(),
        "default_parameter" | "typed_default_parameter" => {
            node_text(node.child_by_field_name("name")?, text).to_string()
        }
        "typed_parameter" => {
            let first = node.named_child(0)?;
            match first.kind() {
                "identifier" => node_text(first, text).to_string(),
                _ => squash(node_text(first, text)),
            }
        }
        "list_splat_pattern" | "dictionary_splat_pattern" => squash(node_text(node, text)),
        "keyword_separator" => "*".to_string(),
        "positional_separator" => "/".to_string(),
        _ => return None,
    };
    Some(format!("parameter {name}"))
}

/// Whether a parameter has a default value (or is a `*args`/`**kwargs`).
pub fn parameter_is_optional(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "default_parameter"
            | "typed_default_parameter"
            | "list_splat_pattern"
            | "dictionary_splat_pattern"
    )
}

/// Whether a statement is a function definition, decorated or not.
pub fn is_function(node: Node<'_>) -> bool {
    match node.kind() {
        "function_definition" => true,
        "decorated_definition" => node
            .child_by_field_name("definition")
            .is_some_and(|d| d.kind() == "function_definition"),
        _ => false,
    }
}

fn value<'t>(
    node: Node<'t>,
    text: &'t str,
    owner: Option<String>,
    set_arguments: &[String],
) -> Option<Container<'t>> {
    let kind = match node.kind() {
        "dictionary" => ContainerKind::Dict,
        "set" => ContainerKind::Set,
        "list"
            if owner
                .as_deref()
                .is_some_and(|o| o == "__all__" || set_arguments.iter().any(|s| s == o)) =>
        {
            ContainerKind::SetList
        }
        "call" => return inner(node, text, set_arguments),
        _ => return None,
    };
    delimited(kind, node, text, owner)
}

/// The comma-separated items between a bracket pair (`node`'s first and
/// last children).
fn delimited<'t>(
    kind: ContainerKind,
    node: Node<'t>,
    text: &'t str,
    owner: Option<String>,
) -> Option<Container<'t>> {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
    let (open, close) = (*children.first()?, *children.last()?);
    if !matches!(open.kind(), "(" | "[" | "{") || children.len() < 2 {
        return None;
    }
    let items: Vec<Node<'t>> = children[1..children.len() - 1]
        .iter()
        .copied()
        .filter(|c| c.kind() != ",")
        .collect();
    // A comment inside the brackets puts the items on lines of their own.
    let commented = items.iter().any(|i| i.kind() == "comment");
    if !commented && items.iter().any(|c| !c.is_named()) {
        return None;
    }
    let inline = !text[open.end_byte()..close.start_byte()].contains('\n');
    if inline && !commented {
        inline_layout(
            kind,
            text,
            node.byte_range(),
            open.end_byte(),
            close.start_byte(),
            &children[1..children.len() - 1],
            owner,
        )
    } else {
        lines_layout(
            kind,
            text,
            open.end_byte(),
            close.start_byte(),
            node.byte_range(),
            &children[1..children.len() - 1],
            owner,
        )
    }
}

/// `from m import a, b` / `from m import (\n    a,\n    b,\n)`.
fn import_names<'t>(node: Node<'t>, text: &'t str) -> Option<Container<'t>> {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
    let import = children.iter().position(|c| c.kind() == "import")?;
    let rest = &children[import + 1..];
    let (Some(first), Some(last)) = (rest.first(), rest.last()) else {
        return None;
    };
    if rest.iter().any(|c| c.kind() == "wildcard_import") {
        return None;
    }
    if first.kind() == "(" && last.kind() == ")" && rest.len() >= 2 {
        let inside = &rest[1..rest.len() - 1];
        let (open, close) = (first.end_byte(), last.start_byte());
        if text[open..close].contains('\n') {
            return lines_layout(
                ContainerKind::ImportNames,
                text,
                open,
                close,
                node.byte_range(),
                inside,
                None,
            );
        }
        return inline_layout(
            ContainerKind::ImportNames,
            text,
            node.byte_range(),
            open,
            close,
            inside,
            None,
        );
    }
    if text[first.start_byte()..last.end_byte()].contains('\n') {
        return None;
    }
    inline_layout(
        ContainerKind::ImportNames,
        text,
        node.byte_range(),
        first.start_byte(),
        last.end_byte(),
        rest,
        None,
    )
}

#[cfg(test)]
mod tests;
