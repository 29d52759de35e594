//! Pruning by age and by count, which never removes what still waits to be forwarded.

use super::*;

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
