//! `mlmerge install` / `uninstall`: the git configuration (through git2)
//! and the attributes lines (as text, see [`super::attributes`]) that route
//! `*.py` and `*.ipynb` merges to mlmerge, planned first so a dry run can
//! print exactly what would change, then applied.

use std::path::{Path, PathBuf};

use super::attributes::{self, AttributesEdit};

/// Where to install.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The repository's `.git/config` and `.gitattributes`.
    Local,
    /// The user's git config and `core.attributesFile`.
    Global,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Global => "global",
        }
    }
}

/// Why installing could not even be planned or applied.
#[derive(Debug)]
pub enum InstallError {
    NotInRepository,
    BareRepository(PathBuf),
    NoHome,
    Git(git2::Error),
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotInRepository => write!(
                f,
                "not inside a git repository: run this inside one, or use --global to install for every repository"
            ),
            Self::BareRepository(path) => write!(
                f,
                "{} is a bare repository: it has no work tree for .gitattributes; use --global",
                path.display()
            ),
            Self::NoHome => write!(f, "cannot find the home directory (HOME is not set) for --global"),
            Self::Git(e) => write!(f, "git configuration: {}", e.message()),
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for InstallError {}

impl From<git2::Error> for InstallError {
    fn from(e: git2::Error) -> Self {
        Self::Git(e)
    }
}

/// The driver's display name.
pub const DRIVER_NAME: &str = "mlmerge: structured merge of ML model code and notebooks";
/// The arguments after the program in `merge.mlmerge.driver`.
pub const DRIVER_ARGS: &str = "merge %O %A %B -s %S -x %X -y %Y -p %P -l %L";
/// The arguments after the program in `mergetool.mlmerge.cmd`.
pub const MERGETOOL_ARGS: &str = "mergetool \"$BASE\" \"$LOCAL\" \"$REMOTE\" \"$MERGED\"";

/// Quotes `text` for `sh`, which git runs driver and tool commands with.
pub fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@=".contains(&b));
    if safe {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// `merge.mlmerge.driver` for the program at `exe`. git expands `%O`,
/// `%A`, … in this line (and `%%` to `%`), so a `%` in the path is doubled.
pub fn driver_command(exe: &Path) -> String {
    let program = shell_quote(&exe.to_string_lossy()).replace('%', "%%");
    format!("{program} {DRIVER_ARGS}")
}

/// `mergetool.mlmerge.cmd` for the program at `exe`.
pub fn mergetool_command(exe: &Path) -> String {
    format!("{} {MERGETOOL_ARGS}", shell_quote(&exe.to_string_lossy()))
}

/// One git config key set, updated or removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigChange {
    pub key: &'static str,
    pub old: Option<String>,
    /// `None` removes the key.
    pub new: Option<String>,
}

/// Everything an install or uninstall would change, and what it found and
/// left alone.
#[derive(Clone, Debug)]
pub struct Plan {
    pub scope: Scope,
    pub config_path: PathBuf,
    pub config: Vec<ConfigChange>,
    pub attributes_path: PathBuf,
    pub attributes: AttributesEdit,
    /// Settings found that belong to the user or another tool, left as is.
    pub kept: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.config.is_empty() && self.attributes.content.is_none()
    }
}

/// The files one scope writes.
struct Location {
    config_path: PathBuf,
    attributes_path: PathBuf,
}

/// A key install manages: its value for `exe`, and whether an existing
/// value is one mlmerge wrote (perhaps for a program path since moved).
struct Managed {
    key: &'static str,
    value: String,
    ours: fn(&str) -> bool,
}

fn managed(exe: &Path) -> [Managed; 4] {
    [
        Managed {
            key: "merge.mlmerge.name",
            value: DRIVER_NAME.into(),
            ours: |v| v == DRIVER_NAME,
        },
        Managed {
            key: "merge.mlmerge.driver",
            value: driver_command(exe),
            ours: |v| v.ends_with(&format!(" {DRIVER_ARGS}")),
        },
        Managed {
            key: "mergetool.mlmerge.cmd",
            value: mergetool_command(exe),
            ours: |v| v.ends_with(&format!(" {MERGETOOL_ARGS}")),
        },
        Managed {
            key: "mergetool.mlmerge.trustExitCode",
            value: "true".into(),
            ours: |v| v.eq_ignore_ascii_case("true"),
        },
    ]
}

/// Plans installing the program at `exe`.
pub fn plan_install(scope: Scope, exe: &Path) -> Result<Plan, InstallError> {
    let location = locate(scope)?;
    let config = open_config(&location.config_path)?;
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for m in managed(exe) {
        match config.get_string(m.key).ok() {
            Some(old) if old == m.value => {}
            Some(old) if !(m.ours)(&old) => kept.push(format!(
                "{} is `{old}`, not what mlmerge writes; left as is (remove it to let install set it)",
                m.key
            )),
            old => changes.push(ConfigChange {
                key: m.key,
                old,
                new: Some(m.value),
            }),
        }
    }
    let text = read_text(&location.attributes_path)?;
    let attributes = attributes::plan_install(&text);
    kept.extend(
        attributes
            .kept
            .iter()
            .map(|k| format!("{}: {k}", location.attributes_path.display())),
    );
    Ok(Plan {
        scope,
        config_path: location.config_path,
        config: changes,
        attributes_path: location.attributes_path,
        attributes,
        kept,
    })
}

/// Plans removing what [`plan_install`] adds, and nothing else.
pub fn plan_uninstall(scope: Scope) -> Result<Plan, InstallError> {
    let location = locate(scope)?;
    let config = open_config(&location.config_path)?;
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for m in managed(Path::new("mlmerge")) {
        match config.get_string(m.key).ok() {
            Some(old) if (m.ours)(&old) => changes.push(ConfigChange {
                key: m.key,
                old: Some(old),
                new: None,
            }),
            Some(old) => kept.push(format!(
                "{} is `{old}`, not what mlmerge writes; left as is",
                m.key
            )),
            None => {}
        }
    }
    let text = read_text(&location.attributes_path)?;
    Ok(Plan {
        scope,
        config_path: location.config_path,
        config: changes,
        attributes_path: location.attributes_path,
        attributes: attributes::plan_uninstall(&text),
        kept,
    })
}

/// Applies a plan: config keys through git2, the attributes file written
/// atomically (removed when uninstalling leaves it empty).
pub fn apply(plan: &Plan) -> Result<(), InstallError> {
    if !plan.config.is_empty() {
        create_parent(&plan.config_path)?;
        let mut config = open_config(&plan.config_path)?;
        for change in &plan.config {
            match &change.new {
                Some(value) => config.set_str(change.key, value)?,
                None => config.remove(change.key)?,
            }
        }
    }
    if let Some(content) = &plan.attributes.content {
        let io = |source| InstallError::Io {
            path: plan.attributes_path.clone(),
            source,
        };
        if content.is_empty() && plan.attributes_path.exists() {
            std::fs::remove_file(&plan.attributes_path).map_err(io)?;
        } else {
            create_parent(&plan.attributes_path)?;
            crate::core::output::write_atomic(&plan.attributes_path, content.as_bytes())
                .map_err(io)?;
        }
    }
    Ok(())
}

fn locate(scope: Scope) -> Result<Location, InstallError> {
    match scope {
        Scope::Local => {
            let repo =
                git2::Repository::open_from_env().map_err(|_| InstallError::NotInRepository)?;
            let workdir = repo
                .workdir()
                .ok_or_else(|| InstallError::BareRepository(repo.path().to_path_buf()))?;
            Ok(Location {
                config_path: repo.commondir().join("config"),
                attributes_path: workdir.join(".gitattributes"),
            })
        }
        Scope::Global => {
            let home = std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from)
                .ok_or(InstallError::NoHome)?;
            let xdg = std::env::var_os("XDG_CONFIG_HOME")
                .filter(|x| !x.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".config"))
                .join("git");
            let dot = home.join(".gitconfig");
            // Where `git config --global` writes: ~/.gitconfig unless only
            // the XDG file exists.
            let config_path = if !dot.exists() && xdg.join("config").exists() {
                xdg.join("config")
            } else {
                dot.clone()
            };
            let attributes_path = configured_attributes_file(&[&dot, &xdg.join("config")], &home)?
                .unwrap_or_else(|| xdg.join("attributes"));
            Ok(Location {
                config_path,
                attributes_path,
            })
        }
    }
}

/// `core.attributesFile` from the user's config files, `~` expanded.
fn configured_attributes_file(
    files: &[&Path],
    home: &Path,
) -> Result<Option<PathBuf>, InstallError> {
    let mut config = git2::Config::new()?;
    for (i, file) in files.iter().enumerate() {
        if file.exists() {
            let level = if i == 0 {
                git2::ConfigLevel::Global
            } else {
                git2::ConfigLevel::XDG
            };
            config.add_file(file, level, false)?;
        }
    }
    let Ok(value) = config.get_string("core.attributesFile") else {
        return Ok(None);
    };
    Ok(Some(match value.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None => PathBuf::from(value),
    }))
}

fn open_config(path: &Path) -> Result<git2::Config, InstallError> {
    Ok(git2::Config::open(path)?)
}

fn read_text(path: &Path) -> Result<String, InstallError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(source) => Err(InstallError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn create_parent(path: &Path) -> Result<(), InstallError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| InstallError::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_sh() {
        assert_eq!(shell_quote("/usr/bin/mlmerge"), "/usr/bin/mlmerge");
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn driver_line() {
        assert_eq!(
            driver_command(Path::new("/opt/my tools/mlmerge")),
            "'/opt/my tools/mlmerge' merge %O %A %B -s %S -x %X -y %Y -p %P -l %L"
        );
        assert_eq!(
            driver_command(Path::new("/opt/100%O/mlmerge")),
            "'/opt/100%%O/mlmerge' merge %O %A %B -s %S -x %X -y %Y -p %P -l %L"
        );
    }
}
