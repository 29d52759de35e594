//! One relay per database: the relay that runs owns the pending work stored in
//! its database, so a second `listen` on the same file would forward that work a
//! second time. A lock file next to the database (`<db>-listen.lock`) holds the
//! claim; the operating system releases it when the process ends, however it ends.

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

/// Claims `db` for this relay, or says which process holds it.
pub fn claim(db: &Path) -> anyhow::Result<Owner> {
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
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let who = match holder.trim() {
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
    let _ = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| writeln!(file, "{}", std::process::id()));
    Ok(Owner { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_on_a_database_is_refused_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub").join("hooktap.db");
        let first = claim(&db).unwrap();
        let err = crate::error::render(&claim(&db).unwrap_err());
        assert!(err.contains(&format!("(pid {})", std::process::id())), "{err}");
        assert!(err.contains("is already relaying with the database"), "{err}");
        drop(first);
        let _again = claim(&db).unwrap();
        // Another database is another claim.
        let _other = claim(&dir.path().join("other.db")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_claimed_database_is_the_same_claim() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("real.db");
        std::fs::write(&db, b"").unwrap();
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let _first = claim(&db).unwrap();
        assert!(claim(&link).is_err(), "the link leads to the same database");
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(lock_path(&db)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "private, like the database");
    }
}
