//! Insert throughput: one transaction per delivery (autocommit) against group commits of 64 and 512,
//! all with synchronous=FULL as the relay uses it, and group commits of received deliveries
//! with random provider delivery ids (the duplicate check's worst case); and what `send` records per request (a delivery
//! with its attempt, batches of 2048, synchronous=NORMAL). Criterion reports each as elements/s.
//! `store_floor` sets the store's own insert against SQLite's floor on this machine: the same
//! bytes (id, headers, body) into a table with no other column and no index, both batched by 64
//! at synchronous=NORMAL; their ratio is what the schema (columns, indexes, the duplicate check) costs.

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hooktap::store::{Durability, NewAttempt, NewDelivery, SentDelivery, Source, State, Store};

fn delivery() -> NewDelivery {
    let mut headers = http::HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    headers.insert("x-nudj-signature", format!("sha256={}", "a".repeat(64)).parse().unwrap());
    let mut d = NewDelivery::request(Source::Listen, "POST", "/webhooks/nudj", headers, Bytes::from(vec![b'x'; 1024]));
    d.provider = Some("nudj".into());
    d.event = Some("user.registered".into());
    d
}

fn inserts(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("store_insert");
    group.sample_size(10);
    const ROWS: usize = 512;
    group.throughput(Throughput::Elements(ROWS as u64));

    let mut store = Store::open(&dir.path().join("single.db")).unwrap();
    group.bench_function("autocommit_x512", |b| {
        b.iter_batched(
            || (0..ROWS).map(|_| delivery()).collect::<Vec<_>>(),
            |rows| {
                for d in &rows {
                    store.insert(d).unwrap();
                }
            },
            BatchSize::LargeInput,
        )
    });
    // Received deliveries carry the provider's id, and real ids are random (GitHub's are
    // UUIDs): the duplicate check must not make each row cost a random page.
    let mut store = Store::open(&dir.path().join("received.db")).unwrap();
    let mut n = 0u64;
    group.bench_function("batched_64_x512_random_provider_ids", |b| {
        b.iter_batched(
            || {
                (0..ROWS)
                    .map(|_| {
                        n += 1;
                        let mut d = delivery();
                        d.provider_delivery_id = Some(format!(
                            "{:032x}",
                            u128::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)
                        ));
                        d
                    })
                    .collect::<Vec<_>>()
            },
            |rows| {
                for chunk in rows.chunks(64) {
                    store.insert_batch(chunk).unwrap();
                }
            },
            BatchSize::LargeInput,
        )
    });
    for batch in [64usize, 512] {
        let mut store = Store::open(&dir.path().join(format!("batch{batch}.db"))).unwrap();
        group.bench_function(format!("batched_{batch}_x512"), |b| {
            b.iter_batched(
                || (0..ROWS).map(|_| delivery()).collect::<Vec<_>>(),
                |rows| {
                    for chunk in rows.chunks(batch) {
                        store.insert_batch(chunk).unwrap();
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// A sent request and the target's answer, shaped as `send` records them.
fn sent() -> SentDelivery {
    let mut d = delivery();
    d.source = Source::Send;
    d.provider_delivery_id = Some(format!("evt_{}", d.id));
    d.target = Some("http://127.0.0.1:9/webhooks/nudj".into());
    let mut answer = http::HeaderMap::new();
    answer.insert("content-length", "0".parse().unwrap());
    answer.insert("date", "Sun, 22 Nov 2026 12:00:00 GMT".parse().unwrap());
    let attempt = NewAttempt {
        delivery_id: d.id.clone(),
        kind: "send",
        target: "http://127.0.0.1:9/webhooks/nudj".into(),
        started_at: d.received_at,
        duration_us: 250,
        status: Some(200),
        response_headers: Some(answer),
        response_body: Some(Bytes::new()),
        response_size: 0,
        error: None,
    };
    SentDelivery { delivery: d, attempt, state: State::Forwarded }
}

fn sends(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("store_sent");
    group.sample_size(10);
    const ROWS: usize = 2048;
    group.throughput(Throughput::Elements(ROWS as u64));
    let mut store = Store::open(&dir.path().join("sent.db")).unwrap();
    store.set_durability(Durability::ProcessCrash).unwrap();
    group.bench_function("batched_2048", |b| {
        b.iter_batched(
            || (0..ROWS).map(|_| sent()).collect::<Vec<_>>(),
            |rows| store.insert_sent(&rows).unwrap(),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn floor(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("store_floor");
    group.sample_size(10);
    const ROWS: usize = 512;
    const BATCH: usize = 64;
    group.throughput(Throughput::Elements(ROWS as u64));

    let mut bare = rusqlite::Connection::open(dir.path().join("bare.db")).unwrap();
    bare.pragma_update(None, "journal_mode", "WAL").unwrap();
    bare.pragma_update(None, "synchronous", "NORMAL").unwrap();
    bare.execute_batch("CREATE TABLE t (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, headers BLOB, body BLOB)").unwrap();
    group.bench_function("bare_table_batched_64_x512", |b| {
        b.iter_batched(
            || (0..ROWS).map(|_| delivery()).collect::<Vec<_>>(),
            |rows| {
                for chunk in rows.chunks(BATCH) {
                    let tx = bare.transaction().unwrap();
                    for d in chunk {
                        let headers = hooktap::store::encode_headers(&d.headers);
                        tx.prepare_cached("INSERT INTO t (id, headers, body) VALUES (?1, ?2, ?3)")
                            .unwrap()
                            .execute(rusqlite::params![d.id, headers, &d.body[..]])
                            .unwrap();
                    }
                    tx.commit().unwrap();
                }
            },
            BatchSize::LargeInput,
        )
    });
    let mut store = Store::open(&dir.path().join("store.db")).unwrap();
    store.set_durability(Durability::ProcessCrash).unwrap();
    group.bench_function("store_batched_64_x512", |b| {
        b.iter_batched(
            || (0..ROWS).map(|_| delivery()).collect::<Vec<_>>(),
            |rows| {
                for chunk in rows.chunks(BATCH) {
                    store.insert_batch(chunk).unwrap();
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, inserts, sends, floor);
criterion_main!(benches);
