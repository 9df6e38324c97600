//! The check at line level, for text a line merge settled: a clean
//! result checked statement by statement (with a cheap filter first and a finder of
//! doubled lines), and a conflicted one whose marker regions count as
//! conflicts. Texts over [`MAX_LINE_CHECK_BYTES`] are not checked.

use std::collections::HashMap;

use super::{check_with, check_with_inside, BothEdited, Element, Options, ResultElement, Verdict};

mod statements;

/// Checks a clean line-merge `result` of three Python texts statement by
/// statement (see [`statements`]: a statement's physical lines are one
/// element, layout is not content, blank lines are not read), moves
/// detected when `moves` is set (a statement a side deleted one copy of
/// at one place and wrote one copy of at another, not as one statement
/// of a block it rewrote; never one with nothing of its own, such as
/// `else:`). A
/// statement both sides edited differently is checked field by field:
/// the result's statement under its head must hold both edits.
pub fn check_lines(base: &str, ours: &str, theirs: &str, result: &str, moves: bool) -> Verdict {
    let result: Vec<ResultElement> = statements::statements(result)
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    check_with_inside(
        &statements::statements(base),
        &statements::statements(ours),
        &statements::statements(theirs),
        &result,
        Options {
            moves,
            unique_moves: true,
            fixed: statements::has_nothing_of_its_own,
            ..Options::default()
        },
        &both_edits_merged,
    )
}

/// How many levels of fields a statement both sides edited is read to;
/// deeper, the result is not taken as merged (bounded work on hostile
/// nesting).
const MAX_FIELD_DEPTH: usize = 16;

/// Whether the result's statement holds both sides' edits of one base
/// statement, field by field (a field found once in each version may
/// move: a layer one side moved in a list the other side edited); a
/// field both sides edited differently, one level down.
fn both_edits_merged(both: BothEdited<'_>) -> bool {
    fields_merged(both, 0)
}

fn fields_merged(both: BothEdited<'_>, depth: usize) -> bool {
    if depth >= MAX_FIELD_DEPTH {
        return false;
    }
    let result: Vec<ResultElement> = statements::fields(&both.result.content)
        .into_iter()
        .map(ResultElement::clean)
        .collect();
    check_with_inside(
        &statements::fields(&both.base.content),
        &statements::fields(&both.ours.content),
        &statements::fields(&both.theirs.content),
        &result,
        Options {
            unique_moves: true,
            ..Options::default()
        },
        &|inner| fields_merged(inner, depth + 1),
    )
    .is_ok()
}

/// Texts over this size are not checked line by line (the line merge's
/// result stands there, as for any file too large to merge structurally).
pub const MAX_LINE_CHECK_BYTES: usize = 4 << 20;

/// Whether a line check of `texts` fits [`MAX_LINE_CHECK_BYTES`].
pub fn line_check_fits(texts: &[&str]) -> bool {
    texts.iter().all(|t| t.len() <= MAX_LINE_CHECK_BYTES)
}

/// Whether a clean line merge may have lost a deletion or doubled a line:
/// some non-blank line of a side is in `result` more often than in either
/// side, or
/// as often as in the base while a side removed one. A cheap filter before
/// [`check_lines`].
pub fn lines_suspect(base: &str, ours: &str, theirs: &str, result: &str) -> bool {
    if !line_check_fits(&[base, ours, theirs, result]) {
        return false;
    }
    let mut counts: HashMap<&str, [u32; 4]> = HashMap::new();
    for (k, text) in [base, ours, theirs, result].into_iter().enumerate() {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            counts.entry(line).or_default()[k] += 1;
        }
    }
    counts.values().any(|&[b, o, t, r]| {
        // A line in neither side is a merged line (a sub-line merge),
        // not a doubled one.
        (r > o.max(t) && o.max(t) > 0) || ((o < b || t < b) && r >= b && r > 0)
    })
}

/// The line check of a clean result: [`Verdict::Ok`] when
/// [`lines_suspect`] finds nothing to read, else [`check_lines`] with
/// moves.
pub fn check_clean_lines(base: &str, ours: &str, theirs: &str, result: &str) -> Verdict {
    if !lines_suspect(base, ours, theirs, result) {
        return Verdict::Ok;
    }
    check_lines(base, ours, theirs, result, true)
}

/// [`check_lines`] for a result that may hold git-style conflicts: lines
/// from a `<<<<<<<` marker (of `size` characters) to its `>>>>>>>` marker
/// lie inside a conflict.
pub fn check_conflicted_lines(
    base: &str,
    ours: &str,
    theirs: &str,
    result: &str,
    size: usize,
) -> Verdict {
    let lines = |t: &str| -> Vec<Element> { t.lines().map(Element::plain).collect() };
    // The marker format is core's (one scanner, beside the one writer);
    // what this check owns is the accounting of edits, not the format.
    let is_marker = |line: &str, c: u8| {
        crate::core::conflicts::marker_run(line.as_bytes(), c).is_some_and(|(run, _)| run == size)
    };
    let mut inside = false;
    let mut elements = Vec::new();
    for line in result.lines() {
        if is_marker(line, b'<') {
            inside = true;
        } else if is_marker(line, b'>') {
            inside = false;
        } else if inside && (is_marker(line, b'=') || is_marker(line, b'|')) {
        } else {
            elements.push(ResultElement {
                element: Element::plain(line),
                in_conflict: inside,
            });
        }
    }
    check_with(
        &lines(base),
        &lines(ours),
        &lines(theirs),
        &elements,
        Options::default(),
    )
}

#[cfg(test)]
mod tests {
    use super::check_lines;

    fn ok(base: &str, ours: &str, theirs: &str, result: &str) -> bool {
        check_lines(base, ours, theirs, result, true).is_ok()
    }

    const CALL: &str = "import numpy as np\n\n\ndef test(self):\n    self.assertAllClose(result, np.array([1.0, 2.0]))\n";
    const OURS_KW: &str = "import numpy as np\n\n\ndef test(self):\n    self.assertAllClose(result, np.array([1.0, 2.0]), **kwargs)\n";
    const THEIRS_WRAPPED: &str = "import numpy as np\n\n\ndef test(self):\n    self.assertAllClose(\n        result,\n        np.array([1.0, 2.0]),\n        tpu_atol=1e-2,\n    )\n";

    #[test]
    fn a_call_both_sides_extended_holds_both_arguments() {
        let merged = "import numpy as np\n\n\ndef test(self):\n    self.assertAllClose(result, np.array([1.0, 2.0]), **kwargs, tpu_atol=1e-2)\n";
        assert!(ok(CALL, OURS_KW, THEIRS_WRAPPED, merged));
        // Either side's argument missing is a loss.
        assert!(!ok(CALL, OURS_KW, THEIRS_WRAPPED, OURS_KW));
        let theirs_only = "import numpy as np\n\n\ndef test(self):\n    self.assertAllClose(result, np.array([1.0, 2.0]), tpu_atol=1e-2)\n";
        assert!(!ok(CALL, OURS_KW, THEIRS_WRAPPED, theirs_only));
        // Or written twice.
        let twice = "import numpy as np\n\n\ndef test(self):\n    self.assertAllClose(result, np.array([1.0, 2.0]), **kwargs, tpu_atol=1e-2, tpu_atol=1e-2)\n";
        assert!(!ok(CALL, OURS_KW, THEIRS_WRAPPED, twice));
    }

    #[test]
    fn a_rewrapped_statement_is_not_a_change() {
        let base = "def log(\n    *, data: dict, save_dir: str\n) -> None:\n    print(data)\n";
        let ours = "def log(*, data: dict, save_dir: str) -> None:\n    print(data)\n";
        let theirs =
            "def log(\n    *, data: dict, save_dir: str, step: int\n) -> None:\n    print(data)\n";
        let merged = "def log(*, data: dict, save_dir: str, step: int) -> None:\n    print(data)\n";
        assert!(ok(base, ours, theirs, merged));
        assert!(ok(base, ours, theirs, theirs));
        // Theirs' new parameter lost.
        assert!(!ok(base, ours, theirs, ours));
    }

    #[test]
    fn blank_lines_are_not_read_but_indentation_is() {
        let base = "x = 1\ny = 2\n";
        let ours = "x = 1\n\ny = 2\n";
        let theirs = "x = 1\ny = 2\n\n";
        assert!(ok(base, ours, theirs, "x = 1\ny = 2\n"));
        assert!(!ok(base, ours, theirs, "x = 1\n    y = 2\n"));
    }

    #[test]
    fn a_string_one_side_requoted_and_the_other_edited_is_a_clash() {
        let base = "p = Processor(version='0.23',\n              role=role)\n";
        let ours = "p = Processor(version='1.0',\n              role=role)\n";
        let theirs = "p = Processor(\n    version=\"0.23\",\n    role=role,\n)\n";
        assert!(!ok(
            base,
            ours,
            theirs,
            "p = Processor(version=\"1.0\",\n              role=role)\n"
        ));
        // Requoting a string the other side did not touch merges.
        let ours_role = "p = Processor(version='0.23',\n              role=admin)\n";
        assert!(ok(
            base,
            ours_role,
            theirs,
            "p = Processor(\n    version=\"0.23\",\n    role=admin,\n)\n"
        ));
    }

    #[test]
    fn a_layer_deleted_against_its_move_in_one_list_is_lost() {
        let base = "model = nn.Sequential(\n    nn.Linear(784, 256),\n    nn.ReLU(),\n    nn.Dropout(0.2),\n    nn.Linear(256, 10),\n)\n";
        let ours = "model = nn.Sequential(\n    nn.Linear(784, 256),\n    nn.Dropout(0.2),\n    nn.Linear(256, 10),\n)\n";
        let theirs = "model = nn.Sequential(\n    nn.Linear(784, 256),\n    nn.Dropout(0.2),\n    nn.ReLU(),\n    nn.Linear(256, 10),\n)\n";
        assert!(!ok(base, ours, theirs, ours));
        assert!(!ok(base, ours, theirs, theirs));
        // Layers both sides added to one list at different places merge.
        let ours_add = "model = nn.Sequential(\n    nn.Linear(784, 256),\n    nn.ReLU(),\n    nn.BatchNorm1d(256),\n    nn.Dropout(0.2),\n    nn.Linear(256, 10),\n)\n";
        let theirs_add = "model = nn.Sequential(\n    nn.Linear(784, 256),\n    nn.ReLU(),\n    nn.Dropout(0.2),\n    nn.Linear(256, 10),\n    nn.Softmax(dim=1),\n)\n";
        let both = "model = nn.Sequential(\n    nn.Linear(784, 256),\n    nn.ReLU(),\n    nn.BatchNorm1d(256),\n    nn.Dropout(0.2),\n    nn.Linear(256, 10),\n    nn.Softmax(dim=1),\n)\n";
        assert!(ok(base, ours_add, theirs_add, both));
        assert!(!ok(base, ours_add, theirs_add, ours_add));
    }

    #[test]
    fn a_repeated_line_deleted_with_its_function_is_not_a_move() {
        let b = "def b(z):\n    if z:\n        return 4\n    else:\n        return 5\n";
        let base =
            format!("def a(x):\n    if x:\n        return 1\n    else:\n        return 0\n\n\n{b}");
        let ours = b.to_string();
        let theirs =
            format!("{b}\n\ndef c(y):\n    if y:\n        return 2\n    else:\n        return 3\n");
        let (base, ours, theirs) = (base.as_str(), ours.as_str(), theirs.as_str());
        assert!(ok(base, ours, theirs, theirs));
        // A statement found once in each version still moves: moved by
        // theirs, deleted by ours, kept at its new place is a clash.
        let base = "import os\nimport sys\n\nx = os.getcwd()\n";
        let ours = "import os\n\nx = os.getcwd()\n";
        let theirs = "import os\n\nx = os.getcwd()\nimport sys\n";
        assert!(!ok(base, ours, theirs, theirs));
    }

    const PICK: &str =
        "def pick(gpu):\n    if gpu:\n        return cuda()\n    else:\n        return cpu()\n\n\n";
    const NET: &str = "class Net:\n    def forward(self, x):\n        return x\n";
    const STEP: &str = "\n\ndef step(loss):\n    if loss.requires_grad:\n        loss.backward()\n    else:\n        print(loss)\n";

    #[test]
    fn a_bare_clause_header_is_not_moved() {
        // Both sides deleted `pick`, theirs wrote `step` with an `else:`
        // of its own: not `pick`'s `else:` moved against ours' deletion.
        let base = format!("{PICK}{NET}");
        let theirs = format!("{NET}{STEP}");
        assert!(ok(&base, NET, &theirs, &theirs));
        // Theirs' new function lost, or its `else:` dropped, is still a loss.
        assert!(!ok(&base, NET, &theirs, NET));
        let no_else = theirs.replace("    else:\n", "");
        assert!(!ok(&base, NET, &theirs, &no_else));
        // So is `else:` written twice.
        let twice = theirs.replace("    else:\n", "    else:\n    else:\n");
        assert!(!ok(&base, NET, &theirs, &twice));
    }

    #[test]
    fn a_function_moved_against_its_deletion_still_clashes_without_its_else() {
        // Theirs moved `pick` below `Net`, ours deleted it: the statements
        // with names of their own are moved, and kept they undo ours'
        // deletion.
        let tail = "\n\ndef seed(n):\n    torch.manual_seed(n)\n    random.seed(n)\n";
        let base = format!("{PICK}{NET}{tail}");
        let ours = format!("{NET}{tail}");
        let theirs = format!("{NET}{tail}\n\n{}", PICK.trim_end());
        assert!(!ok(&base, &ours, &theirs, &theirs));
        assert!(!ok(&base, &ours, &theirs, &ours));
    }

    /// A `forward` repeating `x = self.relu(x)`, with `{}` for one
    /// statement in place of the second `relu`.
    fn forward(fc1: &str, relu2: &str, after_dropout: &str) -> String {
        format!(
            "class Net(nn.Module):\n    def forward(self, x):\n        x = self.{fc1}(x)\n        x = self.relu(x)\n        x = self.fc2(x)\n{relu2}        x = self.bn(x)\n        x = self.dropout(x)\n{after_dropout}        x = self.flatten(x)\n        return self.out(x)\n"
        )
    }

    const RELU: &str = "        x = self.relu(x)\n";

    #[test]
    fn a_repeated_statement_moved_against_its_deletion_clashes() {
        let base = forward("fc1", RELU, "");
        let ours = forward("fc1", "", "");
        let theirs = forward("fc1", "", RELU);
        // git's clean result: theirs' move kept, ours' deletion undone.
        assert!(!ok(&base, &ours, &theirs, &theirs));
        assert!(!ok(&base, &ours, &theirs, &ours));
    }

    #[test]
    fn a_repeated_statement_moved_beside_an_edit_is_applied_once() {
        let base = forward("fc1", RELU, "");
        let ours = forward("conv1", RELU, "");
        let theirs = forward("fc1", "", RELU);
        assert!(ok(&base, &ours, &theirs, &forward("conv1", "", RELU)));
        // The move undone, or the moved copy kept at both places.
        assert!(!ok(&base, &ours, &theirs, &ours));
        assert!(!ok(&base, &ours, &theirs, &forward("conv1", RELU, RELU)));
    }

    #[test]
    fn a_statement_of_a_block_both_sides_deleted_is_not_moved_to_a_new_block() {
        // Both sides deleted `act`; theirs wrote `head` above `forward`,
        // one of whose statements is `act`'s (once in the base, or
        // repeated in `forward`).
        let act =
            "\n    def act(self, x):\n        x = self.relu(x)\n        return self.pool(x)\n";
        let head = "    def head(self, x):\n        x = self.flatten(x)\n        x = self.relu(x)\n        return self.out(x)\n\n";
        for body in [
            "        return x\n",
            "        x = self.relu(x)\n        return x\n",
        ] {
            let class = "class Net(nn.Module):\n";
            let forward = format!("    def forward(self, x):\n{body}");
            let base = format!("{class}{forward}{act}");
            let ours = format!("{class}{forward}");
            let theirs = format!("{class}{head}{forward}");
            assert!(ok(&base, &ours, &theirs, &theirs), "{body:?}");
            assert!(!ok(&base, &ours, &theirs, &ours), "{body:?}");
        }
    }

    #[test]
    fn a_moved_statement_kept_at_both_places_is_doubled() {
        let base = "a = 1\nb = 2\nc = 3\n";
        let ours = "b = 2\nc = 3\na = 1\n";
        let theirs = "a = 1\nb = 2\nc = 4\n";
        assert!(ok(base, ours, theirs, "b = 2\nc = 4\na = 1\n"));
        assert!(!ok(base, ours, theirs, "a = 1\nb = 2\nc = 4\na = 1\n"));
    }
}
