//! End-to-end tests of `hooktap verify` on the real binary: verdicts, reasons, hints and exit codes.
//!
//! Signatures here are the SPEC's known answers or were derived by hand outside hooktap
//! (python3 hmac/hashlib, openssl dgst, or node running a seed's own sample code).

use crate::common;

use common::Env;
use predicates::prelude::*;
use predicates::str::contains;

const GH_SECRET: &str = "It's a Secret to Everybody";
const GH_SIG: &str = "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const STD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STD_BODY: &str = r#"{"test": 2432232314}"#;
const STD_TS: i64 = 1614265330;
const STD_HEADERS: [&str; 3] = [
    "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp: 1614265330",
    "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
];

/// Seed 002's sample through JSON.stringify, and its signature under `nd_secret_2026` (node, seed code).
const DESK_BODY: &str = r#"{"event":"lead.created","timestamp":"2026-03-20T14:00:00.000Z","workspace_id":"ws_xxxxxxxxxxxx","data":{"id":"550e8400-e29b-41d4-a716-446655440000","visitor_name":"John Doe","visitor_email":"john@example.com","pipeline_stage":"new","source":"widget","created_at":"2026-03-20T14:00:00.000Z"}}"#;
const DESK_SIG: &str = "X-NexaDesk-Signature: sha256=8820f51c88ea9fbe8280a71d701d478ecfd5b4a2195dd79af330033ac4fefcf3";

/// Seed 000's scheme: `{timestamp}.{body}` under `nexus_whk_3f9a2c` (node, seed code; openssl agrees).
const NEXUS_BODY: &str = r#"<?xml version="1.0" encoding="UTF-8"?><event type="Page_Create"><page id="4711"><title>Onboarding</title></page></event>"#;
const NEXUS_SIG: &str =
    "X-Nexus-Signature-256: sha256=9a26af49c4659b5b008c3e3fe1bb2dd4acdbd0069499ba3b9e14957040db48de";

fn body_file(env: &Env, name: &str, bytes: &[u8]) -> String {
    let path = env.path(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn github(env: &Env, body: &[u8], headers: &[&str]) -> assert_cmd::assert::Assert {
    let file = body_file(env, "body.bin", body);
    let mut cmd = env.cmd();
    cmd.args(["verify", "--provider", "github", "--secret", GH_SECRET, "--body", &file]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    cmd.assert()
}

/// Verifies a Stripe event signed with `whsec_test_secret` using `secret` instead.
fn stripe_with_secret(env: &Env, secret: &str) -> assert_cmd::assert::Assert {
    env.cmd()
        .args(["verify", "--provider", "stripe", "--secret", secret, "--now", "1700000000"])
        .args([
            "-H",
            "Stripe-Signature: t=1700000000,v1=22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31",
        ])
        .write_stdin(r#"{"id":"evt_1","type":"payment_intent.succeeded"}"#)
        .assert()
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn a_valid_signature_exits_zero_with_one_line() {
    let env = Env::new();
    github(&env, b"Hello, World!", &[GH_SIG]).code(0).stdout("valid (github, 1 signature checked)\n");
}

#[test]
fn a_tampered_body_exits_one_with_expected_received_and_signed_preview() {
    let env = Env::new();
    github(&env, b"Hello, World?", &[GH_SIG])
        .code(1)
        .stdout(contains("invalid: no signature matched (1 tried)"))
        .stdout(contains("  received: sha256=757107ea"))
        .stdout(contains("  expected: sha256="))
        .stdout(contains("  signed:   Hello, World?"))
        .stdout(contains(GH_SECRET).not());
}

#[test]
fn a_body_file_with_an_added_newline_is_explained() {
    let env = Env::new();
    github(&env, b"Hello, World!\n", &[GH_SIG]).code(1).stdout(contains("matches without its trailing newline"));
}

#[test]
fn a_missing_signature_header_exits_one_and_names_it() {
    let env = Env::new();
    github(&env, b"Hello, World!", &["X-GitHub-Event: push"])
        .code(1)
        .stdout(contains("invalid: header x-hub-signature-256 is missing"))
        .stdout(contains("headers present: x-github-event"));
    github(&env, b"Hello, World!", &[]).code(1).stdout(contains("pass each one with -H 'x-hub-signature-256: ...'"));
}

#[test]
fn only_the_legacy_sha1_header_is_named_with_what_to_send_instead() {
    let env = Env::new();
    // python3: hmac.new(GH_SECRET, b"Hello, World!", hashlib.sha1).hexdigest(); openssl dgst -sha1 agrees.
    let legacy = "X-Hub-Signature: sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59";
    github(&env, b"Hello, World!", &[legacy, "X-GitHub-Event: push"])
        .code(1)
        .stdout(contains(
            "invalid: header x-hub-signature-256 is missing; the request carries only x-hub-signature, \
             the legacy HMAC-SHA1 signature, which is not accepted",
        ))
        .stdout(contains("hint: hooktap checks x-hub-signature-256, which GitHub sends beside x-hub-signature"))
        .stdout(contains("must be changed to send x-hub-signature-256"))
        .stdout(contains("matches this body and secret, so both are right"));
    let out = env
        .cmd()
        .args(["verify", "--json", "--provider", "github", "--secret", GH_SECRET, "-H", legacy])
        .write_stdin("Hello, World!")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(json(&out)["reason_code"], "legacy_signature_only");
}

#[test]
fn a_malformed_signature_exits_one_and_says_what_was_expected() {
    let env = Env::new();
    github(&env, b"Hello, World!", &["X-Hub-Signature-256: md5=abc"])
        .code(1)
        .stdout(contains("header x-hub-signature-256 is malformed: expected sha256=<64 lowercase hex digits>"));
    // A signature cut short is malformed, never a pass.
    github(&env, b"Hello, World!", &[&GH_SIG[..GH_SIG.len() - 1]]).code(1).stdout(contains("has 63 hex digits"));
    github(&env, b"Hello, World!", &[&GH_SIG[..GH_SIG.len() - 2]])
        .code(1)
        .stdout(contains("31 bytes long (62 characters); expected 64 lowercase hex digits"));
    github(&env, b"Hello, World!", &["X-Hub-Signature-256: sha256="]).code(1).stdout(contains("signature is empty"));
}

#[test]
fn the_wrong_provider_is_suggested_when_its_header_is_present() {
    let env = Env::new();
    let file = body_file(&env, "b", b"Hello, World!");
    env.cmd()
        .args(["verify", "--provider", "nexadesk", "--secret", "s", "--body", &file, "-H", GH_SIG])
        .assert()
        .code(1)
        .stdout(contains("signature header of github"));
}

fn standard(env: &Env, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = env.cmd();
    cmd.args(["verify", "--provider", "standard", "--secret", STD_SECRET]).args(extra);
    for h in STD_HEADERS {
        cmd.args(["-H", h]);
    }
    cmd.write_stdin(STD_BODY).assert()
}

#[test]
fn a_stale_timestamp_exits_one_with_direction_and_amount() {
    let env = Env::new();
    // Judged now, the 2021 vector is years old.
    standard(&env, &[]).code(1).stdout(contains("s in the past (tolerance 300 s)")).stdout(contains("--now UNIX"));
    let later = (STD_TS + 400).to_string();
    standard(&env, &["--now", &later]).code(1).stdout(contains("timestamp 1614265330 is 400 s in the past"));
    let earlier = (STD_TS - 301).to_string();
    standard(&env, &["--now", &earlier]).code(1).stdout(contains("301 s in the future"));
    standard(&env, &["--now", &later, "--tolerance", "500"]).code(0);
    // Stale but authentic: --json still says which signature matched.
    let out = env
        .cmd()
        .args(["--json", "verify", "--provider", "standard", "--secret", STD_SECRET, "--now", &later])
        .args(STD_HEADERS.iter().flat_map(|h| ["-H", h]))
        .write_stdin(STD_BODY)
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(report["reason_code"], "outside_tolerance", "{report}");
    assert_eq!(
        (report["checked"].as_u64(), report["signatures"].as_u64(), report["matched"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    standard(&env, &["--tolerance", "0"]).code(0);
    // A wrong secret on a stale request: both are named, so fixing one does not lead to the other.
    let mut cmd = env.cmd();
    cmd.args(["verify", "--provider", "standard", "--secret", "whsec_AAAAMfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
    cmd.args(["--now", &later]).args(STD_HEADERS.iter().flat_map(|h| ["-H", h]));
    cmd.write_stdin(STD_BODY)
        .assert()
        .code(1)
        .stdout(contains("invalid: no signature matched"))
        .stdout(contains("hint: the timestamp 1614265330 is 400 s in the past (tolerance 300 s), so even a matching"));
}

#[test]
fn standard_webhooks_vector_verifies_from_stdin_also_under_svix_names() {
    let env = Env::new();
    standard(&env, &["--now", "1614265330"]).code(0).stdout("valid (standard, 1 signature checked)\n");
    let mut cmd = env.cmd();
    cmd.args(["verify", "--provider", "svix", "--secret", STD_SECRET, "--now", "1614265330"]);
    for h in STD_HEADERS {
        cmd.args(["-H", &h.replace("webhook-", "svix-")]);
    }
    cmd.write_stdin(STD_BODY).assert().code(0);
}

#[test]
fn a_secret_that_is_not_base64_is_a_usage_error() {
    let env = Env::new();
    let mut cmd = env.cmd();
    cmd.args(["verify", "--provider", "standard", "--secret", "whsec_***", "--now", "1614265330"]);
    for h in STD_HEADERS {
        cmd.args(["-H", h]);
    }
    cmd.write_stdin(STD_BODY)
        .assert()
        .code(2)
        .stderr(contains("the secret is not usable"))
        .stderr(contains("not base64"))
        .stderr(contains("***").not());
}

#[test]
fn a_pretty_printed_json_body_is_called_re_serialised() {
    let env = Env::new();
    let value: serde_json::Value = serde_json::from_str(DESK_BODY).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    let file = body_file(&env, "pretty.json", &pretty);
    let file_ok = body_file(&env, "raw.json", DESK_BODY.as_bytes());
    let run = |f: &str| {
        env.cmd()
            .args(["verify", "--provider", "nexadesk", "--secret", "nd_secret_2026", "--body", f, "-H", DESK_SIG])
            .assert()
    };
    run(&file_ok).code(0);
    run(&file)
        .code(1)
        .stdout(contains("re-serialised after it was signed"))
        .stdout(contains("raw bytes"))
        .stdout(contains("secret differs").not());
}

#[test]
fn json_output_is_one_object_with_the_reason_fields() {
    let env = Env::new();
    let file = body_file(&env, "b", b"Hello, World?");
    let out = env
        .cmd()
        .args(["verify", "--json", "--provider", "github", "--secret", GH_SECRET, "--body", &file, "-H", GH_SIG])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["valid"], false);
    assert_eq!(v["provider"], "github");
    assert_eq!(v["reason_code"], "no_match");
    assert_eq!(v["reason"], "no signature matched (1 tried)");
    assert!(v["expected"].as_str().unwrap().starts_with("sha256="));
    assert_eq!(v["received"][0], &GH_SIG["X-Hub-Signature-256: ".len()..]);
    assert_eq!(v["signed_preview"], "Hello, World?");
    assert!(v["hint"].is_string());
    let ok = env
        .cmd()
        .args(["verify", "--json", "--provider", "github", "--secret", GH_SECRET, "-H", GH_SIG])
        .write_stdin("Hello, World!")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v = json(&ok);
    assert_eq!(
        (v["valid"].clone(), v["checked"].clone(), v["reason_code"].clone()),
        (true.into(), 1.into(), serde_json::Value::Null)
    );
}

#[test]
fn slack_stripe_nexudus_and_shopify_vectors_verify() {
    let env = Env::new();
    let slack_body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    env.cmd()
        .args(["verify", "--provider", "slack", "--secret", "8f742231b10e8888abcd99yyyzzz85a5", "--now", "1531420618"])
        .args(["-H", "X-Slack-Request-Timestamp: 1531420618"])
        .args(["-H", "X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"])
        .write_stdin(slack_body)
        .assert()
        .code(0);
    // Two v1 during rotation (the first wrong) and a v0 that is ignored; python3 hmac derived the right one.
    let v1 = "22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31";
    let zeros = "0".repeat(64);
    env.cmd()
        .args(["verify", "--provider", "stripe", "--secret", "whsec_test_secret", "--now", "1700000100"])
        .args(["-H", &format!("Stripe-Signature: t=1700000000,v1={zeros},v1={v1},v0={zeros}")])
        .write_stdin(r#"{"id":"evt_1","type":"payment_intent.succeeded"}"#)
        .assert()
        .code(0)
        .stdout("valid (stripe, signature 2 of 2 matched)\n");
    // Nexudus sends uppercase hex; lowercase is accepted too.
    for sig in [
        "4B3B8F786750D256D003BC94BEA8720CE4555567AD0FDB0548BE7CC72124B47B",
        "4b3b8f786750d256d003bc94bea8720ce4555567ad0fdb0548be7cc72124b47b",
    ] {
        env.cmd()
            .args(["verify", "--provider", "nexudus", "--secret", "nexudus-shared-secret"])
            .args(["-H", &format!("X-Nexudus-Hook-Signature: {sig}")])
            .write_stdin(r#"[{"Id":1234567,"FullName":"Ada Lovelace","Email":"ada@example.com"}]"#)
            .assert()
            .code(0);
    }
    env.cmd()
        .args(["verify", "--provider", "shopify", "--secret", "shpss_test"])
        .args(["-H", "X-Shopify-Hmac-Sha256: 3JxXO8Lul52iD5+qb1FHtoXK8vDwPbXpi8eB+yETk5I="])
        .write_stdin(r#"{"id":820982911946154508}"#)
        .assert()
        .code(0);
}

fn stripe(env: &Env, header: &str) -> assert_cmd::assert::Assert {
    env.cmd()
        .args(["verify", "--provider", "stripe", "--secret", "whsec_test_secret", "--now", "1700000100"])
        .args(["-H", &format!("Stripe-Signature: {header}")])
        .write_stdin(r#"{"id":"evt_1","type":"payment_intent.succeeded"}"#)
        .assert()
}

#[test]
fn with_several_signatures_the_report_says_which_matched_and_what_was_skipped() {
    let env = Env::new();
    // python3 hmac derived the right v1; the rest are wrong or unreadable.
    let v1 = "22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31";
    let zeros = "0".repeat(64);
    // Regression: the first of two matching was reported as "1 signature checked".
    stripe(&env, &format!("t=1700000000,v1={v1},v1=abc"))
        .code(0)
        .stdout("valid (stripe, signature 1 of 2 matched)\n  note: signature 2 is malformed: the signature has 3 hex digits; expected 64 lowercase hex digits\n");
    stripe(&env, &format!("t=1700000000,v1={v1},v1={zeros}"))
        .code(0)
        .stdout("valid (stripe, signature 1 of 2 matched)\n");
    stripe(&env, &format!("t=1700000000,v1=abc,v1={zeros}"))
        .code(1)
        .stdout(contains(
            "invalid: no signature matched (1 of 2 tried; signature 1 is malformed: the signature has 3 hex digits",
        ))
        .stdout(contains("  received: v1=abc\n"))
        .stdout(contains("hint: if the body and the t= element are exactly as received, the secret differs"));
    // Standard Webhooks: a space-separated list, the second entry the right one.
    let mut cmd = env.cmd();
    cmd.args(["verify", "--json", "--provider", "standard", "--secret", STD_SECRET, "--now", "1614265330"]);
    for h in &STD_HEADERS[..2] {
        cmd.args(["-H", h]);
    }
    let list =
        format!("webhook-signature: v1,{} {}", "A".repeat(43) + "=", &STD_HEADERS[2]["webhook-signature: ".len()..]);
    let out = cmd.args(["-H", &list]).write_stdin(STD_BODY).assert().code(0).get_output().stdout.clone();
    let v = json(&out);
    assert_eq!((v["signatures"].clone(), v["matched"].clone(), v["checked"].clone()), (2.into(), 2.into(), 2.into()));
}

#[test]
fn a_lost_trailing_newline_and_a_missing_whsec_prefix_are_each_named() {
    let env = Env::new();
    // python3: hmac.new(GH_SECRET, b"Hello, World!\n", hashlib.sha256).hexdigest()
    let sig = "X-Hub-Signature-256: sha256=8fde2e970f9163923fb1cb61bb945626ff2b4091d87e622ee3ad600160592325";
    github(&env, b"Hello, World!", &[sig])
        .code(1)
        .stdout(contains("hint: the body matches with a trailing newline added"));
    stripe_with_secret(&env, "test_secret")
        .code(1)
        .stdout(contains("hint: the signature matches with whsec_ in front of the secret"))
        .stdout(contains("test_secret").not());
}

#[test]
fn non_utf8_bodies_are_verified_byte_for_byte() {
    let env = Env::new();
    // python3: hmac.new(b"k", b"\xff\xfe\x00\x80binary", hashlib.sha256).hexdigest()
    let file = body_file(&env, "bin", b"\xff\xfe\x00\x80binary");
    let sig = "X-Hub-Signature-256: sha256=aa319d28b7a92f9f193465d0e1556a71d1620b1f4869bc48596c822e008da163";
    env.cmd().args(["verify", "--provider", "github", "--secret", "k", "--body", &file, "-H", sig]).assert().code(0);
}

#[test]
fn a_stripe_api_key_used_as_the_secret_gets_a_hint() {
    let env = Env::new();
    stripe_with_secret(&env, "sk_test_123")
        .code(1)
        .stdout(contains("looks like an API key"))
        .stdout(contains("sk_test_123").not());
}

#[test]
fn usage_errors_exit_two_with_a_hint() {
    let env = Env::new();
    // No secret given: the provider's development secret (shared with listen and send) checks it.
    env.cmd()
        .args(["verify", "--provider", "github", "-H", GH_SIG])
        .write_stdin("x")
        .assert()
        .code(1)
        .stdout(contains("invalid"));
    env.cmd()
        .args(["verify", "--secret", "s"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains("no provider to verify with"));
    env.cmd()
        .args(["verify", "--provider", "githib", "--secret", "s"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains("github"));
    env.cmd()
        .args(["verify", "--provider", "github", "--secret", "s", "--body", "/no/such/file"])
        .assert()
        .code(2)
        .stderr(contains("cannot read the body file /no/such/file"));
    env.cmd()
        .args(["verify", "--provider", "github", "--secret", "s", "-H", "no colon"])
        .write_stdin("x")
        .assert()
        .code(2);
    env.cmd()
        .args(["verify", "--provider", "github", "--secret", "s", "--delivery", "01ABC"])
        .assert()
        .code(2)
        .stderr(contains("nothing has been recorded yet"));
}

#[test]
fn a_profile_supplies_provider_and_secret() {
    let env = Env::new();
    env.write_user_config("[profiles.desk]\nprovider = \"nexadesk\"\nsecret_env = \"DESK_SECRET\"\n");
    let file = body_file(&env, "raw.json", DESK_BODY.as_bytes());
    env.cmd()
        .env("DESK_SECRET", "nd_secret_2026")
        .args(["verify", "--profile", "desk", "--body", &file, "-H", DESK_SIG])
        .assert()
        .code(0)
        .stdout("valid (nexadesk, 1 signature checked)\n");
}

#[test]
fn a_nexus_profile_with_auth_env_checks_the_authorization_header() {
    let env = Env::new();
    env.write_user_config(
        "[profiles.km]\nprovider = \"nexus\"\nsecret_env = \"NEXUS_SECRET\"\nauth_env = \"NEXUS_AUTH\"\n",
    );
    let run = |extra: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("NEXUS_SECRET", "nexus_whk_3f9a2c")
            .env("NEXUS_AUTH", "Bearer eyJhbGciOi.good")
            .args(["verify", "--profile", "km", "--now", "1718035260"])
            .args(["-H", NEXUS_SIG, "-H", "X-Nexus-Timestamp: 1718035200", "-H", "Content-Type: text/xml"]);
        for h in extra {
            cmd.args(["-H", h]);
        }
        cmd.write_stdin(NEXUS_BODY).assert()
    };
    run(&["Authorization: Bearer eyJhbGciOi.good"]).code(0);
    run(&[]).code(1).stdout(contains("header authorization is missing"));
    run(&["Authorization: Basic dXNlcjpwYXNz"])
        .code(1)
        .stdout(contains("expected a Bearer credential, got Basic"))
        .stdout(contains("dXNlcjpwYXNz").not())
        .stdout(contains("eyJhbGciOi").not());
}

#[test]
fn a_recorded_delivery_is_judged_as_of_when_it_arrived() {
    use hooktap::store::{NewDelivery, Source, Store};
    let env = Env::new();
    let headers = hooktap::util::parse_header_args(&STD_HEADERS.map(String::from)).unwrap();
    let mut d = NewDelivery::request(Source::Listen, "POST", "/hooks", headers, STD_BODY.as_bytes().to_vec().into());
    d.received_at = (STD_TS + 2) * 1000 + 250;
    d.provider = Some("standard".into());
    let id = d.id.clone();
    Store::open(&env.db()).unwrap().insert(&d).unwrap();

    // The provider comes from the recording; the timestamp is judged at arrival, and the output says so.
    env.cmd()
        .args(["verify", "--delivery", &id, "--secret", STD_SECRET])
        .assert()
        .code(0)
        .stdout(contains("valid (standard, 1 signature checked)"))
        .stdout(contains("note: judged as of 2021-02-25 15:02:12 UTC"));
    // --now overrides arrival time.
    env.cmd()
        .args(["verify", "--delivery", &id, "--secret", STD_SECRET, "--now", "1714265330"])
        .assert()
        .code(1)
        .stdout(contains("in the past"));
    let out = env
        .cmd()
        .args(["verify", "--json", "--delivery", &id[..20], "--secret", STD_SECRET])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(json(&out)["now"], STD_TS + 2);
    env.cmd()
        .args(["verify", "--delivery", "01ZZZZZZZZ", "--secret", STD_SECRET])
        .assert()
        .code(2)
        .stderr(contains("no delivery"));
}

#[test]
fn a_terminal_on_stdin_is_a_usage_error_not_a_hang() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    // `script` gives the child a pseudo-terminal; without it there is no terminal to test with.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let env = Env::new();
    let template = env.std_cmd();
    let bin = assert_cmd::cargo::cargo_bin("hooktap");
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("'{}' verify --provider github --secret s -H 'X-Hub-Signature-256: sha256=00'", bin.display()),
        "/dev/null",
    ]);
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd
        .current_dir(env.work())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("verify waited on a terminal instead of failing");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().expect("output");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(status.code(), Some(2), "{text}");
    assert!(text.contains("no body: stdin is a terminal") && text.contains("--body FILE"), "{text}");
}

#[test]
fn secret_and_profile_flags_override_their_environment_variables() {
    let env = Env::new();
    let file = body_file(&env, "body.bin", b"Hello, World!");
    let verify = |extra: &[&str], vars: &[(&str, &str)]| {
        let mut cmd = env.cmd();
        cmd.args(["verify", "--body", &file, "-H", GH_SIG]).args(extra).envs(vars.iter().copied());
        cmd.assert()
    };
    // A wrong HOOKTAP_SECRET is only a default: each secret flag wins over it.
    let wrong = [("HOOKTAP_SECRET", "not the secret"), ("GH", GH_SECRET)];
    verify(&["--provider", "github", "--secret-env", "GH"], &wrong).code(0);
    std::fs::write(env.path("secret"), GH_SECRET).unwrap();
    let secret_file = env.path("secret").to_string_lossy().into_owned();
    verify(&["--provider", "github", "--secret-file", &secret_file], &wrong).code(0);
    verify(&["--provider", "github", "--secret", GH_SECRET], &wrong).code(0);
    // ...and is used when no flag gives a secret.
    verify(&["--provider", "github"], &wrong).code(1);
    verify(&["--provider", "github"], &[("HOOKTAP_SECRET", GH_SECRET)]).code(0);
    // HOOKTAP_PROFILE names the default profile, which --provider overrides.
    verify(&["--provider", "github", "--secret", GH_SECRET], &[("HOOKTAP_PROFILE", "elsewhere")]).code(0);
    // Two secret flags typed together still conflict.
    verify(&["--provider", "github", "--secret", "a", "--secret-env", "GH"], &[]).code(2);
}

/// Regression: `--data`, the flag `send` takes for the body, was an unknown flag to `verify`.
#[test]
fn data_is_an_alias_of_body_with_or_without_sends_at() {
    let env = Env::new();
    let file = body_file(&env, "body.bin", b"Hello, World!");
    for given in [file.clone(), format!("@{file}")] {
        env.cmd()
            .args(["verify", "--provider", "github", "--secret", GH_SECRET, "-H", GH_SIG, "--data", &given])
            .assert()
            .code(0)
            .stdout("valid (github, 1 signature checked)\n");
    }
    env.cmd().args(["verify", "--help"]).assert().success().stdout(predicate::str::contains("[alias: --data]"));
}
