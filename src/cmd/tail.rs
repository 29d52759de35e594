//! `hooktap tail`: the delivery log, live — the viewer on a terminal, records on a pipe.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;

use crate::cli::{FilterArgs, GlobalArgs};
use crate::error::{Exit, usage_hint};
use crate::tail::Format;

/// Arguments of `hooktap tail`.
#[derive(Debug, Args)]
#[command(after_help = "On a terminal, tail opens the viewer (press ? in it for every key). Otherwise, or
with --format, it prints one record per line and follows new deliveries until
Ctrl-C (exit 130); --no-follow prints what matches and exits.

Examples:
  hooktap tail                                   # the live viewer
  hooktap tail --provider nexadesk --status 5xx  # the viewer, filtered
  hooktap tail --format csv --no-follow --since 1d > deliveries.csv
  hooktap tail --format json --provider nexadesk | jq .event
  hooktap tail --format har --last 50 > last50.har

NDJSON fields and CSV columns: docs/tail.md.")]
pub struct TailArgs {
    /// Delivery ids (or unique prefixes)
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Which deliveries
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print records in this form instead of opening the viewer [default: line, or json with --json]
    #[arg(long, value_enum, value_name = "FMT")]
    pub format: Option<Format>,
    /// Print what matches and exit instead of following
    #[arg(long)]
    pub no_follow: bool,
}

/// Runs `hooktap tail`.
pub fn run(args: TailArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let config = crate::config::load(&global.paths())?;
    let db = config.db_path()?;
    let filter = args.filter.filter(&args.ids)?;
    let no_color = std::env::var_os("NO_COLOR").is_some();
    let terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if args.format.is_none() && !global.json && !args.no_follow && terminal {
        if !db.exists() {
            return Err(no_database(&db));
        }
        let store = crate::store::Store::open(&db).map_err(crate::store::StoreError::into_user_error)?;
        let options = crate::tui::Options {
            filter,
            color: crate::logging::decide_color(global.color, no_color, true),
            config,
            trace: std::env::var_os("HOOKTAP_TAIL_TRACE").map(Into::into),
        };
        return crate::tui::run(store, options);
    }
    let format = args.format.unwrap_or(if global.json { Format::Json } else { Format::Line });
    let follow = !args.no_follow && format != Format::Har;
    if !follow && !db.exists() {
        return Err(no_database(&db));
    }
    let options = crate::tail::Options {
        filter,
        format,
        follow,
        color: crate::logging::decide_color(global.color, no_color, std::io::stdout().is_terminal()),
        poll: Duration::from_millis(200),
        reader_gone: crate::tail::stdout_reader_gone,
    };
    let stop = crate::tail::stop_signals()?;
    if !db.exists() {
        // Following a database nobody has made yet: wait for the relay to make it rather
        // than make an empty one where a mistyped --db points.
        eprintln!(
            "hooktap: no database at {} yet; waiting for `hooktap listen` to create it (check --db if that is not the path you meant)",
            db.display()
        );
        if let Some(exit) = crate::tail::await_database(&db, &options, &stop) {
            return exit;
        }
    }
    let store = crate::store::Store::open(&db).map_err(crate::store::StoreError::into_user_error)?;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    crate::tail::print(&store, &options, &mut out, &stop)
}

/// The usage error for a database that is not there.
fn no_database(db: &std::path::Path) -> anyhow::Error {
    usage_hint(
        format!("no database at {}: nothing has been recorded yet", db.display()),
        "record deliveries with `hooktap listen`, or pass --db PATH",
    )
}
