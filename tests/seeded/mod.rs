//! The random source of the property tests: one fixed sample in CI, so that
//! a run passes or fails by the code and not by chance;
//! `PROPTEST_RNG_SEED=random` (or a number) and `PROPTEST_CASES` explore
//! further. Known failures found that way are listed in
//! docs/merge-quality.md.

use proptest::test_runner::RngSeed;

/// The seed of CI runs.
const CI_SEED: u64 = 20261201;

pub fn rng_seed() -> RngSeed {
    match std::env::var("PROPTEST_RNG_SEED").as_deref() {
        Ok("random") => RngSeed::Random,
        Ok(n) => n.parse().map(RngSeed::Fixed).unwrap_or(RngSeed::Random),
        Err(_) => RngSeed::Fixed(CI_SEED),
    }
}

/// `PROPTEST_CASES`, or `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
