//! The route table: path prefix → signer, target, event filter, ack mode. Longest prefix wins.

use std::sync::Arc;
use std::time::Duration;

use crate::config::Signer;
use crate::error::usage_hint;
use crate::store::query::normalize;

/// When the relay answers the sender of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AckMode {
    /// 200 with an empty body as soon as the delivery is stored
    Immediate,
    /// Wait for the local app and return its answer
    Passthrough,
}

impl AckMode {
    /// The answer mode of routes that set none: `flag` (`--ack`) when given, else the
    /// `listen.ack` setting, else immediate. The one place this default is decided.
    pub fn default_for(flag: Option<AckMode>, config: &crate::config::Config) -> AckMode {
        match (flag, config.get_str("listen.ack")) {
            (Some(a), _) => a,
            (None, Some("passthrough")) => AckMode::Passthrough,
            _ => AckMode::Immediate,
        }
    }
}

/// Where a route forwards to: an absolute `http://` or `https://` URL, and how a
/// delivery's own path joins it (see [`Route::destination`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    url: String,
    exact: bool,
}

impl Target {
    /// A configured route's target: the path after the route's prefix is appended
    /// (`/webhooks/nexadesk` → `http://localhost:3000/hooks` sends `/webhooks/nexadesk/x`
    /// to `/hooks/x`). A URL without a scheme means `http://`.
    pub fn parse(url: &str) -> anyhow::Result<Target> {
        let url = crate::net::url::http_url(url, "forward target")?;
        Ok(Target { url: url.text, exact: false })
    }

    /// `--forward-to`'s target, as `proxy_pass` and Stripe read one: with a path it is
    /// the exact destination (the delivery's query kept); without one, the delivery's
    /// path is appended.
    pub fn parse_flag(url: &str) -> anyhow::Result<Target> {
        let url = crate::net::url::http_url(url, "--forward-to")?;
        let exact = url.has_path();
        Ok(Target { url: url.text, exact })
    }

    /// The URL as given (with `http://` when it had no scheme).
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Whether every delivery goes to this URL itself, whatever its path.
    pub fn is_exact(&self) -> bool {
        self.exact
    }
}

/// One route.
#[derive(Debug, Clone)]
pub struct Route {
    /// Path prefix, without a trailing slash (except the root `/`).
    pub path: String,
    /// Verifies deliveries; `None` records them unchecked.
    pub signer: Option<Signer>,
    /// Where deliveries go; `None` records and answers 200.
    pub target: Option<Target>,
    /// Event types to forward, as given; empty forwards all.
    pub events: Vec<String>,
    /// The same in lenient form (`Coworker Update` = `coworker-update`), for matching.
    event_keys: Vec<String>,
    /// When the provider gets its answer.
    pub ack: AckMode,
    /// Event name for providers that send none.
    pub event: Option<String>,
    /// How long a passthrough answer may take: `--forward-timeout`, else the provider's timeout.
    pub passthrough_timeout: Duration,
}

impl Route {
    /// A route that records everything under `path` and forwards nothing.
    pub fn record_only(path: &str) -> Route {
        Route {
            path: normalize_prefix(path),
            signer: None,
            target: None,
            events: Vec::new(),
            event_keys: Vec::new(),
            ack: AckMode::Immediate,
            event: None,
            passthrough_timeout: Duration::from_secs(10),
        }
    }

    /// A route; `forward_timeout` (the flag) overrides the provider's timeout for passthrough.
    pub fn new(
        path: &str,
        signer: Option<Signer>,
        target: Option<Target>,
        events: &[String],
        ack: AckMode,
        event: Option<String>,
        forward_timeout: Option<Duration>,
    ) -> anyhow::Result<Route> {
        if !path.starts_with('/') {
            return Err(usage_hint(
                format!("route path {path:?} must start with '/'"),
                "e.g. path = \"/webhooks/github\"",
            ));
        }
        // A tenth of the provider's timeout is left for the network, so the provider
        // hears our 504 before it gives up on its own (Nexus: 900 ms of its 1 s).
        let provider_timeout = signer.as_ref().map(|s| s.provider.info().timeout.mul_f64(0.9));
        Ok(Route {
            path: normalize_prefix(path),
            signer,
            target,
            events: events.iter().map(|e| e.trim().to_string()).filter(|e| !normalize(e).is_empty()).collect(),
            event_keys: events.iter().map(|e| normalize(e)).filter(|e| !e.is_empty()).collect(),
            ack,
            event,
            passthrough_timeout: forward_timeout.or(provider_timeout).unwrap_or(Duration::from_secs(10)),
        })
    }

    /// Whether `path` falls under this route (on a segment boundary).
    pub fn matches(&self, path: &str) -> bool {
        self.path == "/"
            || path == self.path
            || (path.starts_with(&self.path) && path.as_bytes().get(self.path.len()) == Some(&b'/'))
    }

    /// Whether deliveries of `event` are forwarded.
    pub fn wants(&self, event: Option<&str>) -> bool {
        self.event_keys.is_empty() || event.is_some_and(|e| self.event_keys.contains(&normalize(e)))
    }

    /// The full URL a delivery on `path` with `query` is forwarded to, if the route forwards.
    pub fn destination(&self, path: &str, query: Option<&str>) -> Option<String> {
        let target = self.target.as_ref()?;
        Some(destination(target.as_str(), target.exact, &self.path, path, query))
    }

    /// The provider's name, when the route has a signer.
    pub fn provider_name(&self) -> Option<&str> {
        self.signer.as_ref().map(|s| s.provider.info().name.as_str())
    }
}

/// The first of `paths` whose prefix (`/a/` is `/a`) an earlier one already has:
/// its index and the prefix.
pub fn repeated_path<'a>(paths: impl IntoIterator<Item = &'a str>) -> Option<(usize, String)> {
    let mut seen = std::collections::HashSet::new();
    paths.into_iter().map(normalize_prefix).enumerate().find(|(_, prefix)| !seen.insert(prefix.clone()))
}

/// The error for two routes on one prefix.
pub fn shared_path(prefix: &str) -> anyhow::Error {
    usage_hint(format!("two routes share the path prefix {prefix}"), "give each [[routes]] entry its own path")
}

fn normalize_prefix(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/".into() } else { trimmed.to_string() }
}

/// The routes, longest prefix first.
#[derive(Debug, Clone)]
pub struct RouteTable {
    routes: Vec<Arc<Route>>,
}

impl RouteTable {
    /// Builds the table; two routes on the same prefix are an error.
    pub fn new(routes: Vec<Route>) -> anyhow::Result<RouteTable> {
        let mut routes: Vec<Arc<Route>> = routes.into_iter().map(Arc::new).collect();
        if let Some((_, path)) = repeated_path(routes.iter().map(|r| r.path.as_str())) {
            return Err(shared_path(&path));
        }
        routes.sort_by(|a, b| b.path.len().cmp(&a.path.len()).then_with(|| a.path.cmp(&b.path)));
        Ok(RouteTable { routes })
    }

    /// The route for a request path: the longest prefix that matches.
    pub fn find(&self, path: &str) -> Option<&Arc<Route>> {
        self.routes.iter().find(|r| r.matches(path))
    }

    /// Every route, longest prefix first.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Route>> {
        self.routes.iter()
    }
}

/// The part of `path` after the route prefix (`""` or starting with `/`).
pub fn suffix<'a>(route: &str, path: &'a str) -> &'a str {
    if route == "/" { path } else { path.strip_prefix(route).unwrap_or("") }
}

/// The URL a delivery on `path` with `query`, arrived on route prefix `route`, goes
/// to at `target`: `target` itself when it is `exact`, else `target` joined by the
/// path after the prefix ([`forward_url`]).
pub fn destination(target: &str, exact: bool, route: &str, path: &str, query: Option<&str>) -> String {
    if exact { join_query(target, query) } else { forward_url(target, route, path, query) }
}

/// `url` with `query` added to the one it has.
fn join_query(url: &str, query: Option<&str>) -> String {
    match query.filter(|q| !q.is_empty()) {
        Some(q) if url.contains('?') => format!("{url}&{q}"),
        Some(q) => format!("{url}?{q}"),
        None => url.to_owned(),
    }
}

/// The URL a delivery is forwarded to: target + path suffix + original query.
pub fn forward_url(target: &str, route: &str, path: &str, query: Option<&str>) -> String {
    let rest = suffix(route, path);
    let (base, target_query) = match target.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (target, None),
    };
    let mut url = String::with_capacity(target.len() + path.len() + 16);
    url.push_str(base);
    if !rest.is_empty() && rest != "/" {
        if url.ends_with('/') {
            url.pop();
        }
        url.push_str(rest);
    } else if rest == "/" && !url.ends_with('/') && route != "/" {
        url.push('/');
    }
    let queries: Vec<&str> = [target_query, query].into_iter().flatten().filter(|q| !q.is_empty()).collect();
    if !queries.is_empty() {
        url.push('?');
        url.push_str(&queries.join("&"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(paths: &[&str]) -> RouteTable {
        RouteTable::new(paths.iter().map(|p| Route::record_only(p)).collect()).unwrap()
    }

    #[test]
    fn longest_prefix_wins_on_segment_boundaries() {
        let t = table(&["/", "/webhooks", "/webhooks/github/"]);
        assert_eq!(t.find("/webhooks/github").unwrap().path, "/webhooks/github");
        assert_eq!(t.find("/webhooks/github/push").unwrap().path, "/webhooks/github");
        assert_eq!(t.find("/webhooks/githubx").unwrap().path, "/webhooks");
        assert_eq!(t.find("/other").unwrap().path, "/");
        assert!(table(&["/a"]).find("/b").is_none());
    }

    #[test]
    fn duplicate_prefixes_are_rejected() {
        let err = RouteTable::new(vec![Route::record_only("/a/"), Route::record_only("/a")]).unwrap_err();
        assert!(err.to_string().contains("/a"));
    }

    #[test]
    fn forward_url_appends_suffix_and_query() {
        let t = "http://localhost:3000/hook";
        assert_eq!(forward_url(t, "/", "/", None), "http://localhost:3000/hook");
        assert_eq!(forward_url(t, "/", "/x/y", Some("a=1&a=2")), "http://localhost:3000/hook/x/y?a=1&a=2");
        assert_eq!(forward_url(t, "/gh", "/gh", Some("q")), "http://localhost:3000/hook?q");
        assert_eq!(forward_url(t, "/gh", "/gh/push", None), "http://localhost:3000/hook/push");
        assert_eq!(forward_url("http://h/?k=v", "/", "/p", Some("q=1")), "http://h/p?k=v&q=1");
        assert_eq!(forward_url("http://h/base/", "/", "/p", None), "http://h/base/p");
    }

    #[test]
    fn event_filter_is_lenient() {
        let r = Route::new("/", None, None, &["Coworker Update".into()], AckMode::Immediate, None, None).unwrap();
        assert!(r.wants(Some("coworker-update")));
        assert!(!r.wants(Some("coworker-create")));
        assert!(!r.wants(None));
        assert!(Route::record_only("/").wants(None));
        // The banner shows the names as given, not their matching form.
        let r = Route::new("/", None, None, &[" lead.created ".into(), "-".into()], AckMode::Immediate, None, None);
        assert_eq!(r.unwrap().events, ["lead.created"]);
    }

    #[test]
    fn passthrough_answers_before_the_provider_gives_up() {
        let signer = Signer {
            provider: crate::provider::lookup("nexus").unwrap(),
            secret: None,
            profile: None,
            auth: None,
            tolerance: None,
        };
        let nexus = Route::new("/", Some(signer), None, &[], AckMode::Passthrough, None, None).unwrap();
        assert_eq!(nexus.passthrough_timeout, Duration::from_millis(900), "Nexus waits 1 s");
        let flag = Route::new("/", None, None, &[], AckMode::Passthrough, None, Some(Duration::from_secs(3))).unwrap();
        assert_eq!(flag.passthrough_timeout, Duration::from_secs(3), "--forward-timeout is taken as given");
    }

    #[test]
    fn targets_are_http_urls_and_no_scheme_means_http() {
        assert_eq!(Target::parse("http://localhost:3000/x").unwrap().as_str(), "http://localhost:3000/x");
        assert_eq!(Target::parse("localhost:3000").unwrap().as_str(), "http://localhost:3000");
        assert!(Target::parse("ftp://h/x").is_err());
        // Regression: accepted, then each delivery's path and query went after the fragment and were lost.
        let err = Target::parse("http://127.0.0.1:3000/y#frag").unwrap_err().to_string();
        assert!(err.contains("a #fragment (#frag) never reaches a server"), "{err}");
    }

    /// The forwarding rule, the one table docs/listen.md gives.
    #[test]
    fn a_flag_target_with_a_path_is_the_destination_and_routes_strip_their_prefix() {
        let route = |path: &str, target: Target| {
            Route::new(path, None, Some(target), &[], AckMode::Immediate, None, None).unwrap()
        };
        let flag = |url: &str| route("/", Target::parse_flag(url).unwrap());
        let cases = [
            // --forward-to with a path: exactly there, the delivery's query kept.
            (
                flag("http://localhost:3000/webhooks/nexadesk"),
                "/webhooks/nexadesk",
                Some("a=1"),
                "http://localhost:3000/webhooks/nexadesk?a=1",
            ),
            (flag("localhost:3000/hook?k=v"), "/elsewhere/x", Some("a=1"), "http://localhost:3000/hook?k=v&a=1"),
            // --forward-to without a path: the delivery's path appended.
            (flag("http://localhost:3000"), "/webhooks/nexadesk", None, "http://localhost:3000/webhooks/nexadesk"),
            (flag("http://localhost:3000/"), "/a/b", Some("q"), "http://localhost:3000/a/b?q"),
            // A configured route: the path after its prefix joins the target.
            (
                route("/webhooks/nexadesk", Target::parse("http://localhost:3000/hooks").unwrap()),
                "/webhooks/nexadesk/x",
                None,
                "http://localhost:3000/hooks/x",
            ),
            (
                route("/webhooks/nexadesk", Target::parse("http://localhost:3000/hooks").unwrap()),
                "/webhooks/nexadesk",
                Some("a=1"),
                "http://localhost:3000/hooks?a=1",
            ),
        ];
        for (r, path, query, want) in cases {
            assert_eq!(r.destination(path, query).as_deref(), Some(want), "{path} on {}", r.path);
        }
        assert!(Route::record_only("/").destination("/x", None).is_none());
    }
}
