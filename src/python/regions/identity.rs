//! What names a layer across versions: its constructor's last name, and
//! its `name=` argument or the key of an `OrderedDict` item.

use tree_sitter::Node;

use crate::python::parse::tokens::node_text;

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

/// What names an element across versions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    /// A layer call: its constructor's last name, and its `name=`
    /// argument as written.
    Layer { ctor: String, name: Option<String> },
    /// A `self.<key> = Layer(...)` attribute.
    Attribute(String),
    /// An `OrderedDict` item, by its key as written.
    Item(String),
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Layer { ctor, name: None } => f.write_str(ctor),
            Self::Layer {
                ctor,
                name: Some(name),
            } => write!(f, "{ctor} {name}"),
            Self::Attribute(key) => write!(f, "self.{key}"),
            Self::Item(key) => write!(f, "item {key}"),
        }
    }
}

/// Identity and constructor of a layer expression.
pub(super) fn layer_identity(node: Node<'_>, text: &str) -> (Option<Identity>, Option<String>) {
    if node.kind() == "tuple" {
        // OrderedDict item: ("conv1", nn.Conv2d(...)) is named by its string.
        let mut cursor = node.walk();
        let items: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        if let [name, layer] = items.as_slice() {
            let ctor = ctor_name(*layer, text).map(str::to_string);
            return (
                Some(Identity::Item(node_text(*name, text).to_string())),
                ctor,
            );
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
    let identity = Identity::Layer {
        ctor: ctor.to_string(),
        name: name_argument(call, text).map(str::to_string),
    };
    (Some(identity), Some(ctor.to_string()))
}
