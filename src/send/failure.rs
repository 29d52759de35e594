//! Why a request got no answer, in words a user can act on: the kinds load
//! summaries count, plain descriptions of broken exchanges, and hints.

use std::time::Duration;

use crate::net::chain;

/// Why a request got no answer. Load summaries count these by [`SendError::kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No complete answer within the timeout.
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    /// The connection could not be made (refused, DNS, TLS handshake).
    #[error("could not connect: {0}")]
    Connect(String),
    /// The connection closed before any answer; the detail is hyper's.
    #[error("the target closed the connection without answering ({0})")]
    NoAnswer(String),
    /// What came back is not HTTP/1.x; the detail is hyper's.
    #[error("the answer is not HTTP/1.1 ({0})")]
    NotHttp(String),
    /// The answer's body stopped early: status, bytes received and expected, and why.
    #[error("the answer was cut off after {0}")]
    CutOff(String),
    /// The connection broke some other way.
    #[error("{0}")]
    Other(String),
    /// Ctrl-C came while the request was in flight.
    #[error("interrupted before an answer came (the target may have received the request)")]
    Interrupted,
}

impl SendError {
    /// `timeout`, `connect`, `other` or `interrupted`.
    pub fn kind(&self) -> &'static str {
        match self {
            SendError::Timeout(_) => "timeout",
            SendError::Connect(_) => "connect",
            SendError::NoAnswer(_) | SendError::NotHttp(_) | SendError::CutOff(_) | SendError::Other(_) => "other",
            SendError::Interrupted => "interrupted",
        }
    }

    /// What to try, for the failures whose cause the user can fix or look into.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            SendError::Timeout(_) => Some(
                "the target did not answer within --timeout (by default the provider's documented timeout, \
                 after which the provider gives up too); answer first and do slow work afterwards",
            ),
            SendError::Connect(message) => connect_hint(message),
            SendError::NoAnswer(_) | SendError::CutOff(_) => {
                Some("the target's server dropped the exchange; its log may say why (a crash, a size or time limit)")
            }
            SendError::NotHttp(_) => Some("if the server speaks TLS, use an https:// URL"),
            SendError::Other(_) | SendError::Interrupted => None,
        }
    }
}

fn connect_hint(message: &str) -> Option<&'static str> {
    if message.contains("certificate") {
        Some("add --insecure (-k) to accept a certificate no public authority signed, such as listen --tls self-signed")
    } else if message.contains("InvalidContentType") || message.contains("corrupt message") {
        Some("the server did not answer in TLS; if it speaks plain HTTP, use an http:// URL")
    } else if message.contains("refused") {
        Some("nothing is listening there; check the host and port, and that the server is running")
    } else if message.contains("lookup") || message.contains("not known") || message.contains("resolve") {
        Some("the host name did not resolve; check the host in --to")
    } else {
        None
    }
}

/// Describes an exchange that failed once the connection was made: a connection
/// closed before any answer and an answer that is not HTTP are said in plain words,
/// with hyper's own after them.
pub(super) fn failed(err: &(dyn std::error::Error + 'static)) -> SendError {
    let hyper = std::iter::successors(Some(err), |e| e.source()).find_map(|e| e.downcast_ref::<hyper::Error>());
    let text = chain(err);
    match hyper {
        Some(h) if h.is_incomplete_message() => SendError::NoAnswer(text),
        Some(h) if h.is_parse() => SendError::NotHttp(text),
        _ => SendError::Other(text),
    }
}

/// Describes an answer whose body broke off after `size` bytes.
pub(super) fn cut_off(parts: &http::response::Parts, size: usize, err: &hyper::Error) -> SendError {
    let expected = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map_or_else(String::new, |n| format!(" of {n}"));
    let status = format!("{} {}", parts.status.as_u16(), parts.status.canonical_reason().unwrap_or(""));
    SendError::CutOff(format!("{} and {size}{expected} body bytes ({})", status.trim_end(), chain(err)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_what_to_check() {
        let hint = |e: SendError| e.hint().unwrap_or_default();
        let dns = SendError::Connect("failed to lookup address information: Name or service not known".into());
        assert!(hint(dns).contains("host name did not resolve"));
        assert!(hint(SendError::Connect("Connection refused (os error 111)".into())).contains("nothing is listening"));
        assert!(hint(SendError::Timeout(Duration::from_secs(1))).contains("--timeout"));
        assert!(hint(SendError::NoAnswer("x".into())).contains("its log may say why"));
        assert_eq!(SendError::Other("something else".into()).hint(), None);
        assert_eq!(SendError::Interrupted.kind(), "interrupted");
    }
}
