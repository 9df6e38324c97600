//! A fast 64-bit digest of bytes, eight at a time (not cryptographic).
//!
//! For values that are only compared with each other within one run: a
//! merge result held against git's, cell contents and lines that are
//! equal or not. SipHash (std's `DefaultHasher`, with fixed keys there)
//! costs several times more per byte on cells and lines of notebooks and
//! is no harder to collide on purpose at 64 bits; where a collision
//! decides more than a heuristic, the caller compares the bytes too or
//! keeps SipHash.

const MUL: u64 = 0x5163_8e0f_2b1d_a3c7;

/// A digest fed field by field: each field's length goes in with it, so
/// `("ab", "c")` and `("a", "bc")` differ.
pub struct Digest(u64);

impl Digest {
    pub fn new() -> Self {
        Digest(0x9e37_79b9_7f4a_7c15)
    }

    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(MUL);
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.mix(bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let mut word = [0u8; 8];
            word[..tail.len()].copy_from_slice(tail);
            self.mix(u64::from_le_bytes(word));
        }
    }

    pub fn write_str(&mut self, text: &str) {
        self.write(text.as_bytes());
    }

    /// The digest, its bits mixed so that every bit depends on every input
    /// bit.
    pub fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 32;
        h = h.wrapping_mul(MUL);
        h ^ (h >> 29)
    }
}

impl Default for Digest {
    fn default() -> Self {
        Digest::new()
    }
}

/// So that values with a `Hash` (strings, slices of lines) can be fed
/// whole, as the Python merge's memo does with its keys.
impl std::hash::Hasher for Digest {
    fn write(&mut self, bytes: &[u8]) {
        Digest::write(self, bytes);
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn finish(&self) -> u64 {
        Digest::finish(self)
    }
}

/// The digest of one run of bytes.
pub fn digest(bytes: &[u8]) -> u64 {
    let mut h = Digest::new();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_tell_apart_bytes_lengths_and_fields() {
        let texts: [&[u8]; 8] = [
            b"",
            b"\0",
            b"\0\0",
            b"model.fit(x)",
            b"model.fit(y)",
            b"model.fit(x) ",
            b"12345678",
            b"12345679",
        ];
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                assert_ne!(digest(a), digest(b), "{a:?} {b:?}");
            }
            let mut fed = Digest::new();
            fed.write(a);
            assert_eq!(digest(a), fed.finish());
        }
        let fields = |parts: &[&str]| {
            let mut h = Digest::new();
            parts.iter().for_each(|p| h.write_str(p));
            h.finish()
        };
        assert_ne!(fields(&["code", "x"]), fields(&["cod", "ex"]));
        assert_ne!(fields(&["ab", ""]), fields(&["", "ab"]));
        assert_eq!(fields(&["code", "x"]), fields(&["code", "x"]));
    }

    #[test]
    fn hashed_values_keep_their_boundaries() {
        use std::hash::{Hash, Hasher};
        let hash = |texts: &[&str]| {
            let mut h = Digest::new();
            texts.hash(&mut h);
            Hasher::finish(&h)
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        assert_ne!(hash(&["x = 1\n"; 3]), hash(&["x = 1\n"; 2]));
        assert_ne!(hash(&["a"]), hash(&["a\0"]));
        assert_eq!(hash(&["def f():\n"]), hash(&["def f():\n"]));
    }
}
