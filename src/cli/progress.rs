//! A progress line on stderr for commands that walk many files (`resolve`,
//! `report --preview`): shown only when stderr is a terminal and the work
//! has already taken more than a second, rewritten in place, and erased
//! at the end. Nothing at all otherwise, so pipes and logs stay clean.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Work shorter than this shows no progress.
const QUIET_FOR: Duration = Duration::from_secs(1);

pub struct Progress {
    what: &'static str,
    started: Instant,
    terminal: bool,
    shown: bool,
}

impl Progress {
    pub fn new(what: &'static str) -> Self {
        Progress {
            what,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    /// Starting on item `number` (1-based) of `total`, called `name`.
    pub fn tick(&mut self, number: usize, total: usize, name: &str) {
        if !self.terminal || self.started.elapsed() < QUIET_FOR {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{} {}/{} {}", self.what, number, total, name);
        let _ = err.flush();
        self.shown = true;
    }

    /// Erases the line, if one was drawn.
    pub fn finish(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
            self.shown = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
