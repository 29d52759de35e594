//! The Stripe and GitHub catalogs: the events people test most, each in the
//! provider's real payload shape, and each sent through `send`'s request
//! builder and verified with the provider's own scheme.

use http::HeaderMap;
use serde_json::Value;

use crate::catalog::{Catalog, EventSpec};
use crate::provider::{self, VerifyInput};
use crate::secret::Secret;
use crate::send::report::list_table;
use crate::send::request::{BodySource, RequestPlan};

/// The Stripe events that receivers are tested against most, in catalog order.
const STRIPE_EVENTS: [&str; 37] = [
    "checkout.session.completed",
    "checkout.session.expired",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "payment_intent.created",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.processing",
    "payment_intent.requires_action",
    "charge.succeeded",
    "charge.failed",
    "charge.refunded",
    "charge.captured",
    "charge.dispute.created",
    "charge.dispute.closed",
    "refund.created",
    "invoice.created",
    "invoice.finalized",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "invoice.upcoming",
    "invoice.payment_action_required",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "payment_method.attached",
    "setup_intent.succeeded",
    "product.created",
    "price.created",
];

/// The most used GitHub events, in catalog order, each with the key that holds
/// its own object (`ping` has no action and may lack `repository`).
const GITHUB_EVENTS: [(&str, &str); 24] = [
    ("ping", "hook"),
    ("push", "commits"),
    ("pull_request", "pull_request"),
    ("pull_request_review", "review"),
    ("pull_request_review_comment", "comment"),
    ("issues", "issue"),
    ("issue_comment", "comment"),
    ("create", "ref_type"),
    ("delete", "ref_type"),
    ("release", "release"),
    ("workflow_run", "workflow_run"),
    ("workflow_job", "workflow_job"),
    ("check_run", "check_run"),
    ("check_suite", "check_suite"),
    ("status", "state"),
    ("deployment", "deployment"),
    ("deployment_status", "deployment_status"),
    ("fork", "forkee"),
    ("star", "starred_at"),
    ("watch", "action"),
    ("repository", "repository"),
    ("member", "member"),
    ("label", "label"),
    ("discussion", "discussion"),
];

/// GitHub events whose payload has no `action`.
const GITHUB_WITHOUT_ACTION: [&str; 6] = ["ping", "push", "create", "delete", "fork", "status"];

/// `(event, JSON pointer, value)`: the fields a receiver branches on, as each event has them.
const STRIPE_STATES: &[(&str, &str, &str)] = &[
    ("checkout.session.completed", "/status", "complete"),
    ("checkout.session.completed", "/payment_status", "paid"),
    ("checkout.session.expired", "/status", "expired"),
    ("checkout.session.expired", "/payment_status", "unpaid"),
    ("checkout.session.async_payment_succeeded", "/payment_status", "paid"),
    ("checkout.session.async_payment_failed", "/status", "complete"),
    ("checkout.session.async_payment_failed", "/payment_status", "unpaid"),
    ("payment_intent.created", "/status", "requires_payment_method"),
    ("payment_intent.succeeded", "/status", "succeeded"),
    ("payment_intent.payment_failed", "/status", "requires_payment_method"),
    ("payment_intent.payment_failed", "/last_payment_error/code", "card_declined"),
    ("payment_intent.canceled", "/status", "canceled"),
    ("payment_intent.processing", "/status", "processing"),
    ("payment_intent.requires_action", "/status", "requires_action"),
    ("payment_intent.requires_action", "/next_action/type", "redirect_to_url"),
    ("charge.succeeded", "/status", "succeeded"),
    ("charge.failed", "/status", "failed"),
    ("charge.failed", "/failure_code", "card_declined"),
    ("charge.captured", "/status", "succeeded"),
    ("charge.dispute.created", "/status", "needs_response"),
    ("charge.dispute.closed", "/status", "won"),
    ("refund.created", "/status", "succeeded"),
    ("invoice.created", "/status", "draft"),
    ("invoice.finalized", "/status", "open"),
    ("invoice.paid", "/status", "paid"),
    ("invoice.payment_succeeded", "/status", "paid"),
    ("invoice.payment_failed", "/status", "open"),
    ("invoice.upcoming", "/billing_reason", "upcoming"),
    ("invoice.payment_action_required", "/status", "open"),
    ("customer.subscription.created", "/status", "active"),
    ("customer.subscription.deleted", "/status", "canceled"),
    ("customer.subscription.trial_will_end", "/status", "trialing"),
    ("customer.subscription.paused", "/status", "paused"),
    ("customer.subscription.resumed", "/status", "active"),
    ("setup_intent.succeeded", "/status", "succeeded"),
];

/// `(event, JSON pointer, value)` for GitHub: the action or state each fixture shows.
const GITHUB_STATES: &[(&str, &str, &str)] = &[
    ("pull_request_review", "/review/state", "approved"),
    ("workflow_run", "/workflow_run/conclusion", "success"),
    ("workflow_job", "/workflow_job/status", "completed"),
    ("check_run", "/check_run/status", "completed"),
    ("check_suite", "/check_suite/conclusion", "success"),
    ("deployment_status", "/deployment_status/state", "success"),
    ("create", "/ref_type", "branch"),
    ("delete", "/ref_type", "branch"),
    ("watch", "/action", "started"),
    ("status", "/state", "success"),
];

/// The id prefix of each Stripe object type.
const STRIPE_PREFIXES: [(&str, &str); 12] = [
    ("checkout.session", "cs_test_"),
    ("payment_intent", "pi_"),
    ("charge", "ch_"),
    ("dispute", "dp_"),
    ("refund", "re_"),
    ("invoice", "in_"),
    ("customer", "cus_"),
    ("subscription", "sub_"),
    ("payment_method", "pm_"),
    ("setup_intent", "seti_"),
    ("product", "prod_"),
    ("price", "price_"),
];

/// Fields that name another Stripe object by id, wherever they appear, and the
/// prefixes that id may have (bank debits charge as `py_`).
const STRIPE_REFERENCES: [(&str, &[&str]); 10] = [
    ("customer", &["cus_"]),
    ("payment_intent", &["pi_"]),
    ("subscription", &["sub_"]),
    ("charge", &["ch_"]),
    ("latest_charge", &["ch_", "py_"]),
    ("payment_method", &["pm_"]),
    ("default_payment_method", &["pm_"]),
    ("latest_invoice", &["in_"]),
    ("invoice", &["in_"]),
    ("product", &["prod_"]),
];

/// Stripe times that are unix seconds, besides `created` and `*_at`.
const STRIPE_TIMES: [&str; 12] = [
    "available_on",
    "billing_cycle_anchor",
    "cancel_at",
    "current_period_end",
    "current_period_start",
    "due_by",
    "ended_at",
    "next_payment_attempt",
    "period_end",
    "period_start",
    "start_date",
    "trial_end",
];

fn render(spec: &EventSpec) -> Value {
    let what = format!("{}/{}", spec.provider, spec.name);
    let body = spec.render("d-1").unwrap_or_else(|err| panic!("{what}: {err}"));
    serde_json::from_slice(&body).unwrap_or_else(|err| panic!("{what}: not JSON: {err}"))
}

/// The object type a Stripe event is about: `charge.dispute.created` is about a
/// dispute, `customer.subscription.updated` about a subscription.
fn stripe_object_type(event: &str) -> &str {
    let resource = event.rsplit_once('.').map_or(event, |(resource, _)| resource);
    match resource {
        "charge.dispute" => "dispute",
        "customer.subscription" => "subscription",
        other => other,
    }
}

#[test]
fn stripe_has_the_most_tested_events() {
    let catalog = Catalog::builtin();
    let names: Vec<String> = catalog.events(Some("stripe")).map(|e| e.name.clone()).collect();
    assert!(names.len() >= 30, "only {} Stripe events", names.len());
    for name in STRIPE_EVENTS {
        let spec = catalog.find("stripe", name).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(spec.name, name, "found under another spelling");
        assert!(spec.named_by_provider, "{name}");
        assert_eq!(spec.file, format!("stripe/{}.json", name.replace(['.', '_'], "-")), "{name}");
    }
    assert_eq!(names, STRIPE_EVENTS, "a new event belongs in STRIPE_EVENTS too");
}

#[test]
fn github_has_the_most_used_events() {
    let catalog = Catalog::builtin();
    let names: Vec<String> = catalog.events(Some("github")).map(|e| e.name.clone()).collect();
    assert!(names.len() >= 20, "only {} GitHub events", names.len());
    for (name, _) in GITHUB_EVENTS {
        let spec = catalog.find("github", name).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(spec.name, name, "found under another spelling");
        assert!(spec.named_by_provider, "{name}");
        assert_eq!(spec.file, format!("github/{}.json", name.replace('_', "-")), "{name}");
    }
    let listed: Vec<&str> = GITHUB_EVENTS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, listed, "a new event belongs in GITHUB_EVENTS too");
}

#[test]
fn send_list_shows_them() {
    let catalog = Catalog::builtin();
    for (provider, at_least) in [("stripe", 30), ("github", 20)] {
        let table = list_table(catalog.events(Some(provider)));
        let rows = table.lines().skip(1).filter(|line| line.starts_with(provider)).count();
        assert!(rows >= at_least, "send --list --provider {provider} shows {rows} events:\n{table}");
    }
}

#[test]
fn stripe_payloads_have_the_object_each_event_is_about() {
    let catalog = Catalog::builtin();
    for spec in catalog.events(Some("stripe")) {
        let name = spec.name.as_str();
        let json = render(spec);
        assert_eq!(json["type"], name);
        assert_eq!(json["object"], "event", "{name}");
        assert_eq!(json["livemode"], false, "{name}");
        assert!(json["id"].as_str().is_some_and(|id| id.starts_with("evt_")), "{name}");
        assert!(json["pending_webhooks"].is_u64(), "{name}");
        let request = json["request"].as_object().unwrap_or_else(|| panic!("{name}: no request"));
        assert!(request.contains_key("id") && request.contains_key("idempotency_key"), "{name}");

        let object = &json["data"]["object"];
        let kind = stripe_object_type(name);
        assert_eq!(object["object"], kind, "{name}");
        // Every object but a refund says which mode it was made in.
        assert!(object.get("livemode").is_none_or(|mode| mode == false), "{name}");
        assert!(object.get("livemode").is_some() || kind == "refund", "{name}: no livemode");
        let prefix = STRIPE_PREFIXES.iter().find(|(k, _)| *k == kind).map(|(_, p)| *p);
        let prefix = prefix.unwrap_or_else(|| panic!("{name}: no id prefix known for {kind}"));
        match object.get("id") {
            // An upcoming invoice is a preview: Stripe sends it without an id.
            None => assert_eq!(name, "invoice.upcoming", "{name}: no id"),
            Some(id) => assert!(id.as_str().is_some_and(|id| id.starts_with(prefix)), "{name}: id {id}"),
        }

        if let Some(previous) = json["data"].get("previous_attributes") {
            let previous = previous.as_object().unwrap_or_else(|| panic!("{name}: previous_attributes"));
            assert!(!previous.is_empty(), "{name}: empty previous_attributes");
            for (key, old) in previous {
                let now = object.get(key).unwrap_or_else(|| panic!("{name}: previous {key} is not a field"));
                assert_ne!(now, old, "{name}: {key} did not change");
            }
        } else {
            assert!(!name.ends_with(".updated"), "{name}: an update without previous_attributes");
        }

        check_stripe_values(name, &json, "");
    }
}

/// Walks the event: ids that name other objects carry their prefix, amounts are
/// whole cents and times are unix seconds.
fn check_stripe_values(event: &str, value: &Value, path: &str) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields {
                let at = format!("{path}/{key}");
                if let (Some((_, prefixes)), Some(id)) =
                    (STRIPE_REFERENCES.iter().find(|(field, _)| field == key), value.as_str())
                {
                    assert!(prefixes.iter().any(|p| id.starts_with(p)), "{event}: {at} = {id}");
                }
                let amount = key.starts_with("amount") || matches!(key.as_str(), "subtotal" | "total" | "unit_amount");
                let time = key == "created" || key.ends_with("_at") || STRIPE_TIMES.contains(&key.as_str());
                if (amount || time) && !value.is_null() {
                    assert!(value.is_i64(), "{event}: {at} = {value} is not a whole number");
                }
                check_stripe_values(event, value, &at);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_stripe_values(event, item, &format!("{path}/{i}"));
            }
        }
        _ => {}
    }
}

#[test]
fn stripe_statuses_match_their_events() {
    let catalog = Catalog::builtin();
    for (name, pointer, expected) in STRIPE_STATES {
        let json = render(catalog.find("stripe", name).unwrap());
        let found = json["data"]["object"].pointer(pointer);
        assert_eq!(found.and_then(Value::as_str), Some(*expected), "{name}: {pointer}");
    }
    // Amounts agree with what was paid.
    for name in ["invoice.paid", "invoice.payment_succeeded"] {
        let json = render(catalog.find("stripe", name).unwrap());
        let invoice = &json["data"]["object"];
        assert_eq!(invoice["amount_paid"], invoice["amount_due"], "{name}");
        assert_eq!(invoice["amount_remaining"], 0, "{name}");
        assert_eq!(invoice["paid"], true, "{name}");
    }
    let json = render(catalog.find("stripe", "customer.subscription.trial_will_end").unwrap());
    let (created, trial_end) =
        (json["created"].as_i64().unwrap(), json["data"]["object"]["trial_end"].as_i64().unwrap());
    assert_eq!(trial_end - created, 3 * 86_400, "trial_will_end is sent three days ahead");
}

#[test]
fn github_payloads_have_the_real_top_level_shape() {
    let catalog = Catalog::builtin();
    for (name, own) in GITHUB_EVENTS {
        let json = render(catalog.find("github", name).unwrap());
        let sender = &json["sender"];
        assert!(sender["login"].is_string() && sender["id"].is_u64(), "{name}: sender");
        if name == "ping" {
            // A repository hook's ping has the repository; an organization's or an app's does not.
            assert!(json["zen"].is_string() && json["hook_id"].is_u64(), "ping");
        } else {
            assert!(json["repository"]["full_name"].is_string(), "{name}: repository");
            assert!(json["repository"]["owner"]["login"].is_string(), "{name}: repository owner");
            assert!(json["installation"]["id"].is_u64(), "{name}: installation");
        }
        if GITHUB_WITHOUT_ACTION.contains(&name) {
            assert!(json.get("action").is_none(), "{name} has no action");
        } else {
            assert!(json["action"].is_string(), "{name}: action");
        }
        assert!(json.get(own).is_some_and(|v| !v.is_null()), "{name}: no {own}");
        check_github_times(name, &json, "");
    }
    for (name, pointer, expected) in GITHUB_STATES {
        let json = render(catalog.find("github", name).unwrap());
        assert_eq!(json.pointer(pointer).and_then(Value::as_str), Some(*expected), "{name}: {pointer}");
    }
}

/// GitHub writes `*_at` times as ISO 8601 strings (a push's repository aside).
fn check_github_times(event: &str, value: &Value, path: &str) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields {
                let at = format!("{path}/{key}");
                if key.ends_with("_at") && !value.is_null() {
                    let text = value.as_str().unwrap_or_else(|| panic!("{event}: {at} = {value}"));
                    assert!(chrono::DateTime::parse_from_rfc3339(text).is_ok(), "{event}: {at} = {text}");
                }
                check_github_times(event, value, &at);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_github_times(event, item, &format!("{path}/{i}"));
            }
        }
        _ => {}
    }
}

#[test]
fn every_stripe_and_github_event_is_sent_and_verified() {
    // `send`'s own test walks every fixture; this one runs with the catalog's
    // tests and checks what these two providers' receivers read.
    let catalog = Catalog::builtin();
    let secret = Secret::new("whsec_test");
    for provider_name in ["stripe", "github"] {
        let p = provider::lookup(provider_name).unwrap();
        for spec in catalog.events(Some(provider_name)) {
            let what = format!("{provider_name} {}", spec.name);
            let plan = RequestPlan {
                provider: p.clone(),
                secret: secret.clone(),
                event: Some(spec.name.clone()),
                body: BodySource::Event(spec.clone()),
                edits: Vec::new(),
                content_type: spec.content_type.clone(),
                auth: None,
                extra: HeaderMap::new(),
            };
            let sent = plan.build().unwrap_or_else(|err| panic!("{what}: {err}"));
            let input = VerifyInput {
                headers: &sent.headers,
                body: &sent.body,
                secret: &secret,
                now: sent.timestamp,
                tolerance: None,
            };
            let verified = p.verify(&input);
            assert!(verified.is_ok(), "{what}: {verified:?}");
            let wrong = Secret::new("whsec_other");
            assert!(p.verify(&VerifyInput { secret: &wrong, ..input }).is_err(), "{what}: any secret verifies");

            assert_eq!(p.event_type(&sent.headers, &sent.body).as_deref(), Some(spec.name.as_str()), "{what}");
            let id = p.delivery_id(&sent.headers, &sent.body).unwrap_or_else(|| panic!("{what}: no delivery id"));
            let json: Value = serde_json::from_slice(&sent.body).unwrap();
            match provider_name {
                "stripe" => {
                    assert_eq!(json["id"], id.as_str(), "{what}");
                    // Stripe's event is created when it is signed; a receiver that
                    // compares the two finds them together.
                    let created = json["created"].as_i64().unwrap();
                    assert!(
                        (sent.timestamp - created).abs() <= 5,
                        "{what}: created {created}, signed {}",
                        sent.timestamp
                    );
                }
                _ => {
                    assert_eq!(sent.headers["x-github-event"], spec.name.as_str(), "{what}");
                    assert_eq!(sent.headers["x-github-delivery"], id.as_str(), "{what}");
                }
            }
        }
    }
}
