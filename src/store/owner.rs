//! One relay per database: the relay that runs owns the pending work stored in
//! its database, so a second `listen` on the same file would forward that work a
//! second time. A lock file next to the database (`<db>-listen.lock`) holds the
//! claim; the operating system releases it when the process ends, however it ends.
//! The file also says which process holds it and where that relay listens, so
//! `tail` can say whether a relay is running and `send` can find it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::usage_hint;

/// The claim on a database; released when dropped (or when the process ends).
/// The file itself stays: removing it could let two relays lock two different files.
#[derive(Debug)]
pub struct Owner {
    _file: File,
}

/// The lock file that belongs to the database at `db`: next to the file a symlink
/// leads to, as SQLite opens that file whatever name it was given.
pub fn lock_path(db: &Path) -> PathBuf {
    let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let mut name = db.into_os_string();
    name.push("-listen.lock");
    PathBuf::from(name)
}

/// A relay running on a database, as its lock file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayLock {
    /// The relay's process id.
    pub pid: u32,
    /// Where it listens (`http://127.0.0.1:5757`), when it said.
    pub url: Option<String>,
}

/// The relay running on `db`, if one is: its lock is held. Reading never takes the
/// claim for longer than the check itself, and a relay starting at that instant waits
/// for the check to end (see [`claim`]).
pub fn running_relay(db: &Path) -> Option<RelayLock> {
    let path = lock_path(db);
    let mut file = OpenOptions::new().read(true).open(&path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let mut lines = text.lines();
            let pid = lines.next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
            let url = lines.next().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned);
            Some(RelayLock { pid, url })
        }
        Err(TryLockError::Error(_)) => None,
    }
}

/// Claims `db` for this relay listening at `url`, or says which process holds it.
pub fn claim(db: &Path, url: Option<&str>) -> anyhow::Result<Owner> {
    let path = lock_path(db);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            usage_hint(format!("cannot create {}: {e}", dir.display()), "pass --db with a writable path")
        })?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .map_err(|e| usage_hint(format!("cannot open {}: {e}", path.display()), "pass --db with a writable path"))?;
    // A reader asking whether a relay runs holds a shared lock for an instant; wait it out.
    let mut tried = 0;
    let locked = loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if tried < 5 => {
                tried += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other,
        }
    };
    match locked {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let who = match holder.lines().next().unwrap_or_default().trim() {
                "" => "another hooktap listen".to_owned(),
                pid => format!("another hooktap listen (pid {pid})"),
            };
            return Err(usage_hint(
                format!(
                    "{who} is already relaying with the database {}; a second relay would forward its pending deliveries again",
                    db.display()
                ),
                "stop that relay, or pass --db PATH to record this one somewhere else",
            ));
        }
        Err(TryLockError::Error(e)) => {
            return Err(usage_hint(
                format!("cannot lock {}: {e}", path.display()),
                "pass --db with a path on a local file system",
            ));
        }
    }
    // Who holds it, for the message a second relay prints; the lock is what counts.
    let _ = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| {
        writeln!(file, "{}", std::process::id())?;
        url.map_or(Ok(()), |u| writeln!(file, "{u}"))
    });
    Ok(Owner { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_on_a_database_is_refused_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub").join("hooktap.db");
        assert_eq!(running_relay(&db), None);
        let first = claim(&db, Some("http://127.0.0.1:5757")).unwrap();
        let running = running_relay(&db).expect("a relay holds the claim");
        assert_eq!((running.pid, running.url.as_deref()), (std::process::id(), Some("http://127.0.0.1:5757")));
        let err = crate::error::render(&claim(&db, None).unwrap_err());
        assert!(err.contains(&format!("(pid {})", std::process::id())), "{err}");
        assert!(err.contains("is already relaying with the database"), "{err}");
        drop(first);
        assert_eq!(running_relay(&db), None, "released with the claim");
        let _again = claim(&db, None).unwrap();
        // Another database is another claim.
        let _other = claim(&dir.path().join("other.db"), None).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_claimed_database_is_the_same_claim() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("real.db");
        std::fs::write(&db, b"").unwrap();
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let _first = claim(&db, None).unwrap();
        assert!(running_relay(&link).is_some());
        assert!(claim(&link, None).is_err(), "the link leads to the same database");
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(lock_path(&db)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "private, like the database");
    }
}
