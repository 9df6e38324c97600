//! A progress line on stderr for commands that walk many files (`resolve`,
//! `report --preview`): shown only when stderr is a terminal and the work
//! has already taken more than a second, rewritten in place, and erased
//! at the end. Nothing at all otherwise, so pipes and logs stay clean.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Work shorter than this shows no progress.
const QUIET_FOR: Duration = Duration::from_secs(1);

pub struct Progress<W: Write = std::io::Stderr> {
    what: &'static str,
    started: Instant,
    quiet_for: Duration,
    /// `None` when not a terminal: nothing is ever written.
    out: Option<W>,
    shown: bool,
}

impl Progress {
    /// Progress on stderr, when it is a terminal.
    pub fn new(what: &'static str) -> Self {
        let stderr = std::io::stderr();
        let out = stderr.is_terminal().then_some(stderr);
        Progress::to(what, out, QUIET_FOR)
    }
}

impl<W: Write> Progress<W> {
    fn to(what: &'static str, out: Option<W>, quiet_for: Duration) -> Self {
        Progress {
            what,
            started: Instant::now(),
            quiet_for,
            out,
            shown: false,
        }
    }

    /// Starting on item `number` (1-based) of `total`, called `name`.
    pub fn tick(&mut self, number: usize, total: usize, name: &str) {
        if self.started.elapsed() < self.quiet_for {
            return;
        }
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let _ = write!(out, "\r\x1b[K{} {number}/{total} {name}", self.what);
        let _ = out.flush();
        self.shown = true;
    }

    /// Erases the line, if one was drawn.
    pub fn finish(&mut self) {
        if let (true, Some(out)) = (self.shown, self.out.as_mut()) {
            let _ = write!(out, "\r\x1b[K");
            let _ = out.flush();
            self.shown = false;
        }
    }
}

impl<W: Write> Drop for Progress<W> {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_at_first_then_a_line_rewritten_in_place_and_erased() {
        let mut buffer = Vec::new();
        {
            let mut progress = Progress::to("resolving", Some(&mut buffer), Duration::ZERO);
            progress.tick(1, 2, "a.py");
            progress.tick(2, 2, "b.ipynb");
            progress.finish();
        }
        assert_eq!(
            String::from_utf8(buffer).unwrap(),
            "\r\x1b[Kresolving 1/2 a.py\r\x1b[Kresolving 2/2 b.ipynb\r\x1b[K"
        );
        let mut buffer = Vec::new();
        {
            let mut progress =
                Progress::to("resolving", Some(&mut buffer), Duration::from_secs(60));
            progress.tick(1, 1, "a.py");
        }
        assert!(buffer.is_empty(), "nothing within the first second");
        let mut quiet: Progress<Vec<u8>> = Progress::to("resolving", None, Duration::ZERO);
        quiet.tick(1, 1, "a.py");
        assert!(!quiet.shown);
    }
}
