//! JSON string escapes decoded: the text between escapes copied a run at
//! a time, `\uXXXX` surrogate pairs joined, lone surrogates as U+FFFD.

/// Unescapes a string's raw text; lone surrogates become U+FFFD.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    unescape_into(raw, &mut out);
    out
}

/// [`unescape`], appended to `out`: the text between escapes is copied a
/// run at a time (a backslash is one byte, so each run ends on a character
/// boundary).
pub fn unescape_into(raw: &str, out: &mut String) {
    let mut rest = raw;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let mut chars = rest[at + 1..].chars();
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let unit = hex4(&mut chars);
                let code = if (0xD800..0xDC00).contains(&unit) && chars.as_str().starts_with("\\u")
                {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.next();
                    let low = hex4(&mut ahead);
                    if (0xDC00..0xE000).contains(&low) {
                        chars = ahead;
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        unit
                    }
                } else {
                    unit
                };
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
}

fn hex4(chars: &mut std::str::Chars) -> u32 {
    (0..4).fold(0, |acc, _| {
        acc * 16 + chars.next().and_then(|c| c.to_digit(16)).unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `text` written as JSON string contents, each character escaped or
    /// not as `escape` says (`\uXXXX`, a surrogate pair beyond the BMP).
    fn encode(text: &str, escape: &[bool]) -> String {
        let mut raw = String::new();
        for (i, c) in text.chars().enumerate() {
            let forced = escape
                .get(i % escape.len().max(1))
                .copied()
                .unwrap_or(false);
            match c {
                '"' => raw.push_str("\\\""),
                '\\' => raw.push_str("\\\\"),
                '\n' => raw.push_str("\\n"),
                c if forced || (c as u32) < 0x20 => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        raw.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => raw.push(c),
            }
        }
        raw
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(unescape(r"a\nb\t\\c\/"), "a\nb\t\\c/");
        assert_eq!(unescape(r"\ud83d\ude00 \u00e9"), "😀 é");
        assert_eq!(unescape(r"\ud83d x"), "\u{fffd} x");
        assert_eq!(unescape("é\\"), "é");
        assert_eq!(unescape(r"\u00"), "\0");
    }

    proptest! {
        #![proptest_config(crate::seeded::config(256))]
        /// Any text, written with escapes chosen at random, decodes back
        /// to itself (an encoder written apart from the decoder).
        #[test]
        fn encoded_text_decodes_to_itself(
            text in "[a\"\\\\\n\t/éλ😀\u{1}]*",
            escape in proptest::collection::vec(any::<bool>(), 1..8),
        ) {
            prop_assert_eq!(unescape(&encode(&text, &escape)), text);
        }

        /// On any raw text serde_json reads as a string's contents, the
        /// decoder agrees with it (invalid escapes and lone surrogates,
        /// which serde_json refuses, are the tolerant reader's own).
        #[test]
        fn decodes_as_serde_json_where_it_accepts(
            raw in "(\\\\|\\\\u|d8|dc|[0-9a-f]|[éλ😀]|\\\\n|[ax/])*"
        ) {
            if let Ok(expected) = serde_json::from_str::<String>(&format!("\"{raw}\"")) {
                prop_assert_eq!(unescape(&raw), expected);
            }
        }
    }
}
