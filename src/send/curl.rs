//! `--dry-run`: the exact request as a copy-pasteable curl command, POSIX-shell
//! quoted (or with `--json`, as one JSON object), with credentials replaced by
//! `<redacted>` unless asked otherwise.
//!
//! The signature is not a secret (it only proves knowledge of one for this
//! body), but `Authorization`, `Proxy-Authorization` and `Cookie` values are.

use std::fmt::Write as _;

use http::{HeaderMap, HeaderName};

use super::request::Prepared;

/// Header values shown as `<redacted>` unless `--show-secrets`.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

/// The longest body given to curl as an argument; a longer one is piped in. Linux
/// refuses to start a program with any one argument over 128 KiB.
const ARGUMENT_MAX: usize = 64 * 1024;

/// The placeholder for a redacted value.
pub const REDACTED: &str = "<redacted>";

/// A rendered command and whether anything in it was redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curl {
    /// The command, ending in a newline.
    pub command: String,
    /// True when a credential was replaced by [`REDACTED`].
    pub redacted: bool,
}

/// Renders `prepared` as a curl command POSTing to `url`; `insecure` adds `-k`.
pub fn render(url: &str, prepared: &Prepared, show_secrets: bool, insecure: bool) -> Curl {
    render_request("POST", url, &prepared.headers, &prepared.body, show_secrets, insecure)
}

/// Renders any request as a curl command (`replay` sends other methods than POST).
/// An empty body is left out unless the method carries one.
pub fn render_request(
    method: &str,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
    show_secrets: bool,
    insecure: bool,
) -> Curl {
    let flags = if insecure { "-sSk" } else { "-sS" };
    let mut out = format!("curl {flags} -X {} {}", quote(method), quote(url));
    let (headers, redacted) = shown_headers(headers, show_secrets);
    for (name, shown) in &headers {
        // `-H 'name:'` tells curl to drop the header; `-H 'name;'` sends it empty.
        let header = if shown.is_empty() { format!("{name};") } else { format!("{name}: {shown}") };
        let _ = write!(out, " \\\n  -H {}", quote(&header));
    }
    match std::str::from_utf8(body) {
        Ok("") if !matches!(method, "POST" | "PUT" | "PATCH") => {}
        // A leading `@` would make curl read a file, and NUL cannot be in an argument.
        Ok(text) if text.len() <= ARGUMENT_MAX && !text.starts_with('@') && !text.contains('\0') => {
            let _ = write!(out, " \\\n  --data-binary {}", quote(text));
        }
        // `printf` is a shell builtin, so no limit on one program argument applies to it.
        Ok(text) if !text.contains('\0') => {
            out = format!("printf %s {} | {out} \\\n  --data-binary @-", quote(text));
        }
        _ => {
            out = format!("printf {} | {out} \\\n  --data-binary @-", printf_bytes(body));
        }
    }
    out.push('\n');
    Curl { command: out, redacted }
}

/// `--dry-run --json`: the request as one JSON object (`method`, `url`, `headers` as
/// `[name, value]` pairs, `body` as text or `body_base64` when it is not UTF-8), with
/// credentials redacted unless `show_secrets`; and whether anything was.
pub fn json(url: &str, prepared: &Prepared, show_secrets: bool) -> (serde_json::Value, bool) {
    json_request("POST", url, &prepared.headers, &prepared.body, show_secrets)
}

/// [`json`] for any request.
pub fn json_request(
    method: &str,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
    show_secrets: bool,
) -> (serde_json::Value, bool) {
    use base64::Engine as _;
    let (headers, redacted) = shown_headers(headers, show_secrets);
    let text = std::str::from_utf8(body).ok();
    let base64 = text.is_none().then(|| base64::engine::general_purpose::STANDARD.encode(body));
    let request = serde_json::json!({
        "method": method,
        "url": url,
        "headers": headers,
        "body": text,
        "body_base64": base64,
    });
    (request, redacted)
}

/// The headers to show, in order, credentials redacted unless `show_secrets`; and whether any was.
fn shown_headers(headers: &HeaderMap, show_secrets: bool) -> (Vec<(String, String)>, bool) {
    let mut redacted = false;
    let headers = headers
        .iter()
        .map(|(name, value)| {
            let shown = if !show_secrets && is_credential(name, value.is_sensitive()) {
                redacted = true;
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), shown)
        })
        .collect();
    (headers, redacted)
}

/// Whether a header's value is a credential: a known credential header or one marked sensitive.
pub fn is_credential(name: &HeaderName, sensitive: bool) -> bool {
    sensitive || CREDENTIAL_HEADERS.contains(&name.as_str())
}

/// Quotes `text` for a POSIX shell: single quotes, with `'` written as `'\''`.
pub fn quote(text: &str) -> String {
    let safe = !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if safe { text.to_string() } else { format!("'{}'", text.replace('\'', r"'\''")) }
}

/// A `printf` format that writes exactly `bytes`: printable ASCII as is, the
/// rest (and printf's own `%` and `\`) as octal escapes.
fn printf_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("'");
    for &b in bytes {
        match b {
            b'%' | b'\\' | b'\'' => {
                let _ = write!(out, "\\{b:03o}");
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};

    use super::*;

    fn prepared(body: &'static [u8]) -> Prepared {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("x-hub-signature-256", HeaderValue::from_static("sha256=abc"));
        headers.insert("authorization", HeaderValue::from_static("Bearer s3cr3t"));
        Prepared { headers, body: Bytes::from_static(body), provider_id: Some("id".into()), event: None, timestamp: 0 }
    }

    #[test]
    fn quoting_survives_single_quotes_and_spaces() {
        assert_eq!(quote("http://127.0.0.1:3000/hook"), "http://127.0.0.1:3000/hook");
        assert_eq!(quote("it's here"), r"'it'\''s here'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn credentials_are_redacted_but_signatures_are_not() {
        let curl = render("http://h/x", &prepared(br#"{"a":"it's"}"#), false, false);
        assert!(curl.redacted);
        assert!(!curl.command.contains("s3cr3t"), "{}", curl.command);
        assert!(curl.command.contains("'authorization: <redacted>'"));
        assert!(curl.command.contains("'x-hub-signature-256: sha256=abc'"));
        assert!(curl.command.contains(r#"--data-binary '{"a":"it'\''s"}'"#), "{}", curl.command);
        let shown = render("https://h/x", &prepared(b"{}"), true, true);
        assert!(!shown.redacted);
        assert!(shown.command.contains("Bearer s3cr3t"));
        assert!(shown.command.starts_with("curl -sSk -X POST https://h/x"), "{}", shown.command);
        assert!(curl.command.starts_with("curl -sS -X POST"), "{}", curl.command);
    }

    #[test]
    fn an_empty_header_is_written_the_way_curl_sends_it_empty() {
        let mut p = prepared(b"{}");
        p.headers.insert("x-empty", HeaderValue::from_static(""));
        let curl = render("http://h/x", &p, false, false);
        assert!(curl.command.contains("-H 'x-empty;'"), "{}", curl.command);
        assert!(!curl.command.contains("x-empty:"), "{}", curl.command);
    }

    #[test]
    fn binary_bodies_go_through_printf() {
        let curl = render("http://h/x", &prepared(b"@a\x00\xff%\\"), true, false);
        assert!(curl.command.starts_with(r"printf '@a\000\377\045\134' | curl"), "{}", curl.command);
        assert!(curl.command.ends_with("--data-binary @-\n"));
    }
}
