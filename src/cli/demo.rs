//! `mlmerge demo`: a Keras classifier and its notebook changed on two
//! branches, merged by the real `git merge` with mlmerge installed, then
//! the merged model, `mlmerge report`, and what plain git would have done.
//! The inputs are embedded, so the demo runs from any directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Args;

use super::{CliError, Status};

#[derive(Args)]
pub struct DemoArgs {
    /// Keep the demo repository and print its path.
    #[arg(long)]
    keep: bool,
}

/// One file's three versions: base, the `dropout` branch, the `batchnorm` branch.
struct DemoFile {
    name: &'static str,
    base: &'static str,
    dropout: &'static str,
    batchnorm: &'static str,
}

const FILES: [DemoFile; 2] = [
    DemoFile {
        name: "model.py",
        base: include_str!("../../fixtures/demo/model/base.py"),
        dropout: include_str!("../../fixtures/demo/model/ours.py"),
        batchnorm: include_str!("../../fixtures/demo/model/theirs.py"),
    },
    DemoFile {
        name: "train.ipynb",
        base: include_str!("../../fixtures/demo/notebook/base.ipynb"),
        dropout: include_str!("../../fixtures/demo/notebook/ours.ipynb"),
        batchnorm: include_str!("../../fixtures/demo/notebook/theirs.ipynb"),
    },
];

pub fn run(args: DemoArgs) -> Result<Status, CliError> {
    let temp = tempfile::Builder::new()
        .prefix("mlmerge-demo-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let result = run_in(temp.path());
    if args.keep {
        let dir = temp.keep();
        println!(
            "\nThe demo repository is kept at {}",
            dir.join("repo").display()
        );
    }
    result
}

fn run_in(dir: &Path) -> Result<Status, CliError> {
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo)?;
    let git = Git {
        dir: dir.to_path_buf(),
        repo: repo.clone(),
    };
    println!("mlmerge demo: a Keras classifier (model.py) and its notebook (train.ipynb),");
    println!(
        "changed on two branches, merged by the real `git merge` in {}\n",
        repo.display()
    );
    git.run(&["init", "-q", "-b", "main"])?;
    commit(
        &git,
        |f| f.base,
        "A digit classifier and its training notebook",
    )?;
    git.run(&["checkout", "-q", "-b", "dropout"])?;
    commit(
        &git,
        |f| f.dropout,
        "Regularise with Dropout; Adam with an explicit learning rate; a fit cell",
    )?;
    git.run(&["checkout", "-q", "-b", "batchnorm", "main"])?;
    commit(
        &git,
        |f| f.batchnorm,
        "Normalise with BatchNormalization; label smoothing; an evaluate cell",
    )?;
    git.run(&["checkout", "-q", "dropout"])?;
    section("What each branch changed (git diff main <branch> -- model.py)");
    for branch in ["dropout", "batchnorm"] {
        print_indented(
            &git.output(&["diff", "--no-color", "main", branch, "--", "model.py"])?
                .stdout,
        );
    }
    section("$ mlmerge install --local");
    let exe = std::env::current_exe()?;
    print_indented(
        &git.output_of(Command::new(&exe).arg("install").arg("--local"))?
            .stdout,
    );
    section("$ git merge batchnorm   (on branch dropout)");
    let merge = git.output(&["merge", "--no-edit", "batchnorm"])?;
    print_indented(&merge.stdout);
    print_indented(&merge.stderr);
    section("model.py after the merge");
    print_indented(&std::fs::read(repo.join("model.py"))?);
    section("$ mlmerge report");
    let report = git.output_of(Command::new(&exe).arg("report"))?;
    print_indented(&report.stdout);
    section("What plain git would have done (git merge-file on model.py and train.ipynb)");
    for file in &FILES {
        plain_git(&git, file)?;
    }
    Ok(if merge.status.success() {
        Status::Clean
    } else {
        Status::Conflicts
    })
}

fn commit(
    git: &Git,
    version: impl Fn(&DemoFile) -> &'static str,
    message: &str,
) -> Result<(), CliError> {
    for file in &FILES {
        std::fs::write(git.repo.join(file.name), version(file))?;
    }
    git.run(&["add", "."])?;
    git.run(&["commit", "-q", "-m", message])
}

/// Merges the three versions with `git merge-file`, no driver involved.
fn plain_git(git: &Git, file: &DemoFile) -> Result<(), CliError> {
    let plain = git.dir.join("plain");
    std::fs::create_dir_all(&plain)?;
    let paths: Vec<PathBuf> = ["dropout", "main", "batchnorm"]
        .iter()
        .map(|n| plain.join(n))
        .collect();
    for (path, text) in paths.iter().zip([file.dropout, file.base, file.batchnorm]) {
        std::fs::write(path, text)?;
    }
    let mut cmd = Command::new("git");
    cmd.args([
        "merge-file",
        "-p",
        "-L",
        "dropout",
        "-L",
        "main",
        "-L",
        "batchnorm",
    ])
    .args(&paths);
    let out = git.output_of(&mut cmd)?;
    let conflicts = out.status.code().unwrap_or(-1);
    println!(
        "  {}: {conflicts} conflict{}",
        file.name,
        if conflicts == 1 { "" } else { "s" }
    );
    if file.name.ends_with(".py") {
        print_indented(&out.stdout);
    } else if conflicts > 0 {
        println!("    (the markers sit inside the JSON: the notebook no longer opens in Jupyter)");
    }
    Ok(())
}

/// Runs git in the demo repository, isolated from the user's configuration.
struct Git {
    dir: PathBuf,
    repo: PathBuf,
}

impl Git {
    fn isolate<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_CONFIG",
            "GIT_CONFIG_GLOBAL",
        ] {
            cmd.env_remove(var);
        }
        cmd.current_dir(&self.repo)
            .env("HOME", &self.dir)
            .env("XDG_CONFIG_HOME", self.dir.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "mlmerge demo")
            .env("GIT_AUTHOR_EMAIL", "demo@mlmerge.invalid")
            .env("GIT_COMMITTER_NAME", "mlmerge demo")
            .env("GIT_COMMITTER_EMAIL", "demo@mlmerge.invalid")
            .env("GIT_AUTHOR_DATE", "2024-01-01T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2024-01-01T12:00:00Z")
            .env("NO_COLOR", "1")
    }

    fn output_of(&self, cmd: &mut Command) -> Result<Output, CliError> {
        let program = cmd.get_program().to_string_lossy().into_owned();
        self.isolate(cmd)
            .output()
            .map_err(|e| format!("cannot run `{program}` (the demo needs git on PATH): {e}").into())
    }

    fn output(&self, args: &[&str]) -> Result<Output, CliError> {
        self.output_of(Command::new("git").args(args))
    }

    fn run(&self, args: &[&str]) -> Result<(), CliError> {
        let out = self.output(args)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )
            .into())
        }
    }
}

fn section(title: &str) {
    println!("\n== {title}\n");
}

fn print_indented(bytes: &[u8]) {
    for line in String::from_utf8_lossy(bytes).lines() {
        println!("    {line}");
    }
}
