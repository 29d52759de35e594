//! `tail` away from a terminal: the matching deliveries printed one record per
//! line (the relay's line, NDJSON or CSV) or as one HAR document, then followed
//! by polling for a higher `seq` until a stop signal.
//!
//! The viewer for a terminal is [`crate::tui`]; both read the store the same way.

pub mod har;
pub mod record;

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use crate::error::Exit;
use crate::signal::Signal;
use crate::store::{Filter, Page, Store};

/// What `tail` prints when it is not the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One human-readable line per delivery (what `listen` prints)
    Line,
    /// One JSON object per line (NDJSON)
    Json,
    /// CSV with a header row
    Csv,
    /// One HAR 1.2 document of the selection (implies --no-follow)
    Har,
}

/// How to print.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which deliveries.
    pub filter: Filter,
    /// In what form.
    pub format: Format,
    /// Keep printing new deliveries as they are stored.
    pub follow: bool,
    /// ANSI colour in `line` output.
    pub color: bool,
    /// How often to look for new deliveries while following.
    pub poll: Duration,
    /// Whether the reader of the output has gone (a pipe whose other end closed),
    /// asked while waiting for news so a closed pipe ends an idle follow too.
    pub reader_gone: fn() -> bool,
}

/// Rows read per query while catching up.
const PAGE: usize = 500;

/// Prints what `options` selects to `out`, then, when following, each new delivery
/// as it is stored, until `stop` says to stop: Ctrl-C ends with [`Exit::Interrupted`],
/// SIGTERM with success. A closed `out` ends with its `BrokenPipe` error, which the
/// caller reports as a quiet success.
pub fn print(store: &Store, options: &Options, out: &mut dyn Write, stop: &Receiver<Signal>) -> anyhow::Result<Exit> {
    if options.format == Format::Har {
        let mut stopped = None;
        let mut keep_going = || match stop.try_recv() {
            Ok(signal) => {
                stopped = Some(signal);
                false
            }
            Err(_) => true,
        };
        // Stopped or not, the document written is whole: it ends where the reading stopped.
        har::write(store, &options.filter, out, &mut keep_going)?;
        return Ok(if stopped == Some(Signal::Interrupt) { Exit::Interrupted } else { Exit::Success });
    }
    if options.format == Format::Csv {
        out.write_all(record::CSV_HEADER.as_bytes())?;
    }
    let mut filter = options.filter.clone();
    let mut after = 0;
    loop {
        let page = store.summaries(&filter, &Page::after(after, PAGE))?;
        let mut text = String::with_capacity(page.len() * 200);
        for s in &page {
            text.push_str(&match options.format {
                Format::Line => record::line(s, options.color),
                Format::Json => record::json_line(s),
                Format::Csv => record::csv_row(s),
                Format::Har => unreachable!("written above"),
            });
        }
        out.write_all(text.as_bytes())?;
        out.flush()?;
        if let Some(last) = page.last() {
            after = last.seq;
        }
        let wait = if page.len() == PAGE {
            Duration::ZERO
        } else if options.follow {
            // Caught up: whatever arrives now is newer than the newest N `--last` meant.
            filter.last = None;
            options.poll
        } else {
            return Ok(Exit::Success);
        };
        if let Some(exit) = pause(stop, wait) {
            return Ok(exit);
        }
        if !wait.is_zero() && (options.reader_gone)() {
            return Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into());
        }
    }
}

/// Waits `wait` for a stop signal: the exit it asks for, or `None` to go on.
fn pause(stop: &Receiver<Signal>, wait: Duration) -> Option<Exit> {
    match stop.recv_timeout(wait) {
        Ok(Signal::Interrupt) => Some(Exit::Interrupted),
        Ok(Signal::Terminate) => Some(Exit::Success),
        Err(RecvTimeoutError::Timeout) => None,
        // Nobody can signal any more: keep the pace without a timer to wait on.
        Err(RecvTimeoutError::Disconnected) => {
            std::thread::sleep(wait);
            None
        }
    }
}

/// Waits, without creating it, until the database at `db` exists: `None` once it
/// does, or the exit a stop signal or a gone reader asks for first.
pub fn await_database(
    db: &std::path::Path,
    options: &Options,
    stop: &Receiver<Signal>,
) -> Option<anyhow::Result<Exit>> {
    while !db.exists() {
        if let Some(exit) = pause(stop, options.poll) {
            return Some(Ok(exit));
        }
        if (options.reader_gone)() {
            return Some(Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into()));
        }
    }
    None
}

/// Whether standard output is a pipe or socket whose reader has gone: polling it
/// reports an error or hang-up while nothing is being written.
pub fn stdout_reader_gone() -> bool {
    let mut fd = libc::pollfd { fd: libc::STDOUT_FILENO, events: 0, revents: 0 };
    // SAFETY: one valid pollfd, a zero timeout; poll only reads and writes `fd`.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

/// A channel that receives the process's stop signals from now on.
pub fn stop_signals() -> anyhow::Result<Receiver<Signal>> {
    let (tx, rx) = std::sync::mpsc::channel();
    crate::signal::on_thread(move |signal| tx.send(signal).is_ok())?;
    Ok(rx)
}
