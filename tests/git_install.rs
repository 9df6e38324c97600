//! `mlmerge install` / `uninstall` against real repositories and a
//! temporary HOME: idempotence, the user's settings kept, dry runs,
//! `--global`, and a driver path that needs shell quoting.

mod git_support;

use git_support::{keras, stdout, text, Sandbox, MLMERGE};

fn config(sb: &Sandbox, args: &[&str]) -> String {
    stdout(&sb.git_status(&[&["config"], args].concat()))
}

#[test]
fn install_sets_driver_attributes_and_mergetool_and_is_idempotent() {
    let sb = Sandbox::new();
    sb.install();
    let exe = std::path::Path::new(MLMERGE).canonicalize().unwrap();
    assert_eq!(
        config(&sb, &["--local", "merge.mlmerge.driver"]).trim(),
        format!(
            "{} merge %O %A %B -s %S -x %X -y %Y -p %P -l %L",
            exe.display()
        )
    );
    assert!(config(&sb, &["--local", "mergetool.mlmerge.cmd"])
        .contains("mergetool \"$BASE\" \"$LOCAL\" \"$REMOTE\" \"$MERGED\""));
    assert_eq!(
        config(
            &sb,
            &["--local", "--bool", "mergetool.mlmerge.trustExitCode"]
        )
        .trim(),
        "true"
    );
    let attributes = sb.read(".gitattributes");
    assert!(
        attributes.contains("\n*.py merge=mlmerge\n*.ipynb merge=mlmerge\n"),
        "{attributes}"
    );
    assert_eq!(
        stdout(&sb.git(&["check-attr", "merge", "model.py"])).trim(),
        "model.py: merge: mlmerge"
    );

    let config_before = std::fs::read(sb.repo.join(".git/config")).unwrap();
    let again = sb.mlmerge(&["install"]);
    assert!(again.status.success());
    assert!(
        stdout(&again).contains("already installed"),
        "{}",
        text(&again)
    );
    assert_eq!(
        std::fs::read(sb.repo.join(".git/config")).unwrap(),
        config_before
    );
    assert_eq!(sb.read(".gitattributes"), attributes);
}

#[test]
fn user_settings_are_kept_and_uninstall_removes_only_ours() {
    let sb = Sandbox::new();
    let user_attributes = "# my notebooks go through nbdime\n*.ipynb merge=nbdime\n*.png binary\n";
    sb.write(".gitattributes", user_attributes);
    sb.git(&[
        "config",
        "merge.nbdime.driver",
        "git-nbmergedriver merge %O %A %B %L %P",
    ]);
    sb.git(&["config", "merge.conflictStyle", "diff3"]);
    let config_before = config(&sb, &["--local", "--list"]);

    let out = sb.mlmerge(&["install", "--local"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout(&out).contains("*.ipynb merge=nbdime"),
        "says what it found:\n{}",
        text(&out)
    );
    let attributes = sb.read(".gitattributes");
    assert!(attributes.starts_with(user_attributes));
    assert!(attributes.contains("*.py merge=mlmerge"));
    assert!(
        !attributes.contains("*.ipynb merge=mlmerge"),
        "another driver's pattern is not overridden"
    );
    assert_eq!(
        config(&sb, &["merge.nbdime.driver"]).trim(),
        "git-nbmergedriver merge %O %A %B %L %P"
    );

    let out = sb.mlmerge(&["uninstall"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.read(".gitattributes"), user_attributes);
    assert_eq!(config(&sb, &["--local", "--list"]), config_before);
    let again = sb.mlmerge(&["uninstall"]);
    assert!(stdout(&again).contains("not installed"), "{}", text(&again));
}

#[test]
fn a_hand_edited_driver_line_is_not_clobbered() {
    let sb = Sandbox::new();
    sb.git(&["config", "merge.mlmerge.driver", "my-wrapper %O %A %B"]);
    let out = sb.mlmerge(&["install"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("found: merge.mlmerge.driver is `my-wrapper %O %A %B`"),
        "{}",
        text(&out)
    );
    assert_eq!(
        config(&sb, &["merge.mlmerge.driver"]).trim(),
        "my-wrapper %O %A %B"
    );
    sb.mlmerge(&["uninstall"]);
    assert_eq!(
        config(&sb, &["merge.mlmerge.driver"]).trim(),
        "my-wrapper %O %A %B"
    );
}

#[test]
fn dry_run_prints_the_changes_and_makes_none() {
    let sb = Sandbox::new();
    let config_before = std::fs::read(sb.repo.join(".git/config")).unwrap();
    let out = sb.mlmerge(&["install", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let printed = stdout(&out);
    for expected in [
        "Would change",
        "+ merge.mlmerge.driver = ",
        "+ mergetool.mlmerge.trustExitCode = true",
        "+ *.py merge=mlmerge",
        "+ *.ipynb merge=mlmerge",
    ] {
        assert!(
            printed.contains(expected),
            "missing `{expected}` in:\n{printed}"
        );
    }
    assert_eq!(
        std::fs::read(sb.repo.join(".git/config")).unwrap(),
        config_before
    );
    assert!(!sb.repo.join(".gitattributes").exists());

    sb.install();
    let out = sb.mlmerge(&["uninstall", "--dry-run"]);
    assert!(
        stdout(&out).contains("- *.py merge=mlmerge"),
        "{}",
        text(&out)
    );
    assert!(sb.read(".gitattributes").contains("*.py merge=mlmerge"));
}

#[test]
fn global_install_outside_a_repository_uses_home() {
    let sb = Sandbox::new();
    let outside = sb.root.join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(sb.home.join(".gitconfig"), "[user]\n\tname = Someone\n").unwrap();

    let out = sb.mlmerge_in(&outside, &["install", "--global"]);
    assert!(out.status.success(), "{}", text(&out));
    let gitconfig = std::fs::read_to_string(sb.home.join(".gitconfig")).unwrap();
    assert!(gitconfig.contains("name = Someone"));
    assert!(
        gitconfig.contains("merge %O %A %B -s %S -x %X -y %Y -p %P -l %L"),
        "{gitconfig}"
    );
    let attributes = std::fs::read_to_string(sb.home.join(".config/git/attributes")).unwrap();
    assert!(attributes.contains("*.py merge=mlmerge"));
    // git itself now routes Python files of any repository to mlmerge.
    assert_eq!(
        stdout(&sb.git(&["check-attr", "merge", "x.py"])).trim(),
        "x.py: merge: mlmerge"
    );

    let out = sb.mlmerge_in(&outside, &["uninstall", "--global"]);
    assert!(out.status.success(), "{}", text(&out));
    let gitconfig = std::fs::read_to_string(sb.home.join(".gitconfig")).unwrap();
    assert!(!gitconfig.contains("mlmerge merge"), "{gitconfig}");
    assert!(gitconfig.contains("name = Someone"));
    assert!(
        !sb.home.join(".config/git/attributes").exists(),
        "the file install created is gone"
    );
}

#[test]
fn global_install_writes_the_configured_attributes_file() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.home.join(".gitconfig"),
        "[core]\n\tattributesFile = ~/my-attributes\n",
    )
    .unwrap();
    std::fs::write(sb.home.join("my-attributes"), "*.csv -diff\n").unwrap();
    let out = sb.mlmerge_in(&sb.home, &["install", "--global"]);
    assert!(out.status.success(), "{}", text(&out));
    let attributes = std::fs::read_to_string(sb.home.join("my-attributes")).unwrap();
    assert!(
        attributes.starts_with("*.csv -diff\n") && attributes.contains("*.ipynb merge=mlmerge"),
        "{attributes}"
    );
    assert!(!sb.home.join(".config/git/attributes").exists());
}

#[test]
fn local_install_outside_a_repository_is_a_clear_error() {
    let sb = Sandbox::new();
    let outside = sb.root.join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    let out = sb.mlmerge_in(&outside, &["install", "--local"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not inside a git repository") && err.contains("--global"),
        "{err}"
    );
}

/// git runs the driver line through the shell: a program path with
/// spaces, a quote and a `%` (which git itself expands) must survive it.
#[test]
fn driver_at_a_path_with_spaces_and_quotes_runs() {
    let sb = Sandbox::new();
    let dir = sb.root.join("my tools/it's $HOME 100%O here");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("mlmerge");
    std::fs::copy(MLMERGE, &exe).unwrap();
    // A test thread forking while the copy was open for writing can make
    // the first exec fail with ETXTBSY ("text file busy"); that passes.
    let run = || {
        sb.isolate(
            std::process::Command::new(&exe)
                .arg("install")
                .current_dir(&sb.repo),
        )
        .output()
    };
    let out = (0..50)
        .map(|_| run())
        .find(|r| {
            let busy = matches!(r, Err(e) if e.raw_os_error() == Some(26));
            if busy {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            !busy
        })
        .expect("the copied program runs")
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    sb.branches("model.py", keras::BASE, keras::DROPOUT, keras::BATCHNORM);
    sb.git(&["merge", "-q", "--no-edit", "theirs"]);
    assert_eq!(
        sb.read("model.py"),
        keras::MERGED,
        "needs the structured Python merge"
    );
}
