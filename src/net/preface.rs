//! The first bytes of a connection, read under the header deadline.
//!
//! hyper-util's automatic HTTP/1.1-or-h2 server waits, with no time limit, for
//! enough bytes to tell which protocol the client speaks; hyper's header read
//! timeout only starts after that. A client that connects and sends nothing
//! (or a few bytes of the h2 preface) would hold a connection slot for ever, and
//! enough of them would lock the relay. So the relay reads those bytes itself,
//! by the deadline, and hands them to hyper ahead of the rest of the stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// What an HTTP/2 client with prior knowledge sends first (RFC 9113, section 3.4).
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Reads until the bytes tell HTTP/1.1 from h2: they stop matching the h2 preface
/// (one or two bytes for any HTTP/1.1 method), or all of it arrived. `None` when
/// the client closes, fails, or is not done by `deadline`.
pub async fn read_preface<S: AsyncRead + Unpin>(stream: &mut S, deadline: Instant) -> Option<Vec<u8>> {
    let mut seen = Vec::with_capacity(1024);
    let read = async {
        loop {
            let mut chunk = [0u8; 1024];
            let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
            seen.extend_from_slice(&chunk[..n]);
            let common = seen.len().min(H2_PREFACE.len());
            if seen[..common] != H2_PREFACE[..common] || common == H2_PREFACE.len() {
                return Some(());
            }
        }
    };
    tokio::time::timeout_at(deadline, read).await.ok().flatten()?;
    Some(seen)
}

/// A stream with bytes already read from it put back in front.
#[derive(Debug)]
pub struct Prefixed<S> {
    prefix: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S> Prefixed<S> {
    /// `prefix` is read before anything more from `inner`.
    pub fn new(prefix: Vec<u8>, inner: S) -> Self {
        Prefixed { prefix, at: 0, inner }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.at < this.prefix.len() {
            let rest = &this.prefix[this.at..];
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.at += n;
            if this.at == this.prefix.len() {
                this.prefix = Vec::new();
                this.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncWriteExt;

    use super::*;

    fn soon() -> Instant {
        Instant::now() + Duration::from_millis(200)
    }

    #[tokio::test]
    async fn one_or_two_bytes_tell_http1_and_the_whole_preface_tells_h2() {
        for (sent, expected) in
            [(&b"GET / HTTP/1.1\r\n"[..], &b"GET / HTTP/1.1\r\n"[..]), (b"PUT", b"PUT"), (H2_PREFACE, H2_PREFACE)]
        {
            let (mut client, mut server) = tokio::io::duplex(64);
            client.write_all(sent).await.unwrap();
            assert_eq!(read_preface(&mut server, soon()).await.as_deref(), Some(expected));
        }
    }

    #[tokio::test]
    async fn a_silent_or_stalled_client_is_given_up_at_the_deadline() {
        let (_client, mut server) = tokio::io::duplex(64);
        assert_eq!(read_preface(&mut server, soon()).await, None);
        // Half the h2 preface, then nothing: still undecided at the deadline.
        let (mut client, mut server) = tokio::io::duplex(64);
        client.write_all(&H2_PREFACE[..12]).await.unwrap();
        assert_eq!(read_preface(&mut server, soon()).await, None);
        // Closed before deciding.
        let (client, mut server) = tokio::io::duplex(64);
        drop(client);
        assert_eq!(read_preface(&mut server, soon()).await, None);
    }

    #[tokio::test]
    async fn the_prefix_is_read_again_before_the_rest_of_the_stream() {
        let (mut client, server) = tokio::io::duplex(64);
        client.write_all(b" world").await.unwrap();
        drop(client);
        let mut joined = Prefixed::new(b"hello".to_vec(), server);
        let mut all = Vec::new();
        joined.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"hello world");
    }
}
