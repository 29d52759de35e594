//! Insert throughput: one transaction per delivery (autocommit) against group commits of 64 and 512,
//! all with synchronous=FULL as the relay uses it. Criterion reports each as elements/s.

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hooktap::store::{NewDelivery, Source, Store};

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

criterion_group!(benches, inserts);
criterion_main!(benches);
