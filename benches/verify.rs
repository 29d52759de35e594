//! `cargo bench --bench verify`: signature verification per provider on 1 KiB and 1 MiB bodies,
//! against the floor of a bare HMAC-SHA256 over the same bytes.
//!
//! Criterion reports the time of one verify. The floor is timed in the same measurement loop,
//! alternating with verify in small blocks, so both see the same machine load (the machine is
//! shared and load drifts over a run); the closing table gives each provider's ratio to it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hooktap::provider::{SignInput, VerifyInput, builtins};
use hooktap::secret::Secret;

const SIZES: [(&str, usize); 2] = [("1KiB", 1 << 10), ("1MiB", 1 << 20)];
const TS: i64 = 1_700_000_000;
/// Iterations per alternation: long enough that reading the clock costs little, short enough to track load.
const BLOCK: u64 = 16;

fn body(len: usize) -> Vec<u8> {
    // JSON-ish printable bytes; the content does not change HMAC cost.
    br#"{"event":"lead.updated","data":{"note":"lorem ipsum dolor sit amet"}}"#.iter().copied().cycle().take(len).collect()
}

/// The floor: a bare HMAC-SHA256 over the body, nothing else.
fn floor(body: &[u8]) -> impl AsRef<[u8]> {
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"bench-secret").expect("any key length");
    mac.update(body);
    mac.finalize().into_bytes()
}

/// Total verify and floor time per (size, provider), over every measured iteration.
type Totals = RefCell<BTreeMap<(usize, String), (Duration, Duration, u64)>>;

fn bench(c: &mut Criterion, totals: &Totals) {
    for (size, (label, len)) in SIZES.into_iter().enumerate() {
        let body = body(len);
        let mut group = c.benchmark_group(format!("verify_{label}"));
        group.throughput(Throughput::Bytes(len as u64));
        if len > 1 << 16 {
            group.sample_size(20).measurement_time(Duration::from_secs(6));
        }
        for p in builtins() {
            let name = p.info().name.clone();
            let secret =
                Secret::new(if name == "standard" { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } else { "bench-secret" });
            let headers = p
                .sign(&SignInput { body: &body, secret: &secret, timestamp: TS, id: "msg_bench", event: Some("e") })
                .expect("sign");
            let input = VerifyInput { headers: &headers, body: &body, secret: &secret, now: TS, tolerance: None };
            assert!(p.verify(&input).is_ok(), "{name} must verify its own signature");
            group.bench_function(name.as_str(), |b| {
                b.iter_custom(|iters| {
                    let (mut verify, mut base) = (Duration::ZERO, Duration::ZERO);
                    let mut done = 0;
                    while done < iters {
                        let n = BLOCK.min(iters - done);
                        let t = Instant::now();
                        for _ in 0..n {
                            black_box(floor(black_box(&body)));
                        }
                        base += t.elapsed();
                        let t = Instant::now();
                        for _ in 0..n {
                            let _ = black_box(p.verify(black_box(&input)));
                        }
                        verify += t.elapsed();
                        done += n;
                    }
                    let mut all = totals.borrow_mut();
                    let entry = all.entry((size, name.clone())).or_default();
                    entry.0 += verify;
                    entry.1 += base;
                    entry.2 += iters;
                    verify
                })
            });
        }
        group.finish();
    }
}

fn summary(totals: &Totals) {
    let all = totals.borrow();
    if all.is_empty() {
        return;
    }
    println!("\nverify per provider, and its ratio to a bare HMAC-SHA256 of the same bytes timed alternately with it:");
    println!(
        "{:<10} {:>9} {:>9} {:>6}   {:>9} {:>9} {:>6}",
        "provider", "1KiB µs", "floor µs", "ratio", "1MiB µs", "floor µs", "ratio"
    );
    for p in builtins() {
        let name = &p.info().name;
        let mut row = format!("{name:<10}");
        for size in 0..SIZES.len() {
            match all.get(&(size, name.clone())) {
                Some((verify, base, n)) if *n > 0 => {
                    let per = |d: &Duration| d.as_secs_f64() * 1e6 / *n as f64;
                    row.push_str(&format!(
                        " {:>9.3} {:>9.3} {:>6.3}  ",
                        per(verify),
                        per(base),
                        verify.as_secs_f64() / base.as_secs_f64()
                    ));
                }
                // Filtered out of this run.
                _ => row.push_str(&format!(" {:>9} {:>9} {:>6}  ", "-", "-", "-")),
            }
        }
        println!("{}", row.trim_end());
    }
}

fn main() {
    let totals = Totals::default();
    let mut c = Criterion::default().configure_from_args().warm_up_time(Duration::from_secs(1));
    bench(&mut c, &totals);
    c.final_summary();
    summary(&totals);
}
