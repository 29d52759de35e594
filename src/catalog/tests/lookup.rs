//! Lenient lookup by event name and the suggestions for unknown names.

use crate::catalog::{Catalog, UnknownEvent};

#[test]
fn lookup_ignores_case_spaces_and_punctuation() {
    let catalog = Catalog::builtin();
    for spelling in ["Coworker Update", "coworker-update", "CoworkerUpdate", "coworker_update", "COWORKER UPDATE"] {
        let event = catalog.find("nexudus", spelling).unwrap();
        assert_eq!(event.name, "Coworker Update", "{spelling}");
    }
    for spelling in ["lead.created", "lead created", "LeadCreated", "lead-created"] {
        let event = catalog.find("nexadesk", spelling).unwrap();
        assert_eq!(event.name, "lead.created", "{spelling}");
    }
    assert_eq!(catalog.find("nexudus", "heldesk-message-created").unwrap().name, "HelDesk Message Created");
    assert_eq!(catalog.find("shopify", "orders-create").unwrap().name, "orders/create");
    assert_eq!(catalog.find("nexus", "page create").unwrap().name, "Page_Create");
}

#[test]
fn provider_names_are_lenient_and_svix_means_standard() {
    let catalog = Catalog::builtin();
    assert_eq!(catalog.find("Nexudus", "Team Create").unwrap().provider, "nexudus");
    assert_eq!(catalog.find("svix", "invoice.paid").unwrap().provider, "standard");
    assert_eq!(catalog.events(Some("SVIX")).count(), catalog.events(Some("standard")).count());
    assert_eq!(catalog.events(Some("nope")).count(), 0);
}

#[test]
fn unknown_event_suggests_the_three_closest_names() {
    let catalog = Catalog::builtin();
    let err = catalog.find("nexudus", "Coworker Updte").unwrap_err();
    assert!(!err.unknown_provider);
    assert_eq!(err.suggestions.len(), 3);
    assert_eq!(err.suggestions[0], "Coworker Update");
    assert_eq!(
        err.to_string(),
        format!("unknown nexudus event \"Coworker Updte\"; closest: {}", err.suggestions.join(", "))
    );

    let err = catalog.find("nexadesk", "lead.creatd").unwrap_err();
    assert_eq!(err.suggestions[0], "lead.created");

    // A fragment finds the events that contain it.
    let err = catalog.find("nexudus", "invoice refnd").unwrap_err();
    assert_eq!(err.suggestions[0], "Coworker Invoice Refund");
}

#[test]
fn unknown_provider_suggests_providers() {
    let catalog = Catalog::builtin();
    let err = catalog.find("nexudsu", "Coworker Update").unwrap_err();
    assert_eq!(
        err,
        UnknownEvent {
            provider: "nexudsu".into(),
            name: "Coworker Update".into(),
            suggestions: err.suggestions.clone(),
            unknown_provider: true,
            broken_catalog: None,
        }
    );
    assert_eq!(err.suggestions[0], "nexudus");
    assert!(err.to_string().starts_with("no event catalog for provider \"nexudsu\"; closest: nexudus"));
}
