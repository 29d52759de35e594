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
