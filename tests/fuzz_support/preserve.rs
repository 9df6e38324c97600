//! The change-preservation invariant (merge-rules §1.1) on a clean
//! structured result: `mlmerge::verify` (written apart from the merge code)
//! must find every edit of both sides in it exactly once.
//!
//! The harness knows nothing of the merge's elements (layers, arguments,
//! members), so `verify` runs on elements of its own: lines, each named
//! with its headers (the lines above it indented less), moves detected,
//! on results whose every line is a line of some version. A result holding
//! a line the merge combined from both sides' edits of it (token by token,
//! argument by argument) is not checkable by lines and is counted apart:
//! the merge's own element check (`python/checked.rs`) covers those. A
//! notebook whose cells all have ids is checked cell by cell (keyed by id,
//! a move merging with an edit as merge-rules §3 says), then inside each
//! cell both sides edited; without ids it is read as the text of its
//! cells' sources, each opened by a line naming the cell.

use mlmerge::verify::{
    check_with, EditKind, Element, Options, Problem, ResultElement, Side, Verdict, Violation,
};
use serde_json::Value;

/// What the check found.
pub enum Preserved {
    Holds,
    /// Every reading found a violation: the first one's reason.
    Violated(String),
    /// Every reading found a violation, but each of the first reading's
    /// is one a line view cannot tell from a correct merge (see
    /// [`unreadable`]): counted apart, listed, no violation.
    Ambiguous(String),
    /// Not text the check reads (not UTF-8, a notebook that is not JSON),
    /// or over the check's budget.
    NotChecked,
}

/// Checks `result` against the case's three versions.
pub fn check(notebook: bool, versions: [&[u8]; 3], result: &[u8]) -> Preserved {
    let text = |bytes: &[u8]| -> Option<String> {
        let text = std::str::from_utf8(bytes).ok()?;
        Some(text.strip_prefix('\u{feff}').unwrap_or(text).to_string())
    };
    let (Some(b), Some(o), Some(t), Some(r)) = (
        text(versions[0]),
        text(versions[1]),
        text(versions[2]),
        text(result),
    ) else {
        return Preserved::NotChecked;
    };
    if !notebook {
        return texts(&b, &o, &t, &r);
    }
    let (Some(b), Some(o), Some(t), Some(r)) = (cells(&b), cells(&o), cells(&t), cells(&r)) else {
        return Preserved::NotChecked;
    };
    match [&b, &o, &t, &r].iter().all(|c| ids_unique(c)) {
        true => by_ids(&b, &o, &t, &r),
        false => match texts_with(&joined(&b), &joined(&o), &joined(&t), &joined(&r), true) {
            // The text of the cells cuts a notebook by lines, so the cell
            // boundaries are guesses of the line diff; cell by cell, with
            // ids of the harness's own pairing, is the other reading.
            // The paired reading holding is a proof; its cell list
            // holding with only a line-view ambiguity inside a cell both
            // sides edited is as far as any reading here gets.
            verdict @ (Preserved::Violated(_) | Preserved::Ambiguous(_)) => {
                match (paired_cells(&b, &o, &t, &r), verdict) {
                    (Some(Preserved::Holds), _) => Preserved::Holds,
                    (Some(Preserved::Ambiguous(inner)), _) => Preserved::Ambiguous(inner),
                    // Cells without ids are matched by content: a cell one
                    // side moved and either side edited reads as an
                    // insertion and a deletion, which the line view cannot
                    // tell from a lost cell.
                    (_, Preserved::Violated(why)) if reordered(&b, &o) || reordered(&b, &t) => {
                        Preserved::Ambiguous(format!("{why} (cells without ids, reordered)"))
                    }
                    (_, verdict) => verdict,
                }
            }
            other => other,
        },
    }
}

/// A notebook without (unique) cell ids read cell by cell, with the ids
/// of `cell_ids::assign`; `None` where that pairing would be a guess.
fn paired_cells(b: &[Cell], o: &[Cell], t: &[Cell], r: &[Cell]) -> Option<Preserved> {
    let [b, o, t, r] = super::cell_ids::assign(b, o, t, r)?;
    Some(by_ids(&b, &o, &t, &r))
}

/// `verify` by lines, when every line of the result is a line of some
/// version: a line the merge combined from both sides' edits of it (token
/// by token, argument by argument) is checked by the merge's own element
/// check, not here.
fn texts(b: &str, o: &str, t: &str, r: &str) -> Preserved {
    texts_with(b, o, t, r, false)
}

/// [`texts`]; `cells_moved` forgives lines not at their place: in a
/// notebook without ids, a cell one side moved carries the other side's
/// edits with it (merge-rules §3), which a line view sees as misplaced.
///
/// Several readings, each a proof on its own when it holds (every edit
/// of both sides, as that reading cuts the text into elements, is in the
/// result exactly once): physical lines; physical lines under headers named by what they define rather than by
/// their whole text (an edit of a `for` header leaves the lines inside it
/// the same lines); tokens (a line both sides edited, one side's edit
/// holding the other's, as the token merge writes it; the same call
/// written flat on one side and in black's layout on the other). Logical
/// lines (a bracketed statement as one element) are no such proof: they
/// read results with one side's inserted layer dropped as correct
/// (`preservation_check_rejects_a_clean_fixture_with_an_edited_line_dropped`).
/// A result is
/// violated only when every reading finds a violation; the first one's
/// reason is given.
fn texts_with(b: &str, o: &str, t: &str, r: &str, cells_moved: bool) -> Preserved {
    let split = |how: Reading| move |text: &str| elements(text, how);
    let first = reading(b, o, t, r, cells_moved, split(Reading::Lines));
    if !matches!(first, Preserved::Violated(_) | Preserved::Ambiguous(_)) {
        return first;
    }
    // A reading over the check's budget found nothing: the result is not
    // one every reading finds violated (a 1,000-bracket line one side
    // added costs the token reading a diff of thousands of tokens).
    let mut over_budget = false;
    for how in [
        Reading::NamedHeaders,
        Reading::KindHeaders,
        Reading::CallKeys,
        Reading::ImportNames,
        Reading::Tokens,
    ] {
        match reading_verdict(b, o, t, r, cells_moved, split(how)) {
            Read::Verdict(Preserved::Holds) => return Preserved::Holds,
            Read::OverBudget => over_budget = true,
            Read::Verdict(_) => {}
        }
    }
    // Values black wrapped in parentheses over three lines, written on one
    // line: which values are wrapped is layout (`python/unwrapped.rs`).
    let unwrapped = [b, o, t, r].map(unwrap_values);
    if unwrapped.iter().zip([b, o, t, r]).any(|(u, x)| u != x) {
        let [ub, uo, ut, ur] = unwrapped.each_ref().map(String::as_str);
        for how in [Reading::Lines, Reading::Tokens] {
            if let Preserved::Holds = reading(ub, uo, ut, ur, cells_moved, split(how)) {
                return Preserved::Holds;
            }
        }
    }
    // A result that is one side's version: the other side's edits read
    // against it directly (`within`).
    // By lines, then by tokens (`within::holds_within_tokens`).
    let texts = [b, o, t];
    let by_tokens = |other: usize, side: usize| {
        let [wb, wo, ws] = [texts[0], texts[other], texts[side]].map(comment_words);
        super::within::holds_within_tokens(&wb, &wo, &ws)
    };
    let [b, o, t, r] = [b, o, t, r].map(|x| elements(x, Reading::Lines));
    let within = (r == o && (super::within::holds_within(&b, &t, &o) || by_tokens(2, 1)))
        || (r == t && (super::within::holds_within(&b, &o, &t) || by_tokens(1, 2)));
    match (within, over_budget) {
        (true, _) => Preserved::Holds,
        (false, true) => Preserved::NotChecked,
        (false, false) => first,
    }
}

/// `text` with each value wrapped the way black wraps one long value
/// (`x = (` ending a line, the value alone on the next line, further
/// indented, and `)` alone on the line after it at the first line's
/// indent) joined into one line, `x = value`.
fn unwrap_values(text: &str) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let opens = line
            .strip_suffix("= (")
            .filter(|head| !head.ends_with(['=', '!', '<', '>']));
        let wrap = match (opens, lines.get(i + 1), lines.get(i + 2)) {
            (Some(head), Some(value), Some(close))
                if close.trim() == ")"
                    && indent(close) == indent(line)
                    && indent(value) > indent(line)
                    && !value.trim().is_empty() =>
            {
                Some(format!("{head}= {}", value.trim()))
            }
            _ => None,
        };
        match wrap {
            Some(joined) => {
                out.push_str(&joined);
                i += 3;
            }
            None => {
                out.push_str(lines[i]);
                i += 1;
            }
        }
        out.push('\n');
    }
    out
}

/// One reading's answer: a verdict, or the check's budget spent.
enum Read {
    Verdict(Preserved),
    OverBudget,
}

/// How [`elements`] cuts a text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Lines,
    NamedHeaders,
    /// Headers named by their first token alone (`def`, `for`): a
    /// function one side renamed leaves the lines inside it the same
    /// lines, so the same lines added there on both sides are one edit.
    KindHeaders,
    /// Lines as [`Reading::Lines`], a line that is a call (a layer in a
    /// list, `model.add(...)`) also keyed by what it calls: an edit of
    /// `layers.Conv2D(32, 128)` beside the layers a side replaced pairs
    /// with its base line, not by position with a neighbour (the edit
    /// itself is still held to both sides' changes, as for any line both
    /// sides edited).
    CallKeys,
    /// Lines as [`Reading::Lines`], an import of several names one
    /// element per name (`fuzz_support/import_names.rs`).
    ImportNames,
    Tokens,
}

fn elements(text: &str, how: Reading) -> Vec<Element> {
    match how {
        Reading::Lines => lines(text, Headers::Whole, false),
        Reading::NamedHeaders => lines(text, Headers::Named, false),
        Reading::KindHeaders => lines(text, Headers::Kind, false),
        Reading::CallKeys => lines(text, Headers::Whole, true),
        Reading::ImportNames => {
            super::import_names::by_import_names(lines(text, Headers::Whole, false))
        }
        Reading::Tokens => tokens(text).into_iter().map(Element::plain).collect(),
    }
}

/// One reading of [`texts_with`], the texts cut by `split`.
fn reading(
    b: &str,
    o: &str,
    t: &str,
    r: &str,
    cells_moved: bool,
    split: impl Fn(&str) -> Vec<Element>,
) -> Preserved {
    match reading_verdict(b, o, t, r, cells_moved, split) {
        Read::Verdict(verdict) => verdict,
        Read::OverBudget => Preserved::NotChecked,
    }
}

/// [`reading`], telling the check's budget spent from the rest.
fn reading_verdict(
    b: &str,
    o: &str,
    t: &str,
    r: &str,
    cells_moved: bool,
    split: impl Fn(&str) -> Vec<Element>,
) -> Read {
    let known: std::collections::HashSet<Element> =
        [b, o, t].iter().flat_map(|x| split(x)).collect();
    let result = split(r);
    if result.iter().any(|l| !known.contains(l)) {
        return Read::Verdict(Preserved::NotChecked);
    }
    let result: Vec<ResultElement> = result.into_iter().map(ResultElement::clean).collect();
    let verdict = check_with(&split(b), &split(o), &split(t), &result, Options::default());
    Read::Verdict(match verdict {
        Verdict::Ok => Preserved::Holds,
        Verdict::Unchecked(_) => return Read::OverBudget,
        Verdict::Violations(v)
            if cells_moved && v.iter().all(|v| v.problem == Problem::Misplaced) =>
        {
            Preserved::Holds
        }
        Verdict::Violations(v) => {
            let (base, ours, theirs) = (split(b), split(o), split(t));
            let reason = format!(
                "verify: {}",
                Verdict::Violations(v.clone()).reason().unwrap_or_default()
            );
            match v.iter().all(|v| unreadable(v, &base, &ours, &theirs)) {
                true => Preserved::Ambiguous(reason),
                false => Preserved::Violated(reason),
            }
        }
    })
}

/// Whether a violation is one a line view cannot tell from a correct
/// merge: a line the base or the editing side holds more than once (which
/// copy an edit touched is the diff's guess: a duplicated line deleted on
/// one side, replaced on the other), or a replacement the view paired by
/// position alone (an unkeyed line in a gap paired with the base line
/// beside it) that "clashes" with the other side's edit.
fn unreadable(v: &Violation, base: &[Element], ours: &[Element], theirs: &[Element]) -> bool {
    let count = |elements: &[Element]| {
        elements
            .iter()
            .filter(|e| e.content == v.element.content)
            .count()
    };
    let side = match v.side {
        Some(Side::Ours) => count(ours),
        Some(Side::Theirs) => count(theirs),
        None => count(ours).max(count(theirs)),
    };
    let repeated = count(base) > 1 || side > 1;
    let by_position = v.edit == EditKind::Replace && v.problem == Problem::ClashNotConflicted;
    repeated || by_position
}

/// Whether `side` put cells of `base` in another order: the same cell
/// types in another sequence, or two cells of the same text in the
/// opposite order.
fn reordered(base: &[Cell], side: &[Cell]) -> bool {
    let kinds = |cells: &[Cell]| -> Vec<String> {
        cells
            .iter()
            .map(|c| c.text.lines().next().unwrap_or_default().to_string())
            .collect()
    };
    let (kb, ks) = (kinds(base), kinds(side));
    let mut sorted = (kb.clone(), ks.clone());
    sorted.0.sort();
    sorted.1.sort();
    if kb != ks && sorted.0 == sorted.1 {
        return true;
    }
    let at = |text: &str| side.iter().position(|c| c.text == text);
    base.iter().enumerate().any(|(i, x)| {
        base[i + 1..]
            .iter()
            .any(|y| matches!((at(&x.text), at(&y.text)), (Some(a), Some(b)) if a > b))
    })
}

/// One notebook cell: its id (empty without one) and its type and source.
#[derive(Clone)]
pub struct Cell {
    pub id: String,
    pub text: String,
}

fn ids_unique(cells: &[Cell]) -> bool {
    let mut seen = std::collections::HashSet::new();
    cells.iter().all(|c| !c.id.is_empty() && seen.insert(&c.id))
}

/// Cells with ids in all four: the cell list checked by id (a cell moves
/// with the other side's edit, merge-rules §3), then the source of each
/// cell both sides edited, as [`texts`].
fn by_ids(b: &[Cell], o: &[Cell], t: &[Cell], r: &[Cell]) -> Preserved {
    let elements = |cells: &[Cell]| -> Vec<Element> {
        cells
            .iter()
            .map(|c| Element::new(c.id.clone(), c.text.clone()))
            .collect()
    };
    let result: Vec<ResultElement> = elements(r).into_iter().map(ResultElement::clean).collect();
    let verdict = check_with(
        &elements(b),
        &elements(o),
        &elements(t),
        &result,
        Options {
            moves_by_key: true,
            moved_edits_merge: true,
            ..Options::default()
        },
    );
    match verdict {
        Verdict::Ok => {}
        Verdict::Unchecked(_) => return Preserved::NotChecked,
        v => return Preserved::Violated(format!("cells: {}", v.reason().unwrap_or_default())),
    }
    let find = |cells: &[Cell], id: &str| cells.iter().find(|c| c.id == id).map(|c| c.text.clone());
    for cell in r {
        let (Some(x), Some(y), Some(z)) = (find(b, &cell.id), find(o, &cell.id), find(t, &cell.id))
        else {
            continue;
        };
        if x == y || x == z || y == z {
            continue;
        }
        match texts(&x, &y, &z, &cell.text) {
            Preserved::Holds => {}
            Preserved::Violated(why) => {
                return Preserved::Violated(format!("cell {}: {why}", cell.id))
            }
            Preserved::Ambiguous(why) => {
                return Preserved::Ambiguous(format!("cell {}: {why}", cell.id))
            }
            Preserved::NotChecked => return Preserved::NotChecked,
        }
    }
    Preserved::Holds
}

/// Cells without (unique) ids as one text: a line opening each cell (its
/// type), then its source, so cells added, deleted and moved are line
/// edits.
fn joined(cells: &[Cell]) -> String {
    cells
        .iter()
        .map(|c| {
            // The opening line names the cell by its type and first line:
            // two different cells inserted at one place must not look like
            // one insertion both sides made.
            let (kind, source) = c.text.split_once('\n').unwrap_or((&c.text, ""));
            let first = source.lines().next().unwrap_or_default();
            format!("\u{1}cell {kind}: {first}\n{source}")
        })
        .collect()
}

/// What names a header line for the lines under it (see [`lines`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Headers {
    /// Its whole content.
    Whole,
    /// The name it defines, else its first token.
    Named,
    /// Its first token.
    Kind,
}

/// The lines of `text` as elements, blank lines and lone closing
/// brackets dropped (the merge may place a blank line between two
/// insertions either side of it; two dict entries inserted at one place
/// both end in `},`).
///
/// Each element is named by its headers (the lines above it indented
/// less, as in `mlmerge::verify::doubled_line`), so that two different
/// functions inserted at one place, both ending in `return 0.0`, hold that
/// line once each rather than as one insertion both sides made; a
/// decorator line is named by the definition it decorates too. Its
/// content is its tokens (see [`tokens`]): whitespace, the indentation's
/// characters (the headers give the nesting), commas and a simple
/// string's quotes are layout. Its key is the name the line defines or
/// assigns, when it does (`def f`, `EPOCHS =`, `self.fc =`), so that an
/// edit of that line pairs with the base's line of that name rather than
/// with a neighbour by position; with `call_keys`, a line that is a call
/// is keyed by its callee too ([`called_name`]). `headers` says what of a
/// header names the lines under it.
///
/// Lines are physical: joining a bracketed statement into one element
/// would make a whole layer list one element, and that reading accepts a
/// result with one side's inserted layer dropped.
fn lines(text: &str, headers: Headers, call_keys: bool) -> Vec<Element> {
    // (indent, code) of each line.
    let mut raw: Vec<(usize, &str)> = Vec::new();
    for line in text.lines().map(|l| l.trim_end_matches('\r')) {
        let code = line.trim_start();
        if code
            .chars()
            .all(|c| matches!(c, ')' | ']' | '}' | ',' | ';') || c.is_whitespace())
        {
            continue;
        }
        raw.push((line.len() - code.len(), code));
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut open: Vec<(usize, u64)> = Vec::new();
    for (n, (indent, code)) in raw.iter().enumerate() {
        let mut content = tokens(code).join(" ");
        let mut name = defined_name(code).or_else(|| call_keys.then(|| called_name(code))?);
        if code.starts_with('@') {
            // The definition below the decorators names them.
            if let Some((_, def)) = raw[n..]
                .iter()
                .find(|(i, c)| i == indent && !c.starts_with('@'))
            {
                let decorated = defined_name(def).unwrap_or_default();
                content = format!("{content} @{decorated}");
                name = Some(format!("@{decorated}"));
            }
        }
        while open.last().is_some_and(|&(i, _)| i >= *indent) {
            open.pop();
        }
        let path = open.last().map_or(0, |&(_, h)| h);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let first_token = content.split(' ').next().unwrap_or_default();
        let header = match (&name, headers) {
            (Some(name), Headers::Named) => name.as_str(),
            (None, Headers::Named) | (_, Headers::Kind) => first_token,
            (_, Headers::Whole) => content.as_str(),
        };
        std::hash::Hash::hash(&(path, header), &mut hasher);
        open.push((*indent, std::hash::Hasher::finish(&hasher)));
        let content = format!("{path:x}|{content}");
        out.push(match name {
            Some(name) => Element::new(format!("{path:x}|{name}"), content),
            None => Element::plain(content),
        });
    }
    out
}

/// What a line that is a call calls, by the callee's last name:
/// `Conv2D(` for `layers.Conv2D(32, 3),` (a byte flipped in the module
/// path, `tfnkeras.layers.MaxPooling2D()`, is an edit of that line);
/// `None` for any other line.
fn called_name(code: &str) -> Option<String> {
    let callee: String = code
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        .collect();
    let calls = code[callee.len()..].starts_with('(');
    let last = callee.rsplit('.').next().unwrap_or_default();
    let named = last
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    (calls && named).then(|| format!("{last}("))
}

/// The name a line defines or assigns: `def f` or `class C` for a
/// definition, the target of a plain or annotated assignment (`EPOCHS =`,
/// `self.fc =`); `None` for any other line.
fn defined_name(code: &str) -> Option<String> {
    for keyword in ["async def ", "def ", "class "] {
        if let Some(rest) = code.strip_prefix(keyword) {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            return (!name.is_empty()).then(|| format!("{}{name}", keyword));
        }
    }
    let target: String = code
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        .collect();
    let rest = code[target.len()..].trim_start();
    let assigns = (rest.starts_with('=') && !rest.starts_with("==")) || rest.starts_with(':');
    let keyword = matches!(
        target.as_str(),
        "if" | "elif"
            | "else"
            | "for"
            | "while"
            | "try"
            | "except"
            | "finally"
            | "with"
            | "return"
            | "lambda"
            | "match"
            | "case"
    );
    (assigns && !target.is_empty() && !keyword).then(|| format!("{target} ="))
}

/// Python-ish tokens: names and numbers, strings (with their prefix and
/// quotes), comments, and every other character alone; whitespace and line
/// continuations are layout. Commas are layout too: a merge keeps one
/// side's trailing-comma style (merge-rules §2, "Formatting").
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() || c == '\\' || c == ',' {
            i += 1;
            continue;
        }
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            if i < chars.len() && matches!(chars[i], '\'' | '"') && i - start <= 3 {
                i = string_end(&chars, i);
            }
        } else if matches!(c, '\'' | '"') {
            i = string_end(&chars, i);
        } else {
            i += 1;
        }
        out.push(normal_quotes(chars[start..i].iter().collect()));
    }
    out
}

/// [`tokens`], each word of a comment a token of its own.
fn comment_words(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .flat_map(|t| match t.starts_with('#') {
            true => t.split_whitespace().map(str::to_string).collect(),
            false => vec![t],
        })
        .collect()
}

/// A string written with single or double quotes is one token either way
/// (a merge writes a change in the file's quote style).
fn normal_quotes(token: String) -> String {
    let inner = token
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .filter(|t| !t.contains(['\'', '"', '\\']));
    match inner {
        Some(inner) => format!("\"{inner}\""),
        None => token,
    }
}

/// The index after the string literal opening at `i` (a quote).
fn string_end(chars: &[char], i: usize) -> usize {
    let quote = chars[i];
    let triple = chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote);
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            c if c == quote && !triple => return j + 1,
            c if c == quote
                && chars.get(j + 1) == Some(&quote)
                && chars.get(j + 2) == Some(&quote) =>
            {
                return j + 3
            }
            '\n' if !triple => return j,
            _ => j += 1,
        }
    }
    chars.len()
}

/// A notebook's cells: id, and type then source as text. `None` when it
/// is not a JSON object with a cell list.
fn cells(text: &str) -> Option<Vec<Cell>> {
    let doc: Value = serde_json::from_str(text).ok()?;
    let cells = doc.get("cells")?.as_array()?;
    let mut out = Vec::new();
    for cell in cells {
        let kind = cell.get("cell_type").and_then(Value::as_str).unwrap_or("?");
        let id = cell.get("id").and_then(Value::as_str).unwrap_or("");
        let mut text = format!("{kind}\n");
        match cell.get("source") {
            Some(Value::String(s)) => text.push_str(s),
            Some(Value::Array(parts)) => {
                for part in parts.iter().filter_map(Value::as_str) {
                    text.push_str(part);
                }
            }
            _ => {}
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        out.push(Cell {
            id: id.to_string(),
            text,
        });
    }
    Some(out)
}

/// Whether two clean results hold the same tokens, in any order: the
/// symmetry of merge-rules §1.3 (the same result except for the order of
/// ours/theirs sections and same-gap insertions). `None` when either is
/// not text the check reads.
pub fn same_up_to_order(notebook: bool, a: &[u8], b: &[u8]) -> Option<bool> {
    let bag = |bytes: &[u8]| -> Option<Vec<String>> {
        let text = std::str::from_utf8(bytes).ok()?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = if notebook {
            joined(&cells(text)?)
        } else {
            text.to_string()
        };
        let mut all = tokens(&text);
        all.sort();
        Some(all)
    };
    Some(bag(a)? == bag(b)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_python_without_layout() {
        assert_eq!(
            tokens("x = f(a, b'q,\\'', \"\"\"d\n\"\"\")  # c\n"),
            [
                "x",
                "=",
                "f",
                "(",
                "a",
                "b'q,\\''",
                "\"\"\"d\n\"\"\"",
                ")",
                "# c"
            ]
        );
    }

    #[test]
    fn unwrap_values_joins_black_wraps_only() {
        let wrapped =
            "uri = (\n    \"gs://b/train.csv\"\n)\nx = f(\n    1\n)\nok = a == (\n    b\n)\n";
        assert_eq!(
            unwrap_values(wrapped),
            "uri = \"gs://b/train.csv\"\nx = f(\n    1\n)\nok = a == (\n    b\n)\n"
        );
    }
}
