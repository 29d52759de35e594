//! `hooktap check URL`: test a webhook receiver the way its provider will treat
//! it. Turns the flags into a [`check::Setup`] and prints the engine's report.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use crate::catalog::{Catalog, EventSpec};
use crate::check::{self, BurstSpec, CheckName, Payload, Progress, RetryPlan, RetrySpec, TimeScale};
use crate::cli::{GlobalArgs, ProviderArgs};
use crate::config;
use crate::error::{Exit, usage, usage_hint};
use crate::logging::decide_color;
use crate::net;
use crate::send::input::{self, CatalogOwner};
use crate::util;

/// Arguments of `hooktap check`.
#[derive(Debug, Args)]
#[command(after_help = "Checks: valid, setup, bad-signature, missing-signature,
  signature-rotation, authorization, reserialized, stale-timestamp, duplicate,
  malformed-body, oversized-body, burst, retries (with --simulate-retries, or
  named in --only), https, tls

Examples:
  hooktap check http://localhost:3000/webhooks --provider nexadesk \\
      --secret-env NEXADESK_SECRET
  hooktap check https://hooks.example.com/nexus --profile kb --skip burst
  hooktap check \"$URL\" --profile desk --format junit > check.xml
  hooktap check \"$URL\" --profile desk --simulate-retries
  hooktap check \"$URL\" --profile inhouse --data @event.json

Exit codes: 0 no check failed (warnings allowed), 1 a check failed,
2 usage/config/input error, 130 interrupted.")]
pub struct CheckArgs {
    /// The receiver's URL (credentials in it become Basic authorization)
    #[arg(value_name = "URL")]
    pub url: String,
    /// Provider, profile and secret
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Catalog event to build deliveries from [default: a representative one]
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,
    /// Build deliveries from this body instead of a catalog event: @file, - for stdin, or the text
    #[arg(long, value_name = "BODY")]
    pub data: Option<String>,
    /// Run only these checks (comma-separated names)
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Leave out these checks (comma-separated names)
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Output: a table, one JSON document (as --json), or JUnit XML for CI
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Extra header on every delivery, `Name: value` (repeatable; e.g. authorization)
    #[arg(short = 'H', long = "header", value_name = "K: V")]
    pub headers: Vec<String>,
    /// How long each delivery may take [default: the provider's documented timeout]
    #[arg(long, value_name = "DURATION", value_parser = super::parse_positive_duration)]
    pub timeout: Option<Duration>,
    /// Accept any certificate for the deliveries (the tls check still judges it as providers do)
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Also redeliver one event on the provider's retry schedule (the `retries` check)
    #[arg(long)]
    pub simulate_retries: bool,
    /// How much faster than real time the retry schedule runs: auto (the whole schedule in about 5 s), 1000x, or a factor such as 0.001
    #[arg(long, value_name = "SCALE", default_value = "auto", value_parser = check::parse_time_scale)]
    pub time_scale: TimeScale,
    /// How many attempts count as failed on the provider's side (its ack lost) before the endpoint's answers count
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub inject_failures: u32,
    /// How many deliveries the burst check sends
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub burst: usize,
    /// How many of them at once
    #[arg(long, value_name = "C", default_value_t = 10)]
    pub concurrency: usize,
}

/// What `check` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table with one line per check and a summary
    Table,
    /// One JSON document
    Json,
    /// JUnit XML, one test case per check
    Junit,
}

/// Runs `hooktap check`.
pub fn run(args: CheckArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let format = match (args.format, global.json) {
        (Some(Format::Junit | Format::Table), true) => {
            return Err(usage_hint("--json and --format ask for two outputs", "drop one of them"));
        }
        (_, true) => Format::Json,
        (format, false) => format.unwrap_or(Format::Table),
    };
    if args.burst == 0 || args.concurrency == 0 {
        return Err(usage_hint("--burst and --concurrency must be at least 1", "to leave the burst out, --skip burst"));
    }
    let checks = select(&args)?;
    let target = input::parse_url_named(&args.url, "URL")?;
    let config = config::load(&global.paths())?;
    let signer = config
        .signer(&args.provider.request())?
        .ok_or_else(|| usage_hint("no provider to check for", "pass --provider P (e.g. nexadesk) or --profile NAME"))?;
    let info = signer.provider.info().clone();
    let (catalog, problems) = super::send::load_catalog(&config);
    let owner = CatalogOwner::new(&info.name, signer.profile.as_deref());
    super::send::warn_about(&problems, Some(owner.key()), true);
    let payload = match args.data.as_deref() {
        Some(data) => {
            data_payload(input::read_data(data)?, args.event.as_deref(), &catalog, &owner, &*signer.provider)?
        }
        None => Payload::Event(pick_event(&catalog, &owner, args.event.as_deref(), config.get_str("fixtures_dir"))?),
    };
    let secret = signer.require_secret()?.clone();
    signer.provider.check_secret(&secret).map_err(|e| usage(e.to_string()))?;
    let headers = util::parse_header_args(&args.headers)?;
    if let Some(name) = super::send::FRAMING.iter().find(|name| headers.contains_key(**name)) {
        return Err(usage_hint(format!("-H {name} cannot be set: hooktap frames each body itself"), "drop that -H"));
    }
    let retries = info.retry.delays.len();
    if checks.contains(&CheckName::Retries) && args.inject_failures as usize > retries && retries > 0 {
        tracing::warn!("{} retries {retries} times; injecting {retries} failures", info.name);
    }
    // A custom scheme is known by its profile's name; a built-in one by its own.
    let label = match &owner {
        CatalogOwner::CustomProfile(profile) => profile.clone(),
        CatalogOwner::Provider(_) => info.name.clone(),
    };
    // The provider's setup handshake, from the same catalog (NexaDesk's ping, Slack's url_verification).
    let handshake = check::handshake(&info.name, check::is_json(payload.content_type()))
        .and_then(|hs| catalog.find(owner.key(), hs.event).ok().cloned());
    let setup = check::Setup {
        provider: signer.provider.clone(),
        label,
        secret,
        payload,
        handshake,
        url: target.url,
        uri: target.uri,
        auth: target.basic.or(signer.auth.clone()),
        headers,
        timeout: args.timeout.unwrap_or(info.timeout),
        tolerance: signer.tolerance,
        trust: if args.insecure { net::Trust::AnyCertificate } else { net::Trust::WebRoots },
        checks,
        burst: BurstSpec { count: args.burst, concurrency: args.concurrency },
        retries: RetrySpec { inject: args.inject_failures, scale: args.time_scale },
    };
    for (header, what) in check::overrides(&setup) {
        tracing::warn!("{}", override_warning(&header, what, &setup));
    }
    if setup.checks.contains(&CheckName::Retries) && retries > 0 && !global.quiet {
        eprintln!("hooktap: {}", RetryPlan::of(&info.retry, setup.retries, setup.timeout).describe(&setup.label));
    }
    let color = decide_color(global.color, std::env::var_os("NO_COLOR").is_some(), std::io::stdout().is_terminal());
    // On a terminal each check's line appears as it finishes; elsewhere the report comes whole.
    let live = format == Format::Table && !global.quiet && std::io::stdout().is_terminal();
    let width = check::report::width(setup.checks.iter().copied());
    if live {
        print!("{}", check::report::head(&check::Report::start(&setup)));
    }
    let spinner = (std::io::stderr().is_terminal() && !global.quiet).then(spinner);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    let report = runtime.block_on(async {
        let shutdown = crate::signal::Shutdown::on_signals();
        let mut progress = |p: Progress<'_>| match p {
            Progress::Started(name) => {
                if let Some(bar) = &spinner {
                    bar.set_message(format!("checking {name}…"));
                }
            }
            Progress::Finished(result) if live => {
                let line = check::report::line(result, width, color);
                let print = || {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
                };
                match &spinner {
                    Some(bar) => bar.suspend(print),
                    None => print(),
                }
            }
            Progress::Finished(_) => {}
        };
        check::run(&setup, shutdown, &mut progress).await
    });
    if let Some(bar) = &spinner {
        bar.finish_and_clear();
    }
    let report = report.map_err(|e| usage(format!("cannot build a delivery to check with: {e}")))?;
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&check::report::json(&report))?)?,
        Format::Junit => write!(stdout, "{}", check::junit::render(&report))?,
        Format::Table if global.quiet && report.ok() => {}
        Format::Table if live => write!(stdout, "{}", check::report::foot(&report, color))?,
        Format::Table => write!(stdout, "{}", check::report::table(&report, color))?,
    }
    Ok(if report.interrupted {
        Exit::Interrupted
    } else if report.ok() {
        Exit::Success
    } else {
        Exit::Negative
    })
}

/// The checks to run: every one but `retries` (which `--simulate-retries` adds), or
/// those `--only` names; less those `--skip` names. Always in the engine's order.
fn select(args: &CheckArgs) -> anyhow::Result<Vec<CheckName>> {
    let parse = |names: &[String]| -> anyhow::Result<Vec<CheckName>> {
        names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| {
                CheckName::parse(n).map_err(|e| {
                    let hint = match &e.closest {
                        Some(name) => format!("did you mean {name}?"),
                        None => "name one of those (`hooktap check --help` says what each does)".into(),
                    };
                    usage_hint(e.to_string(), hint)
                })
            })
            .collect()
    };
    let (only, skip) = (parse(&args.only)?, parse(&args.skip)?);
    if !args.only.is_empty() && only.is_empty() {
        return Err(usage_hint(
            "--only names no check",
            format!("name the checks to run, e.g. --only valid,bad-signature; the checks are {}", all_names()),
        ));
    }
    let chosen: Vec<CheckName> = CheckName::ALL
        .into_iter()
        .filter(|c| if only.is_empty() { *c != CheckName::Retries || args.simulate_retries } else { only.contains(c) })
        .filter(|c| !skip.contains(c))
        .collect();
    if chosen.is_empty() {
        return Err(usage_hint(
            "--only and --skip leave no check to run",
            "name at least one check that is not skipped",
        ));
    }
    Ok(chosen)
}

/// Every check's name, comma-separated.
fn all_names() -> String {
    CheckName::ALL.map(CheckName::as_str).join(", ")
}

/// `--data`'s body as the payload: the event `--event` names (its catalog entry gives the
/// content type, if it has one), else the one the body names where the provider puts it.
fn data_payload(
    bytes: bytes::Bytes,
    event: Option<&str>,
    catalog: &Catalog,
    owner: &CatalogOwner,
    provider: &dyn crate::provider::Provider,
) -> anyhow::Result<Payload> {
    if bytes.is_empty() {
        return Err(usage_hint("the --data body is empty", "give a body: --data @event.json, or - for stdin"));
    }
    let found = event.and_then(|name| catalog.find(owner.key(), name).ok());
    let content_type = found.map_or_else(|| provider.info().content_type.clone(), |spec| spec.content_type.clone());
    let event = match (found, event) {
        (Some(spec), _) => Some(spec.name.clone()),
        (None, Some(name)) => Some(name.to_owned()),
        (None, None) => provider.event_type(&http::HeaderMap::new(), &bytes),
    };
    Ok(Payload::Data { event, bytes, content_type })
}

/// The warning for a `-H` that replaces `what`, a header the scheme sets itself.
fn override_warning(header: &str, what: &str, setup: &check::Setup) -> String {
    let label = &setup.label;
    match what {
        "the signature" => format!(
            "-H {header} replaces the signature hooktap computes, on every delivery: valid and every check that \
             needs a correct signature will fail; leave it out to let hooktap sign"
        ),
        "the content type" => format!(
            "-H {header} replaces the content type {label} sends ({}) on every delivery, so the checks test \
             requests {label} never makes",
            setup.payload.content_type()
        ),
        "the Authorization" => {
            format!("-H {header} replaces the profile's Authorization on every delivery")
        }
        _ => format!(
            "-H {header} replaces a header {label} sets on every delivery (and is signed over as given): every \
             delivery carries the same value, so they look like repeats, or grow stale"
        ),
    }
}

/// The event named by `--event`, else a representative one: the first the provider
/// itself names that is not its setup ping, else the first that is not a ping.
fn pick_event(
    catalog: &Catalog,
    owner: &CatalogOwner,
    wanted: Option<&str>,
    fixtures_dir: Option<&str>,
) -> anyhow::Result<EventSpec> {
    let key = owner.key();
    let flag = if matches!(owner, CatalogOwner::CustomProfile(_)) { "--profile" } else { "--provider" };
    if let Some(name) = wanted {
        return catalog.find(key, name).cloned().map_err(|e| {
            if e.unknown_provider {
                owner.no_catalog(catalog, fixtures_dir)
            } else {
                usage_hint(e.to_string(), format!("list the events with `hooktap send --list {flag} {key}`"))
            }
        });
    }
    let events: Vec<&EventSpec> = catalog.events(Some(key)).collect();
    let not_ping = |e: &&&EventSpec| !e.name.eq_ignore_ascii_case("ping");
    events
        .iter()
        .filter(not_ping)
        .find(|e| e.named_by_provider)
        .or_else(|| events.iter().find(not_ping))
        .or_else(|| events.first())
        .map(|e| (*e).clone())
        .ok_or_else(|| owner.no_catalog(catalog, fixtures_dir))
}

fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(extra: &[&str]) -> CheckArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            args: CheckArgs,
        }
        let mut argv = vec!["check", "http://127.0.0.1:1/"];
        argv.extend_from_slice(extra);
        Wrap::parse_from(argv).args
    }

    #[test]
    fn selection_runs_all_but_retries_and_honours_only_and_skip() {
        let all = select(&args(&[])).unwrap();
        assert_eq!(all.len(), CheckName::ALL.len() - 1);
        assert!(!all.contains(&CheckName::Retries));
        assert!(select(&args(&["--simulate-retries"])).unwrap().contains(&CheckName::Retries));
        let only = select(&args(&["--only", "tls,valid"])).unwrap();
        assert_eq!(only, [CheckName::Valid, CheckName::Tls], "in the engine's order");
        let skipped = select(&args(&["--skip", "burst", "--skip", "tls"])).unwrap();
        assert!(!skipped.contains(&CheckName::Burst) && !skipped.contains(&CheckName::Tls));
        assert!(select(&args(&["--only", "valid", "--skip", "valid"])).is_err());
        let err = select(&args(&["--only", "bursts"])).unwrap_err();
        assert!(err.to_string().contains("unknown check \"bursts\""), "{err}");
    }

    #[test]
    fn the_default_event_is_a_named_one_and_never_the_ping() {
        let catalog = Catalog::builtin();
        let pick = |p: &str| pick_event(&catalog, &CatalogOwner::new(p, None), None, None).unwrap().name;
        assert_eq!(pick("github"), "push");
        assert_eq!(pick("nexadesk"), "conversation.created");
        assert_eq!(pick("slack"), "app_mention");
        assert_eq!(pick("standard"), "user.created");
        let owner = CatalogOwner::new("nexadesk", None);
        assert!(pick_event(&catalog, &owner, Some("no-such-event"), None).is_err());
    }
}
