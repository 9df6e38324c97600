//! The query files in grammars/ are data: each must compile against
//! tree-sitter-python (which rejects unknown node kinds and fields), and
//! the binary must embed exactly the files on disk, all of them.

use std::path::Path;

use mlmerge::python::parse::all_queries;

fn grammar_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/python")
}

#[test]
fn every_query_file_compiles_against_the_python_grammar() {
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let mut seen = 0;
    for entry in std::fs::read_dir(grammar_dir()).expect("grammars/python exists") {
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
        seen,
        all_queries().count(),
        "a query file on disk is not embedded"
    );
}

#[test]
fn the_binary_embeds_the_query_files_on_disk() {
    for file in all_queries() {
        let on_disk = std::fs::read_to_string(grammar_dir().join(file.name)).expect("query file");
        assert_eq!(
            on_disk, file.source,
            "{} differs from the embedded copy",
            file.name
        );
    }
}

#[test]
fn a_misspelt_node_kind_is_rejected() {
    // Guards the first test: tree-sitter must refuse kinds it does not know.
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    assert!(tree_sitter::Query::new(&language, "(cal function: (_)) @x").is_err());
}
