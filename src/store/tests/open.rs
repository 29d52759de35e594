//! Opening a database: creating and migrating it (and refusing a newer schema), the
//! indexes the hot queries use, the sync level, and the files' permissions.

use super::*;

#[test]
fn open_creates_directories_and_migrates_to_current() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/hooktap.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT);
    let mode: String = store.conn().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn migrates_an_old_database_forward_keeping_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database at version 0 that already holds an unrelated table.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE keep_me (x INTEGER); INSERT INTO keep_me VALUES (7);").unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT);
    let x: i64 = store.conn().query_row("SELECT x FROM keep_me", [], |r| r.get(0)).unwrap();
    assert_eq!(x, 7);
    // Opening again is a no-op.
    drop(store);
    assert_eq!(Store::open(&path).unwrap().schema_version().unwrap(), schema::CURRENT);
}

#[test]
fn refuses_a_database_from_a_newer_version_without_touching_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema::CURRENT + 5).unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found, .. } if found == schema::CURRENT + 5));
    assert!(err.to_string().contains("newer than this hooktap understands"));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, schema::CURRENT + 5);
}

#[test]
fn a_version_1_database_moves_to_the_leaner_indexes_keeping_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO deliveries (id, received_at, source, method, path, headers, body, body_size, signature, state)
             VALUES ('01K0000000000000000000000A', 1, 'listen', 'POST', '/', x'', x'00', 1, 'valid', 'pending')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT);
    let mut stmt = store
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    let names: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(names, ["deliveries_kind", "deliveries_pending", "deliveries_received_recent", "deliveries_tunnel_id"]);
    assert_eq!(store.pending_refs(0, 10).unwrap().len(), 1, "the pending row is still queued");
}

#[test]
fn durability_sets_the_sync_level_of_the_connection() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("d.db")).unwrap();
    let level = |s: &Store| -> i64 { s.conn().pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap() };
    assert_eq!(level(&store), 2, "opened FULL: the relay's durable-before-ack default");
    store.set_durability(Durability::ProcessCrash).unwrap();
    assert_eq!(level(&store), 1);
}

/// The plan SQLite picks for `sql`, one detail line per step.
fn plan(store: &Store, sql: &str) -> String {
    let mut stmt = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let n = stmt.parameter_count();
    let args: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3)).unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
}

#[test]
fn hot_queries_use_their_indexes_without_sorting() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("plan.db")).unwrap();
    let recent = plan(&store, seen::RECENT);
    assert!(
        recent.contains("USING COVERING INDEX deliveries_received_recent") && !recent.contains("TEMP B-TREE"),
        "{recent}"
    );
    let pending = plan(&store, "SELECT seq FROM deliveries WHERE state = 'pending' ORDER BY next_attempt_at");
    assert!(pending.contains("INDEX deliveries_pending") && !pending.contains("TEMP B-TREE"), "{pending}");
    let since = plan(&store, "SELECT seq FROM deliveries WHERE id >= ?1 AND received_at >= ?2");
    assert!(since.contains("USING INDEX sqlite_autoindex_deliveries_1 (id>?)"), "{since}");
}

#[cfg(unix)]
#[test]
fn a_new_database_and_its_wal_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.db");
    let mut store = Store::open(&path).unwrap();
    store.insert(&delivery("github", Some("p-1"), "push")).unwrap();
    for name in ["private.db", "private.db-wal", "private.db-shm"] {
        let mode = std::fs::metadata(dir.path().join(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name} has mode {mode:o}");
    }
}

#[test]
fn processes_opening_one_new_database_at_once_all_get_it_migrated() {
    // A relay and a tail started together both find an empty file and migrate it.
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hooktap.db");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Store::open(&path).map(|s| s.schema_version().unwrap()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for opener in openers {
            assert_eq!(opener.join().unwrap(), Ok(crate::store::schema::CURRENT));
        }
    }
}
