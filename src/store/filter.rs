//! Which deliveries a reader wants ([`Filter`]) and which slice of them ([`Page`]),
//! turned into SQL with every value bound as a parameter. `tail` and `replay`
//! select with the same filter; the text forms of its values (`5xx`, `10m`,
//! `2026-11-01T10:00`) are parsed here, once.

use rusqlite::types::Value;

use super::{Source, State};

/// Which deliveries a query returns. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Exact ids or unique prefixes (case-insensitive); any of them matches.
    pub ids: Vec<String>,
    /// Received at or after (unix ms).
    pub since: Option<i64>,
    /// Received before (unix ms).
    pub until: Option<i64>,
    /// Event type, compared leniently (case and punctuation ignored).
    pub event: Option<String>,
    /// State.
    pub state: Option<State>,
    /// Last response status range, inclusive (`5xx` = 500..=599).
    pub status: Option<(i64, i64)>,
    /// Provider.
    pub provider: Option<String>,
    /// The route prefix the delivery arrived on.
    pub route: Option<String>,
    /// Where the delivery came from.
    pub source: Option<Source>,
    /// Bytes that must occur in the headers or the body (case-sensitive).
    pub text: Option<String>,
    /// Only the newest N of the deliveries the other fields match.
    pub last: Option<usize>,
}

/// A slice of the matching deliveries by insertion order (`seq`): keyset paging,
/// so a page costs the same at the millionth row as at the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows with a `seq` greater than this.
    pub after: Option<i64>,
    /// Rows with a `seq` less than this.
    pub before: Option<i64>,
    /// At most this many rows.
    pub limit: usize,
    /// Newest first, else oldest first.
    pub descending: bool,
}

impl Page {
    /// The oldest `limit` rows after `seq` (0 for the very first), in insertion order.
    pub fn after(seq: i64, limit: usize) -> Page {
        Page { after: Some(seq), before: None, limit, descending: false }
    }

    /// The newest `limit` rows before `seq` (`i64::MAX` for the very newest), newest first.
    pub fn before(seq: i64, limit: usize) -> Page {
        Page { after: None, before: Some(seq), limit, descending: true }
    }

    /// At most `limit` rows with a `seq` strictly between `after` and `before`, either
    /// way: a long scan (a text search over a large log) taken a stretch at a time,
    /// so that the reader can say how far it has got.
    pub fn between(after: i64, before: i64, limit: usize, newest_first: bool) -> Page {
        Page { after: Some(after), before: Some(before), limit, descending: newest_first }
    }

    /// Whether this page runs newest first.
    pub fn newest_first(&self) -> bool {
        self.descending
    }
}

/// A `--status` value: a state, or an HTTP status or class of the last answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusSpec {
    /// `recorded`, `pending`, `forwarded`, `failed`, `dead` or `rejected`.
    State(State),
    /// `500` is 500..=500, `5xx` is 500..=599.
    Http(i64, i64),
}

impl StatusSpec {
    /// Parses a state name, a status code (100–599) or a class (`2xx`…`5xx`).
    pub fn parse(text: &str) -> Result<StatusSpec, String> {
        let t = text.trim().to_ascii_lowercase();
        if let Some(state) = State::parse(&t) {
            return Ok(StatusSpec::State(state));
        }
        if let Some(class) = t.strip_suffix("xx").and_then(|d| d.parse::<i64>().ok()).filter(|d| (1..=5).contains(d)) {
            return Ok(StatusSpec::Http(class * 100, class * 100 + 99));
        }
        if let Ok(code) = t.parse::<i64>()
            && (100..=599).contains(&code)
        {
            return Ok(StatusSpec::Http(code, code));
        }
        let states: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        Err(format!(
            "{text:?} is neither a state ({}) nor an HTTP status (e.g. 500) or class (e.g. 5xx)",
            states.join(", ")
        ))
    }

    /// Sets this selection on `filter`.
    pub fn apply(self, filter: &mut Filter) {
        match self {
            StatusSpec::State(state) => filter.state = Some(state),
            StatusSpec::Http(lo, hi) => filter.status = Some((lo, hi)),
        }
    }
}

/// Parses a point in time for `--since`/`--until`: a length of time back from
/// `now_ms` (`10m`, `2h`, `1d`), or a date and time (`2026-11-01T10:00`, with
/// seconds, a space for the `T`, a `Z` or an offset; local time when it has
/// none), or a date alone (its local midnight). Returns unix milliseconds.
pub fn parse_when(text: &str, now_ms: i64) -> Result<i64, String> {
    use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone};
    let t = text.trim();
    if let Ok(back) = crate::util::parse_duration(t) {
        return Ok(now_ms - i64::try_from(back.as_millis()).unwrap_or(i64::MAX).min(now_ms));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(at.timestamp_millis());
    }
    let normal = t.replacen(' ', "T", 1);
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&normal, f).ok())
        .or_else(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)));
    match naive.and_then(|n| Local.from_local_datetime(&n).earliest()) {
        Some(at) => Ok(at.timestamp_millis()),
        None => Err(format!(
            "{text:?} is neither a length of time (10m, 2h, 1d) nor a date and time (2026-11-01T10:00, \
             2026-11-01)"
        )),
    }
}

/// The WHERE clause of a filter, with its values in the order of their `?`s.
pub(super) struct Clause {
    /// `AND`-joined conditions, or empty for none.
    pub sql: String,
    /// The values, one per `?`.
    pub args: Vec<Value>,
}

impl Filter {
    /// Whether the filter selects nothing in particular (every delivery).
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// The conditions for this filter, without `last`.
    fn conditions(&self) -> (Vec<String>, Vec<Value>) {
        let mut sql: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        if let Some(since) = self.since {
            // The id bound lets the id index narrow the scan; received_at is exact.
            sql.push("id >= ? AND received_at >= ?".into());
            args.extend([super::id_floor(since).into(), since.into()]);
        }
        if let Some(until) = self.until {
            sql.push("received_at < ?".into());
            args.push(until.into());
        }
        if let Some(state) = self.state {
            sql.push("state = ?".into());
            args.push(state.as_str().to_owned().into());
        }
        if let Some(provider) = &self.provider {
            sql.push("provider = ?".into());
            args.push(provider.to_ascii_lowercase().into());
        }
        if let Some((lo, hi)) = self.status {
            sql.push("last_status BETWEEN ? AND ?".into());
            args.extend([lo.into(), hi.into()]);
        }
        if let Some(route) = &self.route {
            sql.push("route = ?".into());
            args.push(route.clone().into());
        }
        if let Some(source) = self.source {
            sql.push("source = ?".into());
            args.push(source.as_str().to_owned().into());
        }
        if let Some(event) = &self.event {
            // Lenient: `Coworker Update` finds `coworker-update`.
            sql.push("lower(replace(replace(replace(replace(event, ' ', ''), '-', ''), '_', ''), '.', '')) = ?".into());
            args.push(super::query::normalize(event).into());
        }
        if let Some(text) = &self.text {
            sql.push("(instr(headers, ?) > 0 OR instr(body, ?) > 0)".into());
            let needle = Value::Blob(text.as_bytes().to_vec());
            args.extend([needle.clone(), needle]);
        }
        if !self.ids.is_empty() {
            let ors: Vec<&str> = self.ids.iter().map(|_| "(id >= ? AND id < ? || 'z')").collect();
            sql.push(format!("({})", ors.join(" OR ")));
            for id in &self.ids {
                let id = id.trim().to_ascii_uppercase();
                args.extend([id.clone().into(), id.into()]);
            }
        }
        (sql, args)
    }

    /// The WHERE clause for this filter and `page`.
    pub(super) fn clause(&self, page: Option<&Page>) -> Clause {
        let (mut sql, mut args) = self.conditions();
        if let Some(n) = self.last {
            // The newest N: at or after the N-th newest match's seq (every match when fewer).
            let inner = if sql.is_empty() { String::new() } else { format!(" WHERE {}", sql.join(" AND ")) };
            let inner_args = args.clone();
            sql.push(format!(
                "seq >= coalesce((SELECT seq FROM deliveries{inner} ORDER BY seq DESC LIMIT 1 OFFSET ?), 0)"
            ));
            args.extend(inner_args);
            args.push(i64::try_from(n.saturating_sub(1)).unwrap_or(i64::MAX).into());
            if n == 0 {
                sql.push("0".into());
            }
        }
        if let Some(page) = page {
            if let Some(after) = page.after {
                sql.push("seq > ?".into());
                args.push(after.into());
            }
            if let Some(before) = page.before {
                sql.push("seq < ?".into());
                args.push(before.into());
            }
        }
        Clause { sql: sql.join(" AND "), args }
    }
}

/// `SELECT {columns} FROM deliveries WHERE … ORDER BY seq … LIMIT ?` for a filter and a page.
///
/// The page's `seq`s are chosen first and their rows read after: where an index
/// narrows the filter but orders by something else (`provider`, in the index by
/// provider and event), sorting the `seq`s read from the index alone is far
/// cheaper than sorting whole rows — a provider's newest page of a million
/// deliveries went from 150 ms to 25 ms — and elsewhere it costs nothing measurable.
pub(super) fn select(columns: &str, filter: &Filter, page: &Page) -> (String, Vec<Value>) {
    let Clause { sql: conditions, mut args } = filter.clause(Some(page));
    let order = if page.newest_first() { "ORDER BY seq DESC" } else { "ORDER BY seq" };
    // A page walked oldest first (replay's selection, tail following) reads the table by
    // seq from where the last one ended: left to itself SQLite reads every match through
    // an index and sorts them for each page, and paging through many rows took time
    // squared. Ids are few enough for their index to stay the better way in.
    let walk = if page.after.is_some() && filter.ids.is_empty() { " NOT INDEXED" } else { "" };
    let mut sql = format!("SELECT {columns} FROM deliveries WHERE seq IN (SELECT seq FROM deliveries{walk}");
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions);
    }
    sql.push_str(&format!(" {order} LIMIT ?) {order}"));
    args.push(i64::try_from(page.limit).unwrap_or(i64::MAX).into());
    (sql, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_takes_states_codes_and_classes_and_keeps_them_apart() {
        assert_eq!(StatusSpec::parse("dead"), Ok(StatusSpec::State(State::Dead)));
        assert_eq!(StatusSpec::parse("Forwarded"), Ok(StatusSpec::State(State::Forwarded)));
        assert_eq!(StatusSpec::parse("500"), Ok(StatusSpec::Http(500, 500)));
        assert_eq!(StatusSpec::parse("5xx"), Ok(StatusSpec::Http(500, 599)));
        assert_eq!(StatusSpec::parse("2XX"), Ok(StatusSpec::Http(200, 299)));
        for bad in ["6xx", "99", "600", "done", ""] {
            let err = StatusSpec::parse(bad).unwrap_err();
            assert!(err.contains("neither a state") && err.contains("rejected"), "{bad}: {err}");
        }
        let mut f = Filter::default();
        StatusSpec::parse("4xx").unwrap().apply(&mut f);
        assert_eq!((f.state, f.status), (None, Some((400, 499))));
    }

    #[test]
    fn when_takes_a_length_back_or_a_date_and_time() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_when("10m", now), Ok(now - 600_000));
        assert_eq!(parse_when("2h", now), Ok(now - 7_200_000));
        assert_eq!(parse_when("2026-11-01T10:00:00Z", now), Ok(1_793_527_200_000));
        assert_eq!(parse_when("2026-11-01T10:00:00+01:00", now), Ok(1_793_523_600_000));
        let local = parse_when("2026-11-01T10:00", now).unwrap();
        assert_eq!(parse_when("2026-11-01 10:00", now), Ok(local));
        assert_eq!(parse_when("2026-11-01T10:00:30", now), Ok(local + 30_000));
        assert!(parse_when("2026-11-01", now).unwrap() <= local);
        let err = parse_when("yesterday", now).unwrap_err();
        assert!(err.contains("2026-11-01T10:00"), "{err}");
    }
}
