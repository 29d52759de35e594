//! The checks' stable names: the list in run order, parsing one (with a suggestion
//! for a typo), and the error for a name that does not exist.

/// One check, by its stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckName {
    /// A correctly signed delivery is answered 2xx within the provider's timeout.
    Valid,
    /// The provider's setup handshake (NexaDesk's test ping, Slack's url_verification) is answered.
    Setup,
    /// A delivery signed with the wrong secret is refused.
    BadSignature,
    /// A delivery without its signature header is refused.
    MissingSignature,
    /// A signature header carrying an old secret's signature before the right one is accepted.
    SignatureRotation,
    /// A delivery without the expected `Authorization`, or with a wrong one, is refused.
    Authorization,
    /// The signature is checked over the raw bytes, not over re-serialised JSON.
    Reserialized,
    /// A correctly signed delivery with an old timestamp is refused.
    StaleTimestamp,
    /// The same delivery twice is acknowledged twice.
    Duplicate,
    /// A correctly signed body that does not parse is refused with a 4xx.
    MalformedBody,
    /// A body far larger than any provider sends is refused, not hung on.
    OversizedBody,
    /// Many deliveries at once are all answered within the timeout.
    Burst,
    /// Redeliveries on the provider's retry schedule are acknowledged.
    Retries,
    /// The URL is https, as every provider requires.
    Https,
    /// The certificate is trusted and not about to expire.
    Tls,
}

impl CheckName {
    /// Every check, in the order they run and are reported.
    pub const ALL: [CheckName; 15] = [
        CheckName::Valid,
        CheckName::Setup,
        CheckName::BadSignature,
        CheckName::MissingSignature,
        CheckName::SignatureRotation,
        CheckName::Authorization,
        CheckName::Reserialized,
        CheckName::StaleTimestamp,
        CheckName::Duplicate,
        CheckName::MalformedBody,
        CheckName::OversizedBody,
        CheckName::Burst,
        CheckName::Retries,
        CheckName::Https,
        CheckName::Tls,
    ];

    /// The stable name used by `--only`, `--skip`, JSON and JUnit.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Valid => "valid",
            CheckName::Setup => "setup",
            CheckName::BadSignature => "bad-signature",
            CheckName::MissingSignature => "missing-signature",
            CheckName::SignatureRotation => "signature-rotation",
            CheckName::Authorization => "authorization",
            CheckName::Reserialized => "reserialized",
            CheckName::StaleTimestamp => "stale-timestamp",
            CheckName::Duplicate => "duplicate",
            CheckName::MalformedBody => "malformed-body",
            CheckName::OversizedBody => "oversized-body",
            CheckName::Burst => "burst",
            CheckName::Retries => "retries",
            CheckName::Https => "https",
            CheckName::Tls => "tls",
        }
    }

    /// Looks a check up by name (case and `_`/`-` ignored); the error lists the names,
    /// and names the nearest one when it is near enough to be a typo.
    pub fn parse(text: &str) -> Result<CheckName, UnknownCheck> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        CheckName::ALL.into_iter().find(|c| c.as_str() == wanted).ok_or_else(|| {
            let score = |name: &str| {
                let close = strsim::jaro_winkler(name, &wanted);
                // `bad-sig` for `bad-signature`, `sig` for `missing-signature`: a part of the name.
                if wanted.len() >= 3 && name.contains(wanted.as_str()) { close.max(0.9) } else { close }
            };
            let best = CheckName::ALL
                .iter()
                .map(|c| (c.as_str(), score(c.as_str())))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .filter(|(_, s)| *s >= 0.85)
                .map(|(name, _)| name.to_owned());
            UnknownCheck { name: text.to_owned(), closest: best }
        })
    }

    /// Whether the check sends requests to the endpoint (so cannot run when it is unreachable).
    pub fn delivers(self) -> bool {
        !matches!(self, CheckName::Https | CheckName::Tls)
    }
}

impl std::fmt::Display for CheckName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check {name:?}; the checks are {}", CheckName::ALL.map(CheckName::as_str).join(", "))]
pub struct UnknownCheck {
    /// What was asked for.
    pub name: String,
    /// The nearest real name, when one is near enough to be what was meant.
    pub closest: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_suggest_the_closest() {
        for c in CheckName::ALL {
            assert_eq!(CheckName::parse(c.as_str()), Ok(c));
        }
        assert_eq!(CheckName::parse("Bad_Signature"), Ok(CheckName::BadSignature));
        let err = CheckName::parse("bad-sig").unwrap_err();
        assert_eq!(err.closest.as_deref(), Some("bad-signature"));
        assert!(err.to_string().contains("valid, setup, bad-signature"), "{err}");
        assert_eq!(CheckName::parse("bursts").unwrap_err().closest.as_deref(), Some("burst"));
        assert_eq!(CheckName::parse("stale").unwrap_err().closest.as_deref(), Some("stale-timestamp"));
        // Nothing near: no suggestion rather than a poor one.
        for far in ["bogus", "x", "signature-check"] {
            assert_eq!(CheckName::parse(far).unwrap_err().closest, None, "{far}");
        }
    }
}
