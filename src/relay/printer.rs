//! The thread that writes delivery lines to stdout. It writes whatever has piled
//! up every few milliseconds: under load that is one write for hundreds of lines
//! instead of one each, and a stalled stdout (a paused pager) never blocks the
//! relay's workers.

use std::io::Write;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

/// Queues `line` (with its newline) for stdout.
pub fn print(line: &[u8]) {
    printer().print(line);
}

/// Waits until every line queued so far is written to stdout (or stdout stayed blocked too long).
pub fn flush() {
    if let Some(p) = PRINTER.get() {
        p.flush();
    }
}

/// How long the printer lets lines gather after the first one arrives.
const LINGER: Duration = Duration::from_millis(5);
/// Longest a final flush waits for stdout.
const FLUSH_WAIT: Duration = Duration::from_secs(2);
/// Most bytes held for a stdout that does not keep up; lines beyond are counted, not kept.
const MAX_PENDING: usize = 4 << 20;

static PRINTER: OnceLock<Printer> = OnceLock::new();

fn printer() -> &'static Printer {
    PRINTER.get_or_init(|| {
        std::thread::Builder::new()
            .name("hooktap-console".into())
            .spawn(|| printer_loop(PRINTER.wait()))
            .expect("starting the console thread");
        Printer { state: Mutex::new(Pending::default()), changed: Condvar::new() }
    })
}

/// Lines waiting for the printer thread.
#[derive(Debug)]
struct Printer {
    state: Mutex<Pending>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct Pending {
    bytes: Vec<u8>,
    dropped: u64,
    writing: bool,
}

impl Printer {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn print(&self, line: &[u8]) {
        let mut pending = self.lock();
        if pending.bytes.len() + line.len() > MAX_PENDING {
            pending.dropped += 1;
            return;
        }
        let was_empty = pending.bytes.is_empty();
        pending.bytes.extend_from_slice(line);
        if was_empty {
            self.changed.notify_all();
        }
    }

    /// Waits for the printer to write everything, but not for a stdout that stays blocked.
    fn flush(&self) {
        let deadline = std::time::Instant::now() + FLUSH_WAIT;
        let mut pending = self.lock();
        while !pending.bytes.is_empty() || pending.writing {
            let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) else { return };
            pending = self.changed.wait_timeout(pending, left).unwrap_or_else(|poisoned| poisoned.into_inner()).0;
        }
    }
}

fn printer_loop(printer: &Printer) {
    let mut spare = Vec::new();
    loop {
        let mut pending = printer.lock();
        while pending.bytes.is_empty() {
            pending = printer.changed.wait(pending).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        pending.writing = true;
        drop(pending);
        std::thread::sleep(LINGER);
        let mut pending = printer.lock();
        std::mem::swap(&mut pending.bytes, &mut spare);
        let dropped = std::mem::take(&mut pending.dropped);
        drop(pending);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&spare);
        if dropped > 0 {
            let _ = writeln!(out, "hooktap: stdout fell behind; {dropped} lines were not printed");
        }
        let _ = out.flush();
        drop(out);
        spare.clear();
        printer.lock().writing = false;
        printer.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stdout_that_stops_reading_costs_at_most_the_cap_and_drops_are_counted() {
        // No thread drains this printer: it stands for a stdout nobody reads.
        let printer = Printer { state: Mutex::new(Pending::default()), changed: Condvar::new() };
        let line = [b'x'; 1000];
        let fit = MAX_PENDING / line.len();
        for _ in 0..fit + 10 {
            printer.print(&line);
        }
        let pending = printer.lock();
        assert_eq!(pending.bytes.len(), fit * line.len());
        assert_eq!(pending.dropped, 10);
    }
}
