//! Key-by-key merging of JSON values (notebook and cell metadata,
//! attachments, any key nbformat leaves open), and the state one notebook
//! merge carries: which inputs can be copied verbatim, the report, and the
//! clashes to show in the notebook.

use std::borrow::Cow;
use std::collections::HashMap;

use super::json::{same, same_opt, JsonStr, Node};
use super::write::{write_compact, Out};
use crate::core::merge3::{Merge3, Side};
use crate::core::render::Markers;
use crate::decisions::{Decision, Report};
use crate::settings::MergeOptions;

/// A key set to different values on both sides. Ours' value stays in the
/// notebook (or the changed one, when the other side deleted the key).
#[derive(Clone, Debug)]
pub struct Clash {
    /// Where, e.g. `metadata.kernelspec.name`.
    pub path: String,
    /// Each version's value as compact JSON; `None` when absent.
    pub values: Merge3<Option<String>>,
}

/// The state of one notebook merge.
pub struct Ctx<'o> {
    /// Whether each input is laid out like the output (its bytes copy as is).
    pub verbatim: Merge3<bool>,
    /// The side whose layout and key order the output follows.
    pub layout_side: Side,
    pub options: &'o MergeOptions,
    pub markers: &'o Markers,
    pub report: Report,
    pub clashes: Vec<Clash>,
    /// Conflict regions written into cell sources.
    pub conflicts: usize,
}

pub type Fields<'a> = &'a [(JsonStr<'a>, Node<'a>)];

impl Ctx<'_> {
    /// A value of one side, as output.
    pub fn take<'a>(&self, side: Side, node: &'a Node<'a>) -> Out<'a> {
        self.take_like(side, node, None)
    }

    /// A value of one side, its keys ordered like `like` (the value in
    /// the layout side) if it has to be laid out again.
    pub fn take_like<'a>(
        &self,
        side: Side,
        node: &'a Node<'a>,
        like: Option<&'a Node<'a>>,
    ) -> Out<'a> {
        let verbatim = match side {
            Side::Base => self.verbatim.base,
            Side::Ours => self.verbatim.ours,
            Side::Theirs => self.verbatim.theirs,
        };
        Out::Raw {
            node,
            verbatim,
            like: if verbatim { None } else { like },
        }
    }

    /// The value of `side` in `v`, laid out like the layout side's value.
    pub fn pick<'a>(&self, side: Side, v: Merge3<Option<&'a Node<'a>>>) -> Option<Out<'a>> {
        let node = if side == Side::Theirs {
            v.theirs
        } else {
            v.ours
        };
        let like = if self.layout_side == Side::Theirs {
            v.theirs
        } else {
            v.ours
        };
        node.map(|n| self.take_like(side, n, like))
    }

    /// Of two equal values, the one laid out like the output.
    pub fn take_equal<'a>(&self, ours: &'a Node<'a>, theirs: &'a Node<'a>) -> Out<'a> {
        if self.layout_side == Side::Theirs {
            self.take(Side::Theirs, theirs)
        } else {
            self.take(Side::Ours, ours)
        }
    }

    /// Merges one value; `None` when the merge deletes it.
    pub fn merge_value<'a>(
        &mut self,
        path: &str,
        v: Merge3<Option<&'a Node<'a>>>,
    ) -> Option<Out<'a>> {
        if same_opt(v.ours, v.base) {
            return self.pick(Side::Theirs, v);
        }
        if same_opt(v.theirs, v.base) {
            return self.pick(Side::Ours, v);
        }
        match (v.ours, v.theirs) {
            (Some(o), Some(t)) if same(o, t) => return Some(self.take_equal(o, t)),
            (Some(o), Some(t)) if o.as_object().is_some() && t.as_object().is_some() => {
                let base = v.base.and_then(Node::as_object);
                if v.base.is_none() || base.is_some() {
                    let fields = Merge3::new(base, o.as_object(), t.as_object());
                    return Some(Out::Object(self.merge_fields(path, fields)));
                }
            }
            _ => {}
        }
        if let Some(prefer) = self.options.prefer {
            let side = if prefer == crate::settings::Prefer::Ours {
                Side::Ours
            } else {
                Side::Theirs
            };
            self.report.push(Decision::new(
                crate::decisions::DecisionKind::for_preference(prefer),
                path.to_string(),
                "both sides set this key differently; the preferred side's value is kept",
            ));
            return self.pick(side, v);
        }
        self.clashes.push(Clash {
            path: path.to_string(),
            values: v.map(|n| n.map(write_compact)),
        });
        let subject = path.to_string();
        let shown = v.map(|n| n.map_or_else(|| "(deleted)".to_string(), write_compact));
        self.report.push(Decision::clash(
            subject,
            "both sides set this key differently; the notebook keeps ours (or the changed value) and lists the clash in its first cell",
            &shown.ours,
            &shown.theirs,
        ));
        match (v.ours, v.theirs) {
            (Some(_), _) => self.pick(Side::Ours, v),
            (None, _) => self.pick(Side::Theirs, v),
        }
    }

    /// Merges two objects key by key.
    pub fn merge_fields<'a>(
        &mut self,
        path: &str,
        fields: Merge3<Option<Fields<'a>>>,
    ) -> Vec<(Cow<'a, str>, Out<'a>)> {
        let lookup = fields.map(|f| f.map(index));
        let mut out = Vec::new();
        for key in self.key_order(fields) {
            let value = lookup.map_ref(|l| l.as_ref().and_then(|m| m.get(key).copied()));
            let sub = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
            if let Some(merged) = self.merge_value(&sub, value) {
                out.push((Cow::Borrowed(key), merged));
            }
        }
        out
    }

    /// The merged object's keys: the layout side's order, with keys only
    /// the other side has placed after the key they follow there (and
    /// after keys the layout side added there: ours first).
    pub fn key_order<'a>(&self, fields: Merge3<Option<Fields<'a>>>) -> Vec<&'a str> {
        let (first, second) = if self.layout_side == Side::Theirs {
            (fields.theirs, fields.ours)
        } else {
            (fields.ours, fields.theirs)
        };
        let keys = |f: Option<Fields<'a>>| {
            f.unwrap_or(&[])
                .iter()
                .map(|(k, _)| k.raw)
                .collect::<Vec<_>>()
        };
        let in_base: std::collections::HashSet<&str> = keys(fields.base).into_iter().collect();
        let mut order = keys(first);
        let mut seen: std::collections::HashSet<&str> = order.iter().copied().collect();
        let mut after: Option<&str> = None;
        for key in keys(second) {
            if seen.insert(key) {
                let mut at = match after {
                    Some(prev) if order.len() < 1000 => order
                        .iter()
                        .position(|k| *k == prev)
                        .map_or(order.len(), |p| p + 1),
                    Some(_) => order.len(),
                    None => 0,
                };
                let added_by_first = |k: &str| {
                    !in_base.contains(k) && first.is_some_and(|f| f.iter().any(|(x, _)| x.raw == k))
                };
                while at < order.len() && order.len() < 1000 && added_by_first(order[at]) {
                    at += 1;
                }
                order.insert(at, key);
            }
            after = Some(key);
        }
        order
    }
}

/// An object's fields by raw key (the first of a repeated key).
pub fn index<'a>(fields: Fields<'a>) -> HashMap<&'a str, &'a Node<'a>> {
    let mut map = HashMap::with_capacity(fields.len());
    for (key, value) in fields {
        map.entry(key.raw).or_insert(value);
    }
    map
}
