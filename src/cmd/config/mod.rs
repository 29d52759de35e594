//! `hooktap config`: profiles, routes and settings.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::json;

use crate::cli::GlobalArgs;
use crate::config::edit::{Editable, TEMPLATE, write_private};
use crate::config::settings::Kind;
use crate::config::{self, Config, Origin, Profile, Setting, Value};
use crate::error::{Exit, usage, usage_hint};

mod profile;

pub use profile::{ProfileAction, ProfileAdd};

/// Arguments of `hooktap config`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap config init
  hooktap config profile add desk --provider nexadesk \\
      --secret-env NEXADESK_WEBHOOK_SECRET
  hooktap config set listen.port 8080
  hooktap config get listen.port
  hooktap config list
  hooktap config validate")]
pub struct ConfigArgs {
    /// What to do with the configuration.
    #[command(subcommand)]
    pub action: Action,
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum Action {
    /// Write a commented config file to start from
    Init {
        /// Write ./hooktap.toml instead of the user config
        #[arg(long)]
        project: bool,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Show where the config files and the database are
    Path,
    /// Show every setting with its value and where it came from
    List,
    /// Print one setting's value
    Get {
        /// Dotted key, e.g. listen.port or profiles.desk.secret_env
        key: String,
    },
    /// Set a value in the config file
    Set {
        /// Dotted key, e.g. listen.port or profiles.desk.secret_env
        key: String,
        /// The value
        value: String,
        /// Write ./hooktap.toml instead of the user config
        #[arg(long)]
        project: bool,
    },
    /// Remove a value from the config file
    Unset {
        /// Dotted key
        key: String,
        /// Edit ./hooktap.toml instead of the user config
        #[arg(long)]
        project: bool,
    },
    /// Check every layer, profile and route; exit 2 on problems
    Validate,
    /// Manage profiles (provider + secret)
    #[command(subcommand)]
    Profile(ProfileAction),
}

/// Runs `hooktap config`.
pub fn run(args: ConfigArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    match args.action {
        Action::Init { project, force } => init(global, project, force),
        Action::Path => path(global),
        Action::List => list(global),
        Action::Get { key } => get(global, &key),
        Action::Set { key, value, project } => set(global, &key, &value, project),
        Action::Unset { key, project } => unset(global, &key, project),
        Action::Validate => validate(global),
        Action::Profile(action) => profile::run(action, global),
    }
}

fn target(global: &GlobalArgs, project: bool) -> anyhow::Result<PathBuf> {
    if project {
        if global.config.is_some() {
            return Err(usage("--project and --config name different files; use one"));
        }
        return Ok(config::project_path());
    }
    config::write_path(&global.paths())
}

fn init(global: &GlobalArgs, project: bool, force: bool) -> anyhow::Result<Exit> {
    let path = target(global, project)?;
    if path.exists() && !force {
        return Err(usage_hint(
            format!("{} already exists", path.display()),
            "edit it, or pass --force to replace it with the template",
        ));
    }
    write_private(&path, TEMPLATE.as_bytes())?;
    if !global.quiet {
        eprintln!("wrote {}", path.display());
    }
    Ok(Exit::Success)
}

fn path(global: &GlobalArgs) -> anyhow::Result<Exit> {
    let cfg = config::load(&global.paths())?;
    let files = config::layer_paths(&global.paths());
    let db = cfg.db_path()?;
    let dev_secrets = config::dev_secret::dir();
    if global.json {
        let files: Vec<_> =
            files.iter().map(|p| json!({"path": p.display().to_string(), "exists": p.exists()})).collect();
        let dev = dev_secrets.as_ref().map(|d| d.display().to_string());
        println!("{}", json!({"config": files, "db": db.display().to_string(), "dev_secrets": dev}));
    } else {
        for p in &files {
            println!("config  {}{}", p.display(), if p.exists() { "" } else { "  (not present)" });
        }
        println!("db      {}", db.display());
        if let Some(dir) = &dev_secrets {
            println!("dev-secrets {}  (made for --provider P with no secret; a configured secret wins)", dir.display());
        }
    }
    Ok(Exit::Success)
}

fn shown(setting: &Setting, value: &Value) -> String {
    if setting.is_secret() { "(redacted)".into() } else { value.to_string() }
}

/// [`shown`] for `--json`: numbers and booleans keep their JSON type.
fn shown_json(setting: &Setting, value: &Value) -> serde_json::Value {
    match value {
        _ if setting.is_secret() => "(redacted)".into(),
        Value::Int(n) => (*n).into(),
        Value::Bool(b) => (*b).into(),
        Value::Str(s) => s.as_str().into(),
    }
}

fn list(global: &GlobalArgs) -> anyhow::Result<Exit> {
    let cfg = config::load(&global.paths())?;
    if global.json {
        let settings: serde_json::Map<String, serde_json::Value> = config::SETTINGS
            .iter()
            .map(|s| {
                let entry = match cfg.settings.get(s.key) {
                    Some((v, origin)) => json!({"value": shown_json(s, v), "origin": origin.to_string()}),
                    None => json!({"value": null, "origin": null}),
                };
                (s.key.to_string(), entry)
            })
            .collect();
        let profiles: Vec<_> = cfg.profiles.keys().collect();
        println!("{}", json!({"settings": settings, "profiles": profiles, "routes": cfg.routes.len()}));
        return Ok(Exit::Success);
    }
    for s in config::SETTINGS {
        match cfg.settings.get(s.key) {
            Some((v, origin)) => println!("{:<26} {:<18} # {origin}", s.key, shown(s, v)),
            None => println!("{:<26} {:<18} # {}", s.key, "-", s.doc),
        }
    }
    println!("profiles: {}", if cfg.profiles.is_empty() { "none".into() } else { join_keys(&cfg) });
    println!("routes:   {}", cfg.routes.len());
    Ok(Exit::Success)
}

fn join_keys(cfg: &Config) -> String {
    cfg.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
}

fn find_setting(key: &str) -> anyhow::Result<&'static Setting> {
    Setting::find(key).ok_or_else(|| {
        let near = config::settings::closest(key);
        let hint = if near.is_empty() {
            "`hooktap config list` shows every key; profile fields are profiles.NAME.FIELD".to_string()
        } else {
            format!("did you mean: {}? (`hooktap config list` shows all)", near.join(", "))
        };
        usage_hint(format!("unknown key {key:?}"), hint)
    })
}

/// A key `config get`/`config set` take: a setting, or a field of a profile.
enum Key<'k> {
    Setting(&'static Setting),
    Profile { name: &'k str, field: &'static str, numeric: bool },
}

fn parse_key(key: &str) -> anyhow::Result<Key<'_>> {
    let Some(rest) = key.strip_prefix("profiles.") else { return find_setting(key).map(Key::Setting) };
    let (name, field) = rest.rsplit_once('.').ok_or_else(|| {
        usage_hint(
            format!("{key:?} names no profile field"),
            "use profiles.NAME.FIELD, e.g. profiles.desk.secret_env (`hooktap config profile show NAME` shows them all)",
        )
    })?;
    let &(field, numeric) = Profile::FIELDS.iter().find(|(f, _)| *f == field).ok_or_else(|| {
        let fields: Vec<&str> = Profile::FIELDS.iter().map(|(f, _)| *f).collect();
        let hint = match config::settings::close_names(field, fields.iter().copied()).first() {
            Some(best) => format!("did you mean profiles.{name}.{best}? (profile fields: {})", fields.join(", ")),
            None => format!("profile fields: {}", fields.join(", ")),
        };
        usage_hint(format!("unknown profile field {field:?} in {key}"), hint)
    })?;
    Ok(Key::Profile { name, field, numeric })
}

fn get(global: &GlobalArgs, key: &str) -> anyhow::Result<Exit> {
    let wanted = parse_key(key)?;
    let cfg = config::load(&global.paths())?;
    let unset_means = match &wanted {
        Key::Setting(setting) => config::settings::when_unset(setting.key),
        Key::Profile { field, .. } => Profile::field_when_unset(field),
    };
    let found = match wanted {
        Key::Setting(setting) => {
            cfg.settings.get(setting.key).map(|(value, origin)| (shown_json(setting, value), origin.to_string()))
        }
        Key::Profile { name, field, .. } => {
            let profile = cfg
                .profiles
                .get(name)
                .ok_or_else(|| usage_hint(format!("{key}: no profile named {name:?}"), cfg.profiles_hint()))?;
            let file = cfg.profile_files.get(name).map(|p| p.display().to_string()).unwrap_or_default();
            profile.shown_field(field).map(|value| (serde_json::Value::from(value), file))
        }
    };
    // An unset key answers with what applies instead and says where that comes from:
    // nothing at all (as `git config` does) left a new user guessing. The database's
    // default is a real path, so it is the value; the others are descriptions, on stderr.
    let found = found.or_else(|| match wanted {
        Key::Setting(s) if s.key == "db" => {
            cfg.db_path().ok().map(|p| (serde_json::Value::from(p.display().to_string()), "default".to_string()))
        }
        _ => None,
    });
    match found {
        Some((value, origin)) => {
            if global.json {
                println!("{}", json!({"key": key, "value": value, "origin": origin}));
            } else if let Some(text) = value.as_str() {
                println!("{text}");
            } else {
                println!("{value}");
            }
            Ok(Exit::Success)
        }
        None => {
            if global.json {
                println!("{}", json!({"key": key, "value": null, "origin": "default", "default": unset_means}));
            } else if !global.quiet {
                eprintln!("hooktap: {key} is not set; by default: {unset_means}");
            }
            Ok(Exit::Success)
        }
    }
}

/// The value `config set` writes; paths are made absolute unless `project` (see [`config::path_for_file`]).
fn typed_value(key: &str, raw: &str, project: bool) -> anyhow::Result<toml_edit::Value> {
    match parse_key(key)? {
        Key::Profile { numeric: true, .. } => {
            let n: i64 = raw.trim().parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
                usage_hint(format!("{key} expects a whole number of seconds, 0 or more, got {raw:?}"), "e.g. 300")
            })?;
            Ok(n.into())
        }
        Key::Profile { field: "secret_file", .. } => Ok(config::path_for_file(raw, project)?.into()),
        Key::Profile { .. } => Ok(raw.into()),
        Key::Setting(setting) => {
            let value = setting.parse(raw)?;
            match (setting.kind, value) {
                (Kind::Path, Value::Str(path)) => Ok(config::path_for_file(&path, project)?.into()),
                // A size is written as typed ("10MiB"), as the template and the docs write it;
                // a bare number of bytes stays a number.
                (Kind::Size, _) if raw.trim().parse::<i64>().is_err() => Ok(raw.trim().into()),
                (_, value) => Ok(value.to_toml()),
            }
        }
    }
}

fn set(global: &GlobalArgs, key: &str, raw: &str, project: bool) -> anyhow::Result<Exit> {
    let value = typed_value(key, raw, project)?;
    let path = target(global, project)?;
    let mut doc = Editable::load(&path)?;
    doc.set(key, value)?;
    let after = config::load_edited(&global.paths(), doc.layer(&path)?)?;
    if key == "profile" && !after.profiles.contains_key(raw.trim()) {
        // A default that names no profile would break every command that uses it.
        return Err(usage_hint(format!("no profile named {:?}", raw.trim()), after.profiles_hint()));
    }
    if let Key::Setting(setting) = parse_key(key)? {
        // Checked as written, even where a later layer overrides it: it takes effect once that goes.
        let mut written = after.clone();
        written.settings.insert(setting.key, (setting.parse(raw)?, Origin::File(path.clone())));
        if let Some(problem) = written.setting_problems_of(setting.key).into_iter().next() {
            return Err(usage_hint(problem.message, problem.hint));
        }
    }
    doc.save(&path)?;
    if !global.quiet {
        eprintln!("set {key} in {}", path.display());
    }
    if let Some(why) = overridden(&after, key, &path)? {
        tracing::warn!("{why}");
    }
    Ok(Exit::Success)
}

/// Why the value `config set` wrote to `path` is not the one in effect, if it is
/// not: a file read later sets the key too, or a HOOKTAP_* variable does.
fn overridden(after: &Config, key: &str, path: &Path) -> anyhow::Result<Option<String>> {
    let later = |file: &Path| {
        let fix = if file == config::project_path() {
            "pass --project to change it there".to_string()
        } else {
            format!("edit {} instead", file.display())
        };
        (file.display().to_string(), fix)
    };
    Ok(match parse_key(key)? {
        Key::Setting(setting) => match after.settings.get(setting.key) {
            Some((value, Origin::File(file))) if file != path => {
                let (file, fix) = later(file);
                Some(format!(
                    "{key} is also set in {file}, which wins over {}: {key} stays {}; {fix}",
                    path.display(),
                    shown(setting, value)
                ))
            }
            Some((value, Origin::Env(var))) => Some(format!(
                "{var} is set and wins over {}: {key} stays {} while it is set; \
                 unset {var} to use the file's value",
                path.display(),
                shown(setting, value)
            )),
            _ => None,
        },
        Key::Profile { name, .. } => match after.profile_files.get(name) {
            Some(file) if file != path => {
                let (file, fix) = later(file);
                Some(format!(
                    "profile {name} is also defined in {file}, which wins over {}: that definition replaces \
                     this one whole; {fix}",
                    path.display()
                ))
            }
            _ => None,
        },
    })
}

fn unset(global: &GlobalArgs, key: &str, project: bool) -> anyhow::Result<Exit> {
    if !key.starts_with("profiles.") {
        find_setting(key)?;
    }
    let path = target(global, project)?;
    let mut doc = Editable::load(&path)?;
    if !doc.unset(key) {
        return Err(usage(format!("{key} is not set in {}", path.display())));
    }
    doc.save(&path)?;
    if !global.quiet {
        eprintln!("unset {key} in {}", path.display());
    }
    Ok(Exit::Success)
}

fn validate(global: &GlobalArgs) -> anyhow::Result<Exit> {
    let cfg = config::load(&global.paths())?;
    let mut problems = cfg.findings();
    problems.extend(crate::relay::config::route_findings(&cfg));
    if global.json {
        let lines: Vec<String> = problems.iter().map(config::Finding::line).collect();
        let details: Vec<_> = problems
            .iter()
            .map(|p| {
                json!({
                    "file": p.at.as_ref().map(|a| a.file.display().to_string()),
                    "line": p.at.as_ref().and_then(|a| a.line),
                    "message": p.message,
                    "hint": p.hint,
                })
            })
            .collect();
        println!("{}", json!({"ok": problems.is_empty(), "problems": lines, "details": details, "files": cfg.files}));
    } else if problems.is_empty() {
        let files: Vec<String> = cfg.files.iter().map(|p| p.display().to_string()).collect();
        println!(
            "ok: {} profile(s), {} route(s){}",
            cfg.profiles.len(),
            cfg.routes.len(),
            if files.is_empty() {
                " (no config files; defaults only)".into()
            } else {
                format!(" from {}", files.join(", "))
            }
        );
    }
    if problems.is_empty() {
        return Ok(Exit::Success);
    }
    if !global.json {
        for p in &problems {
            eprintln!("hooktap: config: {}", p.line());
            if let Some(hint) = &p.hint {
                eprintln!("  hint: {hint}");
            }
        }
    }
    Err(usage_hint(format!("{} configuration problem(s)", problems.len()), "fix the items above"))
}
