//! Exit codes and the one place where errors become a message, a hint and a code.

use std::io;
use std::process::ExitCode;

/// The outcome of a command that ran to the end, as the exit code contract sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did what was asked and the answer was positive.
    Success,
    /// 1: a negative result (invalid signature, non-2xx answer, failed check).
    Negative,
    /// 130: interrupted by Ctrl-C.
    Interrupted,
}

impl Exit {
    /// The process exit code for this outcome.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Negative => 1,
            Exit::Interrupted => 130,
        }
    }
}

/// Exit code for usage, configuration and input errors.
pub const USAGE_CODE: u8 = 2;

/// A usage, configuration or input error: exit 2, with a one-line reason and
/// an optional hint telling the user what to do about it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    /// What is wrong, and where.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl UsageError {
    /// An input error without a hint.
    pub fn new(message: impl Into<String>) -> Self {
        UsageError { message: message.into(), hint: None }
    }

    /// Attaches a hint shown under the message.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Shorthand for returning a [`UsageError`] as an `anyhow::Error`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError::new(message).into()
}

/// Shorthand for a [`UsageError`] with a hint.
pub fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    UsageError::new(message).hint(hint).into()
}

/// A failure that is a negative answer rather than a fault, already explained
/// by the command's own output; exit 1 without a second message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Negative(pub String);

/// How an error is shown and which code it exits with.
#[derive(Debug, PartialEq, Eq)]
pub struct Classified {
    /// Exit code.
    pub code: u8,
    /// Message for stderr, or `None` to exit quietly.
    pub message: Option<String>,
    /// Optional hint line.
    pub hint: Option<String>,
}

/// Decides the exit code and the text for an error that reached the top.
pub fn classify(err: &anyhow::Error) -> Classified {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::BrokenPipe
        {
            // `hooktap tail | head` closing early is not an error.
            return Classified { code: 0, message: None, hint: None };
        }
    }
    if let Some(u) = err.chain().find_map(|c| c.downcast_ref::<UsageError>()) {
        return Classified { code: USAGE_CODE, message: Some(render(err)), hint: u.hint.clone() };
    }
    if let Some(n) = err.downcast_ref::<Negative>() {
        return Classified { code: 1, message: (!n.0.is_empty()).then(|| n.0.clone()), hint: None };
    }
    let hint = err.chain().find_map(hint_for);
    Classified { code: 1, message: Some(render(err)), hint }
}

/// An error and its causes on one line, joined by `": "` as `{err:#}` does, but
/// saying each thing once.
///
/// Errors often put their source's text in their own message and also return it
/// as the source (thiserror's `{source}`; rusqlite repeats SQLite's message, whose
/// source repeats it again), so the plain chain says it two or three times. A
/// cause whose text its parent already holds is left out; a cause ending in
/// `: parts` its parent holds keeps only what it adds. Nothing is lost: whatever
/// is dropped is on the line, in the parent's words.
pub fn render(err: &anyhow::Error) -> String {
    let mut line = String::new();
    let mut parent = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let new = novel(&parent, &text);
        if !new.is_empty() {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(new);
        }
        parent = text;
    }
    line
}

/// What `text` adds to its parent's text `said`: nothing if `said` holds it, else
/// `text` without the trailing `": "`-separated parts that `said` holds.
fn novel<'a>(said: &str, text: &'a str) -> &'a str {
    let mut text = text.trim();
    if has_phrase(said, text) {
        return "";
    }
    while let Some((head, tail)) = text.rsplit_once(": ") {
        if !has_phrase(said, tail.trim()) {
            break;
        }
        text = head.trim_end();
    }
    text
}

/// Whether `phrase` occurs in `said` as a whole phrase, not inside a longer word or path
/// (`a` is not in `/tmp/a`).
fn has_phrase(said: &str, phrase: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '/' | '\\' | '.' | '_' | '-');
    !phrase.is_empty()
        && said.match_indices(phrase).any(|(at, _)| {
            let before = said[..at].chars().next_back();
            let after = said[at + phrase.len()..].chars().next();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
}

fn hint_for(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(sql) = cause.downcast_ref::<rusqlite::Error>()
        && let Some(code) = sql.sqlite_error_code()
    {
        return match code {
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                Some("another process holds a write lock on the database; retry, or use --db for a separate one".into())
            }
            rusqlite::ErrorCode::ReadOnly => {
                Some("the database file or its directory is read-only; check permissions or pass --db".into())
            }
            rusqlite::ErrorCode::DiskFull => {
                Some("the disk is full; free space, or prune with retain_days/retain_count".into())
            }
            _ => None,
        };
    }
    None
}

/// Makes a write to a closed stdout (`hooktap ... | head`) end the process quietly with 0.
///
/// `println!` panics on a broken pipe; commands that stream use fallible writes and
/// return the error (handled by [`classify`]), and this hook covers every other printer.
pub fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Prints the outcome of a command once, at the top, and returns the exit code.
pub fn report(result: anyhow::Result<Exit>) -> ExitCode {
    match result {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) => {
            let c = classify(&err);
            if let Some(message) = c.message {
                eprintln!("hooktap: error: {message}");
                if let Some(hint) = c.hint {
                    eprintln!("  hint: {hint}");
                }
            }
            ExitCode::from(c.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn broken_pipe_exits_quietly_with_zero() {
        let err = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing rows");
        assert_eq!(classify(&err), Classified { code: 0, message: None, hint: None });
    }

    #[test]
    fn usage_errors_exit_two_with_context_and_hint() {
        let err = Err::<(), _>(usage_hint("unknown provider \"strpe\"", "did you mean stripe?"))
            .context("loading profile ci")
            .unwrap_err();
        let c = classify(&err);
        assert_eq!(c.code, 2);
        assert_eq!(c.message.as_deref(), Some("loading profile ci: unknown provider \"strpe\""));
        assert_eq!(c.hint.as_deref(), Some("did you mean stripe?"));
    }

    #[derive(Debug, thiserror::Error)]
    #[error("database {path}: {source}")]
    struct Wrapping {
        path: &'static str,
        source: rusqlite::Error,
    }

    #[test]
    fn a_cause_repeated_by_its_wrappers_is_said_once() {
        // How `--db /proc/x.db` came out: the wrapper, rusqlite's message and its
        // source each repeating the last ("unable to open database file" three times).
        let sqlite = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some("unable to open database file".into()),
        );
        let err = anyhow::Error::new(Wrapping { path: "/proc/x.db", source: sqlite });
        assert_eq!(format!("{err:#}").matches("unable to open database file").count(), 3);
        assert_eq!(render(&err), "database /proc/x.db: unable to open database file: Error code 14");
        assert_eq!(classify(&err).message.as_deref(), Some(render(&err).as_str()));
    }

    #[test]
    fn render_keeps_causes_that_say_something_new() {
        let err = anyhow::anyhow!("No such file or directory").context("opening /tmp/a").context("reading a");
        assert_eq!(render(&err), "reading a: opening /tmp/a: No such file or directory");
        // Only a parent's words count: a grandparent saying the same is another matter.
        let err = anyhow::anyhow!("invalid").context("field b").context("field a: invalid");
        assert_eq!(render(&err), "field a: invalid: field b: invalid");
        // `a` is inside the path, not said on its own.
        let err = anyhow::anyhow!("a").context("reading /tmp/a");
        assert_eq!(render(&err), "reading /tmp/a: a");
    }

    #[test]
    fn other_errors_exit_one() {
        let c = classify(&anyhow::anyhow!("connection refused"));
        assert_eq!(c.code, 1);
    }
}
