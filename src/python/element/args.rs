//! Argument lists merged argument by argument: positional arguments by
//! position, keywords by name, splats by their text; an argument only one
//! side added or removed is applied to the layout side's list in its style.

use tree_sitter::Node;

use super::{Edit, ElementClash, Merger};
use crate::core::merge3::Merge3;
use crate::python::indent::{indent_of, one_line, reindent};
use crate::python::parse::tokens;

/// How an argument is addressed across versions.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ArgKey {
    Positional(usize),
    Keyword(String),
    Splat(String),
}

impl ArgKey {
    fn describe(&self) -> String {
        match self {
            Self::Positional(i) => format!("positional argument {}", i + 1),
            Self::Keyword(k) => format!("argument `{k}`"),
            Self::Splat(s) => format!("argument `{s}`"),
        }
    }
}

#[derive(Clone, Copy)]
struct Arg<'n> {
    node: Node<'n>,
    value: Node<'n>,
    positional: bool,
}

impl Merger<'_> {
    pub(super) fn arguments(
        &mut self,
        lists: Merge3<Node<'_>>,
        depth: usize,
    ) -> Result<(), ElementClash> {
        let args = lists.map_ref(|l| collect_args(*l));
        let texts = self.texts;
        let keys = Merge3::new(
            keys_of(&args.base, texts.base),
            keys_of(&args.ours, texts.ours),
            keys_of(&args.theirs, texts.theirs),
        );
        if let Some(name) = passed_twice(&args, &keys, texts) {
            return Err(ElementClash {
                what: format!("argument `{name}`"),
            });
        }
        let find = |keys: &[ArgKey], k: &ArgKey| keys.iter().position(|x| x == k);
        let mut all: Vec<ArgKey> = keys.base.clone();
        for k in keys.ours.iter().chain(&keys.theirs) {
            if !all.contains(k) {
                all.push(k.clone());
            }
        }
        let mut inserts: Vec<Arg<'_>> = Vec::new();
        for key in &all {
            let b = find(&keys.base, key).map(|i| args.base[i]);
            let o = find(&keys.ours, key).map(|i| args.ours[i]);
            let t = find(&keys.theirs, key).map(|i| args.theirs[i]);
            let tok = |a: Arg<'_>, text: &str| tokens(a.node, text);
            let clash = || ElementClash {
                what: key.describe(),
            };
            match (b, o, t) {
                (Some(b), Some(o), Some(t)) => {
                    let (edits, taken) = (self.edits.len(), self.taken.len());
                    if self
                        .node(Merge3::new(b.value, o.value, t.value), depth + 1)
                        .is_err()
                    {
                        // Only this argument clashes: mark it, merge the rest.
                        self.edits.truncate(edits);
                        self.taken.truncate(taken);
                        self.clash_argument(key, Some(b.node), o.node, t.node);
                    }
                }
                (Some(b), Some(o), None) => {
                    if tok(o, texts.ours) != tok(b, texts.base) {
                        return Err(clash());
                    }
                    self.taken.push(format!("removed {}", key.describe()));
                    self.delete_arg(&args.ours, o);
                }
                (Some(b), None, Some(t)) if tok(t, texts.theirs) != tok(b, texts.base) => {
                    return Err(clash())
                }
                (None, Some(o), Some(t)) if tok(o, texts.ours) != tok(t, texts.theirs) => {
                    return Err(clash())
                }
                (None, None, Some(t)) => inserts.push(t),
                _ => {}
            }
        }
        for t in inserts {
            self.insert_arg(lists.ours, &args.ours, t);
        }
        Ok(())
    }

    /// Marks one argument as a clash: its three versions, theirs re-indented.
    fn clash_argument(
        &mut self,
        key: &ArgKey,
        base: Option<Node<'_>>,
        ours: Node<'_>,
        theirs: Node<'_>,
    ) {
        let texts = self.texts;
        let theirs_text = reindent(
            self.text(theirs, texts.theirs),
            indent_of(texts.theirs, theirs.start_byte()),
            indent_of(texts.ours, ours.start_byte()),
        );
        let sides = Merge3::new(
            base.map_or(String::new(), |b| self.text(b, texts.base).to_string()),
            self.text(ours, texts.ours).to_string(),
            theirs_text,
        );
        self.clashes.push(key.describe());
        self.edits.push(Edit {
            range: ours.byte_range(),
            text: String::new(),
            clash: Some(sides),
        });
    }

    fn delete_arg(&mut self, ours: &[Arg<'_>], arg: Arg<'_>) {
        let Some(i) = ours.iter().position(|a| a.node.id() == arg.node.id()) else {
            return;
        };
        let range = if let Some(next) = ours.get(i + 1) {
            arg.node.start_byte()..next.node.start_byte()
        } else {
            let comma_after = next_comma(arg.node);
            match (i.checked_sub(1).map(|p| ours[p]), comma_after) {
                (Some(prev), Some(c)) => {
                    next_comma(prev.node).map_or(prev.node.end_byte(), |pc| pc.end_byte())
                        ..c.end_byte()
                }
                (Some(prev), None) => prev.node.end_byte()..arg.node.end_byte(),
                (None, c) => arg.node.start_byte()..c.map_or(arg.node.end_byte(), |c| c.end_byte()),
            }
        };
        self.edits.push(Edit::text(range, String::new()));
    }

    /// Adds theirs' new argument to ours: keywords after ours' last
    /// argument, positionals after ours' last positional.
    fn insert_arg(&mut self, list: Node<'_>, ours: &[Arg<'_>], new: Arg<'_>) {
        let texts = self.texts;
        let multiline = ours
            .first()
            .is_some_and(|a| texts.ours[list.start_byte()..a.node.start_byte()].contains('\n'));
        let indent = argument_indent(texts.ours, list, ours);
        let text = reindent(
            self.text(new.node, texts.theirs),
            indent_of(texts.theirs, new.node.start_byte()),
            &indent,
        );
        self.taken.push(format!("added `{}`", one_line(&text)));
        let sep = if multiline {
            format!(",\n{indent}")
        } else {
            ", ".to_string()
        };
        let anchor = if new.positional {
            ours.iter().rev().find(|a| a.positional).copied()
        } else {
            ours.last().copied()
        };
        let edit = match anchor {
            None if ours.is_empty() => {
                let at = list.start_byte() + 1;
                let first = !self.edits.iter().any(|e| e.range == (at..at));
                Edit::text(at..at, if first { text } else { format!(", {text}") })
            }
            None => {
                let at = ours[0].node.start_byte();
                Edit::text(at..at, format!("{text}{sep}"))
            }
            Some(a) => {
                match next_comma(a.node).filter(|_| a.node.id() == ours[ours.len() - 1].node.id()) {
                    // Ours ends with a trailing comma: keep the style.
                    Some(comma) => {
                        let at = comma.end_byte();
                        let lead = if multiline {
                            format!("\n{indent}")
                        } else {
                            " ".into()
                        };
                        Edit::text(at..at, format!("{lead}{text},"))
                    }
                    None => {
                        let at = a.node.end_byte();
                        Edit::text(at..at, format!("{sep}{text}"))
                    }
                }
            }
        };
        self.edits.push(edit);
    }
}

/// The indentation a new argument gets in ours' list: its last
/// argument's, unless that line is no deeper than the line the list opens
/// on (an argument pasted at column 0 inside a call): then the nearest
/// earlier argument's that is deeper. At column 0, an inserted
/// `callbacks=[...]` reads to the line scans as a module-level
/// assignment; written below a deeper argument it reads the same from
/// either side (merge-rules §1.3).
fn argument_indent(text: &str, list: Node<'_>, ours: &[Arg<'_>]) -> String {
    let opening = indent_of(text, list.start_byte()).len();
    let indent = |a: &Arg<'_>| indent_of(text, a.node.start_byte());
    let Some(last) = ours.last() else {
        return String::new();
    };
    if indent(last).len() > opening {
        return indent(last).to_string();
    }
    ours.iter()
        .rev()
        .map(indent)
        .find(|i| i.len() > opening)
        .unwrap_or_else(|| indent(last))
        .to_string()
}

/// A positional argument one side added whose text names a keyword the
/// other side added (`f(r, alpha)` against `f(r, alpha=alpha)`): most
/// likely one parameter passed twice, a `TypeError` once both apply.
fn passed_twice(
    args: &Merge3<Vec<Arg<'_>>>,
    keys: &Merge3<Vec<ArgKey>>,
    texts: Merge3<&str>,
) -> Option<String> {
    let base_positionals = keys
        .base
        .iter()
        .filter(|k| matches!(k, ArgKey::Positional(_)))
        .count();
    let added_positionals = |args: &[Arg<'_>], keys: &[ArgKey], text: &str| -> Vec<String> {
        args.iter()
            .zip(keys)
            .filter(|(_, k)| matches!(k, ArgKey::Positional(i) if *i >= base_positionals))
            .filter_map(|(a, _)| text.get(a.node.byte_range()).map(str::to_string))
            .collect()
    };
    let new_keywords = |side: &[ArgKey]| -> Vec<String> {
        side.iter()
            .filter(|k| !keys.base.contains(k))
            .filter_map(|k| match k {
                ArgKey::Keyword(name) => Some(name.clone()),
                _ => None,
            })
            .collect()
    };
    let ours_positionals = added_positionals(&args.ours, &keys.ours, texts.ours);
    let theirs_positionals = added_positionals(&args.theirs, &keys.theirs, texts.theirs);
    let (ours_keywords, theirs_keywords) = (new_keywords(&keys.ours), new_keywords(&keys.theirs));
    ours_positionals
        .iter()
        .find(|p| theirs_keywords.contains(p))
        .or_else(|| {
            theirs_positionals
                .iter()
                .find(|p| ours_keywords.contains(p))
        })
        .cloned()
}

fn collect_args(list: Node<'_>) -> Vec<Arg<'_>> {
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .map(|node| match node.kind() {
            "keyword_argument" => Arg {
                node,
                value: node.child_by_field_name("value").unwrap_or(node),
                positional: false,
            },
            "list_splat" | "dictionary_splat" => Arg {
                node,
                value: node,
                positional: false,
            },
            _ => Arg {
                node,
                value: node,
                positional: true,
            },
        })
        .collect()
}

fn keys_of(args: &[Arg<'_>], text: &str) -> Vec<ArgKey> {
    let mut position = 0;
    args.iter()
        .map(|a| match a.node.kind() {
            "keyword_argument" => ArgKey::Keyword(
                a.node
                    .child_by_field_name("name")
                    .and_then(|n| text.get(n.byte_range()))
                    .unwrap_or("")
                    .to_string(),
            ),
            "list_splat" | "dictionary_splat" => {
                ArgKey::Splat(text.get(a.node.byte_range()).unwrap_or("").to_string())
            }
            _ => {
                position += 1;
                ArgKey::Positional(position - 1)
            }
        })
        .collect()
}

fn next_comma(node: Node<'_>) -> Option<Node<'_>> {
    let mut next = node.next_sibling();
    while let Some(n) = next {
        match n.kind() {
            "," => return Some(n),
            "comment" => next = n.next_sibling(),
            _ => return None,
        }
    }
    None
}
