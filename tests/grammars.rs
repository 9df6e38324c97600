//! The query files in grammars/ are data: each must compile against
//! tree-sitter-python (which rejects unknown node kinds and fields), and
//! the binary must embed exactly the files on disk.

use std::path::Path;

use mlmerge::parse::python::{CALL_QUERY, CONTAINER_QUERY, STATEMENT_QUERY};

#[test]
fn every_query_file_compiles_against_the_python_grammar() {
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/python");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("grammars/python exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "scm") {
            let source = std::fs::read_to_string(&path).expect("readable query");
            if let Err(err) = tree_sitter::Query::new(&language, &source) {
                panic!("{} does not compile: {err}", path.display());
            }
            seen += 1;
        }
    }
    assert_eq!(
        seen, 3,
        "expected containers.scm, statements.scm and calls.scm"
    );
}

#[test]
fn the_binary_embeds_the_query_files_on_disk() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/python");
    for (file, embedded) in [
        ("containers.scm", CONTAINER_QUERY),
        ("statements.scm", STATEMENT_QUERY),
        ("calls.scm", CALL_QUERY),
    ] {
        let on_disk = std::fs::read_to_string(dir.join(file)).expect("query file");
        assert_eq!(on_disk, embedded, "{file} differs from the embedded copy");
    }
}

#[test]
fn a_misspelt_node_kind_is_rejected() {
    // Guards the test above: tree-sitter must refuse kinds it does not know.
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    assert!(tree_sitter::Query::new(&language, "(cal function: (_)) @x").is_err());
}
