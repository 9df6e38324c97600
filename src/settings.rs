//! What a caller can ask of a merge ([`MergeOptions`]: labels, marker
//! size, conflict style, the ordering convention, the notebook outputs
//! policy, the side preference) and the one table of user settings
//! ([`SETTINGS`]): each defined once with its flag, environment variable,
//! git config key, parser and doc line, read by `merge`, `mergetool` and
//! `report` alike (the git side is in [`crate::git::config`]).

use std::fmt;
use std::path::PathBuf;

use crate::core::merge3::Side;
use crate::python::convention::Convention;

/// How a conflict is drawn, as git's `merge.conflictStyle`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConflictStyle {
    /// `<<<<<<<`, `=======`, `>>>>>>>`.
    #[default]
    Merge,
    /// Adds a `|||||||` section with the base text.
    Diff3,
    /// Like diff3, with lines common to both sides moved out of the conflict.
    Zdiff3,
}

impl ConflictStyle {
    /// Parses git's spelling (`merge`, `diff3`, `zdiff3`).
    pub fn from_git(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "merge" => Some(Self::Merge),
            "diff3" => Some(Self::Diff3),
            "zdiff3" => Some(Self::Zdiff3),
            _ => None,
        }
    }

    /// Whether the base section is drawn.
    pub fn shows_base(self) -> bool {
        self != Self::Merge
    }
}

/// The names written after the conflict markers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    pub base: String,
    pub ours: String,
    pub theirs: String,
}

impl Default for Labels {
    fn default() -> Self {
        Self {
            base: "base".into(),
            ours: "ours".into(),
            theirs: "theirs".into(),
        }
    }
}

/// Which outputs a notebook cell keeps when both sides re-ran it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputsPolicy {
    /// merge-rules §3: the side whose source won, or cleared for new source.
    #[default]
    Auto,
    Ours,
    Theirs,
    Clear,
}

impl OutputsPolicy {
    pub fn from_name(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Self::Auto),
            "ours" => Some(Self::Ours),
            "theirs" => Some(Self::Theirs),
            "clear" => Some(Self::Clear),
            _ => None,
        }
    }
}

/// Which side wins a clash, for teams that want git's `-X ours`/`-X theirs`
/// (which git never passes to a merge driver).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefer {
    Ours,
    Theirs,
}

impl Prefer {
    /// The version that wins.
    pub fn side(self) -> Side {
        match self {
            Self::Ours => Side::Ours,
            Self::Theirs => Side::Theirs,
        }
    }

    pub fn from_name(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "ours" => Some(Self::Ours),
            "theirs" => Some(Self::Theirs),
            _ => None,
        }
    }
}

/// Everything that shapes one merge.
#[derive(Clone, Debug)]
pub struct MergeOptions {
    pub labels: Labels,
    /// Conflict marker length (`%L`); raised when an input already holds
    /// a marker-like line of this length.
    pub marker_size: usize,
    pub style: ConflictStyle,
    /// Turns off the ML ordering convention for same-place insertions.
    pub strict: bool,
    /// The ordering convention, with the user's own layers.
    pub convention: Convention,
    /// The real path of the file (`%P`), used to detect its kind.
    pub path: Option<PathBuf>,
    pub outputs: OutputsPolicy,
    /// Resolve every clash to this side instead of writing markers.
    pub prefer: Option<Prefer>,
}

impl Default for MergeOptions {
    fn default() -> Self {
        Self {
            labels: Labels::default(),
            marker_size: 7,
            style: ConflictStyle::Merge,
            strict: false,
            convention: Convention::default(),
            path: None,
            outputs: OutputsPolicy::Auto,
            prefer: None,
        }
    }
}

/// Where settings are looked up: the environment and git configuration.
pub trait Lookup {
    /// An environment variable, when set to something non-empty.
    fn env(&self, name: &str) -> Option<String>;
    /// A git config value as a string.
    fn git(&self, key: &str) -> Option<String>;
    /// A git config value as git's boolean (`true`, `yes`, `on`, `1`, ...).
    fn git_bool(&self, key: &str) -> Option<bool>;
}

/// A setting whose value could not be used: where it came from, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingError {
    /// The environment variable, or `git config KEY`.
    pub source: String,
    pub message: String,
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for SettingError {}

/// One user setting.
pub struct Setting {
    /// The command-line flag of `mlmerge merge`, without the dashes.
    pub flag: Option<&'static str>,
    pub env: Option<&'static str>,
    pub git_key: Option<&'static str>,
    /// One line for people; also the flag's help.
    pub doc: &'static str,
    /// Reads the setting from the environment and git config.
    read: fn(&mut MergeOptions, &dyn Lookup) -> Result<(), SettingError>,
}

pub const CONFLICT_STYLE: Setting = Setting {
    flag: Some("conflict-style"),
    env: None,
    git_key: Some("merge.conflictStyle"),
    doc: "merge, diff3 or zdiff3; default: git's merge.conflictStyle",
    // As git does, an unknown style in the configuration is the default.
    read: |o, l| {
        if let Some(style) = l.git("merge.conflictStyle") {
            o.style = ConflictStyle::from_git(&style).unwrap_or_default();
        }
        Ok(())
    },
};

pub const STRICT: Setting = Setting {
    flag: Some("strict"),
    env: Some("MLMERGE_STRICT"),
    git_key: Some("mlmerge.strict"),
    doc: "Never order same-place insertions by the ML convention",
    read: |o, l| {
        o.strict = l.env("MLMERGE_STRICT").is_some_and(|v| v != "0")
            || l.git_bool("mlmerge.strict").unwrap_or(false);
        Ok(())
    },
};

pub const LAYER_KINDS: Setting = Setting {
    flag: None,
    env: None,
    git_key: Some("mlmerge.layerKinds"),
    doc: "Your own layers in the ordering convention: Name=kind, ... (compute, normalise, activation, regularise)",
    read: |o, l| {
        if let Some(kinds) = l.git("mlmerge.layerKinds") {
            o.convention = Convention::parse(&kinds).map_err(|e| SettingError {
                source: "git config mlmerge.layerKinds".into(),
                message: e.to_string(),
            })?;
        }
        Ok(())
    },
};

pub const OUTPUTS: Setting = Setting {
    flag: Some("outputs"),
    env: Some("MLMERGE_OUTPUTS"),
    git_key: Some("mlmerge.outputs"),
    doc: "Notebook outputs when both sides re-ran a cell: auto, ours, theirs, clear",
    read: |o, l| {
        o.outputs = env_or_git(
            l,
            &OUTPUTS,
            "outputs policy (auto, ours, theirs, clear)",
            OutputsPolicy::from_name,
        )?
        .unwrap_or_default();
        Ok(())
    },
};

pub const PREFER: Setting = Setting {
    flag: Some("prefer"),
    env: Some("MLMERGE_PREFER"),
    git_key: Some("mlmerge.prefer"),
    doc: "Resolve every clash to this side instead of writing markers: ours, theirs (git's -X never reaches a merge driver)",
    read: |o, l| {
        o.prefer = env_or_git(l, &PREFER, "side (ours, theirs)", Prefer::from_name)?;
        Ok(())
    },
};

pub const DEBUG_DIR: Setting = Setting {
    flag: None,
    env: Some("MLMERGE_DEBUG_DIR"),
    git_key: None,
    doc: "A folder where every merge writes what it parsed and decided, for bug reports",
    // Read by the merge command itself, not part of a merge's options.
    read: |_, _| Ok(()),
};

/// Every setting, in the order they are read (the first bad one is the
/// error shown).
pub const SETTINGS: [&Setting; 6] = [
    &OUTPUTS,
    &PREFER,
    &STRICT,
    &CONFLICT_STYLE,
    &LAYER_KINDS,
    &DEBUG_DIR,
];

/// The options the environment and git configuration set; command-line
/// flags override them.
pub fn configured(lookup: &dyn Lookup) -> Result<MergeOptions, SettingError> {
    let mut options = MergeOptions::default();
    for setting in SETTINGS {
        (setting.read)(&mut options, lookup)?;
    }
    Ok(options)
}

/// A setting's value from its environment variable, else its git config
/// key; an unknown value is an error naming where it came from.
fn env_or_git<T>(
    lookup: &dyn Lookup,
    setting: &Setting,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, SettingError> {
    let from_env = setting
        .env
        .and_then(|name| Some((name.to_string(), lookup.env(name)?)));
    let from_git = || {
        let key = setting.git_key?;
        Some((format!("git config {key}"), lookup.git(key)?))
    };
    let Some((source, value)) = from_env.or_else(from_git) else {
        return Ok(None);
    };
    parse(&value).map(Some).ok_or_else(|| SettingError {
        source,
        message: format!("unknown {what}: `{value}`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Map {
        env: HashMap<&'static str, &'static str>,
        git: HashMap<&'static str, &'static str>,
    }

    impl Lookup for Map {
        fn env(&self, name: &str) -> Option<String> {
            self.env
                .get(name)
                .filter(|v| !v.is_empty())
                .map(|v| v.to_string())
        }
        fn git(&self, key: &str) -> Option<String> {
            self.git.get(key).map(|v| v.to_string())
        }
        fn git_bool(&self, key: &str) -> Option<bool> {
            self.git.get(key).map(|v| *v == "true")
        }
    }

    #[test]
    fn the_environment_wins_over_git_config() {
        let mut map = Map::default();
        map.git.insert("mlmerge.outputs", "ours");
        map.env.insert("MLMERGE_OUTPUTS", "clear");
        map.git.insert("mlmerge.prefer", "theirs");
        map.git.insert("merge.conflictStyle", "zdiff3");
        map.git.insert("mlmerge.strict", "true");
        let o = configured(&map).unwrap();
        assert_eq!(o.outputs, OutputsPolicy::Clear);
        assert_eq!(o.prefer, Some(Prefer::Theirs));
        assert_eq!(o.style, ConflictStyle::Zdiff3);
        assert!(o.strict);
    }

    #[test]
    fn a_bad_value_names_its_source() {
        let mut map = Map::default();
        map.git.insert("mlmerge.prefer", "both");
        let err = configured(&map).unwrap_err();
        assert_eq!(
            err.to_string(),
            "git config mlmerge.prefer: unknown side (ours, theirs): `both`"
        );
        let mut map = Map::default();
        map.git.insert("merge.conflictStyle", "fancy");
        map.env.insert("MLMERGE_STRICT", "0");
        let o = configured(&map).unwrap();
        assert_eq!((o.style, o.strict), (ConflictStyle::Merge, false));
    }

    /// The README's configuration table names every setting by each of
    /// its flag, environment variable and git config key.
    #[test]
    fn the_readme_lists_every_setting() {
        let readme = include_str!("../README.md");
        let start = readme
            .find("## Configuration")
            .expect("a Configuration section");
        let section = &readme[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
        for s in SETTINGS {
            let names = [
                s.flag.map(|f| format!("--{f}")),
                s.env.map(String::from),
                s.git_key.map(String::from),
            ];
            for name in names.into_iter().flatten() {
                assert!(
                    section.contains(name.as_str()),
                    "README's configuration table lacks {name}"
                );
            }
        }
    }

    #[test]
    fn every_setting_has_a_source_and_a_doc() {
        for s in SETTINGS {
            assert!(s.flag.or(s.env).or(s.git_key).is_some(), "{}", s.doc);
            assert!(!s.doc.is_empty() && !s.doc.contains('\n'));
        }
    }
}
