//! `tail` on a terminal: the live viewer over the delivery log.
//!
//! Split as the ratatui templates split it: [`app`] is the state (and
//! `actions.rs` what keys do to it), [`event`] the one channel of keys, mouse,
//! ticks and database replies, [`handler`] keys to actions, [`ui`] a pure render.
//! The database is read by [`worker`] threads a keyset page at a time, so a log
//! of a million deliveries opens as fast as an empty one and costs the same memory.

mod actions;
pub mod app;
mod body;
mod clip;
pub mod detail;
pub mod event;
pub mod handler;
mod overlay;
mod replay;
mod replies;
mod signature;
mod stats;
mod terminal;
pub mod ui;
pub mod window;
pub mod worker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_render;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

pub use actions::Action;
pub use app::App;
use app::{Effect, ExportFormat};
use event::Event;
use ratatui::layout::Rect;

use crate::config::Config;
use crate::error::Exit;
use crate::signal::Signal;
use crate::store::{Filter, Store};

/// What the viewer shows and how.
#[derive(Debug)]
pub struct Options {
    /// Which deliveries.
    pub filter: Filter,
    /// Colour on (off: `NO_COLOR` or `--color never`).
    pub color: bool,
    /// The configuration, for re-checking signatures with its profiles' secrets.
    pub config: Config,
    /// A file to log each frame and key to, with times (`HOOKTAP_TAIL_TRACE`, for the benchmark).
    pub trace: Option<PathBuf>,
}

/// Runs the viewer on the terminal until `q`, Esc, Ctrl-C (exit 130) or SIGTERM.
pub fn run(store: Store, options: Options) -> anyhow::Result<Exit> {
    let db = store.path().to_path_buf();
    let mut guard = terminal::Guard::enter()?;
    let (tx, rx) = event::channel();
    let signals = tx.clone();
    crate::signal::on_thread(move |s| signals.send(Event::Signal(s)).is_ok())?;
    let replies = tx.clone();
    let sink: worker::Sink = Arc::new(move |reply| {
        let _ = replies.send(Event::Reply(reply));
    });
    let workers = worker::Workers::start(store, options.config, options.color, sink)?;
    let size = guard.terminal.size()?;
    let mut app = App::new(options.filter, db.clone(), options.color, Rect::new(0, 0, size.width, size.height));
    let mut trace = Trace::open(options.trace.as_deref());
    let mut outside = Outside { db, tx, runtime: None, workers };
    outside.carry_out(app.start(), &mut app, &mut guard);
    loop {
        guard.terminal.draw(|frame| ui::render(frame, &app))?;
        trace.frame(&app);
        let Ok(first) = rx.recv() else { break Ok(Exit::Success) };
        for event in std::iter::once(first).chain(rx.try_iter().take(256)) {
            if let Event::Key(k) = &event {
                trace.line(&format!("key {:?}", k.code));
            }
            let fx = match event {
                Event::Key(k) => handler::key(&app, k).map(|a| app.apply(a)).unwrap_or_default(),
                Event::Mouse(m) => handler::mouse(&app, m).map(|a| app.apply(a)).unwrap_or_default(),
                Event::Resize => {
                    let (w, h) = crossterm::terminal::size()?;
                    app.resize(Rect::new(0, 0, w, h));
                    Vec::new()
                }
                Event::Tick => app.tick(),
                Event::Reply(reply) => app.reply(reply),
                Event::Done(text, error) => {
                    app.notice(text, error);
                    Vec::new()
                }
                Event::Signal(Signal::Interrupt) => {
                    app.exit = Some(Exit::Interrupted);
                    Vec::new()
                }
                Event::Signal(Signal::Terminate) => {
                    app.exit = Some(Exit::Success);
                    Vec::new()
                }
            };
            outside.carry_out(fx, &mut app, &mut guard);
            if app.exit.is_some() {
                break;
            }
        }
        if let Some(exit) = app.exit {
            break Ok(exit);
        }
    }
}

/// What carries out effects: the workers, the background runtime, the event channel.
struct Outside {
    db: PathBuf,
    tx: SyncSender<Event>,
    runtime: Option<tokio::runtime::Runtime>,
    workers: worker::Workers,
}

impl Outside {
    fn carry_out(&mut self, effects: Vec<Effect>, app: &mut App, guard: &mut terminal::Guard) {
        for effect in effects {
            match effect {
                Effect::Query(request) => self.workers.send(request),
                Effect::Copy { what, text } => {
                    let size = body::thousands(text.len() as i64);
                    match clip::osc52(guard.terminal.backend_mut(), &text) {
                        Ok(()) => {
                            app.notice(format!("copied the {what} ({size} bytes) to the clipboard (OSC 52)"), false)
                        }
                        Err(e) => app.notice(format!("could not copy the {what}: {e}"), true),
                    }
                }
                Effect::Replay(id) => self.replay(id, app),
                Effect::Export(format, filter) => {
                    let (db, tx) = (self.db.clone(), self.tx.clone());
                    app.notice("exporting…", false);
                    std::thread::spawn(move || {
                        let here = std::env::current_dir().unwrap_or_default();
                        let (text, error) = match export(&db, &here, format, &filter) {
                            Ok(text) => (text, false),
                            Err(e) => (format!("export failed: {}", crate::error::render(&e)), true),
                        };
                        let _ = tx.send(Event::Done(text, error));
                    });
                }
            }
        }
    }

    fn replay(&mut self, id: String, app: &mut App) {
        if self.runtime.is_none() {
            match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
                Ok(rt) => self.runtime = Some(rt),
                Err(e) => return app.notice(format!("replay: cannot start: {e}"), true),
            }
        }
        let (db, tx) = (self.db.clone(), self.tx.clone());
        if let Some(rt) = &self.runtime {
            rt.spawn(async move {
                let (text, error) = replay::replay(&db, &id).await;
                let _ = tx.send(Event::Done(text, error));
            });
        }
    }
}

/// Writes the deliveries `filter` selects to a new file in `dir`; says where.
fn export(db: &Path, dir: &Path, format: ExportFormat, filter: &Filter) -> anyhow::Result<String> {
    let store = Store::open(db)?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let name = match format {
        ExportFormat::Har => format!("hooktap-{stamp}.har"),
        ExportFormat::Ndjson => format!("hooktap-{stamp}.ndjson"),
    };
    let path = dir.join(name);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    let mut out = std::io::BufWriter::new(file);
    let n = match format {
        ExportFormat::Har => crate::tail::har::write(&store, filter, &mut out, &mut || true)?,
        ExportFormat::Ndjson => {
            let mut n = 0;
            let mut after = 0;
            loop {
                let page = store.summaries(filter, &crate::store::Page::after(after, 500))?;
                for s in &page {
                    out.write_all(crate::tail::record::json_line(s).as_bytes())?;
                }
                n += page.len();
                match page.last() {
                    Some(last) if page.len() == 500 => after = last.seq,
                    _ => break,
                }
            }
            out.flush()?;
            n
        }
    };
    Ok(format!("exported {} deliveries to {}", body::thousands(n as i64), path.display()))
}

#[cfg(test)]
mod export_tests {
    use super::*;

    #[test]
    fn export_writes_the_filtered_view_to_a_new_file_and_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let mut store = Store::open(&db).unwrap();
        for provider in ["github", "stripe", "github"] {
            let mut d = crate::store::NewDelivery::request(
                crate::store::Source::Listen,
                "POST",
                "/hook",
                http::HeaderMap::new(),
                bytes::Bytes::from_static(b"{}"),
            );
            d.provider = Some(provider.into());
            store.insert(&d).unwrap();
        }
        let github = Filter { provider: Some("github".into()), ..Filter::default() };
        let said = export(&db, dir.path(), ExportFormat::Ndjson, &github).unwrap();
        assert!(said.starts_with("exported 2 deliveries to "), "{said}");
        let path = std::path::PathBuf::from(said.rsplit_once(" to ").unwrap().1);
        assert_eq!(path.parent(), Some(dir.path()));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["provider"] == "github"));
        let said = export(&db, dir.path(), ExportFormat::Har, &Filter::default()).unwrap();
        let path = said.rsplit_once(" to ").unwrap().1;
        assert!(path.ends_with(".har"), "{path}");
        let har: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 3);
    }
}

/// The benchmark's view of the viewer: a line per frame drawn and key read, with the time.
struct Trace(Option<std::fs::File>);

impl Trace {
    fn open(path: Option<&Path>) -> Trace {
        Trace(path.and_then(|p| std::fs::OpenOptions::new().create(true).append(true).open(p).ok()))
    }

    fn line(&mut self, text: &str) {
        if let Some(f) = &mut self.0 {
            let us = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros());
            let _ = writeln!(f, "{us} {text}");
        }
    }

    fn frame(&mut self, app: &App) {
        if self.0.is_some() {
            let loading = app.main_load.is_some();
            let mode = match &app.mode {
                app::Mode::Table => "table".to_owned(),
                app::Mode::Search(_) => "search".to_owned(),
                app::Mode::Help => "help".to_owned(),
                app::Mode::Picker(p) => format!("picker:{}", p.items.as_ref().map_or(0, Vec::len)),
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
