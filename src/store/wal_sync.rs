//! Syncing a WAL-mode database's log from outside SQLite.
//!
//! The writer thread commits with `synchronous=NORMAL`, which writes a commit
//! to the `-wal` file without waiting for the disk, and hands the batch to a
//! second thread that syncs that file before anyone hears "committed". One
//! sync then covers every batch committed while the previous sync ran, and the
//! writer builds the next transaction while the disk works. What survives power
//! loss is the same as with `synchronous=FULL`: a commit is acknowledged only
//! once its frames are on disk. SQLite itself still syncs the log before a
//! checkpoint and the database after one, and the log's header when it is reused.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The `-wal` file of one database, opened lazily and reopened if it is replaced.
#[derive(Debug)]
pub(crate) struct WalFile {
    path: PathBuf,
    open: Option<(File, u64)>,
}

impl WalFile {
    /// The log that belongs to the database at `db`: SQLite names it after the file a
    /// symlink leads to, not after the link.
    pub(crate) fn of(db: &Path) -> WalFile {
        let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let mut path = db.into_os_string();
        path.push("-wal");
        WalFile { path: PathBuf::from(path), open: None }
    }

    /// Makes everything written to the log so far durable.
    ///
    /// SQLite keeps the same file while any connection is open, but checks the
    /// inode anyway: a log deleted and recreated behind our back would make a
    /// sync of the old one meaningless.
    pub(crate) fn sync(&mut self) -> io::Result<()> {
        let inode = inode(&std::fs::metadata(&self.path)?);
        if self.open.as_ref().is_none_or(|(_, open)| *open != inode) {
            // Write access: some systems (Windows) refuse to flush a read-only handle.
            let file = std::fs::OpenOptions::new().write(true).open(&self.path)?;
            let opened = inode_of(&file)?;
            // A new file's name must be durable too, or a power loss could take the log with it.
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                sync_dir(dir)?;
            }
            self.open = Some((file, opened));
        }
        let (file, _) = self.open.as_ref().expect("opened above");
        file.sync_data()
    }

    /// Whether a sync has opened the log (for tests).
    #[cfg(test)]
    pub(super) fn opened_inode(&self) -> Option<u64> {
        self.open.as_ref().map(|(_, inode)| *inode)
    }
}

fn inode_of(file: &File) -> io::Result<u64> {
    Ok(inode(&file.metadata()?))
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syncs_the_log_next_to_the_database_and_follows_a_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let mut wal = WalFile::of(&db);
        let missing = wal.sync().unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound, "no log yet: nothing can be promised");

        let log = dir.path().join("x.db-wal");
        std::fs::write(&log, b"frames").unwrap();
        wal.sync().unwrap();
        let first = wal.opened_inode().unwrap();
        assert_eq!(first, inode(&std::fs::metadata(&log).unwrap()));

        // Keep the old inode alive so the new file cannot reuse its number.
        let _old = File::open(&log).unwrap();
        std::fs::remove_file(&log).unwrap();
        std::fs::write(&log, b"new frames").unwrap();
        wal.sync().unwrap();
        let second = wal.opened_inode().unwrap();
        assert_ne!(first, second, "a replaced log is reopened");
        assert_eq!(second, inode(&std::fs::metadata(&log).unwrap()));
    }
}
