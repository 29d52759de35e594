//! Verification steps every scheme shares: reading headers, the timestamp window, and matching candidates.

use http::HeaderMap;

use super::crypto::{Encoding, ct_eq};
use super::{Verified, VerifyError};
use crate::secret::Secret;

/// The first value of a header, trimmed; missing or non-ASCII values are errors naming the header.
pub(crate) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, VerifyError> {
    let value = headers.get(name).ok_or_else(|| VerifyError::MissingHeader { header: name.to_string() })?;
    value.to_str().map(str::trim).map_err(|_| malformed(name, "the value is not visible ASCII"))
}

/// Shorthand for [`VerifyError::MalformedHeader`].
pub(crate) fn malformed(header: &str, detail: impl Into<String>) -> VerifyError {
    VerifyError::MalformedHeader { header: header.to_string(), detail: detail.into() }
}

/// Parses a signed timestamp. Only plain digits are accepted, because the text is signed as
/// sent: `+17…` or `017…` would parse to a number yet sign to different bytes.
pub(crate) fn parse_timestamp(header: &str, raw: &str) -> Result<i64, VerifyError> {
    let ok = !raw.is_empty() && raw.len() <= 18 && raw.bytes().all(|b| b.is_ascii_digit());
    match raw.parse::<i64>() {
        Ok(t) if ok => Ok(t),
        _ => Err(malformed(
            header,
            format!("expected unix seconds (e.g. 1718035200), got {:?}", crate::util::preview(raw.as_bytes(), 24)),
        )),
    }
}

/// Checks `timestamp` against `now`; a tolerance of `None` or `0` turns the check off.
pub(crate) fn check_window(timestamp: i64, now: i64, tolerance: Option<u64>) -> Result<(), VerifyError> {
    match tolerance {
        Some(tolerance) if tolerance > 0 && now.abs_diff(timestamp) > tolerance => {
            Err(VerifyError::OutsideTolerance { timestamp, now, tolerance })
        }
        _ => Ok(()),
    }
}

/// A mismatch, noting whether the signed timestamp is also outside the window (`window`
/// is [`check_window`]'s verdict): the secret or body is wrong, and fixing them alone
/// would not be enough.
pub(crate) fn no_match_at(mut err: VerifyError, window: Result<(), VerifyError>) -> VerifyError {
    if let (VerifyError::NoMatch { stale, .. }, Err(outside)) = (&mut err, window) {
        *stale = Some(Box::new(outside));
    }
    err
}

/// The signatures a request carried, in the order sent: each as written, with its bytes or why
/// it cannot be read. Counting them all, readable or not, is what lets a report say which matched.
#[derive(Debug, Default)]
pub(crate) struct Signatures {
    entries: Vec<(String, Result<Vec<u8>, String>)>,
}

impl Signatures {
    /// Adds one signature as written, decoded or with why it is unreadable.
    pub(crate) fn push(&mut self, text: &str, bytes: Result<Vec<u8>, String>) {
        self.entries.push((text.to_string(), bytes));
    }

    /// How many readable signatures there are.
    fn readable(&self) -> usize {
        self.entries.iter().filter(|(_, b)| b.is_ok()).count()
    }

    /// The error when nothing can be compared: none present, or every one unreadable.
    pub(crate) fn nothing_to_compare(&self, header: &str) -> Option<VerifyError> {
        if self.readable() > 0 {
            return None;
        }
        Some(match self.entries.as_slice() {
            [] => VerifyError::MissingHeader { header: header.to_string() },
            [(_, bytes)] => malformed(header, bytes.as_ref().err().map_or("", String::as_str)),
            several => {
                let details = several
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (_, b))| b.as_ref().err().map(|detail| format!("signature {}: {detail}", i + 1)));
                let details: Vec<String> = details.collect();
                malformed(
                    header,
                    format!("none of its {} signatures is readable ({})", several.len(), details.join("; ")),
                )
            }
        })
    }

    /// The index of the first signature equal to `mac`. Every readable one is compared, each in
    /// constant time, so timing does not reveal where a wrong one differs.
    pub(crate) fn position_of(&self, mac: &[u8]) -> Option<usize> {
        self.entries.iter().enumerate().fold(None, |hit, (i, (_, bytes))| {
            let equal = bytes.as_ref().is_ok_and(|b| ct_eq(b, mac));
            if equal && hit.is_none() { Some(i) } else { hit }
        })
    }

    /// The success for the signature at `at`. `canonical` is that signature as the sender writes it
    /// and who writes which form (`GitHub writes sha256=<…>`), when the text matters: a receiver
    /// comparing text rejects `SHA256=AB…`.
    pub(crate) fn verified(&self, at: usize, canonical: Option<(&str, &str)>, timestamp: Option<i64>) -> Verified {
        let mut notes: Vec<String> = self.skipped();
        if let Some((text, form)) = canonical
            && self.entries.get(at).is_some_and(|(sent, _)| sent != text)
        {
            notes.push(format!(
                "{} matched only ignoring case: {form}, and a receiver that compares the text (as most sample \
                 code does) rejects it",
                self.name(at)
            ));
        }
        Verified { present: self.entries.len(), compared: self.readable(), matched: at + 1, timestamp, notes }
    }

    /// The failure when no readable signature matched.
    pub(crate) fn no_match(&self, expected: String, signed_preview: String, signed_with: Vec<String>) -> VerifyError {
        VerifyError::NoMatch {
            tried: self.readable(),
            skipped: self.skipped().into(),
            expected,
            received: self.entries.iter().map(|(text, _)| text.clone()).collect(),
            signed_preview,
            signed_with: signed_with.into(),
            stale: None,
        }
    }

    /// `signature 2 is malformed: …` for each unreadable one.
    fn skipped(&self) -> Vec<String> {
        let described = self.entries.iter().enumerate().filter_map(|(i, (_, b))| b.as_ref().err().map(|e| (i, e)));
        described.map(|(i, detail)| format!("{} is malformed: {detail}", self.name(i))).collect()
    }

    /// `the signature` when there is one, `signature 2` among several.
    fn name(&self, at: usize) -> String {
        if self.entries.len() == 1 { "the signature".into() } else { format!("signature {}", at + 1) }
    }
}

/// Decodes one encoded signature and checks it has the MAC's length, explaining what is wrong.
pub(crate) fn decode_signature(encoding: Encoding, text: &str, mac_len: usize) -> Result<Vec<u8>, String> {
    if text.is_empty() {
        return Err(format!("the signature is empty; expected {}", encoding.describe_len(mac_len)));
    }
    let hex = matches!(encoding, Encoding::Hex | Encoding::HexUpper);
    let bytes = encoding.decode(text).ok_or_else(|| {
        if hex && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            // An odd digit count: cut short, not garbled.
            return format!("the signature has {} hex digits; expected {}", text.len(), encoding.describe_len(mac_len));
        }
        if encoding == Encoding::Base64 && super::crypto::decode_base64(text).is_some_and(|b| b.len() == mac_len) {
            // Every sender pads; a copy that lost the '=' was cut short somewhere on the way.
            return format!(
                "the signature is {} characters, without the '=' padding; expected {}",
                text.len(),
                encoding.describe_len(mac_len)
            );
        }
        other_encoding(encoding, text, mac_len).unwrap_or_else(|| {
            format!("the signature is not {}: {:?}", encoding.describe(), crate::util::preview(text.as_bytes(), 24))
        })
    })?;
    if bytes.len() != mac_len {
        if let Some(why) = other_encoding(encoding, text, mac_len) {
            return Err(why);
        }
        let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
        return Err(format!(
            "the signature is {} long ({}); expected {}",
            count(bytes.len(), "byte"),
            count(text.len(), "character"),
            encoding.describe_len(mac_len)
        ));
    }
    Ok(bytes)
}

/// Says so when `text` is a signature of the right length in the other encoding (hex where base64 is
/// expected, or the reverse): a sender that encodes differently, not a garbled value.
fn other_encoding(encoding: Encoding, text: &str, mac_len: usize) -> Option<String> {
    let (other, name) = match encoding {
        Encoding::Base64 => (Encoding::Hex, "hex"),
        Encoding::Hex | Encoding::HexUpper => (Encoding::Base64, "base64"),
    };
    let fits = other.decode(text).is_some_and(|b| b.len() == mac_len);
    fits.then(|| {
        format!(
            "the signature is written in {name} ({} characters); expected {}",
            text.len(),
            encoding.describe_len(mac_len)
        )
    })
}

/// Up to `max` bytes of `bytes` for display on one line: control characters escaped, a cut
/// never splitting a character, and the number of bytes left out.
pub(crate) fn printable(bytes: &[u8], max: usize) -> String {
    let mut end = bytes.len().min(max);
    if let Err(e) = std::str::from_utf8(&bytes[..end])
        && e.error_len().is_none()
    {
        end = e.valid_up_to();
    }
    let mut out = String::with_capacity(end + 16);
    for c in String::from_utf8_lossy(&bytes[..end]).chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if bytes.len() > end {
        out.push_str(&format!("…(+{} bytes)", bytes.len() - end));
    }
    out
}

/// Strips `prefix` from `text` ignoring ASCII case (`SHA256=` is the same claim as `sha256=`).
pub(crate) fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Checks an `Authorization` header against the expected value (Nexus sends `Bearer <jwt>` or
/// `Basic <token>`). Neither credential ever appears in the error, only their schemes.
pub fn check_authorization(headers: &HeaderMap, expected: &Secret) -> Result<(), VerifyError> {
    let got = header_str(headers, "authorization")?;
    let want = expected.expose().trim();
    if ct_eq(got.as_bytes(), want.as_bytes()) {
        return Ok(());
    }
    let scheme = |v: &str| v.split_whitespace().next().filter(|_| v.contains(' ')).unwrap_or("(no scheme)").to_string();
    let (gs, ws) = (scheme(got), scheme(want));
    let detail = if gs.eq_ignore_ascii_case(&ws) {
        format!("the {gs} credential differs from the profile's auth_env value")
    } else {
        format!("expected a {ws} credential, got {gs}")
    };
    Err(VerifyError::Unauthorized { detail })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_must_be_plain_digits_because_the_text_is_signed() {
        assert_eq!(parse_timestamp("t", "1718035200").unwrap(), 1718035200);
        for bad in ["", "+1718035200", "-5", "17e8", "1718035200.5", " 1", "9999999999999999999999"] {
            assert!(matches!(parse_timestamp("t", bad), Err(VerifyError::MalformedHeader { .. })), "{bad:?}");
        }
    }

    #[test]
    fn window_is_symmetric_and_zero_turns_it_off() {
        assert!(check_window(1000, 1300, Some(300)).is_ok());
        assert!(check_window(1000, 1301, Some(300)).is_err());
        assert!(check_window(1301, 1000, Some(300)).is_err());
        assert!(check_window(0, 1_000_000, Some(0)).is_ok());
        assert!(check_window(0, 1_000_000, None).is_ok());
    }

    #[test]
    fn decoding_rejects_empty_and_short_signatures_with_a_reason() {
        assert!(decode_signature(Encoding::Hex, "", 32).unwrap_err().contains("empty"));
        let short = decode_signature(Encoding::Hex, &"ab".repeat(31), 32).unwrap_err();
        assert!(short.contains("31 bytes") && short.contains("64 lowercase hex digits"), "{short}");
        let odd = decode_signature(Encoding::Hex, &"a".repeat(63), 32).unwrap_err();
        assert!(odd.contains("has 63 hex digits"), "{odd}");
        assert!(decode_signature(Encoding::Base64, "***", 32).unwrap_err().contains("not base64"));
        assert_eq!(decode_signature(Encoding::HexUpper, &"AB".repeat(32), 32).unwrap().len(), 32);
    }

    #[test]
    fn a_signature_in_the_other_encoding_or_without_padding_is_called_that() {
        let mac = [0xabu8; 32];
        let b64 = Encoding::Base64.encode(&mac);
        let err = decode_signature(Encoding::Base64, b64.trim_end_matches('='), 32).unwrap_err();
        assert_eq!(err, "the signature is 43 characters, without the '=' padding; expected 44 base64 characters");
        let err = decode_signature(Encoding::Base64, &hex::encode(mac), 32).unwrap_err();
        assert_eq!(err, "the signature is written in hex (64 characters); expected 44 base64 characters");
        let err = decode_signature(Encoding::Hex, &b64, 32).unwrap_err();
        assert_eq!(err, "the signature is written in base64 (44 characters); expected 64 lowercase hex digits");
        let err = decode_signature(Encoding::Hex, "ab", 32).unwrap_err();
        assert_eq!(err, "the signature is 1 byte long (2 characters); expected 64 lowercase hex digits");
    }

    #[test]
    fn signatures_name_the_one_that_matched_among_all_present() {
        let mut sigs = Signatures::default();
        sigs.push("v1=aa", Ok(vec![0xaa]));
        sigs.push("v1=?", Err("garbled".into()));
        sigs.push("v1=BB", Ok(vec![0xbb]));
        assert_eq!(sigs.position_of(&[0xbb]), Some(2));
        assert_eq!(sigs.position_of(&[0xcc]), None);
        let ok = sigs.verified(2, Some(("v1=bb", "X writes v1=<hex>")), None);
        assert_eq!((ok.present, ok.compared, ok.matched), (3, 2, 3));
        assert_eq!(ok.notes[0], "signature 2 is malformed: garbled");
        assert!(ok.notes[1].starts_with("signature 3 matched only ignoring case: X writes v1=<hex>"), "{:?}", ok.notes);
        let err = sigs.no_match("v1=cc".into(), String::new(), vec![]);
        assert_eq!(err.to_string(), "no signature matched (2 of 3 tried; signature 2 is malformed: garbled)");
    }

    #[test]
    fn printable_previews_escape_controls_and_cut_on_character_boundaries() {
        assert_eq!(printable(b"a\nb\tc", 64), "a\\nb\\tc");
        assert_eq!(printable("héllo".as_bytes(), 2), "h…(+5 bytes)");
        assert_eq!(printable(b"\xff\x00z", 64), "\u{fffd}\\u{0}z");
        assert_eq!(printable(b"abcdef", 3), "abc…(+3 bytes)");
    }

    #[test]
    fn authorization_errors_name_schemes_never_credentials() {
        let mut h = HeaderMap::new();
        let want = Secret::new("Bearer good-token");
        assert!(matches!(check_authorization(&h, &want), Err(VerifyError::MissingHeader { .. })));
        h.insert("authorization", "Bearer good-token".parse().unwrap());
        assert!(check_authorization(&h, &want).is_ok());
        h.insert("authorization", "Basic bad-token".parse().unwrap());
        let err = check_authorization(&h, &want).unwrap_err().to_string();
        assert!(err.contains("expected a Bearer credential, got Basic"), "{err}");
        assert!(!err.contains("token"), "{err}");
        h.insert("authorization", "Bearer other".parse().unwrap());
        let err = check_authorization(&h, &want).unwrap_err().to_string();
        assert!(err.contains("Bearer credential differs") && !err.contains("other"), "{err}");
    }
}
