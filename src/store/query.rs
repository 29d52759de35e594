//! Reading deliveries and attempts back: by id, by filter a page at a time, and
//! what is due for forwarding.

use rusqlite::{OptionalExtension, Row, params_from_iter};

use super::{Attempt, Delivery, Filter, Page, Store, Summary, decode_headers};

const DELIVERY_COLUMNS: &str =
    "seq, id, received_at, source, method, path, query, headers, body, body_size, remote_addr,
    provider, profile, route, event, provider_delivery_id, signature, signature_reason, duplicate_of, state, target,
    attempts, next_attempt_at, last_status, last_duration_us, last_error, replay_of";

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        seq: r.get(0)?,
        id: r.get(1)?,
        received_at: r.get(2)?,
        source: r.get(3)?,
        method: r.get(4)?,
        path: r.get(5)?,
        query: r.get(6)?,
        headers: decode_headers(&r.get::<_, Vec<u8>>(7)?),
        body: r.get::<_, Vec<u8>>(8)?.into(),
        body_size: r.get(9)?,
        remote_addr: r.get(10)?,
        provider: r.get(11)?,
        profile: r.get(12)?,
        route: r.get(13)?,
        event: r.get(14)?,
        provider_delivery_id: r.get(15)?,
        signature: r.get(16)?,
        signature_reason: r.get(17)?,
        duplicate_of: r.get(18)?,
        state: r.get(19)?,
        target: r.get(20)?,
        attempts: r.get(21)?,
        next_attempt_at: r.get(22)?,
        last_status: r.get(23)?,
        last_duration_us: r.get(24)?,
        last_error: r.get(25)?,
        replay_of: r.get(26)?,
    })
}

/// A column whose values a picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The provider.
    Provider,
    /// The event type.
    Event,
    /// The state.
    State,
    /// The route prefix.
    Route,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::Provider => "provider",
            Column::Event => "event",
            Column::State => "state",
            Column::Route => "route",
        }
    }
}

/// An id prefix that matched nothing or more than one delivery.
#[derive(Debug, thiserror::Error)]
pub enum IdError {
    /// No delivery has this id or prefix.
    #[error("no delivery with id {0:?}")]
    NotFound(String),
    /// Several deliveries share the prefix.
    #[error("id prefix {prefix:?} is ambiguous ({count} deliveries match); give more characters")]
    Ambiguous {
        /// What was given.
        prefix: String,
        /// How many matched.
        count: i64,
    },
    /// SQLite failed.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

impl Store {
    /// One delivery by exact id, or by a unique prefix of its id (case-insensitive).
    pub fn get(&self, id_or_prefix: &str) -> Result<Delivery, IdError> {
        let wanted = id_or_prefix.trim().to_ascii_uppercase();
        let sql =
            format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id >= ?1 AND id < ?1 || 'z' ORDER BY id LIMIT 2");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let found: Vec<Delivery> = stmt.query_map([&wanted], delivery_from_row)?.collect::<rusqlite::Result<_>>()?;
        match found.len() {
            0 => Err(IdError::NotFound(id_or_prefix.to_string())),
            1 => Ok(found.into_iter().next().expect("one row")),
            _ if found[0].id == wanted => Ok(found.into_iter().next().expect("one row")),
            _ => {
                let count: i64 = self.conn().query_row(
                    "SELECT count(*) FROM deliveries WHERE id >= ?1 AND id < ?1 || 'z'",
                    [&wanted],
                    |r| r.get(0),
                )?;
                Err(IdError::Ambiguous { prefix: id_or_prefix.to_string(), count })
            }
        }
    }

    /// Every delivery matching `filter`, oldest first. Loads them all: readers of
    /// many rows page with [`Store::deliveries`] or [`Store::summaries`] instead.
    pub fn list(&self, filter: &Filter) -> rusqlite::Result<Vec<Delivery>> {
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let page = self.deliveries(filter, &Page::after(after, 500))?;
            let Some(last) = page.last() else { return Ok(all) };
            after = last.seq;
            all.extend(page);
        }
    }

    /// One page of whole deliveries (headers and bodies) matching `filter`.
    pub fn deliveries(&self, filter: &Filter, page: &Page) -> rusqlite::Result<Vec<Delivery>> {
        let (sql, args) = super::filter::select(DELIVERY_COLUMNS, filter, page);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        stmt.query_map(params_from_iter(args), delivery_from_row)?.collect()
    }

    /// One page of summaries (no headers, no body) matching `filter`: what a list shows.
    pub fn summaries(&self, filter: &Filter, page: &Page) -> rusqlite::Result<Vec<Summary>> {
        let (sql, args) = super::filter::select(super::summary::COLUMNS, filter, page);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        stmt.query_map(params_from_iter(args), super::summary::from_row)?.collect()
    }

    /// [`Store::summaries`] one row at a time, for a reader that shows the first rows
    /// before a slow page (a text search over a large log) is complete; `each`
    /// returning false stops the query.
    pub fn each_summary(
        &self,
        filter: &Filter,
        page: &Page,
        mut each: impl FnMut(Summary) -> bool,
    ) -> rusqlite::Result<()> {
        let (sql, args) = super::filter::select(super::summary::COLUMNS, filter, page);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            if !each(super::summary::from_row(row)?) {
                break;
            }
        }
        Ok(())
    }

    /// How many deliveries match `filter`.
    pub fn count(&self, filter: &Filter) -> rusqlite::Result<i64> {
        let clause = filter.clause(None);
        let mut sql = "SELECT count(*) FROM deliveries".to_owned();
        if !clause.sql.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clause.sql);
        }
        self.conn().prepare_cached(&sql)?.query_row(params_from_iter(clause.args), |r| r.get(0))
    }

    /// The newest delivery's `seq` (0 when there is none): a follower asks for rows after it.
    pub fn max_seq(&self) -> rusqlite::Result<i64> {
        self.conn().query_row("SELECT coalesce(max(seq), 0) FROM deliveries", [], |r| r.get(0))
    }

    /// The values one column takes among matching deliveries, with how many have each,
    /// most common first: what a picker offers.
    pub fn values(&self, column: Column, filter: &Filter) -> rusqlite::Result<Vec<(String, i64)>> {
        let clause = filter.clause(None);
        let name = column.name();
        let mut sql = format!("SELECT {name}, count(*) FROM deliveries WHERE {name} IS NOT NULL");
        if !clause.sql.is_empty() {
            sql.push_str(" AND ");
            sql.push_str(&clause.sql);
        }
        sql.push_str(&format!(" GROUP BY {name} ORDER BY count(*) DESC, {name}"));
        let mut stmt = self.conn().prepare_cached(&sql)?;
        stmt.query_map(params_from_iter(clause.args), |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
    }

    /// The attempts made for a delivery, oldest first.
    pub fn attempts(&self, delivery_id: &str) -> rusqlite::Result<Vec<Attempt>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, delivery_id, kind, target, started_at, duration_us, status, response_headers, response_body,
                response_size, error FROM attempts WHERE delivery_id = ?1 ORDER BY id",
        )?;
        stmt.query_map([delivery_id], |r| {
            Ok(Attempt {
                id: r.get(0)?,
                delivery_id: r.get(1)?,
                kind: r.get(2)?,
                target: r.get(3)?,
                started_at: r.get(4)?,
                duration_us: r.get(5)?,
                status: r.get(6)?,
                response_headers: decode_headers(&r.get::<_, Option<Vec<u8>>>(7)?.unwrap_or_default()),
                response_body: r.get::<_, Option<Vec<u8>>>(8)?.unwrap_or_default().into(),
                response_size: r.get(9)?,
                error: r.get(10)?,
            })
        })?
        .collect()
    }

    /// Pending deliveries, soonest due first (for resuming after a restart).
    pub fn pending(&self, limit: usize) -> rusqlite::Result<Vec<Delivery>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE state = 'pending' ORDER BY next_attempt_at, id LIMIT {limit}"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        stmt.query_map([], delivery_from_row)?.collect()
    }

    /// How many deliveries are in each state.
    pub fn count_by_state(&self) -> rusqlite::Result<Vec<(String, i64)>> {
        let mut stmt = self.conn().prepare_cached("SELECT state, count(*) FROM deliveries GROUP BY state")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
    }
}

/// A pending delivery without its headers and body: enough to schedule it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRef {
    /// Insertion order, for paging.
    pub seq: i64,
    /// Delivery id.
    pub id: String,
    /// Forward target.
    pub target: Option<String>,
    /// Route prefix.
    pub route: Option<String>,
    /// Provider.
    pub provider: Option<String>,
    /// Event type.
    pub event: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
    /// When the next attempt is due (unix ms).
    pub next_attempt_at: Option<i64>,
}

impl Store {
    /// Pending deliveries stored after `after_seq`, in insertion order, without bodies:
    /// the relay pages through these at start to resume work without loading every body.
    pub fn pending_refs(&self, after_seq: i64, limit: usize) -> rusqlite::Result<Vec<PendingRef>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, id, target, route, provider, event, attempts, next_attempt_at FROM deliveries
             WHERE state = 'pending' AND seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        stmt.query_map(rusqlite::params![after_seq, limit], |r| {
            Ok(PendingRef {
                seq: r.get(0)?,
                id: r.get(1)?,
                target: r.get(2)?,
                route: r.get(3)?,
                provider: r.get(4)?,
                event: r.get(5)?,
                attempts: r.get(6)?,
                next_attempt_at: r.get(7)?,
            })
        })?
        .collect()
    }
}

/// The lenient form of an event name: lowercase, without spaces, dashes, underscores and dots.
pub fn normalize(event: &str) -> String {
    event.chars().filter(|c| !matches!(c, ' ' | '-' | '_' | '.')).flat_map(char::to_lowercase).collect()
}

/// The deliveries a filter matches at one moment, as a `seq` range a reader can page
/// through later: rows stored afterwards (a replay's own, a relay's) fall outside it,
/// and `last` is fixed to the rows that were newest then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Matches have a `seq` greater than this.
    pub after: i64,
    /// ... and at most this.
    pub upto: i64,
    /// How many deliveries match in the range.
    pub count: i64,
}

impl Store {
    /// The range of `seq` holding the deliveries `filter` matches now (its `last` included);
    /// page through them with `filter` without its `last` and [`Page::after`] from
    /// `after`, stopping past `upto`.
    pub fn span(&self, filter: &Filter) -> rusqlite::Result<Span> {
        let upto = self.max_seq()?;
        let unbounded = Filter { last: None, ..filter.clone() };
        // The filter's conditions, with `after < seq <= upto`.
        let bounded = |after: i64| {
            let clause = unbounded.clause(Some(&Page::after(after, 0)));
            let mut args = clause.args;
            args.push(upto.into());
            (format!("{} AND seq <= ?", clause.sql), args)
        };
        let after = match filter.last {
            // Every match's seq is at least the N-th newest's; with fewer matches, all of them.
            Some(n) if n > 0 => {
                let (conditions, mut args) = bounded(0);
                let sql = format!("SELECT seq FROM deliveries WHERE {conditions} ORDER BY seq DESC LIMIT 1 OFFSET ?");
                args.push(i64::try_from(n - 1).unwrap_or(i64::MAX).into());
                let nth: Option<i64> =
                    self.conn().prepare_cached(&sql)?.query_row(params_from_iter(args), |r| r.get(0)).optional()?;
                nth.map_or(0, |seq| seq - 1)
            }
            Some(_) => upto,
            None => 0,
        };
        let (conditions, args) = bounded(after);
        let sql = format!("SELECT count(*) FROM deliveries WHERE {conditions}");
        let count = self.conn().prepare_cached(&sql)?.query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(Span { after, upto, count })
    }
}
