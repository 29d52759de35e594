//! The event fixture catalog: sample payloads per provider, looked up by
//! lenient event name and rendered with fresh ids and timestamps.
//!
//! Built-in fixtures live in `fixtures/<provider>/` and are embedded in the
//! binary; a user's `fixtures_dir` with the same layout adds events or
//! replaces built-in ones of the same name.

mod load;
mod names;
mod template;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use include_dir::{Dir, include_dir};

pub use names::{normalize_name, provider_key};
pub use template::{TemplateError, new_uuid, push_uuid};

use template::{Names, Template};

// `include_dir!` tracks the files it embeds, so edits rebuild the crate; a
// brand-new file is picked up once its catalog.toml entry is added.
static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");

/// Every known event, grouped by provider.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Sorted by provider name so listings are stable.
    providers: Vec<ProviderEvents>,
    /// What a user's fixtures directory held that could not be loaded.
    problems: Vec<UserDirProblem>,
}

/// Something in a user's fixtures directory that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDirProblem {
    /// The provider whose own catalog is broken: looking its events up fails
    /// until it is fixed, since the broken file may replace built-in events.
    /// `None` when nothing depends on what was skipped (a folder without
    /// `catalog.toml`, a missing directory).
    pub provider: Option<String>,
    /// The folder the problem is in, as a provider (or custom profile) name;
    /// `None` for the directory as a whole (missing, not a directory).
    pub folder: Option<String>,
    /// One line naming the file (and line) at fault and what to do.
    pub message: String,
}

impl std::fmt::Display for UserDirProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One provider's events in manifest order, with a lookup by normalized name.
#[derive(Debug, Clone)]
struct ProviderEvents {
    name: String,
    events: Vec<EventSpec>,
    index: HashMap<String, usize>,
    /// Every event the provider sends is listed, so an unknown name is a mistake.
    complete: bool,
}

/// One event a provider can send: its name, what it means, and the payload
/// template that produces a sample of it.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// Catalog directory name, e.g. `nexudus`.
    pub provider: String,
    /// The event name as the provider spells it, e.g. `Coworker Update`.
    pub name: String,
    /// One line on when the provider sends it.
    pub description: String,
    /// False for events hooktap names itself (a category the provider's
    /// documentation lists without naming an event, or a sibling of a named one).
    pub named_by_provider: bool,
    /// The `Content-Type` the provider sends the payload with.
    pub content_type: String,
    /// Where the fixture came from.
    pub source: EventSource,
    template: Template,
    /// The payload file as error messages name it.
    file: String,
}

/// Where an event's fixture was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSource {
    /// Embedded in the binary.
    Builtin,
    /// A user's fixtures directory; the path is the payload file.
    UserDir(PathBuf),
}

/// An event (or provider) the catalog does not know, with the nearest names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(self))]
pub struct UnknownEvent {
    /// The provider asked for, as given.
    pub provider: String,
    /// The event name asked for, as given.
    pub name: String,
    /// Up to three closest names, best first: event names of the provider, or
    /// provider names when the provider itself is unknown.
    pub suggestions: Vec<String>,
    /// True when no catalog exists for `provider` at all.
    pub unknown_provider: bool,
    /// Set when the name is not the problem: the provider's catalog in the
    /// user's fixtures directory is broken (file, line and what to do).
    pub broken_catalog: Option<String>,
}

fn describe(err: &UnknownEvent) -> String {
    if let Some(problem) = &err.broken_catalog {
        return problem.clone();
    }
    let mut message = if err.unknown_provider {
        format!("no event catalog for provider {:?}", err.provider)
    } else {
        format!("unknown {} event {:?}", err.provider, err.name)
    };
    if !err.suggestions.is_empty() {
        message.push_str("; closest: ");
        message.push_str(&err.suggestions.join(", "));
    }
    message
}

/// How many names an [`UnknownEvent`] suggests.
const SUGGESTIONS: usize = 3;

impl Catalog {
    /// The catalog embedded in the binary.
    ///
    /// # Panics
    /// Only if the embedded fixtures are malformed, which the crate's tests
    /// rule out.
    pub fn builtin() -> Catalog {
        let mut providers = Vec::new();
        for dir in FIXTURES.dirs() {
            let name = dir.path().to_string_lossy().into_owned();
            let manifest_path = format!("{name}/{}", load::MANIFEST);
            let manifest = FIXTURES
                .get_file(&manifest_path)
                .and_then(|file| file.contents_utf8())
                .unwrap_or_else(|| panic!("built-in fixtures: {manifest_path} missing or not UTF-8"));
            let payloads = load::Embedded { dir: &FIXTURES, provider: &name };
            match load::provider(&name, manifest, &manifest_path, &payloads) {
                Ok(events) => providers.push(events),
                Err(err) => panic!("built-in fixtures: {err:#}"),
            }
        }
        providers.sort_by(|a, b| a.name.cmp(&b.name));
        Catalog { providers, problems: Vec::new() }
    }

    /// Adds the events of a user's fixtures directory (`<dir>/<provider>/catalog.toml`
    /// plus payload files) and returns what was left out, without logging it. An event whose normalized name matches a
    /// built-in one of the same provider replaces it.
    ///
    /// A directory that is missing or unreadable adds nothing; a provider
    /// folder without `catalog.toml` is skipped; a provider whose manifest is
    /// malformed (reported with file and line), names a missing payload file
    /// or holds a broken template adds nothing, and looking up its events
    /// fails with that problem until it is fixed.
    ///
    /// Without the names of the config's custom profiles, a folder named after no
    /// provider may still be one's; [`Catalog::add_user_dir_for`] knows them.
    pub fn add_user_dir(&mut self, dir: &Path) -> Vec<UserDirProblem> {
        self.add_user_dir_with(dir, None)
    }

    /// [`Catalog::add_user_dir`], knowing the names of the config's `provider = "custom"`
    /// profiles, whose events live in `<dir>/<profile>/`: a folder named after neither
    /// a provider nor one of them is said to be so.
    pub fn add_user_dir_for(&mut self, dir: &Path, custom_profiles: &[String]) -> Vec<UserDirProblem> {
        self.add_user_dir_with(dir, Some(custom_profiles))
    }

    fn add_user_dir_with(&mut self, dir: &Path, custom_profiles: Option<&[String]>) -> Vec<UserDirProblem> {
        let (loaded, problems) = load::user_dir(dir, custom_profiles);
        for user in loaded {
            match self.providers.binary_search_by(|p| p.name.cmp(&user.name)) {
                Ok(at) => self.providers[at].merge(user),
                Err(at) => self.providers.insert(at, user),
            }
        }
        self.problems.extend(problems.iter().cloned());
        problems
    }

    /// Provider names that have events, sorted.
    pub fn providers(&self) -> Vec<&str> {
        self.providers.iter().map(|p| p.name.as_str()).collect()
    }

    /// Up to three provider names with events, closest to `name` first.
    pub fn closest_providers(&self, name: &str) -> Vec<String> {
        names::closest(name, self.providers(), SUGGESTIONS)
    }

    /// Events of one provider (matched case-insensitively, `svix` meaning
    /// `standard`), or of all providers for `None`; in catalog order.
    pub fn events<'a>(&'a self, provider: Option<&'a str>) -> impl Iterator<Item = &'a EventSpec> {
        let wanted = provider.map(names::provider_key);
        self.providers
            .iter()
            .filter(move |p| wanted.as_ref().is_none_or(|wanted| *wanted == p.name))
            .flat_map(|p| p.events.iter())
    }

    /// Whether the catalog lists every event `provider` sends (Nexudus, NexaDesk),
    /// rather than a sample of them.
    pub fn is_complete(&self, provider: &str) -> bool {
        let key = names::provider_key(provider);
        self.providers.iter().any(|p| p.name == key && p.complete)
    }

    /// Looks an event up by lenient name: case, spaces and punctuation are
    /// ignored, so `coworker-update` finds `Coworker Update`.
    ///
    /// # Errors
    /// [`UnknownEvent`] with the three closest names, or with the problem
    /// when the provider's catalog in the user's fixtures directory is broken.
    pub fn find(&self, provider: &str, name: &str) -> Result<&EventSpec, UnknownEvent> {
        let key = names::provider_key(provider);
        if let Some(problem) = self.problems.iter().find(|p| p.provider.as_ref() == Some(&key)) {
            return Err(UnknownEvent {
                provider: key,
                name: name.to_owned(),
                suggestions: Vec::new(),
                unknown_provider: false,
                broken_catalog: Some(problem.message.clone()),
            });
        }
        let Some(events) = self.providers.iter().find(|p| p.name == key) else {
            return Err(UnknownEvent {
                provider: provider.to_owned(),
                name: name.to_owned(),
                suggestions: names::closest(provider, self.providers(), SUGGESTIONS),
                unknown_provider: true,
                broken_catalog: None,
            });
        };
        match events.index.get(&normalize_name(name)) {
            Some(&at) => Ok(&events.events[at]),
            None => Err(UnknownEvent {
                provider: events.name.clone(),
                name: name.to_owned(),
                suggestions: names::closest(name, events.events.iter().map(|e| e.name.as_str()), SUGGESTIONS),
                unknown_provider: false,
                broken_catalog: None,
            }),
        }
    }
}

impl ProviderEvents {
    /// Applies a user's events on top: same-key events are replaced in place,
    /// new ones appended.
    fn merge(&mut self, user: ProviderEvents) {
        for event in user.events {
            let key = normalize_name(&event.name);
            match self.index.get(&key) {
                Some(&at) => self.events[at] = event,
                None => {
                    self.index.insert(key, self.events.len());
                    self.events.push(event);
                }
            }
        }
    }
}

impl EventSpec {
    /// Renders the payload with fresh ids and the current time; `{{delivery_id}}`
    /// becomes `delivery_id`, the id the request's headers carry.
    ///
    /// # Errors
    /// A broken placeholder, naming the payload file and line.
    pub fn render(&self, delivery_id: &str) -> Result<Vec<u8>, TemplateError> {
        self.render_at(delivery_id, Utc::now())
    }

    /// Renders the payload with fresh ids, taking `now` as the current time
    /// (for reproducible output and tests).
    ///
    /// # Errors
    /// A broken placeholder, naming the payload file and line.
    pub fn render_at(&self, delivery_id: &str, now: DateTime<Utc>) -> Result<Vec<u8>, TemplateError> {
        self.template.render(&self.file, Names { event: &self.name, delivery_id }, now)
    }

    /// The payload template before rendering.
    pub fn template(&self) -> &str {
        self.template.text()
    }
}

#[cfg(test)]
mod tests;
