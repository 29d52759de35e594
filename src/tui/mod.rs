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
mod export;
pub mod handler;
mod overlay;
mod replay;
mod replies;
mod signature;
mod stats;
mod terminal;
mod trace;
pub mod ui;
pub mod window;
pub mod worker;
mod xml;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_render;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

pub use actions::Action;
pub use app::App;
use app::Effect;
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
    let plan = replay::plan(&options.config);
    let workers = worker::Workers::start(store, options.config, options.color, sink)?;
    let size = guard.terminal.size()?;
    let mut app = App::new(options.filter, db.clone(), options.color, Rect::new(0, 0, size.width, size.height));
    let mut trace = trace::Trace::open(options.trace.as_deref());
    let mut outside = Outside { db, tx, runtime: None, workers, plan };
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
    /// What `r` sends: the recorded request, where it went before.
    plan: Arc<crate::replay::Plan>,
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
                        let (text, error) = match export::export(&db, &here, format, &filter) {
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
        let (db, tx, plan) = (self.db.clone(), self.tx.clone(), self.plan.clone());
        if let Some(rt) = &self.runtime {
            rt.spawn(async move {
                let (text, error) = replay::replay(&db, &id, &plan).await;
                let _ = tx.send(Event::Done(text, error));
            });
        }
    }
}
