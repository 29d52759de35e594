//! Logging to stderr through tracing, and the colour decision every printer shares.

use std::io::IsTerminal;
use std::sync::OnceLock;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is unset
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// How much to log and whether to colour: `--color`, `-q` and `-v` once parsed.
#[derive(Debug, Clone, Copy)]
pub struct LogOptions {
    /// `--color`.
    pub color: ColorChoice,
    /// `-q`: errors only.
    pub quiet: bool,
    /// `-v` count: 1 info, 2 debug, 3 trace.
    pub verbose: u8,
}

static COLOR: OnceLock<bool> = OnceLock::new();

/// Sets up the tracing subscriber from `-q`/`-v` (or `HOOKTAP_LOG`/`RUST_LOG`) and
/// decides once whether output is coloured.
pub fn init(global: &LogOptions) {
    let color = decide_color(global.color, std::env::var_os("NO_COLOR").is_some(), std::io::stderr().is_terminal());
    let _ = COLOR.set(color);
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = std::env::var("HOOKTAP_LOG")
        .ok()
        .and_then(|s| EnvFilter::try_new(s).ok())
        .unwrap_or_else(|| EnvFilter::new(format!("hooktap={level},warn")));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(color);
    // Warnings read like errors (`hooktap: warning: ...`); asking for more (-v) gets
    // the full format, with times and levels, for following what happens.
    let _ = if global.verbose == 0 {
        builder.event_format(Plain { color }).try_init()
    } else {
        builder.with_target(false).try_init()
    };
}

/// `hooktap: warning: message key=value`, as the one-line errors print.
struct Plain {
    color: bool,
}

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> std::fmt::Result {
        let (level, ansi) = match *event.metadata().level() {
            Level::ERROR => ("error", "1;31"),
            Level::WARN => ("warning", "1;33"),
            Level::INFO => ("info", "1"),
            Level::DEBUG => ("debug", "2"),
            Level::TRACE => ("trace", "2"),
        };
        if self.color {
            write!(writer, "hooktap: \x1b[{ansi}m{level}\x1b[0m: ")?;
        } else {
            write!(writer, "hooktap: {level}: ")?;
        }
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Whether to colour: `--color` wins, then `NO_COLOR`, then whether stderr is a terminal.
pub fn decide_color(choice: ColorChoice, no_color_env: bool, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color_env && is_tty,
    }
}

/// Whether output should be coloured (false until [`init`] ran).
pub fn color() -> bool {
    COLOR.get().copied().unwrap_or(false)
}

/// Wraps `text` in an ANSI colour when colour is on.
pub fn paint(text: &str, ansi: &str) -> String {
    if color() { format!("\x1b[{ansi}m{text}\x1b[0m") } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_env_turns_auto_off_but_not_always() {
        assert!(!decide_color(ColorChoice::Auto, true, true));
        assert!(decide_color(ColorChoice::Auto, false, true));
        assert!(!decide_color(ColorChoice::Auto, false, false));
        assert!(decide_color(ColorChoice::Always, true, false));
        assert!(!decide_color(ColorChoice::Never, false, true));
    }
}
