//! [`Reader`]: a read connection that async code shares, used off the reactor.

use std::sync::{Arc, Mutex};

use anyhow::Context;

use super::Store;

/// A read connection shared by the tasks that look rows up; used only through `spawn_blocking`.
#[derive(Debug, Clone)]
pub struct Reader(Arc<Mutex<Store>>);

impl Reader {
    /// Opens a second connection to the database for reads.
    pub fn open(path: &std::path::Path) -> anyhow::Result<Reader> {
        let store = Store::open(path).map_err(crate::store::StoreError::into_user_error)?;
        Ok(Reader(Arc::new(Mutex::new(store))))
    }

    /// Runs `f` with the connection on the blocking pool, off the reactor.
    pub async fn with<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> anyhow::Result<T> + Send + 'static,
    {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let store = inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&store)
        })
        .await
        .context("database read task failed")?
    }
}
