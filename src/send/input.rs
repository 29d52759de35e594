//! Turning `send`'s arguments into what to send: the body and event (catalog,
//! `--data`, `--ping`), the target URL and the rate.

use std::io::Read;

use anyhow::Context;
use base64::Engine as _;
use bytes::Bytes;
use http::Uri;

use super::request::BodySource;
use crate::catalog::Catalog;
use crate::config::Signer;
use crate::error::usage_hint;
use crate::provider::{Field, Provider};
use crate::secret::Secret;

/// What `resolve_body` needs from the command line.
#[derive(Debug, Clone, Copy)]
pub struct BodyArgs<'a> {
    /// `EVENT`.
    pub event: Option<&'a str>,
    /// `--data`.
    pub data: Option<&'a str>,
    /// `--ping`.
    pub ping: bool,
}

/// Whose catalog a send draws from: a provider's, or a `provider = "custom"`
/// profile's own, in `fixtures_dir/<profile>/catalog.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogOwner {
    /// A provider (or a folder of `fixtures_dir` named like one).
    Provider(String),
    /// A custom scheme's profile.
    CustomProfile(String),
}

impl CatalogOwner {
    /// The owner for `provider`, as `profile` names it if it is a custom one.
    pub fn new(provider: &str, profile: Option<&str>) -> CatalogOwner {
        match profile {
            Some(profile) if provider.trim().eq_ignore_ascii_case("custom") => {
                CatalogOwner::CustomProfile(profile.to_owned())
            }
            _ => CatalogOwner::Provider(provider.to_owned()),
        }
    }

    /// The name its catalog is found under.
    pub fn key(&self) -> &str {
        match self {
            CatalogOwner::Provider(name) | CatalogOwner::CustomProfile(name) => name,
        }
    }

    /// The error when `catalog` has no events for it: where a custom profile's
    /// catalog goes (`fixtures_dir` is the setting's value, if set), or the
    /// nearest provider names.
    pub fn no_catalog(&self, catalog: &Catalog, fixtures_dir: Option<&str>) -> anyhow::Error {
        match self {
            CatalogOwner::CustomProfile(name) => {
                let place = match fixtures_dir {
                    Some(dir) => format!("{}/{name}/catalog.toml", dir.trim_end_matches('/')),
                    None => format!("fixtures_dir/{name}/catalog.toml (set fixtures_dir first)"),
                };
                usage_hint(
                    format!("no event catalog for custom profile {name}"),
                    format!(
                        "list its events in {place} ([[event]] entries with name and file), \
                         or send your own body with --data @file"
                    ),
                )
            }
            CatalogOwner::Provider(name) if name.trim().eq_ignore_ascii_case("custom") => usage_hint(
                "custom schemes have no catalog of their own: each provider = \"custom\" profile has one",
                "list a profile's events with `hooktap send --list --profile NAME`; they live in \
                 fixtures_dir/NAME/catalog.toml",
            ),
            CatalogOwner::Provider(name) => {
                let closest = catalog.closest_providers(name);
                match crate::config::settings::close_names(name, closest.iter().map(String::as_str)).first() {
                    Some(best) => usage_hint(
                        format!("no event catalog for provider {name:?}; closest: {}", closest.join(", ")),
                        format!("did you mean {best}? `hooktap send --list` lists every catalog"),
                    ),
                    // Nothing close: the names there are, not three unrelated ones.
                    None => usage_hint(
                        format!("no event catalog for provider {name:?}"),
                        format!("catalogs exist for: {}", catalog.providers().join(", ")),
                    ),
                }
            }
        }
    }
}

/// The body source, the event name and the content type; `fixtures_dir` is
/// the setting's value, named when a custom profile has no catalog.
pub fn resolve_body(
    args: BodyArgs<'_>,
    signer: &Signer,
    catalog: &Catalog,
    fixtures_dir: Option<&str>,
) -> anyhow::Result<(BodySource, Option<String>, String)> {
    let info = signer.provider.info();
    // A custom scheme's events live under its profile's name.
    let owner = CatalogOwner::new(&info.name, signer.profile.as_deref());
    let key = owner.key().to_owned();
    let wanted = if args.ping {
        Some(info.ping_event.clone().ok_or_else(|| {
            usage_hint(format!("{} has no test ping", info.name), "name an event instead; list them with --list")
        })?)
    } else {
        args.event.map(str::to_owned)
    };
    let flag = if matches!(owner, CatalogOwner::CustomProfile(_)) { "--profile" } else { "--provider" };
    let list_hint = format!("list the events with `hooktap send --list {flag} {key}`");
    match (args.data, wanted) {
        (Some(data), wanted) => {
            let bytes = read_data(data)?;
            let found = wanted.as_deref().and_then(|w| catalog.find(&key, w).ok());
            let content_type = found.map_or_else(|| info.content_type.clone(), |spec| spec.content_type.clone());
            let event = match (found, wanted) {
                (Some(spec), _) => Some(spec.name.clone()),
                (None, Some(name)) => Some(name),
                (None, None) => signer.provider.event_type(&http::HeaderMap::new(), &bytes),
            };
            Ok((BodySource::Fixed(bytes), event, content_type))
        }
        (None, Some(name)) => {
            let spec = catalog.find(&key, &name).map_err(|e| {
                if e.unknown_provider {
                    return owner.no_catalog(catalog, fixtures_dir);
                }
                let hint = if e.broken_catalog.is_some() {
                    "fix that catalog.toml, or send your own body with --data @file".to_string()
                } else {
                    list_hint.clone()
                };
                usage_hint(e.to_string(), hint)
            })?;
            Ok((BodySource::Event(spec.clone()), Some(spec.name.clone()), spec.content_type.clone()))
        }
        (None, None) => Err(usage_hint("nothing to send: name an EVENT, or pass --data @file or --ping", list_hint)),
    }
}

/// With `--data` and a named EVENT: a provider that puts the event in the body (NexaDesk,
/// Nudj, Stripe, ...) is read from there by its receivers, whatever EVENT says. Says so
/// when the (JSON) body names another event, or none.
pub fn body_event_mismatch(provider: &dyn Provider, named: &str, body: &[u8]) -> Option<String> {
    let info = provider.info();
    let paths = body_paths(&info.event);
    if paths.is_empty() || serde_json::from_slice::<serde_json::Value>(body).is_err() {
        return None;
    }
    let fields = paths.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(" or ");
    let fix = format!("--set '{}={}'", paths[0], serde_json::Value::from(named));
    match provider.event_type(&http::HeaderMap::new(), body) {
        // Receivers compare the name as written: `Lead Created` is not `lead.created` to them.
        Some(found) if found == named => None,
        Some(found) => Some(format!(
            "the body names event {found:?}, not {named:?}, and {} receivers read the event from the body \
             (its {fields} field); to send {named:?}, add {fix}",
            info.name
        )),
        None => Some(format!(
            "the body has no {fields} field, where {} receivers read the event, so they cannot tell it is \
             {named:?}; add {fix}",
            info.name
        )),
    }
}

/// The JSON paths among where a provider names a value.
fn body_paths(field: &Field) -> Vec<&str> {
    match field {
        Field::Json(path) => vec![path.as_str()],
        Field::Any(fields) => fields.iter().flat_map(body_paths).collect(),
        Field::Header(_) | Field::Absent => Vec::new(),
    }
}

/// `--data`: `@file`, `-` for stdin, or the body itself (as curl takes it).
pub fn read_data(data: &str) -> anyhow::Result<Bytes> {
    if data == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("reading the body from stdin")?;
        return Ok(Bytes::from(buf));
    }
    if let Some(path) = data.strip_prefix('@') {
        if path.is_empty() {
            return Err(usage_hint("--data @ names no file", "write --data @payload.json"));
        }
        return std::fs::read(path).map(Bytes::from).map_err(|e| {
            usage_hint(format!("cannot read --data file {path}: {e}"), "check the path; use - for stdin")
        });
    }
    Ok(Bytes::copy_from_slice(data.as_bytes()))
}

/// `--to`, parsed.
#[derive(Debug, Clone)]
pub struct Target {
    /// Where to send, without any `user:password@`.
    pub uri: Uri,
    /// The URL as shown and recorded: as typed, or without its credentials.
    pub url: String,
    /// `Authorization: Basic …` from the URL's `user:password@`, as curl sends it.
    pub basic: Option<Secret>,
}

/// `--to`: an absolute http(s) URL. Credentials in it (`http://user:pw@host/`)
/// become Basic authorization, as curl makes them, and leave the URL.
pub fn parse_url(text: &str) -> anyhow::Result<Target> {
    parse_url_named(text, "--to")
}

/// [`parse_url`] for a URL that errors call `what` (`--to URL`, `URL`).
pub fn parse_url_named(text: &str, what: &str) -> anyhow::Result<Target> {
    let hint = "give a URL such as http://localhost:3000/webhooks (http:// is assumed when none is given)";
    let crate::net::url::HttpUrl { text, uri } = crate::net::url::http_url(text, what)?;
    let authority = uri.authority().map(|a| a.as_str().to_owned()).unwrap_or_default();
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return Ok(Target { uri, url: text, basic: None });
    };
    let credentials = percent_encoding::percent_decode_str(userinfo).collect::<Vec<u8>>();
    let basic = Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials)));
    let mut parts = uri.into_parts();
    parts.authority = Some(host.parse().map_err(|e| usage_hint(format!("invalid {what} host {host:?}: {e}"), hint))?);
    let uri = Uri::from_parts(parts).map_err(|e| usage_hint(format!("invalid {what}: {e}"), hint))?;
    Ok(Target { url: uri.to_string(), uri, basic: Some(basic) })
}

/// `--rate`: `200`, `200/s` or `600/m`.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (number, per) = match t.split_once('/') {
        Some((n, unit)) => (n.trim(), unit.trim()),
        None => (t, "s"),
    };
    let seconds = match per {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        other => return Err(format!("unknown rate unit {other:?} (use 200, 200/s or 600/m)")),
    };
    match number.parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(n / seconds),
        _ => Err(format!("invalid rate {text:?} (use a positive number: 200, 200/s or 600/m)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixture_sent_as_data_under_its_own_name_draws_no_event_warning() {
        let catalog = Catalog::builtin();
        let mut checked = 0;
        for event in catalog.events(None) {
            let Ok(provider) = crate::provider::lookup(&event.provider) else { continue };
            let body = event.render("d-1").unwrap();
            assert_eq!(body_event_mismatch(provider.as_ref(), &event.name, &body), None, "{}", event.name);
            checked += usize::from(!body_paths(&provider.info().event).is_empty());
        }
        assert!(checked >= 9 + 4, "only {checked} events name themselves in the body");
    }

    #[test]
    fn a_data_body_naming_another_event_or_none_is_told_how_to_name_it() {
        let nexadesk = crate::provider::lookup("nexadesk").unwrap();
        let other = body_event_mismatch(nexadesk.as_ref(), "ticket.created", br#"{"event":"ticket.updated"}"#).unwrap();
        assert!(other.starts_with(r#"the body names event "ticket.updated", not "ticket.created""#), "{other}");
        assert!(other.ends_with(r#"add --set 'event="ticket.created"'"#), "{other}");
        let none = body_event_mismatch(nexadesk.as_ref(), "ticket.created", br#"{"data":{}}"#).unwrap();
        assert!(
            none.starts_with(r#"the body has no "event" field, where nexadesk receivers read the event"#),
            "{none}"
        );
        // Receivers match the name exactly, so another spelling is another event to them.
        let spelled = body_event_mismatch(nexadesk.as_ref(), "ticket.updated", br#"{"event":"Ticket Updated"}"#);
        assert!(spelled.unwrap().starts_with(r#"the body names event "Ticket Updated", not "ticket.updated""#));
        // A body that is not JSON is left to the content check.
        assert_eq!(body_event_mismatch(nexadesk.as_ref(), "ticket.created", b"not json"), None);
        // A provider that names the event in a header is told by EVENT itself.
        let github = crate::provider::lookup("github").unwrap();
        assert_eq!(body_event_mismatch(github.as_ref(), "push", br#"{"event":"x"}"#), None);
    }

    #[test]
    fn rates_take_units() {
        assert_eq!(parse_rate("200").unwrap(), 200.0);
        assert_eq!(parse_rate("200/s").unwrap(), 200.0);
        assert_eq!(parse_rate("600/m").unwrap(), 10.0);
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("5/h").is_err());
    }

    #[test]
    fn credentials_in_the_url_become_basic_authorization() {
        let target = parse_url("http://us%40er:p%3Aw@127.0.0.1:3000/hook?x=1").unwrap();
        assert_eq!(target.uri.to_string(), "http://127.0.0.1:3000/hook?x=1");
        assert_eq!(target.url, "http://127.0.0.1:3000/hook?x=1");
        // base64("us@er:p:w"): percent-escapes are decoded first, as curl does.
        assert_eq!(target.basic.unwrap().expose(), "Basic dXNAZXI6cDp3");
        let plain = parse_url("http://localhost:3000").unwrap();
        assert_eq!((plain.url.as_str(), plain.basic.is_none()), ("http://localhost:3000", true));
    }

    #[test]
    fn urls_are_http_and_no_scheme_means_http() {
        assert!(parse_url("http://127.0.0.1:3000/hook?x=1").is_ok());
        assert!(parse_url("https://example.com").is_ok());
        assert_eq!(parse_url("localhost:3000/hook").unwrap().url, "http://localhost:3000/hook");
        assert!(parse_url("ftp://example.com/x").is_err());
        assert!(parse_url("/hook").is_err());
    }
}
