//! Custom schemes defined in config: any header, prefix, template, encoding and hash.

use std::sync::Arc;
use std::time::Duration;

use super::{Algorithm, Encoding, Field, HmacScheme, Provider, ProviderInfo, RetryMarks, RetryPolicy, SignedTemplate};

/// `[profiles.NAME.scheme]` for `provider = "custom"`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomScheme {
    /// Header carrying the signature.
    pub header: String,
    /// Text before the signature (`sha256=`).
    #[serde(default)]
    pub prefix: String,
    /// What is signed, over `{id}`, `{timestamp}`, `{body}`.
    #[serde(default = "body_template")]
    pub template: String,
    /// `hex`, `HEX` or `base64`.
    #[serde(default = "hex")]
    pub encoding: Encoding,
    /// `sha256`, `sha512` or `sha1`.
    #[serde(default = "sha256")]
    pub algorithm: Algorithm,
    /// Header carrying the signed timestamp.
    pub timestamp_header: Option<String>,
    /// Header carrying the signed id.
    pub id_header: Option<String>,
    /// Header carrying the event type.
    pub event_header: Option<String>,
    /// Allowed skew in seconds.
    pub tolerance: Option<u64>,
    /// Content type of payloads.
    pub content_type: Option<String>,
}

fn body_template() -> String {
    "{body}".into()
}
fn hex() -> Encoding {
    Encoding::Hex
}
fn sha256() -> Algorithm {
    Algorithm::Sha256
}

impl CustomScheme {
    /// Builds the provider, checking that the template and headers fit together.
    pub fn build(&self) -> Result<Arc<dyn Provider>, String> {
        let template = SignedTemplate::parse(&self.template)?;
        let header_ok = |h: &str| http::HeaderName::from_bytes(h.as_bytes()).is_ok();
        for h in
            [Some(&self.header), self.timestamp_header.as_ref(), self.id_header.as_ref(), self.event_header.as_ref()]
                .into_iter()
                .flatten()
        {
            if !header_ok(h) {
                return Err(format!("{h:?} is not a valid header name"));
            }
        }
        if template.uses_timestamp() && self.timestamp_header.is_none() {
            return Err("the template signs {timestamp} but no timestamp_header is set".into());
        }
        if template.uses_id() && self.id_header.is_none() {
            return Err("the template signs {id} but no id_header is set".into());
        }
        let lower = |h: &Option<String>| h.as_ref().map(|s| s.to_ascii_lowercase());
        Ok(Arc::new(HmacScheme {
            info: ProviderInfo {
                name: "custom".into(),
                aliases: vec![],
                title: "Custom scheme".into(),
                signature_header: self.header.to_ascii_lowercase(),
                content_type: self.content_type.clone().unwrap_or_else(|| "application/json".into()),
                timeout: Duration::from_secs(10),
                tolerance: self.tolerance.or(self.timestamp_header.as_ref().map(|_| 300)),
                retry: RetryPolicy {
                    attempts: None,
                    schedule: "defined by the sender".into(),
                    // Representative: what most senders do.
                    delays: RetryPolicy::doubling(Duration::from_secs(60), 5),
                    final_on_4xx: false,
                    marks: RetryMarks::default(),
                },
                event: lower(&self.event_header).map(Field::Header).unwrap_or(Field::Absent),
                delivery_id: lower(&self.id_header).map(Field::Header).unwrap_or(Field::Absent),
                ping_event: None,
            },
            prefix: self.prefix.clone(),
            template,
            encoding: self.encoding,
            algorithm: self.algorithm,
            timestamp_header: lower(&self.timestamp_header),
            id_header: lower(&self.id_header),
            legacy: None,
        }))
    }
}
