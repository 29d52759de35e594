//! Where a replay goes. `--to` follows `listen --forward-to`'s rule: a URL with a path
//! is the exact destination and keeps the original query; one without a path gets the
//! original path too. Without `--to`, a delivery goes where it went before: where the
//! relay forwarded it (its route's target by the same rules the relay used), or the
//! exact URL `send` or an earlier replay sent it to.

use super::Skip;
use crate::relay::routes::destination;
use crate::send::input::Target;
use crate::store::Delivery;

/// The targets of configured catch-all (`/`) routes, as the relay reads them: a delivery
/// on `/` to one of these was forwarded by the configuration's rule, any other on `/`
/// by `--forward-to`'s (flags make only the catch-all route, and replace a configured one).
#[derive(Debug, Clone, Default)]
pub struct Routes(Vec<String>);

impl Routes {
    /// The catch-all routes of `config`; a target that cannot be used is left out.
    pub fn of(config: &crate::config::Config) -> Routes {
        let root = config.routes.iter().filter(|r| r.path.trim_end_matches('/').is_empty());
        let targets = root.filter_map(|r| crate::net::url::http_url(r.forward_to.as_deref()?, "").ok());
        Routes(targets.map(|url| url.text).collect())
    }
}

/// The URL `d` is replayed to.
pub fn url_for(d: &Delivery, to: Option<&Target>, routes: &Routes) -> Result<String, Skip> {
    let query = d.query.as_deref();
    if let Some(to) = to {
        return Ok(destination(&to.url, has_path(&to.uri), "/", &d.path, query));
    }
    match (&d.target, &d.route) {
        (Some(target), Some(route)) => {
            // `--forward-to` with a path is exact; a configured route appends what follows its prefix.
            let from_flag = route == "/" && !routes.0.contains(target);
            let exact = from_flag && target.parse::<http::Uri>().is_ok_and(|u| has_path(&u));
            Ok(destination(target, exact, route, &d.path, query))
        }
        // `send` and `replay` record the exact URL they sent to.
        (Some(target), None) => Ok(target.clone()),
        (None, _) => Err(Skip::new("it has no target: it was recorded without forwarding", "pass --to URL")),
    }
}

fn has_path(uri: &http::Uri) -> bool {
    !matches!(uri.path(), "" | "/")
}
