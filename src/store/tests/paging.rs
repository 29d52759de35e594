//! Store tests for readers: summaries paged by `seq` both ways, and every filter field.

use bytes::Bytes;
use http::HeaderMap;

use super::*;
use crate::provider::SignatureState;

fn row(i: usize) -> NewDelivery {
    let mut headers = HeaderMap::new();
    headers.append("x-n", i.to_string().parse().unwrap());
    let body = Bytes::from(format!("{{\"n\":{i},\"word\":\"{}\"}}", if i % 1000 == 7 { "needle" } else { "hay" }));
    let source = if i.is_multiple_of(2) { Source::Listen } else { Source::Send };
    let mut d = NewDelivery::request(source, "POST", "/hook", headers, body);
    d.provider = Some(["github", "stripe", "nexadesk"][i % 3].into());
    d.event = Some(format!("event.{}", i % 5));
    d.route = Some(if i.is_multiple_of(4) { "/a" } else { "/b" }.into());
    d.state = [State::Recorded, State::Rejected][usize::from(i.is_multiple_of(10))];
    d.signature = SignatureState::Valid;
    d
}

#[test]
fn summaries_page_through_ten_thousand_rows_forwards_and_backwards_one_page_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let rows: Vec<NewDelivery> = (0..10_000).map(row).collect();
    store.insert_batch(&rows).unwrap();
    let filter = Filter::default();
    let (mut seen, mut after, mut pages) = (Vec::new(), 0, 0);
    loop {
        let page = store.summaries(&filter, &Page::after(after, 256)).unwrap();
        assert!(page.len() <= 256, "a page never holds more than asked");
        let Some(last) = page.last() else { break };
        assert!(page.windows(2).all(|w| w[0].seq < w[1].seq), "oldest first");
        after = last.seq;
        pages += 1;
        seen.extend(page.into_iter().map(|s| s.id));
    }
    assert_eq!((seen.len(), pages), (10_000, 40));
    assert_eq!(seen, rows.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), "every row once, in order");
    let (mut back, mut before) = (Vec::new(), i64::MAX);
    loop {
        let page = store.summaries(&filter, &Page::before(before, 999)).unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        before = last.seq;
        back.extend(page.into_iter().map(|s| s.id));
    }
    back.reverse();
    assert_eq!(back, seen);
    assert_eq!(store.max_seq().unwrap(), 10_000);
    assert_eq!(store.count(&filter).unwrap(), 10_000);
}

#[test]
fn every_filter_field_narrows_as_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    store.insert_batch(&(0..3000).map(row).collect::<Vec<_>>()).unwrap();
    let count = |f: Filter| store.count(&f).unwrap();
    assert_eq!(count(Filter { provider: Some("Stripe".into()), ..Filter::default() }), 1000);
    assert_eq!(count(Filter { event: Some("EVENT 3".into()), ..Filter::default() }), 600);
    assert_eq!(count(Filter { route: Some("/a".into()), ..Filter::default() }), 750);
    assert_eq!(count(Filter { source: Some(Source::Send), ..Filter::default() }), 1500);
    assert_eq!(count(Filter { state: Some(State::Rejected), ..Filter::default() }), 300);
    assert_eq!(count(Filter { text: Some("needle".into()), ..Filter::default() }), 3);
    assert_eq!(count(Filter { text: Some("x-n: 2999".into()), ..Filter::default() }), 1, "headers are searched too");
    let both = Filter { provider: Some("github".into()), route: Some("/a".into()), ..Filter::default() };
    assert_eq!(count(both), 250);
    // `last` is the newest N of what the rest selects, and pages like any filter.
    let last = Filter { provider: Some("github".into()), last: Some(10), ..Filter::default() };
    let newest = store.summaries(&last, &Page::after(0, 4)).unwrap();
    assert_eq!(newest.iter().map(|s| s.seq).collect::<Vec<_>>(), [2971, 2974, 2977, 2980]);
    assert_eq!(store.count(&last).unwrap(), 10);
    assert_eq!(store.list(&Filter { last: Some(5000), ..Filter::default() }).unwrap().len(), 3000);
    // Ids by prefix; since/until by receipt time.
    let one = store.summaries(&Filter::default(), &Page::before(i64::MAX, 1)).unwrap().remove(0);
    let by_id = Filter { ids: vec![one.id.to_ascii_lowercase()], ..Filter::default() };
    assert_eq!(store.summaries(&by_id, &Page::after(0, 10)).unwrap(), std::slice::from_ref(&one));
    assert_eq!(count(Filter { until: Some(one.received_at + 1), ..Filter::default() }), 3000);
    assert_eq!(count(Filter { since: Some(one.received_at + 1), ..Filter::default() }), 0);
    assert_eq!(count(Filter { status: Some((500, 599)), ..Filter::default() }), 0);
    // A picker's values, most common first.
    let states = store.values(Column::State, &Filter::default()).unwrap();
    assert_eq!(states, [("recorded".to_string(), 2700), ("rejected".to_string(), 300)]);
    let providers = store.values(Column::Provider, &Filter { route: Some("/a".into()), ..Filter::default() }).unwrap();
    assert_eq!(providers.iter().map(|(_, n)| n).sum::<i64>(), 750);
}

#[test]
fn a_span_holds_what_matched_when_it_was_taken_and_fixes_last_to_those_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    store.insert_batch(&(0..300).map(row).collect::<Vec<_>>()).unwrap();
    let github = Filter { provider: Some("github".into()), ..Filter::default() };
    assert_eq!(store.span(&github).unwrap(), Span { after: 0, upto: 300, count: 100 });
    let last = Filter { last: Some(10), ..github.clone() };
    let span = store.span(&last).unwrap();
    // The 10 newest github rows are seq 271, 274 … 298.
    assert_eq!(span, Span { after: 270, upto: 300, count: 10 });
    // Rows stored later are outside it, even when they would now be the newest.
    store.insert_batch(&(300..330).map(row).collect::<Vec<_>>()).unwrap();
    let unbounded = Filter { last: None, ..last };
    let page = store.summaries(&unbounded, &Page::after(span.after, 100)).unwrap();
    let inside: Vec<i64> = page.iter().map(|s| s.seq).filter(|seq| *seq <= span.upto).collect();
    assert_eq!(inside.len(), 10);
    assert_eq!((inside[0], inside[9]), (271, 298));
    // More asked than there are: all of them; none asked: nothing.
    assert_eq!(store.span(&Filter { last: Some(5000), ..github.clone() }).unwrap().count, 110);
    assert_eq!(store.span(&Filter { last: Some(0), ..github }).unwrap().count, 0);
}

#[test]
fn a_page_walks_the_table_by_seq_instead_of_sorting_every_match() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    let plan = |filter: &Filter| {
        let (sql, args) = super::filter::select("seq", filter, &Page::after(0, 64));
        let mut stmt = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    };
    for filter in [
        Filter { provider: Some("github".into()), event: Some("push".into()), ..Filter::default() },
        Filter { since: Some(0), ..Filter::default() },
        Filter { state: Some(State::Pending), ..Filter::default() },
    ] {
        let plan = plan(&filter);
        assert!(plan.contains("USING INTEGER PRIMARY KEY") && !plan.contains("TEMP B-TREE"), "{filter:?}: {plan}");
    }
    let by_id = plan(&Filter { ids: vec!["01ABC".into()], ..Filter::default() });
    assert!(by_id.contains("INDEX"), "ids are looked up: {by_id}");
}

#[test]
fn a_page_between_two_seqs_holds_only_what_lies_between_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    store.insert_batch(&(0..100).map(row).collect::<Vec<_>>()).unwrap();
    let seqs = |page: &Page| -> Vec<i64> {
        store.summaries(&Filter::default(), page).unwrap().into_iter().map(|s| s.seq).collect()
    };
    assert_eq!(seqs(&Page::between(10, 15, 100, true)), [14, 13, 12, 11]);
    assert_eq!(seqs(&Page::between(10, 15, 100, false)), [11, 12, 13, 14]);
    assert_eq!(seqs(&Page::between(10, 15, 2, true)), [14, 13], "the limit holds");
    let found = |text: &str, page: &Page| {
        store.summaries(&Filter { text: Some(text.into()), ..Filter::default() }, page).unwrap()
    };
    assert_eq!(found("needle", &Page::between(0, 9, 10, true)).len(), 1, "row 7 (seq 8) holds the needle");
    assert!(found("needle", &Page::between(8, 100, 10, true)).is_empty());
}
