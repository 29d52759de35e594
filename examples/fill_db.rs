//! Fills a database with made-up deliveries for `benches/tail.sh` and for trying
//! `hooktap tail` on a large log: a realistic mix of providers, events, body
//! formats (mostly JSON, some form, XML and binary), signature results, states
//! and attempts, received over the last 30 days.
//!
//! `cargo run --release --example fill_db -- DB [COUNT] [BODY_BYTES]` (defaults
//! 1,000,000 and 1024). Rows go in through the store's own API, 5,000 per commit.

use std::time::{Duration, Instant};

use bytes::Bytes;
use hooktap::provider::SignatureState;
use hooktap::store::{Durability, NewAttempt, NewDelivery, SentDelivery, Source, State, Store};
use http::HeaderMap;

const PROVIDERS: &[(&str, &str, &[&str])] = &[
    ("stripe", "stripe-signature", &["payment_intent.succeeded", "charge.failed", "invoice.paid", "customer.created"]),
    ("github", "x-hub-signature-256", &["push", "pull_request", "issues", "workflow_run"]),
    ("shopify", "x-shopify-hmac-sha256", &["orders/create", "orders/paid", "products/update"]),
    ("slack", "x-slack-signature", &["event_callback", "block_actions"]),
    ("nexadesk", "x-nexadesk-signature", &["ticket.created", "ticket.updated", "lead.created"]),
    ("nexudus", "x-nexudus-hook-signature", &["coworker-update", "booking-create"]),
    ("nexus", "x-nexus-signature", &["article.published", "article.updated"]),
    ("nudj", "x-nudj-signature", &["candidate.applied", "job.created"]),
    ("standard", "webhook-signature", &["user.created", "user.deleted"]),
];

/// xorshift64*: deterministic, fast, good enough for a made-up mix.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let db = args.next().ok_or_else(|| anyhow::anyhow!("usage: fill_db DB [COUNT] [BODY_BYTES]"))?;
    let count: u64 = args.next().map_or(Ok(1_000_000), |c| c.parse())?;
    let body_bytes: usize = args.next().map_or(Ok(1024), |c| c.parse())?;
    let mut store = Store::open(std::path::Path::new(&db)).map_err(|e| anyhow::anyhow!("{e}"))?;
    store.set_durability(Durability::ProcessCrash)?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let now = hooktap::util::unix_ms_now();
    let span = 30 * 86_400_000_i64;
    let start = Instant::now();
    let (mut plain, mut sent) = (Vec::new(), Vec::new());
    for i in 0..count {
        let at = now - span + (span as u128 * u128::from(i) / u128::from(count.max(1))) as i64;
        let d = delivery(&mut rng, at, i, body_bytes);
        match d.state {
            State::Forwarded | State::Failed | State::Dead => {
                let state = d.state;
                let attempt = attempt(&mut rng, &d, state);
                sent.push(SentDelivery { delivery: d, attempt, state });
            }
            _ => plain.push(d),
        }
        if plain.len() + sent.len() >= 5000 {
            store.insert_batch(&std::mem::take(&mut plain))?;
            store.insert_sent(&std::mem::take(&mut sent))?;
        }
        if i > 0 && i % 100_000 == 0 {
            eprintln!("{i} deliveries, {:.1} s", start.elapsed().as_secs_f64());
        }
    }
    store.insert_batch(&plain)?;
    store.insert_sent(&sent)?;
    let size = std::fs::metadata(&db)?.len();
    eprintln!("{count} deliveries in {:.1} s; {db} is {} MiB", start.elapsed().as_secs_f64(), size >> 20);
    Ok(())
}

fn delivery(rng: &mut Rng, at: i64, i: u64, body_bytes: usize) -> NewDelivery {
    let (provider, header, events) = PROVIDERS[(rng.below(100) as usize * PROVIDERS.len()) / 100 % PROVIDERS.len()];
    let event = events[rng.below(events.len() as u64) as usize];
    let (content_type, body) = body(rng, provider, event, i, body_bytes);
    let mut headers = HeaderMap::new();
    headers.insert("host", "127.0.0.1:5757".parse().expect("header"));
    headers.insert("content-type", content_type.parse().expect("header"));
    headers.insert("user-agent", format!("{provider}-hookshot/2.1").parse().expect("header"));
    headers.insert("x-request-id", format!("req_{:016x}", rng.next()).parse().expect("header"));
    let roll = rng.below(100);
    let (signature, state) = match roll {
        0..3 => (SignatureState::Invalid, State::Rejected),
        3..4 => (SignatureState::Missing, State::Rejected),
        4..13 => (SignatureState::Unchecked, State::Recorded),
        13..14 => (SignatureState::Valid, State::Pending),
        14..19 => (SignatureState::Valid, State::Failed),
        19..21 => (SignatureState::Valid, State::Dead),
        _ => (SignatureState::Valid, State::Forwarded),
    };
    if signature != SignatureState::Missing {
        headers.insert(header, format!("sha256={:016x}{:016x}", rng.next(), rng.next()).parse().expect("header"));
    }
    let path = format!("/webhooks/{provider}");
    let mut d = NewDelivery::request(Source::Listen, "POST", &path, headers, body);
    d.id = ulid::Ulid::from_parts(at as u64, u128::from(i)).to_string();
    d.received_at = at;
    d.provider = Some(provider.into());
    d.event = Some(event.into());
    d.route = Some(path.clone());
    d.provider_delivery_id = Some(format!("evt_{i:010}"));
    d.remote_addr = Some("127.0.0.1:40000".into());
    d.signature = signature;
    d.signature_reason = match signature {
        SignatureState::Invalid => Some("no signature matched (1 tried)".into()),
        SignatureState::Missing => Some(format!("header {header} is missing")),
        _ => None,
    };
    d.state = state;
    if state != State::Recorded && state != State::Rejected {
        d.target = Some(format!("http://localhost:3000/hooks/{provider}"));
    }
    if state == State::Pending {
        d.next_attempt_at = Some(at + 60_000);
    }
    d
}

fn body(rng: &mut Rng, provider: &str, event: &str, i: u64, size: usize) -> (&'static str, Bytes) {
    let filler = |n: usize, rng: &mut Rng| -> String {
        const WORDS: &[&str] = &["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"];
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
            s.push(' ');
        }
        s.truncate(n);
        s
    };
    match (provider, rng.below(100)) {
        ("slack", _) => {
            let text = filler(size.saturating_sub(60), rng);
            (
                "application/x-www-form-urlencoded",
                format!("token=t{i}&team_id=T{i:08}&type={event}&text={}", text.replace(' ', "+")).into(),
            )
        }
        ("nexus", _) => {
            let text = filler(size.saturating_sub(120), rng);
            (
                "application/xml",
                format!("<?xml version=\"1.0\"?><event id=\"{i}\"><type>{event}</type><body>{text}</body></event>")
                    .into(),
            )
        }
        (_, 0) => {
            let bytes: Vec<u8> = (0..size).map(|_| rng.next() as u8).collect();
            ("application/octet-stream", bytes.into())
        }
        _ => {
            let note = filler(size.saturating_sub(160), rng);
            let json = format!(
                "{{\"id\":\"evt_{i:010}\",\"type\":\"{event}\",\"created\":{},\"livemode\":false,\"data\":{{\"object\":{{\"id\":\"obj_{:x}\",\"amount\":{},\"note\":\"{note}\"}}}}}}",
                1_700_000_000 + i,
                rng.next(),
                rng.below(100_000)
            );
            ("application/json", json.into())
        }
    }
}

fn attempt(rng: &mut Rng, d: &NewDelivery, state: State) -> NewAttempt {
    let (status, error) = match state {
        State::Forwarded => (Some(200), None),
        State::Failed => (Some(if rng.below(2) == 0 { 400 } else { 422 }), None),
        _ => match rng.below(3) {
            0 => (None, Some("connection refused".to_owned())),
            _ => (Some(503), None),
        },
    };
    let duration =
        Duration::from_micros(2_000 + rng.below(8_000) + if rng.below(20) == 0 { rng.below(900_000) } else { 0 });
    NewAttempt {
        delivery_id: d.id.clone(),
        kind: "forward",
        target: d.target.clone().unwrap_or_default(),
        started_at: d.received_at + 5,
        duration_us: duration.as_micros() as i64,
        status,
        response_headers: None,
        response_body: status.map(|s| Bytes::from(format!("{{\"ok\":{}}}", s < 300))),
        response_size: 0,
        error,
    }
}
