//! How the mergetool shows one clash: when the sides differ only in one
//! value on one line (a keyword argument `learning_rate=0.0001` against
//! `0.01`, a layer's units), the shared line once and the values to pick
//! from; otherwise each side whole. The differing tokens are highlighted
//! when colour is on (ANSI codes by hand).

use mlmerge::core::conflicts::ConflictRegion;

/// Values longer than this are shown as whole sides.
const MAX_VALUE_CHARS: usize = 60;

/// The values of a clash that differs in one token run on one line.
#[derive(Debug, PartialEq, Eq)]
pub struct ValueClash {
    /// The shared text before and after the value, on its line.
    pub before: String,
    pub after: String,
    pub ours: String,
    pub base: Option<String>,
    pub theirs: String,
}

/// The value-level view of `region`, when its sides (and base) are one
/// text with one short single-line value differing.
pub fn value_clash(region: &ConflictRegion) -> Option<ValueClash> {
    let sides: Vec<&str> = std::iter::once(region.ours.as_str())
        .chain(region.base.as_deref())
        .chain(std::iter::once(region.theirs.as_str()))
        .collect();
    let (start, ends) = differing_span(&sides)?;
    let ours = &region.ours;
    let line_start = ours[..start].rfind('\n').map_or(0, |i| i + 1);
    let after_start = ours.len() - ends[0];
    let line_end = ours[after_start..]
        .find('\n')
        .map_or(ours.len(), |i| after_start + i);
    let value =
        |text: &str, end_from_back: usize| text[start..text.len() - end_from_back].to_string();
    let values: Vec<String> = sides
        .iter()
        .zip(&ends)
        .map(|(text, &end)| value(text, end))
        .collect();
    let plain = values.iter().all(|v| {
        !v.trim().is_empty()
            && v.chars().count() <= MAX_VALUE_CHARS
            && !v.contains(['\n', ',', ';', '(', ')', '[', ']', '{', '}'])
    });
    if !plain {
        return None;
    }
    let base = region.base.as_ref().map(|_| values[1].clone());
    Some(ValueClash {
        before: ours[line_start..start].to_string(),
        after: ours[after_start..line_end].to_string(),
        ours: values[0].clone(),
        base,
        theirs: values[values.len() - 1].clone(),
    })
}

/// Where `texts` stop agreeing: the byte offset of the first difference
/// (the same in all, widened to a token start) and, per text, the length
/// of the common end (widened to a token end). `None` when they agree.
fn differing_span(texts: &[&str]) -> Option<(usize, Vec<usize>)> {
    let first = *texts.first()?;
    if texts.iter().all(|t| *t == first) {
        return None;
    }
    let mut prefix = first.len();
    for text in &texts[1..] {
        let common = first
            .char_indices()
            .zip(text.chars())
            .find(|((_, a), b)| a != b)
            .map_or(first.len().min(text.len()), |((i, _), _)| i);
        prefix = prefix.min(common);
    }
    // Back to the start of the token the difference falls in.
    while let Some(ch) = first[..prefix].chars().next_back() {
        if !is_token_char(ch) {
            break;
        }
        prefix -= ch.len_utf8();
    }
    let shortest = texts.iter().map(|t| t.len()).min().unwrap_or(0) - prefix;
    let mut suffix = shortest;
    for text in &texts[1..] {
        let common = first[prefix..]
            .chars()
            .rev()
            .zip(text[prefix..].chars().rev())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum::<usize>();
        suffix = suffix.min(common);
    }
    // Clamp to char boundaries shared by every text, then forward to the
    // end of the token the difference falls in.
    while suffix > 0 && texts.iter().any(|t| !t.is_char_boundary(t.len() - suffix)) {
        suffix -= 1;
    }
    while suffix > 0 {
        let Some(ch) = first[first.len() - suffix..].chars().next() else {
            break;
        };
        if !is_token_char(ch) {
            break;
        }
        suffix -= ch.len_utf8();
    }
    Some((prefix, vec![suffix; texts.len()]))
}

fn is_token_char(ch: char) -> bool {
    ch.is_alphanumeric() || matches!(ch, '_' | '.' | '-' | '+' | '"' | '\'')
}

/// ANSI styling, or none.
#[derive(Clone, Copy)]
pub struct Paint {
    pub color: bool,
}

impl Paint {
    pub fn wrap(self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// The colour of a side's highlighted tokens.
    pub fn side(self, title: &str, text: &str) -> String {
        let code = match title {
            "ours" => "1;32",
            "theirs" => "1;35",
            _ => "1;33",
        };
        self.wrap(code, text)
    }
}

/// The lines showing `clash`: the line with the value left open, then one
/// line per side.
pub fn show_values(clash: &ValueClash, paint: Paint) -> String {
    let mut out = format!(
        "    {}{}{}\n",
        clash.before.trim_start(),
        paint.wrap("2", "…"),
        clash.after
    );
    let mut side = |title: &str, value: &str| {
        out.push_str(&format!("  {title:<6}  {}\n", paint.side(title, value)));
    };
    side("ours", &clash.ours);
    if let Some(base) = &clash.base {
        side("base", base);
    }
    side("theirs", &clash.theirs);
    out
}

/// One side whole, with the part that differs from `other` highlighted.
pub fn show_side(title: &str, text: &str, other: &str, paint: Paint) -> String {
    let (start, ends) = differing_span(&[text, other]).unwrap_or((text.len(), vec![0, 0]));
    let end = text.len().saturating_sub(ends[0]).max(start);
    let mut out = format!("--- {title}\n");
    out.push_str(&text[..start]);
    out.push_str(&paint.side(title, &text[start..end]));
    out.push_str(&text[end..]);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(ours: &str, base: Option<&str>, theirs: &str) -> ConflictRegion {
        ConflictRegion {
            start_line: 1,
            end_line: 5,
            size: 7,
            ours: ours.into(),
            ours_label: "ours".into(),
            base: base.map(str::to_string),
            base_label: "base".into(),
            theirs: theirs.into(),
            theirs_label: "theirs".into(),
        }
    }

    #[test]
    fn a_keyword_argument_is_offered_as_its_values() {
        let r = region(
            "opt = Adam(learning_rate=0.0001, beta_1=0.8)\n",
            Some("opt = Adam(learning_rate=0.001, beta_1=0.8)\n"),
            "opt = Adam(learning_rate=0.01, beta_1=0.8)\n",
        );
        let clash = value_clash(&r).unwrap();
        assert_eq!(clash.before, "opt = Adam(learning_rate=");
        assert_eq!(clash.after, ", beta_1=0.8)");
        assert_eq!(
            (
                clash.ours.as_str(),
                clash.base.as_deref(),
                clash.theirs.as_str()
            ),
            ("0.0001", Some("0.001"), "0.01")
        );
    }

    #[test]
    fn a_layer_argument_and_a_string_value() {
        let r = region(
            "    layers.Dense(128, activation=\"relu\"),\n",
            None,
            "    layers.Dense(256, activation=\"relu\"),\n",
        );
        let clash = value_clash(&r).unwrap();
        assert_eq!((clash.ours.as_str(), clash.theirs.as_str()), ("128", "256"));
        let r = region("act = \"relu\"\n", None, "act = \"gelu\"\n");
        let clash = value_clash(&r).unwrap();
        assert_eq!(clash.ours, "\"relu\"");
    }

    #[test]
    fn two_values_are_shown_whole_one_value_in_a_long_statement_is_not() {
        let r = region("f(a=1, b=2)\n", None, "f(a=3, b=4)\n");
        assert_eq!(value_clash(&r), None);
        let r = region("f(a=1)\n", None, "g(b=1, c=2)\n");
        assert_eq!(value_clash(&r), None);
        let r = region(
            "opt = Adam(\n    learning_rate=1e-4,\n)\n",
            None,
            "opt = Adam(\n    learning_rate=1e-2,\n)\n",
        );
        let clash = value_clash(&r).unwrap();
        assert_eq!(clash.before, "    learning_rate=");
        assert_eq!(clash.after, ",");
        assert_eq!(
            (clash.ours.as_str(), clash.theirs.as_str()),
            ("1e-4", "1e-2")
        );
    }

    #[test]
    fn multibyte_text_is_cut_on_characters() {
        let r = region("t = \"é1\"\n", None, "t = \"é2\"\n");
        let clash = value_clash(&r).unwrap();
        assert_eq!(clash.ours, "\"é1\"");
        let shown = show_side("ours", "é1\n", "é2\n", Paint { color: true });
        assert_eq!(shown, "--- ours\n\x1b[1;32mé1\x1b[0m\n");
    }

    #[test]
    fn highlighting_marks_only_the_differing_tokens() {
        let shown = show_side(
            "theirs",
            "Dense(256, activation=\"relu\")\n",
            "Dense(128, activation=\"relu\")\n",
            Paint { color: true },
        );
        assert_eq!(
            shown,
            "--- theirs\nDense(\x1b[1;35m256\x1b[0m, activation=\"relu\")\n"
        );
        let plain = show_side("theirs", "a\n", "b\n", Paint { color: false });
        assert_eq!(plain, "--- theirs\na\n");
    }
}
