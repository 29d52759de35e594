//! The SQLite log every command shares: open, migrate, insert, query.
//!
//! [`Store`] is synchronous and owned by one thread; [`Writer`] runs one on a
//! dedicated thread and group-commits inserts for async callers.

mod filter;
mod model;
pub mod owner;
pub mod query;
mod reader;
mod rows;
mod schema;
mod seen;
mod summary;
mod tunnel;
pub(crate) mod wal_sync;
mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

pub use filter::{Filter, Page, StatusSpec, parse_when};
pub use model::{
    Attempt, Delivery, Inserted, NewAttempt, NewDelivery, SentDelivery, Source, State, decode_headers, encode_headers,
    id_floor, new_id,
};
pub use owner::{RelayLock, running_relay};
pub use query::{Column, Span};
pub use reader::Reader;
use rows::{attempt_in, insert_in, sent_in};
pub use summary::Summary;
pub use writer::{Queued, Writer, WriterHandle};

/// Response bodies longer than this are cut before they are stored.
pub const RESPONSE_BODY_CAP: usize = 64 * 1024;

/// How far a commit is guaranteed to survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Survives power loss: every commit is synced before it is reported
    /// (`synchronous=FULL`, or for a [`Writer`], a sync of the log on its own thread).
    /// The relay acknowledges deliveries on commit, so it uses this.
    PowerLoss,
    /// Survives a crash of hooktap but not of the machine (`synchronous=NORMAL` in WAL):
    /// for records nobody was promised, such as what `send` fired.
    ProcessCrash,
}

/// What can go wrong opening the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file was written by a newer hooktap.
    #[error("database {path} has schema version {found}, newer than this hooktap understands ({supported})")]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: u32,
        /// The newest this build knows.
        supported: u32,
    },
    /// The directory for the database could not be created.
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path cannot hold hooktap's database: the user has to pick another or fix it.
    #[error("cannot open database {path}: {reason}")]
    Unusable {
        /// The database file.
        path: PathBuf,
        /// Which way it is unusable.
        kind: Unusable,
        /// Why, in the operating system's or SQLite's words.
        reason: String,
    },
    /// SQLite refused for another reason (busy, locked, I/O).
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

/// Ways a path fails to be a usable database, each with its own advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// SQLite cannot open or create the file (a directory, a missing or unwritable place).
    CannotOpen,
    /// The file or its directory is read-only.
    ReadOnly,
    /// The file is something other than a SQLite database.
    NotADatabase,
    /// The file is a damaged SQLite database.
    Corrupt,
}

impl Unusable {
    fn hint(self) -> &'static str {
        match self {
            Unusable::CannotOpen => "pass --db with a writable file path",
            Unusable::ReadOnly => "make the file and its directory writable, or pass --db with a writable file path",
            Unusable::NotADatabase => "this file is not a hooktap database; pass --db with another path",
            Unusable::Corrupt => "the database is damaged; restore it from a copy, or pass --db with another path",
        }
    }
}

impl StoreError {
    /// Turns opening errors into the exit-2 kind with a hint, where the user can fix them.
    pub fn into_user_error(self) -> anyhow::Error {
        match &self {
            StoreError::NewerSchema { .. } => {
                crate::error::usage_hint(self.to_string(), "upgrade hooktap, or pass --db to use another database")
            }
            StoreError::CreateDir { .. } => {
                crate::error::usage_hint(self.to_string(), "pass --db with a writable path")
            }
            StoreError::Unusable { kind, .. } => crate::error::usage_hint(self.to_string(), kind.hint()),
            StoreError::Sqlite { .. } => anyhow::Error::new(self),
        }
    }

    /// Sorts an SQLite error met while opening `path` into what the user can fix and what they cannot.
    fn opening(path: &Path, source: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        let kind = match source.sqlite_error_code() {
            Some(ErrorCode::CannotOpen) => Unusable::CannotOpen,
            Some(ErrorCode::ReadOnly) => Unusable::ReadOnly,
            Some(ErrorCode::NotADatabase) => Unusable::NotADatabase,
            Some(ErrorCode::DatabaseCorrupt) => Unusable::Corrupt,
            _ => return StoreError::Sqlite { path: path.to_path_buf(), source },
        };
        let reason = match kind {
            Unusable::CannotOpen => why_cannot_open(path),
            Unusable::NotADatabase => Some("the file is not a SQLite database".to_owned()),
            _ => None,
        };
        // SQLite's own words, without the path rusqlite appends: the message has it already.
        let reason = reason.unwrap_or_else(|| match source.sqlite_error() {
            Some(e) => rusqlite::ffi::code_to_str(e.extended_code).to_owned(),
            None => source.to_string(),
        });
        StoreError::Unusable { path: path.to_path_buf(), kind, reason }
    }
}

/// The operating system's reason SQLite could not open `path`, which SQLite itself
/// reports only as "unable to open database file".
fn why_cannot_open(path: &Path) -> Option<String> {
    if path.is_dir() {
        return Some("it is a directory; the database must be a file".into());
    }
    let probe = if path.exists() {
        std::fs::OpenOptions::new().read(true).write(true).open(path).map(|_| ())
    } else {
        // SQLite would have created it; try the same, and leave nothing behind.
        std::fs::OpenOptions::new().write(true).create_new(true).open(path).map(|_| {
            let _ = std::fs::remove_file(path);
        })
    };
    probe.err().map(|e| e.to_string())
}

/// The default database path: `$XDG_DATA_HOME/hooktap/hooktap.db`.
pub fn default_path() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|h| h.join(".local/share")))?;
    Some(data.join("hooktap").join("hooktap.db"))
}

/// A connection to the delivery log.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    seen: seen::Seen,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`, in WAL mode, migrated to the current schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        create_private(path);
        let sql = |source| StoreError::opening(path, source);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(sql)?;
        let mut store = Store { conn, path: path.to_path_buf(), seen: seen::Seen::default() };
        store.configure().map_err(sql)?;
        store.migrate()?;
        Ok(store)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a committed delivery survives power loss, which is what "durable before ack" promises.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Plans must not depend on bound values: otherwise a query that could use a
        // partial index is re-prepared for every new value it is given (this once
        // cost a fifth of the writer's time under load).
        self.conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        Ok(())
    }

    /// Sets how far this connection's commits are guaranteed to survive.
    pub fn set_durability(&self, durability: Durability) -> rusqlite::Result<()> {
        let level = match durability {
            Durability::PowerLoss => "FULL",
            Durability::ProcessCrash => "NORMAL",
        };
        self.conn.pragma_update(None, "synchronous", level)
    }

    /// The journal mode SQLite actually uses (`wal` unless the file system cannot do it).
    pub(crate) fn journal_mode(&self) -> rusqlite::Result<String> {
        self.conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let sql = |source| StoreError::opening(&self.path, source);
        let found: u32 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(sql)?;
        if found > schema::CURRENT {
            return Err(StoreError::NewerSchema { path: self.path.clone(), found, supported: schema::CURRENT });
        }
        for (index, step) in schema::MIGRATIONS.iter().enumerate().skip(found as usize) {
            let version = index as u32 + 1;
            // Another process may be opening the same new database (a relay and a tail
            // started together): take the write lock first, then look again.
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
            let now: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(sql)?;
            if now >= version {
                continue;
            }
            tx.execute_batch(step).map_err(sql)?;
            tx.pragma_update(None, "user_version", version).map_err(sql)?;
            tx.commit().map_err(sql)?;
            tracing::debug!(version, "migrated database");
        }
        Ok(())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> rusqlite::Result<u32> {
        self.conn.pragma_query_value(None, "user_version", |r| r.get(0))
    }

    /// Stores one delivery in its own transaction.
    pub fn insert(&mut self, delivery: &NewDelivery) -> rusqlite::Result<Inserted> {
        let tx = self.conn.transaction()?;
        let inserted = insert_in(&tx, &mut self.seen, delivery)?;
        tx.commit()?;
        Ok(inserted)
    }

    /// Stores many deliveries in one transaction: one commit, one fsync.
    pub fn insert_batch(&mut self, deliveries: &[NewDelivery]) -> rusqlite::Result<Vec<Inserted>> {
        let tx = self.conn.transaction()?;
        let out = deliveries.iter().map(|d| insert_in(&tx, &mut self.seen, d)).collect::<rusqlite::Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(out)
    }

    /// Stores an attempt and moves its delivery to `state`.
    pub fn record_attempt(
        &mut self,
        attempt: &NewAttempt,
        state: State,
        next_attempt_at: Option<i64>,
    ) -> rusqlite::Result<i64> {
        let tx = self.conn.transaction()?;
        let id = attempt_in(&tx, attempt, state, next_attempt_at)?;
        tx.commit()?;
        Ok(id)
    }

    /// Stores sent deliveries, each with its attempt, in one transaction.
    pub fn insert_sent(&mut self, sent: &[SentDelivery]) -> rusqlite::Result<usize> {
        let tx = self.conn.transaction()?;
        for s in sent {
            sent_in(&tx, s)?;
        }
        tx.commit()?;
        Ok(sent.len())
    }

    /// Points the deliveries still pending on `route` at `target` when they were
    /// queued for another (a corrected `--forward-to`), due now; returns how many.
    pub fn retarget_pending(&mut self, route: &str, target: &str) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE deliveries SET target = ?2, next_attempt_at = ?3
             WHERE state = 'pending' AND route = ?1 AND target IS NOT ?2",
            params![route, target, crate::util::unix_ms_now()],
        )
    }

    /// Moves a delivery to `state` without an attempt (e.g. pausing or resuming).
    pub fn set_state(&mut self, id: &str, state: State, next_attempt_at: Option<i64>) -> rusqlite::Result<bool> {
        let n = self.conn.execute(
            "UPDATE deliveries SET state = ?2, next_attempt_at = ?3 WHERE id = ?1",
            params![id, state.as_str(), next_attempt_at],
        )?;
        Ok(n == 1)
    }

    /// The raw connection, for the query module.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Deletes deliveries older than `days` and beyond the newest `count`; returns how many went.
    /// Deliveries still waiting to be forwarded are never pruned: retention must not lose work.
    pub fn prune(&mut self, days: Option<u32>, count: Option<u64>) -> rusqlite::Result<usize> {
        let mut removed = 0;
        if let Some(days) = days {
            let cutoff = crate::util::unix_ms_now() - i64::from(days) * 86_400_000;
            // The id bound uses the id index: every id below it was received before the cutoff.
            removed += self.conn.execute(
                "DELETE FROM deliveries WHERE id < ?1 AND received_at < ?2 AND state != 'pending'",
                params![id_floor(cutoff), cutoff],
            )?;
        }
        if let Some(count) = count {
            let keep = i64::try_from(count).unwrap_or(i64::MAX);
            let cutoff: Option<i64> = self
                .conn
                .query_row("SELECT seq FROM deliveries ORDER BY seq DESC LIMIT 1 OFFSET ?1", [keep], |r| r.get(0))
                .optional()?;
            if let Some(cutoff) = cutoff {
                removed +=
                    self.conn.execute("DELETE FROM deliveries WHERE seq <= ?1 AND state != 'pending'", [cutoff])?;
            }
        }
        Ok(removed)
    }
}

/// Creates a new database file readable by its owner only: it holds every header
/// and body received, credentials included. SQLite gives the `-wal` and `-shm`
/// files it makes the same mode. An existing file keeps the mode it has, and any
/// failure here is left for SQLite's open to report.
fn create_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod open_errors {
    use super::*;

    fn unusable(path: &Path) -> (Unusable, String) {
        match Store::open(path).unwrap_err() {
            e @ StoreError::Unusable { kind, .. } => (kind, e.to_string()),
            other => panic!("expected an unusable database, got {other:?}"),
        }
    }

    #[test]
    fn a_directory_is_unusable_and_says_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let (kind, message) = unusable(dir.path());
        assert_eq!(kind, Unusable::CannotOpen);
        assert_eq!(
            message,
            format!("cannot open database {}: it is a directory; the database must be a file", dir.path().display())
        );
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_unusable_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "not a database, but long enough to have a header of sorts\n".repeat(4)).unwrap();
        let before = std::fs::read(&path).unwrap();
        let (kind, message) = unusable(&path);
        assert_eq!(kind, Unusable::NotADatabase);
        assert!(message.ends_with("the file is not a SQLite database"), "{message}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let c = crate::error::classify(&StoreError::Unusable { path, kind, reason: "x".into() }.into_user_error());
        assert_eq!(c.code, crate::error::USAGE_CODE);
        assert_eq!(c.hint.as_deref(), Some("this file is not a hooktap database; pass --db with another path"));
    }

    #[test]
    fn other_sqlite_errors_stay_runtime_errors() {
        let source = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
        let err = StoreError::opening(Path::new("/x.db"), source);
        assert!(matches!(err, StoreError::Sqlite { .. }), "{err:?}");
        assert_eq!(crate::error::classify(&err.into_user_error()).code, 1);
    }
}
