//! `hooktap replay`: re-deliver recorded deliveries; the flags become a selection, a
//! plan and run options for the engine in `replay/`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::cli::{FilterArgs, GlobalArgs};
use crate::config::{self, SignerRequest};
use crate::error::{Exit, usage, usage_hint};
use crate::net::Trust;
use crate::replay::{self, BodyChange, Options, Output, Plan, Selection, Signing, editor, report};
use crate::send::Edit;
use crate::store::{Store, StoreError};

/// Above this many deliveries, a replay asks first (`--yes` does not).
const CONFIRM_ABOVE: u64 = 100;

/// Lets `--edit` run without a terminal, for tests that script `EDITOR`. Internal.
const EDIT_WITHOUT_TTY: &str = "HOOKTAP_TEST_EDIT_WITHOUT_TTY";

/// Arguments of `hooktap replay`.
#[derive(Debug, Args)]
#[command(
    long_about = "Re-deliver recorded deliveries: as recorded (the original bytes and signature), \
re-signed with a fresh timestamp (--resign), or edited and re-signed (--set, --edit). Each replay \
is recorded with source `replay`, linked to its original; the original stays as it was.

Select with delivery ids (or unique prefixes) and the filters below; selecting nothing is an error, \
never a replay of everything. Each delivery goes to --to, or where it went before.

A target that is down fails each replay at once with the connection error: replay does not queue \
or retry (that is what `hooktap listen` does).",
    after_help = "Examples:
  hooktap replay 01JD3K9Z4X --to http://localhost:3000/hook
  hooktap replay --last 10 --status failed --resign
  hooktap replay 01JD3K9Z4X --set data.pipeline_stage=won
  hooktap replay --since 1h --event push --concurrency 8 --yes
  hooktap replay 01JD3K9Z4X --dry-run

Exit codes: 0 every replay got a 2xx, 1 one did not (or failed, or was
skipped), 2 usage or selection error, 130 interrupted."
)]
pub struct ReplayArgs {
    /// Delivery ids (or unique prefixes)
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Where to send: a URL with a path is the exact destination; one without gets the original path
    /// [default: where each delivery went before]
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// A fresh timestamp (and delivery id, where the provider has one) and signature
    #[arg(long, conflicts_with = "no_resign")]
    pub resign: bool,
    /// Keep the recorded signature even with --set or --edit (to test that the receiver rejects it)
    #[arg(long)]
    pub no_resign: bool,
    /// Edit the JSON or form body, then re-sign: `a.b=value` (as `send --set`; repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Open $VISUAL or $EDITOR on the body of one delivery, then re-sign
    #[arg(long, conflicts_with = "set")]
    pub edit: bool,
    /// Add or replace a request header, `Name: value` (repeatable)
    #[arg(short = 'H', long = "header", value_name = "K: V")]
    pub headers: Vec<String>,
    /// Each replay's timeout [default: the provider's documented timeout, else 10s]
    #[arg(long, value_name = "DURATION", value_parser = super::parse_positive_duration)]
    pub timeout: Option<Duration>,
    /// Accept any TLS certificate, e.g. a self-signed one
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// How many replays in flight at once
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub concurrency: usize,
    /// Cap the rate (replays per second, e.g. 50, 50/s or 600/m)
    #[arg(long, value_name = "R/s", value_parser = crate::send::input::parse_rate)]
    pub rate: Option<f64>,
    /// Print each request as a curl command (with --json, as JSON) instead of sending it; records nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Show credentials in --dry-run output
    #[arg(long, requires = "dry_run")]
    pub show_secrets: bool,
    /// Replay more than 100 deliveries without asking
    #[arg(short = 'y', long)]
    pub yes: bool,
    // Last: a flattened group's heading goes on to every argument after it.
    /// Which deliveries
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Who re-signs
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// The profile and secret `--resign` signs with. `--provider` is a filter here: each
/// delivery is re-signed for its own provider.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Re-signing")]
pub struct SigningArgs {
    /// Re-sign every delivery with this profile [default: the profile each delivery was verified or sent with]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Read the secret from this environment variable
    #[arg(long, value_name = "VAR", conflicts_with_all = ["secret", "secret_file"])]
    pub secret_env: Option<String>,
    /// Read the secret from this file (trailing newline ignored)
    #[arg(long, value_name = "FILE", conflicts_with = "secret")]
    pub secret_file: Option<PathBuf>,
    /// The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]
    #[arg(long, value_name = "S")]
    pub secret: Option<String>,
}

impl SigningArgs {
    fn request(&self) -> SignerRequest {
        SignerRequest {
            profile: self.profile.clone(),
            provider: None,
            secret_env: self.secret_env.clone(),
            secret_file: self.secret_file.clone(),
            secret: self.secret.clone(),
            env_secret: std::env::var("HOOKTAP_SECRET").ok().filter(|s| !s.is_empty()),
        }
    }
}

/// Runs `hooktap replay`.
pub fn run(args: ReplayArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    if args.concurrency == 0 {
        return Err(usage_hint("--concurrency must be at least 1", "e.g. --concurrency 8"));
    }
    let config = config::load(&global.paths())?;
    let filter = args.filter.filter(&args.ids)?;
    let edits =
        args.set.iter().map(|s| Edit::parse(s)).collect::<Result<Vec<_>, _>>().map_err(|e| usage(e.to_string()))?;
    let headers = crate::util::parse_header_args(&args.headers)?;
    super::send::refuse_framing(&headers, "drop that -H; change the body with --set or --edit")?;
    let to = args.to.as_deref().map(crate::send::input::parse_url).transpose()?;
    let edited = !edits.is_empty() || args.edit;
    if edited && args.no_resign {
        tracing::warn!("--no-resign: the body changes but the recorded signature stays, so it will not match");
    }
    let db = config.db_path()?;
    let store = Store::open(&db).map_err(StoreError::into_user_error)?;
    let selection = Selection::resolve(&store, filter)?;
    let count = selection.count();
    if count == 0 {
        eprintln!("no recorded delivery matches; nothing to replay");
        return Ok(Exit::Success);
    }
    let body = if args.edit {
        BodyChange::Replace(edit_one(&store, &selection, count)?)
    } else if edits.is_empty() {
        BodyChange::Keep
    } else {
        BodyChange::Edits(edits)
    };
    if count > CONFIRM_ABOVE && !args.yes && !args.dry_run {
        confirm(count)?;
    }
    if let Some(relay) = crate::store::running_relay(&db) {
        tracing::debug!(
            "a relay (pid {}) runs on this database; replays are recorded beside its deliveries",
            relay.pid
        );
    }
    let routes = replay::target::Routes::of(&config);
    let signing = Arc::new(Signing::new(config, args.signing.request()));
    let resign = (args.resign || edited) && !args.no_resign;
    let plan = Arc::new(Plan { to, resign, body, headers, signing, routes });
    let options = Options {
        concurrency: args.concurrency,
        rate: args.rate,
        timeout: args.timeout,
        trust: if args.insecure { Trust::AnyCertificate } else { Trust::WebRoots },
        dry_run: args.dry_run,
    };
    let progress = (std::io::stderr().is_terminal() && !global.quiet && !args.dry_run && count > 1)
        .then(|| super::send::progress_bar(Some(count)));
    let output = Output {
        json: global.json,
        quiet: global.quiet,
        show_secrets: args.show_secrets,
        insecure: args.insecure,
        progress: progress.clone(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    let outcome = runtime.block_on(async move {
        let shutdown = crate::signal::Shutdown::on_signals();
        replay::run(&db, store, selection, plan, options, output, shutdown).await
    })?;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    finish(&outcome, global, args.dry_run)
}

/// Prints the summary and decides the exit code.
fn finish(outcome: &replay::Outcome, global: &GlobalArgs, dry_run: bool) -> anyhow::Result<Exit> {
    let printed = &outcome.printed;
    if let Some(e) = &printed.error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(Exit::Success);
        }
        tracing::warn!("could not print every result: {e}");
    }
    if let Some(e) = &outcome.read_error {
        tracing::error!("could not read every selected delivery: {e}");
    }
    let summary = &outcome.summary;
    let nothing_done = summary.tally.sent == 0 && printed.planned == 0;
    if nothing_done
        && !summary.interrupted
        && outcome.read_error.is_none()
        && let Some((id, skip)) = &printed.first_skip
    {
        let message = match printed.skipped {
            1 => format!("cannot replay {id}: {}", skip.reason),
            n => format!("none of the {n} selected deliveries can be replayed; the first, {id}: {}", skip.reason),
        };
        return Err(match &skip.hint {
            Some(hint) => usage_hint(message, hint.clone()),
            None => usage(message),
        });
    }
    if dry_run {
        if printed.redacted {
            eprintln!(
                "note: credentials are shown as {}; add --show-secrets to include them",
                crate::send::curl::REDACTED
            );
        }
    } else {
        let mut stdout = std::io::stdout().lock();
        if global.json {
            writeln!(stdout, "{}", report::summary_json(summary, printed.skipped))?;
        } else if !global.quiet || summary.failed() > 0 || printed.skipped > 0 {
            let url = printed.first_url.as_deref().unwrap_or_default();
            write!(stdout, "{}", report::summary_human(summary, printed.skipped, url))?;
        }
    }
    Ok(if summary.interrupted {
        Exit::Interrupted
    } else if summary.failed() > 0 || printed.skipped > 0 || outcome.read_error.is_some() {
        Exit::Negative
    } else {
        Exit::Success
    })
}

/// `--edit`: the editor on the one selected delivery's body.
fn edit_one(store: &Store, selection: &Selection, count: u64) -> anyhow::Result<bytes::Bytes> {
    if count > 1 {
        return Err(usage_hint(
            format!("--edit opens one delivery's body, and {count} are selected"),
            "name one id, or add --last 1; use --set to edit many alike",
        ));
    }
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !terminal && std::env::var_os(EDIT_WITHOUT_TTY).is_none() {
        return Err(usage_hint(
            "--edit needs a terminal to run the editor on",
            "use --set path=value to edit without one",
        ));
    }
    let d = selection.first(store)?.context("the selected delivery is gone")?;
    let content_type = d.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    editor::edit(&editor::command(), &d.body, content_type)
}

/// Asks on the terminal before replaying `count` deliveries; without one, refuses.
fn confirm(count: u64) -> anyhow::Result<()> {
    let hint = "add --yes to replay them without asking (or narrow the selection; --dry-run shows it)";
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(usage_hint(
            format!("this would replay {count} deliveries, and there is no terminal to confirm on"),
            hint,
        ));
    }
    eprint!("Replay {count} deliveries? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).context("reading the answer")?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(usage_hint("not confirmed; nothing was replayed", hint))
    }
}
