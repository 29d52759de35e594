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

/// Loads `dir` on top of the built-in catalog, expecting the `provider` folder
/// to be reported broken; returns that problem's message, which lookups of
/// the provider's events fail with.
fn broken(dir: &Path, provider: &str) -> String {
    let mut catalog = Catalog::builtin();
    let problems = catalog.add_user_dir(dir);
    let problem = problems
        .iter()
        .find(|p| p.provider.as_deref() == Some(provider))
        .unwrap_or_else(|| panic!("no problem for {provider} in {problems:?}"));
    let err = catalog.find(provider, "anything").unwrap_err();
    assert_eq!(err.broken_catalog.as_deref(), Some(problem.message.as_str()));
    assert_eq!(err.to_string(), problem.message);
    problem.message.clone()
}

/// The part of a problem's message after `fixtures_dir: `.
fn detail(message: &str) -> &str {
    message.strip_prefix("fixtures_dir: ").unwrap_or_else(|| panic!("{message}"))
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
    let mut catalog = Catalog::builtin();
    assert_eq!(catalog.add_user_dir(dir.path()), vec![], "README.md and .git are not provider folders");

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
    let message = broken(dir.path(), "nexadesk");
    let manifest = dir.path().join("nexadesk").join("catalog.toml");
    assert!(detail(&message).starts_with(&format!("{}:4:", manifest.display())), "{message}");
    assert!(message.contains("flavour"), "{message}");
    assert!(message.contains("nexadesk events cannot be sent until it is fixed"), "{message}");

    write(dir.path(), "nexadesk/catalog.toml", "[[event]\nname = 1\n");
    let message = broken(dir.path(), "nexadesk");
    assert!(detail(&message).starts_with(&format!("{}:1:", manifest.display())), "{message}");
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
    let message = broken(dir.path(), "acme");
    let manifest = dir.path().join("acme").join("catalog.toml");
    assert!(detail(&message).starts_with(&format!("{}:5:", manifest.display())), "{message}");
    assert!(message.contains("\"order.paid\"") && message.contains("\"Order Paid\""), "{message}");
}

#[test]
fn missing_payload_and_unknown_extension_break_only_their_provider() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"x\"\nfile = \"gone.json\"\n");
    assert!(broken(dir.path(), "acme").contains("gone.json"));

    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"x\"\nfile = \"x.bin\"\n");
    write(dir.path(), "acme/x.bin", "..");
    assert!(broken(dir.path(), "acme").contains("content_type"));

    // Other providers, built-in or the user's, are looked up as usual.
    write(dir.path(), "zeta/catalog.toml", "[[event]]\nname = \"y\"\nfile = \"y.json\"\n");
    write(dir.path(), "zeta/y.json", "{}");
    let mut catalog = Catalog::builtin();
    assert_eq!(catalog.add_user_dir(dir.path()).len(), 1);
    assert!(catalog.find("zeta", "y").is_ok());
    assert!(catalog.find("nexadesk", "lead.created").is_ok());
    assert!(!catalog.providers().contains(&"acme"));

    write(
        dir.path(),
        "acme/catalog.toml",
        "[[event]]\nname = \"x\"\nfile = \"x.bin\"\ncontent_type = \"application/octet-stream\"\n",
    );
    let mut catalog = Catalog::builtin();
    assert_eq!(catalog.add_user_dir(dir.path()), vec![]);
    assert_eq!(catalog.find("acme", "x").unwrap().content_type, "application/octet-stream");
}

/// Regression: an empty provider folder (just created, catalog not written yet)
/// made every send fail, even `send --list --provider github`.
#[test]
fn a_folder_without_catalog_toml_is_skipped_with_a_problem_that_says_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("github")).unwrap();
    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"x\"\nfile = \"x.json\"\n");
    write(dir.path(), "acme/x.json", "{}");
    let mut catalog = Catalog::builtin();
    let problems = catalog.add_user_dir(dir.path());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let github = dir.path().join("github");
    assert_eq!(problems[0].provider, None, "nothing depends on a skipped folder");
    let message = &problems[0].message;
    assert!(message.contains(&format!("{} holds no catalog.toml, so it is skipped", github.display())), "{message}");
    assert!(message.contains(&github.join("catalog.toml").display().to_string()), "{message}");
    assert!(message.contains("[[event]]"), "{message}");
    assert_eq!(catalog.events(Some("github")).count(), Catalog::builtin().events(Some("github")).count());
    assert!(catalog.find("github", "push").is_ok());
    assert!(catalog.find("acme", "x").is_ok());
    assert_eq!(problems[0].folder.as_deref(), Some("github"));
}

#[test]
fn a_folder_named_after_no_provider_or_custom_profile_is_said_to_be_so() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["noprov", "inhouse"] {
        fs::create_dir_all(dir.path().join(name)).unwrap();
    }
    let problems = Catalog::builtin().add_user_dir_for(dir.path(), &["inhouse".to_string()]);
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages[0].contains("to add inhouse events, list them in"), "{messages:?}");
    assert!(messages[1].contains("noprov is not a provider or custom profile name"), "{messages:?}");
    // Not knowing the profiles, it cannot say a name is none of theirs.
    let problems = Catalog::builtin().add_user_dir(dir.path());
    assert!(problems[1].message.contains("noprov is not a provider name; if it is a custom profile's"), "{problems:?}");
}

#[test]
fn a_missing_fixtures_dir_leaves_the_built_in_events() {
    let dir = tempfile::tempdir().unwrap();
    for (path, what) in
        [(dir.path().join("does-not-exist"), "does not exist"), (dir.path().join("file"), "is not a directory")]
    {
        write(dir.path(), "file", "");
        let mut catalog = Catalog::builtin();
        let problems = catalog.add_user_dir(&path);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].provider, None);
        let message = &problems[0].message;
        assert!(message.contains(&format!("{} {what}", path.display())), "{message}");
        assert!(message.contains("only built-in events are available"), "{message}");
        assert_eq!(catalog.events(None).count(), Catalog::builtin().events(None).count());
    }
}

#[test]
fn broken_template_in_user_dir_names_file_and_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme/catalog.toml", "[[event]]\nname = \"x\"\nfile = \"x.json\"\n");
    write(dir.path(), "acme/x.json", "{\n  \"id\": \"{{guid}}\"\n}\n");
    let file = dir.path().join("acme").join("x.json").display().to_string();
    let template = TemplateError::UnknownPlaceholder { file, line: 2, placeholder: "guid".into() };
    let message = broken(dir.path(), "acme");
    assert!(detail(&message).starts_with(&template.to_string()), "{message}");

    write(dir.path(), "acme/x.json", "{\"id\": \"{{uuid\"}\n");
    let message = broken(dir.path(), "acme");
    assert!(message.contains("x.json:1:") && message.contains("not closed"), "{message}");
}
