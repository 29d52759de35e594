//! Lenient event and provider name matching, and "closest name" suggestions.

/// The matching key for an event name: lowercase, with every character that
/// is not a letter or digit dropped.
///
/// Providers spell events in many styles (`Coworker Update`, `lead.created`,
/// `orders/create`) and users type them in others (`coworker-update`,
/// `CoworkerUpdate`, `LEAD_CREATED`); all of those reduce to one key.
pub fn normalize_name(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The catalog directory a provider name refers to.
///
/// Provider names are case-insensitive, and `svix` is the Standard Webhooks
/// scheme under the name most people know it by.
pub fn provider_key(provider: &str) -> String {
    let key = provider.trim().to_lowercase();
    match key.as_str() {
        "svix" => "standard".to_owned(),
        _ => key,
    }
}

/// The `limit` candidates closest to `query`, best first.
///
/// Similarity is measured on normalized keys so that spelling style does not
/// count as a difference. A candidate that contains the query (or is contained
/// in it) gets a bonus: someone typing `invoice paid` most likely means
/// `Coworker Invoice Paid`, even though the edit distance is large. Ties keep
/// catalog order, which groups related events together.
pub(crate) fn closest<'a, I>(query: &str, candidates: I, limit: usize) -> Vec<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let query = normalize_name(query);
    let mut scored: Vec<(f64, &str)> =
        candidates.into_iter().map(|candidate| (score(&query, &normalize_name(candidate)), candidate)).collect();
    // A stable sort, so equal scores stay in catalog order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(limit).map(|(_, name)| name.to_owned()).collect()
}

fn score(query: &str, candidate: &str) -> f64 {
    let similarity = strsim::normalized_damerau_levenshtein(query, candidate);
    let contains = !query.is_empty() && (candidate.contains(query) || query.contains(candidate));
    if contains { similarity + 1.0 } else { similarity }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_event_share_a_key() {
        let key = normalize_name("Coworker Update");
        for spelling in
            ["coworker-update", "CoworkerUpdate", "coworker_update", "COWORKER UPDATE", " Coworker  Update "]
        {
            assert_eq!(normalize_name(spelling), key, "{spelling}");
        }
        let key = normalize_name("lead.created");
        for spelling in ["lead created", "LeadCreated", "lead-created", "LEAD_CREATED"] {
            assert_eq!(normalize_name(spelling), key, "{spelling}");
        }
    }

    #[test]
    fn distinct_events_keep_distinct_keys() {
        assert_ne!(normalize_name("Coworker Contract Activate"), normalize_name("Coworker Contract Activate First"));
        assert_ne!(normalize_name("lead.created"), normalize_name("lead.updated"));
    }

    #[test]
    fn provider_names_are_case_insensitive_and_svix_is_standard() {
        assert_eq!(provider_key("Nexudus"), "nexudus");
        assert_eq!(provider_key("SVIX"), "standard");
        assert_eq!(provider_key("standard"), "standard");
    }

    #[test]
    fn closest_prefers_small_edits_then_containment() {
        let names = ["Team Create", "Coworker Update", "Coworker Create", "Booking Delete"];
        assert_eq!(closest("Coworker Updte", names, 1), ["Coworker Update"]);
        assert_eq!(closest("team", names, 1), ["Team Create"]);
        assert_eq!(closest("x", names, 10).len(), 4);
        assert!(closest("x", [], 3).is_empty());
    }
}
