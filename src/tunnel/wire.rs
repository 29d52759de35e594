//! The field encodings of the tunnel's frames: big-endian integers, `u32`-length
//! prefixed bytes, optional strings, header lists; and a cursor that reads them
//! back failing, never panicking, on a message that ends too soon.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::protocol::{FrameError, Mode};

/// Most headers one request or answer may carry on the wire.
const MAX_HEADERS: u32 = 10_000;

pub(super) fn put_mode(out: &mut BytesMut, mode: Mode) {
    out.put_u8(match mode {
        Mode::Immediate => 0,
        Mode::Passthrough => 1,
    });
}

pub(super) fn put_bytes(out: &mut BytesMut, bytes: &[u8]) {
    out.put_u32(bytes.len() as u32);
    out.put_slice(bytes);
}

pub(super) fn put_option(out: &mut BytesMut, value: Option<&str>) {
    match value {
        None => out.put_u8(0),
        Some(v) => {
            out.put_u8(1);
            put_bytes(out, v.as_bytes());
        }
    }
}

/// Headers as the wire and `serve`'s buffer keep them: a count, then name and value pairs.
pub fn put_headers(out: &mut BytesMut, headers: &[(Bytes, Bytes)]) {
    out.put_u32(headers.len() as u32);
    for (name, value) in headers {
        put_bytes(out, name);
        put_bytes(out, value);
    }
}

/// Reads what [`put_headers`] wrote.
pub fn decode_headers(bytes: Bytes) -> Result<Vec<(Bytes, Bytes)>, FrameError> {
    let mut r = Reader::new(bytes);
    let headers = r.headers()?;
    match r.0.remaining() {
        0 => Ok(headers),
        n => Err(FrameError::Trailing(n)),
    }
}

/// A cursor over one message that fails instead of reading past its end.
pub(super) struct Reader(Bytes);

impl Reader {
    pub(super) fn new(message: Bytes) -> Reader {
        Reader(message)
    }

    pub(super) fn remaining(&self) -> usize {
        self.0.remaining()
    }

    fn need(&self, n: usize, what: &'static str) -> Result<(), FrameError> {
        if self.0.remaining() < n { Err(FrameError::Truncated(what)) } else { Ok(()) }
    }

    pub(super) fn u8(&mut self, what: &'static str) -> Result<u8, FrameError> {
        self.need(1, what)?;
        Ok(self.0.get_u8())
    }

    pub(super) fn u16(&mut self, what: &'static str) -> Result<u16, FrameError> {
        self.need(2, what)?;
        Ok(self.0.get_u16())
    }

    pub(super) fn u32(&mut self, what: &'static str) -> Result<u32, FrameError> {
        self.need(4, what)?;
        Ok(self.0.get_u32())
    }

    pub(super) fn u64(&mut self, what: &'static str) -> Result<u64, FrameError> {
        self.need(8, what)?;
        Ok(self.0.get_u64())
    }

    pub(super) fn i64(&mut self, what: &'static str) -> Result<i64, FrameError> {
        self.need(8, what)?;
        Ok(self.0.get_i64())
    }

    pub(super) fn bytes(&mut self, what: &'static str) -> Result<Bytes, FrameError> {
        let n = self.u32(what)? as usize;
        self.need(n, what)?;
        Ok(self.0.split_to(n))
    }

    pub(super) fn string(&mut self, what: &'static str) -> Result<String, FrameError> {
        String::from_utf8(self.bytes(what)?.to_vec()).map_err(|_| FrameError::NotUtf8(what))
    }

    pub(super) fn option(&mut self, what: &'static str) -> Result<Option<String>, FrameError> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => self.string(what).map(Some),
            _ => Err(FrameError::OutOfRange(what)),
        }
    }

    pub(super) fn mode(&mut self) -> Result<Mode, FrameError> {
        match self.u8("mode")? {
            0 => Ok(Mode::Immediate),
            1 => Ok(Mode::Passthrough),
            _ => Err(FrameError::OutOfRange("mode")),
        }
    }

    pub(super) fn headers(&mut self) -> Result<Vec<(Bytes, Bytes)>, FrameError> {
        let n = self.u32("header count")?;
        if n > MAX_HEADERS {
            return Err(FrameError::OutOfRange("header count"));
        }
        // Each header takes at least 8 bytes (two lengths): a count beyond that is a cut frame.
        if n as usize > self.0.remaining() / 8 {
            return Err(FrameError::Truncated("headers"));
        }
        (0..n).map(|_| Ok((self.bytes("header name")?, self.bytes("header value")?))).collect()
    }
}
