//! `hooktap send`: realistic signed test events, once or under load.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};

use crate::catalog::{self, Catalog, EventSpec, UserDirProblem};
use crate::cli::{GlobalArgs, ProviderArgs};

mod fixtures;

use crate::config::{self, Config};
use crate::error::{Exit, usage, usage_hint};
use crate::exchange::Failure;
use crate::net;
use crate::provider::SignatureState;
use crate::send::input::{self, BodyArgs, CatalogOwner};
use crate::send::load::{self, LoadSpec};
use crate::send::record::{self, Recorder, RunInfo};
use crate::send::stats::Summary;
use crate::send::{self, BuildError, Edit, EditError, Prepared, RequestPlan, curl, report, request, verbose};
use crate::store::StoreError;
use crate::util;
use fixtures::list;
pub(crate) use fixtures::{load_catalog, warn_about};

/// Arguments of `hooktap send`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap send --list --provider nexudus
  hooktap send 'Coworker Update' --provider nexudus \\
      --secret-env NEXUDUS_SECRET --to http://localhost:3000/hook
  hooktap send lead.created --profile desk --set data.pipeline_stage='\"won\"' \\
      --to http://localhost:3000/hook
  hooktap send push --provider github --secret s3cr3t \\
      --to http://localhost:3000/gh --count 1000 --concurrency 32")]
pub struct SendArgs {
    /// Event from the catalog (lenient: `Coworker Update` = `coworker-update`)
    #[arg(value_name = "EVENT")]
    pub event: Option<String>,
    /// Provider, profile and secret
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Where to POST the event
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// List the event catalog instead of sending
    #[arg(long)]
    pub list: bool,
    /// Send your own body: `@file`, `-` for stdin, or the text itself (as curl takes it)
    #[arg(long, value_name = "@FILE|-|TEXT")]
    pub data: Option<String>,
    /// Edit the JSON payload: `a.b=value` (numbers, true/false, null, '"str"'; repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Extra request header, `Name: value` (repeatable)
    #[arg(short = 'H', long = "header", value_name = "K: V")]
    pub headers: Vec<String>,
    /// Send the provider's test ping (e.g. NexaDesk's setup check)
    #[arg(long)]
    pub ping: bool,
    /// Request timeout (default: the provider's documented timeout)
    #[arg(long, value_name = "DURATION", value_parser = super::parse_positive_duration)]
    pub timeout: Option<Duration>,
    /// Accept any TLS certificate, e.g. a self-signed one (`listen --tls self-signed`)
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Print the exact request as a curl command (with --json, one JSON object) instead of sending it
    #[arg(long)]
    pub dry_run: bool,
    /// Show secrets in --dry-run output
    #[arg(long, requires = "dry_run")]
    pub show_secrets: bool,
    /// How many requests to send (default 1; no limit with --duration)
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// How many requests in flight at once
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub concurrency: usize,
    /// Cap the rate (requests per second, e.g. 200, 200/s or 600/m)
    #[arg(long, value_name = "R/s", value_parser = input::parse_rate)]
    pub rate: Option<f64>,
    /// Keep sending for this long (instead of stopping at --count)
    #[arg(long, value_name = "DURATION", value_parser = crate::util::parse_duration)]
    pub duration: Option<Duration>,
    /// Do not record sent deliveries in the database
    #[arg(long)]
    pub no_record: bool,
}

/// Runs `hooktap send`.
pub fn run(args: SendArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let config = config::load(&global.paths())?;
    let (catalog, problems) = load_catalog(&config);
    if args.list {
        return list(&args, global, &config, &catalog, &problems);
    }
    check_numbers(&args)?;
    let signer = config
        .signer(&args.provider.request())?
        .ok_or_else(|| usage_hint("no provider to sign for", "pass --provider P (e.g. nexadesk) or --profile NAME"))?;
    let info = signer.provider.info().clone();
    // A broken catalog of this provider is the error its event lookup gives, so it is no warning.
    let owner = CatalogOwner::new(&info.name, signer.profile.as_deref());
    warn_about(&problems, Some(owner.key()), true);
    // The event first: a misspelt name gets its suggestions even before a secret is set up.
    let (body, event, content_type) = input::resolve_body(
        BodyArgs { event: args.event.as_deref(), data: args.data.as_deref(), ping: args.ping },
        &signer,
        &catalog,
        config.get_str("fixtures_dir"),
    )?;
    let secret = signer.require_secret()?.clone();
    let edits =
        args.set.iter().map(|s| Edit::parse(s)).collect::<Result<Vec<_>, _>>().map_err(|e| usage(e.to_string()))?;
    let extra = util::parse_header_args(&args.headers)?;
    refuse_framing(&extra, "drop that -H; change the body with --data or --set")?;
    let signature = if extra.contains_key(info.signature_header.as_str()) {
        SignatureState::Unchecked
    } else {
        SignatureState::Valid
    };
    // Before the plan: credentials in the URL become its Authorization.
    let target = match args.to.as_deref() {
        Some(url) => Some(input::parse_url(url)?),
        None => default_target(&config)?,
    };
    let plan = RequestPlan {
        provider: signer.provider.clone(),
        secret,
        event: event.clone(),
        body,
        edits,
        content_type: content_type.clone(),
        auth: target.as_ref().and_then(|t| t.basic.clone()).or_else(|| signer.auth.clone()),
        extra,
    };
    // Build one up front: a broken template, an edit that cannot apply or an
    // unusable secret is an input error, reported before anything is sent.
    let first = plan.build().map_err(|e| match e {
        BuildError::Edit(e @ EditError::NotJson(_))
            if matches!(&plan.body, send::BodySource::Fixed(b) if form_like(&plan.content_type, b)) =>
        {
            usage_hint(
                e.to_string(),
                format!("the body looks form-encoded: add -H 'Content-Type: {FORM}', and --set edits it as a form"),
            )
        }
        BuildError::Edit(e @ (EditError::NotJson(_) | EditError::Unsupported(_))) => usage_hint(
            e.to_string(),
            "print the body with --dry-run, edit a copy of it, and send that with --data @file",
        ),
        BuildError::Edit(e) => usage_hint(
            e.to_string(),
            "--set edits JSON bodies; check the path against the payload (--dry-run shows it)",
        ),
        other => usage(other.to_string()),
    })?;
    // The edit is applied as given, but a key set beside where the payload has it is the
    // usual slip, and the receiver would see the old value and ignore the new one.
    let within = event.as_deref().unwrap_or("the body");
    for new in plan.new_paths().unwrap_or_default() {
        match &new.suggestion {
            Some(s) => tracing::warn!("{} is not in {within}; did you mean {s}? setting it as given", new.path),
            None => tracing::warn!("{} is not in {within}; adding it", new.path),
        }
    }
    if let Some(file) = args.data.as_deref().filter(|d| *d != "-" && !d.starts_with('@') && Path::new(d).is_file()) {
        // curl's rule: without `@` the value is the body itself, which is rarely what a file name meant.
        tracing::warn!("--data {file} sends the text {file:?}, not the file; to send the file, write --data @{file}");
    } else if first.body.is_empty() {
        let why = match args.data.as_deref() {
            Some("-") => " (--data - read nothing from stdin)",
            Some(d) if d.starts_with('@') => " (the --data file is empty)",
            _ => "",
        };
        tracing::warn!("the body is empty{why}; sending it as given");
    } else if let Some(problem) = request::content_problem(plan.content_type(), &first.body) {
        let label = if plan.extra.contains_key(http::header::CONTENT_TYPE) {
            "-H gave".to_string()
        } else {
            format!("{} expects", info.name)
        };
        tracing::warn!("{problem}; {}", content_advice(&label, plan.content_type(), &first.body));
    } else if let (Some(_), Some(named), false) = (&args.data, &event, args.event.is_none() && !args.ping)
        && let Some(note) = input::body_event_mismatch(signer.provider.as_ref(), named, &first.body)
    {
        tracing::warn!("{note}; sending it as given");
    }
    if args.dry_run {
        let url = target.as_ref().map_or("<URL>", |t| t.url.as_str());
        let redacted = if global.json {
            let (request, redacted) = curl::json(url, &first, args.show_secrets);
            println!("{request}");
            redacted
        } else {
            let curl = curl::render(url, &first, args.show_secrets, args.insecure);
            print!("{}", curl.command);
            curl.redacted
        };
        if redacted {
            eprintln!("note: credentials are shown as {}; add --show-secrets to include them", curl::REDACTED);
        }
        return Ok(Exit::Success);
    }
    let Some(input::Target { url, uri, .. }) = target else {
        return Err(usage_hint(
            format!(
                "--to URL is required to send: no send.to setting, and no relay is running on {}",
                config.db_path()?.display()
            ),
            "e.g. --to http://localhost:3000/webhooks; or start `hooktap listen` (send then posts to it), \
             or --dry-run to print the request as curl",
        ));
    };
    let timeout = match args.timeout {
        Some(t) => t,
        None => match config.get_str("send.timeout") {
            Some(text) => util::parse_duration(text).map_err(|e| usage(format!("setting send.timeout: {e}")))?,
            None => info.timeout,
        },
    };
    let db = if args.no_record { None } else { Some(config.db_path()?) };
    let host = uri.authority().and_then(|a| http::HeaderValue::from_str(a.as_str()).ok());
    let run = Arc::new(RunInfo {
        url,
        uri,
        host,
        provider: info.name.clone(),
        profile: signer.profile.clone(),
        event,
        signature,
    });
    // --count or --duration asks for a load run, and its summary, even for one request:
    // a script's --count N gets one output shape for every N.
    let spec = (args.count.is_some() || args.duration.is_some()).then_some(LoadSpec {
        count: args.count,
        concurrency: args.concurrency,
        rate: args.rate,
        duration: args.duration,
        timeout,
    });
    verbose::run_start(&run, &plan, &first, timeout, spec.as_ref());
    match &db {
        Some(path) => tracing::debug!("recording to {}", path.display()),
        None => tracing::debug!("not recording (--no-record)"),
    }
    if args.insecure {
        tracing::debug!("--insecure: any certificate is accepted; the TLS handshake is still checked");
    }
    if spec.is_none() && tracing::enabled!(tracing::Level::TRACE) {
        verbose::request_headers(&first, &info.signature_header);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async move {
        let recorder = db.as_deref().map(Recorder::open).transpose().map_err(StoreError::into_user_error)?;
        let trust = if args.insecure { net::Trust::AnyCertificate } else { net::Trust::WebRoots };
        let client = net::client_with(args.concurrency, trust);
        let shutdown = crate::signal::Shutdown::on_signals();
        match spec {
            Some(spec) => load(global, spec, Arc::new(plan), run, client, recorder, shutdown).await,
            None => once(global, first, &run, client, recorder, shutdown, timeout).await,
        }
    })
}

/// Where `send` posts without `--to`: the `send.to` setting, else the relay running on
/// this database (its lock says where it listens), else nowhere.
fn default_target(config: &Config) -> anyhow::Result<Option<input::Target>> {
    if let Some(url) = config.get_str("send.to") {
        return input::parse_url_named(url, "setting send.to").map(Some);
    }
    let Some(url) = crate::store::running_relay(&config.db_path()?).and_then(|relay| relay.url) else {
        return Ok(None);
    };
    // A relay on every interface is reached here on loopback.
    let url = url.replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://[::1]:");
    tracing::info!("no --to: sending to the relay running on this database at {url}");
    input::parse_url_named(&format!("{url}/"), "the running relay's URL").map(Some)
}

/// Sends one request and prints its result.
async fn once(
    global: &GlobalArgs,
    prepared: Prepared,
    run: &RunInfo,
    client: net::HttpClient,
    recorder: Option<Recorder>,
    shutdown: crate::signal::Shutdown,
    timeout: Duration,
) -> anyhow::Result<Exit> {
    // Ctrl-C ends the wait, not the record: the request may have arrived.
    let outcome = send::deliver(&client, &run.uri, &prepared, timeout, &shutdown).await;
    verbose::outcome(&outcome, prepared.provider_id.as_deref());
    let mut delivery_id = None;
    if let Some(recorder) = recorder {
        let sent = record::sent_delivery(run, prepared.clone(), outcome.clone());
        let id = sent.delivery.id.clone();
        recorder.sink().record(sent).await;
        if recorder.finish().await.stored == 1 {
            delivery_id = Some(id);
        }
    }
    let sent = report::Sent {
        url: &run.url,
        provider: &run.provider,
        event: prepared.event.as_deref(),
        delivery_id: delivery_id.as_deref(),
        provider_delivery_id: prepared.provider_id.as_deref(),
    };
    let mut stdout = std::io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", report::json(&sent, &outcome))?;
    } else if !global.quiet || !outcome.is_ok() {
        write!(stdout, "{}", report::human(&sent, &outcome))?;
    }
    Ok(match outcome.result {
        Err(Failure::Interrupted) => Exit::Interrupted,
        _ if outcome.is_ok() => Exit::Success,
        _ => Exit::Negative,
    })
}

/// What to make of a body that does not fit its content type (`label` says whose
/// it is): a form body labelled otherwise (a captured Slack slash command) is told
/// how to send it as a form.
fn content_advice(label: &str, content_type: &str, body: &[u8]) -> String {
    if form_like(content_type, body) {
        format!("it looks form-encoded: to send it as a form, add -H 'Content-Type: {FORM}'; sending it as given")
    } else {
        format!("{label} {content_type}; sending it as given")
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Whether `body` reads as a form while it is labelled as something else.
fn form_like(content_type: &str, body: &[u8]) -> bool {
    body.contains(&b'=') && request::content_problem(FORM, body).is_none() && !content_type.starts_with(FORM)
}

/// Headers that frame the body on the wire; `-H` may not set them.
pub(crate) const FRAMING: [&str; 2] = ["content-length", "transfer-encoding"];

/// Refuses `-H` headers that frame the body (`send` and `replay`): hooktap frames it
/// itself, and another value would send a malformed request. `hint` says what to do instead.
pub(crate) fn refuse_framing(extra: &http::HeaderMap, hint: &str) -> anyhow::Result<()> {
    match FRAMING.iter().find(|name| extra.contains_key(**name)) {
        Some(name) => Err(usage_hint(
            format!(
                "-H {name} cannot be set: hooktap frames the body itself, and a different value would send a malformed request"
            ),
            hint,
        )),
        None => Ok(()),
    }
}

/// Sends under load and prints the summary.
async fn load(
    global: &GlobalArgs,
    spec: LoadSpec,
    plan: Arc<RequestPlan>,
    run: Arc<RunInfo>,
    client: net::HttpClient,
    recorder: Option<Recorder>,
    shutdown: crate::signal::Shutdown,
) -> anyhow::Result<Exit> {
    let progress = (std::io::stderr().is_terminal() && !global.quiet).then(|| progress_bar(spec.count));
    let url = run.url.clone();
    let shared = load::Shared {
        client,
        uri: run.uri.clone(),
        plan,
        run,
        sink: recorder.as_ref().map(Recorder::sink),
        progress: progress.clone(),
    };
    let result = load::run(&spec, shared, shutdown).await;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let mut summary = Summary::new(result.tally, result.elapsed);
    summary.interrupted = result.interrupted;
    if let Some(recorder) = recorder {
        let recorded = recorder.finish().await;
        summary.recorded = Some(recorded.stored);
        summary.not_recorded = recorded.failed;
    }
    if let Some(note) = spec.rate.and_then(|asked| summary.concurrency_shortfall(asked, spec.concurrency)) {
        tracing::warn!("{note}");
    }
    let mut stdout = std::io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", summary.to_json())?;
    } else if !global.quiet || summary.failed() > 0 {
        write!(stdout, "{}", summary.to_human(&url))?;
    }
    Ok(if summary.interrupted {
        Exit::Interrupted
    } else if summary.failed() > 0 {
        Exit::Negative
    } else {
        Exit::Success
    })
}

/// The load bar `send` and `replay` draw on a terminal: a bar with a known count, else a spinner.
pub(crate) fn progress_bar(count: Option<u64>) -> ProgressBar {
    let (bar, template) = match count {
        Some(n) => (ProgressBar::new(n), "{bar:30} {pos}/{len}  {rate}  {elapsed}"),
        None => (ProgressBar::no_length(), "{spinner} {pos} sent  {rate}  {elapsed}"),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        // Whole requests per second: indicatif's {per_sec} shows four decimals.
        let rate = |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", state.per_sec());
        };
        bar.set_style(style.with_key("rate", rate));
    }
    bar
}

fn check_numbers(args: &SendArgs) -> anyhow::Result<()> {
    if args.count == Some(0) {
        return Err(usage_hint("--count must be at least 1", "use --duration to send for a while instead"));
    }
    if args.concurrency == 0 {
        return Err(usage_hint(
            "--concurrency must be at least 1",
            "e.g. --concurrency 8 for 8 requests in flight at once",
        ));
    }
    if args.duration == Some(Duration::ZERO) {
        return Err(usage_hint("--duration must be longer than zero", "e.g. --duration 30s"));
    }
    if args.dry_run && (args.count.is_some_and(|n| n > 1) || args.duration.is_some() || args.rate.is_some()) {
        return Err(usage_hint(
            "--dry-run prints one request; --count, --duration and --rate do not apply",
            "drop --dry-run to send, or the load options to print the request",
        ));
    }
    if args.count.is_none() && args.duration.is_none() && (args.rate.is_some() || args.concurrency != 1) {
        let flag = if args.rate.is_some() { "--rate" } else { "--concurrency" };
        return Err(usage_hint(
            format!("{flag} shapes a load run, and without --count or --duration this sends one request"),
            "add --count N or --duration D (e.g. --duration 30s --rate 200/s)",
        ));
    }
    if args.ping && args.event.is_some() {
        return Err(usage_hint("--ping and EVENT both name what to send", "drop one of them"));
    }
    Ok(())
}
