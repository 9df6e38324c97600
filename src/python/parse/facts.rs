//! Facts about a Python tree gathered in one walk: call statements,
//! enclosing definitions, assignment targets, previous statements, and the
//! tree's depth and width.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::tokens::{next_subtree, node_text};

/// Facts about the tree gathered in one walk, so that no lookup needs
/// `Node::parent` or sibling searches (each of which rescans from the root
/// in tree-sitter and would make large files quadratic).
#[derive(Default)]
pub struct TreeFacts<'t> {
    /// Call statements, `f(...)` or `x = f(...)`: (statement, call). Found
    /// in this walk rather than by a query, which would cost more to
    /// compile than a small merge takes.
    pub call_statements: Vec<(Node<'t>, Node<'t>)>,
    /// Every call, in text order.
    pub calls: Vec<Node<'t>>,
    /// Function and class definitions: name and enclosing definition.
    pub defs: Vec<(String, Option<usize>)>,
    /// For calls and statements: the innermost enclosing definition.
    pub def_of: HashMap<usize, usize>,
    /// For calls: what they are assigned to or returned as.
    pub targets: HashMap<usize, String>,
    /// For statements in a block: the statement before (comments skipped).
    pub previous: HashMap<usize, usize>,
    pub max_depth: usize,
    pub max_width: usize,
}

impl<'t> TreeFacts<'t> {
    pub fn gather(tree: &'t Tree, text: &str) -> Self {
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
        loop {
            let node = cursor.node();
            let def = stack.last().and_then(|f| f.def);
            let kind = super::kind::kind(node);
            // Only a call's field is read (a lookup per node otherwise).
            let field = if kind == "call" {
                cursor.field_name()
            } else {
                None
            };
            if kind == "call" {
                facts.calls.push(node);
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
                if node.is_named() && kind != "comment" {
                    if matches!(parent.kind, "block" | "module") {
                        if let Some(prev) = parent.last_statement {
                            facts.previous.insert(node.id(), prev);
                        }
                        parent.last_statement = Some(node.id());
                    }
                    if kind == "call" {
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
            if matches!(kind, "call" | "expression_statement") {
                if let Some(d) = def {
                    facts.def_of.insert(node.id(), d);
                }
            }
            let mut own_def = def;
            if matches!(kind, "function_definition" | "class_definition") {
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
                    kind,
                    def: own_def,
                    last_statement: None,
                    first_named: None,
                });
                continue;
            }
            if !next_subtree(&mut cursor, None, || {
                stack.pop();
            }) {
                break;
            }
        }
        facts
    }

    /// Names of the enclosing functions and classes, outermost first.
    pub fn scope(&self, node: Node<'_>) -> String {
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
    pub fn function_name(&self, node: Node<'_>) -> Option<&str> {
        self.def_of
            .get(&node.id())
            .map(|&d| self.defs[d].0.as_str())
    }

    pub fn target(&self, call: Node<'_>) -> String {
        self.targets.get(&call.id()).cloned().unwrap_or_default()
    }
}
