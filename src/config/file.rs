//! Reading one config file: syntax, unknown keys and bad values are errors naming file, line and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::settings::{SECTIONS, Setting, Value, closest};
use super::{Profile, Route};
use crate::error::UsageError;

/// The structured parts of a config file (settings are checked separately).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ConfigFile {
    /// `[profiles.NAME]` tables.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// `[[routes]]`; `None` when the file has none (earlier layers' routes stay).
    pub routes: Option<Vec<Route>>,
    /// Everything else, checked against the settings table.
    #[serde(flatten)]
    _settings: toml::Table,
}

/// One parsed file.
#[derive(Debug)]
pub struct FileLayer {
    /// Where it was read from.
    pub path: PathBuf,
    /// Profiles and routes.
    pub file: ConfigFile,
    /// Scalar settings it sets.
    pub settings: Vec<(&'static str, Value)>,
}

/// Reads and checks a config file; `Ok(None)` when it does not exist.
pub fn read_layer(path: &Path) -> anyhow::Result<Option<FileLayer>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(UsageError::new(format!("cannot read config file {}: {e}", path.display())).into());
        }
    };
    let layer = parse(path, &text)?;
    if super::is_shared_readable(path) && holds_secrets(&layer) {
        tracing::warn!(
            "config file {} holds secrets and is readable by other users; run: chmod 600 {}",
            path.display(),
            path.display()
        );
    }
    Ok(Some(layer))
}

fn holds_secrets(layer: &FileLayer) -> bool {
    layer.file.profiles.values().any(|p| p.secret.is_some())
        || layer.settings.iter().any(|(k, _)| Setting::find(k).is_some_and(Setting::is_secret))
}

/// Parses config text read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<FileLayer, UsageError> {
    let at = |span: std::ops::Range<usize>, message: String, hint: Option<String>| UsageError {
        message: format!("config {}, line {}: {message}", path.display(), line_of(text, span.start)),
        hint,
    };
    let doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        at(span, e.message().trim().to_string(), Some("fix the TOML syntax".into()))
    })?;
    let mut settings = Vec::new();
    let mut check = |key: &str, span: std::ops::Range<usize>, value: &DeValue<'_>| -> Result<(), UsageError> {
        let Some(setting) = Setting::find(key) else {
            return Err(at(
                span,
                format!("unknown key `{key}`"),
                Some(format!("did you mean: {}", closest(key).join(", "))),
            ));
        };
        let plain = to_plain(value)
            .ok_or_else(|| at(span.clone(), format!("`{key}` has a value of an unsupported type"), None))?;
        let value = setting.from_toml(&plain).map_err(|e| at(span, e.message, e.hint))?;
        settings.push((setting.key, value));
        Ok(())
    };
    for (key, value) in doc.get_ref() {
        let name = key.get_ref().as_ref();
        match name {
            "profiles" | "routes" => {}
            section if SECTIONS.contains(&section) => {
                let Some(table) = value.get_ref().as_table() else {
                    return Err(at(key.span(), format!("`{section}` must be a table ([{section}])"), None));
                };
                for (k, v) in table {
                    check(&format!("{section}.{}", k.get_ref()), k.span(), v.get_ref())?;
                }
            }
            other => check(other, key.span(), value.get_ref())?,
        }
    }
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().replace('\n', " ");
        at(span, message, Some("see `hooktap config init` for a commented example".into()))
    })?;
    for (name, profile) in &file.profiles {
        profile.check().map_err(|e| {
            let span = find_key_span(&doc, "profiles", name).unwrap_or(0..0);
            at(span, format!("profile `{name}`: {e}"), None)
        })?;
    }
    if let Some(routes) = &file.routes {
        for (i, route) in routes.iter().enumerate() {
            if !route.path.starts_with('/') {
                return Err(at(0..0, format!("routes[{i}].path {:?} must start with '/'", route.path), None));
            }
        }
    }
    Ok(FileLayer { path: path.to_path_buf(), file, settings })
}

fn find_key_span(doc: &toml::Spanned<DeTable<'_>>, table: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let (_, t) = doc.get_ref().iter().find(|(k, _)| k.get_ref() == table)?;
    let (k, _) = t.get_ref().as_table()?.iter().find(|(k, _)| k.get_ref() == key)?;
    Some(k.span())
}

fn to_plain(value: &DeValue<'_>) -> Option<toml::Value> {
    Some(match value {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(i) => toml::Value::Integer(i64::from_str_radix(i.as_str(), i.radix()).ok()?),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Float(f) => toml::Value::Float(f.as_str().parse().ok()?),
        _ => return None,
    })
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}
