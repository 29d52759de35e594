//! `send`'s catalog: the built-in and user fixtures, warnings about a user's
//! fixture folder, and `--list`.

use super::*;

/// The built-in catalog plus the user's `fixtures_dir`, and what of that directory was left out.
pub(crate) fn load_catalog(config: &Config) -> (Catalog, Vec<UserDirProblem>) {
    let mut catalog = Catalog::builtin();
    let problems = match config.get_str("fixtures_dir") {
        Some(dir) => catalog.add_user_dir_for(&config::expand_home(dir), &config.custom_profile_names()),
        None => Vec::new(),
    };
    (catalog, problems)
}

/// Warns of the problems in `fixtures_dir` that concern the catalog of `key` (all of
/// them for `None`), and of those with the directory itself. `sending` leaves out a
/// broken catalog of `key`'s own: its event lookup fails with that as the error.
pub(crate) fn warn_about(problems: &[UserDirProblem], key: Option<&str>, sending: bool) {
    let key = key.map(catalog::provider_key);
    for problem in problems {
        let concerns = match (&key, &problem.folder) {
            (None, _) | (_, None) => true,
            (Some(key), Some(folder)) => key == folder && !(sending && problem.provider.as_ref() == Some(key)),
        };
        if concerns {
            tracing::warn!("{problem}");
        }
    }
}

pub(super) fn list(
    args: &SendArgs,
    global: &GlobalArgs,
    config: &Config,
    catalog: &Catalog,
    problems: &[UserDirProblem],
) -> anyhow::Result<Exit> {
    let owner = match (&args.provider.provider, &args.provider.profile, &args.event) {
        (Some(p), _, _) => Some(CatalogOwner::new(p, None)),
        (None, Some(name), _) => Some(CatalogOwner::new(&config.profile(name)?.provider, Some(name))),
        // `send --list nexudus`: a provider where an event would go.
        (None, None, Some(name)) => Some(CatalogOwner::new(name, None)),
        (None, None, None) => None,
    };
    warn_about(problems, owner.as_ref().map(CatalogOwner::key), false);
    if let (Some(event), Some(owner)) = (&args.event, &owner)
        && (args.provider.provider.is_some() || args.provider.profile.is_some())
    {
        let flag = if args.provider.profile.is_some() { "--profile" } else { "--provider" };
        return Err(usage_hint(
            format!("--list lists a provider's whole catalog; it takes no event ({event:?})"),
            format!("hooktap send --list {flag} {}", owner.key()),
        ));
    }
    let events: Vec<&EventSpec> = catalog.events(owner.as_ref().map(CatalogOwner::key)).collect();
    if let (Some(owner), true) = (&owner, events.is_empty()) {
        return Err(owner.no_catalog(catalog, config.get_str("fixtures_dir")));
    }
    let mut stdout = std::io::stdout().lock();
    if global.json {
        writeln!(stdout, "{}", report::list_json(events))?;
    } else {
        write!(stdout, "{}", report::list_table(events))?;
    }
    Ok(Exit::Success)
}
