//! A recorded delivery turned back into the request its target sees: the same
//! method, query, headers (repeats and order kept, hop-by-hop dropped, `Host` from
//! the URL) and body, plus hooktap's own headers, re-signed as a [`Resign`] says.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use http_body_util::Full;

use crate::config::Signer;
use crate::provider::{SignInput, SignatureState};
use crate::store::Delivery;

/// Header naming the stored delivery on every forwarded or replayed request.
pub const DELIVERY_HEADER: &str = "x-hooktap-delivery";
/// Header carrying the relay's signature verdict on every forwarded or replayed request.
pub const SIGNATURE_HEADER: &str = "x-hooktap-signature";

/// Headers that describe one hop, not the message; never sent on.
const HOP_BY_HOP: &[&str] =
    &["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"];

/// The request as it was received, to be sent on.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Method.
    pub method: Method,
    /// Request path as received.
    pub path: String,
    /// Query string without `?`.
    pub query: Option<String>,
    /// Headers as received.
    pub headers: HeaderMap,
    /// Body bytes as received.
    pub body: Bytes,
    /// What the signature check found when it arrived.
    pub signature: SignatureState,
    /// The provider's delivery id, reused when re-signing for the relay.
    pub provider_delivery_id: Option<String>,
}

impl Recorded {
    /// The request a stored delivery holds; `None` when its method is not one HTTP knows.
    pub fn from_delivery(d: &Delivery) -> Option<Recorded> {
        Some(Recorded {
            method: Method::from_bytes(d.method.as_bytes()).ok()?,
            path: d.path.clone(),
            query: d.query.clone(),
            headers: d.headers.clone(),
            body: d.body.clone(),
            signature: d.signature,
            provider_delivery_id: d.provider_delivery_id.clone(),
        })
    }

    /// Roughly the bytes this request holds, for a queue's memory budget.
    pub fn weight(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(n, v)| n.as_str().len() + v.len() + 32).sum();
        self.body.len() + headers + self.path.len() + self.query.as_ref().map_or(0, String::len) + 128
    }
}

/// Which stored delivery a request carries, for hooktap's headers and re-signing.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The stored delivery's id.
    pub id: &'a str,
    /// Its provider, when known.
    pub provider: Option<&'a str>,
    /// Its event type, when known.
    pub event: Option<&'a str>,
}

/// What happens to the recorded signature headers.
#[derive(Debug, Clone, Copy)]
pub enum Resign<'a> {
    /// Sent as recorded, byte for byte.
    Keep,
    /// Replaced by a fresh signature from this signer, for deliveries of its own
    /// provider that passed (or had no) check: the relay's `--resign` for a local
    /// dev secret. Another provider's delivery would gain a foreign set of signature
    /// headers, and one that failed its check must stay refusable by the app.
    OwnProvider(&'a Signer),
    /// Always replaced by a fresh signature (a new timestamp and, where the provider
    /// has one, a new delivery id), so a receiver's tolerance check passes: `replay --resign`.
    Fresh(&'a Signer),
}

/// Builds the request `url` gets for a recorded delivery.
pub fn rebuild(
    url: &str,
    origin: Origin<'_>,
    recorded: &Recorded,
    resign: Resign<'_>,
) -> Result<Request<Full<Bytes>>, String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("target URL {url:?} is invalid: {e}"))?;
    let mut headers = HeaderMap::with_capacity(recorded.headers.len() + 2);
    let named_in_connection: Vec<String> = recorded
        .headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
        .collect();
    for (name, value) in &recorded.headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n)
            || n.starts_with("proxy-")
            || n == "content-length"
            || n == DELIVERY_HEADER
            || n == SIGNATURE_HEADER
            || named_in_connection.iter().any(|c| c == n)
        {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    match resign {
        Resign::Keep => {}
        Resign::OwnProvider(signer) => {
            let failed = matches!(recorded.signature, SignatureState::Invalid | SignatureState::Missing);
            if !failed && origin.provider == Some(signer.provider.info().name.as_str()) {
                let id = recorded.provider_delivery_id.as_deref().unwrap_or(origin.id);
                resign_headers(&mut headers, &recorded.body, id, origin.event, signer)?;
            }
        }
        Resign::Fresh(signer) => {
            let id = crate::send::request::fresh_id(signer.provider.info().name.as_str());
            resign_headers(&mut headers, &recorded.body, &id, origin.event, signer)?;
        }
    }
    headers.insert(
        HeaderName::from_static(DELIVERY_HEADER),
        HeaderValue::from_str(origin.id).map_err(|_| "delivery id is not a header value".to_string())?,
    );
    headers.insert(
        HeaderName::from_static(SIGNATURE_HEADER),
        HeaderValue::from_static(signature_value(recorded.signature)),
    );
    // hyper sends no length for an empty body; an app reading Content-Length (or a
    // server answering 411 without it) gets the 0 the sender gave, or that a body-carrying method implies.
    let declared = recorded.headers.contains_key(http::header::CONTENT_LENGTH);
    let carries_body = matches!(recorded.method, Method::POST | Method::PUT | Method::PATCH);
    if recorded.body.is_empty() && (declared || carries_body) {
        headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
    let mut req = Request::builder()
        .method(recorded.method.clone())
        .uri(uri)
        .body(Full::new(recorded.body.clone()))
        .map_err(|e| format!("building the request: {e}"))?;
    *req.headers_mut() = headers;
    Ok(req)
}

/// `X-Hooktap-Signature`'s value: `valid`, `invalid` or `unchecked`. A missing signature
/// failed the check too, and an app that refuses `invalid` must refuse it as well; the
/// stored record keeps the difference.
fn signature_value(state: SignatureState) -> &'static str {
    match state {
        SignatureState::Missing => SignatureState::Invalid.as_str(),
        other => other.as_str(),
    }
}

/// Replaces the signature headers (and the timestamp and id headers the scheme signs)
/// with fresh ones from `signer`, signed now.
fn resign_headers(
    headers: &mut HeaderMap,
    body: &[u8],
    id: &str,
    event: Option<&str>,
    signer: &Signer,
) -> Result<(), String> {
    let secret = signer.secret.as_ref().ok_or("the re-signing profile has no secret")?;
    let input = SignInput { body, secret, timestamp: crate::util::unix_now(), id, event };
    let fresh = signer.provider.sign_like(&input, headers).map_err(|e| e.to_string())?;
    headers.remove(signer.provider.info().signature_header.as_str());
    for name in fresh.keys() {
        headers.remove(name);
    }
    for (name, value) in &fresh {
        headers.append(name.clone(), value.clone());
    }
    if let Some(auth) = &signer.auth {
        let value = HeaderValue::from_str(auth.expose()).map_err(|_| "the auth value is not a header value")?;
        headers.insert(http::header::AUTHORIZATION, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilt_headers_keep_repeats_and_drop_hop_by_hop() {
        let mut headers = HeaderMap::new();
        headers.append("x-a", "1".parse().unwrap());
        headers.append("x-a", "2".parse().unwrap());
        headers.append("connection", "keep-alive, x-secret-hop".parse().unwrap());
        headers.append("x-secret-hop", "gone".parse().unwrap());
        headers.append("proxy-authorization", "gone".parse().unwrap());
        headers.append("content-length", "3".parse().unwrap());
        headers.append("host", "public.example".parse().unwrap());
        headers.append(DELIVERY_HEADER, "spoofed".parse().unwrap());
        let recorded = Recorded {
            method: Method::PUT,
            path: "/hook/x".into(),
            query: Some("a=1&a=2".into()),
            headers,
            body: Bytes::from_static(b"\x00\x01\xff"),
            signature: SignatureState::Valid,
            provider_delivery_id: None,
        };
        let origin = Origin { id: "01ID", provider: None, event: None };
        let req = rebuild("http://127.0.0.1:9/t/x?a=1&a=2", origin, &recorded, Resign::Keep).unwrap();
        assert_eq!(req.method(), Method::PUT);
        assert_eq!(req.uri().to_string(), "http://127.0.0.1:9/t/x?a=1&a=2");
        let h = req.headers();
        assert_eq!(h.get_all("x-a").iter().collect::<Vec<_>>(), ["1", "2"]);
        for gone in ["connection", "x-secret-hop", "proxy-authorization", "content-length", "host"] {
            assert!(h.get(gone).is_none(), "{gone} was forwarded");
        }
        assert_eq!(h[DELIVERY_HEADER], "01ID");
        assert_eq!(h[SIGNATURE_HEADER], "valid");
    }
}
