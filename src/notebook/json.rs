//! A JSON reader that keeps every value's place in the text.
//!
//! A notebook is mostly unchanged bytes: cells nobody touched and outputs
//! holding megabytes of base64. Values are kept as slices of the input
//! (strings stay escaped until a caller asks for their text), so they can be
//! compared, copied verbatim and re-indented without being decoded or
//! re-encoded. Objects keep their keys in the order read.

use std::borrow::Cow;

mod unescape;
pub use unescape::{unescape, unescape_into};

/// Deeper nesting than this is refused (the caller falls back to lines).
pub const MAX_DEPTH: usize = 256;

/// One JSON value and the text it was read from.
#[derive(Debug)]
pub struct Node<'a> {
    /// The value's text, from its first to its last byte.
    pub raw: &'a str,
    pub value: Value<'a>,
}

/// The shape of a [`Node`].
#[derive(Debug)]
pub enum Value<'a> {
    Object(Vec<(JsonStr<'a>, Node<'a>)>),
    Array(Vec<Node<'a>>),
    Str(JsonStr<'a>),
    /// A number (or Python's `NaN`/`Infinity`), kept as written.
    Number,
    Bool(bool),
    Null,
}

/// A string as written between its quotes, escapes included.
#[derive(Clone, Copy, Debug)]
pub struct JsonStr<'a> {
    pub raw: &'a str,
    escaped: bool,
}

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: &'static str,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl<'a> JsonStr<'a> {
    /// The string's text, unescaped.
    pub fn text(&self) -> Cow<'a, str> {
        if self.escaped {
            Cow::Owned(unescape(self.raw))
        } else {
            Cow::Borrowed(self.raw)
        }
    }

    /// Appends the string's text, unescaped, to `out` (no copy of its own).
    pub fn push_text(&self, out: &mut String) {
        if self.escaped {
            unescape_into(self.raw, out);
        } else {
            out.push_str(self.raw);
        }
    }

    /// Whether the string's text is `text`.
    pub fn is(&self, text: &str) -> bool {
        if self.escaped {
            unescape(self.raw) == text
        } else {
            self.raw == text
        }
    }

    fn same(&self, other: &JsonStr) -> bool {
        if !self.escaped && !other.escaped {
            self.raw == other.raw
        } else {
            self.text() == other.text()
        }
    }
}

impl<'a> Node<'a> {
    pub fn as_object(&self) -> Option<&[(JsonStr<'a>, Node<'a>)]> {
        match &self.value {
            Value::Object(fields) => Some(fields),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        match &self.value {
            Value::Str(s) => Some(*s),
            _ => None,
        }
    }

    /// The value of `key` when this is an object holding it.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        field(self.as_object()?, key)
    }

    /// A non-negative integer, as nbformat's version numbers are.
    pub fn as_u64(&self) -> Option<u64> {
        match self.value {
            Value::Number => self.raw.parse().ok(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

/// The value of `key` among an object's fields (keys are unique: the
/// reader keeps the last of a repeated key).
pub fn field<'n, 'a>(fields: &'n [(JsonStr<'a>, Node<'a>)], key: &str) -> Option<&'n Node<'a>> {
    fields.iter().find(|(k, _)| k.is(key)).map(|(_, v)| v)
}

/// Whether two values mean the same: strings by their text, objects as
/// maps (key order ignored), numbers by value.
pub fn same(a: &Node, b: &Node) -> bool {
    if a.raw == b.raw {
        return true;
    }
    match (&a.value, &b.value) {
        (Value::Str(x), Value::Str(y)) => x.same(y),
        (Value::Number, Value::Number) => same_number(a.raw, b.raw),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => same_fields(x, y),
        _ => false,
    }
}

/// [`same`] for optional values: two absent values are the same.
pub fn same_opt(a: Option<&Node>, b: Option<&Node>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn same_number(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn same_fields(x: &[(JsonStr, Node)], y: &[(JsonStr, Node)]) -> bool {
    if x.len() != y.len() {
        return false;
    }
    x.iter().all(|(key, value)| {
        let text = key.text();
        field(y, &text).is_some_and(|other| same(value, other))
    })
}

/// Reads a whole JSON text (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Node<'_>, ParseError> {
    parse_counting(text).map(|(node, _)| node)
}

/// [`parse`], also counting the keys an object repeated. A repeated key
/// is read as Python's `json` (and so Jupyter and nbformat) reads it: the
/// last value counts, at the place of the key's first occurrence.
pub fn parse_counting(text: &str) -> Result<(Node<'_>, usize), ParseError> {
    let mut reader = Reader {
        text,
        pos: 0,
        repeated: 0,
    };
    reader.skip_ws();
    let node = reader.value(0)?;
    reader.skip_ws();
    if reader.pos != text.len() {
        return Err(reader.error("unexpected text after the JSON value"));
    }
    Ok((node, reader.repeated))
}

/// Drops the earlier values of repeated keys, keeping the last value at
/// the first key's place (Python's `dict` built from `json`). Returns how
/// many were dropped.
fn last_key_wins(fields: &mut Vec<(JsonStr, Node)>) -> usize {
    if fields.len() < 2 {
        return 0;
    }
    // Pairs (first place, later place) of repeated keys. Small objects
    // (nearly all of a notebook) compare keys directly, without hashing.
    let mut moves = Vec::new();
    if fields.len() <= 16 && fields.iter().all(|(k, _)| !k.escaped) {
        for later in 1..fields.len() {
            let key = fields[later].0.raw;
            if let Some(first) = fields[..later].iter().position(|(k, _)| k.raw == key) {
                moves.push((first, later));
            }
        }
    } else {
        let mut first_at: std::collections::HashMap<Cow<str>, usize> =
            std::collections::HashMap::with_capacity(fields.len());
        for (i, (key, _)) in fields.iter().enumerate() {
            match first_at.entry(key.text()) {
                std::collections::hash_map::Entry::Occupied(first) => moves.push((*first.get(), i)),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
    }
    if moves.is_empty() {
        return 0;
    }
    let mut drop = vec![false; fields.len()];
    for &(first, later) in &moves {
        // The later value moves to the first key's place.
        fields.swap(first, later);
        drop[later] = true;
    }
    let mut i = 0;
    fields.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
    moves.len()
}

/// The first position at or after `from` holding a quote, a backslash or
/// a control character (or the end). Outputs are mostly long base64
/// strings: `memchr` finds the quote or backslash, then one branch-free
/// pass over the run looks for control characters.
fn plain_run_end(bytes: &[u8], from: usize) -> usize {
    let rest = bytes.get(from..).unwrap_or(&[]);
    let run = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
    let has_control = rest[..run].iter().fold(false, |seen, &b| seen | (b < 0x20));
    if has_control {
        return from + rest[..run].iter().position(|&b| b < 0x20).unwrap_or(run);
    }
    from + run
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// Repeated object keys dropped so far.
    repeated: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn error(&self, message: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            message,
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, message: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'N') => self.word("NaN", Value::Number)?,
            Some(b'I') => self.word("Infinity", Value::Number)?,
            Some(b'-') if self.bytes()[self.pos..].starts_with(b"-Infinity") => {
                self.word("-Infinity", Value::Number)?
            }
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a JSON value")),
            None => return Err(self.error("the JSON text ends early")),
        };
        Ok(Node {
            raw: &self.text[start..self.pos],
            value,
        })
    }

    fn word(&mut self, word: &'static str, value: Value<'a>) -> Result<Value<'a>, ParseError> {
        if self.bytes()[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let lead = self.peek();
        let int = self.digits();
        if int == 0 || (lead == Some(b'0') && int > 1) {
            return Err(self.error("malformed number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("malformed number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("malformed number"));
            }
        }
        Ok(Value::Number)
    }

    fn string(&mut self) -> Result<JsonStr<'a>, ParseError> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            let Some(&byte) = self.bytes().get(self.pos) else {
                return Err(self.error("unterminated string"));
            };
            match byte {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                0..=0x1f => return Err(self.error("control character in a string")),
                _ => self.pos = plain_run_end(self.bytes(), self.pos + 1),
            }
        }
        let raw = &self.text[start..self.pos];
        self.pos += 1;
        Ok(JsonStr { raw, escaped })
    }

    fn escape(&mut self) -> Result<(), ParseError> {
        match self.bytes().get(self.pos + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
            Some(b'u') => {
                let hex = self.bytes().get(self.pos + 2..self.pos + 6);
                if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return Err(self.error("malformed \\u escape"));
                }
                self.pos += 6;
            }
            _ => return Err(self.error("unknown escape in a string")),
        }
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.pos += 1;
        let mut fields = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(fields));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':', "expected `:`")?;
            self.skip_ws();
            fields.push((key, self.value(depth + 1)?));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.repeated += last_key_wins(&mut fields);
                    return Ok(Value::Object(fields));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests;
