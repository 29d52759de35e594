//! Every built-in fixture renders into a valid body in its provider's envelope.

use chrono::{TimeZone, Utc};
use serde_json::Value;

use super::wellformed::{check_xml, parse_form};
use crate::catalog::{Catalog, EventSource, EventSpec, normalize_name};

/// The webhook actions listed in the Nexudus documentation, in its order and
/// spelling.
const NEXUDUS_EVENTS: [&str; 58] = [
    "Coworker Update",
    "Coworker Create",
    "BlogPost Create",
    "BlogPost Update",
    "Booking Create",
    "Booking Update",
    "Booking Delete",
    "Send Welcome Email",
    "Coworker Contract Activate",
    "Coworker Contract Cancel",
    "Coworker Contract Renew",
    "Coworker Contract Upgrade Downgrade",
    "Coworker Contract Activate First",
    "Coworker Invoice Create First",
    "Coworker Invoice Create",
    "Coworker Invoice Delete",
    "Coworker Invoice Update",
    "Coworker Invoice Refund",
    "Coworker Invoice Credit Note",
    "Coworker Invoice Paid",
    "Coworker Invoice Failed Payment",
    "Coworker Invoice Received Payment",
    "Coworker Invoice Awaiting Payment",
    "Team Create",
    "Team Update",
    "Team Delete",
    "Calendar Event Create",
    "Calendar Event Update",
    "Calendar Event Attendee Delete",
    "Calendar Event Attendee Create",
    "Calendar Event Attendee Update",
    "Global Chat Message Create",
    "NewsLetter Subscriber Create",
    "NewsLetter Subscriber Subscribed",
    "NewsLetter Subscriber UnSubscribed",
    "NewsLetter Subscriber Removed From Group",
    "Coworker Checkout",
    "Coworker Checkin",
    "Coworker Checkin Failed",
    "Visitor Notification",
    "Community Board New Thread",
    "Community Board New Reply",
    "Visitor Checked in",
    "Visitor Registered",
    "Blog Post Delete",
    "Calendar Event Delete",
    "HelDesk Message Created",
    "HelpDesk Comment Created",
    "Checkin Created",
    "Checkin Updated",
    "Checkin Deleted",
    "Coworker Delete",
    "Coworker Message Create",
    "Delivery Created",
    "Delivery Assigned",
    "Proposal Created",
    "Proposal Updated",
    "Proposal Deleted",
];

const NEXADESK_EVENTS: [&str; 9] = [
    "conversation.created",
    "conversation.updated",
    "conversation.closed",
    "message.created",
    "lead.created",
    "lead.updated",
    "lead.deleted",
    "contact.created",
    "contact.updated",
];

const NUDJ_NAMED: [&str; 4] = ["user.registered", "challenge.completed", "reward.earned", "achievement.unlocked"];

const PROVIDERS: [&str; 9] =
    ["github", "nexadesk", "nexudus", "nexus", "nudj", "shopify", "slack", "standard", "stripe"];

fn names(catalog: &Catalog, provider: &str) -> Vec<String> {
    catalog.events(Some(provider)).map(|e| e.name.clone()).collect()
}

#[test]
fn builtin_has_every_provider() {
    assert_eq!(Catalog::builtin().providers(), PROVIDERS);
}

#[test]
fn nexudus_has_exactly_the_documented_events() {
    let catalog = Catalog::builtin();
    assert_eq!(names(&catalog, "nexudus"), NEXUDUS_EVENTS);
    assert!(catalog.events(Some("nexudus")).all(|e| e.named_by_provider));
}

#[test]
fn nexadesk_has_the_nine_events_and_the_setup_ping() {
    let catalog = Catalog::builtin();
    let named: Vec<String> =
        catalog.events(Some("nexadesk")).filter(|e| e.named_by_provider).map(|e| e.name.clone()).collect();
    assert_eq!(named, NEXADESK_EVENTS);
    let ping = catalog.find("nexadesk", "ping").unwrap();
    assert!(!ping.named_by_provider);
}

#[test]
fn nudj_has_the_named_events_and_one_per_category() {
    let catalog = Catalog::builtin();
    for name in NUDJ_NAMED {
        assert!(catalog.find("nudj", name).unwrap().named_by_provider, "{name}");
    }
    let ours: Vec<&EventSpec> = catalog.events(Some("nudj")).filter(|e| !e.named_by_provider).collect();
    // Sixteen bullets under four headings in the Nudj event type list.
    assert_eq!(ours.len(), 16);
    for heading in ["User events", "Engagement events", "Community events", "Administrative events"] {
        let covered = ours.iter().filter(|e| e.description.starts_with(heading)).count();
        assert_eq!(covered, 4, "{heading}");
    }
}

#[test]
fn nexus_page_events_are_xml() {
    let catalog = Catalog::builtin();
    let create = catalog.find("nexus", "Page_Create").unwrap();
    assert!(create.named_by_provider);
    assert_eq!(names(&catalog, "nexus").len(), 5);
    assert!(catalog.events(Some("nexus")).all(|e| e.content_type == "text/xml"));
}

#[test]
fn every_builtin_event_renders_a_valid_body() {
    let catalog = Catalog::builtin();
    let mut count = 0;
    for event in catalog.events(None) {
        count += 1;
        let what = format!("{}/{}", event.provider, event.name);
        assert!(!event.description.is_empty(), "{what}: no description");
        assert_eq!(event.source, EventSource::Builtin, "{what}");
        let body = event.render("d-1").unwrap_or_else(|err| panic!("{what}: {err}"));
        let text = String::from_utf8(body).unwrap_or_else(|_| panic!("{what}: not UTF-8"));
        match event.content_type.as_str() {
            "application/json" => {
                let json: Value = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{what}: {err}"));
                check_envelope(event, &json);
            }
            "text/xml" => check_xml(&text).unwrap_or_else(|err| panic!("{what}: {err}")),
            "application/x-www-form-urlencoded" => {
                let pairs = parse_form(&text).unwrap_or_else(|err| panic!("{what}: {err}"));
                assert!(!pairs.is_empty(), "{what}");
            }
            other => panic!("{what}: unexpected content type {other}"),
        }
    }
    assert!(count >= 58 + 10 + 20 + 5, "only {count} events");
}

/// The provider-specific envelope checks.
fn check_envelope(event: &EventSpec, json: &Value) {
    let what = format!("{}/{}", event.provider, event.name);
    match event.provider.as_str() {
        "nexudus" => {
            let records = json.as_array().unwrap_or_else(|| panic!("{what}: not an array"));
            assert_eq!(records.len(), 1, "{what}");
            let record = records[0].as_object().unwrap_or_else(|| panic!("{what}"));
            for key in ["Id", "UniqueId", "BusinessId", "CreatedOn", "UpdatedOn", "IsNew"] {
                assert!(record.contains_key(key), "{what}: no {key}");
            }
        }
        "nexadesk" => {
            for key in ["event", "timestamp", "workspace_id", "data"] {
                assert!(json.get(key).is_some(), "{what}: no {key}");
            }
            assert_eq!(json["event"], event.name.as_str(), "{what}");
            assert!(json["data"].is_object(), "{what}");
            assert!(json["workspace_id"].as_str().unwrap().starts_with("ws_"), "{what}");
        }
        "nudj" => {
            for key in ["id", "type", "timestamp", "organizationId", "communityId", "data"] {
                assert!(json.get(key).is_some(), "{what}: no {key}");
            }
            assert_eq!(json["type"], event.name.as_str(), "{what}");
            for key in ["source", "version"] {
                assert!(json["metadata"].get(key).is_some(), "{what}: no metadata.{key}");
            }
            assert_eq!(json["metadata"]["retryCount"], 0, "{what}");
        }
        "standard" => {
            assert_eq!(json["type"], event.name.as_str(), "{what}");
            assert!(json["timestamp"].is_string() && json["data"].is_object(), "{what}");
        }
        "stripe" => {
            assert_eq!(json["type"], event.name.as_str(), "{what}");
            assert_eq!(json["object"], "event", "{what}");
            assert_eq!(json["livemode"], false, "{what}");
            assert!(json["id"].as_str().unwrap().starts_with("evt_"), "{what}");
            assert!(json["created"].is_i64() && json["data"]["object"].is_object(), "{what}");
            assert!(json["api_version"].is_string(), "{what}");
        }
        "slack" if json["type"] == "event_callback" => {
            assert_eq!(json["event"]["type"], event.name.as_str(), "{what}");
        }
        "slack" => assert_eq!(json["type"], event.name.as_str(), "{what}"),
        _ => assert!(json.is_object(), "{what}"),
    }
}

#[test]
fn builtin_names_do_not_collide_within_a_provider() {
    let catalog = Catalog::builtin();
    for provider in catalog.providers() {
        let mut keys: Vec<String> = catalog.events(Some(provider)).map(|e| normalize_name(&e.name)).collect();
        let total = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), total, "{provider}");
    }
}

#[test]
fn two_renders_are_distinct_deliveries() {
    let catalog = Catalog::builtin();
    for event in catalog.events(None) {
        let first = event.render("d-1").unwrap();
        let second = event.render("d-1").unwrap();
        assert_ne!(first, second, "{}/{} renders identically", event.provider, event.name);
    }
}

#[test]
fn render_at_uses_the_given_time() {
    let catalog = Catalog::builtin();
    let at = Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap();

    let lead = catalog.find("nexadesk", "lead.created").unwrap();
    let json: Value = serde_json::from_slice(&lead.render_at("d-1", at).unwrap()).unwrap();
    assert_eq!(json["timestamp"], "2026-03-20T14:00:00.000Z");
    assert_eq!(json["data"]["created_at"], "2026-03-20T14:00:00.000Z");

    let paid = catalog.find("stripe", "payment_intent.succeeded").unwrap();
    let json: Value = serde_json::from_slice(&paid.render_at("d-1", at).unwrap()).unwrap();
    assert_eq!(json["created"], 1_774_015_200);

    let page = catalog.find("nexus", "Page_Create").unwrap();
    let xml = String::from_utf8(page.render_at("d-1", at).unwrap()).unwrap();
    assert!(xml.contains("<timestamp>2026-03-20T14:00:00.000Z</timestamp>"), "{xml}");
}
