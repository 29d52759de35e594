//! `hooktap config profile`: add, list, show and remove profiles (provider + secret).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use super::target;
use crate::cli::GlobalArgs;
use crate::config::{self, ProfileUse, edit::Editable};
use crate::error::{Exit, usage, usage_hint};

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
    if add.provider.eq_ignore_ascii_case("custom") {
        return Err(usage_hint(
            "custom profiles need a [profiles.NAME.scheme] table",
            "edit the config file by hand; README.md, Configuration, shows an example",
        ));
    }
    let provider = crate::provider::lookup(&add.provider).map_err(|e| usage(e.to_string()))?;
    if add.secret.as_deref() == Some("") {
        return Err(usage_hint("--secret is empty", "pass the secret, or use --secret-env VAR"));
    }
    if !valid_name(&add.name) {
        return Err(usage(format!("profile name {:?} may only hold letters, digits, '-' and '_'", add.name)));
    }
    let path = target(global, add.project)?;
    let mut doc = Editable::load(&path)?;
    if doc.has_profile(&add.name) && !add.force {
        return Err(usage_hint(
            format!("profile {} already exists in {}", add.name, path.display()),
            "pass --force to replace it",
        ));
    }
    let mut fields: Vec<(&str, toml_edit::Value)> = vec![("provider", provider.info().name.as_str().into())];
    if let Some(v) = &add.secret_env {
        fields.push(("secret_env", v.as_str().into()));
    }
    if let Some(v) = &add.secret_file {
        fields.push(("secret_file", config::path_for_file(&v.to_string_lossy(), add.project)?.into()));
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
    if !global.quiet {
        eprintln!("added profile {} ({}) to {}", add.name, provider.info().name, path.display());
        if add.secret.is_some() {
            eprintln!(
                "note: the secret is stored in plain text in {} (mode 0600); --secret-env keeps it out of files",
                path.display()
            );
        }
    }
    Ok(Exit::Success)
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
    let cfg = config::load(global)?;
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
        println!("{:<16} {:<10} SECRET", "NAME", "PROVIDER");
        for (name, p) in &cfg.profiles {
            println!("{name:<16} {:<10} {}", p.provider, p.secret_source());
        }
    }
    Ok(Exit::Success)
}

fn show(global: &GlobalArgs, name: &str) -> anyhow::Result<Exit> {
    let cfg = config::load(global)?;
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
    let layers = config::read_layers(global, Some(doc.layer(&path)?))?;
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
