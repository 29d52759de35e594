//! One delivery as one record: the human line (listen's renderer), an NDJSON
//! object, a CSV row. The field names here are the contract `docs/tail.md` documents.

use crate::relay::line::HumanLine;
use crate::store::{State, Summary};

/// The CSV header row, naming the columns [`csv_row`] writes.
pub const CSV_HEADER: &str = "time,id,provider,event,signature,status,response_ms,failure_reason,attempts,state\n";

/// Why a delivery did not end well, in words, or `None` when it did (or has not ended yet).
pub fn failure_reason(s: &Summary) -> Option<String> {
    if let Some(error) = &s.last_error {
        return Some(error.clone());
    }
    match (s.state, s.last_status) {
        (State::Rejected, _) => Some(match &s.signature_reason {
            Some(reason) => format!("signature {}: {reason}", s.signature.as_str()),
            None => format!("signature {}", s.signature.as_str()),
        }),
        (_, Some(status)) if !(200..300).contains(&status) => Some(format!("HTTP {status}")),
        _ => None,
    }
}

/// The last answer's latency in milliseconds, rounded to the microsecond.
pub fn latency_ms(s: &Summary) -> Option<f64> {
    s.last_duration_us.map(|us| us as f64 / 1000.0)
}

/// The time as RFC 3339 UTC with milliseconds, as every machine-readable record spells it.
pub fn rfc3339(unix_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(unix_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The line `listen` would have printed for this delivery, with its newline.
pub fn line(s: &Summary, color: bool) -> String {
    let status = s.last_status.map_or_else(|| "-".to_owned(), |c| c.to_string());
    let latency = latency_ms(s).map_or_else(String::new, |ms| format!("{ms:.1}ms"));
    let mut note = format!("{} {}", s.method, s.path);
    if let Some(q) = &s.query {
        note.push('?');
        note.push_str(q);
    }
    if let Some(reason) = failure_reason(s) {
        note.push_str(": ");
        note.push_str(&reason);
    }
    if s.attempts > 1 {
        note.push_str(&format!(" ({} attempts)", s.attempts));
    }
    if let Some(d) = &s.duplicate_of {
        note.push_str(&format!(" (duplicate of {d})"));
    }
    if let Some(r) = &s.replay_of {
        note.push_str(&format!(" (replay of {r})"));
    }
    HumanLine {
        at_ms: s.received_at,
        provider: s.provider.as_deref(),
        event: s.event.as_deref(),
        signature: s.signature,
        state: s.state.as_str(),
        status: &status,
        latency: &latency,
        id: &s.id,
        note: &note,
    }
    .render(color)
}

/// The NDJSON record of a delivery (`docs/tail.md` lists the fields).
pub fn json(s: &Summary) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "seq": s.seq,
        "time": rfc3339(s.received_at),
        "source": s.source.as_str(),
        "method": s.method,
        "path": s.path,
        "query": s.query,
        "provider": s.provider,
        "route": s.route,
        "event": s.event,
        "provider_delivery_id": s.provider_delivery_id,
        "signature": s.signature.as_str(),
        "signature_reason": s.signature_reason,
        "duplicate_of": s.duplicate_of,
        "state": s.state.as_str(),
        "target": s.target,
        "attempts": s.attempts,
        "status": s.last_status,
        "latency_ms": latency_ms(s),
        "error": s.last_error,
        "failure_reason": failure_reason(s),
        "body_size": s.body_size,
        "replay_of": s.replay_of,
    })
}

/// The NDJSON line of a delivery, with its newline.
pub fn json_line(s: &Summary) -> String {
    let mut line = json(s).to_string();
    line.push('\n');
    line
}

/// The CSV row of a delivery, with its CRLF-free newline, in [`CSV_HEADER`]'s order.
pub fn csv_row(s: &Summary) -> String {
    let fields = [
        rfc3339(s.received_at),
        s.id.clone(),
        s.provider.clone().unwrap_or_default(),
        s.event.clone().unwrap_or_default(),
        s.signature.as_str().to_owned(),
        s.last_status.map(|c| c.to_string()).unwrap_or_default(),
        latency_ms(s).map(|ms| format!("{ms:.3}")).unwrap_or_default(),
        failure_reason(s).unwrap_or_default(),
        s.attempts.to_string(),
        s.state.as_str().to_owned(),
    ];
    let mut row = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    row.push('\n');
    row
}

/// One CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::SignatureState;
    use crate::store::Source;

    pub(crate) fn summary() -> Summary {
        Summary {
            seq: 7,
            id: "01JAAAAAAAAAAAAAAAAAAAAAAA".into(),
            received_at: 1_793_527_200_123,
            source: Source::Listen,
            method: "POST".into(),
            path: "/hook".into(),
            query: None,
            body_size: 12,
            provider: Some("github".into()),
            route: Some("/".into()),
            event: Some("push".into()),
            provider_delivery_id: None,
            signature: SignatureState::Valid,
            duplicate_of: None,
            state: State::Dead,
            target: Some("http://t".into()),
            attempts: 3,
            last_status: Some(503),
            last_duration_us: Some(1500),
            last_error: None,
            replay_of: None,
            signature_reason: None,
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_says_why_it_failed() {
        let mut s = summary();
        s.event = Some("a,\"b\"".into());
        assert_eq!(
            csv_row(&s),
            "2026-11-01T10:00:00.123Z,01JAAAAAAAAAAAAAAAAAAAAAAA,github,\"a,\"\"b\"\"\",valid,503,1.500,HTTP 503,3,dead\n"
        );
        assert_eq!(CSV_HEADER.split(',').count(), csv_row(&summary()).split(',').count());
    }

    #[test]
    fn a_rejected_delivery_fails_for_its_signature_and_an_error_beats_a_status() {
        let mut s = summary();
        s.state = State::Rejected;
        s.signature = SignatureState::Invalid;
        s.signature_reason = Some("no signature matched".into());
        s.last_status = None;
        assert_eq!(failure_reason(&s).as_deref(), Some("signature invalid: no signature matched"));
        s.state = State::Failed;
        s.last_error = Some("connection refused".into());
        assert_eq!(failure_reason(&s).as_deref(), Some("connection refused"));
        s.last_error = None;
        s.last_status = Some(204);
        assert_eq!(failure_reason(&s), None);
    }

    #[test]
    fn the_line_is_listens_line_with_the_request_and_the_failure() {
        let text = line(&summary(), false);
        assert!(text.contains("github    push"), "{text}");
        assert!(
            text.contains(
                "sig ✓ dead      503    1.5ms  01JAAAAAAAAAAAAAAAAAAAAAAA  POST /hook: HTTP 503 (3 attempts)"
            )
        );
        let v = json(&summary());
        assert_eq!(v["time"], "2026-11-01T10:00:00.123Z");
        assert_eq!(v["failure_reason"], "HTTP 503");
        assert_eq!(v["latency_ms"].as_f64(), Some(1.5));
    }
}
