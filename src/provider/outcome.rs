//! What signing and verifying can come to: success, the reasons a signature fails, and the stored result.

/// A signature that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// How many signatures of the checked kind the request carried, readable or not (rotation sends several).
    pub present: usize,
    /// How many of them were readable, and so compared.
    pub compared: usize,
    /// Which one matched, counting from 1 in the order they were sent.
    pub matched: usize,
    /// The signed timestamp, for schemes that sign one.
    pub timestamp: Option<i64>,
    /// What did not change the verdict but may trip up a receiver: a malformed extra signature,
    /// a signature that matched only ignoring case.
    pub notes: Vec<String>,
}

/// Why a signature did not check out. Callers branch on the kind; the text is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    #[error("header {header} is missing")]
    MissingHeader {
        /// The header's name.
        header: String,
    },
    /// A header is present but not in the scheme's format.
    #[error("header {header} is malformed: {detail}")]
    MalformedHeader {
        /// The header's name.
        header: String,
        /// What is wrong and what was expected.
        detail: String,
    },
    /// A signature matched, but the signed timestamp is further from `now` than the tolerance allows.
    #[error("timestamp {timestamp} is {} (tolerance {tolerance} s)", describe_skew(*now - *timestamp))]
    OutsideTolerance {
        /// The signed timestamp.
        timestamp: i64,
        /// The time it was checked against.
        now: i64,
        /// The allowed skew.
        tolerance: u64,
    },
    /// Only a legacy signature header is present, in a form hooktap never accepts (GitHub's SHA-1
    /// `X-Hub-Signature` without the `X-Hub-Signature-256` sent alongside it).
    #[error(
        "header {header} is missing; the request carries only {legacy}, the legacy {algorithm} signature, which is not accepted"
    )]
    LegacyOnly {
        /// The signature header the scheme checks.
        header: String,
        /// The legacy header that is present.
        legacy: String,
        /// The legacy header's hash, for people (`HMAC-SHA1`).
        algorithm: String,
        /// Whether the legacy signature matches the body and secret (which says they are right).
        legacy_matches: bool,
    },
    /// Signatures were present and at least one well-formed, but none matched.
    #[error("no signature matched ({})", describe_tried(*tried, skipped))]
    NoMatch {
        /// How many signatures were compared.
        tried: usize,
        /// Signatures present but unreadable, so not compared: `signature 2 is malformed: …`.
        skipped: Box<[String]>,
        /// The header value a correct signer would have sent.
        expected: String,
        /// The signature values received.
        received: Vec<String>,
        /// The signed string, body truncated, for explaining what was signed.
        signed_preview: String,
        /// What the signature covers besides the body and the secret (`header x-slack-request-timestamp`).
        signed_with: Box<[String]>,
        /// The signed timestamp's own problem, when it is also outside the window: a
        /// correct signature would still be refused (an [`VerifyError::OutsideTolerance`]).
        stale: Option<Box<VerifyError>>,
    },
    /// The secret is not in the form the scheme needs (e.g. `whsec_` not base64).
    #[error("the secret is not usable: {detail}")]
    BadSecret {
        /// What is wrong with it (never the secret itself).
        detail: String,
    },
    /// The `Authorization` header does not carry the credentials the profile expects (Nexus).
    #[error("header authorization does not carry the expected credentials: {detail}")]
    Unauthorized {
        /// What differs, without either credential.
        detail: String,
    },
}

impl VerifyError {
    /// The stored signature result for this failure: `missing` when the signature header
    /// itself (`signature_header`) is absent; `invalid` for everything else, including a
    /// signed request whose timestamp or id header is missing.
    pub fn signature_state(&self, signature_header: &str) -> SignatureState {
        match self {
            VerifyError::MissingHeader { header } | VerifyError::LegacyOnly { header, .. }
                if header.eq_ignore_ascii_case(signature_header) =>
            {
                SignatureState::Missing
            }
            _ => SignatureState::Invalid,
        }
    }

    /// A stable machine-readable name for the reason.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingHeader { .. } => "missing_header",
            VerifyError::LegacyOnly { .. } => "legacy_signature_only",
            VerifyError::MalformedHeader { .. } => "malformed_header",
            VerifyError::OutsideTolerance { .. } => "outside_tolerance",
            VerifyError::NoMatch { .. } => "no_match",
            VerifyError::BadSecret { .. } => "bad_secret",
            VerifyError::Unauthorized { .. } => "unauthorized",
        }
    }
}

/// `1 tried`, or with unreadable signatures `1 of 2 tried; signature 2 is malformed: …`.
fn describe_tried(tried: usize, skipped: &[String]) -> String {
    if skipped.is_empty() {
        return format!("{tried} tried");
    }
    format!("{tried} of {} tried; {}", tried + skipped.len(), skipped.join("; "))
}

fn describe_skew(skew: i64) -> String {
    let direction = if skew > 0 { "in the past" } else { "in the future" };
    let secs = skew.unsigned_abs();
    // Large skews are easier to read in bigger units (a recording from last week, a clock off by hours).
    let about = match secs {
        0..7_200 => String::new(),
        7_200..172_800 => format!(", about {} hours", secs / 3_600),
        _ => format!(", about {} days", secs / 86_400),
    };
    format!("{secs} s{about} {direction}")
}

/// The secret cannot be used to sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the secret is not usable for {provider}: {detail}")]
pub struct SecretError {
    /// Provider name.
    pub provider: String,
    /// What is wrong (never the secret itself).
    pub detail: String,
}

/// The signature result stored with every delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureState {
    /// A signature matched.
    Valid,
    /// Signatures were present but wrong, stale or malformed.
    Invalid,
    /// The signature header was absent.
    Missing,
    /// No secret to check with.
    Unchecked,
}

impl SignatureState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureState::Valid => "valid",
            SignatureState::Invalid => "invalid",
            SignatureState::Missing => "missing",
            SignatureState::Unchecked => "unchecked",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "valid" => SignatureState::Valid,
            "invalid" => SignatureState::Invalid,
            "missing" => SignatureState::Missing,
            "unchecked" => SignatureState::Unchecked,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_message_says_direction_and_amount() {
        let past = VerifyError::OutsideTolerance { timestamp: 1000, now: 1400, tolerance: 300 };
        assert_eq!(past.to_string(), "timestamp 1000 is 400 s in the past (tolerance 300 s)");
        let future = VerifyError::OutsideTolerance { timestamp: 2000, now: 1400, tolerance: 300 };
        assert!(future.to_string().contains("600 s in the future"));
        let old = VerifyError::OutsideTolerance { timestamp: 0, now: 3 * 86_400 + 5, tolerance: 300 };
        assert!(old.to_string().contains("259205 s, about 3 days in the past"), "{old}");
    }

    #[test]
    fn a_mismatch_counts_unreadable_signatures_among_those_present() {
        let no_match = |tried, skipped: &[&str]| VerifyError::NoMatch {
            tried,
            skipped: skipped.iter().map(|s| s.to_string()).collect(),
            expected: String::new(),
            received: vec![],
            signed_preview: String::new(),
            signed_with: Box::default(),
            stale: None,
        };
        assert_eq!(no_match(2, &[]).to_string(), "no signature matched (2 tried)");
        assert_eq!(
            no_match(1, &["signature 2 is malformed: x", "signature 3 is malformed: y"]).to_string(),
            "no signature matched (1 of 3 tried; signature 2 is malformed: x; signature 3 is malformed: y)"
        );
    }

    #[test]
    fn only_a_missing_header_is_stored_as_missing() {
        let missing = |h: &str| VerifyError::MissingHeader { header: h.into() };
        assert_eq!(missing("x-hub-signature-256").signature_state("x-hub-signature-256"), SignatureState::Missing);
        // Signed, but the timestamp header is gone: that is a bad request, not an unsigned one.
        assert_eq!(missing("x-slack-request-timestamp").signature_state("x-slack-signature"), SignatureState::Invalid);
        assert_eq!(VerifyError::Unauthorized { detail: "x".into() }.signature_state("x"), SignatureState::Invalid);
        for s in [SignatureState::Valid, SignatureState::Invalid, SignatureState::Missing, SignatureState::Unchecked] {
            assert_eq!(SignatureState::parse(s.as_str()), Some(s));
        }
    }
}
