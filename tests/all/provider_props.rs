//! Property tests over every provider: sign→verify round trips, and no tampering ever passes.

use std::sync::Arc;

use base64::Engine as _;
use hooktap::provider::{
    Algorithm, CustomScheme, Encoding, Provider, SignInput, Verified, VerifyError, VerifyInput, builtins,
};
use hooktap::secret::Secret;
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;

/// Every built-in provider plus custom schemes covering each template shape, encoding and hash.
fn providers() -> Vec<Arc<dyn Provider>> {
    let mut all = builtins();
    let templates = ["{body}", "{timestamp}.{body}", "{id}:{timestamp}:{body}", "{body}|{id}"];
    let encodings = [Encoding::Hex, Encoding::HexUpper, Encoding::Base64];
    let algorithms = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];
    for (i, template) in templates.iter().enumerate() {
        for (j, encoding) in encodings.iter().enumerate() {
            let scheme = CustomScheme {
                header: "X-Custom-Sig".into(),
                prefix: ["", "sig=", "v9:"][(i + j) % 3].into(),
                template: template.to_string(),
                encoding: *encoding,
                algorithm: algorithms[(i + 2 * j) % 3],
                timestamp_header: template.contains("{timestamp}").then(|| "X-Custom-Ts".into()),
                id_header: template.contains("{id}").then(|| "X-Custom-Id".into()),
                event_header: None,
                tolerance: None,
                content_type: None,
            };
            all.push(scheme.build().expect("valid custom scheme"));
        }
    }
    all
}

/// A secret of the kind the provider takes: Standard Webhooks needs `whsec_` + base64.
fn secret_for(p: &dyn Provider, raw: &[u8], text: &str) -> Secret {
    if p.info().name == "standard" {
        Secret::new(format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(raw)))
    } else {
        Secret::new(text)
    }
}

struct Case {
    p: Arc<dyn Provider>,
    secret: Secret,
    body: Vec<u8>,
    ts: i64,
    headers: HeaderMap,
}

impl Case {
    fn new(p: Arc<dyn Provider>, raw: &[u8], text: &str, body: Vec<u8>, ts: i64, id: &str) -> Case {
        let secret = secret_for(p.as_ref(), raw, text);
        let headers = p.sign(&SignInput { body: &body, secret: &secret, timestamp: ts, id, event: Some("e") }).unwrap();
        Case { p, secret, body, ts, headers }
    }

    fn verify(&self, headers: &HeaderMap, body: &[u8], tolerance: Option<u64>) -> Result<Verified, VerifyError> {
        self.p.verify(&VerifyInput { headers, body, secret: &self.secret, now: self.ts, tolerance })
    }

    fn sig_header(&self) -> &str {
        &self.p.info().signature_header
    }

    fn sig_value(&self) -> String {
        self.headers[self.sig_header()].to_str().unwrap().to_string()
    }

    fn with_signature(&self, value: &str) -> HeaderMap {
        let mut h = self.headers.clone();
        h.insert(
            http::HeaderName::from_bytes(self.sig_header().as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }
}

/// A printable byte that differs from `b` even ignoring ASCII case (hex and prefixes are read case-insensitively).
fn other_byte(b: u8, pick: u8) -> u8 {
    let mut c = 0x21 + pick % 94;
    while c.eq_ignore_ascii_case(&b) {
        c = 0x21 + (c - 0x21 + 1) % 94;
    }
    c
}

fn params() -> impl Strategy<Value = (Vec<u8>, String, Vec<u8>, i64, String)> {
    (
        proptest::collection::vec(any::<u8>(), 1..48),
        "[ -~]{1,40}",
        proptest::collection::vec(any::<u8>(), 0..600),
        1_000_000_000i64..2_000_000_000,
        "[A-Za-z0-9_-]{1,24}",
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn sign_then_verify_round_trips((raw, text, body, ts, id) in params()) {
        for p in providers() {
            let c = Case::new(p, &raw, &text, body.clone(), ts, &id);
            let v = c.verify(&c.headers, &c.body, None);
            prop_assert!(v.is_ok(), "{}: {v:?}", c.p.info().name);
            let v = v.unwrap();
            prop_assert_eq!((v.present, v.matched, v.notes.len()), (1, 1, 0), "{}", c.p.info().name);
        }
    }

    #[test]
    fn flipping_any_body_byte_fails((raw, text, body, ts, id) in params(), at in any::<usize>(), x in 1u8..) {
        for p in providers() {
            let c = Case::new(p, &raw, &text, body.clone(), ts, &id);
            let mut tampered = c.body.clone();
            if tampered.is_empty() {
                tampered.push(x);
            } else {
                let i = at % tampered.len();
                tampered[i] ^= x;
            }
            let v = c.verify(&c.headers, &tampered, None);
            prop_assert!(matches!(v, Err(VerifyError::NoMatch { .. })), "{}: {v:?}", c.p.info().name);
        }
    }

    #[test]
    fn changing_any_signature_byte_fails((raw, text, body, ts, id) in params(), at in any::<usize>(), pick in any::<u8>()) {
        for p in providers() {
            let c = Case::new(p, &raw, &text, body.clone(), ts, &id);
            let mut value = c.sig_value().into_bytes();
            let i = at % value.len();
            value[i] = other_byte(value[i], pick);
            let value = String::from_utf8(value).unwrap();
            let v = c.verify(&c.with_signature(&value), &c.body, Some(0));
            prop_assert!(v.is_err(), "{}: {value:?} passed", c.p.info().name);
        }
    }

    #[test]
    fn changing_any_timestamp_digit_fails((raw, text, body, ts, id) in params(), at in 0usize..10, d in 1u8..10) {
        for p in providers() {
            let c = Case::new(p, &raw, &text, body.clone(), ts, &id);
            let ts_text = c.ts.to_string();
            let mut found = false;
            for (name, value) in &c.headers {
                let value = value.to_str().unwrap();
                let Some(pos) = value.find(&ts_text) else { continue };
                found = true;
                let mut bytes = value.as_bytes().to_vec();
                bytes[pos + at] = b'0' + (bytes[pos + at] - b'0' + d) % 10;
                let mut h = c.headers.clone();
                h.insert(name.clone(), HeaderValue::from_bytes(&bytes).unwrap());
                // Tolerance off: the signature alone must catch the change.
                let v = c.verify(&h, &c.body, Some(0));
                prop_assert!(v.is_err(), "{}: timestamp change in {name} passed", c.p.info().name);
            }
            let signs_time = c.p.info().tolerance.is_some() || c.headers.contains_key("x-custom-ts");
            prop_assert_eq!(found, signs_time, "{}", c.p.info().name);
        }
    }

    #[test]
    fn empty_or_truncated_signatures_never_pass((raw, text, body, ts, id) in params(), cut in any::<usize>()) {
        for p in providers() {
            let c = Case::new(p, &raw, &text, body.clone(), ts, &id);
            let value = c.sig_value();
            for keep in [0, cut % value.len()] {
                let v = c.verify(&c.with_signature(&value[..keep]), &c.body, Some(0));
                prop_assert!(v.is_err(), "{}: {:?} passed", c.p.info().name, &value[..keep]);
            }
        }
    }

    #[test]
    fn any_of_several_signatures_may_match((raw, text, body, ts, id) in params(), first in any::<bool>()) {
        for p in providers() {
            let c = Case::new(p, &raw, &text, body.clone(), ts, &id);
            // A rotated-out secret's signature alongside the current one, in either order.
            let old = Case::new(c.p.clone(), b"rotated-out", "rotated-out", body.clone(), ts, &id);
            let name = http::HeaderName::from_bytes(c.sig_header().as_bytes()).unwrap();
            let mut h = c.headers.clone();
            h.remove(&name);
            let (a, b) = if first { (old.sig_value(), c.sig_value()) } else { (c.sig_value(), old.sig_value()) };
            h.append(name.clone(), HeaderValue::from_str(&a).unwrap());
            h.append(name.clone(), HeaderValue::from_str(&b).unwrap());
            let v = c.verify(&h, &c.body, None);
            // The report names the right one by its place, whichever it is.
            prop_assert_eq!(v.map(|v| (v.present, v.matched)), Ok((2, if first { 2 } else { 1 })), "{}", c.p.info().name);
            // The old signature alone does not.
            prop_assert!(c.verify(&old.headers, &c.body, None).is_err(), "{}", c.p.info().name);
        }
    }

    #[test]
    fn a_malformed_signature_beside_the_right_one_is_counted_not_hidden((raw, text, body, ts, id) in params(), first in any::<bool>()) {
        for p in providers() {
            let c = Case::new(p, &raw, &text, body.clone(), ts, &id);
            let name = http::HeaderName::from_bytes(c.sig_header().as_bytes()).unwrap();
            let mut h = c.headers.clone();
            h.remove(&name);
            let (a, b) = if first { ("v1=zz".to_string(), c.sig_value()) } else { (c.sig_value(), "v1=zz".to_string()) };
            h.append(name.clone(), HeaderValue::from_str(&a).unwrap());
            h.append(name.clone(), HeaderValue::from_str(&b).unwrap());
            let v = c.verify(&h, &c.body, None).map(|v| (v.present, v.compared, v.matched, v.notes.len()));
            prop_assert_eq!(v, Ok((2, 1, if first { 2 } else { 1 }, 1)), "{}", c.p.info().name);
        }
    }
}
