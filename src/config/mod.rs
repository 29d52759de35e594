//! Configuration: profiles, routes and settings in TOML, layered
//! defaults → user file → `./hooktap.toml` → `HOOKTAP_*` environment → flags.

mod check;
pub mod dev_secret;
pub mod edit;
mod file;
mod layout;
mod profile;
pub mod settings;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use check::Problem;
pub use file::{ConfigFile, FileLayer, KeyLines, read_layer};
pub use profile::{CustomScheme, Profile, Signer, SignerRequest, secret_from_env, secret_from_file};
pub use settings::{Origin, SETTINGS, Setting, Value};
pub use validate::Finding;

/// Where a command reads its configuration and database from: `--config` and `--db`
/// (or their environment variables) once parsed; `None` means the default places.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// The one config file to read instead of the user and project files.
    pub config: Option<PathBuf>,
    /// The database, which beats the `db` setting.
    pub db: Option<PathBuf>,
}

/// A route: requests under `path` are verified with `profile` and forwarded to `forward_to`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Path prefix the route answers (`/webhooks/nexadesk`).
    pub path: String,
    /// Profile that verifies deliveries on this route.
    pub profile: Option<String>,
    /// Where verified deliveries go; none means record and answer 200.
    pub forward_to: Option<String>,
    /// Only forward these event types (lenient names); empty forwards all.
    #[serde(default)]
    pub events: Vec<String>,
    /// `immediate` or `passthrough`.
    pub ack: Option<crate::relay::AckMode>,
    /// Event type for providers that send none (Nexudus): names every delivery on this route.
    pub event: Option<String>,
}

/// The effective configuration after every layer.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Named profiles.
    pub profiles: BTreeMap<String, Profile>,
    /// The file each profile was read from (the last one to define it).
    pub profile_files: BTreeMap<String, PathBuf>,
    /// Relay routes.
    pub routes: Vec<Route>,
    /// Scalar settings with where each value came from.
    pub settings: BTreeMap<&'static str, (Value, Origin)>,
    /// The files that were read, in order.
    pub files: Vec<PathBuf>,
    /// The file the routes were read from (the last one with `[[routes]]`).
    pub routes_file: Option<PathBuf>,
    /// The line of each key of each file read, for problems found after reading.
    pub key_lines: BTreeMap<PathBuf, KeyLines>,
    /// `--db` from the command line, which beats the `db` setting.
    db_flag: Option<PathBuf>,
    /// Where development secrets are kept; `None` makes none (a config built in a test).
    pub dev_secrets: Option<PathBuf>,
}

/// The user config file: `$XDG_CONFIG_HOME/hooktap/config.toml`.
pub fn user_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|h| h.join(".config")))?;
    Some(base.join("hooktap").join("config.toml"))
}

/// The project config file, `./hooktap.toml`.
pub fn project_path() -> PathBuf {
    PathBuf::from("hooktap.toml")
}

/// The files read, in order: `--config` alone when given, else the user file then the project file.
pub fn layer_paths(paths: &Paths) -> Vec<PathBuf> {
    match &paths.config {
        Some(p) => vec![p.clone()],
        None => user_path().into_iter().chain([project_path()]).collect(),
    }
}

/// The file `config set`/`profile add` write to: `--config` when given, else the user file.
pub fn write_path(paths: &Paths) -> anyhow::Result<PathBuf> {
    paths.config.clone().or_else(user_path).ok_or_else(|| {
        crate::error::usage_hint("cannot find a home directory for the config file", "pass --config PATH")
    })
}

/// Loads the configuration for a command.
pub fn load(paths: &Paths) -> anyhow::Result<Config> {
    merge(paths, read_layers(paths, None)?)
}

/// The configuration as it will be once `edited`, a file being edited and not
/// saved yet, takes the place of the file it was read from.
pub fn load_edited(paths: &Paths, edited: FileLayer) -> anyhow::Result<Config> {
    merge(paths, read_layers(paths, Some(edited))?)
}

/// Reads the files [`load`] merges, in order, with `edited` in place of its file.
pub fn read_layers(paths: &Paths, mut edited: Option<FileLayer>) -> anyhow::Result<Vec<FileLayer>> {
    let explicit = paths.config.is_some();
    let mut layers = Vec::new();
    for path in layer_paths(paths) {
        let layer = match edited.take_if(|l| l.path == path) {
            Some(l) => Some(l),
            None => read_layer(&path)?,
        };
        match layer {
            Some(layer) => layers.push(layer),
            None if explicit => {
                return Err(crate::error::usage_hint(
                    format!("config file {} does not exist", path.display()),
                    "create it with `hooktap config init`, or drop --config",
                ));
            }
            None => {}
        }
    }
    Ok(layers)
}

fn merge(paths: &Paths, layers: Vec<FileLayer>) -> anyhow::Result<Config> {
    let env: Vec<(String, String)> = std::env::vars().filter(|(k, _)| k.starts_with("HOOKTAP_")).collect();
    let mut config = Config::from_layers(layers, &env)?;
    config.db_flag = paths.db.clone();
    config.dev_secrets = dev_secret::dir();
    Ok(config)
}

impl Config {
    /// Merges file layers (later wins) and then the environment.
    pub fn from_layers(layers: Vec<FileLayer>, env: &[(String, String)]) -> anyhow::Result<Config> {
        let mut config = Config { settings: settings::defaults(), ..Config::default() };
        for layer in layers {
            for (key, value) in layer.settings {
                config.settings.insert(key, (value, Origin::File(layer.path.clone())));
            }
            for name in layer.file.profiles.keys() {
                config.profile_files.insert(name.clone(), layer.path.clone());
            }
            config.profiles.extend(layer.file.profiles);
            if let Some(routes) = layer.file.routes {
                // A project file's routes replace the user's: routes belong to one app.
                config.routes = routes;
                config.routes_file = Some(layer.path.clone());
            }
            config.key_lines.insert(layer.path.clone(), layer.lines);
            config.files.push(layer.path);
        }
        for (name, raw) in env {
            if let Some(setting) = SETTINGS.iter().find(|s| s.env_name() == *name) {
                let value = setting.parse(raw).map_err(|e| {
                    let fix = match e.hint {
                        Some(hint) => format!("unset {name} or fix its value ({hint})"),
                        None => format!("unset {name} or fix its value"),
                    };
                    crate::error::usage_hint(format!("environment {name}={raw:?}: {}", e.message), fix)
                })?;
                config.settings.insert(setting.key, (value, Origin::Env(name.clone())));
            }
        }
        Ok(config)
    }

    /// A setting's effective value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.settings.get(key).map(|(v, _)| v)
    }

    /// A string setting.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// An integer setting.
    pub fn get_int(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The database path: `--db`, then the `db` setting, then the XDG default.
    pub fn db_path(&self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.db_flag {
            return Ok(p.clone());
        }
        if let Some(p) = self.get_str("db") {
            return Ok(expand_home(p));
        }
        crate::store::default_path()
            .ok_or_else(|| crate::error::usage_hint("cannot find a home directory for the database", "pass --db PATH"))
    }

    /// Opens the store at [`Config::db_path`], turning open failures into clear errors.
    pub fn open_store(&self) -> anyhow::Result<crate::store::Store> {
        let path = self.db_path()?;
        crate::store::Store::open(&path).map_err(crate::store::StoreError::into_user_error)
    }

    /// The names of the profiles with a custom scheme: `fixtures_dir` holds their catalogs under these names.
    pub fn custom_profile_names(&self) -> Vec<String> {
        self.profiles
            .iter()
            .filter(|(_, p)| p.provider.trim().eq_ignore_ascii_case("custom"))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// A profile by name, with the known names in the error.
    pub fn profile(&self, name: &str) -> anyhow::Result<&Profile> {
        self.profiles
            .get(name)
            .ok_or_else(|| crate::error::usage_hint(format!("no profile named {name:?}"), self.profiles_hint()))
    }

    /// The default profile's name (the `profile` setting) and where it was set.
    pub fn default_profile(&self) -> Option<(&str, &Origin)> {
        match self.settings.get("profile")? {
            (Value::Str(name), origin) => Some((name, origin)),
            _ => None,
        }
    }

    /// The default profile, with the file or variable that named it in the error.
    pub fn default_profile_resolved(&self) -> anyhow::Result<Option<(&str, &Profile)>> {
        let Some((name, origin)) = self.default_profile() else { return Ok(None) };
        match self.profiles.get(name) {
            Some(p) => Ok(Some((name, p))),
            None => Err(crate::error::usage_hint(
                format!("no profile named {name:?} (the default, set by `profile =` {})", origin_phrase(origin)),
                self.profiles_hint(),
            )),
        }
    }

    /// Where `key` (a dotted path such as `listen.port`) is in `file`: the file, and
    /// the key's line when the file has it.
    pub fn place(&self, file: &Path, key: &str) -> Place {
        let line = self.key_lines.get(file).and_then(|lines| lines.line(key));
        Place { file: file.to_path_buf(), line }
    }

    /// Where field `field` of profile `name` is (the profile's header when the field
    /// is not written in the file, or `None`).
    pub fn profile_place(&self, name: &str, field: Option<&str>) -> Option<Place> {
        let file = self.profile_files.get(name)?;
        let table = format!("profiles.{name}");
        Some(self.place_in(file, field.map(|f| format!("{table}.{f}")), &table))
    }

    /// Where key `field` of `[[routes]]` entry `index` is (the entry's header when
    /// the key is not written in the file).
    pub fn route_place(&self, index: usize, field: &str) -> Option<Place> {
        let file = self.routes_file.as_ref()?;
        let entry = format!("routes[{index}]");
        Some(self.place_in(file, Some(format!("{entry}.{field}")), &entry))
    }

    fn place_in(&self, file: &Path, key: Option<String>, fallback: &str) -> Place {
        match key.map(|k| self.place(file, &k)) {
            Some(place) if place.line.is_some() => place,
            _ => self.place(file, fallback),
        }
    }

    /// Which profiles exist, and how to see or add them.
    pub fn profiles_hint(&self) -> String {
        if self.profiles.is_empty() {
            "no profiles exist; add one with `hooktap config profile add NAME --provider P --secret-env VAR`".into()
        } else {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            format!("known profiles: {} (`hooktap config profile list`)", known.join(", "))
        }
    }
}

/// A place in a config file: the file, and the line when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line.
    pub line: Option<usize>,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {line}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// A place a config file names a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileUse {
    /// The default: `profile = "NAME"` in this file.
    Default(PathBuf),
    /// `[[routes]]` entry `index` (serving `path`) in this file.
    Route { index: usize, path: String, file: PathBuf },
}

impl std::fmt::Display for ProfileUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileUse::Default(file) => write!(f, "`profile =` (the default) in {}", file.display()),
            ProfileUse::Route { index, path, file } => write!(f, "routes[{index}] ({path}) in {}", file.display()),
        }
    }
}

/// Where the files name profile `name`: as the default and in routes.
pub fn profile_uses(layers: &[FileLayer], name: &str) -> Vec<ProfileUse> {
    let mut found = Vec::new();
    for layer in layers {
        if layer.settings.iter().any(|(key, value)| *key == "profile" && *value == Value::Str(name.into())) {
            found.push(ProfileUse::Default(layer.path.clone()));
        }
        for (index, route) in layer.file.routes.iter().flatten().enumerate() {
            if route.profile.as_deref() == Some(name) {
                found.push(ProfileUse::Route { index, path: route.path.clone(), file: layer.path.clone() });
            }
        }
    }
    found
}

/// Where a setting came from, as a phrase: `in FILE`, `from HOOKTAP_X`.
pub fn origin_phrase(origin: &Origin) -> String {
    match origin {
        Origin::File(path) => format!("in {}", path.display()),
        Origin::Env(var) => format!("from {var}"),
        Origin::Default => "by default".into(),
    }
}

/// Expands a leading `~/` to the home directory.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// A path as `config set`/`profile add` write it: `~/...` as typed (expanded
/// at use), anything else made absolute against the current directory, since
/// the file is read from other directories. A project file (`./hooktap.toml`)
/// is read only in its own directory, so there a relative path stays relative.
pub fn path_for_file(raw: &str, project: bool) -> anyhow::Result<String> {
    if project || raw.starts_with("~/") || raw == "~" {
        return Ok(raw.to_string());
    }
    let abs = std::path::absolute(raw)
        .map_err(|e| crate::error::usage(format!("cannot make {raw:?} an absolute path: {e}")))?;
    Ok(without_dot_dot(abs).display().to_string())
}

/// `abs` with its `..` resolved where the directories exist: `/w/../sec.txt` is
/// `/sec.txt`. The directory is resolved by the file system (a `..` after a
/// symlink leaves the link's target), the file itself is left as named.
fn without_dot_dot(abs: PathBuf) -> PathBuf {
    use std::path::Component;
    if !abs.components().any(|c| c == Component::ParentDir) {
        return abs;
    }
    let resolved = match (abs.parent(), abs.components().next_back()) {
        (Some(dir), Some(Component::Normal(name))) => std::fs::canonicalize(dir).map(|d| d.join(name)),
        _ => std::fs::canonicalize(&abs),
    };
    resolved.unwrap_or(abs)
}

/// Whether a file is readable by group or others (unix); secrets in such a file are warned about.
pub fn is_shared_readable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).map(|m| m.permissions().mode() & 0o044 != 0).unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

#[cfg(test)]
mod tests;
