//! `--color auto|always|never` for the commands that paint their output
//! (`report`, `resolve`, `mergetool`): `auto` colours only a terminal and
//! only when `NO_COLOR` is unset or empty (https://no-color.org).

use std::io::IsTerminal;

use clap::{Args, ValueEnum};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Args, Clone, Copy, Debug, Default)]
pub struct ColorArg {
    /// When to colour the output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl ColorArg {
    /// Whether output written to stdout gets ANSI colours.
    pub fn enabled_for_stdout(self) -> bool {
        decide(
            self.color,
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR"),
        )
    }
}

fn decide(choice: ColorChoice, terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_needs_a_terminal_and_no_no_color() {
        assert!(decide(ColorChoice::Auto, true, None));
        assert!(decide(ColorChoice::Auto, true, Some("".into())));
        assert!(!decide(ColorChoice::Auto, true, Some("1".into())));
        assert!(!decide(ColorChoice::Auto, false, None));
        assert!(decide(ColorChoice::Always, false, Some("1".into())));
        assert!(!decide(ColorChoice::Never, true, None));
    }
}
