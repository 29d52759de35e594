//! HMAC computation, signature encodings and constant-time comparison.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD as B64};
use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

/// The hash under the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// HMAC-SHA1 (legacy schemes).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// HMAC of the concatenation of `parts` under `key`.
    pub fn mac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            // HMAC accepts keys of any length, so this cannot fail.
            let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
            for p in parts {
                mac.update(p);
            }
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            Algorithm::Sha1 => run::<Hmac<sha1::Sha1>>(key, parts),
            Algorithm::Sha256 => run::<Hmac<sha2::Sha256>>(key, parts),
            Algorithm::Sha512 => run::<Hmac<sha2::Sha512>>(key, parts),
        }
    }

    /// The HMAC's name, for messages.
    pub fn hmac_name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "HMAC-SHA1",
            Algorithm::Sha256 => "HMAC-SHA256",
            Algorithm::Sha512 => "HMAC-SHA512",
        }
    }
}

/// Reads base64 with or without padding, for secrets: people paste them without the `=`.
const B64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes standard base64 with padding optional, for `whsec_` secrets.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    B64_LENIENT.decode(text).ok()
}

/// Encodes standard base64 with padding.
pub fn encode_base64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// How signature bytes are written in a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum Encoding {
    /// Lowercase hex.
    #[serde(rename = "hex")]
    Hex,
    /// Uppercase hex.
    #[serde(rename = "HEX")]
    HexUpper,
    /// Standard base64 with padding.
    #[serde(rename = "base64")]
    Base64,
}

impl Encoding {
    /// Writes signature bytes.
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => hex::encode(bytes),
            Encoding::HexUpper => hex::encode_upper(bytes),
            Encoding::Base64 => B64.encode(bytes),
        }
    }

    /// Appends signature bytes to `out`, as [`Encoding::encode`] writes them.
    pub fn encode_into(self, bytes: &[u8], out: &mut String) {
        match self {
            Encoding::Hex | Encoding::HexUpper => {
                let digits: &[u8; 16] = if self == Encoding::Hex { b"0123456789abcdef" } else { b"0123456789ABCDEF" };
                out.reserve(bytes.len() * 2);
                for b in bytes {
                    out.push(char::from(digits[usize::from(b >> 4)]));
                    out.push(char::from(digits[usize::from(b & 0xf)]));
                }
            }
            Encoding::Base64 => B64.encode_string(bytes, out),
        }
    }

    /// Reads signature bytes; hex is read case-insensitively.
    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Hex | Encoding::HexUpper => hex::decode(text).ok(),
            // Strict: every sender pads, and a signature missing its padding has been cut short.
            Encoding::Base64 => B64.decode(text).ok(),
        }
    }

    /// How a signature of `len` bytes looks, for messages: `64 hex digits`.
    pub fn describe_len(self, len: usize) -> String {
        match self {
            Encoding::Hex => format!("{} lowercase hex digits", len * 2),
            Encoding::HexUpper => format!("{} uppercase hex digits", len * 2),
            Encoding::Base64 => format!("{} base64 characters", len.div_ceil(3) * 4),
        }
    }

    /// A short name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Encoding::Hex => "lowercase hex",
            Encoding::HexUpper => "uppercase hex",
            Encoding::Base64 => "base64",
        }
    }
}

/// Compares two byte strings in time independent of where they differ; unequal lengths never match.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc4231_case_2() {
        let mac = Algorithm::Sha256.mac(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn base64_signatures_need_padding_but_secrets_do_not() {
        assert_eq!(Encoding::Base64.decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(Encoding::Base64.decode("aGk"), None);
        assert_eq!(decode_base64("aGk"), Some(b"hi".to_vec()));
        assert_eq!(Encoding::Base64.decode("aG!="), None);
        assert_eq!(Encoding::Base64.describe_len(32), "44 base64 characters");
    }

    #[test]
    fn encode_into_appends_what_encode_returns() {
        let bytes = [0x00, 0x9f, 0xab, 0xff, 0x10];
        for encoding in [Encoding::Hex, Encoding::HexUpper, Encoding::Base64] {
            let mut out = String::from("v1=");
            encoding.encode_into(&bytes, &mut out);
            assert_eq!(out, format!("v1={}", encoding.encode(&bytes)), "{encoding:?}");
        }
    }

    #[test]
    fn hex_decodes_either_case_and_compare_checks_length() {
        assert_eq!(Encoding::Hex.decode("ABcd"), Some(vec![0xab, 0xcd]));
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(!ct_eq(b"", b"a"));
    }
}
