//! Shared by the `git_*` integration tests: a sandbox with its own HOME and
//! XDG config, a repository made by the real `git`, and the real `mlmerge`
//! binary. Every git call is isolated from the machine's configuration
//! (HOME, XDG_CONFIG_HOME, GIT_CONFIG_NOSYSTEM) and uses fixed dates, so
//! commit ids and outputs are reproducible.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const MLMERGE: &str = env!("CARGO_BIN_EXE_mlmerge");

pub struct Sandbox {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub repo: PathBuf,
}

impl Sandbox {
    /// A sandbox with an empty repository on branch `main`.
    pub fn new() -> Self {
        Self::named("repo")
    }

    /// Like [`Sandbox::new`], the repository in a directory called `name`.
    pub fn named(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        let home = root.join("home");
        let repo = root.join(name);
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&repo).unwrap();
        let sandbox = Sandbox {
            _dir: dir,
            root,
            home,
            repo,
        };
        sandbox.git(&["init", "-q", "-b", "main"]);
        sandbox
    }

    /// Applies the isolation every command in a test gets.
    pub fn isolate<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_CONFIG",
            "GIT_CONFIG_GLOBAL",
            "NO_COLOR",
            "EDITOR",
            "VISUAL",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", &self.root)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .env("GIT_AUTHOR_DATE", "2024-01-01T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2024-01-01T12:00:00Z")
            .env("GIT_EDITOR", "true")
            .env("GIT_MERGE_AUTOEDIT", "no")
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
    }

    /// Runs git in the repository; panics when it fails.
    pub fn git(&self, args: &[&str]) -> Output {
        let out = self.git_status(args);
        assert!(out.status.success(), "git {args:?} failed:\n{}", text(&out));
        out
    }

    /// Runs git in the repository, whatever it exits with.
    pub fn git_status(&self, args: &[&str]) -> Output {
        self.isolate(Command::new("git").args(args).current_dir(&self.repo))
            .output()
            .expect("git runs")
    }

    /// Runs the real mlmerge binary in the repository.
    pub fn mlmerge(&self, args: &[&str]) -> Output {
        self.mlmerge_in(&self.repo, args)
    }

    pub fn mlmerge_in(&self, dir: &Path, args: &[&str]) -> Output {
        self.isolate(Command::new(MLMERGE).args(args).current_dir(dir))
            .output()
            .expect("mlmerge runs")
    }

    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let full = self.repo.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(full, content).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.repo.join(path)).unwrap()
    }

    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// `mlmerge install --local`, checked.
    pub fn install(&self) {
        let out = self.mlmerge(&["install", "--local"]);
        assert!(out.status.success(), "install failed:\n{}", text(&out));
    }

    /// Base on `main`, `ours` on branch `ours`, `theirs` on branch
    /// `theirs`, for one file; ends on branch `ours`.
    pub fn branches(&self, path: &str, base: &str, ours: &str, theirs: &str) {
        self.write(path, base);
        self.commit_all("base");
        self.git(&["checkout", "-q", "-b", "ours"]);
        self.write(path, ours);
        self.commit_all("ours");
        self.git(&["checkout", "-q", "-b", "theirs", "main"]);
        self.write(path, theirs);
        self.commit_all("theirs");
        self.git(&["checkout", "-q", "ours"]);
    }
}

/// A file's path and its base, ours and theirs contents (`None`: absent).
pub type FileVersions<'a> = (
    &'a str,
    Option<&'a [u8]>,
    Option<&'a [u8]>,
    Option<&'a [u8]>,
);

impl Sandbox {
    /// Like [`Sandbox::branches`] for several files: `(path, base, ours, theirs)`;
    /// `None` leaves the file out of that version.
    pub fn branches_many(&self, files: &[FileVersions]) {
        let version = |side: usize| {
            for &(path, base, ours, theirs) in files {
                match [base, ours, theirs][side] {
                    Some(content) => self.write(path, content),
                    None => {
                        let _ = std::fs::remove_file(self.repo.join(path));
                    }
                }
            }
        };
        version(0);
        self.commit_all("base");
        self.git(&["checkout", "-q", "-b", "ours"]);
        version(1);
        self.commit_all("ours");
        self.git(&["checkout", "-q", "-b", "theirs", "main"]);
        version(2);
        self.commit_all("theirs");
        self.git(&["checkout", "-q", "ours"]);
    }
}

/// stdout and stderr of a command, for messages.
pub fn text(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether `text` holds a conflict marker line.
pub fn has_markers(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("<<<<<<<") || l.starts_with(">>>>>>>"))
}

/// A Keras model whose two layer insertions at the same place are a line
/// conflict for git and, by the ML convention (merge-rules §2), clean for
/// the structured merge: Dense, then BatchNormalization, then Dropout.
pub mod keras {
    pub const BASE: &str = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    layers.Dense(64, activation=\"relu\"),\n    layers.Dense(10, activation=\"softmax\"),\n])\n";
    pub const DROPOUT: &str = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    layers.Dense(64, activation=\"relu\"),\n    layers.Dropout(0.5),\n    layers.Dense(10, activation=\"softmax\"),\n])\n";
    pub const BATCHNORM: &str = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    layers.Dense(64, activation=\"relu\"),\n    layers.BatchNormalization(),\n    layers.Dense(10, activation=\"softmax\"),\n])\n";
    pub const MERGED: &str = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    layers.Dense(64, activation=\"relu\"),\n    layers.BatchNormalization(),\n    layers.Dropout(0.5),\n    layers.Dense(10, activation=\"softmax\"),\n])\n";
    /// Both sides set the first layer's units differently: a clash on that
    /// layer only, while the other side's change to the last layer merges.
    pub const UNITS_128: &str = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    layers.Dense(128, activation=\"relu\"),\n    layers.Dense(10, activation=\"softmax\"),\n])\n";
    /// UNITS_128 plus a Dropout: git's conflict spans both lines, the
    /// structured one only the Dense layer.
    pub const UNITS_128_DROPOUT: &str = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    layers.Dense(128, activation=\"relu\"),\n    layers.Dropout(0.2),\n    layers.Dense(10, activation=\"softmax\"),\n])\n";
    pub const UNITS_256: &str = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    layers.Dense(256, activation=\"relu\"),\n    layers.Dense(10, activation=\"softmax\"),\n])\n";
}

/// Compares `actual` with `tests/snapshots/NAME`; `UPDATE_SNAPSHOTS=1`
/// rewrites it. A missing or different snapshot fails, leaving NAME.new.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let new = path.with_extension("new");
        std::fs::write(&new, actual).unwrap();
        panic!(
            "snapshot {name} differs (new output in {}; UPDATE_SNAPSHOTS=1 accepts it)\n--- expected\n{expected}--- actual\n{actual}",
            new.display()
        );
    }
}
