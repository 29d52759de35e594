//! A paced load generator for the relay benchmark, because wrk cannot hold a
//! constant rate: requests start on a fixed schedule (open loop) and each
//! latency is measured from its scheduled start, so a stall is not hidden.
//!
//! ```text
//! pace URL --rate 1000 --duration 10 [--body FILE] [-H 'K: V']...   # constant rate
//! pace URL --count 100000 --concurrency 32 [--body FILE] [-H ...]    # as fast as it goes
//! ```
//! Prints one line: `sent=N ok=N errors=N rate=R p50_ms=.. p90_ms=.. p99_ms=.. p999_ms=.. max_ms=..`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tokio::sync::Mutex;

struct Opts {
    url: String,
    rate: u64,
    duration: u64,
    count: u64,
    concurrency: usize,
    body: Bytes,
    headers: http::HeaderMap,
}

fn parse() -> anyhow::Result<Opts> {
    let mut args = std::env::args().skip(1);
    let mut o = Opts {
        url: String::new(),
        rate: 0,
        duration: 10,
        count: 0,
        concurrency: 16,
        body: Bytes::new(),
        headers: http::HeaderMap::new(),
    };
    let mut header_args = Vec::new();
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow::anyhow!("{a} needs a value"));
        match a.as_str() {
            "--rate" => o.rate = value()?.parse()?,
            "--duration" => o.duration = value()?.parse()?,
            "--count" => o.count = value()?.parse()?,
            "--concurrency" => o.concurrency = value()?.parse()?,
            "--body" => o.body = std::fs::read(value()?)?.into(),
            "-H" => header_args.push(value()?),
            url if o.url.is_empty() => o.url = url.to_string(),
            other => anyhow::bail!("unexpected argument {other:?}"),
        }
    }
    o.headers = hooktap::util::parse_header_args(&header_args)?;
    anyhow::ensure!(!o.url.is_empty(), "usage: pace URL (--rate R --duration S | --count N) [--body F] [-H 'K: V']");
    Ok(o)
}

fn request(o: &Opts) -> anyhow::Result<http::Request<Full<Bytes>>> {
    let mut req = http::Request::post(&o.url).body(Full::new(o.body.clone()))?;
    *req.headers_mut() = o.headers.clone();
    Ok(req)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let o = Arc::new(parse()?);
    let client = hooktap::net::client(256);
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let begun = Instant::now();
    let shared = (client.clone(), o.clone(), latencies.clone(), errors.clone());
    let send = move |scheduled: Instant| {
        let (client, o, latencies, errors) = shared.clone();
        async move {
            let ok = match request(&o) {
                Ok(req) => match client.request(req).await {
                    Ok(resp) => {
                        let ok = resp.status().is_success();
                        ok && resp.into_body().collect().await.is_ok()
                    }
                    Err(_) => false,
                },
                Err(_) => false,
            };
            if ok {
                latencies.lock().await.push(scheduled.elapsed());
            } else {
                errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
    };
    let mut tasks = tokio::task::JoinSet::new();
    if o.rate > 0 {
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / o.rate as f64));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let total = o.rate * o.duration;
        for _ in 0..total {
            let scheduled = tick.tick().await.into_std();
            tasks.spawn(send(scheduled));
            while tasks.try_join_next().is_some() {}
        }
    } else {
        let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
        for _ in 0..o.concurrency.max(1) {
            let (next, send, count) = (next.clone(), send.clone(), o.count);
            tasks.spawn(async move {
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < count {
                    send(Instant::now()).await;
                }
            });
        }
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = begun.elapsed();
    let mut l = latencies.lock().await.clone();
    l.sort();
    let pct =
        |p: f64| l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1))).copied().unwrap_or_default();
    let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
    println!(
        "sent={} ok={} errors={} rate={:.0} p50_ms={} p90_ms={} p99_ms={} p999_ms={} max_ms={}",
        l.len() as u64 + errors.load(std::sync::atomic::Ordering::Relaxed),
        l.len(),
        errors.load(std::sync::atomic::Ordering::Relaxed),
        l.len() as f64 / elapsed.as_secs_f64(),
        ms(pct(0.50)),
        ms(pct(0.90)),
        ms(pct(0.99)),
        ms(pct(0.999)),
        ms(l.last().copied().unwrap_or_default()),
    );
    Ok(())
}
