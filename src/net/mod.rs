//! HTTP plumbing: the client `send`, the relay's forwarder and `replay` share, and
//! the server (with its TLS) the relay and the tunnel serve through.

pub mod body;
pub mod client;
mod preface;
pub mod server;
pub mod tls;
pub mod url;

pub use client::{Body, HttpClient, Trust, client, client_with};

/// The root cause: for connect errors the OS's words ("Connection refused")
/// say it all, without hyper's wrappers.
pub fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut at = err;
    while let Some(next) = at.source() {
        at = next;
    }
    at.to_string()
}

/// An error's causes on one line, skipping the client's generic wrapper and repeats.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = if err.source().is_some() { err.source() } else { Some(err) };
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The first `keep` bytes of a response body and its full size, read to the end; on
/// failure, the error and how many bytes came before it.
pub async fn read_capped(
    mut body: hyper::body::Incoming,
    keep: usize,
) -> Result<(bytes::Bytes, usize), (hyper::Error, usize)> {
    use http_body_util::BodyExt;
    let mut kept = bytes::BytesMut::new();
    let mut size = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.map_err(|e| (e, size))?.into_data() {
            size += data.len();
            let room = keep.saturating_sub(kept.len());
            kept.extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    Ok((kept.freeze(), size))
}
