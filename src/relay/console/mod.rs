//! What the relay prints: the start banner and notices on stderr, one line per
//! delivery event on stdout (human, or NDJSON with `--json`), written in batches
//! by [`super::printer`].
//!
//! The start banner is in `banner`; this file has the running console's lines and notices.

mod banner;

use std::io::Write;
use std::time::Duration;

use super::attempt::{Meta, Verdict};
use super::line::HumanLine;
use super::printer;
use crate::exchange::{Exchange as Outcome, Failure};
pub use crate::net::server::Refused;
use crate::provider::SignatureState;

/// How delivery lines are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One aligned line per event.
    Human,
    /// One JSON object per line.
    Json,
    /// Nothing but errors.
    Quiet,
}

/// The relay's printer; cheap to clone.
#[derive(Debug, Clone)]
pub struct Console {
    output: Output,
}

/// A delivery as it was received.
#[derive(Debug)]
pub struct Received<'a> {
    /// Delivery id.
    pub id: &'a str,
    /// Method.
    pub method: &'a str,
    /// Path.
    pub path: &'a str,
    /// Provider.
    pub provider: Option<&'a str>,
    /// Event.
    pub event: Option<&'a str>,
    /// Signature result.
    pub signature: SignatureState,
    /// Why it failed.
    pub reason: Option<&'a str>,
    /// Its most likely cause, in one clause.
    pub diagnosis: Option<&'a str>,
    /// Stored state.
    pub state: &'a str,
    /// What the sender was answered.
    pub answered: u16,
    /// Earlier delivery with the same provider id.
    pub duplicate_of: Option<&'a str>,
    /// The route forwards, but not this event (its `events` filter).
    pub filtered: bool,
    /// Its forward lines will show it, so the human console prints no line for it
    /// (`--json` prints a `received` record for every delivery).
    pub forwards_show_it: bool,
}

/// What the tunnel client tells the person watching.
#[derive(Debug)]
pub enum TunnelEvent<'a> {
    /// A connection was welcomed; `backlog` deliveries wait on the server.
    Connected {
        /// The server.
        url: &'a str,
        /// The channel.
        channel: &'a str,
        /// Deliveries the server holds for this client.
        backlog: u64,
        /// The client asked for passthrough and the server answers providers itself.
        passthrough_ignored: bool,
    },
    /// The connection is lost or could not be made; another attempt follows.
    Reconnecting {
        /// Attempts since the last working connection.
        attempt: u32,
        /// When the next one starts.
        next_in: Duration,
        /// Why the last one failed.
        why: &'a str,
    },
    /// Every delivery the server held at connection time has arrived.
    Backlog {
        /// How many.
        received: u64,
    },
    /// A delivery the server sent again was stored before: acknowledged, not forwarded again.
    Duplicate {
        /// The server's id for it.
        tunnel_id: &'a str,
        /// The stored delivery.
        stored_as: &'a str,
    },
}

impl Console {
    /// A printer for `output`.
    pub fn new(output: Output) -> Console {
        Console { output }
    }
    /// A notice for the person watching (stderr).
    pub fn notice(&self, text: &str) {
        if self.output != Output::Quiet {
            let _ = writeln!(std::io::stderr(), "hooktap: {text}");
        }
    }

    /// A target paused after `failures` consecutive failures (`paused`), or answering
    /// again: a notice on stderr, or an NDJSON record (`"kind": "target"`).
    pub fn target(&self, url: &str, paused: bool, failures: u32) {
        match self.output {
            Output::Quiet => {}
            Output::Json => self.json(serde_json::json!({
                "time": now_rfc3339(),
                "kind": "target",
                "target": url,
                "state": if paused { "paused" } else { "resumed" },
                "consecutive_failures": failures,
            })),
            Output::Human if paused => self.notice(&format!(
                "{url} paused after {failures} consecutive failures; deliveries stay queued and it is probed until \
                 it answers"
            )),
            Output::Human => self.notice(&format!("{url} answers again; resuming deliveries")),
        }
    }

    /// A delivery could not be stored and was answered 503: a notice on stderr, or an
    /// NDJSON record (`"kind": "storage_error"`).
    pub fn storage_error(&self, method: &str, path: &str, reason: &str) {
        match self.output {
            Output::Quiet => {}
            Output::Json => self.json(serde_json::json!({
                "time": now_rfc3339(),
                "kind": "storage_error",
                "method": method,
                "path": path,
                "answered": 503,
                "reason": reason,
            })),
            Output::Human => self.notice(&format!("{reason}; answered 503 so the sender retries")),
        }
    }

    /// A request was refused before it could be stored: a notice on stderr, or an
    /// NDJSON record (`"kind": "refused"`) so a script watching stdout sees it too.
    pub fn refused(&self, r: &Refused<'_>) {
        match self.output {
            Output::Quiet => {}
            Output::Json => self.json(serde_json::json!({
                "time": now_rfc3339(),
                "kind": "refused",
                "method": r.method,
                "path": r.path,
                "remote_addr": r.remote.map(|a| a.to_string()),
                "answered": r.answered,
                "reason": r.reason,
            })),
            Output::Human => {
                let what = match (r.method, r.path) {
                    (Some(method), Some(path)) => format!("{method} {path}"),
                    _ => "a request".to_owned(),
                };
                let from = r.remote.map(|a| format!(" from {a}")).unwrap_or_default();
                let hint = r.hint.map(|h| format!("; {h}")).unwrap_or_default();
                self.notice(&format!(
                    "refused {what}{from} (answered {}, nothing stored): {}{hint}",
                    r.answered, r.reason
                ));
            }
        }
    }

    /// The tunnel's state: a notice on stderr, or an NDJSON record (`"kind": "tunnel"`).
    pub fn tunnel(&self, event: &TunnelEvent<'_>) {
        let (state, record, text) = match event {
            TunnelEvent::Connected { url, channel, backlog, passthrough_ignored } => {
                let mut text = format!("tunnel connected to {url}, channel {channel}");
                if *backlog > 0 {
                    text.push_str(&format!("; {backlog} held {} on the way", deliveries(*backlog as usize)));
                }
                if *passthrough_ignored {
                    text.push_str(
                        " (the server answers this channel's providers itself: the local answers are not passed back)",
                    );
                }
                let record = serde_json::json!({"url": url, "channel": channel, "backlog": backlog});
                ("connected", record, text)
            }
            TunnelEvent::Reconnecting { attempt, next_in, why } => (
                "reconnecting",
                serde_json::json!({"attempt": attempt, "next_in_ms": next_in.as_millis() as u64, "reason": why}),
                format!("tunnel reconnecting (attempt {attempt}, next in {}): {why}", human_duration(*next_in)),
            ),
            TunnelEvent::Backlog { received } => (
                "backlog_received",
                serde_json::json!({"received": received}),
                format!("tunnel backlog received ({received} {})", deliveries(*received as usize)),
            ),
            TunnelEvent::Duplicate { tunnel_id, stored_as } => (
                "duplicate",
                serde_json::json!({"tunnel_id": tunnel_id, "stored_as": stored_as}),
                format!(
                    "tunnel delivery {tunnel_id} came again (its acknowledgement was lost): stored as {stored_as}, \
                     not forwarded again"
                ),
            ),
        };
        match self.output {
            Output::Quiet => {}
            Output::Json => {
                let mut value = serde_json::json!({"time": now_rfc3339(), "kind": "tunnel", "state": state});
                if let (Some(v), serde_json::Value::Object(extra)) = (value.as_object_mut(), record) {
                    v.extend(extra);
                }
                self.json(value);
            }
            Output::Human => self.notice(&text),
        }
    }

    /// A delivery was received and stored (or refused).
    pub fn received(&self, r: &Received<'_>) {
        match self.output {
            Output::Quiet => {}
            Output::Json => self.json(serde_json::json!({
                "time": now_rfc3339(),
                "kind": "received",
                "id": r.id,
                "method": r.method,
                "path": r.path,
                "provider": r.provider,
                "event": r.event,
                "signature": r.signature.as_str(),
                "signature_reason": r.reason,
                "signature_diagnosis": r.diagnosis,
                "state": r.state,
                "answered": r.answered,
                "duplicate_of": r.duplicate_of,
                "filtered": r.filtered,
            })),
            Output::Human if r.forwards_show_it => {}
            Output::Human => {
                let mut note = format!("{} {} answered {}", r.method, r.path, r.answered);
                if let Some(reason) = r.reason {
                    note = format!("{note}: {reason}{}", super::ingest::next_step(r.diagnosis, r.id));
                }
                if let Some(d) = r.duplicate_of {
                    note.push_str(&format!(" (duplicate of {d})"));
                }
                if r.filtered {
                    note.push_str(" (not forwarded: the route's events filter leaves this event out)");
                }
                print_human(&HumanLine {
                    at_ms: crate::util::unix_ms_now(),
                    provider: r.provider,
                    event: r.event,
                    signature: r.signature,
                    state: r.state,
                    status: "-",
                    latency: "",
                    id: r.id,
                    note: &note,
                });
            }
        }
    }

    /// A forward attempt finished.
    pub fn attempt(
        &self,
        meta: &Meta,
        signature: SignatureState,
        outcome: &Outcome,
        verdict: Verdict,
        attempt: u32,
        max: u32,
    ) {
        let status = outcome.result.as_ref().ok().map(|a| a.status.as_u16());
        let error = outcome.result.as_ref().err().map(Failure::to_string);
        let retry_in = match verdict {
            Verdict::Retry(d) => Some(d),
            _ => None,
        };
        match self.output {
            Output::Quiet => {}
            Output::Json => self.json(serde_json::json!({
                "time": now_rfc3339(),
                "kind": "forward",
                "id": meta.id,
                "provider": meta.provider,
                "event": meta.event,
                "signature": signature.as_str(),
                "state": verdict.state().as_str(),
                "target": outcome.url,
                "status": status,
                "latency_ms": ms(outcome.duration),
                "attempt": attempt,
                "retry_in_ms": retry_in.map(ms),
                "error": error,
            })),
            Output::Human => {
                let status = status.map_or("---".into(), |s| s.to_string());
                let mut note = outcome.url.clone();
                if let Some(e) = &error {
                    note = format!("{note}: {e}");
                }
                match verdict {
                    Verdict::Retry(d) => {
                        note.push_str(&format!(" (attempt {attempt}/{max}, retry in {})", human_duration(d)))
                    }
                    Verdict::Dead => note.push_str(&format!(" (attempt {attempt}/{max}, the last)")),
                    _ => {}
                }
                let latency = format!("{:.1}ms", outcome.duration.as_secs_f64() * 1000.0);
                print_human(&HumanLine {
                    at_ms: crate::util::unix_ms_now(),
                    provider: meta.provider.as_deref(),
                    event: meta.event.as_deref(),
                    signature,
                    state: verdict.state().as_str(),
                    status: &status,
                    latency: &latency,
                    id: &meta.id,
                    note: &note,
                });
            }
        }
    }

    fn json(&self, value: serde_json::Value) {
        let mut line = value.to_string();
        line.push('\n');
        printer::print(line.as_bytes());
    }

    /// Waits until every delivery line printed so far is written to stdout.
    pub fn flush(&self) {
        printer::flush();
    }
}

fn print_human(line: &HumanLine<'_>) {
    printer::print(line.render(crate::logging::color()).as_bytes());
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) { format!("{} ms", d.as_millis()) } else { format!("{:.1} s", d.as_secs_f64()) }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn deliveries(n: usize) -> &'static str {
    if n == 1 { "delivery" } else { "deliveries" }
}
