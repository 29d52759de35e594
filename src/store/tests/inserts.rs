//! Inserts and duplicates: every byte kept, attempts recorded, repeats flagged (across a
//! restart too) and only among received deliveries, ids in receipt-time order.

use super::*;

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
