//! What the provider and the payload make of the checks: which do not apply (and why),
//! where a delivery carries the provider's id, and what a receiver can dedupe on.

use crate::check::{self, CheckName, CheckResult, Verdict};
use crate::provider::{Field, extract};
use crate::send::Prepared;

use super::Runner;

impl Runner<'_> {
    /// The skip for a check that does not apply to this provider or payload, if it does not.
    pub(super) fn inapplicable(&self, name: CheckName) -> Option<CheckResult> {
        let info = self.setup.provider.info();
        let label = &self.setup.label;
        let reason = match name {
            CheckName::Reserialized if !self.forge.is_json() => {
                format!("{label} sends {}, not JSON: nothing to re-serialise", self.forge.content_type())
            }
            CheckName::StaleTimestamp => match self.forge.tolerance() {
                None => self.no_timestamp(),
                Some(0) => "the profile's tolerance is 0, which turns the timestamp check off: nothing to test".into(),
                Some(_) => return None,
            },
            CheckName::Setup if self.setup.handshake.is_none() => {
                match check::handshake(&info.name, self.forge.is_json()) {
                    Some(hs) => format!("the catalog has no {} event to send as {label}'s setup request", hs.event),
                    None if is_form(self.forge.content_type()) => {
                        format!("{label} sends form-encoded requests no setup request")
                    }
                    None => format!("{label} sends no setup request"),
                }
            }
            CheckName::SignatureRotation if self.forge.rotated().is_none() => {
                format!("{label} sends one signature per delivery: no rotation to test")
            }
            // Nexus sends an Authorization (seed 000) that hooktap can only send if it knows it.
            CheckName::Authorization if !self.forge.has_authorization() && info.name == "nexus" => format!(
                "{label} sends an Authorization (Bearer or Basic) its receivers must check: add auth_env to the \
                 profile to test that"
            ),
            CheckName::Authorization if !self.forge.has_authorization() => {
                "no Authorization to test (a profile's auth_env, URL credentials or -H Authorization add one)".into()
            }
            CheckName::Retries if info.retry.delays.is_empty() => {
                format!("{label} does not retry by itself ({})", info.retry.schedule)
            }
            // Slack retries Events API requests; a slash command that gets no answer shows the user an error.
            CheckName::Retries if info.retry.marks.count_header.is_some() && is_form(self.forge.content_type()) => {
                format!(
                    "{label} does not retry form-encoded requests such as slash commands (the user sees an error \
                     instead)"
                )
            }
            _ => return None,
        };
        Some(CheckResult::bare(name, Verdict::Skip, reason))
    }
    /// Why `stale-timestamp` does not apply, and what can tell a replay instead.
    pub(super) fn no_timestamp(&self) -> String {
        let label = &self.setup.label;
        match self.id_field() {
            Some(field) => format!(
                "{label} signs no timestamp, so a replay cannot be told by its age; {field} tells a repeat, so \
                 remember the ids you have processed"
            ),
            None => format!(
                "{label} signs no timestamp and sends no delivery id, so nothing tells a captured delivery replayed \
                 later from a new one; dedupe on the body's content"
            ),
        }
    }

    /// Where this event's deliveries carry the provider's delivery id, if they do.
    fn id_field(&self) -> Option<String> {
        let sample = self.forge.valid().ok()?;
        present(&self.setup.provider.info().delivery_id, &sample)
    }

    /// What a receiver can dedupe this event's deliveries on.
    pub(super) fn dedupe_on(&self) -> String {
        if let Some(field) = self.id_field() {
            return field;
        }
        let info = self.setup.provider.info();
        let label = &self.setup.label;
        let sample = self.forge.valid().ok();
        let form = is_form(self.forge.content_type());
        if form && sample.as_ref().is_some_and(|s| s.body.windows(11).any(|w| w == b"trigger_id=")) {
            return "the form's trigger_id field (a form-encoded request carries no event id)".into();
        }
        match (&info.delivery_id, info.name.as_str()) {
            // The seed says "use the event ID", but NexaDesk's envelope has none.
            (Field::Absent, "nexadesk") => format!(
                "a hash of the body: {label} sends no delivery id (its docs say to use the event ID, but the envelope \
                 has none, and data.id names the lead or contact, which every event about it shares)"
            ),
            (Field::Absent, _) => format!("a hash of the body: {label} sends no delivery id"),
            _ => format!("a hash of the body: this {} delivery carries no delivery id", self.setup.payload.name()),
        }
    }
}

/// Where `field` is in `sample`, said for a receiver's author; `None` when it is not there.
fn present(field: &Field, sample: &Prepared) -> Option<String> {
    match field {
        Field::Any(fields) => fields.iter().find_map(|f| present(f, sample)),
        Field::Header(name) => extract(field, &sample.headers, &sample.body).map(|_| format!("the {name} header")),
        Field::Json(path) => {
            extract(field, &sample.headers, &sample.body).map(|_| format!("the body's {path:?} field"))
        }
        Field::Absent => None,
    }
}

/// Whether a content type is a form (`application/x-www-form-urlencoded`).
pub(super) fn is_form(content_type: &str) -> bool {
    content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
}
