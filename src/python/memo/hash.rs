//! The hash of the memo's keys (whole texts, hundreds of kilobytes, hashed
//! at every lookup) and of kept texts' lines: eight bytes a step, where
//! the standard library's SipHash takes one round per eight bytes plus a
//! setup per value. Only equality of kept keys decides a hit (the keys are
//! compared in full), so the hash only spreads them.

use std::hash::Hasher;

/// A multiply-rotate hash over 64-bit words (the shape of rustc's FxHash).
#[derive(Default)]
pub struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            self.add(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    fn hash(texts: &[&str]) -> u64 {
        let mut h = WordHasher::default();
        texts.hash(&mut h);
        h.finish()
    }

    #[test]
    fn different_texts_hash_apart() {
        let texts = [
            "",
            "a",
            "a\0",
            "\0a",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
        ];
        let mut seen = std::collections::HashSet::new();
        for t in texts {
            assert!(seen.insert(hash(&[t])), "{t:?}");
        }
        // Where one text ends and the next begins counts.
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        assert_ne!(hash(&["x = 1\n"; 3]), hash(&["x = 1\n"; 2]));
        assert_eq!(hash(&["def f():\n"]), hash(&["def f():\n"]));
    }
}
