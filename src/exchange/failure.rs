//! Why a request got no answer, in words a user can act on: the kinds load
//! summaries count, plain descriptions of broken exchanges, and hints.

use std::time::Duration;

use crate::net::chain;

/// Why a request got no answer. Load summaries count these by [`Failure::kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
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
    /// A kept-alive connection that had answered before was closed as the request
    /// went out on it: no application read it, so it may go again at once.
    #[error("{0}")]
    Closed(String),
    /// The connection broke some other way.
    #[error("{0}")]
    Other(String),
    /// The request could not be built (a bad target URL, a signature that could not
    /// be made); trying again cannot help.
    #[error("could not build the request: {0}")]
    Request(String),
    /// Ctrl-C came while the request was in flight.
    #[error("interrupted before an answer came (the target may have received the request)")]
    Interrupted,
}

impl Failure {
    /// A connection that could not be made, in the operating system's or TLS's words.
    pub fn connect(root: String) -> Failure {
        Failure::Connect(root)
    }

    /// `timeout`, `connect`, `other`, `request` or `interrupted`.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Timeout(_) => "timeout",
            Failure::Connect(_) => "connect",
            Failure::NoAnswer(_)
            | Failure::NotHttp(_)
            | Failure::CutOff(_)
            | Failure::Closed(_)
            | Failure::Other(_) => "other",
            Failure::Request(_) => "request",
            Failure::Interrupted => "interrupted",
        }
    }

    /// Whether trying again may help: everything but a request that could not be built.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Failure::Request(_))
    }

    /// The failure in one line, with the fix where a record has room for only one line
    /// and the fix is a flag (a certificate no public authority signed).
    pub fn with_fix(&self) -> String {
        match self {
            Failure::Connect(message) if message.contains("certificate") => {
                format!("{self}; add --insecure (-k) to accept a certificate no public authority signed")
            }
            _ => self.to_string(),
        }
    }

    /// What to try, for the failures whose cause the user can fix or look into.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Failure::Timeout(_) => Some(
                "the target did not answer within --timeout (by default the provider's documented timeout, \
                 after which the provider gives up too); answer first and do slow work afterwards",
            ),
            Failure::Connect(message) => connect_hint(message),
            Failure::NoAnswer(_) | Failure::CutOff(_) | Failure::Closed(_) => {
                Some("the target's server dropped the exchange; its log may say why (a crash, a size or time limit)")
            }
            Failure::NotHttp(_) => Some("if the server speaks TLS, use an https:// URL"),
            Failure::Other(_) | Failure::Request(_) | Failure::Interrupted => None,
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
pub fn failed(err: &(dyn std::error::Error + 'static)) -> Failure {
    let hyper = std::iter::successors(Some(err), |e| e.source()).find_map(|e| e.downcast_ref::<hyper::Error>());
    let text = chain(err);
    match hyper {
        Some(h) if h.is_incomplete_message() => Failure::NoAnswer(text),
        Some(h) if h.is_parse() => Failure::NotHttp(text),
        _ => Failure::Other(text),
    }
}

/// Describes an answer whose body broke off after `size` bytes.
pub fn cut_off(parts: &http::response::Parts, size: usize, err: &hyper::Error) -> Failure {
    let expected = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map_or_else(String::new, |n| format!(" of {n}"));
    let status = format!("{} {}", parts.status.as_u16(), parts.status.canonical_reason().unwrap_or(""));
    Failure::CutOff(format!("{} and {size}{expected} body bytes ({})", status.trim_end(), chain(err)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_what_to_check() {
        let hint = |e: Failure| e.hint().unwrap_or_default();
        let dns = Failure::Connect("failed to lookup address information: Name or service not known".into());
        assert!(hint(dns).contains("host name did not resolve"));
        assert!(hint(Failure::Connect("Connection refused (os error 111)".into())).contains("nothing is listening"));
        assert!(hint(Failure::Timeout(Duration::from_secs(1))).contains("--timeout"));
        assert!(hint(Failure::NoAnswer("x".into())).contains("its log may say why"));
        assert_eq!(Failure::Other("something else".into()).hint(), None);
        assert_eq!(Failure::Interrupted.kind(), "interrupted");
    }
}
