//! Property tests over generated whole Python modules (issue 10): imports,
//! constants, functions, a model class with methods, a presets dict and
//! `__all__`, each side editing them at random (adds at the same places,
//! edits, deletions). The invariants of merge-rules §1 must hold: trivial
//! merges are exact, swapping the sides changes nothing but the order,
//! clean results parse, and a clean result holds the keyed three-way merge
//! of the two sides' changes (every element a side added or changed, none
//! it deleted, no old value of a changed element), while a key both sides
//! set differently is never clean.

mod seeded;

use mlmerge::core::merge3::Merge3;
use mlmerge::{pipeline, MergeOptions};
use proptest::prelude::*;

/// The sections of a module, each a list of (key, value) in file order.
#[derive(Clone, Debug, Default)]
struct Module {
    imports: Vec<(u8, u8)>,
    constants: Vec<(u8, u8)>,
    functions: Vec<(u8, u8)>,
    methods: Vec<(u8, u8)>,
    presets: Vec<(u8, u8)>,
    exports: Vec<(u8, u8)>,
}

const SECTIONS: usize = 6;

impl Module {
    fn section(&mut self, s: usize) -> &mut Vec<(u8, u8)> {
        match s {
            0 => &mut self.imports,
            1 => &mut self.constants,
            2 => &mut self.functions,
            3 => &mut self.methods,
            4 => &mut self.presets,
            _ => &mut self.exports,
        }
    }

    fn get(&self, s: usize) -> &Vec<(u8, u8)> {
        match s {
            0 => &self.imports,
            1 => &self.constants,
            2 => &self.functions,
            3 => &self.methods,
            4 => &self.presets,
            _ => &self.exports,
        }
    }

    /// Sorted sections keep their order on insertion (imports, `__all__`);
    /// the others append.
    fn sorted(s: usize) -> bool {
        s == 0 || s == 5
    }

    fn apply(&mut self, edit: &Edit) {
        let sorted = Self::sorted(edit.section);
        let list = self.section(edit.section);
        let at = list.iter().position(|(k, _)| *k == edit.key);
        match (edit.op, at) {
            (Op::Add, None) => {
                if sorted {
                    // Imports and exports carry no value.
                    let pos = list
                        .iter()
                        .position(|(k, _)| *k > edit.key)
                        .unwrap_or(list.len());
                    list.insert(pos, (edit.key, 0));
                } else {
                    list.push((edit.key, edit.value));
                }
            }
            // Imports and exports have no value to change.
            (Op::Change, Some(i)) if !sorted => list[i].1 = edit.value,
            (Op::Delete, Some(i)) => {
                list.remove(i);
            }
            _ => {}
        }
    }

    /// One element's text; unique in a module, so it can be searched for.
    fn element(s: usize, k: u8, v: u8) -> String {
        match s {
            0 => format!("import pkg_{k:03}\n"),
            1 => format!("\nCONST_{k:03} = {v}\n"),
            2 => format!("def func_{k:03}(x):\n    return x + {v}\n"),
            3 => format!("    def method_{k:03}(self, x):\n        return x * {v}\n"),
            4 => format!("    \"preset_{k:03}\": {{\"units\": {v}}},\n"),
            _ => format!("    \"func_{k:03}\",\n"),
        }
    }

    fn render(&self) -> String {
        let mut out = String::from("\"\"\"A generated module.\"\"\"\n\nimport keras\n");
        for (k, v) in &self.imports {
            out.push_str(&Self::element(0, *k, *v));
        }
        out.push('\n');
        for (k, v) in &self.constants {
            out.push_str(&Self::element(1, *k, *v)[1..]);
        }
        for (k, v) in &self.functions {
            out.push_str("\n\n");
            out.push_str(&Self::element(2, *k, *v));
        }
        out.push_str(
            "\n\nclass Model(keras.Model):\n    def __init__(self):\n        super().__init__()\n",
        );
        for (k, v) in &self.methods {
            out.push('\n');
            out.push_str(&Self::element(3, *k, *v));
        }
        out.push_str("\n\nPRESETS = {\n");
        for (k, v) in &self.presets {
            out.push_str(&Self::element(4, *k, *v));
        }
        out.push_str("}\n\n__all__ = [\n    \"Model\",\n");
        for (k, v) in &self.exports {
            out.push_str(&Self::element(5, *k, *v));
        }
        out.push_str("]\n");
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Change,
    Delete,
}

#[derive(Clone, Debug)]
struct Edit {
    section: usize,
    op: Op,
    key: u8,
    value: u8,
}

fn module_strategy() -> impl Strategy<Value = Module> {
    let section = || proptest::collection::btree_map(0u8..4, 0u8..50, 0..4);
    (
        section(),
        section(),
        section(),
        section(),
        section(),
        section(),
    )
        .prop_map(|(a, b, c, d, e, f)| {
            let list = |m: std::collections::BTreeMap<u8, u8>| m.into_iter().collect();
            let unvalued =
                |m: std::collections::BTreeMap<u8, u8>| m.into_keys().map(|k| (k, 0)).collect();
            Module {
                imports: unvalued(a),
                constants: list(b),
                functions: list(c),
                methods: list(d),
                presets: list(e),
                exports: unvalued(f),
            }
        })
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    (0..SECTIONS, 0u8..3, 0u8..5, 50u8..100).prop_map(|(section, op, key, value)| Edit {
        section,
        op: [Op::Add, Op::Change, Op::Delete][op as usize],
        key,
        value,
    })
}

#[derive(Clone, Debug)]
struct Case {
    base: Module,
    ours: Module,
    theirs: Module,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        module_strategy(),
        proptest::collection::vec(edit_strategy(), 1..8),
        proptest::collection::vec(edit_strategy(), 1..8),
    )
        .prop_map(|(base, o, t)| {
            let mut ours = base.clone();
            o.iter().for_each(|e| ours.apply(e));
            let mut theirs = base.clone();
            t.iter().for_each(|e| theirs.apply(e));
            Case { base, ours, theirs }
        })
}

fn merge(b: &str, o: &str, t: &str) -> pipeline::MergeOutcome {
    let options = MergeOptions {
        path: Some("module.py".into()),
        ..MergeOptions::default()
    };
    pipeline::merge(
        Merge3::new(b.as_bytes(), o.as_bytes(), t.as_bytes()),
        &options,
    )
}

fn parses(text: &str) -> bool {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_ok()
        && parser
            .parse(text, None)
            .is_some_and(|t| !t.root_node().has_error())
}

/// The keyed three-way merge of one section: what must be present, what
/// must be absent, and whether some key clashes.
fn expected(case: &Case, s: usize) -> (Vec<String>, Vec<String>, bool) {
    let value = |m: &Module, k: u8| m.get(s).iter().find(|(x, _)| *x == k).map(|(_, v)| *v);
    let mut keys: Vec<u8> = [&case.base, &case.ours, &case.theirs]
        .iter()
        .flat_map(|m| m.get(s).iter().map(|(k, _)| *k))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let (mut present, mut absent, mut clash) = (Vec::new(), Vec::new(), false);
    for k in keys {
        let (b, o, t) = (
            value(&case.base, k),
            value(&case.ours, k),
            value(&case.theirs, k),
        );
        let merged = if o == t {
            o
        } else if o == b {
            t
        } else if t == b {
            o
        } else {
            clash = true;
            continue;
        };
        for v in [b, o, t].into_iter().flatten() {
            if Some(v) != merged {
                absent.push(Module::element(s, k, v));
            }
        }
        if let Some(v) = merged {
            present.push(Module::element(s, k, v));
        }
    }
    (present, absent, clash)
}

fn sorted_lines(bytes: &[u8]) -> Vec<String> {
    // Blank lines aside: the separation of same-gap insertions follows
    // their order.
    let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The check of `module_clean_merges_lose_nothing` on one case.
fn loses_nothing(case: &Case) -> Result<(), TestCaseError> {
    let (b, o, t) = (case.base.render(), case.ours.render(), case.theirs.render());
    let outcome = merge(&b, &o, &t);
    let text = String::from_utf8_lossy(&outcome.bytes).to_string();
    let mut clashes = false;
    for s in 0..SECTIONS {
        let (present, absent, clash) = expected(case, s);
        clashes |= clash;
        // Where git's line merge is clean its bytes stand (§1.5), even
        // when it keeps two versions of one definition.
        if !outcome.is_clean() || outcome.method != mlmerge::Method::Structured {
            continue;
        }
        for p in &present {
            prop_assert!(
                text.contains(p.as_str()),
                "lost {p:?}\nbase:\n{b}\nours:\n{o}\ntheirs:\n{t}\nmerged:\n{text}"
            );
        }
        for a in &absent {
            prop_assert!(
                !text.contains(a.as_str()),
                "kept {a:?}\nbase:\n{b}\nours:\n{o}\ntheirs:\n{t}\nmerged:\n{text}"
            );
        }
    }
    if outcome.is_clean() {
        prop_assert!(
            !clashes || outcome.method != mlmerge::Method::Structured,
            "a clash merged cleanly\nbase:\n{b}\nours:\n{o}\ntheirs:\n{t}\nmerged:\n{text}"
        );
        prop_assert!(parses(&text), "clean result does not parse:\n{text}");
    }
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: seeded::cases(64),
        rng_seed: seeded::rng_seed(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// merge-rules §1.2 on whole modules.
    #[test]
    fn module_trivial_merges_are_exact(case in case_strategy()) {
        let (b, a) = (case.base.render(), case.ours.render());
        for (name, outcome) in [
            ("merge(b, a, b)", merge(&b, &a, &b)),
            ("merge(b, b, a)", merge(&b, &b, &a)),
            ("merge(b, a, a)", merge(&b, &a, &a)),
        ] {
            prop_assert!(outcome.is_clean(), "{name} conflicts");
            prop_assert!(outcome.bytes == a.as_bytes(), "{name} is not a");
        }
    }

    /// merge-rules §1.1 and §1.6: a clean result parses and holds the keyed
    /// merge of both sides' changes; a key both set differently conflicts.
    #[test]
    fn module_clean_merges_lose_nothing(case in case_strategy()) {
        loses_nothing(&case)?;
    }

    /// merge-rules §1.3: swapping the sides gives the same outcome, and the
    /// same lines in a clean result.
    #[test]
    fn module_merges_are_symmetric(case in case_strategy()) {
        let (b, o, t) = (case.base.render(), case.ours.render(), case.theirs.render());
        let (x, y) = (merge(&b, &o, &t), merge(&b, &t, &o));
        prop_assert_eq!(x.is_clean(), y.is_clean(), "\nbase:\n{}\nours:\n{}\ntheirs:\n{}", b, o, t);
        if x.is_clean() {
            prop_assert!(sorted_lines(&x.bytes) == sorted_lines(&y.bytes), "base:\n{b}\nours:\n{o}\ntheirs:\n{t}\nmerged:\n{}\nswapped:\n{}", String::from_utf8_lossy(&x.bytes), String::from_utf8_lossy(&y.bytes));
        }
    }
}

/// The generator makes both outcomes, and the structured merge settles
/// cases git's line merge conflicts on.
#[test]
fn generated_modules_cover_clean_and_conflicting_merges() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = case_strategy();
    let (mut clean, mut conflicted, mut beyond_git) = (0, 0, 0);
    for _ in 0..60 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let (b, o, t) = (case.base.render(), case.ours.render(), case.theirs.render());
        let outcome = merge(&b, &o, &t);
        if outcome.is_clean() {
            clean += 1;
            if outcome.method == mlmerge::Method::Structured {
                beyond_git += 1;
            }
        } else {
            conflicted += 1;
        }
    }
    assert!(
        clean > 5 && conflicted > 2 && beyond_git > 5,
        "clean {clean}, conflicted {conflicted}, beyond git {beyond_git}"
    );
}

/// Cases the long runs found (the property persists no failures, so they
/// are replayed here): seed 20261202 after 10,724 cases, ours deletes
/// `method_001`, theirs moves it to the end of the class and edits it (git
/// is clean, by name it is delete vs edit); after 1,654 on the way, ours
/// moves `preset_001` to the end and edits it, theirs makes the same edit
/// in place (a token merge gave the new value to `preset_002`).
#[test]
fn cases_found_by_long_runs_lose_nothing() {
    let methods = |m: &[(u8, u8)]| Module {
        methods: m.to_vec(),
        ..Module::default()
    };
    let presets = |p: &[(u8, u8)]| Module {
        presets: p.to_vec(),
        ..Module::default()
    };
    let cases = [
        Case {
            base: methods(&[(1, 0), (2, 0)]),
            ours: methods(&[(2, 0)]),
            theirs: methods(&[(2, 0), (3, 50), (1, 50)]),
        },
        Case {
            base: presets(&[(1, 2), (2, 2)]),
            ours: presets(&[(2, 2), (1, 50)]),
            theirs: presets(&[(1, 50), (2, 2)]),
        },
    ];
    for case in cases {
        let swapped = Case {
            base: case.base.clone(),
            ours: case.theirs.clone(),
            theirs: case.ours.clone(),
        };
        for c in [&case, &swapped] {
            if let Err(why) = loses_nothing(c) {
                panic!("{why}");
            }
        }
    }
}
