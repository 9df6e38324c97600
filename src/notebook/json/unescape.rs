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

    /// The decoding one character at a time, as the reader did before
    /// runs were copied whole: the reference the fast path must equal.
    fn unescape_by_chars(raw: &str) -> String {
        let mut out = String::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('u') => {
                    let unit = hex4(&mut chars);
                    let code =
                        if (0xD800..0xDC00).contains(&unit) && chars.as_str().starts_with("\\u") {
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
        }
        out
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
        /// Copying runs between escapes decodes what decoding one
        /// character at a time does, on any text (valid escapes or not).
        #[test]
        fn runs_decode_as_single_characters(
            raw in "(\\\\|\\\\u|d8|dc|[0-9a-f]|[éλ😀]|\\\\n|[ax\"/])*"
        ) {
            prop_assert_eq!(unescape(&raw), unescape_by_chars(&raw));
        }
    }
}
