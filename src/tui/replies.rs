//! How replies from the database change the [`App`]: pages of rows placed at
//! the right edge of the window, polled rows followed or counted, fresh states,
//! counts, details and picker values. Replies for a superseded generation are
//! dropped here, so a slow page never lands on a newer view.

use super::app::{App, Choice, Effect, Mode};
use super::detail::Detail;
use super::window::PAGE;
use super::worker::{Anchor, Reply, Request};
use crate::store::{Column, Summary};

impl App {
    /// A reply from the database.
    pub fn reply(&mut self, reply: Reply) -> Vec<Effect> {
        let mut fx = Vec::new();
        match reply {
            Reply::Rows { generation, anchor, rows, head, done } if generation == self.generation => {
                self.rows(anchor, rows, head, done);
                if self.count_after_load && self.main_load.is_none() {
                    self.count_after_load = false;
                    fx.push(self.count());
                }
                self.after_move(&mut fx);
            }
            Reply::Rows { .. } => {}
            Reply::Progress { generation, anchor: Anchor::Newest | Anchor::Oldest, scanned, span }
                if generation == self.generation && self.main_load.is_some() =>
            {
                self.progress = Some((scanned, span));
            }
            Reply::Progress { .. } => {}
            Reply::Polled { generation, rows, head, per_minute, relay } => {
                self.counts.per_minute = per_minute.or(self.counts.per_minute);
                if let Some(relay) = relay {
                    self.relay = Some(relay);
                }
                if generation == self.generation {
                    self.polled(rows, head);
                    self.after_move(&mut fx);
                }
            }
            Reply::Refreshed(rows) => {
                let changed = self.detail.as_ref().and_then(|d| {
                    rows.iter()
                        .find(|r| r.id == d.delivery.id && r.attempts != d.delivery.attempts)
                        .map(|r| r.id.clone())
                });
                self.window.update(&rows);
                if let Some(id) = changed {
                    fx.push(Effect::Query(Request::Detail { id }));
                }
            }
            Reply::Counts { generation, total, shown } => {
                self.counts.total = Some(total);
                if generation >= self.filter_generation {
                    self.counts.shown = Some(shown);
                }
            }
            Reply::Detail(detail) => self.detail_arrived(detail, &mut fx),
            Reply::Values { column, values } => {
                if let Mode::Picker(p) = &mut self.mode
                    && p.choice == Choice::Filter(column)
                {
                    let mut items = vec![(super::app::ANY.to_owned(), values.iter().map(|(_, n)| n).sum())];
                    items.extend(values);
                    // Start on the value picked now, so Enter keeps it and j/k move from it.
                    let now = match column {
                        Column::State => self.picked.state.as_ref(),
                        Column::Provider => self.picked.provider.as_ref(),
                        Column::Event => self.picked.event.as_ref(),
                        Column::Route => None,
                    };
                    p.selected = now.and_then(|v| items.iter().position(|(i, _)| i == v)).unwrap_or(0);
                    p.items = Some(items);
                }
            }
            Reply::Failed(error) => self.notice(error, true),
        }
        fx
    }

    fn rows(&mut self, anchor: Anchor, mut rows: Vec<Summary>, head: Option<i64>, done: bool) {
        let n = rows.len();
        let slot = match anchor {
            Anchor::Newest | Anchor::Oldest => &mut self.main_load,
            Anchor::Older(_) => &mut self.older,
            Anchor::Newer(_) => &mut self.newer,
        };
        let Some(load) = slot.as_mut() else { return };
        load.received += n;
        let (fresh, received) = (load.fresh, load.received);
        load.fresh = false;
        if done {
            *slot = None;
        }
        if fresh && matches!(anchor, Anchor::Newest | Anchor::Oldest) {
            self.window.clear();
            self.window.at_end = anchor == Anchor::Newest;
            self.window.at_start = anchor == Anchor::Oldest;
        }
        if let Some(h) = head {
            self.head = Some(h);
        }
        match anchor {
            Anchor::Newest | Anchor::Older(_) => {
                rows.reverse();
                self.window.prepend(rows);
            }
            Anchor::Oldest | Anchor::Newer(_) => {
                self.window.append(rows);
            }
        }
        if done && received < PAGE {
            match anchor {
                Anchor::Newest | Anchor::Older(_) => self.window.at_start = true,
                Anchor::Oldest | Anchor::Newer(_) => self.window.at_end = true,
            }
        }
        if self.follow {
            self.window.select_last();
        } else if fresh && anchor == Anchor::Oldest {
            self.window.select(0);
        }
    }

    fn polled(&mut self, rows: Vec<Summary>, head: i64) {
        self.polling = false;
        if self.main_load.is_some() {
            return;
        }
        // Stored rows take consecutive `seq`s: how far the head moved is how many were
        // stored, matching or not, until the next recount says exactly.
        let stored = self.head.map_or(0, |old| (head - old).max(0));
        self.head = Some(head);
        if let Some(shown) = &mut self.counts.shown {
            *shown += rows.len() as i64;
        }
        if let Some(total) = &mut self.counts.total {
            *total += stored;
        }
        if !self.window.at_end {
            self.unseen += rows.len();
            return;
        }
        let added = self.window.append(rows);
        if self.follow {
            self.window.select_last();
        } else {
            self.unseen += added;
        }
    }

    fn detail_arrived(&mut self, detail: Box<Detail>, fx: &mut Vec<Effect>) {
        if self.window.selected_row().is_none_or(|r| r.id != detail.delivery.id) {
            return;
        }
        if self.detail.as_ref().is_none_or(|d| d.delivery.id != detail.delivery.id) {
            self.detail_scroll = 0;
        }
        self.detail = Some(detail);
        if let Some(body) = self.pending_copy.take() {
            fx.extend(self.copy(body));
        }
    }
}
