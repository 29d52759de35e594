//! What `send` prints: one request's result (a line plus the response body, or
//! one JSON object) and the catalog listing (a table or JSON).

use std::fmt::Write as _;

use serde_json::json;

use crate::catalog::{EventSource, EventSpec};
use crate::exchange::Exchange as Outcome;
use crate::logging::paint;

/// How much of a response body the human output shows.
pub const BODY_PREVIEW: usize = 500;

/// What one result line describes besides the outcome.
#[derive(Debug, Clone)]
pub struct Sent<'a> {
    /// Target URL.
    pub url: &'a str,
    /// Provider name.
    pub provider: &'a str,
    /// Event type.
    pub event: Option<&'a str>,
    /// hooktap's id for the recorded delivery (for `replay`), when recorded.
    pub delivery_id: Option<&'a str>,
    /// The provider delivery id the request carries, if any.
    pub provider_delivery_id: Option<&'a str>,
}

/// `200 OK  12.3 ms  POST url  provider event`, then the body or error indented.
pub fn human(sent: &Sent<'_>, outcome: &Outcome) -> String {
    let ms = outcome.duration.as_secs_f64() * 1000.0;
    let event = sent.event.unwrap_or("-");
    let (head, detail) = match &outcome.result {
        Ok(a) => {
            let text = format!("{} {}", a.status.as_u16(), a.status.canonical_reason().unwrap_or(""));
            let colour = if a.status.is_success() { "32" } else { "31" };
            let mut detail = preview(&a.body, a.size, BODY_PREVIEW);
            if let Some(hint) = hint(sent, outcome) {
                if !detail.is_empty() {
                    detail.push('\n');
                }
                detail.push_str(&format!("hint: {hint}"));
            }
            (paint(text.trim_end(), colour), detail)
        }
        Err(e) => {
            let hint = e.hint().map(|h| format!("\nhint: {h}")).unwrap_or_default();
            (paint(e.kind(), "31"), format!("error: {e}{hint}"))
        }
    };
    let mut out = format!("{head}  {ms:.1} ms  POST {}  {} {event}\n", sent.url, sent.provider);
    for line in detail.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// What to do about an outcome, when there is something to say: a failure's hint,
/// or where a redirect points (hooktap does not follow redirects).
pub fn hint(sent: &Sent<'_>, outcome: &Outcome) -> Option<String> {
    match &outcome.result {
        Ok(a) if a.status.is_redirection() => Some(redirect_hint(sent.url, location(&a.headers))),
        Ok(a) if a.status == http::StatusCode::UNAUTHORIZED => Some(unauthorized_hint(sent, &a.headers)),
        Ok(_) => None,
        Err(e) => e.hint().map(str::to_owned),
    }
}

/// Explains a 401: the receiver most likely checks with another secret. A hooktap
/// relay names the delivery it stored, so the hint points at its full explanation.
pub fn unauthorized_hint(sent: &Sent<'_>, headers: &http::HeaderMap) -> String {
    let relay_id = headers.get(crate::exchange::DELIVERY_HEADER).and_then(|v| v.to_str().ok());
    match relay_id {
        Some(id) => format!(
            "the receiver refused the signature; `hooktap verify --delivery {id}` explains why (the cause is also \
             in the answer above)"
        ),
        None => {
            let sent_as = sent
                .delivery_id
                .map(|id| format!(" (`hooktap verify --delivery {id}` re-checks what was sent)"))
                .unwrap_or_default();
            format!(
                "the receiver refused the request as unauthorized: check that it verifies with the secret this \
                 request was signed with ({} scheme), over the raw body as received{sent_as}",
                sent.provider
            )
        }
    }
}

/// A redirect's `Location` header, if it is text.
pub fn location(headers: &http::HeaderMap) -> Option<&str> {
    headers.get(http::header::LOCATION).and_then(|v| v.to_str().ok())
}

/// Explains a 3xx answer: providers deliver to the URL they were given and do not
/// follow redirects, so neither does hooktap; the user should send to where it points.
pub fn redirect_hint(url: &str, location: Option<&str>) -> String {
    match location {
        Some(to) => {
            let to = resolve(url, to);
            format!(
                "the target redirects to {to}; hooktap does not follow redirects, as webhook providers do not: send there with --to {to}"
            )
        }
        None => "the target answered with a redirect but no Location; webhook providers do not follow redirects".into(),
    }
}

/// `location` made absolute against `base` when it is an absolute path (`/new`), as
/// redirects to the same server often are; other forms are shown as given.
fn resolve(base: &str, location: &str) -> String {
    if location.starts_with('/')
        && !location.starts_with("//")
        && let Ok(uri) = base.parse::<http::Uri>()
        && let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority())
    {
        return format!("{scheme}://{authority}{location}");
    }
    location.to_string()
}

/// Up to `max` bytes of an answer's body for a terminal, then how many of its
/// `size` bytes were left out. Line breaks and tabs are kept; other control
/// characters and bytes that are not UTF-8 are shown escaped (`\x1b`, `\xff`), so
/// an answer can neither drive the terminal nor garble the output.
pub fn preview(kept: &[u8], size: usize, max: usize) -> String {
    let mut cut = kept.len().min(max);
    // Stop before a character the cut would split.
    while cut > 0 && cut < kept.len() && kept[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    let mut out = String::with_capacity(cut);
    let shown = &kept[..cut];
    for chunk in shown.utf8_chunks() {
        let mut chars = chunk.valid().chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\n' | '\t' => out.push(c),
                '\r' if chars.peek() == Some(&'\n') => out.push(c),
                c if c.is_control() && u32::from(c) < 0x80 => {
                    let _ = write!(out, "\\x{:02x}", u32::from(c));
                }
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    if size > cut {
        let _ = write!(out, "…(+{} bytes)", size - cut);
    }
    out
}

/// The result as one JSON object.
pub fn json(sent: &Sent<'_>, outcome: &Outcome) -> serde_json::Value {
    let (status, body, size, error) = match &outcome.result {
        Ok(a) => (Some(a.status.as_u16()), Some(&a.body[..]), Some(a.size), None),
        Err(e) => (None, None, None, Some(json!({"kind": e.kind(), "message": e.to_string()}))),
    };
    // Text stays readable in `response_body`; bytes that are not UTF-8 would be
    // replaced there, so they also come whole, in base64.
    let base64 = body.filter(|b| std::str::from_utf8(b).is_err()).map(|b| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    });
    let body = body.map(|b| String::from_utf8_lossy(b).into_owned());
    json!({
        "status": status,
        "ok": outcome.is_ok(),
        "latency_ms": (outcome.duration.as_secs_f64() * 1_000_000.0).round() / 1000.0,
        "url": sent.url,
        "provider": sent.provider,
        "event": sent.event,
        "delivery_id": sent.delivery_id,
        "provider_delivery_id": sent.provider_delivery_id,
        "response_body": body,
        "response_body_base64": base64,
        "response_size": size,
        "error": error,
        "hint": hint(sent, outcome),
    })
}

/// The catalog as an aligned table; events hooktap named itself are marked `*`.
pub fn list_table<'a>(events: impl IntoIterator<Item = &'a EventSpec>) -> String {
    let rows: Vec<[String; 4]> = events
        .into_iter()
        .map(|e| {
            let mark = if e.named_by_provider { "" } else { "*" };
            [e.provider.clone(), format!("{}{mark}", e.name), e.content_type.clone(), e.description.clone()]
        })
        .collect();
    let header = ["PROVIDER", "EVENT", "CONTENT TYPE", "DESCRIPTION"].map(String::from);
    let mut widths = [0; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let _ = writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    if rows.iter().any(|r| r[1].ends_with('*')) {
        out.push_str("* named by hooktap: the provider documents the kind of event, not this name\n");
    }
    out
}

/// The catalog as a JSON array.
pub fn list_json<'a>(events: impl IntoIterator<Item = &'a EventSpec>) -> serde_json::Value {
    events
        .into_iter()
        .map(|e| {
            let source = match &e.source {
                EventSource::Builtin => json!("builtin"),
                EventSource::UserDir(path) => json!(path.display().to_string()),
            };
            json!({
                "provider": e.provider,
                "name": e.name,
                "description": e.description,
                "named_by_provider": e.named_by_provider,
                "content_type": e.content_type,
                "source": source,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};

    use super::*;
    use crate::exchange::Answer;
    use crate::exchange::Failure as SendError;

    fn sent() -> Sent<'static> {
        Sent {
            url: "http://127.0.0.1:1/h",
            provider: "nexadesk",
            event: Some("lead.created"),
            delivery_id: None,
            provider_delivery_id: Some("p1"),
        }
    }

    #[test]
    fn human_line_has_status_latency_target_and_indented_body() {
        let long = "x".repeat(BODY_PREVIEW + 10);
        let outcome = Outcome {
            started_at: 0,
            url: String::new(),
            duration: Duration::from_micros(12_340),
            result: Ok(Answer {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from(long.clone()),
                size: long.len(),
            }),
        };
        let text = human(&sent(), &outcome);
        assert!(text.starts_with("200 OK  12.3 ms  POST http://127.0.0.1:1/h  nexadesk lead.created\n  x"), "{text}");
        assert!(text.contains("…(+10 bytes)"), "{text}");
        let failed = Outcome {
            started_at: 0,
            url: String::new(),
            duration: Duration::from_secs(1),
            result: Err(SendError::Connect("connection refused".into())),
        };
        let j = json(&sent(), &failed);
        assert_eq!(j["ok"], false);
        assert_eq!(j["status"], serde_json::Value::Null);
        assert_eq!(j["error"]["kind"], "connect");
        assert!(human(&sent(), &failed).contains("  error: could not connect: connection refused"));
    }

    #[test]
    fn previews_escape_what_a_terminal_would_act_on_and_count_the_whole_body() {
        assert_eq!(preview(b"ok\r\nline\ttab", 2, 500), "ok\r\nline\ttab");
        assert_eq!(preview(b"\x1b[31mred\x00\r", 9, 500), r"\x1b[31mred\x00\x0d");
        assert_eq!(preview(b"\xff\xfeab", 4, 500), r"\xff\xfeab");
        assert_eq!(preview("\u{9b}".as_bytes(), 2, 500), r"\u{9b}");
        // The cut never splits a character; what is left out counts from the whole body.
        assert_eq!(preview("aé".as_bytes(), 1_000_000, 2), "a…(+999999 bytes)");
    }

    fn answered(status: StatusCode, headers: HeaderMap, body: &'static [u8]) -> Outcome {
        Outcome {
            started_at: 0,
            url: String::new(),
            duration: Duration::from_millis(1),
            result: Ok(Answer { status, headers, body: Bytes::from_static(body), size: body.len() }),
        }
    }

    #[test]
    fn a_401_says_what_to_check_and_names_a_relays_delivery() {
        let plain = human(&sent(), &answered(StatusCode::UNAUTHORIZED, HeaderMap::new(), b"nope"));
        assert!(plain.contains("  hint: the receiver refused the request as unauthorized"), "{plain}");
        assert!(plain.contains("the secret this request was signed with (nexadesk scheme)"), "{plain}");
        let mut headers = HeaderMap::new();
        headers.insert(crate::exchange::DELIVERY_HEADER, "01RELAY".parse().unwrap());
        let relay = json(&sent(), &answered(StatusCode::UNAUTHORIZED, headers, b"signature check failed"));
        assert!(
            relay["hint"].as_str().unwrap().contains("`hooktap verify --delivery 01RELAY` explains why"),
            "{relay}"
        );
        assert_eq!(hint(&sent(), &answered(StatusCode::OK, HeaderMap::new(), b"")), None);
    }

    #[test]
    fn redirects_point_to_an_absolute_url() {
        let hint = redirect_hint("http://127.0.0.1:3000/old?x=1", Some("/new"));
        assert!(hint.contains("--to http://127.0.0.1:3000/new"), "{hint}");
        let hint = redirect_hint("http://a/old", Some("https://b/new"));
        assert!(hint.contains("--to https://b/new"), "{hint}");
        assert!(redirect_hint("http://a/", None).contains("no Location"));
    }
}
