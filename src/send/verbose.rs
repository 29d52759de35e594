//! What `-v`, `-vv` and `-vvv` show about a send: the run (info), how requests
//! are signed and how each one fares (debug), every header (trace). Secrets never
//! appear: credentials are redacted and signatures shortened.
//!
//! The per-request functions format a good deal; callers in the load path check
//! `tracing::enabled!` first, so they cost nothing at the default level.

use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};

use super::curl::{REDACTED, is_credential};
use super::load::LoadSpec;
use super::record::RunInfo;
use super::request::{Prepared, RequestPlan};
use crate::exchange::Exchange as Outcome;

/// Characters of a signature shown; the rest is elided.
const SIGNATURE_SHOWN: usize = 12;

/// Logs what a run will send: where and how much (info), how it is signed (debug).
pub fn run_start(run: &RunInfo, plan: &RequestPlan, first: &Prepared, timeout: Duration, load: Option<&LoadSpec>) {
    let event = run.event.as_deref().unwrap_or("-");
    let how_many = match load {
        None => "one request".to_string(),
        Some(spec) => load_shape(spec),
    };
    tracing::info!("sending {} {event} to POST {}: {how_many}", run.provider, run.url);
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let signature = plan.provider.info().signature_header.to_ascii_lowercase();
    let signed_with: Vec<&str> = first
        .headers
        .keys()
        .map(|name| name.as_str())
        .filter(|name| {
            ![CONTENT_TYPE.as_str(), USER_AGENT.as_str(), AUTHORIZATION.as_str(), signature.as_str()].contains(name)
                && !plan.extra.contains_key(*name)
        })
        .collect();
    let shown = first.headers.get(signature.as_str()).map_or_else(|| "(none)".to_string(), |v| shorten(v.as_bytes()));
    let from = if plan.extra.contains_key(signature.as_str()) { ", given with -H, not computed" } else { "" };
    tracing::debug!(
        "signing for {} (timestamp {}): {signature}: {shown}{from}; also sent: {}",
        run.provider,
        first.timestamp,
        if signed_with.is_empty() { "-".to_string() } else { signed_with.join(", ") },
    );
    let extra: Vec<&str> = plan.extra.keys().map(|name| name.as_str()).collect();
    tracing::debug!(
        "body {} bytes of {}; authorization {}; -H {}; timeout {}{}",
        first.body.len(),
        plan.content_type,
        if plan.auth.is_some() { "sent (redacted)" } else { "none" },
        if extra.is_empty() { "none".to_string() } else { extra.join(", ") },
        humantime::format_duration(timeout),
        if load.is_some() { "; each request is rendered and signed afresh" } else { "" },
    );
}

/// `1000 requests, 32 at once, at most 200/s, for 30s`.
fn load_shape(spec: &LoadSpec) -> String {
    let mut parts = vec![match spec.count {
        Some(n) => format!("{n} requests"),
        None => "requests".to_string(),
    }];
    parts.push(format!("{} at once", spec.concurrency));
    if let Some(rate) = spec.rate {
        parts.push(format!("at most {rate}/s"));
    }
    if let Some(d) = spec.duration {
        parts.push(format!("for {}", humantime::format_duration(d)));
    }
    parts.join(", ")
}

/// Logs every header of a request at trace, credentials redacted and the
/// signature shortened.
pub fn request_headers(prepared: &Prepared, signature_header: &str) {
    for (name, value) in &prepared.headers {
        let shown = if is_credential(name, value.is_sensitive()) {
            REDACTED.to_string()
        } else if name.as_str().eq_ignore_ascii_case(signature_header) {
            shorten(value.as_bytes())
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        tracing::trace!("> {name}: {shown}");
    }
}

/// Logs how a request fared (debug) and the answer's headers (trace).
pub fn outcome(outcome: &Outcome, provider_id: Option<&str>) {
    let ms = outcome.duration.as_secs_f64() * 1000.0;
    let id = provider_id.map_or_else(String::new, |id| format!(" (delivery {id})"));
    match &outcome.result {
        Ok(answer) => {
            tracing::debug!("{} in {ms:.1} ms, {} body bytes{id}", answer.status, answer.size);
            if tracing::enabled!(tracing::Level::TRACE) {
                for (name, value) in &answer.headers {
                    tracing::trace!("< {name}: {}", String::from_utf8_lossy(value.as_bytes()));
                }
            }
        }
        Err(e) => tracing::debug!("no answer after {ms:.1} ms: {e}{id}"),
    }
}

/// A signature's first characters, enough to compare by eye, never all of it.
fn shorten(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    match text.char_indices().nth(SIGNATURE_SHOWN) {
        Some((cut, _)) => format!("{}… ({} chars)", &text[..cut], text.chars().count()),
        None => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_shortened_and_short_values_kept() {
        let full = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        let shown = shorten(full.as_bytes());
        assert_eq!(shown, "sha256=75710… (71 chars)");
        assert_eq!(shorten(b"short"), "short");
    }
}
