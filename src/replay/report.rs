//! What `replay` prints, as each delivery is done: a line per replay (original id →
//! new id, status, latency, where), or one JSON object per line; with `--dry-run`,
//! each request as curl or JSON; a warning per skipped delivery. Then the summary.
//! Workers print their own results (no thread to wake per result) and count them in
//! tallies of their own, merged at the end.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use http::Method;
use indicatif::ProgressBar;
use serde_json::json;

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
    /// Only failures and skips (then the summary), as lines or JSON.
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

/// What became of one delivery.
#[derive(Debug)]
pub enum Event {
    /// A replay finished.
    Replayed(Box<Replayed>),
    /// A delivery could not be replayed.
    Skipped(String, Skip),
    /// `--dry-run`: the request that would be sent for this original.
    Planned(String, Box<Ready>),
}

/// What was printed besides the replays' tallies.
#[derive(Debug, Default)]
pub struct Printed {
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
}

/// The printer every worker shares.
#[derive(Debug)]
pub struct Printer {
    output: Output,
    printed: Mutex<Printed>,
    /// The first skip is not warned of yet: if nothing else happens, it is the run's
    /// error, said once.
    held: AtomicBool,
    first_url: OnceLock<String>,
    broken: AtomicBool,
}

impl Printer {
    /// A printer for `output`.
    pub fn new(output: Output) -> Printer {
        Printer {
            output,
            printed: Mutex::default(),
            held: AtomicBool::new(false),
            first_url: OnceLock::new(),
            broken: AtomicBool::new(false),
        }
    }

    /// Counts `event` in `tally` (or in the printer's own counts) and prints it.
    pub fn take(&self, event: Event, tally: &mut Tally) {
        if self.held.swap(false, Ordering::Relaxed)
            && let Some((original, skip)) = &self.lock().first_skip
        {
            self.warn_skip(original, skip);
        }
        let text = match event {
            Event::Replayed(r) => {
                tally.add(&r.exchange);
                self.first_url.get_or_init(|| r.exchange.url.clone());
                if self.output.quiet && r.exchange.is_ok() {
                    String::new()
                } else if self.output.json {
                    format!("{}\n", json_line(&r))
                } else {
                    human_line(&r)
                }
            }
            Event::Skipped(original, skip) => {
                let line = self.output.json.then(|| {
                    let j =
                        json!({"kind": "skipped", "original_id": original, "reason": skip.reason, "hint": skip.hint});
                    format!("{j}\n")
                });
                let mut printed = self.lock();
                printed.skipped += 1;
                if printed.first_skip.is_none() {
                    printed.first_skip = Some((original, skip));
                    self.held.store(true, Ordering::Relaxed);
                } else {
                    drop(printed);
                    self.warn_skip(&original, &skip);
                }
                line.unwrap_or_default()
            }
            Event::Planned(original, ready) => self.planned(&original, &ready),
        };
        if let Some(p) = &self.output.progress {
            p.inc(1);
        }
        if !text.is_empty() && !self.broken.load(Ordering::Relaxed) {
            let write = || std::io::stdout().lock().write_all(text.as_bytes());
            let written = match &self.output.progress {
                Some(p) => p.suspend(write),
                None => write(),
            };
            if let Err(e) = written {
                self.broken.store(true, Ordering::Relaxed);
                self.lock().error = Some(e);
            }
        }
    }

    /// What was printed, once every worker is done; `replayed` says whether anything
    /// was, so that a skip held back is not the whole story and is warned of now.
    pub fn finish(self, replayed: bool) -> Printed {
        if replayed
            && self.held.load(Ordering::Relaxed)
            && let Some((original, skip)) = &self.lock().first_skip
        {
            self.warn_skip(original, skip);
        }
        let mut printed = self.printed.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        printed.first_url = self.first_url.into_inner();
        printed
    }

    fn planned(&self, original: &str, ready: &Ready) -> String {
        let method = ready.method.as_str();
        let (text, redacted) = if self.output.json {
            let (mut j, redacted) =
                curl::json_request(method, &ready.url, &ready.headers, &ready.body, self.output.show_secrets);
            j["kind"] = json!("request");
            j["original_id"] = json!(original);
            (format!("{j}\n"), redacted)
        } else {
            let (show, insecure) = (self.output.show_secrets, self.output.insecure);
            let c = curl::render_request(method, &ready.url, &ready.headers, &ready.body, show, insecure);
            (format!("# replay of {original}\n{}", c.command), c.redacted)
        };
        let mut printed = self.lock();
        printed.planned += 1;
        printed.redacted |= redacted;
        text
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Printed> {
        self.printed.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Warns that `original` is not replayed, above the progress bar.
    fn warn_skip(&self, original: &str, skip: &Skip) {
        let hint = skip.hint.as_deref().map(|h| format!(" (hint: {h})")).unwrap_or_default();
        let warn = || tracing::warn!("cannot replay {original}: {}{hint}", skip.reason);
        match &self.output.progress {
            Some(p) => p.suspend(warn),
            None => warn(),
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
