//! Reading `catalog.toml` manifests and their payload files, from the
//! embedded fixtures or from a user's fixtures directory.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;
use toml::Spanned;

use super::names::{normalize_name, provider_key};
use super::{EventSource, EventSpec, ProviderEvents, UserDirProblem, template};

/// The manifest file every provider directory holds.
pub(crate) const MANIFEST: &str = "catalog.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// The list is every event the provider sends (not a sample of them).
    #[serde(default)]
    complete: bool,
    #[serde(default)]
    event: Vec<Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    file: String,
    #[serde(default)]
    description: String,
    #[serde(default = "named_by_default")]
    named_by_provider: bool,
    content_type: Option<String>,
}

fn named_by_default() -> bool {
    true
}

/// Where a provider's payload files come from.
pub(crate) trait PayloadSource {
    /// The payload's text, or why it could not be read.
    fn read(&self, file: &str) -> anyhow::Result<String>;
    /// How the file is named in error messages.
    fn label(&self, file: &str) -> String;
    /// What to record as the event's origin.
    fn origin(&self, file: &str) -> EventSource;
}

/// Payloads embedded in the binary.
pub(crate) struct Embedded<'a> {
    pub(crate) dir: &'a include_dir::Dir<'a>,
    pub(crate) provider: &'a str,
}

impl PayloadSource for Embedded<'_> {
    fn read(&self, file: &str) -> anyhow::Result<String> {
        let path = self.label(file);
        let found = self.dir.get_file(&path).context("no such file")?;
        Ok(found.contents_utf8().context("not UTF-8")?.to_owned())
    }

    fn label(&self, file: &str) -> String {
        format!("{}/{file}", self.provider)
    }

    fn origin(&self, _file: &str) -> EventSource {
        EventSource::Builtin
    }
}

/// Payloads in a directory on disk.
pub(crate) struct OnDisk<'a> {
    pub(crate) dir: &'a Path,
}

impl PayloadSource for OnDisk<'_> {
    fn read(&self, file: &str) -> anyhow::Result<String> {
        Ok(fs::read_to_string(self.dir.join(file))?)
    }

    fn label(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    fn origin(&self, file: &str) -> EventSource {
        EventSource::UserDir(self.dir.join(file))
    }
}

/// Parses one provider's manifest and loads every payload it lists.
///
/// Errors name the manifest (`manifest_label`) and the line of the entry at
/// fault, or the payload file and line for a broken template.
pub(crate) fn provider(
    provider: &str,
    manifest_text: &str,
    manifest_label: &str,
    payloads: &dyn PayloadSource,
) -> anyhow::Result<ProviderEvents> {
    let manifest: Manifest = toml::from_str(manifest_text).map_err(|err| {
        let line = err.span().map_or(String::new(), |span| format!("{}:", line_of(manifest_text, span.start)));
        anyhow::anyhow!("{manifest_label}:{line} {}", err.message().trim_end())
    })?;

    let provider = provider_key(provider);
    let mut events = Vec::with_capacity(manifest.event.len());
    let mut index = HashMap::new();
    for spanned in manifest.event {
        let line = line_of(manifest_text, spanned.span().start);
        let at = format!("{manifest_label}:{line}");
        let entry = spanned.into_inner();
        let key = normalize_name(&entry.name);
        if key.is_empty() {
            bail!("{at}: event name {:?} has no letters or digits", entry.name);
        }
        if let Some(&earlier) = index.get(&key) {
            let other: &EventSpec = &events[earlier];
            bail!(
                "{at}: event {:?} is the same name as {:?} once case and punctuation are ignored",
                entry.name,
                other.name
            );
        }
        let content_type = match entry.content_type {
            Some(content_type) => content_type,
            None => content_type_for(&entry.file).with_context(|| {
                format!(
                    "{at}: cannot tell the content type of {:?} from its extension; \
                     add content_type = \"...\"",
                    entry.file
                )
            })?,
        };
        let label = payloads.label(&entry.file);
        let text = payloads.read(&entry.file).with_context(|| format!("{at}: reading {label}"))?;
        let template = template::Template::compile(text, &label)?;
        index.insert(key, events.len());
        events.push(EventSpec {
            provider: provider.clone(),
            name: entry.name,
            description: entry.description,
            named_by_provider: entry.named_by_provider,
            content_type,
            source: payloads.origin(&entry.file),
            template,
            file: label,
        });
    }
    Ok(ProviderEvents { name: provider, events, index, complete: manifest.complete })
}

/// Reads every `<provider>/catalog.toml` under a user's fixtures directory.
///
/// Hidden directories (`.git`) and loose files (a README) are skipped. A
/// folder without a manifest is skipped too, and a broken manifest leaves its
/// provider's events out: both come back as problems rather than errors, so
/// one bad folder does not stop sends for every other provider.
///
/// `custom_profiles` names the config's custom profiles, when known, so that a
/// folder named after no provider and no such profile can be said to be so.
pub(crate) fn user_dir(dir: &Path, custom_profiles: Option<&[String]>) -> (Vec<ProviderEvents>, Vec<UserDirProblem>) {
    let mut problems = Vec::new();
    let subdirs = match subdirs(dir) {
        Ok(subdirs) => subdirs,
        Err(err) => {
            let message = format!("{err:#}; only built-in events are available (create it, or change fixtures_dir)");
            problems.push(UserDirProblem { provider: None, folder: None, message });
            return (Vec::new(), problems);
        }
    };
    let mut providers = Vec::with_capacity(subdirs.len());
    for subdir in subdirs {
        let name = subdir.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let manifest_path = subdir.join(MANIFEST);
        let key = provider_key(&name);
        if !manifest_path.is_file() {
            let provider = crate::provider::lookup(&name).is_ok();
            let profile = custom_profiles.map(|names| names.iter().any(|n| n.eq_ignore_ascii_case(&name)));
            let what = match (provider, profile) {
                (true, _) | (false, Some(true)) => format!(
                    "to add {name} events, list them in {} ([[event]] entries with name and file)",
                    manifest_path.display()
                ),
                (false, Some(false)) => format!(
                    "{name} is not a provider or custom profile name (a folder holds the events of the \
                     provider, or the provider = \"custom\" profile, it is named after)"
                ),
                (false, None) => format!(
                    "{name} is not a provider name; if it is a custom profile's, list its events in {}",
                    manifest_path.display()
                ),
            };
            problems.push(UserDirProblem {
                provider: None,
                folder: Some(key),
                message: format!("fixtures_dir: {} holds no {MANIFEST}, so it is skipped; {what}", subdir.display()),
            });
            continue;
        }
        let loaded = fs::read_to_string(&manifest_path)
            .with_context(|| format!("reading {}", manifest_path.display()))
            .and_then(|text| provider(&name, &text, &manifest_path.display().to_string(), &OnDisk { dir: &subdir }));
        let known = crate::provider::lookup(&name).is_ok()
            || custom_profiles.is_none_or(|names| names.iter().any(|n| n.eq_ignore_ascii_case(&name)));
        if !known {
            // Loaded all the same (`--list` shows it), but no send can pick these events.
            problems.push(UserDirProblem {
                provider: None,
                folder: Some(key.clone()),
                message: format!(
                    "fixtures_dir: {} is named {name}, which is not a provider or custom profile name, so no send \
                     can use its events; rename it after the provider (or provider = \"custom\" profile) they belong to",
                    subdir.display()
                ),
            });
        }
        match loaded {
            Ok(events) => providers.push(events),
            Err(err) => {
                let message = format!(
                    "fixtures_dir: {err:#}; {key} events cannot be sent until it is fixed \
                     (or {} is moved out of fixtures_dir)",
                    subdir.display()
                );
                problems.push(UserDirProblem { provider: Some(key.clone()), folder: Some(key), message });
            }
        }
    }
    (providers, problems)
}

/// The provider folders of a fixtures directory, sorted so that problems are reported in a stable order.
fn subdirs(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let what = || format!("fixtures_dir {}", dir.display());
    if !dir.exists() {
        bail!("{} does not exist", what());
    }
    if !dir.is_dir() {
        bail!("{} is not a directory", what());
    }
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", what()))? {
        let entry = entry.with_context(|| format!("reading {}", what()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.path().is_dir() && !hidden {
            subdirs.push(entry.path());
        }
    }
    subdirs.sort();
    Ok(subdirs)
}

/// The content type implied by a payload file's extension.
fn content_type_for(file: &str) -> Option<String> {
    let extension = Path::new(file).extension()?.to_str()?.to_ascii_lowercase();
    let content_type = match extension.as_str() {
        "json" => "application/json",
        "xml" => "text/xml",
        "form" => "application/x-www-form-urlencoded",
        "txt" => "text/plain",
        _ => return None,
    };
    Some(content_type.to_owned())
}

/// The 1-based line holding byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}
