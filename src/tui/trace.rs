//! The benchmark's hook: with `HOOKTAP_TAIL_TRACE=FILE`, the viewer appends a
//! line per frame drawn and key read, with the time in microseconds, so
//! `benches/tail.sh` can time what a user sees.

use std::io::Write;
use std::path::Path;

use super::app::{App, Mode};

/// The trace file, when asked for.
pub struct Trace(Option<std::fs::File>);

impl Trace {
    /// Appends to `path`, or does nothing without one.
    pub fn open(path: Option<&Path>) -> Trace {
        Trace(path.and_then(|p| std::fs::OpenOptions::new().create(true).append(true).open(p).ok()))
    }

    /// One line, with the time.
    pub fn line(&mut self, text: &str) {
        if let Some(f) = &mut self.0 {
            let us = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros());
            let _ = writeln!(f, "{us} {text}");
        }
    }

    /// A frame and what it showed.
    pub fn frame(&mut self, app: &App) {
        if self.0.is_some() {
            let loading = app.main_load.is_some();
            let mode = match &app.mode {
                Mode::Table => "table".to_owned(),
                Mode::Search(_) => "search".to_owned(),
                Mode::Help => "help".to_owned(),
                Mode::Picker(p) => format!("picker:{}", p.visible().len()),
            };
            let text = format!(
                "frame rows={} loading={loading} selected={} shown={} total={} mode={mode} detail={}",
                app.window.rows.len(),
                app.window.selected_row().map_or(0, |r| r.seq),
                app.counts.shown.map_or(-1, |n| n),
                app.counts.total.map_or(-1, |n| n),
                app.detail.is_some(),
            );
            self.line(&text);
        }
    }
}
