//! Writing a merged notebook the way its file was written.
//!
//! The merged document is an [`Out`] tree whose leaves are mostly values
//! of one input, copied byte for byte when that input is written in the
//! output's [`Format`], else re-laid out (strings and numbers still copied
//! as written, never decoded). New text (a merged cell source) is escaped
//! as Jupyter escapes it: quotes, backslashes and control characters only.

use std::borrow::Cow;

use super::json::{JsonStr, Node, Value};

/// How a notebook file lays out its JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Format {
    /// One level of indentation; `None` writes everything on one line.
    pub indent: Option<String>,
    /// Between a key and its value, e.g. `": "`.
    pub key_sep: String,
    /// Between items: the text before the line break when indented
    /// (`","`, or `", "` as Python 2 wrote), the whole separator otherwise.
    pub item_sep: String,
    pub trailing_newline: bool,
    /// Non-ASCII written as `\uXXXX` escapes (`ensure_ascii=True`).
    pub ascii: bool,
}

impl Default for Format {
    /// Jupyter's own: one-space indent, non-ASCII kept, trailing newline.
    fn default() -> Self {
        Format {
            indent: Some(" ".into()),
            key_sep: ": ".into(),
            item_sep: ",".into(),
            trailing_newline: true,
            ascii: false,
        }
    }
}

/// Byte offset of `part` inside `whole` (a sub-slice of it).
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

impl Format {
    /// Whether values laid out in `self` read the same bytes in `other`.
    pub fn same_layout(&self, other: &Format) -> bool {
        self.indent == other.indent
            && self.key_sep == other.key_sep
            && self.item_sep == other.item_sep
    }

    /// Reads the layout of `text`, whose parsed root object is `root`
    /// (all but `ascii`, which the caller decides from the cell sources).
    pub fn detect(text: &str, root: &Node) -> Format {
        let mut format = Format {
            trailing_newline: text.ends_with('\n'),
            ..Format::default()
        };
        let Some(fields) = root.as_object().filter(|f| !f.is_empty()) else {
            return format;
        };
        let open = offset_in(text, root.raw);
        let key_start = offset_in(text, fields[0].0.raw).saturating_sub(1);
        let lead = text.get(open + 1..key_start).unwrap_or("");
        format.indent = lead.rfind('\n').map(|nl| lead[nl + 1..].to_string());
        let key_end = offset_in(text, fields[0].0.raw) + fields[0].0.raw.len() + 1;
        let value_start = offset_in(text, fields[0].1.raw);
        if let Some(sep) = text
            .get(key_end..value_start)
            .filter(|s| is_separator(s, ':'))
        {
            format.key_sep = sep.to_string();
        }
        if fields.len() > 1 {
            let value_end = value_start + fields[0].1.raw.len();
            let next_key = offset_in(text, fields[1].0.raw).saturating_sub(1);
            let between = text.get(value_end..next_key).unwrap_or(",");
            let head = match format.indent {
                Some(_) => between.split('\n').next().unwrap_or(","),
                None => between,
            };
            if is_separator(head, ',') {
                format.item_sep = head.to_string();
            }
        } else if format.indent.is_none() {
            format.item_sep = ", ".into();
        }
        format
    }
}

/// Whitespace, one `mark`, whitespace.
fn is_separator(text: &str, mark: char) -> bool {
    text.trim().len() == 1
        && text.trim().starts_with(mark)
        && text.chars().all(|c| c == mark || c.is_whitespace())
}

/// Whether `text` (JSON) escapes a non-ASCII character as `\uXXXX`. Asked
/// of every source of an ASCII notebook: `memmem` finds the `\u`s (a
/// `str` pattern search cost 2% of a median notebook merge).
pub fn has_non_ascii_escape(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"\\u").any(|at| {
        text.get(at + 2..at + 6)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .is_some_and(|code| code >= 0x80)
    })
}

/// A value of the merged document.
#[derive(Debug)]
pub enum Out<'a> {
    /// A value of one input; `verbatim` when that input is written in the
    /// output's format, so its bytes can be copied as they are. Otherwise
    /// it is laid out again, its keys in the order of `like` (the same
    /// value in the input whose layout the output follows), where given.
    Raw {
        node: &'a Node<'a>,
        verbatim: bool,
        like: Option<&'a Node<'a>>,
    },
    /// Keys are raw (escaped) key text.
    Object(Vec<(Cow<'a, str>, Out<'a>)>),
    Array(Vec<Out<'a>>),
    /// New text, escaped on writing.
    Text(String),
    /// A literal such as `null`.
    Literal(&'static str),
}

impl<'a> Out<'a> {
    #[cfg(test)]
    pub fn raw(node: &'a Node<'a>, verbatim: bool) -> Self {
        Out::Raw {
            node,
            verbatim,
            like: None,
        }
    }
}

/// Field positions of `fields` in the order of `like`'s keys, then the
/// keys `like` lacks in their own order.
fn key_order(fields: &[(JsonStr, Node)], like: Option<&[(JsonStr, Node)]>) -> Vec<usize> {
    let Some(like) = like.filter(|l| !l.is_empty() && fields.len() < 1000) else {
        return (0..fields.len()).collect();
    };
    let rank = |raw: &str| {
        like.iter()
            .position(|(k, _)| k.raw == raw)
            .unwrap_or(usize::MAX)
    };
    let mut order: Vec<usize> = (0..fields.len()).collect();
    order.sort_by_key(|&i| rank(fields[i].0.raw));
    order
}

/// Writes a whole document.
pub fn write_document(root: &Out, format: &Format, size_hint: usize) -> String {
    let mut writer = Writer {
        out: String::with_capacity(size_hint + size_hint / 8 + 64),
        format,
    };
    writer.out_value(root, 0);
    if format.trailing_newline {
        writer.out.push('\n');
    }
    writer.out
}

/// Writes one value on its own, e.g. a clashing metadata value for a
/// person to read.
pub fn write_compact(node: &Node) -> String {
    let format = Format {
        indent: None,
        item_sep: ", ".into(),
        ..Format::default()
    };
    let mut writer = Writer {
        out: String::new(),
        format: &format,
    };
    writer.node(node, None, 0);
    writer.out
}

struct Writer<'f> {
    out: String,
    format: &'f Format,
}

impl Writer<'_> {
    fn out_value(&mut self, value: &Out, depth: usize) {
        match value {
            Out::Raw {
                node,
                verbatim: true,
                ..
            } => self.out.push_str(node.raw),
            Out::Raw {
                node,
                verbatim: false,
                like,
            } => self.node(node, *like, depth),
            Out::Object(fields) => self.container('{', '}', fields.len(), depth, |w, i, d| {
                let (key, value) = &fields[i];
                w.key(key);
                w.out_value(value, d);
            }),
            Out::Array(items) => self.container('[', ']', items.len(), depth, |w, i, d| {
                w.out_value(&items[i], d)
            }),
            Out::Text(text) => self.string(text),
            Out::Literal(text) => self.out.push_str(text),
        }
    }

    /// Re-lays out a value read from an input, keys ordered like `like`.
    fn node(&mut self, node: &Node, like: Option<&Node>, depth: usize) {
        match &node.value {
            Value::Object(fields) => {
                let order = key_order(fields, like.and_then(Node::as_object));
                self.container('{', '}', fields.len(), depth, |w, i, d| {
                    let (key, value) = &fields[order[i]];
                    w.key(key.raw);
                    w.node(value, like.and_then(|l| l.get(&key.text())), d);
                })
            }
            Value::Array(items) => {
                let likes = like
                    .and_then(Node::as_array)
                    .filter(|l| l.len() == items.len());
                self.container('[', ']', items.len(), depth, |w, i, d| {
                    w.node(&items[i], likes.map(|l| &l[i]), d)
                })
            }
            _ => self.out.push_str(node.raw),
        }
    }

    fn key(&mut self, raw: &str) {
        self.out.push('"');
        self.out.push_str(raw);
        self.out.push('"');
        self.out.push_str(&self.format.key_sep);
    }

    fn container(
        &mut self,
        open: char,
        close: char,
        len: usize,
        depth: usize,
        mut item: impl FnMut(&mut Self, usize, usize),
    ) {
        self.out.push(open);
        for i in 0..len {
            if i > 0 {
                self.out.push_str(&self.format.item_sep);
            }
            self.break_line(depth + 1, len);
            item(self, i, depth + 1);
        }
        self.break_line(depth, len);
        self.out.push(close);
    }

    fn break_line(&mut self, depth: usize, len: usize) {
        if let (Some(indent), true) = (&self.format.indent, len > 0) {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str(indent);
            }
        }
    }

    fn string(&mut self, text: &str) {
        self.out.push('"');
        for c in text.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c if (c as u32) < 0x20 || (self.format.ascii && !c.is_ascii()) => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        self.out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;

    #[test]
    fn relays_out_in_jupyter_format() {
        let text = "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": \"\\u00e9\"\n}";
        let doc = parse(text).unwrap();
        let format = Format::detect(text, &doc);
        assert_eq!(format.indent.as_deref(), Some("  "));
        assert!(!format.trailing_newline);
        assert!(has_non_ascii_escape(text));
        assert!(!has_non_ascii_escape("\\u0041 \\u007f \\u00e \\u\u{e9}9"));
        assert!(has_non_ascii_escape("x \\u0041\\u00E9"));
        let jupyter = Format::default();
        let out = write_document(&Out::raw(&doc, false), &jupyter, 0);
        assert_eq!(
            out,
            "{\n \"a\": [\n  1,\n  2\n ],\n \"b\": {},\n \"c\": \"\\u00e9\"\n}\n"
        );
        let same = write_document(&Out::raw(&doc, false), &format, 0);
        assert_eq!(same, text);
    }

    #[test]
    fn escapes_new_text_like_python() {
        let out = write_document(&Out::Text("é \"q\"\n\u{1}".into()), &Format::default(), 0);
        assert_eq!(out, "\"é \\\"q\\\"\\n\\u0001\"\n");
    }

    #[test]
    fn detects_compact_layout() {
        let text = "{\"a\":1,\"b\":2}";
        let format = Format::detect(text, &parse(text).unwrap());
        assert_eq!(
            (
                format.indent,
                format.key_sep.as_str(),
                format.item_sep.as_str()
            ),
            (None, ":", ",")
        );
    }
}
