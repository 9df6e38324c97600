//! Every pair of edits {insert, delete, replace constructor, change
//! argument, add keyword, move/swap} on both sides, for every layer
//! container shape of merge-rules §2, checked with the independent
//! `verify` oracle: the result (clean or conflicted) holds every edit of
//! both sides exactly once, or the element lies inside a conflict; a clean
//! result parses; swapping the sides gives the same outcome (§1.3).
//!
//! Each element is one line, so the result's elements are its lines that
//! are not fixed lines of the file, those between markers flagged as
//! inside a conflict. `PROPTEST_CASES` raises the case count.

mod seeded;
use mlmerge::core::merge3::{Merge3, Side};
use mlmerge::verify::{check_with, Element, Options, ResultElement, Verdict};
use mlmerge::{pipeline, MergeOptions, MergeOutcome, Method};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const PREAMBLE: &str = "import torch\nfrom collections import OrderedDict\nfrom torch import nn\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n\n";
const TAIL: &str = "\nprint(\"built\")\n";

/// The container shapes of merge-rules §2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    KerasList,
    KerasLayersKeyword,
    KerasAdd,
    KerasFunctional,
    KerasInit,
    TorchForward,
    TorchSequential,
    TorchOrderedDict,
    TorchModuleList,
}

const SHAPES: [Shape; 9] = [
    Shape::KerasList,
    Shape::KerasLayersKeyword,
    Shape::KerasAdd,
    Shape::KerasFunctional,
    Shape::KerasInit,
    Shape::TorchForward,
    Shape::TorchSequential,
    Shape::TorchOrderedDict,
    Shape::TorchModuleList,
];

const KERAS: [&str; 6] = [
    "Dense",
    "Conv1D",
    "LSTM",
    "Dropout",
    "BatchNormalization",
    "GRU",
];
const TORCH: [&str; 6] = [
    "Linear",
    "Conv1d",
    "LayerNorm",
    "Dropout",
    "BatchNorm1d",
    "GRU",
];

/// One layer: `id` names it (attributes, OrderedDict keys), `ctor` picks
/// the constructor, `main` is its main argument, `keyword` an added one.
#[derive(Clone, Debug, PartialEq)]
struct Layer {
    id: u16,
    ctor: usize,
    main: u16,
    keyword: Option<u16>,
}

impl Shape {
    fn torch(self) -> bool {
        matches!(
            self,
            Shape::TorchForward
                | Shape::TorchSequential
                | Shape::TorchOrderedDict
                | Shape::TorchModuleList
        )
    }

    fn header(self) -> &'static str {
        match self {
            Shape::KerasList => "model = keras.Sequential([\n",
            Shape::KerasLayersKeyword => "model = keras.Sequential(layers=[\n",
            Shape::KerasAdd => "model = keras.Sequential()\n",
            Shape::KerasFunctional => "inputs = keras.Input(shape=(32,))\nx = inputs\n",
            Shape::KerasInit => {
                "class Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
            }
            Shape::TorchForward => "class Net(nn.Module):\n    def forward(self, x):\n",
            Shape::TorchSequential => "model = nn.Sequential(\n",
            Shape::TorchOrderedDict => "model = nn.Sequential(OrderedDict([\n",
            Shape::TorchModuleList => "blocks = nn.ModuleList([\n",
        }
    }

    fn footer(self) -> &'static str {
        match self {
            Shape::KerasList | Shape::KerasLayersKeyword | Shape::TorchModuleList => "])\n",
            Shape::KerasAdd => "",
            Shape::KerasFunctional => "model = keras.Model(inputs, x)\n",
            Shape::KerasInit => "\n    def call(self, x):\n        return x\n",
            Shape::TorchForward => "        return x\n",
            Shape::TorchSequential => ")\n",
            Shape::TorchOrderedDict => "]))\n",
        }
    }

    fn call(self, layer: &Layer) -> String {
        let names = if self.torch() { &TORCH } else { &KERAS };
        let ctor = names[layer.ctor % names.len()];
        let main = match ctor {
            "Dropout" => format!("0.{}", layer.main),
            "BatchNormalization" => format!("momentum=0.{}", layer.main),
            "Linear" | "Conv1d" => format!("16, {}", layer.main),
            _ => layer.main.to_string(),
        };
        let keyword = layer.keyword.map_or(String::new(), |k| {
            if self.torch() {
                format!(", device=\"cuda:{k}\"")
            } else {
                format!(", name=\"l{k}\"")
            }
        });
        let prefix = if self.torch() { "nn" } else { "layers" };
        format!("{prefix}.{ctor}({main}{keyword})")
    }

    fn line(self, layer: &Layer) -> String {
        let call = self.call(layer);
        match self {
            Shape::KerasList
            | Shape::KerasLayersKeyword
            | Shape::TorchSequential
            | Shape::TorchModuleList => {
                format!("    {call},\n")
            }
            Shape::KerasAdd => format!("model.add({call})\n"),
            Shape::KerasFunctional => format!("x = {call}(x)\n"),
            Shape::KerasInit => format!("        self.l{} = {call}\n", layer.id),
            Shape::TorchForward => {
                let names = &TORCH;
                let attr = names[layer.ctor % names.len()].to_lowercase();
                let keyword = layer
                    .keyword
                    .map_or(String::new(), |k| format!(", mask=m{k}"));
                format!(
                    "        x = self.{attr}{}(x, {}{keyword})\n",
                    layer.id, layer.main
                )
            }
            Shape::TorchOrderedDict => format!("    (\"l{}\", {call}),\n", layer.id),
        }
    }

    fn render(self, layers: &[Layer]) -> String {
        let mut text = String::from(PREAMBLE);
        text.push_str(self.header());
        for layer in layers {
            text.push_str(&self.line(layer));
        }
        text.push_str(self.footer());
        text.push_str(TAIL);
        text
    }

    /// The key of an element line: the attribute or name where the shape
    /// keys by name, else the constructor.
    fn key(self, line: &str) -> String {
        let between = |open: &str, close: char| -> Option<String> {
            let start = line.find(open)? + open.len();
            let rest = &line[start..];
            Some(rest[..rest.find(close)?].to_string())
        };
        let found = match self {
            Shape::KerasInit => between("self.", ' '),
            Shape::TorchForward => between("self.", '('),
            Shape::TorchOrderedDict => between("(\"", '"'),
            _ if self.torch() => between("nn.", '('),
            _ => between("layers.", '('),
        };
        found.unwrap_or_else(|| line.to_string())
    }

    /// The elements of a file: its lines that are not fixed lines, each
    /// trimmed of indentation and trailing comma.
    fn elements(self, text: &str) -> Vec<ResultElement> {
        let fixed: Vec<&str> = PREAMBLE
            .lines()
            .chain(self.header().lines())
            .chain(self.footer().lines())
            .chain(TAIL.lines())
            .collect();
        let mut out = Vec::new();
        let mut in_conflict = false;
        for line in text.lines() {
            if line.starts_with("<<<<<<<") {
                in_conflict = true;
                continue;
            }
            if line.starts_with(">>>>>>>") {
                in_conflict = false;
                continue;
            }
            if line.starts_with("=======") || line.starts_with("|||||||") || fixed.contains(&line) {
                continue;
            }
            // A clash in a list rendered on one line holds the header and
            // several elements: take the header off and split at commas.
            let mut rest = line.trim();
            for fixed_line in &fixed {
                let head = fixed_line.trim();
                if !head.is_empty() && rest.starts_with(head) {
                    rest = &rest[head.len()..];
                }
            }
            for piece in split_top_level(rest) {
                let content = piece.trim().to_string();
                if content.is_empty() || fixed.iter().any(|f| f.trim() == content) {
                    continue;
                }
                let element = Element::new(self.key(&content), content);
                out.push(ResultElement {
                    element,
                    in_conflict,
                });
            }
        }
        out
    }
}

/// `text` split at commas outside brackets and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth <= 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// One edit; positions are taken modulo the list length.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Edit {
    Insert { at: usize, ctor: usize },
    Delete { at: usize },
    ReplaceConstructor { at: usize, ctor: usize },
    ChangeArgument { at: usize },
    AddKeyword { at: usize },
    Move { from: usize, to: usize },
    Swap { at: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..8usize, 0..6usize).prop_map(|(at, ctor)| Edit::Insert { at, ctor }),
        (0..8usize).prop_map(|at| Edit::Delete { at }),
        (0..8usize, 1..6usize).prop_map(|(at, ctor)| Edit::ReplaceConstructor { at, ctor }),
        (0..8usize).prop_map(|at| Edit::ChangeArgument { at }),
        (0..8usize).prop_map(|at| Edit::AddKeyword { at }),
        (0..8usize, 0..8usize).prop_map(|(from, to)| Edit::Move { from, to }),
        (0..8usize).prop_map(|at| Edit::Swap { at }),
    ]
}

/// Applies `edit`; new values come from `tags`, which no other side uses.
fn apply(layers: &mut Vec<Layer>, edit: Edit, tags: &mut u16) {
    let n = layers.len();
    let mut tag = || {
        *tags += 1;
        *tags
    };
    match edit {
        Edit::Insert { at, ctor } => {
            let t = tag();
            layers.insert(
                at % (n + 1),
                Layer {
                    id: t,
                    ctor,
                    main: t,
                    keyword: None,
                },
            );
        }
        _ if n == 0 => {}
        Edit::Delete { at } => {
            layers.remove(at % n);
        }
        Edit::ReplaceConstructor { at, ctor } => {
            let t = tag();
            let l = &mut layers[at % n];
            l.ctor = (l.ctor + ctor) % KERAS.len();
            l.main = t;
        }
        Edit::ChangeArgument { at } => layers[at % n].main = tag(),
        Edit::AddKeyword { at } => layers[at % n].keyword = Some(tag()),
        Edit::Move { from, to } => {
            let l = layers.remove(from % n);
            layers.insert(to % n, l);
        }
        Edit::Swap { at } if n > 1 => layers.swap(at % (n - 1), at % (n - 1) + 1),
        Edit::Swap { .. } => {}
    }
}

#[derive(Clone, Debug)]
struct Case {
    shape: Shape,
    base: Vec<Layer>,
    ours: Vec<Edit>,
    theirs: Vec<Edit>,
}

impl Case {
    /// base, ours, theirs as files. Theirs may repeat ours' first edit
    /// (the same change on both sides, plus another nearby).
    fn files(&self) -> Merge3<String> {
        let mut ours = self.base.clone();
        let mut theirs = self.base.clone();
        let (mut ours_tags, mut theirs_tags) = (500u16, 700u16);
        for &e in &self.ours {
            apply(&mut ours, e, &mut ours_tags);
        }
        for (k, &e) in self.theirs.iter().enumerate() {
            if k == 0 && e == (Edit::Swap { at: 99 }) {
                // "the same first edit as ours"
                if let Some(&first) = self.ours.first() {
                    let mut tags = 500u16;
                    apply(&mut theirs, first, &mut tags);
                }
                continue;
            }
            apply(&mut theirs, e, &mut theirs_tags);
        }
        Merge3::new(
            self.shape.render(&self.base),
            self.shape.render(&ours),
            self.shape.render(&theirs),
        )
    }
}

fn base_layers() -> impl Strategy<Value = Vec<Layer>> {
    proptest::collection::vec(0..6usize, 2..6).prop_map(|ctors| {
        ctors
            .into_iter()
            .enumerate()
            .map(|(i, ctor)| Layer {
                id: i as u16 + 1,
                ctor,
                main: 10 + i as u16,
                keyword: None,
            })
            .collect()
    })
}

fn case_for(shape: Shape) -> impl Strategy<Value = Case> {
    let theirs_first = prop_oneof![
        3 => edit(),
        1 => Just(Edit::Swap { at: 99 }), // same as ours' first edit
    ];
    (
        base_layers(),
        proptest::collection::vec(edit(), 1..3),
        theirs_first,
        proptest::collection::vec(edit(), 0..2),
    )
        .prop_map(move |(base, ours, first, more)| {
            let mut theirs = vec![first];
            theirs.extend(more);
            Case {
                shape,
                base,
                ours,
                theirs,
            }
        })
}

fn merge(files: &Merge3<String>) -> MergeOutcome {
    let options = MergeOptions {
        path: Some("model.py".into()),
        ..MergeOptions::default()
    };
    pipeline::merge(
        Merge3::new(
            files.base.as_bytes(),
            files.ours.as_bytes(),
            files.theirs.as_bytes(),
        ),
        &options,
    )
}

/// A clean result that is git's line merge.
fn line_clean(outcome: &MergeOutcome) -> bool {
    outcome.is_clean() && outcome.method == Method::LineMerge
}

fn parses(text: &str) -> bool {
    let mut parser = tree_sitter::Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return false;
    }
    parser
        .parse(text, None)
        .is_some_and(|tree| !tree.root_node().has_error())
}

fn plain(shape: Shape, text: &str) -> Vec<Element> {
    shape
        .elements(text)
        .into_iter()
        .map(|r| r.element)
        .collect()
}

/// `text` with every conflict resolved to one side's section (ours' the
/// first, theirs' the last), as a person taking that side at every
/// conflict would.
fn resolved(text: &str, side: Side) -> String {
    let mut out = String::new();
    // Which section a line is in: none, ours, the base's, theirs.
    let mut section = None;
    for line in text.split_inclusive('\n') {
        let section_now = if line.starts_with("<<<<<<<") {
            Some(Side::Ours)
        } else if line.starts_with("|||||||") {
            Some(Side::Base)
        } else if line.starts_with("=======") && section.is_some() {
            Some(Side::Theirs)
        } else if line.starts_with(">>>>>>>") {
            section = None;
            continue;
        } else {
            if section.is_none_or(|s| s == side) {
                out.push_str(line);
            }
            continue;
        };
        section = section_now;
    }
    out
}

/// An element a conflicted result writes twice once every conflict is
/// taken from one side. Every element of a generated version is written
/// once, so a second copy is a side's change applied twice: a layer one
/// side moved, settled at its new place outside a conflict while the other
/// side's copy stands in a section (a line merge reading the move as a
/// deletion and an insertion).
fn doubled_when_taken(shape: Shape, text: &str) -> Option<(Side, String)> {
    [Side::Ours, Side::Theirs].into_iter().find_map(|side| {
        let mut seen = std::collections::HashSet::new();
        plain(shape, &resolved(text, side))
            .into_iter()
            .find(|e| !seen.insert(e.content.clone()))
            .map(|e| (side, e.content))
    })
}

/// Checks one case; `Err` says what is wrong.
fn check_case(case: &Case) -> Result<(), String> {
    let files = case.files();
    let shape = case.shape;
    let show = || {
        format!(
            "--- base\n{}--- ours\n{}--- theirs\n{}",
            files.base, files.ours, files.theirs
        )
    };
    let outcome = merge(&files);
    let swapped = merge(&Merge3::new(
        files.base.clone(),
        files.theirs.clone(),
        files.ours.clone(),
    ));
    let text = String::from_utf8_lossy(&outcome.bytes).into_owned();
    let swapped_text = String::from_utf8_lossy(&swapped.bytes).into_owned();
    let (base, ours, theirs) = (
        plain(shape, &files.base),
        plain(shape, &files.ours),
        plain(shape, &files.theirs),
    );
    for (name, result, o, t, by_lines) in [
        ("result", &text, &ours, &theirs, line_clean(&outcome)),
        (
            "swapped result",
            &swapped_text,
            &theirs,
            &ours,
            line_clean(&swapped),
        ),
    ] {
        // Where git's line merge is clean its bytes stand (merge-rules
        // §1.5) and are checked line by line: an attribute deleted at one
        // place and assigned again at another is two line edits there,
        // not a move of one named element.
        let named = matches!(
            shape,
            Shape::KerasInit | Shape::TorchForward | Shape::TorchOrderedDict
        );
        let options = Options {
            moves_by_key: named && !by_lines,
            ..Options::default()
        };
        let verdict = check_with(&base, o, t, &shape.elements(result), options);
        if verdict != Verdict::Ok {
            return Err(format!(
                "{name} fails verify: {:?}\n{}--- {name}\n{result}",
                verdict.reason(),
                show()
            ));
        }
    }
    for (name, outcome, result) in [
        ("result", &outcome, &text),
        ("swapped result", &swapped, &swapped_text),
    ] {
        if outcome.is_clean() {
            continue;
        }
        if let Some((side, content)) = doubled_when_taken(shape, result) {
            return Err(format!(
                "{name}: taking {side:?} at every conflict writes `{content}` twice\n{}--- {name}\n{result}",
                show()
            ));
        }
    }
    if outcome.is_clean() != swapped.is_clean() {
        return Err(format!(
            "asymmetric: clean {} vs {} swapped\n{}--- result\n{text}--- swapped\n{swapped_text}",
            outcome.is_clean(),
            swapped.is_clean(),
            show()
        ));
    }
    if outcome.is_clean() {
        if !parses(&text) {
            return Err(format!(
                "clean result does not parse\n{}--- result\n{text}",
                show()
            ));
        }
        let sorted = |t: &str| {
            let mut v: Vec<String> = t.lines().map(str::to_string).collect();
            v.sort();
            v
        };
        if sorted(&text) != sorted(&swapped_text) {
            return Err(format!("clean results differ beyond order\n{}--- result\n{text}--- swapped\n{swapped_text}", show()));
        }
    }
    Ok(())
}

fn config() -> ProptestConfig {
    let (cases, rng_seed) = (seeded::cases(32), seeded::rng_seed());
    ProptestConfig {
        cases,
        rng_seed,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/edit_pairs.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

macro_rules! shape_property {
    ($name:ident, $shape:expr) => {
        proptest! {
            #![proptest_config(config())]
            #[test]
            fn $name(case in case_for($shape)) {
                if let Err(why) = check_case(&case) {
                    prop_assert!(false, "{why}");
                }
            }
        }
    };
}

shape_property!(edit_pairs_keras_list, Shape::KerasList);
shape_property!(edit_pairs_keras_layers_keyword, Shape::KerasLayersKeyword);
shape_property!(edit_pairs_keras_add, Shape::KerasAdd);
shape_property!(edit_pairs_keras_functional, Shape::KerasFunctional);
shape_property!(edit_pairs_keras_init, Shape::KerasInit);
shape_property!(edit_pairs_torch_forward, Shape::TorchForward);
shape_property!(edit_pairs_torch_sequential, Shape::TorchSequential);
shape_property!(edit_pairs_torch_ordered_dict, Shape::TorchOrderedDict);
shape_property!(edit_pairs_torch_module_list, Shape::TorchModuleList);

/// `cc 535afe5e…` of the regression file (a move each way beside a
/// replacement): base `BN(0.10) Dense(11) BN(0.12) Dense(13)`, ours
/// replaces `BN(0.10)` by `GRU(501)` and moves `BN(0.12)` to the end,
/// theirs deletes `BN(0.10)` and moves `BN(0.12)` up. git's line merge has
/// one conflict (`GRU(501)` against `BN(0.12)`) and `BN(0.12)` clean at the
/// end, which `verify` accepts (read by Myers' alignment, theirs moved
/// `Dense(11)` down); taking theirs writes `BN(0.12)` twice, which the
/// edit-pair check now catches. The merge draws the reorder instead.
#[test]
fn a_move_each_way_beside_a_replacement_is_not_settled_by_lines() {
    let layer = |id: u16, ctor: usize| Layer {
        id,
        ctor,
        main: 9 + id,
        keyword: None,
    };
    let case = Case {
        shape: Shape::KerasList,
        base: vec![layer(1, 4), layer(2, 0), layer(3, 4), layer(4, 0)],
        ours: vec![
            Edit::Move { from: 3, to: 6 },
            Edit::ReplaceConstructor { at: 4, ctor: 1 },
        ],
        theirs: vec![Edit::Move { from: 1, to: 2 }, Edit::Delete { at: 0 }],
    };
    let files = case.files();
    let markers = mlmerge::core::render::Markers::for_inputs(&MergeOptions::default(), &[]);
    let git = mlmerge::core::line_merge::git_merge(
        files.base.as_bytes(),
        files.ours.as_bytes(),
        files.theirs.as_bytes(),
        &markers,
    )
    .expect("libgit2 merges text");
    let git_text = String::from_utf8_lossy(&git.bytes);
    assert_eq!(
        doubled_when_taken(case.shape, &git_text),
        Some((
            Side::Theirs,
            "layers.BatchNormalization(momentum=0.12)".to_string()
        )),
        "git's result:\n{git_text}"
    );
    let outcome = merge(&files);
    assert_eq!(outcome.method, Method::Structured);
    assert_eq!(outcome.conflicts, 2);
    assert_eq!(check_case(&case), Ok(()));
}

/// Every pair of edit kinds, aimed at the same element, on every shape:
/// the touched element is where the clashes of issue 8 happen.
#[test]
fn every_edit_pair_on_the_same_element() {
    let kinds = [
        Edit::Insert { at: 1, ctor: 2 },
        Edit::Delete { at: 1 },
        Edit::ReplaceConstructor { at: 1, ctor: 1 },
        Edit::ChangeArgument { at: 1 },
        Edit::AddKeyword { at: 1 },
        Edit::Move { from: 1, to: 3 },
        Edit::Swap { at: 1 },
        Edit::Move { from: 1, to: 0 },
    ];
    let base: Vec<Layer> = (0..4)
        .map(|i| Layer {
            id: i + 1,
            ctor: usize::from(i) % 3,
            main: 10 + i,
            keyword: None,
        })
        .collect();
    let mut failures = Vec::new();
    for shape in SHAPES {
        for &o in &kinds {
            for &t in &kinds {
                for theirs in [vec![t], vec![Edit::Swap { at: 99 }, t]] {
                    let case = Case {
                        shape,
                        base: base.clone(),
                        ours: vec![o],
                        theirs,
                    };
                    if let Err(why) = check_case(&case) {
                        failures.push(format!("{shape:?} {o:?} vs {:?}:\n{why}", case.theirs));
                    }
                }
            }
        }
    }
    if let Ok(path) = std::env::var("EDIT_PAIRS_DUMP") {
        let _ = std::fs::write(path, failures.join("\n=====\n"));
    }
    assert!(
        failures.is_empty(),
        "{} failing pairs; the first:\n{}",
        failures.len(),
        failures.first().cloned().unwrap_or_default()
    );
}
