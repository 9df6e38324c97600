//! The incremental parse against a fresh one, node for node: on every
//! fixture (each side from the base, the expected result from ours) and
//! on random line and byte edits of fixture texts.

use super::*;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::time::Instant;

fn parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("the grammar loads");
    parser
}

fn fresh(text: &str) -> Tree {
    parser().parse(text, None).expect("parses")
}

/// The first node where two trees differ (kind, byte range, points,
/// error and missing flags, child count), in a pre-order walk of both.
fn first_difference(a: &Tree, b: &Tree) -> Option<String> {
    let (mut x, mut y) = (a.walk(), b.walk());
    loop {
        let describe = |c: &tree_sitter::TreeCursor<'_>| {
            let n = c.node();
            (
                n.kind(),
                n.byte_range(),
                n.start_position(),
                n.end_position(),
                (n.has_error(), n.is_error(), n.is_missing()),
                n.child_count(),
                c.field_id(),
            )
        };
        let (dn, dm) = (describe(&x), describe(&y));
        if dn != dm {
            return Some(format!("{dn:?} against {dm:?}"));
        }
        if x.goto_first_child() {
            if !y.goto_first_child() {
                return Some("child count".into());
            }
            continue;
        }
        loop {
            if x.goto_next_sibling() {
                if !y.goto_next_sibling() {
                    return Some("sibling".into());
                }
                break;
            }
            if !x.goto_parent() {
                return None;
            }
            y.goto_parent();
        }
    }
}

/// `old` with `edits` applied as `Tree::edit` reads them.
fn apply(old: &str, new: &str, edits: &[InputEdit]) -> Vec<u8> {
    let mut text = old.as_bytes().to_vec();
    for e in edits {
        let inserted = &new.as_bytes()[e.start_byte..e.new_end_byte];
        text.splice(e.start_byte..e.old_end_byte, inserted.iter().copied());
    }
    text
}

/// Checks `new` parsed from `old`'s tree against a fresh parse.
fn check(old: &str, new: &str) -> Result<(), String> {
    let (edits, _) = edits(old, new);
    if apply(old, new, &edits) != new.as_bytes() {
        return Err(format!("the edits do not turn old into new: {edits:?}"));
    }
    let rows = LineIndex::new(new.as_bytes());
    for e in &edits {
        if rows.point(e.start_byte) != e.start_position
            || rows.point(e.new_end_byte) != e.new_end_position
        {
            return Err(format!("wrong points in {e:?}"));
        }
    }
    let old_rows = LineIndex::new(old.as_bytes());
    // In the old text's coordinates, the first edit's old end.
    if let Some(e) = edits.first() {
        if old_rows.point(e.old_end_byte) != e.old_end_position {
            return Err(format!("wrong old end in {e:?}"));
        }
    }
    let (incremental, checks) = reparse(&mut parser(), old, &fresh(old), new, None);
    let incremental = incremental.ok_or("no tree")?;
    // Production (`memo::parse_from_kept`, `retry::parses_in_place`) throws
    // an incremental tree with an error away and parses afresh, so only an
    // error-free one must be the fresh parse's tree (error recovery may
    // differ between the two; it decides nothing). That it is error-free
    // must mean the fresh tree is too.
    if !incremental.root_node().has_error() {
        let fresh_new = fresh(new);
        if fresh_new.root_node().has_error() {
            return Err("the incremental tree has no error, the fresh one has".into());
        }
        if let Some(d) = first_difference(&fresh_new, &incremental) {
            return Err(d);
        }
    }
    // The bound `memo` keeps: a fresh parse of `new` takes no more than
    // the parse from `old`'s tree plus a fresh parse of `old` (and the
    // callbacks the rounding of each count can lose).
    let (fresh_old, fresh_new) = (fresh_checks(old), fresh_checks(new));
    if fresh_new > checks + fresh_old + crate::python::memo::ROUNDING {
        return Err(format!(
            "a fresh parse takes {fresh_new} callbacks, over the bound {checks} + {fresh_old}"
        ));
    }
    Ok(())
}

/// The progress callbacks of a fresh parse of `text`.
fn fresh_checks(text: &str) -> usize {
    let mut checks = 0;
    let mut progress = |_: &tree_sitter::ParseState| {
        checks += 1;
        false
    };
    let bytes = text.as_bytes();
    parser().parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
        None,
        Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
    );
    checks
}

fn fixture_texts() -> Vec<[Option<String>; 4]> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python");
    let mut out = Vec::new();
    for case in std::fs::read_dir(&root).expect("fixtures") {
        let case = case.expect("entry").path();
        let read = |v: &str| std::fs::read_to_string(case.join(v)).ok();
        out.push([
            read("base.py"),
            read("ours.py"),
            read("theirs.py"),
            read("expected.py"),
        ]);
    }
    out
}

#[test]
fn every_fixture_parses_incrementally_as_fresh() {
    let mut checked = 0;
    for [base, ours, theirs, expected] in fixture_texts() {
        let pairs = [
            (&base, &ours),
            (&base, &theirs),
            (&ours, &expected),
            (&theirs, &base),
        ];
        for (old, new) in pairs {
            if let (Some(old), Some(new)) = (old, new) {
                if let Err(why) = check(old, new) {
                    panic!("{why}\nold:\n{old}\nnew:\n{new}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 600, "{checked} pairs");
}

#[test]
fn edits_cover_what_changed_and_no_more() {
    let old = "import os\n\nx = 1\ny = 2\nz = 3\n";
    let new = "import os\n\nx = 1\ny = 20\nz = 3\nw = 4\n";
    let (e, covered) = edits(old, new);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(covered, "y = 20\n".len() + "w = 4\n".len());
    assert_eq!(edits(old, old).0.len(), 0);
    // No final newline, a change inside the last line, multi-byte text.
    for (a, b) in [
        ("a = 1\nb = 2", "a = 1\nb = 3"),
        ("a = 'é'\n", "a = 'è'\n"),
        ("", "x = 1\n"),
        ("x = 1\n", ""),
        ("x = 1\ny = 2\n", "x = 1\n  y = 2\n"),
        ("f(a,\n  b)\n", "f(a,\n  b, c)\n"),
        ("s = '''\nx\n'''\n", "s = '''\nx\ny = 1\n'''\n"),
    ] {
        check(a, b).unwrap_or_else(|why| panic!("{a:?} -> {b:?}: {why}"));
    }
}

/// A random edit of a text: lines deleted, copied from elsewhere,
/// re-indented, or bytes replaced by a piece of Python.
#[derive(Clone, Debug)]
enum Edit {
    DeleteLines(usize, usize),
    CopyLines(usize, usize, usize),
    Indent(usize, usize),
    Insert(usize, &'static str),
}

const PIECES: &[&str] = &[
    "x = 1\n",
    "    return y\n",
    "def f(a, b=2):\n    pass\n",
    "class M(nn.Module):\n    def forward(self, x):\n        return x\n",
    ")",
    "(",
    "\"\"\"",
    "'é'",
    "# comment\n",
    "layers.Dense(64, activation=\"relu\"),\n",
    "\n\n",
    "if a:\n",
    "    ",
    ", c",
    "@decorator\n",
    "\\\n",
    "lambda: 0",
    "f\"{x!r:>10}\"",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..6).prop_map(|(a, n)| Edit::DeleteLines(a, n)),
        (any::<usize>(), 1usize..8, any::<usize>())
            .prop_map(|(a, n, to)| Edit::CopyLines(a, n, to)),
        (any::<usize>(), 1usize..5).prop_map(|(a, n)| Edit::Indent(a, n)),
        (any::<usize>(), proptest::sample::select(PIECES)).prop_map(|(at, p)| Edit::Insert(at, p)),
    ]
}

fn edited(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    for e in edits {
        let len = lines.len().max(1);
        match *e {
            Edit::DeleteLines(a, n) => {
                let a = a % len;
                let end = (a + n).min(lines.len());
                if a < end {
                    lines.drain(a..end);
                }
            }
            Edit::CopyLines(a, n, to) => {
                let a = a % len;
                let end = (a + n).min(lines.len());
                let copy: Vec<String> = lines.get(a..end).unwrap_or_default().to_vec();
                let to = to % (lines.len() + 1);
                lines.splice(to..to, copy);
            }
            Edit::Indent(a, n) => {
                let a = a % len;
                for line in lines.iter_mut().skip(a).take(n) {
                    line.insert_str(0, "    ");
                }
            }
            Edit::Insert(at, piece) => {
                let joined = lines.concat();
                let mut at = at % (joined.len() + 1);
                while !joined.is_char_boundary(at) {
                    at -= 1;
                }
                let text = format!("{}{piece}{}", &joined[..at], &joined[at..]);
                lines = text.split_inclusive('\n').map(str::to_string).collect();
            }
        }
    }
    lines.concat()
}

/// 300 cases from a fixed seed, so a run passes or fails by the code and
/// not by chance (after the cases of proptest-regressions/, a failure
/// found once among them); `PROPTEST_RNG_SEED=random` (or a number) and
/// `PROPTEST_CASES` explore further (as `tests/seeded`).
fn config() -> ProptestConfig {
    let rng_seed = match std::env::var("PROPTEST_RNG_SEED").as_deref() {
        Ok("random") => RngSeed::Random,
        Ok(n) => n.parse().map(RngSeed::Fixed).unwrap_or(RngSeed::Random),
        Err(_) => RngSeed::Fixed(20261201),
    };
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    ProptestConfig {
        cases,
        rng_seed,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn random_edits_parse_incrementally_as_fresh(
        case in any::<usize>(),
        version in 0usize..3,
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let texts = fixture_texts();
        let case = &texts[case % texts.len()];
        let Some(old) = case[version].as_ref().or(case[0].as_ref()) else {
            return Ok(());
        };
        let new = edited(old, &edits);
        if let Err(why) = check(old, &new) {
            return Err(TestCaseError::fail(format!("{why}\nold:\n{old}\nnew:\n{new}")));
        }
    }
}

/// Every `base`/`ours`/`theirs`/`resolved` quadruple of `.py` files under
/// `$MLMERGE_REPARSE_CORPUS` (the real-merge corpus): each side and the
/// human's result from the base, the result from ours, node for node:
/// `MLMERGE_REPARSE_CORPUS=DIR cargo test --release --lib every_corpus -- --ignored --nocapture`.
#[test]
#[ignore]
fn every_corpus_scenario_parses_incrementally_as_fresh() {
    let Ok(root) = std::env::var("MLMERGE_REPARSE_CORPUS") else {
        return;
    };
    let mut dirs = vec![std::path::PathBuf::from(root)];
    let (mut pairs, mut failed) = (0, 0);
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                dirs.push(entry.path());
            }
        }
        let read = |v: &str| std::fs::read_to_string(dir.join(v)).ok();
        let (Some(base), Some(ours), Some(theirs)) =
            (read("base.py"), read("ours.py"), read("theirs.py"))
        else {
            continue;
        };
        let resolved = read("resolved.py").unwrap_or_default();
        for (old, new) in [
            (&base, &ours),
            (&base, &theirs),
            (&base, &resolved),
            (&ours, &resolved),
        ] {
            pairs += 1;
            if let Err(why) = check(old, new) {
                failed += 1;
                println!("{}: {}", dir.display(), why);
            }
        }
    }
    println!("{pairs} pairs, {failed} differ");
    assert_eq!(failed, 0);
}

/// Prints fresh and incremental parse times of `$MLMERGE_REPARSE_PAIR`
/// (`OLD:NEW`): `cargo test --lib reparse_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn reparse_timing() {
    let Ok(pair) = std::env::var("MLMERGE_REPARSE_PAIR") else {
        return;
    };
    let (old, new) = pair.split_once(':').expect("OLD:NEW");
    let (old, new) = (
        std::fs::read_to_string(old).expect("old"),
        std::fs::read_to_string(new).expect("new"),
    );
    let t = Instant::now();
    let old_tree = fresh(&old);
    let fresh_old = t.elapsed();
    let t = Instant::now();
    fresh(&new);
    let fresh_new = t.elapsed();
    let t = Instant::now();
    let (e, covered) = edits(&old, &new);
    let diff = t.elapsed();
    let t = Instant::now();
    reparse(&mut parser(), &old, &old_tree, &new, None);
    let incremental = t.elapsed();
    println!(
        "fresh old {fresh_old:?} new {fresh_new:?}; diff {diff:?} ({} edits, {covered} bytes); incremental {incremental:?}",
        e.len()
    );
}
