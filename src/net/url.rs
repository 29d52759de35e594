//! URLs as users type them: `--to`, `--forward-to`, a route's `forward_to`,
//! `check`'s URL. One rule for all of them (no scheme means `http://`) and one
//! wording for a URL that cannot be used.

use http::Uri;

use crate::error::usage_hint;

/// What every bad-URL error suggests.
const HINT: &str = "give a URL such as http://localhost:3000/webhooks (http:// is assumed when none is given)";

/// An absolute `http://` or `https://` URL, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// The URL as it will be used, with its scheme.
    pub text: String,
    /// The same, parsed.
    pub uri: Uri,
}

impl HttpUrl {
    /// Whether the URL names a path beyond `/` (a destination of its own).
    pub fn has_path(&self) -> bool {
        !matches!(self.uri.path(), "" | "/")
    }
}

/// Parses `text` given for `what` (`--to`, `forward target`, …): `localhost:3000/hook`
/// and `127.0.0.1:5757` mean `http://`; any other scheme, a missing host or a
/// `#fragment` (which no server receives) is a usage error in one wording.
pub fn http_url(text: &str, what: &str) -> anyhow::Result<HttpUrl> {
    let trimmed = text.trim();
    let bad = |why: String| usage_hint(format!("{what} {text:?} is not a usable URL: {why}"), HINT);
    if trimmed.is_empty() {
        return Err(bad("it is empty".into()));
    }
    if let Some((_, fragment)) = trimmed.split_once('#') {
        return Err(bad(format!("a #fragment (#{fragment}) never reaches a server; drop it")));
    }
    let full = if trimmed.contains("://") { trimmed.to_owned() } else { format!("http://{trimmed}") };
    let full = encode_unsafe(&full);
    let uri: Uri = full.parse().map_err(|e| bad(format!("{e}")))?;
    match (uri.scheme_str(), uri.authority()) {
        (Some("http" | "https"), Some(a)) if !a.host().is_empty() => Ok(HttpUrl { text: full, uri }),
        (Some("http" | "https"), _) => Err(bad("it names no host".into())),
        (Some(other), _) => Err(bad(format!("{other}:// is not supported; use http:// or https://"))),
        (None, _) => Err(bad("it is not an absolute URL".into())),
    }
}

/// Characters that cannot stand in a URL as typed (`?q="x"`, a space) percent-encoded,
/// as curl sends them; only after the host, which has no such characters to encode.
fn encode_unsafe(url: &str) -> String {
    let unsafe_char = |c: char| matches!(c, '"' | '<' | '>' | '`' | ' ' | '\\' | '^' | '{' | '|' | '}');
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let Some(start) = url[after_scheme..].find(['/', '?']).map(|i| i + after_scheme) else { return url.to_owned() };
    let (head, tail) = url.split_at(start);
    let mut out = String::with_capacity(url.len() + 8);
    out.push_str(head);
    for c in tail.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_scheme_means_http_and_other_schemes_are_refused_in_one_wording() {
        for (given, used) in [
            ("localhost:3000/hook", "http://localhost:3000/hook"),
            ("127.0.0.1:5757", "http://127.0.0.1:5757"),
            (" https://example.com/x?a=1 ", "https://example.com/x?a=1"),
        ] {
            assert_eq!(http_url(given, "--to").unwrap().text, used);
        }
        assert!(http_url("localhost:3000/hook", "x").unwrap().has_path());
        // What cannot stand in a URL as typed is percent-encoded, as curl does.
        assert_eq!(http_url(r#"http://h/a b?x="y"&z=<1>"#, "x").unwrap().text, "http://h/a%20b?x=%22y%22&z=%3C1%3E");
        assert!(!http_url("localhost:3000/", "x").unwrap().has_path());
        for (bad, why) in [
            ("ftp://host/x", "ftp:// is not supported"),
            ("http://h/x#top", "#fragment (#top)"),
            ("", "it is empty"),
            ("http:///x", "is not a usable URL"),
            ("/hook", "is not a usable URL"),
            ("not a url", "is not a usable URL"),
        ] {
            let err = crate::error::classify(&http_url(bad, "--to").unwrap_err());
            let message = err.message.unwrap_or_default();
            assert!(message.starts_with(&format!("--to {bad:?} is not a usable URL: ")), "{message}");
            assert!(message.contains(why), "{bad}: {message}");
            assert!(err.hint.unwrap_or_default().contains("http:// is assumed"));
        }
    }
}
