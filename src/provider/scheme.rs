//! The data-driven HMAC scheme most providers (and config-defined `custom` ones) are.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::crypto::{Algorithm, Encoding, ct_eq};
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
    fn pieces<'a>(&'a self, id: &'a str, ts: &'a str, body: &'a [u8]) -> Vec<&'a [u8]> {
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
        let body = crate::util::preview(body, PREVIEW_BODY);
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
}

impl HmacScheme {
    fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, VerifyError> {
        let value = headers.get(name).ok_or_else(|| VerifyError::MissingHeader { header: name.to_string() })?;
        value.to_str().map(str::trim).map_err(|_| VerifyError::MalformedHeader {
            header: name.to_string(),
            detail: "value is not visible ASCII".into(),
        })
    }

    fn expected_form(&self) -> String {
        format!("{}<{}>", self.prefix, self.encoding.describe())
    }
}

impl Provider for HmacScheme {
    fn info(&self) -> &ProviderInfo {
        &self.info
    }

    fn sign(&self, input: &SignInput<'_>) -> Result<HeaderMap, SecretError> {
        let ts = input.timestamp.to_string();
        let mac = self.algorithm.mac(input.secret.as_bytes(), &self.template.pieces(input.id, &ts, input.body));
        let mut headers = HeaderMap::new();
        let mut put = |name: &str, value: String| {
            // Names come from built-in data or validated config; values are ASCII we produced.
            if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
                headers.insert(n, v);
            }
        };
        put(&self.info.signature_header, format!("{}{}", self.prefix, self.encoding.encode(&mac)));
        if let Some(h) = &self.timestamp_header {
            put(h, ts.clone());
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
        let sig_header = &self.info.signature_header;
        let values: Vec<&HeaderValue> = input.headers.get_all(sig_header.as_str()).iter().collect();
        if values.is_empty() {
            return Err(VerifyError::MissingHeader { header: sig_header.clone() });
        }
        let ts = match &self.timestamp_header {
            Some(h) => {
                let raw = Self::header_str(input.headers, h)?;
                let parsed: i64 = raw.parse().map_err(|_| VerifyError::MalformedHeader {
                    header: h.clone(),
                    detail: format!("expected unix seconds, got {raw:?}"),
                })?;
                let tolerance = input.tolerance.or(self.info.tolerance).unwrap_or(0);
                if tolerance > 0 && (input.now - parsed).unsigned_abs() > tolerance {
                    return Err(VerifyError::OutsideTolerance { timestamp: parsed, now: input.now, tolerance });
                }
                Some(parsed)
            }
            None => None,
        };
        let id = match &self.id_header {
            Some(h) => Self::header_str(input.headers, h)?.to_string(),
            None => String::new(),
        };
        let ts_text = ts.map(|t| t.to_string()).unwrap_or_default();
        let mut received = Vec::new();
        let mut candidates = Vec::new();
        for value in values {
            let text = value.to_str().map_err(|_| VerifyError::MalformedHeader {
                header: sig_header.clone(),
                detail: "value is not visible ASCII".into(),
            })?;
            let text = text.trim();
            received.push(text.to_string());
            let encoded = text.strip_prefix(self.prefix.as_str()).ok_or_else(|| VerifyError::MalformedHeader {
                header: sig_header.clone(),
                detail: format!(
                    "expected {}, got {:?}",
                    self.expected_form(),
                    crate::util::preview(text.as_bytes(), 24)
                ),
            })?;
            let bytes = self.encoding.decode(encoded).ok_or_else(|| VerifyError::MalformedHeader {
                header: sig_header.clone(),
                detail: format!("signature is not {}", self.encoding.describe()),
            })?;
            candidates.push(bytes);
        }
        let mac = self.algorithm.mac(input.secret.as_bytes(), &self.template.pieces(&id, &ts_text, input.body));
        // Check every candidate so timing does not reveal which one matched.
        let matched = candidates.iter().fold(false, |hit, c| ct_eq(c, &mac) | hit);
        if matched {
            return Ok(Verified { candidates: candidates.len(), timestamp: ts });
        }
        Err(VerifyError::NoMatch {
            tried: candidates.len(),
            expected: format!("{}{}", self.prefix, self.encoding.encode(&mac)),
            received,
            signed_preview: self.template.preview(&id, &ts_text, input.body),
        })
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
