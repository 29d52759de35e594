//! The viewer's database work, off the UI thread. Three connections on three
//! threads ("lanes"), so a slow text search never holds up a detail or a poll:
//! `view` loads pages of the table, `quick` polls for new rows and loads details
//! and picker values, `stats` counts. A page streams back as it is read, so a
//! search shows its first hit while it goes on; a newer view interrupts an older
//! one's query, so nothing queues behind work nobody wants any more.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use rusqlite::InterruptHandle;

use super::detail::{self, Detail};
use super::window::PAGE;
use crate::config::Config;
use crate::store::{Column, Filter, Page, RelayLock, Store, Summary};

/// Where a page of rows goes in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The newest page: replaces the window.
    Newest,
    /// The oldest page: replaces the window.
    Oldest,
    /// The page before this `seq`, to prepend.
    Older(i64),
    /// The page after this `seq`, to append.
    Newer(i64),
}

/// Work for the lanes. `generation` ties a request to the filter and jump it was made for.
#[derive(Debug, Clone)]
pub enum Request {
    /// A page of summaries.
    Load { generation: u64, filter: Filter, anchor: Anchor },
    /// Rows stored after `after`; with `check`, also the last minute's rate and whether a relay runs.
    Poll { generation: u64, filter: Filter, after: i64, check: bool },
    /// Fresh copies of deliveries whose state may have moved on.
    Refresh { ids: Vec<String> },
    /// The total and the matching counts.
    Counts { generation: u64, filter: Filter },
    /// One delivery in full, rendered for the detail pane.
    Detail { id: String },
    /// The values a picker offers.
    Values { column: Column, filter: Filter },
}

/// What the lanes send back.
#[derive(Debug)]
pub enum Reply {
    /// Part of a [`Request::Load`]'s page; `done` on the last part.
    Rows { generation: u64, anchor: Anchor, rows: Vec<Summary>, head: Option<i64>, done: bool },
    /// How far a text search has read: `scanned` of the `span` `seq`s it has to.
    Progress { generation: u64, anchor: Anchor, scanned: i64, span: i64 },
    /// New rows, and the `seq` to poll after next.
    Polled { generation: u64, rows: Vec<Summary>, head: i64, per_minute: Option<i64>, relay: Option<Option<RelayLock>> },
    /// Fresh copies of deliveries.
    Refreshed(Vec<Summary>),
    /// Counts for a generation.
    Counts { generation: u64, total: i64, shown: i64 },
    /// A delivery in full.
    Detail(Box<Detail>),
    /// A picker's values, most common first.
    Values { column: Column, values: Vec<(String, i64)> },
    /// A query failed.
    Failed(String),
}

/// Where replies go.
pub type Sink = Arc<dyn Fn(Reply) + Send + Sync>;

/// What every lane needs besides its connection.
struct Shared {
    /// `seq`s a text search reads per query ([`STRETCH`]).
    stretch: i64,
    config: Config,
    color: bool,
    sink: Sink,
}

struct Lane {
    tx: Sender<Request>,
    interrupt: Arc<InterruptHandle>,
    /// The newest generation asked of this lane.
    generation: Arc<AtomicU64>,
}

/// The three lanes.
pub struct Workers {
    view: Lane,
    quick: Lane,
    stats: Lane,
}

impl Workers {
    /// Starts the lanes: `first` serves the view lane, the others open their own connections.
    pub fn start(first: Store, config: Config, color: bool, sink: Sink) -> anyhow::Result<Workers> {
        let path = first.path().to_path_buf();
        let shared = Arc::new(Shared { stretch: STRETCH, config, color, sink });
        let open = || Store::open(&path).map_err(crate::store::StoreError::into_user_error);
        let (quick, stats) = (open()?, open()?);
        Ok(Workers {
            view: lane("tail-view", first, &shared)?,
            quick: lane("tail-quick", quick, &shared)?,
            stats: lane("tail-stats", stats, &shared)?,
        })
    }

    /// Queues a request on its lane. A load or count for a newer generation
    /// interrupts its lane's current query: that was for a view nobody shows now.
    pub fn send(&self, request: Request) {
        let (lane, generation) = match &request {
            Request::Load { generation, .. } => (&self.view, Some(*generation)),
            Request::Counts { generation, .. } => (&self.stats, Some(*generation)),
            _ => (&self.quick, None),
        };
        if let Some(g) = generation
            && lane.generation.fetch_max(g, Ordering::SeqCst) < g
        {
            lane.interrupt.interrupt();
        }
        let _ = lane.tx.send(request);
    }
}

fn lane(name: &str, store: Store, shared: &Arc<Shared>) -> anyhow::Result<Lane> {
    let (tx, rx) = mpsc::channel();
    let interrupt = Arc::new(store.conn().get_interrupt_handle());
    let generation = Arc::new(AtomicU64::new(0));
    let (shared, newest) = (shared.clone(), generation.clone());
    std::thread::Builder::new().name(name.into()).spawn(move || serve(&store, &rx, &newest, &shared))?;
    Ok(Lane { tx, interrupt, generation })
}

fn serve(store: &Store, rx: &Receiver<Request>, newest: &AtomicU64, shared: &Shared) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        for request in coalesce(batch, newest.load(Ordering::SeqCst)) {
            // An interrupt meant for the query before this one may land on it: ask again once.
            let result = run(store, &request, newest, shared).or_else(|e| match e {
                e if interrupted(&e) && current(&request, newest) => run(store, &request, newest, shared),
                e => Err(e),
            });
            match result {
                Err(e) if interrupted(&e) => {}
                Err(e) => (shared.sink)(Reply::Failed(crate::error::render(&anyhow::Error::new(e)))),
                Ok(()) => {}
            }
        }
    }
}

/// Drops what is stale before it runs: requests of older generations, and all but
/// the last detail, picker, count, poll or refresh asked for.
fn coalesce(batch: Vec<Request>, generation: u64) -> Vec<Request> {
    let kind = |r: &Request| match r {
        Request::Load { .. } => 0,
        Request::Poll { .. } => 1,
        Request::Refresh { .. } => 2,
        Request::Counts { .. } => 3,
        Request::Detail { .. } => 4,
        Request::Values { .. } => 5,
    };
    let mut kept: Vec<Request> = Vec::with_capacity(batch.len());
    for r in batch {
        let stale = match &r {
            Request::Load { generation: g, .. } | Request::Counts { generation: g, .. } => *g < generation,
            _ => false,
        };
        if stale {
            continue;
        }
        if kind(&r) != 0 {
            kept.retain(|k| kind(k) != kind(&r));
        }
        kept.push(r);
    }
    kept
}

fn current(request: &Request, newest: &AtomicU64) -> bool {
    match request {
        Request::Load { generation, .. } | Request::Counts { generation, .. } => {
            *generation >= newest.load(Ordering::SeqCst)
        }
        _ => true,
    }
}

fn interrupted(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted)
}

fn run(store: &Store, request: &Request, newest: &AtomicU64, shared: &Shared) -> rusqlite::Result<()> {
    let send = |reply| (shared.sink)(reply);
    match request {
        Request::Load { generation, filter, anchor } => load(store, *generation, filter, *anchor, newest, shared)?,
        Request::Poll { generation, filter, after, check } => {
            let max = store.max_seq()?;
            let mut filter = filter.clone();
            filter.last = None;
            let rows = store.summaries(&filter, &Page::after(*after, PAGE))?;
            let last = rows.last().map_or(*after, |r| r.seq);
            let head = if rows.len() == PAGE { last } else { last.max(max) };
            let (per_minute, relay) = if *check {
                filter.since = Some(crate::util::unix_ms_now() - 60_000);
                (Some(store.count(&filter)?), Some(crate::store::running_relay(store.path())))
            } else {
                (None, None)
            };
            send(Reply::Polled { generation: *generation, rows, head, per_minute, relay });
        }
        Request::Refresh { ids } => {
            let filter = Filter { ids: ids.clone(), ..Filter::default() };
            send(Reply::Refreshed(store.summaries(&filter, &Page::after(0, ids.len()))?));
        }
        Request::Counts { generation, filter } => {
            let total = store.count(&Filter::default())?;
            let shown = if filter.is_empty() { total } else { store.count(filter)? };
            send(Reply::Counts { generation: *generation, total, shown });
        }
        Request::Detail { id } => match store.get(id) {
            Ok(d) => {
                let attempts = store.attempts(&d.id)?;
                send(Reply::Detail(Box::new(detail::build(d, attempts, &shared.config, shared.color))));
            }
            Err(crate::store::query::IdError::Sqlite(e)) => return Err(e),
            Err(e) => send(Reply::Failed(e.to_string())),
        },
        Request::Values { column, filter } => {
            send(Reply::Values { column: *column, values: store.values(*column, filter)? });
        }
    }
    Ok(())
}

/// How many `seq`s a text search reads per query: enough that a stretch takes a
/// tenth of a second or so on a large log, so the search says how far it has got.
const STRETCH: i64 = 50_000;

/// Reads one page, sending its rows as they come: the first at once, then in parts
/// at most 50 ms apart. A text search reads the log a stretch of `seq`s at a time
/// and says after each how far it has got. Stops early when a newer generation
/// has been asked for.
fn load(
    store: &Store,
    generation: u64,
    filter: &Filter,
    anchor: Anchor,
    newest: &AtomicU64,
    shared: &Shared,
) -> rusqlite::Result<()> {
    let max = store.max_seq()?;
    let head = (anchor == Anchor::Newest).then_some(max);
    let mut part = Vec::new();
    let mut got = 0;
    let mut flushed: Option<Instant> = None;
    let stale = || newest.load(Ordering::SeqCst) > generation;
    let flush = |rows: Vec<Summary>, done: bool| (shared.sink)(Reply::Rows { generation, anchor, rows, head, done });
    let mut read = |page: &Page, part: &mut Vec<Summary>, got: &mut usize| {
        store.each_summary(filter, page, |row| {
            part.push(row);
            *got += 1;
            if flushed.is_none_or(|at| at.elapsed() >= Duration::from_millis(50)) {
                flush(std::mem::take(part), false);
                flushed = Some(Instant::now());
            }
            !stale()
        })
    };
    // The `seq`s to read, exclusive at both ends, and which way.
    let (mut lo, mut hi, down) = match anchor {
        Anchor::Newest => (0, max.saturating_add(1), true),
        Anchor::Older(seq) => (0, seq, true),
        Anchor::Oldest => (0, max.saturating_add(1), false),
        Anchor::Newer(seq) => (seq, max.saturating_add(1), false),
    };
    if filter.text.is_none() {
        let page = if down { Page::before(hi, PAGE) } else { Page::after(lo, PAGE) };
        read(&page, &mut part, &mut got)?;
    } else {
        let (lo0, hi0) = (lo, hi);
        let span = (hi - lo - 1).max(1);
        loop {
            let stretch = shared.stretch;
            let (from, to) = if down { ((hi - stretch - 1).max(lo), hi) } else { (lo, (lo + stretch + 1).min(hi)) };
            // The last stretch upwards is open-ended: rows stored meanwhile belong to it.
            let page = if !down && to >= hi {
                Page::after(from, PAGE - got)
            } else {
                Page::between(from, to, PAGE - got, down)
            };
            read(&page, &mut part, &mut got)?;
            let last = if down { from <= lo } else { to >= hi };
            if down {
                hi = from + 1;
            } else {
                lo = to - 1;
            }
            if stale() || got >= PAGE || last {
                break;
            }
            let scanned = if down { hi0 - hi } else { lo - lo0 };
            (shared.sink)(Reply::Progress { generation, anchor, scanned, span });
        }
    }
    if !stale() {
        flush(part, true);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A store of `n` deliveries, the needle in the bodies of those whose `seq` is in `needles`.
    fn store(n: i64, needles: &[i64]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let rows: Vec<_> = (1..=n)
            .map(|seq| {
                let body = if needles.contains(&seq) { "the needle" } else { "hay" };
                crate::store::NewDelivery::request(
                    crate::store::Source::Listen,
                    "POST",
                    "/",
                    http::HeaderMap::new(),
                    bytes::Bytes::from(body),
                )
            })
            .collect();
        store.insert_batch(&rows).unwrap();
        (dir, store)
    }

    fn run_load(store: &Store, anchor: Anchor, newest: u64) -> Vec<Reply> {
        let replies = Arc::new(Mutex::new(Vec::new()));
        let sink_replies = replies.clone();
        let sink: Sink = Arc::new(move |r| sink_replies.lock().unwrap().push(r));
        let shared = Shared { stretch: 40, config: Config::default(), color: false, sink };
        let filter = Filter { text: Some("needle".into()), ..Filter::default() };
        load(store, 1, &filter, anchor, &AtomicU64::new(newest), &shared).unwrap();
        std::mem::take(&mut *replies.lock().unwrap())
    }

    fn rows(replies: &[Reply]) -> Vec<i64> {
        replies
            .iter()
            .flat_map(|r| match r {
                Reply::Rows { rows, .. } => rows.iter().map(|s| s.seq).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_search_reads_a_stretch_at_a_time_and_says_how_far_it_got() {
        let (_dir, store) = store(300, &[5, 150, 290]);
        let replies = run_load(&store, Anchor::Newest, 1);
        assert_eq!(rows(&replies), [290, 150, 5], "newest first, every hit, once");
        let progress: Vec<(i64, i64)> = replies
            .iter()
            .filter_map(|r| match r {
                Reply::Progress { scanned, span, .. } => Some((*scanned, *span)),
                _ => None,
            })
            .collect();
        assert!(progress.len() >= 5, "{progress:?}");
        assert!(progress.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 == 300), "{progress:?}");
        assert!(matches!(replies.last(), Some(Reply::Rows { done: true, head: Some(300), .. })));
        assert_eq!(rows(&run_load(&store, Anchor::Oldest, 1)), [5, 150, 290], "and oldest first");
        assert_eq!(rows(&run_load(&store, Anchor::Older(150), 1)), [5]);
        assert_eq!(rows(&run_load(&store, Anchor::Newer(5), 1)), [150, 290]);
    }

    #[test]
    fn a_search_for_a_view_nobody_shows_any_more_stops() {
        let (_dir, store) = store(300, &[5, 150, 290]);
        let replies = run_load(&store, Anchor::Newest, 2);
        assert!(rows(&replies).len() <= 1, "it stops after the first part");
        assert!(!replies.iter().any(|r| matches!(r, Reply::Rows { done: true, .. })), "and says nothing more");
    }
}
