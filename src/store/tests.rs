//! Store tests: migrations, refusal of newer schemas, inserts, queries, the writer.

use bytes::Bytes;
use http::HeaderMap;

use super::*;
use crate::provider::SignatureState;

fn delivery(provider: &str, pid: Option<&str>, event: &str) -> NewDelivery {
    let mut headers = HeaderMap::new();
    headers.append("x-a", "1".parse().unwrap());
    headers.append("x-a", "2".parse().unwrap());
    let mut d = NewDelivery::request(Source::Listen, "POST", "/hook", headers, Bytes::from_static(b"\x00\xffbody"));
    d.provider = Some(provider.into());
    d.provider_delivery_id = pid.map(Into::into);
    d.event = Some(event.into());
    d.signature = SignatureState::Valid;
    d
}

/// A forward attempt for delivery `id` that got a 200.
fn answered_200(id: &str) -> NewAttempt {
    NewAttempt {
        delivery_id: id.to_string(),
        kind: "forward",
        target: "http://t".into(),
        started_at: 1,
        duration_us: 2,
        status: Some(200),
        response_headers: None,
        response_body: None,
        response_size: 0,
        error: None,
    }
}

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
fn insert_keeps_every_byte_and_flags_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let first = delivery("nudj", Some("evt_1"), "user.registered");
    assert_eq!(store.insert(&first).unwrap().duplicate_of, None);
    let again = delivery("nudj", Some("evt_1"), "user.registered");
    assert_eq!(store.insert(&again).unwrap().duplicate_of.as_deref(), Some(first.id.as_str()));
    // Same id at another provider is not a duplicate.
    assert_eq!(store.insert(&delivery("github", Some("evt_1"), "push")).unwrap().duplicate_of, None);

    let back = store.get(&first.id).unwrap();
    assert_eq!(&back.body[..], b"\x00\xffbody");
    assert_eq!(back.headers.get_all("x-a").iter().collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(back.signature.as_str(), "valid");
    assert_eq!(store.get(&again.id).unwrap().duplicate_of.as_deref(), Some(first.id.as_str()));
}

#[test]
fn get_accepts_unique_prefixes_and_explains_ambiguity() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let a = delivery("nudj", None, "x");
    let b = delivery("nudj", None, "x");
    store.insert_batch(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(store.get(&a.id.to_lowercase()).unwrap().id, a.id);
    let common = a.id.chars().zip(b.id.chars()).take_while(|(x, y)| x == y).count();
    let err = store.get(&a.id[..common]).unwrap_err();
    assert!(matches!(err, query::IdError::Ambiguous { count: 2, .. }), "{err}");
    assert!(matches!(store.get("ZZZZ").unwrap_err(), query::IdError::NotFound(_)));
}

#[test]
fn list_filters_by_event_leniently_state_provider_and_last() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let mut rows = vec![
        delivery("nexudus", None, "Coworker Update"),
        delivery("nexudus", None, "Coworker Create"),
        delivery("nexadesk", None, "lead.created"),
    ];
    rows[2].state = State::Rejected;
    store.insert_batch(&rows).unwrap();

    let by_event = store.list(&Filter { event: Some("coworker-update".into()), ..Filter::default() }).unwrap();
    assert_eq!(by_event.len(), 1);
    assert_eq!(by_event[0].event.as_deref(), Some("Coworker Update"));
    let rejected = store.list(&Filter { state: Some(State::Rejected), ..Filter::default() }).unwrap();
    assert_eq!(rejected.len(), 1);
    let nexudus = store.list(&Filter { provider: Some("NEXUDUS".into()), ..Filter::default() }).unwrap();
    assert_eq!(nexudus.len(), 2);
    let last2 = store.list(&Filter { last: Some(2), ..Filter::default() }).unwrap();
    assert_eq!(last2.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), [rows[1].id.clone(), rows[2].id.clone()]);
    let after = store.deliveries(&Filter::default(), &crate::store::Page::after(last2[0].seq, 10)).unwrap();
    assert_eq!(after.len(), 1);
}

#[test]
fn attempts_move_state_and_cap_response_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let mut d = delivery("github", None, "push");
    d.state = State::Pending;
    store.insert(&d).unwrap();
    assert_eq!(store.pending(10).unwrap().len(), 1);
    let big = Bytes::from(vec![b'x'; RESPONSE_BODY_CAP + 10]);
    let attempt = NewAttempt {
        delivery_id: d.id.clone(),
        kind: "forward",
        target: "http://127.0.0.1:1/".into(),
        started_at: 1,
        duration_us: 1500,
        status: Some(503),
        response_headers: Some(HeaderMap::new()),
        response_body: Some(big),
        response_size: RESPONSE_BODY_CAP + 10,
        error: None,
    };
    store.record_attempt(&attempt, State::Dead, None).unwrap();
    let back = store.get(&d.id).unwrap();
    assert_eq!((back.state.as_str(), back.attempts, back.last_status), ("dead", 1, Some(503)));
    let attempts = store.attempts(&d.id).unwrap();
    assert_eq!(attempts[0].response_body.len(), RESPONSE_BODY_CAP);
    assert_eq!(attempts[0].response_size, Some(RESPONSE_BODY_CAP as i64 + 10));
    assert!(store.pending(10).unwrap().is_empty());
}

#[test]
fn prune_never_removes_deliveries_waiting_to_be_forwarded() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let mut rows: Vec<_> = (0..4).map(|_| delivery("github", None, "push")).collect();
    rows[0].state = State::Pending;
    // Received long ago: the time and the id's time part agree, as for every stored delivery.
    for (i, row) in rows.iter_mut().take(2).enumerate() {
        row.received_at = i as i64 + 1;
        row.id = id_floor(row.received_at);
    }
    store.insert_batch(&rows).unwrap();
    // By age: the old pending one stays, the old recorded one goes.
    assert_eq!(store.prune(Some(1), None).unwrap(), 1);
    // By count: keep 1 newest, but never the pending one.
    assert_eq!(store.prune(None, Some(1)).unwrap(), 1);
    let left: Vec<String> = store.list(&Filter::default()).unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(left, [rows[0].id.clone(), rows[3].id.clone()]);
}

#[test]
fn prune_keeps_the_newest_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let rows: Vec<_> = (0..5).map(|_| delivery("github", None, "push")).collect();
    store.insert_batch(&rows).unwrap();
    assert_eq!(store.prune(None, Some(2)).unwrap(), 3);
    let left = store.list(&Filter::default()).unwrap();
    assert_eq!(left.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), [rows[3].id.clone(), rows[4].id.clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writer_commits_concurrent_inserts_before_replying() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let (writer, handle) = Writer::spawn(&path, 64).unwrap();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let w = writer.clone();
        tasks.push(tokio::spawn(async move { w.insert(delivery("nudj", Some(&format!("e{}", i % 100)), "x")).await }));
    }
    let mut duplicates = 0;
    for t in tasks {
        if t.await.unwrap().unwrap().duplicate_of.is_some() {
            duplicates += 1;
        }
    }
    assert_eq!(duplicates, 100);
    // Every reply meant "committed": a fresh connection sees all rows.
    let reader = Store::open(&path).unwrap();
    assert_eq!(reader.list(&Filter::default()).unwrap().len(), 200);
    drop(writer);
    handle.join();
}

#[tokio::test]
async fn writer_reports_failures_per_write() {
    let dir = tempfile::tempdir().unwrap();
    let (writer, handle) = Writer::spawn(&dir.path().join("w.db"), 8).unwrap();
    let d = delivery("nudj", None, "x");
    writer.insert(d.clone()).await.unwrap();
    // Same primary key again: this write fails, the writer keeps going.
    assert!(writer.insert(d).await.is_err());
    assert!(writer.insert(delivery("nudj", None, "y")).await.is_ok());
    drop(writer);
    handle.join();
}

#[tokio::test]
async fn a_durable_writer_acknowledges_only_what_it_could_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let (writer, handle) = Writer::spawn(&path, 8).unwrap();
    writer.insert(delivery("nudj", None, "x")).await.unwrap();
    // SQLite goes on writing to the file it has open, but the log at the path is
    // gone: nothing written now can be promised to survive, so nothing is acknowledged.
    std::fs::remove_file(dir.path().join("w.db-wal")).unwrap();
    let err = writer.insert(delivery("nudj", None, "y")).await.unwrap_err();
    assert!(err.to_string().contains("could not be synced"), "{err}");
    drop(writer);
    handle.join();
}

#[test]
fn pending_refs_page_through_pending_rows_without_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p.db")).unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut d = delivery("github", None, "push");
        d.target = Some("http://127.0.0.1:9/t".into());
        d.route = Some("/gh".into());
        d.state = if i == 2 { State::Forwarded } else { State::Pending };
        d.next_attempt_at = Some(1000 + i);
        store.insert(&d).unwrap();
        if i != 2 {
            ids.push(d.id.clone());
        }
    }
    let first = store.pending_refs(0, 3).unwrap();
    assert_eq!(first.len(), 3);
    let rest = store.pending_refs(first.last().unwrap().seq, 3).unwrap();
    let got: Vec<String> = first.iter().chain(&rest).map(|r| r.id.clone()).collect();
    assert_eq!(got, ids);
    assert_eq!(first[0].target.as_deref(), Some("http://127.0.0.1:9/t"));
    assert_eq!(first[0].route.as_deref(), Some("/gh"));
    assert_eq!(first[0].next_attempt_at, Some(1000));
    assert!(store.pending_refs(rest.last().unwrap().seq, 3).unwrap().is_empty());
}

#[tokio::test]
async fn queued_writes_commit_in_order_and_report_when_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.db");
    let (writer, handle) = Writer::spawn(&path, 8).unwrap();
    let mut d = delivery("github", None, "push");
    d.state = State::Pending;
    let id = d.id.clone();
    let inserted = writer.queue_insert(d).await.unwrap();
    // Queued behind the insert, so the attempt never sees a missing delivery.
    let attempt = answered_200(&id);
    let recorded = writer.queue_attempt(attempt, State::Forwarded, None).await.unwrap();
    assert_eq!(inserted.committed().await.unwrap().duplicate_of, None);
    assert!(recorded.committed().await.unwrap() > 0);
    let store = Store::open(&path).unwrap();
    assert_eq!((store.get(&id).unwrap().state.as_str(), store.get(&id).unwrap().attempts), ("forwarded", 1));
    drop(writer);
    handle.join();
}

#[tokio::test]
async fn writer_records_sent_deliveries_with_their_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let (writer, handle) = Writer::spawn(&path, 8).unwrap();
    let sent: Vec<SentDelivery> = [(Some(200), State::Forwarded), (None, State::Failed)]
        .into_iter()
        .map(|(status, state)| {
            let d = delivery("github", None, "push");
            let attempt = NewAttempt {
                delivery_id: d.id.clone(),
                kind: "send",
                target: "http://127.0.0.1:9/hook".into(),
                started_at: 1,
                duration_us: 1500,
                status,
                response_headers: None,
                response_body: status.map(|_| Bytes::from_static(b"ok")),
                response_size: 2,
                error: status.is_none().then(|| "connection refused".to_string()),
            };
            SentDelivery { delivery: d, attempt, state }
        })
        .collect();
    assert_eq!(writer.record_sent(sent.clone()).await.unwrap(), 2);
    drop(writer);
    handle.join();
    let reader = Store::open(&path).unwrap();
    for s in &sent {
        let got = reader.get(&s.delivery.id).unwrap();
        assert_eq!(got.state, s.state);
        assert_eq!(got.attempts, 1);
        assert_eq!(got.last_status, s.attempt.status.map(i64::from));
        assert_eq!(got.target.as_deref(), Some("http://127.0.0.1:9/hook"));
        assert_eq!(got.last_error, s.attempt.error);
        assert_eq!(got.last_duration_us, Some(1500));
        let attempts = reader.attempts(&s.delivery.id).unwrap();
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].error, s.attempt.error);
    }
}

#[test]
fn duplicates_of_deliveries_stored_before_a_restart_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let first = delivery("nudj", Some("evt_1"), "x");
    {
        let mut store = Store::open(&path).unwrap();
        store.insert(&first).unwrap();
        store.insert(&delivery("nudj", Some("evt_1"), "x")).unwrap();
        store.insert(&delivery("nudj", Some("evt_2"), "x")).unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let again = store.insert(&delivery("nudj", Some("evt_1"), "x")).unwrap();
    assert_eq!(again.duplicate_of.as_deref(), Some(first.id.as_str()), "points at the first receipt, not a copy");
    assert_eq!(store.insert(&delivery("nudj", Some("evt_3"), "x")).unwrap().duplicate_of, None);
}

#[test]
fn a_remembered_id_is_confirmed_against_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db")).unwrap();
    let other = delivery("nudj", Some("evt_other"), "x");
    store.insert(&other).unwrap();
    // As if evt_1 hashed like evt_other: the row says otherwise, so no duplicate.
    let seq: i64 = store.conn().query_row("SELECT seq FROM deliveries", [], |r| r.get(0)).unwrap();
    store.seen.pretend("nudj", "evt_1", seq);
    let first = delivery("nudj", Some("evt_1"), "x");
    assert_eq!(store.insert(&first).unwrap().duplicate_of, None);
    let again = store.insert(&delivery("nudj", Some("evt_1"), "x")).unwrap();
    assert_eq!(again.duplicate_of.as_deref(), Some(first.id.as_str()), "the real first receipt took its place");

    // A first receipt that is gone (pruned) is no original: the next copy becomes one.
    store.conn().execute("DELETE FROM deliveries", []).unwrap();
    let fresh = delivery("nudj", Some("evt_1"), "x");
    assert_eq!(store.insert(&fresh).unwrap().duplicate_of, None);
    let copy = store.insert(&delivery("nudj", Some("evt_1"), "x")).unwrap();
    assert_eq!(copy.duplicate_of.as_deref(), Some(fresh.id.as_str()));
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

#[test]
fn sent_and_replayed_deliveries_are_never_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let received = delivery("nudj", Some("evt_1"), "x");
    store.insert(&received).unwrap();
    for source in [Source::Send, Source::Replay] {
        let mut d = delivery("nudj", Some("evt_1"), "x");
        d.source = source;
        assert_eq!(store.insert(&d).unwrap().duplicate_of, None, "{source:?}");
    }
    // A second receipt is still caught, and points at the first receipt.
    let again = delivery("nudj", Some("evt_1"), "x");
    assert_eq!(store.insert(&again).unwrap().duplicate_of.as_deref(), Some(received.id.as_str()));
}

#[test]
fn ids_never_sort_before_their_receipt_time() {
    for _ in 0..1000 {
        let d = delivery("nudj", None, "x");
        assert!(d.id >= id_floor(d.received_at), "{} received at {}", d.id, d.received_at);
        assert!(d.id < id_floor(d.received_at + 1000), "the id's time is the receipt time, not later");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let mut old = delivery("nudj", None, "x");
    old.received_at -= 60_000;
    let new = delivery("nudj", None, "x");
    store.insert_batch(&[old, new.clone()]).unwrap();
    let since = store.list(&Filter { since: Some(new.received_at), ..Filter::default() }).unwrap();
    assert_eq!(since.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), [new.id]);
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

#[tokio::test]
async fn a_detached_write_still_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detached.db");
    let (writer, handle) = Writer::spawn(&path, 8).unwrap();
    let mut d = delivery("github", None, "push");
    d.state = State::Pending;
    let id = d.id.clone();
    writer.insert(d).await.unwrap();
    let attempt = answered_200(&id);
    // Nobody waits for this one, as the forwarder does not.
    drop(writer.queue_attempt(attempt, State::Forwarded, None).await.unwrap());
    drop(writer);
    handle.join();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.get(&id).unwrap().state, State::Forwarded);
    assert_eq!(store.attempts(&id).unwrap().len(), 1);
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
