//! `hooktap config profile`: add, list, show and remove profiles (provider + secret).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::json;

use super::target;
use crate::cli::GlobalArgs;
use crate::config::{self, ProfileUse, edit::Editable};
use crate::error::{Exit, usage, usage_hint};
use crate::provider::Provider;
use crate::secret::Secret;

/// `config profile` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProfileAction {
    /// Add (or with --force replace) a profile
    Add(ProfileAdd),
    /// List profiles
    List,
    /// Show one profile (secret redacted)
    Show {
        /// Profile name
        name: String,
    },
    /// Remove a profile
    Remove {
        /// Profile name
        name: String,
        /// Edit ./hooktap.toml instead of the user config
        #[arg(long)]
        project: bool,
    },
}

/// `config profile add`.
#[derive(Debug, Args)]
pub struct ProfileAdd {
    /// Profile name
    pub name: String,
    /// Provider (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)
    #[arg(long, value_name = "P")]
    pub provider: String,
    /// Read the secret from this environment variable (recommended)
    #[arg(long, value_name = "VAR", conflicts_with_all = ["secret", "secret_file"])]
    pub secret_env: Option<String>,
    /// Read the secret from this file
    #[arg(long, value_name = "FILE", conflicts_with = "secret")]
    pub secret_file: Option<PathBuf>,
    /// Store the secret in the config file (kept 0600)
    #[arg(long, value_name = "S")]
    pub secret: Option<String>,
    /// Environment variable holding the expected Authorization header value
    #[arg(long, value_name = "VAR")]
    pub auth_env: Option<String>,
    /// Timestamp tolerance in seconds
    #[arg(long, value_name = "SECS")]
    pub tolerance: Option<u64>,
    /// Replace an existing profile of that name
    #[arg(long)]
    pub force: bool,
    /// Write ./hooktap.toml instead of the user config
    #[arg(long)]
    pub project: bool,
}

/// Runs `hooktap config profile`.
pub fn run(action: ProfileAction, global: &GlobalArgs) -> anyhow::Result<Exit> {
    match action {
        ProfileAction::Add(add) => self::add(global, add),
        ProfileAction::List => list(global),
        ProfileAction::Show { name } => show(global, &name),
        ProfileAction::Remove { name, project } => remove(global, &name, project),
    }
}

fn add(global: &GlobalArgs, add: ProfileAdd) -> anyhow::Result<Exit> {
    if !valid_name(&add.name) {
        return Err(usage_hint(
            format!("profile name {:?} may only hold letters, digits, '-' and '_'", add.name),
            format!("e.g. {}", suggested_name(&add.name)),
        ));
    }
    if add.provider.eq_ignore_ascii_case("custom") {
        return Err(usage_hint(
            "custom profiles need a [profiles.NAME.scheme] table",
            "edit the config file by hand; docs/configuration.md shows an example",
        ));
    }
    let provider = crate::provider::lookup(&add.provider).map_err(|e| usage_hint(e.to_string(), e.hint()))?;
    if add.secret.as_deref() == Some("") {
        return Err(usage_hint("--secret is empty", "pass the secret, or use --secret-env VAR"));
    }
    if let Some(text) = &add.secret {
        // An inline secret the provider cannot use as a key can never work: refuse it.
        let secret = Secret::new(text.as_str());
        if let Err(e) = provider.check_secret(&secret) {
            let hint = provider.secret_hint(&secret).unwrap_or_else(|| "check the secret you copied".into());
            return Err(usage_hint(format!("--secret is not usable for {}: {}", e.provider, e.detail), hint));
        }
    }
    let path = target(global, add.project)?;
    let mut doc = Editable::load(&path)?;
    let replaced = doc.has_profile(&add.name);
    if replaced && !add.force {
        return Err(usage_hint(
            format!("profile {} already exists in {}", add.name, path.display()),
            "pass --force to replace it",
        ));
    }
    let mut fields: Vec<(&str, toml_edit::Value)> = vec![("provider", provider.info().name.as_str().into())];
    if let Some(v) = &add.secret_env {
        fields.push(("secret_env", v.as_str().into()));
    }
    let secret_file =
        add.secret_file.as_ref().map(|v| config::path_for_file(&v.to_string_lossy(), add.project)).transpose()?;
    if let Some(v) = &secret_file {
        fields.push(("secret_file", v.as_str().into()));
    }
    if let Some(v) = &add.secret {
        fields.push(("secret", v.as_str().into()));
    }
    if let Some(v) = &add.auth_env {
        fields.push(("auth_env", v.as_str().into()));
    }
    if let Some(v) = add.tolerance {
        fields.push(("tolerance", i64::try_from(v).unwrap_or(i64::MAX).into()));
    }
    doc.put_profile(&add.name, &fields);
    doc.save(&path)?;
    let name = provider.info().name.as_str();
    if !global.quiet {
        if replaced {
            eprintln!("replaced profile {} ({name}) in {}", add.name, path.display());
        } else {
            eprintln!("added profile {} ({name}) to {}", add.name, path.display());
        }
        if add.secret.is_some() {
            eprintln!(
                "note: the secret is stored in plain text in {} (mode 0600); --secret-env keeps it out of files",
                path.display()
            );
        }
    }
    // What may still be put right (the variable exported, the file written) is written, with a warning.
    let file = secret_file.map(|f| config::expand_home(&f));
    if let Some(why) = secret_warning(&add, file.as_deref(), provider.as_ref()) {
        tracing::warn!("{why}");
    }
    Ok(Exit::Success)
}

/// Why the new profile cannot sign or verify yet, if it cannot: no secret source,
/// a secret file not there or unreadable, a variable not set here, or a secret
/// from either that the provider cannot use.
fn secret_warning(add: &ProfileAdd, file: Option<&Path>, provider: &dyn Provider) -> Option<String> {
    let name = &add.name;
    let what = format!("profile {name}");
    let secret = match (&add.secret_env, file) {
        (Some(var), _) => match std::env::var_os(var) {
            None => {
                return Some(format!(
                    "{var} is not set in this environment; commands that use profile {name} fail where it is not \
                     exported (`hooktap config validate` checks)"
                ));
            }
            Some(_) => config::secret_from_env(var, &what),
        },
        (_, Some(path)) if !path.exists() => {
            return Some(format!(
                "secret file {} does not exist yet; commands that use profile {name} fail until the secret \
                 is written there (one line, chmod 600)",
                path.display()
            ));
        }
        (_, Some(path)) => config::secret_from_file(path, &what),
        (None, None) if add.secret.is_none() => {
            return Some(format!(
                "profile {name} has no secret: every command that uses it needs --secret-env VAR, and \
                 `hooktap config validate` reports it; give it one with \
                 `hooktap config set profiles.{name}.secret_env VAR`"
            ));
        }
        (None, None) => return None,
    };
    let secret = match secret {
        Ok(secret) => secret,
        Err(e) => return Some(crate::error::render(&e)),
    };
    let e = provider.check_secret(&secret).err()?;
    let source = match (&add.secret_env, file) {
        (Some(var), _) => format!("${var}"),
        (_, Some(path)) => path.display().to_string(),
        _ => "the secret".into(),
    };
    let mut line = format!("the secret in {source} is not usable for {}: {}", e.provider, e.detail);
    if let Some(hint) = provider.secret_hint(&secret) {
        line.push_str(&format!(" ({hint})"));
    }
    Some(line)
}

/// A valid profile name like `name`: what is not a letter, digit, '-' or '_' becomes '-'.
fn suggested_name(name: &str) -> String {
    let tidy: String =
        name.trim().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let tidy = tidy.trim_matches('-');
    if tidy.is_empty() { "desk".into() } else { tidy.into() }
}

/// How to free a profile from the uses [`config::profile_uses`] found.
fn still_used_hint(uses: &[ProfileUse]) -> String {
    let mut steps = Vec::new();
    if uses.iter().any(|u| matches!(u, ProfileUse::Default(_))) {
        steps.push("change the default with `hooktap config set profile OTHER` or `hooktap config unset profile`");
    }
    if uses.iter().any(|u| matches!(u, ProfileUse::Route { .. })) {
        steps.push("point those [[routes]] at another profile or delete them in the file");
    }
    format!("{}, then remove the profile", steps.join("; "))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn list(global: &GlobalArgs) -> anyhow::Result<Exit> {
    let cfg = config::load(&global.paths())?;
    if global.json {
        let rows: Vec<_> = cfg
            .profiles
            .iter()
            .map(|(n, p)| json!({"name": n, "provider": p.provider, "secret": p.secret_source()}))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
    } else if cfg.profiles.is_empty() {
        eprintln!("no profiles; add one with `hooktap config profile add NAME --provider P --secret-env VAR`");
    } else {
        let name_width = cfg.profiles.keys().map(|n| n.chars().count()).chain(["NAME".len()]).max().unwrap_or(0);
        let provider_width =
            cfg.profiles.values().map(|p| p.provider.chars().count()).chain(["PROVIDER".len()]).max().unwrap_or(0);
        println!("{:<name_width$}  {:<provider_width$}  SECRET", "NAME", "PROVIDER");
        for (name, p) in &cfg.profiles {
            println!("{name:<name_width$}  {:<provider_width$}  {}", p.provider, p.secret_source());
        }
    }
    Ok(Exit::Success)
}

fn show(global: &GlobalArgs, name: &str) -> anyhow::Result<Exit> {
    let cfg = config::load(&global.paths())?;
    let p = cfg.profile(name)?;
    let scheme = p.scheme.as_ref().map(|s| s.header.clone());
    if global.json {
        println!(
            "{}",
            json!({
                "name": name, "provider": p.provider, "secret": p.secret_source(),
                "auth_env": p.auth_env, "tolerance": p.tolerance, "scheme_header": scheme,
            })
        );
    } else {
        println!("name      {name}");
        println!("provider  {}", p.provider);
        println!("secret    {}", p.secret_source());
        if let Some(v) = &p.auth_env {
            println!("auth      env {v}");
        }
        if let Some(t) = p.tolerance {
            println!("tolerance {t} s");
        }
        if let Some(h) = scheme {
            println!("scheme    header {h}");
        }
    }
    Ok(Exit::Success)
}

fn remove(global: &GlobalArgs, name: &str, project: bool) -> anyhow::Result<Exit> {
    let path = target(global, project)?;
    let mut doc = Editable::load(&path)?;
    if !doc.unset(&format!("profiles.{name}")) {
        return Err(usage(format!("no profile named {name:?} in {}", path.display())));
    }
    // Like `config set profile NAME` for a profile that does not exist: a default or
    // a route naming a profile no file defines breaks every command that uses it.
    let layers = config::read_layers(&global.paths(), Some(doc.layer(&path)?))?;
    if !layers.iter().any(|l| l.file.profiles.contains_key(name)) {
        let uses = config::profile_uses(&layers, name);
        if !uses.is_empty() {
            let listed: Vec<String> = uses.iter().map(ToString::to_string).collect();
            return Err(usage_hint(
                format!("profile {name} is still used: {}", listed.join("; ")),
                still_used_hint(&uses),
            ));
        }
    }
    doc.save(&path)?;
    if !global.quiet {
        eprintln!("removed profile {name} from {}", path.display());
    }
    Ok(Exit::Success)
}
