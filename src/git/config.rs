//! The settings of [`crate::settings::SETTINGS`] read from the process
//! environment and the git configuration in force: the repository's when
//! inside one, else the user's and system's.

use crate::settings::{configured, Lookup, MergeOptions, SettingError};

/// The git configuration in force here.
pub fn open() -> Option<git2::Config> {
    match git2::Repository::open_from_env() {
        Ok(repo) => repo.config().ok(),
        Err(_) => git2::Config::open_default().ok(),
    }
}

/// The environment and git configuration of this process.
pub struct Environment {
    config: Option<git2::Config>,
}

impl Environment {
    pub fn new() -> Self {
        Self { config: open() }
    }
}

impl Default for Environment {
    fn default() -> Self {
        Self::new()
    }
}

impl Lookup for Environment {
    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn git(&self, key: &str) -> Option<String> {
        self.config.as_ref()?.get_string(key).ok()
    }

    fn git_bool(&self, key: &str) -> Option<bool> {
        self.config.as_ref()?.get_bool(key).ok()
    }
}

/// The options the environment and git configuration set here.
pub fn configured_options() -> Result<MergeOptions, SettingError> {
    configured(&Environment::new())
}
