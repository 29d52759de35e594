//! The writer thread: concurrent and queued writes committed in order before the reply,
//! failures reported per write, sent deliveries recorded, syncing checked.

use super::*;

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
