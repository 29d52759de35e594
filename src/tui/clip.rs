//! The clipboard without xclip: OSC 52, the escape sequence terminals (and tmux
//! with `set-clipboard on`) turn into a copy; and the curl command `c` copies.

use std::io::Write;

use crate::store::Delivery;

/// Headers curl sets itself, or that describe the original connection rather than the request.
const CONNECTION_HEADERS: &[&str] = &["host", "content-length", "connection", "transfer-encoding", "keep-alive"];

/// Writes the OSC 52 sequence that puts `text` on the system clipboard.
pub fn osc52(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}

/// The recorded request as a curl command that sends the same bytes: to the route's
/// target when it has one (what a replay would hit), else to where it was received.
pub fn curl(d: &Delivery) -> String {
    let url = match &d.target {
        Some(target) => {
            crate::relay::routes::forward_url(target, d.route.as_deref().unwrap_or("/"), &d.path, d.query.as_deref())
        }
        None => crate::tail::har::request_url(d),
    };
    let quote = crate::send::curl::quote;
    let mut out = format!("curl -sS -X {} {}", d.method, quote(&url));
    for (name, value) in &d.headers {
        if CONNECTION_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let header = format!("{name}: {}", String::from_utf8_lossy(value.as_bytes()));
        out.push_str(&format!(" \\\n  -H {}", quote(&header)));
    }
    match std::str::from_utf8(&d.body) {
        Ok("") => {}
        // A leading `@` would make curl read a file; `--data-binary @-` with printf avoids that.
        Ok(text) if !text.starts_with('@') && !text.contains('\0') => {
            out.push_str(&format!(" \\\n  --data-binary {}", quote(text)));
        }
        _ => {
            let escaped: String = d.body.iter().map(|b| format!("\\{b:03o}")).collect();
            out = format!("printf '{escaped}' | {out} \\\n  --data-binary @-");
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(body: &'static [u8], target: Option<&str>) -> Delivery {
        let mut headers = http::HeaderMap::new();
        headers.append("host", "relay:5757".parse().unwrap());
        headers.append("content-length", "2".parse().unwrap());
        headers.append("x-sig", "it's".parse().unwrap());
        Delivery {
            seq: 1,
            id: "01J".into(),
            received_at: 0,
            source: crate::store::Source::Listen,
            method: "POST".into(),
            path: "/hooks/gh/push".into(),
            query: Some("a=1".into()),
            headers,
            body: bytes::Bytes::from_static(body),
            body_size: body.len() as i64,
            remote_addr: None,
            provider: None,
            profile: None,
            route: Some("/hooks/gh".into()),
            event: None,
            provider_delivery_id: None,
            signature: crate::provider::SignatureState::Unchecked,
            signature_reason: None,
            duplicate_of: None,
            state: crate::store::State::Recorded,
            target: target.map(Into::into),
            attempts: 0,
            next_attempt_at: None,
            last_status: None,
            last_duration_us: None,
            last_error: None,
            replay_of: None,
        }
    }

    #[test]
    fn curl_sends_the_recorded_bytes_where_the_relay_forwards_them() {
        let curl = curl(&delivery(b"{}", Some("http://localhost:3000/app")));
        assert_eq!(
            curl,
            "curl -sS -X POST 'http://localhost:3000/app/push?a=1' \\\n  -H 'x-sig: it'\\''s' \\\n  --data-binary '{}'\n"
        );
        let curl = super::curl(&delivery(b"{}", None));
        assert!(curl.starts_with("curl -sS -X POST 'http://relay:5757/hooks/gh/push?a=1'"), "{curl}");
    }

    #[test]
    fn a_binary_body_goes_through_printf_byte_for_byte() {
        let curl = curl(&delivery(b"\x00\xff", None));
        assert!(curl.starts_with("printf '\\000\\377' | curl"), "{curl}");
        assert!(curl.ends_with("--data-binary @-\n"), "{curl}");
    }

    #[test]
    fn osc52_wraps_the_text_in_base64() {
        let mut out = Vec::new();
        osc52(&mut out, "hi").unwrap();
        assert_eq!(out, b"\x1b]52;c;aGk=\x07");
    }
}
