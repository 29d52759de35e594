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
    /// The line of each key, for problems found after reading.
    pub lines: KeyLines,
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
        let message = e.message().trim();
        match (message == "duplicate key").then(|| duplicate(text, span.start)).flatten() {
            Some((message, hint)) => at(span, message, Some(hint)),
            None => at(span, message.to_string(), Some("fix the TOML syntax".into())),
        }
    })?;
    let entries = entries(doc.get_ref());
    let mut settings = Vec::new();
    let mut check = |key: &str, span: std::ops::Range<usize>, value: &DeValue<'_>| -> Result<(), UsageError> {
        let Some(setting) = Setting::find(key) else {
            return Err(at(span, format!("unknown key `{key}`"), Some(unknown_key_hint(key))));
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
        let (message, hint) = match key_at(&entries, span.start) {
            Some(key) => explain(key, &message),
            None => (message, None),
        };
        at(span, message, Some(hint.unwrap_or_else(|| "see `hooktap config init` for a commented example".into())))
    })?;
    let span_of = |key: &str| entries.iter().find(|e| e.path == key).map(|e| e.key.clone());
    for (name, profile) in &file.profiles {
        profile.check().map_err(|(field, e)| {
            let key = format!("profiles.{name}.{field}");
            let span = span_of(&key).or_else(|| span_of(&format!("profiles.{name}"))).unwrap_or(0..0);
            at(span, format!("{key}: {}", e.message), e.hint)
        })?;
    }
    if let Some(routes) = &file.routes {
        for (i, route) in routes.iter().enumerate() {
            if !route.path.starts_with('/') {
                let span = span_of(&format!("routes[{i}].path")).unwrap_or(0..0);
                return Err(at(
                    span,
                    format!("routes[{i}].path {:?} must start with '/'", route.path),
                    Some(format!("write it as path = \"/{}\"", route.path.trim_start_matches('/'))),
                ));
            }
        }
    }
    let lines = KeyLines(entries.iter().map(|e| (e.path.clone(), line_of(text, e.key.start))).collect());
    Ok(FileLayer { path: path.to_path_buf(), file, settings, lines })
}

/// Where each key of a file is: its dotted path (`profiles.desk.provider`,
/// `routes[1].path`) and the line it is on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLines(BTreeMap<String, usize>);

impl KeyLines {
    /// The line of a key, by its dotted path.
    pub fn line(&self, key: &str) -> Option<usize> {
        self.0.get(key).copied()
    }
}

/// A key of the document, with where its name and its value are.
struct Entry {
    path: String,
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

/// Every key of the document, tables and array elements included (`routes[0]`, `events[1]`).
fn entries(doc: &DeTable<'_>) -> Vec<Entry> {
    fn value(path: String, key: std::ops::Range<usize>, v: &toml::Spanned<DeValue<'_>>, out: &mut Vec<Entry>) {
        out.push(Entry { path: path.clone(), key, value: v.span() });
        match v.get_ref() {
            DeValue::Table(t) => table(t, &path, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    value(format!("{path}[{i}]"), item.span(), item, out);
                }
            }
            _ => {}
        }
    }
    fn table(t: &DeTable<'_>, prefix: &str, out: &mut Vec<Entry>) {
        for (k, v) in t {
            let path = if prefix.is_empty() { k.get_ref().to_string() } else { format!("{prefix}.{}", k.get_ref()) };
            value(path, k.span(), v, out);
        }
    }
    let mut out = Vec::new();
    table(doc, "", &mut out);
    out
}

/// The key at byte `offset`: the innermost one whose name or value holds it.
fn key_at(entries: &[Entry], offset: usize) -> Option<&str> {
    let holds = |r: &std::ops::Range<usize>| r.start <= offset && offset < r.end.max(r.start + 1);
    entries
        .iter()
        .filter_map(|e| {
            let span = [&e.key, &e.value].into_iter().filter(|r| holds(r)).map(|r| r.len()).min()?;
            Some((span, std::cmp::Reverse(e.path.len()), e.path.as_str()))
        })
        .min()
        .map(|(_, _, path)| path)
}

/// A serde message about `key` in words that name the key, and a hint where one helps.
fn explain(key: &str, message: &str) -> (String, Option<String>) {
    let ticked = |text: &str| -> Vec<String> { text.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let expected = rest.split_once("expected").map(|(_, list)| ticked(list)).unwrap_or_default();
        let name = rest.split('`').next().unwrap_or_default();
        let table = key.rsplit_once('.').map_or("", |(t, _)| t);
        let near = super::settings::close_names(name, expected.iter().map(String::as_str));
        let hint = match near.first() {
            Some(best) => format!("did you mean `{best}`? ({table} takes: {})", expected.join(", ")),
            None if expected.is_empty() => "see `hooktap config init` for a commented example".into(),
            None => format!("{table} takes: {}", expected.join(", ")),
        };
        return (format!("unknown key `{key}`"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return (format!("{key} has no `{name}`, which it needs"), None);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (got, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected.trim_start_matches(',').trim().trim_start_matches("expected").trim();
        return (format!("{key} must be {expected}, got `{got}`"), None);
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((got, expected)) = message.strip_prefix(prefix).and_then(|rest| rest.split_once(", expected ")) {
            let expected = match expected {
                "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number of 0 or more",
                "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
                other => other,
            };
            return (format!("{key} expects {expected}, got {got}"), None);
        }
    }
    (format!("{key}: {message}"), None)
}

/// What to suggest for an unknown setting: the names close to it, else where to see them all.
fn unknown_key_hint(key: &str) -> String {
    let near = closest(key);
    if near.is_empty() {
        "`hooktap config list` shows every setting; profiles go in [profiles.NAME], routes in [[routes]]".into()
    } else {
        format!("did you mean: {}? (`hooktap config list` shows every setting)", near.join(", "))
    }
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

/// Names what the parser's bare "duplicate key" at byte `offset` repeats: a table
/// header (`[profiles.a]`) or a key within one, with the line of its first definition.
fn duplicate(text: &str, offset: usize) -> Option<(String, String)> {
    let at_line = line_of(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(at_line - 1)?.trim();
    if here.starts_with('[') {
        let name = header(here)?;
        let first = lines[..at_line - 1].iter().position(|l| header(l.trim()).as_deref() == Some(name.as_str()));
        let message = match first {
            Some(i) => format!("table [{name}] is defined twice (first at line {})", i + 1),
            // `[profiles]` with `a = {...}`, then `[profiles.a]`: the first definition is a key.
            None => format!("table [{name}] is defined twice (also by a key above it)"),
        };
        return Some((message, format!("merge the two [{name}] tables into one, or rename one of them")));
    }
    let key = here.split('=').next()?.trim().trim_matches('"');
    // The earlier definition is in the same table: after the last header above this line.
    let start = lines[..at_line - 1].iter().rposition(|l| l.trim_start().starts_with('[')).map_or(0, |i| i + 1);
    let table = start.checked_sub(1).and_then(|i| header(lines[i].trim()));
    let first =
        (start..at_line - 1).find(|&i| lines[i].split('=').next().map(|k| k.trim().trim_matches('"')) == Some(key));
    let within = table.map(|t| format!(" in [{t}]")).unwrap_or_default();
    let first = first.map(|i| format!(" (first at line {})", i + 1)).unwrap_or_default();
    Some((format!("key `{key}` is set twice{within}{first}"), "keep one of them".into()))
}

/// The table a header line names, spaces around dots removed: `[ profiles . a ]` is `profiles.a`.
fn header(line: &str) -> Option<String> {
    let inner = line.strip_prefix("[[").or_else(|| line.strip_prefix('['))?;
    let inner = inner.split(']').next()?;
    Some(inner.split('.').map(str::trim).collect::<Vec<_>>().join("."))
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}
