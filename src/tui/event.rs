//! One channel for everything the viewer reacts to: keys and mouse from the
//! terminal, clock ticks, database replies, finished background work, and stop
//! signals. The run loop reads only this.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

use crossterm::event::{KeyEvent, KeyEventKind, MouseEvent};

use super::worker::Reply;
use crate::signal::Signal;

/// How often the clock ticks: the pace of polling for new deliveries.
pub const TICK: Duration = Duration::from_millis(250);

/// Something that happened.
#[derive(Debug)]
pub enum Event {
    /// A key was pressed.
    Key(KeyEvent),
    /// The mouse did something.
    Mouse(MouseEvent),
    /// The terminal changed size.
    Resize,
    /// The clock ticked.
    Tick,
    /// The database answered.
    Reply(Reply),
    /// Background work finished (replay, export): a message, and whether it is a failure.
    Done(String, bool),
    /// A stop signal arrived.
    Signal(Signal),
}

/// The channel and the threads that feed it from the terminal and the clock.
pub fn channel() -> (SyncSender<Event>, Receiver<Event>) {
    let (tx, rx) = sync_channel(1024);
    let input = tx.clone();
    // Reading the terminal blocks, so it has a thread of its own; it ends with the process.
    let _ = std::thread::Builder::new().name("tail-input".into()).spawn(move || {
        while let Ok(event) = crossterm::event::read() {
            let event = match event {
                crossterm::event::Event::Key(k) if k.kind != KeyEventKind::Release => Event::Key(k),
                crossterm::event::Event::Mouse(m) => Event::Mouse(m),
                crossterm::event::Event::Resize(..) => Event::Resize,
                _ => continue,
            };
            if input.send(event).is_err() {
                break;
            }
        }
    });
    let clock = tx.clone();
    let _ = std::thread::Builder::new().name("tail-clock".into()).spawn(move || {
        while clock.send(Event::Tick).is_ok() {
            std::thread::sleep(TICK);
        }
    });
    (tx, rx)
}
