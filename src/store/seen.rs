//! The duplicate check's memory: which provider delivery ids were received lately.
//!
//! An index on provider delivery ids puts each new id on a random page, so
//! every stored delivery made SQLite rewrite one more page in the log and again
//! at the checkpoint. With realistic ids (GitHub's and Stripe's are random) that
//! made recording about 40% slower, and slower as the database grew. Instead, the
//! ids of the latest received deliveries live here as 64-bit hashes, each naming
//! the first row that carried it. They are loaded on first use from a small index
//! ordered by arrival, which new rows only append to. A hit is confirmed against
//! its row, so a hash collision, a rolled-back row or a pruned one never flags a
//! false duplicate.
//!
//! What this gives up: a duplicate of a delivery older than the last
//! `2 × GENERATION` received ones, or one received by another process writing
//! the same database since this one loaded, is not flagged.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rusqlite::{Connection, OptionalExtension, params};

/// Ids per generation; two are kept, so between this many and twice it are remembered.
/// 200,000 fill a hash table of 2^18 slots: about 4.5 MB each.
const GENERATION: usize = 200_000;

/// The most recent received deliveries' provider and id, by arrival (`seq`), from the
/// partial index `deliveries_received_recent`, which holds exactly these rows.
pub(super) const RECENT: &str =
    "SELECT seq, provider, provider_delivery_id FROM deliveries INDEXED BY deliveries_received_recent
    WHERE provider_delivery_id IS NOT NULL AND source IN ('listen', 'tunnel') ORDER BY seq DESC LIMIT ?1";

/// Received provider delivery ids, hashed, each with the `seq` of the first row that carried it.
#[derive(Debug)]
pub(super) struct Seen {
    current: HashMap<u64, i64>,
    previous: HashMap<u64, i64>,
    generation: usize,
    loaded: bool,
}

impl Default for Seen {
    fn default() -> Self {
        Seen::with_generation(GENERATION)
    }
}

impl Seen {
    fn with_generation(generation: usize) -> Seen {
        Seen { current: HashMap::new(), previous: HashMap::new(), generation, loaded: false }
    }

    fn key(provider: &str, id: &str) -> u64 {
        let mut h = DefaultHasher::new();
        (provider, id).hash(&mut h);
        h.finish()
    }

    fn first(&self, key: u64) -> Option<i64> {
        self.current.get(&key).or_else(|| self.previous.get(&key)).copied()
    }

    /// Notes that row `seq` carried `key`, unless an earlier row did.
    fn remember(&mut self, key: u64, seq: i64) {
        if self.first(key).is_some() {
            return;
        }
        if self.current.len() >= self.generation {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(key, seq);
    }

    fn forget(&mut self, key: u64) {
        self.current.remove(&key);
        self.previous.remove(&key);
    }

    fn load(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare(RECENT)?;
        let rows = stmt.query_map(params![(2 * self.generation) as i64], |r| {
            Ok((r.get::<_, i64>(0)?, Seen::key(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?)))
        })?;
        let mut recent = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        // Oldest first, so each id keeps its first row and the newest fill `current`.
        recent.reverse();
        for (seq, key) in recent {
            self.remember(key, seq);
        }
        self.loaded = true;
        Ok(())
    }

    /// The id of the first stored received delivery with this provider and
    /// provider delivery id, if one is remembered.
    pub(super) fn duplicate_of(
        &mut self,
        conn: &Connection,
        provider: &str,
        id: &str,
    ) -> rusqlite::Result<Option<String>> {
        if !self.loaded {
            self.load(conn)?;
        }
        let key = Seen::key(provider, id);
        let Some(seq) = self.first(key) else { return Ok(None) };
        let row: Option<(String, Option<String>, Option<String>)> = conn
            .prepare_cached("SELECT id, provider, provider_delivery_id FROM deliveries WHERE seq = ?1")?
            .query_row(params![seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match row {
            Some((first, Some(p), Some(i))) if p == provider && i == id => Ok(Some(first)),
            // Another id with the same hash, or a row rolled back or pruned since:
            // this delivery becomes the first.
            _ => {
                self.forget(key);
                Ok(None)
            }
        }
    }

    /// Notes that the received delivery just stored as row `seq` carried this id.
    pub(super) fn received(&mut self, provider: &str, id: &str, seq: i64) {
        self.remember(Seen::key(provider, id), seq);
    }

    /// Makes the next check think row `seq` carried this id (for tests of the confirmation).
    #[cfg(test)]
    pub(super) fn pretend(&mut self, provider: &str, id: &str, seq: i64) {
        self.loaded = true;
        let key = Seen::key(provider, id);
        self.forget(key);
        self.remember(key, seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_row_and_two_generations() {
        let mut seen = Seen::with_generation(2);
        seen.remember(1, 10);
        seen.remember(1, 11);
        assert_eq!(seen.first(1), Some(10), "the first row stays");
        seen.remember(2, 20);
        seen.remember(3, 30); // starts a generation: 1 and 2 move to `previous`
        assert_eq!((seen.first(1), seen.first(3)), (Some(10), Some(30)));
        seen.remember(4, 40);
        seen.remember(5, 50); // another: 1 and 2 are forgotten
        assert_eq!((seen.first(1), seen.first(2)), (None, None));
        assert_eq!((seen.first(3), seen.first(4), seen.first(5)), (Some(30), Some(40), Some(50)));
    }
}
