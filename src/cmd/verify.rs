//! `hooktap verify`: offline signature checks with an explanation of every failure.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use http::HeaderMap;

use crate::cli::{GlobalArgs, ProviderArgs};
use crate::config::Config;
use crate::error::{Exit, usage_hint};
use crate::provider::{self, Verified, VerifyError, VerifyInput};
use crate::store::Delivery;

/// Arguments of `hooktap verify`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap verify --provider github --secret-env GH_SECRET \\
      -H 'X-Hub-Signature-256: sha256=...' --body body.json
  curl ... | hooktap verify --profile desk -H 'X-NexaDesk-Signature: sha256=...'
  hooktap verify --delivery 01JD3K...  # re-check a recorded delivery")]
pub struct VerifyArgs {
    /// Provider, profile and secret
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// File holding the raw body (default: stdin); `@FILE`, as `send --data` takes it, works too
    #[arg(long, value_name = "FILE", visible_alias = "data")]
    pub body: Option<PathBuf>,
    /// A request header, `Name: value` (repeatable)
    #[arg(short = 'H', long = "header", value_name = "K: V")]
    pub headers: Vec<String>,
    /// Allowed clock skew in seconds (default: the provider's)
    #[arg(long, value_name = "SECS")]
    pub tolerance: Option<u64>,
    /// Check as if the time were this unix timestamp
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
    /// Re-check a recorded delivery by id
    #[arg(long, value_name = "ID", conflicts_with_all = ["body", "headers"])]
    pub delivery: Option<String>,
}

/// The request being checked and the time it is judged at.
struct Request {
    headers: HeaderMap,
    body: Vec<u8>,
    now: i64,
    /// Why `now` is not the current time, when it is not.
    note: Option<String>,
}

/// The outcome as printed, or serialised with `--json`.
#[derive(Debug, serde::Serialize)]
struct Report {
    valid: bool,
    provider: String,
    profile: Option<String>,
    /// How many signatures were compared (when the check got that far).
    checked: Option<usize>,
    /// How many signatures of the checked kind the request carried, readable or not.
    signatures: Option<usize>,
    /// Which one matched, counting from 1 in the order sent.
    matched: Option<usize>,
    now: i64,
    reason_code: Option<&'static str>,
    reason: Option<String>,
    expected: Option<String>,
    received: Vec<String>,
    signed_preview: Option<String>,
    /// The most specific hint; all of them are in `hints`.
    hint: Option<String>,
    hints: Vec<String>,
    /// Why the check was judged at `now`, when that is not the current time.
    note: Option<String>,
    /// What did not change the verdict but may trip up a receiver.
    notes: Vec<String>,
}

/// Runs `hooktap verify`.
pub fn run(args: VerifyArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let config = crate::config::load(&global.paths())?;
    let delivery = args.delivery.as_deref().map(|id| load_delivery(&config, id)).transpose()?;
    let provider_args = recorded_provider(&args.provider, delivery.as_ref(), &config);
    let signer = config.signer(&provider_args.request())?.ok_or_else(|| {
        usage_hint(
            "no provider to verify with",
            "pass --provider P (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack) or --profile NAME",
        )
    })?;
    let secret = signer.require_secret()?;
    let request = match delivery {
        Some(d) => from_delivery(d, args.now),
        None => from_args(&args)?,
    };
    let provider = signer.provider.as_ref();
    let input = VerifyInput {
        headers: &request.headers,
        body: &request.body,
        secret,
        now: request.now,
        tolerance: args.tolerance.or(signer.tolerance),
    };
    let outcome = provider.verify(&input).and_then(|verified| {
        if let Some(auth) = &signer.auth {
            provider::check_authorization(&request.headers, auth)?;
        }
        Ok(verified)
    });
    let hints = match &outcome {
        Ok(_) => Vec::new(),
        Err(err) => {
            let mut hints = provider::explain::hints(provider, &input, err);
            hints.extend(cli_hints(err, &args, &request));
            hints
        }
    };
    if let Err(err @ VerifyError::BadSecret { .. }) = &outcome {
        // The check could not be made at all: a configuration error, not a verdict.
        let hint = hints.first().cloned().unwrap_or_else(|| "check the secret's source and format".into());
        return Err(usage_hint(err.to_string(), hint));
    }
    // Authentic but outside the window: which signature matched is as much a fact as for a valid one.
    let matched_anyway = match &outcome {
        Err(VerifyError::OutsideTolerance { .. }) => provider.verify(&VerifyInput { tolerance: Some(0), ..input }).ok(),
        _ => None,
    };
    let mut report = Report::new(&provider.info().name, signer.profile.clone(), &request, outcome, hints);
    if let Some(verified) = &matched_anyway {
        report.count(verified);
    }
    if !global.quiet {
        print(&report, global).context("writing the result")?;
    }
    Ok(if report.valid { Exit::Success } else { Exit::Negative })
}

/// With `--delivery` and no provider named, checks with the profile (or provider) the delivery was recorded with.
fn recorded_provider(args: &ProviderArgs, delivery: Option<&Delivery>, config: &Config) -> ProviderArgs {
    let mut args = args.clone();
    if let Some(d) = delivery
        && args.profile.is_none()
        && args.provider.is_none()
    {
        match (&d.profile, &d.provider) {
            (Some(profile), _) if config.profiles.contains_key(profile) => args.profile = Some(profile.clone()),
            (_, Some(provider)) => args.provider = Some(provider.clone()),
            _ => {}
        }
    }
    args
}

fn load_delivery(config: &Config, id: &str) -> anyhow::Result<Delivery> {
    let path = config.db_path()?;
    if !path.exists() {
        return Err(usage_hint(
            format!("no database at {}: nothing has been recorded yet", path.display()),
            "record deliveries with `hooktap listen`, or pass --db PATH",
        ));
    }
    let store = config.open_store()?;
    store.get(id).map_err(|e| match e {
        crate::store::query::IdError::Sqlite(_) => anyhow::Error::new(e).context(format!("reading delivery {id}")),
        other => usage_hint(
            other.to_string(),
            "delivery ids are printed by `hooktap listen --json` (id) and `hooktap send --json` (delivery_id)",
        ),
    })
}

fn from_delivery(d: Delivery, now: Option<i64>) -> Request {
    let (now, note) = judged_at(d.received_at, &d.id, now);
    Request { headers: d.headers, body: d.body.to_vec(), now, note }
}

/// A recording is judged as of when it arrived (unless `--now` says otherwise), so an old
/// delivery is not reported stale merely for being old.
fn judged_at(received_at_ms: i64, id: &str, now: Option<i64>) -> (i64, Option<String>) {
    let received = received_at_ms.div_euclid(1000);
    match now {
        Some(now) => (now, None),
        None => (
            received,
            Some(format!(
                "judged as of {} (unix {received}), when delivery {id} was received; pass --now to judge at another time",
                format_time(received)
            )),
        ),
    }
}

fn from_args(args: &VerifyArgs) -> anyhow::Result<Request> {
    let headers = crate::util::parse_header_args(&args.headers)?;
    // `send --data @file` names a file with `@`; the same words work here.
    let at_stripped = args.body.as_deref().map(|p| match p.to_str().and_then(|s| s.strip_prefix('@')) {
        Some(rest) if !p.exists() => Path::new(rest),
        _ => p,
    });
    let body = match at_stripped {
        Some(path) if path != Path::new("-") => std::fs::read(path)
            .map_err(|e| usage_hint(format!("cannot read the body file {}: {e}", path.display()), "check the path"))?,
        _ => read_stdin()?,
    };
    Ok(Request { headers, body, now: args.now.unwrap_or_else(crate::util::unix_now), note: None })
}

fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        // Waiting for a body typed at a terminal looks like a hang, and typing adds a newline anyway.
        return Err(usage_hint(
            "no body: stdin is a terminal",
            "pass --body FILE, or pipe the exact body in (e.g. `cat body.json | hooktap verify ...`)",
        ));
    }
    let mut body = Vec::new();
    stdin.read_to_end(&mut body).context("reading the body from stdin")?;
    Ok(body)
}

/// Hints about how this command was used, which the provider layer cannot know.
fn cli_hints(err: &VerifyError, args: &VerifyArgs, request: &Request) -> Vec<String> {
    match err {
        VerifyError::MissingHeader { header } if request.headers.is_empty() && args.delivery.is_none() => {
            vec![format!("no headers were given: pass each one with -H '{header}: ...'")]
        }
        VerifyError::MissingHeader { .. } => {
            let names: Vec<&str> = request.headers.keys().map(|k| k.as_str()).collect();
            vec![format!("headers present: {}", names.join(", "))]
        }
        VerifyError::OutsideTolerance { .. } => {
            vec!["pass --now UNIX to judge as of another time, or --tolerance SECS (0 turns the check off)".into()]
        }
        _ => Vec::new(),
    }
}

impl Report {
    fn new(
        provider: &str,
        profile: Option<String>,
        request: &Request,
        outcome: Result<Verified, VerifyError>,
        hints: Vec<String>,
    ) -> Report {
        let mut report = Report {
            valid: outcome.is_ok(),
            provider: provider.to_string(),
            profile,
            checked: None,
            signatures: None,
            matched: None,
            now: request.now,
            reason_code: None,
            reason: None,
            expected: None,
            received: Vec::new(),
            signed_preview: None,
            hint: hints.first().cloned(),
            hints,
            note: request.note.clone(),
            notes: Vec::new(),
        };
        match outcome {
            Ok(v) => {
                report.count(&v);
                report.notes = v.notes;
            }
            Err(err) => {
                report.reason_code = Some(err.code());
                report.reason = Some(err.to_string());
                if let VerifyError::NoMatch { tried, skipped, expected, received, signed_preview, .. } = err {
                    report.checked = Some(tried);
                    report.signatures = Some(tried + skipped.len());
                    report.expected = Some(expected);
                    report.received = received;
                    report.signed_preview = Some(signed_preview);
                }
            }
        }
        report
    }

    /// Records how many signatures were checked and which one matched.
    fn count(&mut self, verified: &Verified) {
        self.checked = Some(verified.compared);
        self.signatures = Some(verified.present);
        self.matched = Some(verified.matched);
    }

    /// The verdict line's detail for a valid signature: `1 signature checked`, `signature 2 of 3 matched`.
    fn which_matched(&self) -> String {
        match (self.signatures, self.matched) {
            (Some(n), Some(at)) if n > 1 => format!("signature {at} of {n} matched"),
            _ => "1 signature checked".into(),
        }
    }

    /// The human form: one line valid/invalid, then indented details.
    fn human(&self, color: bool) -> String {
        let paint =
            |code: &str, text: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() };
        let mut out = if self.valid {
            format!("{} ({}, {})\n", paint("1;32", "valid"), self.provider, self.which_matched())
        } else {
            format!("{}: {}\n", paint("1;31", "invalid"), self.reason.as_deref().unwrap_or("unknown reason"))
        };
        if let Some(expected) = &self.expected {
            out.push_str(&format!("  expected: {expected}\n"));
        }
        for (i, received) in self.received.iter().enumerate() {
            out.push_str(&format!("  {} {received}\n", if i == 0 { "received:" } else { "         " }));
        }
        if let Some(signed) = &self.signed_preview {
            out.push_str(&format!("  signed:   {signed}\n"));
        }
        for hint in &self.hints {
            out.push_str(&format!("  hint: {hint}\n"));
        }
        for note in self.notes.iter().chain(&self.note) {
            out.push_str(&format!("  note: {note}\n"));
        }
        out
    }
}

fn print(report: &Report, global: &GlobalArgs) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer(&mut stdout, report).map_err(std::io::Error::from)?;
        stdout.write_all(b"\n")?;
    } else {
        let color = crate::logging::decide_color(
            global.color,
            std::env::var_os("NO_COLOR").is_some(),
            std::io::stdout().is_terminal(),
        );
        stdout.write_all(report.human(color).as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}

fn format_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request { headers: HeaderMap::new(), body: b"{}".to_vec(), now: 100, note: None }
    }

    #[test]
    fn a_mismatch_report_carries_expected_received_and_the_signed_preview() {
        let err = VerifyError::NoMatch {
            tried: 2,
            skipped: Box::default(),
            expected: "sha256=aa".into(),
            received: vec!["sha256=bb".into(), "sha256=cc".into()],
            signed_preview: "12.{}".into(),
            signed_with: Box::default(),
            stale: None,
        };
        let r = Report::new("nexus", None, &request(), Err(err), vec!["look here".into()]);
        let text = r.human(false);
        assert_eq!(
            text,
            "invalid: no signature matched (2 tried)\n  expected: sha256=aa\n  received: sha256=bb\n            sha256=cc\n  \
             signed:   12.{}\n  hint: look here\n"
        );
        assert_eq!(r.reason_code, Some("no_match"));
        assert_eq!(r.hint.as_deref(), Some("look here"));
    }

    fn verified(present: usize, matched: usize, notes: &[&str]) -> Verified {
        let notes = notes.iter().map(|n| n.to_string()).collect();
        Verified { present, compared: present, matched, timestamp: None, notes }
    }

    #[test]
    fn a_valid_report_says_which_signature_matched_and_colours_only_when_asked() {
        let r = Report::new("github", None, &request(), Ok(verified(1, 1, &[])), vec![]);
        assert_eq!(r.human(false), "valid (github, 1 signature checked)\n");
        assert!(r.human(true).starts_with("\x1b[1;32mvalid\x1b[0m"));
        // Rotation: the first of two matched, and the report says so rather than counting them as checked.
        let r = Report::new("stripe", None, &request(), Ok(verified(2, 1, &["signature 2 is malformed: x"])), vec![]);
        assert_eq!(r.human(false), "valid (stripe, signature 1 of 2 matched)\n  note: signature 2 is malformed: x\n");
        assert_eq!((r.signatures, r.matched, r.checked), (Some(2), Some(1), Some(2)));
    }

    #[test]
    fn recorded_deliveries_are_judged_when_they_arrived() {
        let (now, note) = judged_at(1_614_265_330_999, "01ABC", None);
        assert_eq!(now, 1_614_265_330);
        let note = note.unwrap();
        assert!(note.contains("2021-02-25 15:02:10 UTC") && note.contains("01ABC"), "{note}");
        assert_eq!(judged_at(1_614_265_330_999, "01ABC", Some(5)), (5, None));
    }
}
