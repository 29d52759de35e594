//! `cargo bench --bench verify`: signature verification per provider on 1 KiB and 1 MiB bodies,
//! against the floor of a bare HMAC-SHA256 over the same bytes, measured in the same run.
//! After criterion's own report, prints each provider's time as a ratio to that floor.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hooktap::provider::{SignInput, VerifyInput, builtins};
use hooktap::secret::Secret;

const SIZES: [(&str, usize); 2] = [("1KiB", 1 << 10), ("1MiB", 1 << 20)];
const FLOOR_SUFFIX: &str = "_floor_hmac_sha256";
const TS: i64 = 1_700_000_000;

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

fn bench(c: &mut Criterion) {
    for (label, len) in SIZES {
        let body = body(len);
        let mut group = c.benchmark_group(format!("verify_{label}"));
        group.throughput(Throughput::Bytes(len as u64));
        if len > 1 << 16 {
            group.sample_size(30).measurement_time(Duration::from_secs(3));
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
            // The floor is measured right before each provider: on a shared machine, load drifts
            // over a run, and neighbours in time see the same load.
            group.bench_function(format!("{name}{FLOOR_SUFFIX}"), |b| b.iter(|| floor(black_box(&body))));
            group.bench_function(name.as_str(), |b| b.iter(|| p.verify(black_box(&input))));
        }
        group.finish();
    }
}

/// Criterion's output directory: `$CRITERION_HOME`, else `<target>/criterion` next to this binary.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    // The bench binary lives at <target>/<profile>/deps/verify-<hash>.
    Some(std::env::current_exe().ok()?.ancestors().nth(3)?.join("criterion"))
}

/// A mean written by this run (an older file means the bench was filtered out this time).
fn mean_ns(dir: &std::path::Path, group: &str, id: &str, since: SystemTime) -> Option<f64> {
    let path = dir.join(group).join(id).join("new").join("estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["mean"]["point_estimate"].as_f64()
}

fn summary(since: SystemTime) {
    let Some(dir) = criterion_dir() else { return };
    println!(
        "\nverify time per provider, and its ratio to a bare HMAC-SHA256 of the same bytes measured just before it:"
    );
    println!(
        "{:<10} {:>10} {:>10} {:>7}   {:>10} {:>10} {:>7}",
        "provider", "1KiB µs", "floor µs", "ratio", "1MiB µs", "floor µs", "ratio"
    );
    for p in builtins() {
        let name = &p.info().name;
        let mut row = format!("{name:<10}");
        for (label, _) in SIZES {
            let group = format!("verify_{label}");
            let floor_id = format!("{name}{FLOOR_SUFFIX}");
            match (mean_ns(&dir, &group, name, since), mean_ns(&dir, &group, &floor_id, since)) {
                (Some(t), Some(f)) => row.push_str(&format!(" {:>10.3} {:>10.3} {:>7.3}  ", t / 1e3, f / 1e3, t / f)),
                _ => row.push_str(&format!(" {:>10} {:>10} {:>7}  ", "-", "-", "-")),
            }
        }
        println!("{}", row.trim_end());
    }
}

fn main() {
    let started = SystemTime::now();
    let mut c = Criterion::default().configure_from_args().warm_up_time(Duration::from_secs(1));
    bench(&mut c);
    c.final_summary();
    summary(started);
}
