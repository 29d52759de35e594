//! The data-driven HMAC scheme most providers (and config-defined `custom` ones) are.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::check;
use super::crypto::{Algorithm, Encoding};
use super::{Field, Provider, ProviderInfo, SecretError, SignInput, Verified, VerifyError, VerifyInput};

/// How many body bytes a signed-string preview shows.
const PREVIEW_BODY: usize = 64;

/// The byte string a scheme signs, as a sequence of literal text, id, timestamp and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTemplate(Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    Id,
    Timestamp,
    Body,
}

impl SignedTemplate {
    /// Parses a template over `{id}`, `{timestamp}` and `{body}`, e.g. `v0:{timestamp}:{body}`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Lit(rest[..open].to_string()));
            }
            let close = rest[open..].find('}').ok_or_else(|| format!("unclosed '{{' in signed template {text:?}"))?;
            parts.push(match &rest[open + 1..open + close] {
                "id" => Part::Id,
                "timestamp" => Part::Timestamp,
                "body" => Part::Body,
                other => {
                    return Err(format!(
                        "unknown placeholder {{{other}}} in signed template {text:?}; use {{id}}, {{timestamp}} or {{body}}"
                    ));
                }
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_string()));
        }
        if !parts.contains(&Part::Body) {
            return Err(format!("signed template {text:?} does not include {{body}}"));
        }
        Ok(SignedTemplate(parts))
    }

    /// Whether the template signs a timestamp.
    pub fn uses_timestamp(&self) -> bool {
        self.0.contains(&Part::Timestamp)
    }

    /// Whether the template signs an id.
    pub fn uses_id(&self) -> bool {
        self.0.contains(&Part::Id)
    }

    /// The pieces to feed the HMAC, in order.
    pub(crate) fn pieces<'a>(&'a self, id: &'a str, ts: &'a str, body: &'a [u8]) -> Vec<&'a [u8]> {
        self.0
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.as_bytes(),
                Part::Id => id.as_bytes(),
                Part::Timestamp => ts.as_bytes(),
                Part::Body => body,
            })
            .collect()
    }

    /// The signed string with the body cut short, for explanations.
    pub fn preview(&self, id: &str, ts: &str, body: &[u8]) -> String {
        let body = check::printable(body, PREVIEW_BODY);
        self.0
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.as_str(),
                Part::Id => id,
                Part::Timestamp => ts,
                Part::Body => body.as_str(),
            })
            .collect()
    }
}

/// An HMAC over a [`SignedTemplate`], written into one header with an optional prefix.
#[derive(Debug, Clone)]
pub struct HmacScheme {
    /// Conventions; `info.signature_header` names the signature header.
    pub info: ProviderInfo,
    /// Text before the encoded signature (`sha256=`, `v0=`, or empty).
    pub prefix: String,
    /// What is signed.
    pub template: SignedTemplate,
    /// How the signature is written.
    pub encoding: Encoding,
    /// The hash.
    pub algorithm: Algorithm,
    /// Header carrying the signed timestamp.
    pub timestamp_header: Option<String>,
    /// Header carrying the signed id.
    pub id_header: Option<String>,
    /// An older signature header the sender may still send alongside (GitHub's SHA-1 one).
    pub legacy: Option<LegacyHeader>,
}

/// A signature header an older form of a scheme sent, over the body alone. It is recognised to
/// explain a request that carries only it, and checked only to say whether body and secret are
/// right: it never makes a request valid.
#[derive(Debug, Clone)]
pub struct LegacyHeader {
    /// Its name, lowercase (`x-hub-signature`).
    pub header: String,
    /// Text before the encoded signature (`sha1=`).
    pub prefix: String,
    /// Its hash.
    pub algorithm: Algorithm,
    /// How it is written.
    pub encoding: Encoding,
}

impl LegacyHeader {
    /// Whether `value` is this header's signature of `body` under `secret`.
    fn matches(&self, value: &HeaderValue, body: &[u8], secret: &[u8]) -> bool {
        let mac = self.algorithm.mac(secret, &[body]);
        let sent = value.to_str().ok().and_then(|v| check::strip_prefix_ci(v.trim(), &self.prefix));
        sent.and_then(|text| self.encoding.decode(text)).is_some_and(|bytes| super::crypto::ct_eq(&bytes, &mac))
    }
}

impl HmacScheme {
    /// HMAC-SHA256 over the raw body alone, written as `prefix` + `encoding` (the most common scheme).
    pub fn over_body(info: ProviderInfo, prefix: &str, encoding: Encoding) -> HmacScheme {
        HmacScheme {
            info,
            prefix: prefix.to_string(),
            template: SignedTemplate::parse("{body}").expect("static template"),
            encoding,
            algorithm: Algorithm::Sha256,
            timestamp_header: None,
            id_header: None,
            legacy: None,
        }
    }

    fn expected_form(&self, mac_len: usize) -> String {
        if self.prefix.is_empty() {
            return self.encoding.describe_len(mac_len);
        }
        format!("{}<{}>", self.prefix, self.encoding.describe_len(mac_len))
    }

    /// One header value's signature bytes, or why it is not a signature in this scheme's form.
    fn candidate(&self, text: &str, mac_len: usize) -> Result<Vec<u8>, String> {
        let Some(encoded) = check::strip_prefix_ci(text, &self.prefix) else {
            return Err(self.prefix_problem(text, mac_len));
        };
        check::decode_signature(self.encoding, encoded, mac_len).map_err(|detail| {
            match split_label(encoded) {
                // A prefix this scheme does not write (`sha256=` before Nexudus's bare hex).
                Some((label, rest)) if self.prefix.is_empty() && self.decodes_to(rest, mac_len) => format!(
                    "{} writes the signature with no prefix, and this one starts with {label:?}; expected {}",
                    self.info.title,
                    self.expected_form(mac_len)
                ),
                _ => detail,
            }
        })
    }

    fn decodes_to(&self, text: &str, mac_len: usize) -> bool {
        self.encoding.decode(text).is_some_and(|b| b.len() == mac_len)
    }

    /// Why a value without this scheme's prefix is not a signature: the prefix left out, or another in its place.
    fn prefix_problem(&self, text: &str, mac_len: usize) -> String {
        let expected = self.expected_form(mac_len);
        if self.decodes_to(text, mac_len) {
            return format!("expected {expected}, got a bare signature: the {} prefix is missing", self.prefix);
        }
        let got = crate::util::preview(text.as_bytes(), 24);
        match split_label(text) {
            Some((label, rest)) => {
                let length = match self.encoding.decode(rest) {
                    Some(bytes) => match digest_name(bytes.len()) {
                        Some(name) => format!(", and what follows is {} bytes, the length of an {name}", bytes.len()),
                        None => format!(", and what follows is {} bytes", bytes.len()),
                    },
                    None => String::new(),
                };
                format!("expected {expected}, got {got:?}: the prefix is {label}, not {}{length}", self.prefix)
            }
            None => format!("expected {expected}, got {got:?}"),
        }
    }

    /// What the signature covers besides the body and secret, for explanations.
    fn signed_with(&self) -> Vec<String> {
        let headers =
            [(self.template.uses_id(), &self.id_header), (self.template.uses_timestamp(), &self.timestamp_header)];
        headers.into_iter().filter_map(|(used, h)| h.as_ref().filter(|_| used).map(|h| format!("header {h}"))).collect()
    }

    /// The failure for a request without the signature header, naming a legacy header when that is all there is.
    fn missing(&self, input: &VerifyInput<'_>) -> VerifyError {
        let header = self.info.signature_header.clone();
        let found = self.legacy.as_ref().and_then(|l| Some((l, input.headers.get(l.header.as_str())?)));
        match found {
            Some((legacy, value)) => VerifyError::LegacyOnly {
                header,
                legacy: legacy.header.clone(),
                algorithm: legacy.algorithm.hmac_name().to_string(),
                legacy_matches: legacy.matches(value, input.body, input.secret.as_bytes()),
            },
            None => VerifyError::MissingHeader { header },
        }
    }
}

/// Splits a leading label such as `sha1=`, `v1,` or `sha256:` (the separator kept) from what follows.
fn split_label(text: &str) -> Option<(&str, &str)> {
    let at = text.find(['=', ',', ':'])?;
    let label = &text[..at];
    let plausible = (1..=12).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (plausible && at + 1 < text.len()).then(|| (&text[..=at], &text[at + 1..]))
}

/// The hash whose HMAC has this many bytes, for explaining a signature of the wrong length.
fn digest_name(len: usize) -> Option<&'static str> {
    match len {
        20 => Some("HMAC-SHA1"),
        32 => Some("HMAC-SHA256"),
        64 => Some("HMAC-SHA512"),
        _ => None,
    }
}

impl Provider for HmacScheme {
    fn info(&self) -> &ProviderInfo {
        &self.info
    }

    fn sign(&self, input: &SignInput<'_>) -> Result<HeaderMap, SecretError> {
        let ts = input.timestamp.to_string();
        let mac = self.algorithm.mac(input.secret.as_bytes(), &self.template.pieces(input.id, &ts, input.body));
        let mut headers = HeaderMap::with_capacity(4);
        let mut put = |name: &str, value: String| {
            // Names come from built-in data or validated config; values are ASCII we produced.
            if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::try_from(value)) {
                headers.insert(n, v);
            }
        };
        let mut signature = String::with_capacity(self.prefix.len() + mac.len() * 2);
        signature.push_str(&self.prefix);
        self.encoding.encode_into(&mac, &mut signature);
        put(&self.info.signature_header, signature);
        if let Some(h) = &self.timestamp_header {
            put(h, ts);
        }
        if let Some(h) = &self.id_header {
            put(h, input.id.to_string());
        }
        if let (Field::Header(h), Some(event)) = (&self.info.event, input.event) {
            put(h, event.to_string());
        }
        if let Field::Header(h) = &self.info.delivery_id
            && Some(h) != self.id_header.as_ref()
        {
            put(h, input.id.to_string());
        }
        Ok(headers)
    }

    fn verify(&self, input: &VerifyInput<'_>) -> Result<Verified, VerifyError> {
        let sig_header = self.info.signature_header.as_str();
        let values: Vec<&HeaderValue> = input.headers.get_all(sig_header).iter().collect();
        if values.is_empty() {
            return Err(self.missing(input));
        }
        // The timestamp is signed as the text that was sent, so keep the text.
        let ts = match &self.timestamp_header {
            Some(h) => {
                let raw = check::header_str(input.headers, h)?;
                Some((check::parse_timestamp(h, raw)?, raw))
            }
            None => None,
        };
        let id = match &self.id_header {
            Some(h) => check::header_str(input.headers, h)?,
            None => "",
        };
        let ts_text = ts.map(|(_, raw)| raw).unwrap_or("");
        let mac = self.algorithm.mac(input.secret.as_bytes(), &self.template.pieces(id, ts_text, input.body));

        // Rotation may repeat the header; one unreadable value must not hide a good one.
        let mut signatures = check::Signatures::default();
        for value in &values {
            let sent = String::from_utf8_lossy(value.as_bytes());
            let bytes = match value.to_str() {
                Ok(text) => self.candidate(text.trim(), mac.len()),
                Err(_) => Err("the value is not visible ASCII".into()),
            };
            signatures.push(sent.trim(), bytes);
        }
        if let Some(err) = signatures.nothing_to_compare(sig_header) {
            return Err(err);
        }
        let canonical = format!("{}{}", self.prefix, self.encoding.encode(&mac));
        let window =
            ts.map_or(Ok(()), |(t, _)| check::check_window(t, input.now, input.tolerance.or(self.info.tolerance)));
        let Some(at) = signatures.position_of(&mac) else {
            let preview = self.template.preview(id, ts_text, input.body);
            return Err(check::no_match_at(signatures.no_match(canonical, preview, self.signed_with()), window));
        };
        window?;
        // Uppercase hex is documented as compared case-insensitively (Nexudus); other forms are exact text.
        let form = format!("{} writes {}", self.info.title, self.expected_form(mac.len()));
        let exact = (self.encoding != Encoding::HexUpper).then_some((canonical.as_str(), form.as_str()));
        Ok(signatures.verified(at, exact, ts.map(|(t, _)| t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_placeholders_and_reject_unknown_ones() {
        let t = SignedTemplate::parse("v0:{timestamp}:{body}").unwrap();
        assert!(t.uses_timestamp());
        assert!(!t.uses_id());
        assert_eq!(t.preview("", "12", b"hello"), "v0:12:hello");
        assert!(SignedTemplate::parse("{ts}.{body}").unwrap_err().contains("unknown placeholder {ts}"));
        assert!(SignedTemplate::parse("{timestamp}").unwrap_err().contains("{body}"));
        assert!(SignedTemplate::parse("{body").is_err());
    }
}
