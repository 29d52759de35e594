//! Which deliveries a replay re-delivers: the ids and filters given, fixed when the run
//! starts (replays recorded meanwhile, its own included, are not selected again), and
//! read back a page at a time so that memory stays flat.

use tokio::sync::mpsc;

use crate::error::usage_hint;
use crate::signal::Shutdown;
use crate::store::query::IdError;
use crate::store::{Delivery, Filter, Page, Span, Store};

/// Whole deliveries (headers and bodies) read per query.
const PAGE: usize = 64;

/// The deliveries a run replays.
#[derive(Debug, Clone)]
pub struct Selection {
    /// The filter, its ids made whole and its `last` fixed in `span`.
    filter: Filter,
    span: Span,
}

impl Selection {
    /// Fixes what `filter` selects in `store` now. Selecting nothing in particular is
    /// refused (a replay of everything is never an accident), and so is an id that
    /// matches no delivery or more than one.
    pub fn resolve(store: &Store, mut filter: Filter) -> anyhow::Result<Selection> {
        if filter.is_empty() {
            return Err(usage_hint(
                "nothing selected: name delivery ids or filter them (replay never re-delivers everything)",
                "e.g. hooktap replay 01JD3K9Z4X, or --last 1, --since 10m, --status failed, --event push",
            ));
        }
        let mut ids = Vec::with_capacity(filter.ids.len());
        for id in &filter.ids {
            let found = store.get(id).map_err(|e| match e {
                IdError::NotFound(_) => {
                    usage_hint(e.to_string(), "hooktap tail --no-follow lists the recorded deliveries and their ids")
                }
                IdError::Ambiguous { .. } => usage_hint(e.to_string(), "give more of the id"),
                IdError::Sqlite(e) => anyhow::Error::new(e).context("reading the delivery"),
            })?;
            ids.push(found.id);
        }
        filter.ids = ids;
        let span = store.span(&filter)?;
        filter.last = None;
        Ok(Selection { filter, span })
    }

    /// How many deliveries it holds.
    pub fn count(&self) -> u64 {
        u64::try_from(self.span.count).unwrap_or(0)
    }

    /// Its first delivery.
    pub fn first(&self, store: &Store) -> rusqlite::Result<Option<Delivery>> {
        let page = store.deliveries(&self.filter, &Page::after(self.span.after, 1))?;
        Ok(page.into_iter().next().filter(|d| d.seq <= self.span.upto))
    }

    /// Reads the deliveries oldest first and hands them to `tx` a page at a time, until
    /// the end, until `tx` is closed, or until `stop`. Blocking: run it on a thread of its own.
    pub fn stream(&self, store: &Store, tx: &mpsc::Sender<Vec<Delivery>>, stop: &Shutdown) -> rusqlite::Result<()> {
        let mut after = self.span.after;
        while !stop.is_set() {
            let mut page = store.deliveries(&self.filter, &Page::after(after, PAGE))?;
            let Some(last) = page.last() else { return Ok(()) };
            after = last.seq;
            let full = page.len() == PAGE && after <= self.span.upto;
            page.retain(|d| d.seq <= self.span.upto);
            if page.is_empty() || tx.blocking_send(page).is_err() || !full {
                return Ok(());
            }
        }
        Ok(())
    }
}
