//! Reading a request body a server was sent: whole, up to a limit, without copying
//! a body that came in one frame. The relay and the tunnel's public end share it.

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Body;

/// Why a body could not be read.
pub enum BodyError {
    /// It is longer than the limit.
    TooLarge,
    /// The connection or its framing failed.
    Read(Box<dyn std::error::Error + Send + Sync>),
}

/// Reads a body of at most `limit` bytes, leaving `body` with its caller (a refused one
/// must stay open until the answer is sent). A body in one frame is not copied.
pub async fn read_limited<B>(body: &mut B, limit: usize) -> Result<Bytes, BodyError>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut first: Option<Bytes> = None;
    let mut more = bytes::BytesMut::new();
    let mut len = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|e| BodyError::Read(e.into()))?.into_data() else { continue };
        len += data.len();
        if len > limit {
            return Err(BodyError::TooLarge);
        }
        match &first {
            None => first = Some(data),
            Some(head) => {
                if more.is_empty() {
                    more.extend_from_slice(head);
                }
                more.extend_from_slice(&data);
            }
        }
    }
    Ok(if more.is_empty() { first.unwrap_or_default() } else { more.freeze() })
}
