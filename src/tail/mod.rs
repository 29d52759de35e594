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
        match stop.recv_timeout(wait) {
            Ok(Signal::Interrupt) => return Ok(Exit::Interrupted),
            Ok(Signal::Terminate) => return Ok(Exit::Success),
            Err(RecvTimeoutError::Timeout) => {}
            // Nobody can signal any more: keep the pace without a timer to wait on.
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(wait),
        }
    }
}

/// A channel that receives the process's stop signals from now on.
pub fn stop_signals() -> anyhow::Result<Receiver<Signal>> {
    let (tx, rx) = std::sync::mpsc::channel();
    crate::signal::on_thread(move |signal| tx.send(signal).is_ok())?;
    Ok(rx)
}
