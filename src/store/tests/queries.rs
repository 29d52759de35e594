//! Reading back: ids by prefix, listing by filter, and pending rows paged without bodies.

use super::*;

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
