//! The fuzz harness's parts: the fixture corpus, one generated case per
//! seed ([`case`]), the mutations ([`mutate`]) and the invariants of
//! merge-rules §1 checked on each case ([`check`]).

pub mod cell_ids;
pub mod check;
pub mod import_names;
pub mod mutate;
pub mod preserve;
pub mod within;

use std::fs;
use std::path::{Path, PathBuf};

use mutate::{Rng, MUTATIONS, SHARED};

/// One fixture's three versions.
pub struct Fixture {
    pub name: String,
    pub ext: String,
    pub base: Vec<u8>,
    pub ours: Vec<u8>,
    pub theirs: Vec<u8>,
    /// The fixture's expected result when it is a clean merge (exit code
    /// 0) without a side preference (`--prefer` settles a clash by
    /// dropping the other side's edit, which the fuzz run never asks for).
    pub clean_expected: Option<Vec<u8>>,
}

/// Every fixture case under `root` (folders holding `base.<ext>`), sorted.
pub fn load_fixtures(root: &Path) -> Vec<Fixture> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut ext = None;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(e) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("base."))
            {
                ext = Some(e.to_string());
            }
        }
        let Some(ext) = ext else { continue };
        let read = |stem: &str| fs::read(dir.join(format!("{stem}.{ext}")));
        if let (Ok(base), Ok(ours), Ok(theirs)) = (read("base"), read("ours"), read("theirs")) {
            let clean = fs::read_to_string(dir.join("exit_code")).is_ok_and(|c| c.trim() == "0");
            let prefers =
                fs::read_to_string(dir.join("args")).is_ok_and(|a| a.contains("--prefer"));
            let clean_expected = read("expected").ok().filter(|_| clean && !prefers);
            out.push(Fixture {
                name: dir
                    .strip_prefix(root)
                    .unwrap_or(&dir)
                    .to_string_lossy()
                    .into_owned(),
                ext,
                base,
                ours,
                theirs,
                clean_expected,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `fixtures/`, or `MLMERGE_FUZZ_FIXTURES` (a seed names a case only
/// together with the fixture set: replaying an old run's seed needs the
/// fixtures of its commit, e.g. from `git archive COMMIT fixtures`).
pub fn fixtures_root() -> PathBuf {
    match std::env::var_os("MLMERGE_FUZZ_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
    }
}

/// How conflicts are drawn in one case (passed to mlmerge and to git).
#[derive(Clone, Copy, Debug)]
pub struct Drawing {
    pub style: mlmerge::ConflictStyle,
    pub marker_size: usize,
}

/// One generated merge: three versions and how they came about.
pub struct Case {
    pub seed: u64,
    pub fixture: String,
    pub ext: String,
    pub base: Vec<u8>,
    pub ours: Vec<u8>,
    pub theirs: Vec<u8>,
    /// The mutations applied, as `role:name`.
    pub mutations: Vec<String>,
    pub drawing: Drawing,
}

impl Case {
    pub fn describe(&self) -> String {
        format!(
            "seed {} (fixture {}, .{}, {:?} markers {}, mutations [{}])",
            self.seed,
            self.fixture,
            self.ext,
            self.drawing.style,
            self.drawing.marker_size,
            self.mutations.join(", ")
        )
    }

    /// Writes the three versions into `dir/seed-N/` for a regression fixture.
    pub fn dump(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let folder = dir.join(format!("seed-{}", self.seed));
        fs::create_dir_all(&folder)?;
        for (stem, bytes) in [
            ("base", &self.base),
            ("ours", &self.ours),
            ("theirs", &self.theirs),
        ] {
            fs::write(folder.join(format!("{stem}.{}", self.ext)), bytes)?;
        }
        fs::write(folder.join("case.txt"), self.describe())?;
        Ok(folder)
    }
}

/// The case of `seed`: a fixture, then zero to four mutations on random
/// versions (a layout mutation sometimes on all three at once).
///
/// The fixture and the donor are picked by name ([`by_name`]), so a seed
/// keeps its case when fixtures are added or removed, unless the new
/// fixture is the one it picks (one seed in as many as there are
/// fixtures) or its own is gone. `MLMERGE_FUZZ_PICK=index` picks by
/// index in the sorted list, as runs before branch fuzz6 did (their seeds
/// replay that way, with the fixtures of their commit).
pub fn case(seed: u64, fixtures: &[Fixture]) -> Case {
    let mut rng = Rng::new(seed);
    // The two draws the index pick makes, made either way: the mutations
    // that follow are the same in both picks.
    let (by_index, donor_index) = (rng.pick(fixtures), rng.pick(fixtures));
    let (fixture, donor) = match Pick::from_env() {
        Pick::Index => (by_index, donor_index),
        Pick::Name => (
            by_name(seed, FIXTURE_SALT, fixtures),
            by_name(seed, DONOR_SALT, fixtures),
        ),
    };
    let notebook = fixture.ext == "ipynb";
    let mut versions = [
        fixture.base.clone(),
        fixture.ours.clone(),
        fixture.theirs.clone(),
    ];
    let mut mutations = Vec::new();
    if rng.chance(1, 6) {
        let name = rng.pick(SHARED);
        let mutation = mutate::by_name(name).expect("a shared mutation exists");
        for version in &mut versions {
            (mutation.apply)(&mut rng, version, &donor.ours);
        }
        mutations.push(format!("all:{name}"));
    }
    // Sometimes one side is base itself, or both sides are the same edit.
    match rng.below(10) {
        0 => versions[1] = versions[0].clone(),
        1 => versions[2] = versions[0].clone(),
        _ => {}
    }
    let count = rng.below(5);
    let usable: Vec<&mutate::Mutation> = MUTATIONS.iter().filter(|m| notebook || !m.json).collect();
    for _ in 0..count {
        // JSON mutations more often on notebooks: bytes mostly break them.
        let mutation = if notebook && rng.chance(1, 2) {
            let json: Vec<_> = usable.iter().filter(|m| m.json).collect();
            **rng.pick(&json)
        } else {
            *rng.pick(&usable)
        };
        let role = rng.below(10);
        let slot = match role {
            0..=1 => 0,
            2..=5 => 1,
            _ => 2,
        };
        (mutation.apply)(&mut rng, &mut versions[slot], &donor.ours);
        mutations.push(format!(
            "{}:{}",
            ["base", "ours", "theirs"][slot],
            mutation.name
        ));
    }
    let style = *rng.pick(&[
        mlmerge::ConflictStyle::Merge,
        mlmerge::ConflictStyle::Merge,
        mlmerge::ConflictStyle::Diff3,
        mlmerge::ConflictStyle::Zdiff3,
    ]);
    let marker_size = *rng.pick(&[7, 7, 7, 0, 3, 10]);
    let [base, ours, theirs] = versions;
    Case {
        seed,
        fixture: fixture.name.clone(),
        ext: fixture.ext.clone(),
        base,
        ours,
        theirs,
        mutations,
        drawing: Drawing { style, marker_size },
    }
}

/// How a seed picks its fixture.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// By name: stable when fixtures come and go (the default).
    Name,
    /// By index in the sorted list (runs before branch fuzz6).
    Index,
}

impl Pick {
    fn from_env() -> Self {
        match std::env::var("MLMERGE_FUZZ_PICK") {
            Ok(v) if v.trim() == "index" => Pick::Index,
            _ => Pick::Name,
        }
    }
}

const FIXTURE_SALT: u64 = 0x6669_7874_7572_6573;
const DONOR_SALT: u64 = 0x646f_6e6f_7273_2121;

/// The fixture whose name scores highest for `seed` (rendezvous hashing:
/// each name's score depends on the seed and the name alone, so the
/// pick of a seed changes only when the winning name comes or goes).
fn by_name(seed: u64, salt: u64, fixtures: &[Fixture]) -> &Fixture {
    let score = |name: &str| {
        // FNV-1a over the name, then one splitmix64 step with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        Rng::new(h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt).next_u64()
    };
    fixtures
        .iter()
        .max_by_key(|f| (score(&f.name), std::cmp::Reverse(f.name.as_str())))
        .expect("the fuzz run has fixtures")
}
