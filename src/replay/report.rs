//! What `replay` prints. A printer thread takes each result as it comes (so a slow
//! stdout never holds a request back): a line per replay (original id → new id,
//! status, latency, where), or one JSON object per line; with `--dry-run`, each
//! request as curl or JSON; a warning per skipped delivery. It counts as it goes,
//! and the summary comes from that count.

use std::fmt::Write as _;
use std::io::Write as _;

use http::Method;
use indicatif::ProgressBar;
use serde_json::json;
use tokio::sync::mpsc;

use super::{Ready, Skip};
use crate::exchange::Exchange;
use crate::logging::paint;
use crate::send::curl;
use crate::send::report::{self as send_report, Sent, preview};
use crate::send::stats::{Summary, Tally};

/// How much of a failed answer's body a human line shows.
const BODY_PREVIEW: usize = 200;

/// How results are printed.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// One JSON object per line.
    pub json: bool,
    /// Only failures and skips.
    pub quiet: bool,
    /// Credentials in `--dry-run` output.
    pub show_secrets: bool,
    /// `-k`, shown in `--dry-run` curl commands.
    pub insecure: bool,
    /// The bar on a terminal; lines are printed above it.
    pub progress: Option<ProgressBar>,
}

/// One finished replay.
#[derive(Debug)]
pub struct Replayed {
    /// The original's id.
    pub original: String,
    /// The replay's own id.
    pub id: String,
    /// Method sent.
    pub method: Method,
    /// The original's provider and event.
    pub provider: Option<String>,
    /// Event type.
    pub event: Option<String>,
    /// The provider delivery id sent.
    pub provider_delivery_id: Option<String>,
    /// Whether it was re-signed.
    pub resigned: bool,
    /// What happened.
    pub exchange: Exchange,
}

/// What the printer is told.
#[derive(Debug)]
pub enum Event {
    /// A replay finished.
    Replayed(Box<Replayed>),
    /// A delivery could not be replayed.
    Skipped(String, Skip),
    /// `--dry-run`: the request that would be sent for this original.
    Planned(String, Box<Ready>),
}

/// What the printer saw.
#[derive(Debug, Default)]
pub struct Printed {
    /// Every replay counted.
    pub tally: Tally,
    /// Deliveries skipped.
    pub skipped: u64,
    /// The first skip, which becomes the error when nothing else happened.
    pub first_skip: Option<(String, Skip)>,
    /// Requests printed by `--dry-run`.
    pub planned: u64,
    /// Whether a credential was shown as `<redacted>`.
    pub redacted: bool,
    /// The first target, for the summary's redirect hint.
    pub first_url: Option<String>,
    /// Why stdout stopped taking output (a closed pipe), if it did.
    pub error: Option<std::io::Error>,
    /// The first skip is not warned of yet.
    held: bool,
}

/// Warns that `original` is not replayed, above the progress bar.
fn warn_skip(output: &Output, original: &str, skip: &Skip) {
    let hint = skip.hint.as_deref().map(|h| format!(" (hint: {h})")).unwrap_or_default();
    let warn = || tracing::warn!("cannot replay {original}: {}{hint}", skip.reason);
    match &output.progress {
        Some(p) => p.suspend(warn),
        None => warn(),
    }
}

/// Starts the printer thread; it ends once every sender is dropped.
pub fn spawn(output: Output) -> (mpsc::Sender<Event>, std::thread::JoinHandle<Printed>) {
    let (tx, mut rx) = mpsc::channel::<Event>(1024);
    let thread = std::thread::spawn(move || {
        let mut printed = Printed::default();
        while let Some(event) = rx.blocking_recv() {
            let text = printed.take(&output, event);
            if let Some(p) = &output.progress {
                p.inc(1);
            }
            if printed.error.is_some() || text.is_empty() {
                continue;
            }
            let write = || std::io::stdout().lock().write_all(text.as_bytes());
            let result = match &output.progress {
                Some(p) => p.suspend(write),
                None => write(),
            };
            printed.error = result.err();
        }
        printed
    });
    (tx, thread)
}

impl Printed {
    /// Counts `event` and returns what goes to stdout for it.
    fn take(&mut self, output: &Output, event: Event) -> String {
        if self.held
            && let Some((original, skip)) = &self.first_skip
        {
            warn_skip(output, original, skip);
            self.held = false;
        }
        match event {
            Event::Replayed(r) => {
                self.tally.add(&r.exchange);
                self.first_url.get_or_insert_with(|| r.exchange.url.clone());
                if output.json {
                    format!("{}\n", json_line(&r))
                } else if !output.quiet || !r.exchange.is_ok() {
                    human_line(&r)
                } else {
                    String::new()
                }
            }
            Event::Skipped(original, skip) => {
                self.skipped += 1;
                let line = output.json.then(|| {
                    let j =
                        json!({"kind": "skipped", "original_id": original, "reason": skip.reason, "hint": skip.hint});
                    format!("{j}\n")
                });
                if self.first_skip.is_none() {
                    // Held back: if nothing else happens, it is the run's error, said once.
                    self.first_skip = Some((original, skip));
                    self.held = true;
                } else {
                    warn_skip(output, &original, &skip);
                }
                line.unwrap_or_default()
            }
            Event::Planned(original, ready) => {
                self.planned += 1;
                let method = ready.method.as_str();
                if output.json {
                    let (mut j, redacted) =
                        curl::json_request(method, &ready.url, &ready.headers, &ready.body, output.show_secrets);
                    self.redacted |= redacted;
                    j["kind"] = json!("request");
                    j["original_id"] = json!(original);
                    format!("{j}\n")
                } else {
                    let c = curl::render_request(
                        method,
                        &ready.url,
                        &ready.headers,
                        &ready.body,
                        output.show_secrets,
                        output.insecure,
                    );
                    self.redacted |= c.redacted;
                    format!("# replay of {original}\n{}", c.command)
                }
            }
        }
    }
}

/// `01ORIG → 01NEW  200 OK  12.3 ms  POST url`; a failure's error, or a non-2xx
/// answer's body, indented below, with a hint.
pub fn human_line(r: &Replayed) -> String {
    let e = &r.exchange;
    let ms = e.duration.as_secs_f64() * 1000.0;
    let (head, detail) = match &e.result {
        Ok(a) => {
            let text = format!("{} {}", a.status.as_u16(), a.status.canonical_reason().unwrap_or(""));
            let colour = if a.status.is_success() { "32" } else { "31" };
            let mut detail = if a.status.is_success() { String::new() } else { preview(&a.body, a.size, BODY_PREVIEW) };
            if let Some(hint) = send_report::hint(&sent(r), e) {
                let _ = write!(detail, "{}hint: {hint}", if detail.is_empty() { "" } else { "\n" });
            }
            (paint(text.trim_end(), colour), detail)
        }
        Err(f) => {
            let hint = f.hint().map(|h| format!("\nhint: {h}")).unwrap_or_default();
            (paint(f.kind(), "31"), format!("error: {f}{hint}"))
        }
    };
    let mut out = format!("{} → {}  {head}  {ms:.1} ms  {} {}\n", r.original, r.id, r.method, e.url);
    for line in detail.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

fn sent(r: &Replayed) -> Sent<'_> {
    Sent {
        url: &r.exchange.url,
        provider: r.provider.as_deref().unwrap_or_default(),
        event: r.event.as_deref(),
        delivery_id: Some(&r.id),
        provider_delivery_id: r.provider_delivery_id.as_deref(),
    }
}

/// `send`'s result object, with the original's id, the method and whether it was re-signed.
pub fn json_line(r: &Replayed) -> serde_json::Value {
    let mut j = send_report::json(&sent(r), &r.exchange);
    j["kind"] = json!("replay");
    j["original_id"] = json!(r.original);
    j["method"] = json!(r.method.as_str());
    j["provider"] = json!(r.provider);
    j["resigned"] = json!(r.resigned);
    j
}

/// The end-of-run summary as one JSON object: `send`'s load summary plus `skipped`.
pub fn summary_json(summary: &Summary, skipped: u64) -> serde_json::Value {
    let mut j = summary.to_json();
    j["kind"] = json!("summary");
    j["skipped"] = json!(skipped);
    j
}

/// The summary for people; `url` is a target, to explain redirects.
pub fn summary_human(summary: &Summary, skipped: u64, url: &str) -> String {
    let mut out = summary.to_human(url);
    if skipped > 0 {
        let _ = writeln!(out, "skipped   {skipped}");
    }
    out
}
