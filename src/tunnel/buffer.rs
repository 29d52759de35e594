//! `serve`'s own SQLite file: the channels (a token's hash, limits, when last
//! used) and the deliveries each holds until its client acknowledges them.
//! Reads and the token commands use [`Db`]; the running server writes through
//! [`super::committer`], which group-commits.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use bytes::{Bytes, BytesMut};
use rusqlite::{Connection, OptionalExtension, params};

use super::protocol::{Delivery, Mode, decode_headers, put_headers};
use super::tokens::TokenHash;
use crate::error::usage_hint;

/// The schema version this build writes.
const SCHEMA_VERSION: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS channels (
    name         TEXT PRIMARY KEY,
    token_hash   BLOB,              -- SHA-256 of the token; NULL once revoked
    created_at   INTEGER NOT NULL,  -- unix ms
    last_used_at INTEGER,           -- unix ms, the last client connection
    max_body     INTEGER,           -- NULL: serve's default
    max_backlog  INTEGER,
    rate         INTEGER,
    mode         TEXT,              -- immediate | passthrough; NULL: serve's, else the client's
    client_mode  TEXT               -- what the last client asked for
) STRICT;
CREATE TABLE IF NOT EXISTS buffered (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: with the origin, a delivery's id
    channel     TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    query       TEXT,
    headers     BLOB NOT NULL,
    remote      TEXT,
    body        BLOB NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS buffered_channel ON buffered(channel, seq);
";

/// The default file: `$XDG_DATA_HOME/hooktap/serve.db`.
pub fn default_path() -> Option<PathBuf> {
    crate::store::default_path().map(|p| p.with_file_name("serve.db"))
}

/// The claim a running `serve` holds on its file, so that a second one does not send
/// the same deliveries again; released when dropped or when the process ends.
#[derive(Debug)]
pub struct Owner(#[allow(dead_code)] std::fs::File);

/// Claims the file at `db` for this server (`<db>-serve.lock`), or says it is taken.
pub fn claim(db: &Path) -> anyhow::Result<Owner> {
    let mut name = db.as_os_str().to_owned();
    name.push("-serve.lock");
    let path = PathBuf::from(name);
    let hint = "pass --db with a writable file path";
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| usage_hint(format!("cannot create {}: {e}", dir.display()), hint))?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| usage_hint(format!("cannot open {}: {e}", path.display()), hint))?;
    match file.try_lock() {
        Ok(()) => Ok(Owner(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(usage_hint(
            format!("another hooktap serve runs with the database {}", db.display()),
            "stop it, or pass --db PATH for this one",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(usage_hint(format!("cannot lock {}: {e}", path.display()), hint)),
    }
}

/// A channel's limits where they differ from `serve`'s defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Largest body, bytes.
    pub max_body: Option<u64>,
    /// Most deliveries held.
    pub max_backlog: Option<u64>,
    /// Deliveries accepted per second.
    pub rate: Option<u32>,
    /// How providers are answered.
    pub mode: Option<Mode>,
}

/// A channel as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Its name, the `<channel>` of `/c/<channel>/`.
    pub name: String,
    /// Its token's hash; `None` once revoked.
    pub token_hash: Option<TokenHash>,
    /// When it was made, unix ms.
    pub created_at: i64,
    /// When a client last connected, unix ms.
    pub last_used_at: Option<i64>,
    /// Its own limits.
    pub overrides: Overrides,
    /// The answer mode its last client asked for.
    pub client_mode: Option<Mode>,
    /// Deliveries it holds.
    pub backlog: u64,
}

/// A held delivery's place in the file.
#[derive(Debug, Clone, Copy)]
pub struct Held {
    /// Its number.
    pub seq: u64,
    /// About how many bytes it takes.
    pub size: u64,
}

/// A connection to the file.
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

fn mode_str(mode: Mode) -> &'static str {
    match mode {
        Mode::Immediate => "immediate",
        Mode::Passthrough => "passthrough",
    }
}

fn mode_of(text: Option<String>) -> Option<Mode> {
    match text.as_deref() {
        Some("immediate") => Some(Mode::Immediate),
        Some("passthrough") => Some(Mode::Passthrough),
        _ => None,
    }
}

impl Db {
    /// Opens (creating) the file at `path`: WAL, every commit synced.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        let hint = "pass --db with a writable file path";
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| usage_hint(format!("cannot create {}: {e}", dir.display()), hint))?;
        }
        #[cfg(unix)]
        {
            // It holds every header providers send, credentials included.
            use std::os::unix::fs::OpenOptionsExt;
            let _ = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
        }
        let conn = Connection::open(path)
            .map_err(|e| usage_hint(format!("cannot open the serve database {}: {e}", path.display()), hint))?;
        let db = Db { conn, path: path.to_path_buf() };
        db.prepare()
            .map_err(|e| usage_hint(format!("cannot use the serve database {}: {e:#}", path.display()), hint))?;
        Ok(db)
    }

    fn prepare(&self) -> anyhow::Result<()> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a delivery acknowledged to its provider survives power loss.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let found: u32 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            anyhow::bail!("it has schema version {found}, newer than this hooktap understands ({SCHEMA_VERSION})");
        }
        self.conn.execute_batch(SCHEMA)?;
        self.conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        let random: [u8; 16] = rand::random();
        self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('origin', ?1)", [hex::encode(random)])?;
        Ok(())
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Names this file's deliveries apart from any other's: random, made with the file.
    pub fn origin(&self) -> anyhow::Result<String> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| r.get(0))?)
    }

    /// Makes `name` with a token whose hash is `hash`, or gives an existing one a new
    /// token; returns whether it existed. A channel with a live token gets a new one
    /// only with `rotate`.
    pub fn add_channel(
        &self,
        name: &str,
        hash: &TokenHash,
        overrides: &Overrides,
        rotate: bool,
    ) -> anyhow::Result<bool> {
        let existing: Option<Option<Vec<u8>>> =
            self.conn.query_row("SELECT token_hash FROM channels WHERE name = ?1", [name], |r| r.get(0)).optional()?;
        if matches!(existing, Some(Some(_))) && !rotate {
            return Err(usage_hint(
                format!("channel {name} already has a token"),
                format!(
                    "pass --rotate to replace it (the client using it is disconnected), or `hooktap serve token revoke {name}`"
                ),
            ));
        }
        let o = overrides;
        let now = crate::util::unix_ms_now();
        self.conn.execute(
            "INSERT INTO channels (name, token_hash, created_at, max_body, max_backlog, rate, mode)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (name) DO UPDATE SET token_hash = ?2,
                max_body = COALESCE(?4, max_body), max_backlog = COALESCE(?5, max_backlog),
                rate = COALESCE(?6, rate), mode = COALESCE(?7, mode)",
            params![
                name,
                &hash[..],
                now,
                o.max_body.map(|n| n as i64),
                o.max_backlog.map(|n| n as i64),
                o.rate,
                o.mode.map(mode_str)
            ],
        )?;
        Ok(existing.is_some())
    }

    /// Takes `name`'s token away; its deliveries stay for a client with a new one.
    /// Returns whether it had one.
    pub fn revoke(&self, name: &str) -> anyhow::Result<bool> {
        let n = self
            .conn
            .execute("UPDATE channels SET token_hash = NULL WHERE name = ?1 AND token_hash IS NOT NULL", [name])?;
        Ok(n == 1)
    }

    /// Every channel, by name, with how many deliveries it holds.
    pub fn channels(&self) -> anyhow::Result<Vec<Channel>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, token_hash, created_at, last_used_at, max_body, max_backlog, rate, mode, client_mode,
                (SELECT count(*) FROM buffered b WHERE b.channel = c.name)
             FROM channels c ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            let hash: Option<Vec<u8>> = r.get(1)?;
            Ok(Channel {
                name: r.get(0)?,
                token_hash: hash.and_then(|h| TokenHash::try_from(h.as_slice()).ok()),
                created_at: r.get(2)?,
                last_used_at: r.get(3)?,
                overrides: Overrides {
                    max_body: r.get::<_, Option<i64>>(4)?.map(|n| n as u64),
                    max_backlog: r.get::<_, Option<i64>>(5)?.map(|n| n as u64),
                    rate: r.get(6)?,
                    mode: mode_of(r.get(7)?),
                },
                client_mode: mode_of(r.get(8)?),
                backlog: r.get::<_, i64>(9)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every held delivery's number and size, by channel, in order: what a restart resumes.
    pub fn held(&self) -> anyhow::Result<Vec<(String, Held)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT channel, seq, length(body) + length(headers) + length(path) FROM buffered ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, Held { seq: r.get::<_, i64>(1)? as u64, size: r.get::<_, i64>(2)? as u64 }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The held deliveries numbered `seqs` (those still held), in the order asked.
    pub fn load(&self, seqs: &[u64]) -> anyhow::Result<Vec<Delivery>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT received_at, method, path, query, headers, remote, body FROM buffered WHERE seq = ?1",
        )?;
        let mut out = Vec::with_capacity(seqs.len());
        for &seq in seqs {
            let row = stmt
                .query_row([seq as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Vec<u8>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Vec<u8>>(6)?,
                    ))
                })
                .optional()?;
            let Some((received_at, method, path, query, headers, remote, body)) = row else { continue };
            let headers = decode_headers(Bytes::from(headers)).with_context(|| format!("held delivery {seq}"))?;
            out.push(Delivery {
                seq,
                redelivered: true,
                wants_answer: false,
                received_at,
                method,
                path,
                query,
                headers,
                remote,
                body: Bytes::from(body),
            });
        }
        Ok(out)
    }

    /// Commits stop waiting for the disk, and report whether the file is in WAL mode,
    /// whose log the caller then syncs itself before anyone hears "committed" (see
    /// [`crate::store::wal_sync`]); otherwise commits stay synced by SQLite.
    pub(super) fn sync_log_apart(&self) -> rusqlite::Result<bool> {
        let mode: String = self.conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        let wal = mode.eq_ignore_ascii_case("wal");
        if wal {
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        Ok(wal)
    }

    /// The raw connection, for the committer's transactions.
    pub(super) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Stores `d` for `channel` inside the caller's transaction; returns its number.
pub(super) fn insert_in(tx: &rusqlite::Transaction<'_>, channel: &str, d: &Delivery) -> rusqlite::Result<u64> {
    let mut headers = BytesMut::new();
    put_headers(&mut headers, &d.headers);
    tx.prepare_cached(
        "INSERT INTO buffered (channel, received_at, method, path, query, headers, remote, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![channel, d.received_at, d.method, d.path, d.query, &headers[..], d.remote, &d.body[..]])?;
    Ok(tx.last_insert_rowid() as u64)
}

/// Forgets delivery `seq` (its client has it) inside the caller's transaction.
pub(super) fn delete_in(tx: &rusqlite::Transaction<'_>, seq: u64) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM buffered WHERE seq = ?1")?.execute([seq as i64])?;
    Ok(())
}

/// Notes a client's connection and the mode it asked for, inside the caller's transaction.
pub(super) fn connected_in(tx: &rusqlite::Transaction<'_>, channel: &str, mode: Mode, at: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE channels SET last_used_at = ?2, client_mode = ?3 WHERE name = ?1")?.execute(params![
        channel,
        at,
        mode_str(mode)
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tunnel::tokens;

    #[test]
    fn channels_keep_a_hash_limits_and_survive_a_revoke_with_their_backlog() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("serve.db")).unwrap();
        let origin = db.origin().unwrap();
        assert_eq!(origin.len(), 32);
        let token = tokens::generate();
        let limits = Overrides { rate: Some(5), mode: Some(Mode::Passthrough), ..Overrides::default() };
        assert!(!db.add_channel("dev", &tokens::hash(token.expose()), &limits, false).unwrap());
        let err = db.add_channel("dev", &tokens::hash("other"), &Overrides::default(), false).unwrap_err();
        assert!(err.to_string().contains("already has a token"), "{err}");
        let d = Delivery {
            seq: 0,
            redelivered: false,
            wants_answer: false,
            received_at: 5,
            method: "POST".into(),
            path: "/x".into(),
            query: None,
            headers: vec![(Bytes::from_static(b"a"), Bytes::from_static(b"\xff"))],
            remote: None,
            body: Bytes::from_static(b"\x00body"),
        };
        let tx = db.conn_mut().transaction().unwrap();
        let seq = insert_in(&tx, "dev", &d).unwrap();
        tx.commit().unwrap();
        assert!(db.revoke("dev").unwrap());
        assert!(!db.revoke("dev").unwrap(), "revoked once");
        let channels = db.channels().unwrap();
        assert_eq!((channels[0].token_hash, channels[0].backlog), (None, 1));
        assert_eq!(channels[0].overrides, limits);
        let loaded = db.load(&[seq, seq + 100]).unwrap();
        assert_eq!(loaded, vec![Delivery { seq, redelivered: true, ..d }]);
        // A new token for a revoked channel keeps its limits and its backlog.
        assert!(db.add_channel("dev", &tokens::hash("new"), &Overrides::default(), false).unwrap());
        assert_eq!(db.channels().unwrap()[0].overrides.rate, Some(5));
        drop(db);
        assert_eq!(Db::open(&dir.path().join("serve.db")).unwrap().origin().unwrap(), origin, "kept with the file");
    }
}
