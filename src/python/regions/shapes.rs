//! Three statement shapes matched in code instead of by their query files:
//! `functional_chain.scm`, `init_attributes.scm` and `forward_chain.scm`
//! (no anchors, fields and kinds only). Compiling one of those queries
//! costs 4-5 ms, twice what git takes to merge a median file, and the
//! `self.` shapes occur in almost every class; the statements they match
//! are call statements the facts walk has already found. The query files
//! stay the definition: a test holds each matcher to its query, match for
//! match, on every fixture and on edge cases.

use tree_sitter::Node;

use crate::python::parse::facts::TreeFacts;
use crate::python::parse::queries::StatementShape;
use crate::python::parse::tokens::node_text;

/// One match of a statement shape: the statement, the layer node, and the
/// `@key` capture's text when the shape has one.
pub(super) struct ShapeMatch<'t> {
    pub statement: Node<'t>,
    pub layer: Node<'t>,
    pub key: Option<String>,
}

/// Whether `shape` is matched here rather than by its query.
pub(super) fn matched_in_code(shape: StatementShape) -> bool {
    matches!(
        shape,
        StatementShape::Functional | StatementShape::Attributes | StatementShape::Chain
    )
}

/// Every match of `shape` (one of [`matched_in_code`]) in the tree the
/// facts were gathered from, in text order.
pub(super) fn shape_matches<'t>(
    shape: StatementShape,
    text: &str,
    facts: &TreeFacts<'t>,
) -> Vec<ShapeMatch<'t>> {
    facts
        .call_statements
        .iter()
        .filter_map(|&(statement, call)| {
            let assignment = assignment_of(statement, call)?;
            let left = assignment.child_by_field_name("left")?;
            match shape {
                // (expression_statement (assignment left: (identifier)
                //   right: (call function: (call) @layer))) @statement
                StatementShape::Functional => {
                    let layer = call.child_by_field_name("function")?;
                    (left.kind() == "identifier" && layer.kind() == "call").then_some(ShapeMatch {
                        statement,
                        layer,
                        key: None,
                    })
                }
                // (expression_statement (assignment left: (attribute
                //   object: (identifier) @self attribute: (identifier) @key)
                //   right: (call) @layer)) @statement, @self "self"
                StatementShape::Attributes => {
                    let key = self_attribute(left, text)?;
                    Some(ShapeMatch {
                        statement,
                        layer: call,
                        key: Some(key),
                    })
                }
                // (expression_statement (assignment left: (identifier)
                //   right: (call function: (attribute object: (identifier) @self
                //   attribute: (identifier) @key)) @layer)) @statement, @self "self"
                StatementShape::Chain => {
                    if left.kind() != "identifier" {
                        return None;
                    }
                    let key = self_attribute(call.child_by_field_name("function")?, text)?;
                    Some(ShapeMatch {
                        statement,
                        layer: call,
                        key: Some(key),
                    })
                }
                StatementShape::Add => None,
            }
        })
        .collect()
}

/// The assignment child of `statement` whose right-hand side is `call`
/// (`None` for a call statement without assignment).
fn assignment_of<'t>(statement: Node<'t>, call: Node<'t>) -> Option<Node<'t>> {
    let mut cursor = statement.walk();
    let found = statement.children(&mut cursor).find(|child| {
        child.kind() == "assignment"
            && child
                .child_by_field_name("right")
                .is_some_and(|right| right.id() == call.id())
    });
    found
}

/// The attribute name of `self.<name>`: `node` an attribute whose object
/// is the identifier `self` and whose attribute is an identifier.
fn self_attribute(node: Node<'_>, text: &str) -> Option<String> {
    if node.kind() != "attribute" {
        return None;
    }
    let object = node.child_by_field_name("object")?;
    let attribute = node.child_by_field_name("attribute")?;
    (object.kind() == "identifier"
        && node_text(object, text) == "self"
        && attribute.kind() == "identifier")
        .then(|| node_text(attribute, text).to_string())
}

#[cfg(test)]
mod tests;
