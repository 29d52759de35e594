//! Channel tokens: 256 random bits, shown once when made, kept only as their
//! SHA-256 hash, and checked in constant time.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::secret::Secret;

/// Every token starts with this, so one found in a log or a repository is recognisable.
pub const PREFIX: &str = "htk_";

/// A token's hash, as stored.
pub type TokenHash = [u8; 32];

/// A new random token.
pub fn generate() -> Secret {
    let random: [u8; 32] = rand::random();
    Secret::new(format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)))
}

/// The hash a token is stored as.
pub fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `presented` is the token whose hash is `stored`. A channel that does not
/// exist (or has no token) is compared like one that does, against a hash no token
/// has, so that neither the answer nor its timing tells the two apart.
pub fn matches(presented: &str, stored: Option<&TokenHash>) -> bool {
    const NONE: TokenHash = [0; 32];
    let known = stored.is_some();
    let equal: bool = hash(presented).ct_eq(stored.unwrap_or(&NONE)).into();
    equal & known
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(a.expose().starts_with(PREFIX));
        // 32 bytes in unpadded base64: 43 characters.
        assert_eq!(a.expose().len(), PREFIX.len() + 43);
        assert!(a.expose()[PREFIX.len()..].bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(format!("{a}"), "(redacted)");
    }

    #[test]
    fn only_the_token_itself_matches_its_hash() {
        let token = generate();
        let stored = hash(token.expose());
        assert_ne!(&stored[..], token.expose().as_bytes(), "the hash is not the token");
        assert!(matches(token.expose(), Some(&stored)));
        assert!(!matches(&format!("{}x", token.expose()), Some(&stored)));
        assert!(!matches("", Some(&stored)));
        assert!(!matches(token.expose(), Some(&hash("another"))));
        assert!(!matches(token.expose(), None), "no channel, no match");
    }

    #[test]
    fn the_hash_is_sha256() {
        assert_eq!(hex::encode(hash("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
