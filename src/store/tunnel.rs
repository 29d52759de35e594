//! The deliveries the tunnel carried, by the tunnel server's id for them.

use rusqlite::OptionalExtension;

use super::Store;

impl Store {
    /// The delivery stored for the tunnel server's `tunnel_id`, if one is.
    pub fn tunnel_delivery(&self, tunnel_id: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .prepare_cached("SELECT id FROM deliveries WHERE tunnel_id = ?1")?
            .query_row([tunnel_id], |r| r.get(0))
            .optional()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{NewDelivery, Source};
    use super::*;

    #[test]
    fn a_tunnel_delivery_is_found_by_its_tunnel_id_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let mut d = NewDelivery::request(Source::Tunnel, "POST", "/", Default::default(), Default::default());
        d.tunnel_id = Some("origin:7".into());
        store.insert(&d).unwrap();
        assert_eq!(store.tunnel_delivery("origin:7").unwrap(), Some(d.id.clone()));
        assert_eq!(store.tunnel_delivery("origin:8").unwrap(), None);
        let mut again = NewDelivery::request(Source::Tunnel, "POST", "/", Default::default(), Default::default());
        again.tunnel_id = Some("origin:7".into());
        assert!(store.insert(&again).is_err(), "the same tunnel delivery is never stored twice");
    }
}
