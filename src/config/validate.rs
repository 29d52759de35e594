//! `config validate`'s findings about the configuration itself: each profile
//! resolved as `Config::signer` would, the default profile, the settings no single
//! value shows wrong, and the fixtures directory. The relay's routes are checked
//! by the relay's own code (`relay::config::route_findings`).

use super::{Config, Origin, Place, Profile, Value};

/// Something `config validate` found: where, what, and what to do about it.
#[derive(Debug)]
pub struct Finding {
    /// The file and line, where one is known.
    pub at: Option<Place>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Finding {
    pub fn new(at: Option<Place>, message: impl Into<String>, hint: impl Into<String>) -> Finding {
        Finding { at, message: message.into(), hint: Some(hint.into()) }
    }

    /// An error as the command that meets it would print it: the message and its hint.
    pub fn from_error(at: Option<Place>, err: &anyhow::Error) -> Finding {
        let c = crate::error::classify(err);
        Finding { at, message: c.message.unwrap_or_else(|| format!("{err:#}")), hint: c.hint }
    }

    /// The problem on one line, after where it is.
    pub fn line(&self) -> String {
        match &self.at {
            Some(at) => format!("{at}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl Config {
    /// Everything wrong with the configuration, but its routes.
    pub fn findings(&self) -> Vec<Finding> {
        let mut problems = Vec::new();
        for (name, profile) in &self.profiles {
            // The steps of `Config::signer` for a profile, each failure at its own key.
            let what = format!("profile {name}");
            let provider = match profile.provider() {
                Ok(provider) => provider,
                Err(e) => {
                    problems.push(Finding::from_error(self.profile_place(name, Some("provider")), &e));
                    continue;
                }
            };
            match profile.read_secret(&what) {
                Ok(None) => problems.push(Finding::new(
                    self.profile_place(name, None),
                    format!("{what}: no secret source"),
                    format!(
                        "give it one: hooktap config set profiles.{name}.secret_env VAR (or secret_file PATH, or secret VALUE)"
                    ),
                )),
                Ok(Some(secret)) => {
                    if let Err(e) = provider.check_secret(&secret) {
                        let at = self.profile_place(name, profile.secret_field());
                        let hint = provider.secret_hint(&secret);
                        problems.push(Finding { at, message: unusable_secret(name, profile, &e), hint });
                    }
                }
                Err(e) => problems.push(Finding::from_error(self.profile_place(name, profile.secret_field()), &e)),
            }
            if let Err(e) = profile.read_auth(&what) {
                problems.push(Finding::from_error(self.profile_place(name, Some("auth_env")), &e));
            }
        }
        if let Some((name, origin)) = self.default_profile()
            && !self.profiles.contains_key(name)
        {
            let (at, from) = where_set(self, "profile", origin);
            problems.push(Finding::new(at, format!("profile = {name:?}{from} names no profile"), self.profiles_hint()));
        }
        problems.extend(self.setting_problems().into_iter().map(|p| Finding::new(None, p.message, p.hint)));
        if let Some((Value::Str(dir), origin)) = self.settings.get("fixtures_dir") {
            let (at, from) = where_set(self, "fixtures_dir", origin);
            let path = super::expand_home(dir);
            if !path.is_dir() {
                let what = if path.exists() { "is not a directory" } else { "does not exist" };
                problems.push(Finding::new(
                    at,
                    format!("fixtures_dir = {dir:?}{from}: {} {what}", path.display()),
                    "create that directory (one folder per provider, each with a catalog.toml), or remove the setting",
                ));
            } else {
                // Said once, here: nothing else in validate reads the directory.
                let custom = self.custom_profile_names();
                let problems_of_dir = crate::catalog::Catalog::builtin().add_user_dir_for(&path, &custom);
                problems.extend(problems_of_dir.into_iter().map(|p| Finding {
                    at: None,
                    message: p.message,
                    hint: None,
                }));
            }
        }
        problems
    }
}

/// Where setting `key` was set, for a problem with its value: the file and line
/// (and no more words), or the variable that set it (` from HOOKTAP_X`).
fn where_set(cfg: &Config, key: &str, origin: &Origin) -> (Option<Place>, String) {
    match origin {
        Origin::File(file) => (Some(cfg.place(file, key)), String::new()),
        other => (None, format!(" {}", super::origin_phrase(other))),
    }
}

/// A profile whose secret its provider cannot use as a key: which profile,
/// where the secret comes from and why (never the secret itself).
fn unusable_secret(name: &str, profile: &Profile, err: &crate::provider::SecretError) -> String {
    let source = match (&profile.secret_env, &profile.secret_file) {
        (Some(var), _) => format!("the secret in ${var}"),
        (_, Some(file)) => format!("the secret in {}", file.display()),
        _ => "the inline secret".into(),
    };
    format!("profile {name}: {source} is not usable for {}: {}", err.provider, err.detail)
}
