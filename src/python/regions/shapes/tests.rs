//! Each matcher of `shapes` against its query file: the same matches
//! (statement, layer, key) on every fixture version and on edge cases of
//! the patterns (annotated and chained assignments, other targets,
//! attributes of other objects, calls of calls).

use tree_sitter::{Parser, QueryCursor, StreamingIterator, Tree};

use super::*;
use crate::python::parse::queries::{compiled, STATEMENT_QUERIES};

type Found = Vec<(
    std::ops::Range<usize>,
    std::ops::Range<usize>,
    Option<String>,
)>;

fn tree(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    parser.parse(text, None).unwrap()
}

fn by_query(shape: StatementShape, text: &str, tree: &Tree) -> Found {
    let (_, file) = STATEMENT_QUERIES.iter().find(|(s, _)| *s == shape).unwrap();
    let query = compiled(file);
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    let mut found = Found::new();
    while let Some(m) = matches.next() {
        let (mut statement, mut layer, mut key) = (None, None, None);
        for c in m.captures {
            match names[c.index as usize] {
                "statement" => statement = Some(c.node.byte_range()),
                "layer" => layer = Some(c.node.byte_range()),
                "key" => key = Some(node_text(c.node, text).to_string()),
                _ => {}
            }
        }
        found.push((statement.unwrap(), layer.unwrap(), key));
    }
    found.sort_by_key(|f| (f.0.start, f.1.start));
    found
}

fn by_code(shape: StatementShape, text: &str, tree: &Tree) -> Found {
    let facts = TreeFacts::gather(tree, text);
    let mut found: Found = shape_matches(shape, text, &facts)
        .into_iter()
        .map(|m| (m.statement.byte_range(), m.layer.byte_range(), m.key))
        .collect();
    found.sort_by_key(|f| (f.0.start, f.1.start));
    found
}

/// Compares every shape on `text`; the number of matches the query found.
fn same_matches(text: &str, what: &str) -> usize {
    let tree = tree(text);
    let mut total = 0;
    for (shape, _) in STATEMENT_QUERIES
        .iter()
        .filter(|(s, _)| matched_in_code(*s))
    {
        let expected = by_query(*shape, text, &tree);
        assert_eq!(
            by_code(*shape, text, &tree),
            expected,
            "{shape:?} on {what}"
        );
        total += expected.len();
    }
    total
}

#[test]
fn the_matchers_find_what_their_queries_find_on_edge_cases() {
    let src = "\
class Net(nn.Module):
    def __init__(self):
        self.fc1 = nn.Linear(1, 2)
        self.fc2: nn.Module = nn.Linear(2, 3)
        self.a = self.b = nn.ReLU()
        self.fc1.weight = init(1)
        other.fc = nn.Linear(1, 2)
        self.x, self.y = f(), g()
        self[0] = f()
        self.drop = (nn.Dropout(0.1))
        self.fc3 = nn.Linear(3, 4)  # trailing
        self.act = Act()(1); self.norm = Norm()
    def forward(self, x):
        x = self.fc1(x)
        x: int = self.fc2(x)
        x = y = self.fc2(x)
        x = self.fc2.inner(x)
        x = other.fc(x)
        x = self.fc2(x)(y)
        x.y = self.fc(x)
        print = self.fc(x)
        x = self(x)
        x = getattr(self, 'fc')(x)
x = layers.Dense(4)(x)
x = layers.Dense(4)(x)(y)
x: T = Dense(4)(x)
a = b = Dense(4)(x)
x[0] = Dense(4)(x)
x = Dense(4) (x)
x = (Dense(4))(x)
y = f(g)(h) if c else d
x = Dense(4)(x), 1
Dense(4)(x)
";
    assert!(same_matches(src, "edge cases") >= 8);
}

#[test]
fn the_matchers_find_what_their_queries_find_on_every_fixture() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python");
    let mut files = 0;
    let mut matches = 0;
    for case in std::fs::read_dir(&root).unwrap() {
        let case = case.unwrap().path();
        for version in ["base.py", "ours.py", "theirs.py", "expected.py"] {
            let path = case.join(version);
            if let Ok(text) = std::fs::read_to_string(&path) {
                matches += same_matches(&text, &path.display().to_string());
                files += 1;
            }
        }
    }
    assert!(
        files > 400 && matches > 100,
        "{files} files, {matches} matches"
    );
}
