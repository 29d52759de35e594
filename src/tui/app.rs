//! The viewer's state, and how replies from the database and the clock change it.
//! Keys change it through [`App::apply`] (in `actions.rs`), replies through
//! [`App::reply`] (in `replies.rs`). Nothing here touches a
//! terminal or a database: every outside effect is returned as an [`Effect`] for
//! the run loop to carry out, so all of this is tested without either.

use std::path::PathBuf;

use ratatui::layout::Rect;

use super::detail::{Detail, Tab};
use super::window::Window;
use super::worker::{Anchor, Request};
use crate::error::Exit;
use crate::store::{Column, Filter, RelayLock, State};

/// Ticks between checks of the relay and the last minute's rate (a tick is 250 ms).
pub const CHECK_EVERY: u64 = 8;
/// Ticks between recounts.
pub const COUNT_EVERY: u64 = 40;
/// Ticks a message stays in the status line.
pub const MESSAGE_TICKS: u64 = 24;

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The table (and the detail pane when open).
    Table,
    /// Typing a search.
    Search(String),
    /// Choosing from a list.
    Picker(Picker),
    /// The help overlay.
    Help,
}

/// What a picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// A value to filter a column by.
    Filter(Column),
    /// A format to export the view in.
    Export,
}

/// A list to choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    /// What it chooses.
    pub choice: Choice,
    /// The values and how many deliveries have each; `None` while they load.
    pub items: Option<Vec<(String, i64)>>,
    /// The highlighted item, among those [`Picker::visible`].
    pub selected: usize,
    /// What has been typed to narrow the list.
    pub query: String,
}

/// The picker item that drops a filter.
pub const ANY: &str = "(any)";

impl Picker {
    /// A picker for `choice`, its items still to come when `None`.
    pub fn new(choice: Choice, items: Option<Vec<(String, i64)>>) -> Picker {
        Picker { choice, items, selected: 0, query: String::new() }
    }

    /// The items containing what was typed (case-insensitive); `(any)` always stays.
    pub fn visible(&self) -> Vec<&(String, i64)> {
        let query = self.query.to_lowercase();
        self.items.iter().flatten().filter(|(value, _)| value == ANY || value.to_lowercase().contains(&query)).collect()
    }
}

/// A file format for `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One HAR 1.2 document.
    Har,
    /// One JSON object per line.
    Ndjson,
}

/// Something for the run loop to do.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Ask the database.
    Query(Request),
    /// Put text on the clipboard (OSC 52).
    Copy {
        /// What it is, for the message.
        what: &'static str,
        /// The text.
        text: String,
    },
    /// Re-send a delivery to its target.
    Replay(String),
    /// Write the filtered view to a file.
    Export(ExportFormat, Filter),
}

/// A line in the status area for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
    /// The tick it goes away at.
    pub until: u64,
}

/// Counts for the status bar; `None` until known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Deliveries in the database.
    pub total: Option<i64>,
    /// Deliveries the filter matches.
    pub shown: Option<i64>,
    /// Matching deliveries received in the last minute.
    pub per_minute: Option<i64>,
}

/// A page being loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loading {
    /// Rows received so far.
    pub received: usize,
    /// The window has not been reset for it yet.
    pub fresh: bool,
}

/// The filters set in the viewer, over those given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picked {
    /// `s`.
    pub state: Option<String>,
    /// `p`.
    pub provider: Option<String>,
    /// `e`.
    pub event: Option<String>,
    /// `/`.
    pub text: Option<String>,
}

/// The whole state of the viewer.
#[derive(Debug)]
pub struct App {
    /// The filter from the command line.
    pub base: Filter,
    /// Filters set here.
    pub picked: Picked,
    /// `base` with `picked` over it: what the table shows.
    pub filter: Filter,
    /// The rows held.
    pub window: Window,
    /// New rows are followed.
    pub follow: bool,
    /// Rows that arrived since following paused.
    pub unseen: usize,
    /// Bumped by every filter change and jump; replies of older ones are ignored.
    pub generation: u64,
    /// The generation of the current filter, for counts.
    pub filter_generation: u64,
    /// The `seq` new rows are polled after; `None` until the newest page came.
    pub head: Option<i64>,
    /// A poll is out.
    pub polling: bool,
    /// The head when the counts were last asked for: an unchanged log is not recounted.
    pub counted_head: Option<i64>,
    /// The counts wait for the page being loaded (a text search's).
    pub count_after_load: bool,
    /// The page that replaces the window, while it loads.
    pub main_load: Option<Loading>,
    /// How far that page's text search has read: `seq`s read, of how many.
    pub progress: Option<(i64, i64)>,
    /// The page before the window, while it loads.
    pub older: Option<Loading>,
    /// The page after the window, while it loads.
    pub newer: Option<Loading>,
    /// Status bar counts.
    pub counts: Counts,
    /// The relay running on the database; `None` inside until first checked.
    pub relay: Option<Option<RelayLock>>,
    /// Who has the keyboard.
    pub mode: Mode,
    /// The detail pane is open.
    pub detail_open: bool,
    /// The selected delivery in full, once loaded.
    pub detail: Option<Box<Detail>>,
    /// The detail pane's tab.
    pub tab: Tab,
    /// Lines scrolled in the detail pane.
    pub detail_scroll: u16,
    /// A copy waiting for the selected delivery's detail.
    pub pending_copy: Option<bool>,
    /// The status line's message.
    pub message: Option<Message>,
    /// The database file, for the title.
    pub db: PathBuf,
    /// Colour is on.
    pub color: bool,
    /// The terminal's size.
    pub screen: Rect,
    /// Ticks so far.
    pub ticks: u64,
    /// Set when the viewer should end, with how.
    pub exit: Option<Exit>,
}

impl App {
    /// A viewer of the deliveries `base` selects in `db`.
    pub fn new(base: Filter, db: PathBuf, color: bool, screen: Rect) -> App {
        let mut app = App {
            filter: base.clone(),
            base,
            picked: Picked::default(),
            window: Window::default(),
            follow: true,
            unseen: 0,
            generation: 0,
            filter_generation: 0,
            head: None,
            polling: false,
            counted_head: None,
            count_after_load: false,
            main_load: None,
            progress: None,
            older: None,
            newer: None,
            counts: Counts::default(),
            relay: None,
            mode: Mode::Table,
            detail_open: false,
            detail: None,
            tab: Tab::Request,
            detail_scroll: 0,
            pending_copy: None,
            message: None,
            db,
            color,
            screen,
            ticks: 0,
            exit: None,
        };
        app.resize(screen);
        app
    }

    /// The first requests: the newest page, the counts, the relay check.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = self.refilter();
        // Generation 0 is never current: only the relay and the rate are taken from its answer.
        fx.push(Effect::Query(Request::Poll {
            generation: 0,
            filter: self.filter.clone(),
            after: i64::MAX,
            check: true,
        }));
        fx
    }

    /// The terminal has a new size.
    pub fn resize(&mut self, screen: Rect) {
        self.screen = screen;
        let rows = super::ui::layout(screen, self).table.height.saturating_sub(1);
        self.window.set_height(rows as usize);
    }

    /// Shows a message in the status line for a while.
    pub fn notice(&mut self, text: impl Into<String>, error: bool) {
        self.message = Some(Message { text: text.into(), error, until: self.ticks + MESSAGE_TICKS });
    }

    /// The filter of `base` with the filters picked here over it.
    pub fn effective(&self) -> Filter {
        let mut f = self.base.clone();
        if let Some(s) = &self.picked.state {
            f.state = State::parse(s);
        }
        if let Some(p) = &self.picked.provider {
            f.provider = Some(p.clone());
        }
        if let Some(e) = &self.picked.event {
            f.event = Some(e.clone());
        }
        if let Some(t) = &self.picked.text {
            f.text = Some(t.clone());
        }
        f
    }

    /// Applies a changed filter: a new generation, an empty window, the newest page, following.
    pub fn refilter(&mut self) -> Vec<Effect> {
        self.filter = self.effective();
        self.filter_generation = self.generation + 1;
        self.counts.shown = None;
        self.head = None;
        self.detail = None;
        self.window.clear();
        self.jump(Anchor::Newest);
        let load = Effect::Query(Request::Load {
            generation: self.generation,
            filter: self.filter.clone(),
            anchor: Anchor::Newest,
        });
        // Counting a text search reads every body, as the search does: on a busy
        // machine the two would halve each other's speed, and the hits matter first.
        self.count_after_load = self.filter.text.is_some();
        if self.count_after_load {
            return vec![load];
        }
        vec![load, self.count()]
    }

    /// The request for the current filter's counts.
    pub(super) fn count(&self) -> Effect {
        Effect::Query(Request::Counts { generation: self.generation, filter: self.filter.clone() })
    }

    /// Starts replacing the window by the newest or oldest page.
    pub(super) fn jump(&mut self, anchor: Anchor) {
        self.generation += 1;
        self.main_load = Some(Loading { received: 0, fresh: true });
        self.progress = None;
        self.older = None;
        self.newer = None;
        self.polling = false;
        self.follow = anchor == Anchor::Newest;
        self.unseen = 0;
    }

    /// A clock tick: polls, refreshes, recounts, expires the message.
    pub fn tick(&mut self) -> Vec<Effect> {
        self.ticks += 1;
        if self.message.as_ref().is_some_and(|m| m.until <= self.ticks) {
            self.message = None;
        }
        let mut fx = Vec::new();
        fx.extend(self.poll(self.ticks.is_multiple_of(CHECK_EVERY)));
        if self.ticks.is_multiple_of(4) {
            let ids: Vec<String> =
                self.window.rows.iter().filter(|r| r.state == State::Pending).take(100).map(|r| r.id.clone()).collect();
            if !ids.is_empty() {
                fx.push(Effect::Query(Request::Refresh { ids }));
            }
        }
        if self.ticks.is_multiple_of(COUNT_EVERY) && self.head != self.counted_head {
            self.counted_head = self.head;
            fx.push(self.count());
        }
        fx
    }

    fn poll(&mut self, check: bool) -> Option<Effect> {
        let after = self.head.filter(|_| !self.polling && self.main_load.is_none())?;
        self.polling = true;
        Some(Effect::Query(Request::Poll { generation: self.generation, filter: self.filter.clone(), after, check }))
    }

    /// After the selection or the rows changed: fetch beyond an edge the selection
    /// nears, and the selected delivery's detail when the pane shows it.
    pub(super) fn after_move(&mut self, fx: &mut Vec<Effect>) {
        if self.main_load.is_none() {
            let (older, newer) = self.window.wants();
            let (first, last) = (self.window.rows.first().map(|r| r.seq), self.window.rows.last().map(|r| r.seq));
            if let (true, None, Some(first)) = (older, self.older, first) {
                self.older = Some(Loading { received: 0, fresh: false });
                let anchor = Anchor::Older(first);
                fx.push(Effect::Query(Request::Load {
                    generation: self.generation,
                    filter: self.filter.clone(),
                    anchor,
                }));
            }
            if let (true, None, Some(last)) = (newer, self.newer, last) {
                self.newer = Some(Loading { received: 0, fresh: false });
                let anchor = Anchor::Newer(last);
                fx.push(Effect::Query(Request::Load {
                    generation: self.generation,
                    filter: self.filter.clone(),
                    anchor,
                }));
            }
        }
        if (self.detail_open || self.pending_copy.is_some())
            && let Some(row) = self.window.selected_row()
            && self.detail.as_ref().is_none_or(|d| d.delivery.id != row.id)
        {
            fx.push(Effect::Query(Request::Detail { id: row.id.clone() }));
        }
    }

    /// The copy of the selected delivery as curl (`body` false) or its body, once its detail is here.
    pub(super) fn copy(&mut self, body: bool) -> Vec<Effect> {
        match self.detail.as_ref().filter(|d| Some(&d.delivery.id) == self.window.selected_row().map(|r| &r.id)) {
            Some(d) if body => {
                vec![Effect::Copy { what: "body", text: String::from_utf8_lossy(&d.delivery.body).into_owned() }]
            }
            Some(d) => vec![Effect::Copy { what: "curl command", text: super::clip::curl(&d.delivery) }],
            None => {
                self.pending_copy = Some(body);
                let mut fx = Vec::new();
                self.after_move(&mut fx);
                fx
            }
        }
    }
}
