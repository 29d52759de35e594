//! User fixture directories: adding and overriding events, and reporting
//! mistakes with the file and line at fault.

use std::fs;
use std::path::Path;

use crate::catalog::{Catalog, EventSource, TemplateError};

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn load_err(dir: &Path) -> String {
    let err = Catalog::builtin().with_user_dir(dir).unwrap_err();
    format!("{err:#}")
}

#[test]
fn user_dir_adds_events_and_providers_and_overrides_builtin_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "nexadesk/catalog.toml",
        r#"
[[event]]
name = "ticket.escalated"
file = "escalated.json"
description = "Our own event"
named_by_provider = false

[[event]]
name = "Lead Created"
file = "lead.json"
"#,
    );
    write(dir.path(), "nexadesk/escalated.json", r#"{"event": "{{event}}", "id": "{{uuid}}"}"#);
    write(dir.path(), "nexadesk/lead.json", r#"{"event": "lead.created", "mine": true}"#);
    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"widget.made\"\nfile = \"made.xml\"\n");
    write(dir.path(), "acme/made.xml", "<made>{{int}}</made>");
    write(dir.path(), "README.md", "not a provider");
    fs::create_dir_all(dir.path().join(".git")).unwrap();

    let builtin_count = Catalog::builtin().events(Some("nexadesk")).count();
    let catalog = Catalog::builtin().with_user_dir(dir.path()).unwrap();

    assert!(catalog.providers().contains(&"acme"));
    let made = catalog.find("acme", "widget made").unwrap();
    assert_eq!(made.content_type, "text/xml");
    assert!(made.named_by_provider);
    assert_eq!(made.source, EventSource::UserDir(dir.path().join("acme").join("made.xml")));

    let escalated = catalog.find("nexadesk", "ticket-escalated").unwrap();
    let body = String::from_utf8(escalated.render("d-1").unwrap()).unwrap();
    assert!(body.starts_with(r#"{"event": "ticket.escalated""#), "{body}");

    // "Lead Created" normalizes like "lead.created", so it replaces the built-in one in place.
    assert_eq!(catalog.events(Some("nexadesk")).count(), builtin_count + 1);
    let lead = catalog.find("nexadesk", "lead.created").unwrap();
    assert_eq!(lead.name, "Lead Created");
    assert_eq!(lead.template(), r#"{"event": "lead.created", "mine": true}"#);
    assert!(matches!(lead.source, EventSource::UserDir(_)));
    assert!(catalog.find("nexudus", "Coworker Update").is_ok());
}

#[test]
fn bad_manifest_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nexadesk/catalog.toml", "[[event]]\nname = \"a.b\"\nfile = \"a.json\"\nflavour = \"x\"\n");
    write(dir.path(), "nexadesk/a.json", "{}");
    let message = load_err(dir.path());
    let manifest = dir.path().join("nexadesk").join("catalog.toml");
    assert!(message.starts_with(&format!("{}:4:", manifest.display())), "{message}");
    assert!(message.contains("flavour"), "{message}");

    write(dir.path(), "nexadesk/catalog.toml", "[[event]\nname = 1\n");
    let message = load_err(dir.path());
    assert!(message.starts_with(&format!("{}:1:", manifest.display())), "{message}");
}

#[test]
fn colliding_names_are_a_catalog_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "acme/catalog.toml",
        "[[event]]\nname = \"Order Paid\"\nfile = \"a.json\"\n\n\
         [[event]]\nname = \"order.paid\"\nfile = \"a.json\"\n",
    );
    write(dir.path(), "acme/a.json", "{}");
    let message = load_err(dir.path());
    let manifest = dir.path().join("acme").join("catalog.toml");
    assert!(message.starts_with(&format!("{}:5:", manifest.display())), "{message}");
    assert!(message.contains("\"order.paid\"") && message.contains("\"Order Paid\""), "{message}");
}

#[test]
fn missing_payload_unknown_extension_and_missing_manifest_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"x\"\nfile = \"gone.json\"\n");
    assert!(load_err(dir.path()).contains("gone.json"));

    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"x\"\nfile = \"x.bin\"\n");
    write(dir.path(), "acme/x.bin", "..");
    assert!(load_err(dir.path()).contains("content_type"));

    write(
        dir.path(),
        "acme/catalog.toml",
        "[[event]]\nname = \"x\"\nfile = \"x.bin\"\ncontent_type = \"application/octet-stream\"\n",
    );
    let catalog = Catalog::builtin().with_user_dir(dir.path()).unwrap();
    assert_eq!(catalog.find("acme", "x").unwrap().content_type, "application/octet-stream");

    fs::create_dir_all(dir.path().join("empty")).unwrap();
    assert!(load_err(dir.path()).contains("catalog.toml"));

    let gone = dir.path().join("does-not-exist");
    assert!(load_err(&gone).contains("does-not-exist"));
}

#[test]
fn broken_template_in_user_dir_names_file_and_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"x\"\nfile = \"x.json\"\n");
    write(dir.path(), "acme/x.json", "{\n  \"id\": \"{{guid}}\"\n}\n");
    let err = Catalog::builtin().with_user_dir(dir.path()).unwrap_err();
    let file = dir.path().join("acme").join("x.json").display().to_string();
    let template = err.downcast_ref::<TemplateError>().expect("a template error");
    assert_eq!(*template, TemplateError::UnknownPlaceholder { file, line: 2, placeholder: "guid".into() });

    write(dir.path(), "acme/x.json", "{\"id\": \"{{uuid\"}\n");
    let message = load_err(dir.path());
    assert!(message.contains("x.json:1:") && message.contains("not closed"), "{message}");
}
