//! Where a replay goes: `--to` (a URL with a path is the exact destination and keeps
//! the original query; one without a path gets the original path too), else where
//! the delivery itself went: the URL the relay forwarded it to through its route, or
//! the exact URL `send` or an earlier replay sent it to.

use super::Skip;
use crate::send::input::{Target, parse_url};
use crate::store::Delivery;

/// Parses `--to`; a URL without a scheme (`localhost:3000/hook`) means `http://`.
pub fn parse_to(text: &str) -> anyhow::Result<Target> {
    let text = text.trim();
    if text.contains("://") { parse_url(text) } else { parse_url(&format!("http://{text}")) }
}

/// The URL `d` is replayed to.
pub fn url_for(d: &Delivery, to: Option<&Target>) -> Result<String, Skip> {
    if let Some(to) = to {
        return Ok(to_url(to, &d.path, d.query.as_deref()));
    }
    match (&d.target, &d.route) {
        // Received on a route: where the relay sent it (the route's target plus the path
        // beyond the route's prefix, and the query).
        (Some(target), Some(route)) => {
            Ok(crate::relay::routes::forward_url(target, route, &d.path, d.query.as_deref()))
        }
        // `send` and `replay` record the exact URL they sent to.
        (Some(target), None) => Ok(target.clone()),
        (None, _) => Err(Skip::new("it has no target: it was recorded without forwarding", "pass --to URL")),
    }
}

/// `--to` for a delivery received at `path` with `query`.
fn to_url(to: &Target, path: &str, query: Option<&str>) -> String {
    let (base, to_query) = match to.url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (to.url.as_str(), None),
    };
    let mut url = base.to_owned();
    if matches!(to.uri.path(), "" | "/") {
        url.truncate(url.trim_end_matches('/').len());
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(path);
    }
    let queries: Vec<&str> = [to_query, query].into_iter().flatten().filter(|q| !q.is_empty()).collect();
    if !queries.is_empty() {
        url.push('?');
        url.push_str(&queries.join("&"));
    }
    url
}
