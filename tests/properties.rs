//! Property tests of merge-rules §1 over generated Keras model files.
//!
//! A generated file holds a `keras.Sequential([...])` list (with a comment
//! inside it), a `head.add(...)` run and a `model.compile(...)` call. Each
//! side applies a few random edits to base: insert, delete, change a
//! layer's main argument, add a keyword argument, swap two neighbours,
//! edit the compile call. Values inserted or changed by a side come from
//! ranges base never uses, so "this side's change is in the result" is a
//! plain substring check.
//!
//! Checked through the library (`mlmerge::pipeline::merge`): trivial merges
//! are exact (invariant 2); a clean merge keeps every change of both sides
//! (1); swapping the sides gives the same outcome and, when clean, the same
//! lines up to order (3); untouched lines and CRLF line endings survive (4);
//! a clean result parses with tree-sitter-python (6).

use mlmerge::core::merge3::Merge3;
use mlmerge::{pipeline, MergeOptions, MergeOutcome};
use proptest::prelude::*;

const ACTIVATIONS: [&str; 3] = ["relu", "gelu", "tanh"];
const LOSSES: [&str; 4] = ["mse", "mae", "huber", "binary_crossentropy"];

/// Tags (the values that make a layer distinct) by origin: base layers,
/// layers a side inserts, and values a side changes to never overlap.
const BASE_TAGS: std::ops::Range<u16> = 1..500;
const INSERT_TAGS: std::ops::Range<u16> = 500..1000;
const CHANGE_TAGS: std::ops::Range<u16> = 1000..2000;

/// One layer expression, `layers.<ctor>(<main>, <rest>...)`.
#[derive(Clone, Debug, PartialEq)]
struct Layer {
    ctor: &'static str,
    main: String,
    rest: Vec<String>,
}

impl Layer {
    fn new(kind: u8, tag: u16) -> Self {
        let act = ACTIVATIONS[usize::from(tag) % ACTIVATIONS.len()];
        let (ctor, rest): (&'static str, Vec<String>) = match kind % 7 {
            0 => ("Dense", vec![format!("activation=\"{act}\"")]),
            1 => ("Conv2D", vec!["3".into(), "padding=\"same\"".into()]),
            2 => ("Dropout", vec![]),
            3 => ("BatchNormalization", vec![]),
            4 => ("LeakyReLU", vec![]),
            5 => ("MaxPooling2D", vec![]),
            _ => ("LayerNormalization", vec![]),
        };
        Layer {
            ctor,
            main: Self::main_for(ctor, tag),
            rest,
        }
    }

    /// The main argument of `ctor` carrying `tag`.
    fn main_for(ctor: &str, tag: u16) -> String {
        match ctor {
            "Dense" | "Conv2D" => tag.to_string(),
            "Dropout" => format!("0.{tag}"),
            "BatchNormalization" => format!("momentum=0.{tag}"),
            "LeakyReLU" => format!("negative_slope=0.{tag}"),
            "MaxPooling2D" => format!("pool_size={tag}"),
            _ => format!("epsilon={tag}e-6"),
        }
    }

    fn render(&self) -> String {
        let args: Vec<&str> = std::iter::once(self.main.as_str())
            .chain(self.rest.iter().map(String::as_str))
            .collect();
        format!("layers.{}({})", self.ctor, args.join(", "))
    }

    /// Text that stays in the result whatever the other side adds.
    fn main_token(&self) -> String {
        format!("{}({}", self.ctor, self.main)
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Compile {
    learning_rate: String,
    loss: String,
    extra: Vec<String>,
}

impl Compile {
    fn args(&self) -> Vec<String> {
        let mut args = vec![
            format!(
                "optimizer=keras.optimizers.Adam(learning_rate={})",
                self.learning_rate
            ),
            format!("loss=\"{}\"", self.loss),
        ];
        args.extend(self.extra.iter().cloned());
        args
    }
}

/// A whole model file.
#[derive(Clone, Debug, PartialEq)]
struct ModelFile {
    sequential: Vec<Layer>,
    head: Vec<Layer>,
    compile: Compile,
}

/// Lines no edit touches (merge-rules §1.4 must keep them).
const FIXED_LINES: [&str; 10] = [
    "# Model definition (generated for property tests)",
    "from tensorflow import keras",
    "from tensorflow.keras import layers",
    "",
    "model = keras.Sequential([",
    "    # stem",
    "])",
    "",
    "head = keras.Sequential()",
    "",
];

impl ModelFile {
    fn render(&self) -> String {
        let mut text = String::new();
        for line in &FIXED_LINES[..6] {
            text.push_str(line);
            text.push('\n');
        }
        for layer in &self.sequential {
            text.push_str(&format!("    {},\n", layer.render()));
        }
        text.push_str("])\n\nhead = keras.Sequential()\n");
        for layer in &self.head {
            text.push_str(&format!("head.add({})\n", layer.render()));
        }
        text.push('\n');
        text.push_str(&format!(
            "model.compile({})\n",
            self.compile.args().join(", ")
        ));
        text
    }

    fn list(&mut self, head: bool) -> &mut Vec<Layer> {
        if head {
            &mut self.head
        } else {
            &mut self.sequential
        }
    }

    fn apply(&mut self, edit: &Edit) {
        match *edit {
            Edit::Insert {
                head,
                at,
                kind,
                tag,
            } => {
                let list = self.list(head);
                let at = usize::from(at) % (list.len() + 1);
                list.insert(at, Layer::new(kind, tag));
            }
            Edit::Delete { head, at } => {
                let list = self.list(head);
                if !list.is_empty() {
                    let at = usize::from(at) % list.len();
                    list.remove(at);
                }
            }
            Edit::ChangeMain { head, at, tag } => {
                let list = self.list(head);
                if !list.is_empty() {
                    let at = usize::from(at) % list.len();
                    let layer = &mut list[at];
                    layer.main = Layer::main_for(layer.ctor, tag);
                }
            }
            Edit::AddKeyword { head, at, tag } => {
                let list = self.list(head);
                if !list.is_empty() {
                    let at = usize::from(at) % list.len();
                    let layer = &mut list[at];
                    // Not `name=`: that is part of a layer's identity.
                    if !layer.rest.iter().any(|a| a.starts_with("dtype=")) {
                        layer.rest.push(format!("dtype=\"float{tag}\""));
                    }
                }
            }
            Edit::Swap { head, at } => {
                let list = self.list(head);
                if list.len() >= 2 {
                    let at = usize::from(at) % (list.len() - 1);
                    list.swap(at, at + 1);
                }
            }
            Edit::Compile { what, tag } => match what % 3 {
                0 => self.compile.learning_rate = format!("0.000{tag}"),
                1 => self.compile.loss = LOSSES[usize::from(tag) % LOSSES.len()].to_string(),
                _ => {
                    let arg = match tag % 3 {
                        0 => format!("steps_per_execution={tag}"),
                        1 => "run_eagerly=True".to_string(),
                        _ => "jit_compile=False".to_string(),
                    };
                    let key = arg.split('=').next().unwrap_or_default().to_string();
                    if !self
                        .compile
                        .extra
                        .iter()
                        .any(|a| a.starts_with(&format!("{key}=")))
                    {
                        self.compile.extra.push(arg);
                    }
                }
            },
        }
    }

    /// Texts this version has that `base` does not: what a clean merge
    /// must keep (merge-rules §1.1).
    fn changes_since(&self, base: &ModelFile) -> Vec<String> {
        let base_tokens: Vec<String> = base
            .sequential
            .iter()
            .chain(&base.head)
            .flat_map(|l| std::iter::once(l.main_token()).chain(l.rest.iter().cloned()))
            .collect();
        let mut changes = Vec::new();
        for layer in self.sequential.iter().chain(&self.head) {
            for token in std::iter::once(layer.main_token()).chain(layer.rest.iter().cloned()) {
                if !base_tokens.contains(&token) && !changes.contains(&token) {
                    changes.push(token);
                }
            }
        }
        let base_args = base.compile.args();
        for arg in self.compile.args() {
            if !base_args.contains(&arg) {
                changes.push(arg);
            }
        }
        changes
    }
}

#[derive(Clone, Debug)]
enum Edit {
    Insert {
        head: bool,
        at: u16,
        kind: u8,
        tag: u16,
    },
    Delete {
        head: bool,
        at: u16,
    },
    ChangeMain {
        head: bool,
        at: u16,
        tag: u16,
    },
    AddKeyword {
        head: bool,
        at: u16,
        tag: u16,
    },
    Swap {
        head: bool,
        at: u16,
    },
    Compile {
        what: u8,
        tag: u16,
    },
}

fn layer_strategy() -> impl Strategy<Value = Layer> {
    (any::<u8>(), BASE_TAGS).prop_map(|(kind, tag)| Layer::new(kind, tag))
}

fn model_strategy() -> impl Strategy<Value = ModelFile> {
    (
        prop::collection::vec(layer_strategy(), 1..7),
        prop::collection::vec(layer_strategy(), 0..4),
        BASE_TAGS,
        0..LOSSES.len(),
    )
        .prop_map(|(sequential, head, lr, loss)| ModelFile {
            sequential,
            head,
            compile: Compile {
                learning_rate: format!("0.00{lr}"),
                loss: LOSSES[loss].to_string(),
                extra: vec!["metrics=[\"accuracy\"]".to_string()],
            },
        })
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    // The Sequential list is edited three times as often as the add run.
    let head = prop::bool::weighted(0.25);
    prop_oneof![
        (head, any::<u16>(), any::<u8>(), INSERT_TAGS).prop_map(|(head, at, kind, tag)| {
            Edit::Insert {
                head,
                at,
                kind,
                tag,
            }
        }),
        (head, any::<u16>()).prop_map(|(head, at)| Edit::Delete { head, at }),
        (head, any::<u16>(), CHANGE_TAGS).prop_map(|(head, at, tag)| Edit::ChangeMain {
            head,
            at,
            tag
        }),
        (head, any::<u16>(), CHANGE_TAGS).prop_map(|(head, at, tag)| Edit::AddKeyword {
            head,
            at,
            tag
        }),
        (head, any::<u16>()).prop_map(|(head, at)| Edit::Swap { head, at }),
        (any::<u8>(), CHANGE_TAGS).prop_map(|(what, tag)| Edit::Compile { what, tag }),
    ]
}

/// A generated merge: base, ours, theirs, and whether the files are CRLF.
#[derive(Clone, Debug)]
struct Case {
    base: ModelFile,
    ours: ModelFile,
    theirs: ModelFile,
    crlf: bool,
}

impl Case {
    fn bytes(&self, file: &ModelFile) -> Vec<u8> {
        let text = file.render();
        if self.crlf {
            text.replace('\n', "\r\n").into_bytes()
        } else {
            text.into_bytes()
        }
    }

    fn inputs(&self) -> Merge3<Vec<u8>> {
        Merge3::new(
            self.bytes(&self.base),
            self.bytes(&self.ours),
            self.bytes(&self.theirs),
        )
    }
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        model_strategy(),
        prop::collection::vec(edit_strategy(), 0..4),
        prop::collection::vec(edit_strategy(), 0..4),
        prop::bool::weighted(0.25),
    )
        .prop_map(|(base, ours_edits, theirs_edits, crlf)| {
            let mut ours = base.clone();
            ours_edits.iter().for_each(|e| ours.apply(e));
            let mut theirs = base.clone();
            theirs_edits.iter().for_each(|e| theirs.apply(e));
            Case {
                base,
                ours,
                theirs,
                crlf,
            }
        })
}

fn merge(base: &[u8], ours: &[u8], theirs: &[u8]) -> MergeOutcome {
    let options = MergeOptions {
        path: Some("model.py".into()),
        ..MergeOptions::default()
    };
    pipeline::merge(Merge3::new(base, ours, theirs), &options)
}

/// Whether tree-sitter-python parses `bytes` without ERROR or MISSING nodes.
fn parses(bytes: &[u8]) -> bool {
    let mut parser = tree_sitter::Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return false;
    }
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    parser
        .parse(text, None)
        .is_some_and(|tree| !tree.root_node().has_error())
}

/// Lines compared up to the order of lines and of arguments within a line
/// (each line as its sorted tokens): the freedom merge-rules §1.3 leaves
/// between the sides (same-gap insertions, keyword arguments ours first).
fn normalized_lines(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<Vec<String>> = text
        .lines()
        .map(|line| {
            let mut tokens: Vec<String> = line
                .split([',', '(', ')', '[', ']', ' ', '\r'])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            tokens.sort_unstable();
            tokens
        })
        .collect();
    lines.sort_unstable();
    lines
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The three inputs, for failure messages.
fn show_inputs(inputs: &Merge3<Vec<u8>>) -> String {
    format!(
        "--- base\n{}--- ours\n{}--- theirs\n{}",
        show(&inputs.base),
        show(&inputs.ours),
        show(&inputs.theirs)
    )
}

/// 96 cases per property keeps the suite fast; `PROPTEST_CASES=5000`
/// searches harder.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// merge-rules §1.2: merge(b,a,b) = merge(b,b,a) = merge(b,a,a) = a.
    #[test]
    fn trivial_merges_are_exact(case in case_strategy()) {
        let Merge3 { base, ours: a, .. } = case.inputs();
        for (name, outcome) in [
            ("merge(b, a, b)", merge(&base, &a, &base)),
            ("merge(b, b, a)", merge(&base, &base, &a)),
            ("merge(b, a, a)", merge(&base, &a, &a)),
        ] {
            prop_assert!(outcome.is_clean(), "{name} conflicts");
            prop_assert!(outcome.bytes == a, "{name} is not a:\n{}\nwant:\n{}", show(&outcome.bytes), show(&a));
        }
    }

    /// merge-rules §1.1: a clean result holds every change of both sides.
    #[test]
    fn clean_merges_lose_nothing(case in case_strategy()) {
        let inputs = case.inputs();
        let outcome = merge(&inputs.base, &inputs.ours, &inputs.theirs);
        if outcome.is_clean() {
            let result = show(&outcome.bytes);
            for (side, file) in [("ours", &case.ours), ("theirs", &case.theirs)] {
                for change in file.changes_since(&case.base) {
                    prop_assert!(
                        result.contains(&change),
                        "{side}'s `{change}` is missing from the clean result:\n{result}\n{}",
                        show_inputs(&inputs)
                    );
                }
            }
        }
    }

    /// merge-rules §1.3: swapping the sides changes neither the outcome nor,
    /// up to ordering, the clean result.
    #[test]
    fn merges_are_symmetric(case in case_strategy()) {
        let inputs = case.inputs();
        let forward = merge(&inputs.base, &inputs.ours, &inputs.theirs);
        let backward = merge(&inputs.base, &inputs.theirs, &inputs.ours);
        prop_assert_eq!(
            forward.is_clean(), backward.is_clean(),
            "outcome depends on the side:\nours-first:\n{}\ntheirs-first:\n{}\n{}",
            show(&forward.bytes), show(&backward.bytes), show_inputs(&inputs)
        );
        if forward.is_clean() {
            prop_assert!(
                normalized_lines(&forward.bytes) == normalized_lines(&backward.bytes),
                "clean results differ beyond ordering:\nours-first:\n{}\ntheirs-first:\n{}\n{}",
                show(&forward.bytes), show(&backward.bytes), show_inputs(&inputs)
            );
        }
    }

    /// merge-rules §1.4: untouched lines stay, in order, byte for byte, and
    /// a CRLF file stays CRLF.
    #[test]
    fn untouched_text_is_kept(case in case_strategy()) {
        let inputs = case.inputs();
        let outcome = merge(&inputs.base, &inputs.ours, &inputs.theirs);
        let eol = if case.crlf { "\r\n" } else { "\n" };
        let result = show(&outcome.bytes);
        let mut rest = result.as_str();
        for line in FIXED_LINES {
            let wanted = format!("{line}{eol}");
            let found = if rest.starts_with(&wanted) {
                Some(0)
            } else {
                rest.find(&format!("{eol}{wanted}")).map(|i| i + eol.len())
            };
            prop_assert!(found.is_some(), "untouched line {line:?} lost or reordered:\n{result}\n{}", show_inputs(&inputs));
            rest = &rest[found.unwrap_or_default() + wanted.len()..];
        }
        if case.crlf && outcome.is_clean() {
            let bare_lf = outcome.bytes.iter().enumerate().any(|(i, &b)| b == b'\n' && (i == 0 || outcome.bytes[i - 1] != b'\r'));
            prop_assert!(!bare_lf, "a CRLF merge wrote a bare LF:\n{result:?}");
        }
    }

    /// merge-rules §1.6: a clean merge of parsing inputs parses.
    #[test]
    fn clean_results_parse(case in case_strategy()) {
        let inputs = case.inputs();
        for version in [&inputs.base, &inputs.ours, &inputs.theirs] {
            prop_assert!(parses(version), "generator wrote unparsable input:\n{}", show(version));
        }
        let outcome = merge(&inputs.base, &inputs.ours, &inputs.theirs);
        if outcome.is_clean() {
            prop_assert!(parses(&outcome.bytes), "clean result does not parse:\n{}\n{}", show(&outcome.bytes), show_inputs(&inputs));
        }
    }
}

/// The generator is worth its name: the properties above see clean
/// structured merges, conflicts, and line merges, not one kind only.
#[test]
fn generated_cases_cover_clean_and_conflicting_merges() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut clean, mut conflicted, mut structured) = (0, 0, 0);
    for _ in 0..200 {
        let case = case_strategy()
            .new_tree(&mut runner)
            .expect("generate")
            .current();
        let inputs = case.inputs();
        let outcome = merge(&inputs.base, &inputs.ours, &inputs.theirs);
        if outcome.is_clean() {
            clean += 1;
        } else {
            conflicted += 1;
        }
        if outcome.method == mlmerge::Method::Structured {
            structured += 1;
        }
    }
    assert!(
        clean >= 20,
        "only {clean} of 200 generated merges are clean"
    );
    assert!(
        conflicted >= 10,
        "only {conflicted} of 200 generated merges conflict"
    );
    assert!(
        structured >= 10,
        "only {structured} of 200 generated merges went through the structured merge"
    );
}
