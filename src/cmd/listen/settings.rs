//! Turns `hooktap listen`'s flags and the configuration into a [`RelayConfig`]:
//! flags win, then the settings; routes are built and checked as `config validate` does.

use std::cell::OnceCell;
use std::time::Duration;

use crate::config::Config;
use crate::error::{usage, usage_hint};
use crate::net::tls::{TlsMode, TlsSource};
use crate::relay::config::DevSecret;
use crate::relay::config::{MAX_CONNECTIONS, check_events, config_route, route_signer, usable_secret};
use crate::relay::console::Output;
use crate::relay::routes::{Route, Target, repeated_path, shared_path};
use crate::relay::{AckMode, RelayConfig};
use crate::secret::Secret;
use crate::tunnel::client::TunnelConfig;
use crate::tunnel::endpoint::Endpoint;
use crate::tunnel::protocol::Mode;

use super::ListenArgs;

/// Resolves `hooktap listen` flags and the configuration into a relay config.
pub fn relay_config(args: &ListenArgs, output: Output, config: &Config) -> anyhow::Result<RelayConfig> {
    let duration = |key: &str| -> anyhow::Result<Duration> {
        let raw = config.get_str(key).ok_or_else(|| usage(format!("setting {key} has no value")))?;
        crate::util::parse_duration(raw).map_err(|e| usage(format!("setting {key}: {e}")))
    };
    let int = |key: &str| config.get_int(key).ok_or_else(|| usage(format!("setting {key} has no value")));
    let port = match args.port {
        Some(p) => p,
        None => u16::try_from(int("listen.port")?).map_err(|_| usage("listen.port is out of range"))?,
    };
    let bind = args.bind.clone().or_else(|| config.get_str("listen.bind").map(str::to_owned));
    let default_ack = AckMode::default_for(args.ack, config);
    // The passthrough bound, where one was asked for: the flag, else the setting when a
    // file or variable sets it (its built-in default leaves each provider's own).
    let flag_timeout = match (args.forward_timeout, config.settings.get("listen.forward_timeout")) {
        (Some(t), _) => Some(t),
        (None, Some((_, crate::config::Origin::Default)) | None) => None,
        (None, Some(_)) => Some(duration("listen.forward_timeout")?),
    };
    let mut routes = Vec::new();
    // Built only if some route filters events: it renders every fixture.
    let catalog = OnceCell::new();
    // A problem with a `[[routes]]` entry names the file and line, as `config validate` does.
    let at = |e: anyhow::Error, place: Option<crate::config::Place>| match place {
        Some(place) => e.context(format!("config {place}")),
        None => e,
    };
    for (i, r) in config.routes.iter().enumerate() {
        // A profile's own problem (its secret) points at the profile; an unknown one at the route.
        let signer = route_signer(config, i, r).map_err(|e| {
            let place = match r.profile.as_deref().filter(|name| config.profiles.contains_key(*name)) {
                Some(name) => config.profile_place(name, None),
                None => config.route_place(i, "profile"),
            };
            at(e, place)
        })?;
        // A route's own `ack` is kept; --ack, like `listen.ack`, is the default of the others.
        let ack = r.ack.unwrap_or(default_ack);
        routes.push(
            config_route(i, r, signer, ack, flag_timeout, &catalog)
                .map_err(|(field, e)| at(e, config.route_place(i, field)))?,
        );
    }
    if let Some((i, prefix)) = repeated_path(config.routes.iter().map(|r| r.path.as_str())) {
        return Err(at(shared_path(&prefix), config.route_place(i, "path")));
    }
    let named = args.provider.profile.is_some() || args.provider.provider.is_some();
    // HOOKTAP_SECRET alone is a default, not a request to verify.
    let secret_flag = args.provider.secret.is_some();
    if !named && (args.provider.secret_env.is_some() || args.provider.secret_file.is_some() || secret_flag) {
        return Err(usage_hint(
            "a secret was given but no provider to check it with",
            "add --provider P (e.g. --provider github) or --profile NAME",
        ));
    }
    let mut dev_secret = None;
    let cli_route = args.forward_to.is_some()
        || args.provider.profile.is_some()
        || args.provider.provider.is_some()
        || !args.events.is_empty();
    if cli_route || routes.is_empty() {
        let signer = config.signer(&args.provider.request())?;
        let p = &args.provider;
        let given = p.secret_env.is_some() || p.secret_file.is_some() || p.secret.is_some() || p.env_secret.is_some();
        if p.provider.is_some() && p.profile.is_none() && !given {
            dev_secret = signer.as_ref().and_then(|s| {
                let name = s.provider.info().name.clone();
                let file = config.dev_secrets.as_ref()?.join(format!("{name}.secret"));
                Some(DevSecret { provider: name, secret: s.secret.clone()?, file })
            });
        }
        let target = args.forward_to.as_deref().map(Target::parse_flag).transpose()?;
        // Flags describe the catch-all route; they replace a configured "/" route.
        routes.retain(|r| r.path != "/");
        let provider = signer.as_ref().map(|s| s.provider.info().name.as_str());
        check_events(&catalog, provider, &args.events, "--events")?;
        routes.push(Route::new("/", signer, target, &args.events, default_ack, None, flag_timeout)?);
    }
    for route in routes.iter().filter(|r| !r.events.is_empty() && r.target.is_none()) {
        let what = if route.path == "/" && !args.events.is_empty() { "--events" } else { "its events" };
        tracing::warn!(
            "route {}: {what} filters only what is forwarded, and it forwards nothing (no target): every \
             delivery is recorded",
            route.path
        );
    }
    for route in &routes {
        if let Some(signer) = &route.signer {
            usable_secret(signer).map_err(|e| e.context(format!("route {}", route.path)))?;
        }
    }

    let resign = match &args.resign {
        Some(profile) => {
            let signer = config.profile_signer(profile)?;
            usable_secret(&signer).map_err(|e| e.context(format!("--resign {profile}")))?;
            let provider = signer.provider.info().name.as_str();
            // Unverified routes record whatever comes, which may include this provider.
            if !routes.iter().any(|r| r.provider_name().is_none_or(|p| p == provider)) {
                tracing::warn!(
                    "--resign {profile} re-signs only {provider} deliveries, and every route verifies another \
                     provider: nothing will be re-signed"
                );
            }
            Some(signer)
        }
        None => None,
    };
    let tls = match (&args.tls_cert, &args.tls_key, args.tls) {
        (Some(cert), Some(key), _) => Some(TlsSource::Files { cert: cert.clone(), key: key.clone() }),
        (_, _, Some(TlsMode::SelfSigned)) => Some(TlsSource::self_signed_for(&config.db_path()?)),
        _ => None,
    };
    let retries = u32::try_from(int("listen.retries")?).map_err(|_| usage("listen.retries is out of range"))?;
    let pause_after =
        u32::try_from(int("listen.pause_after")?).map_err(|_| usage("listen.pause_after is out of range"))?;
    let concurrency = usize::try_from(int("listen.target_concurrency")?)
        .map_err(|_| usage("listen.target_concurrency is out of range"))?;
    let max_body = match args.max_body {
        Some(n) => n,
        None => u64::try_from(int("listen.max_body")?).map_err(|_| usage("listen.max_body is out of range"))?,
    };
    if max_body == 0 {
        return Err(usage_hint("--max-body must be more than 0 bytes", "e.g. --max-body 5MiB"));
    }
    Ok(RelayConfig {
        bind: bind.unwrap_or_else(|| "127.0.0.1".into()),
        port,
        routes,
        db: config.db_path()?,
        max_body,
        header_timeout: duration("listen.header_timeout")?,
        body_timeout: duration("listen.body_timeout")?,
        forward_timeout: flag_timeout.map_or_else(|| duration("listen.forward_timeout"), Ok)?,
        retries,
        retry_base: duration("listen.retry_base")?,
        retry_max: duration("listen.retry_max")?,
        pause_after,
        target_concurrency: concurrency,
        max_connections: MAX_CONNECTIONS,
        forward_invalid: args.forward_invalid,
        insecure: args.insecure,
        resign,
        dev_secret,
        tls,
        output,
        retain_days: config.get_int("retain_days").and_then(|d| u32::try_from(d).ok()),
        retain_count: config.get_int("retain_count").and_then(|c| u64::try_from(c).ok()),
        tunnel: tunnel_config(args, config, default_ack)?,
    })
}

/// The tunnel to receive through: `--tunnel` or the `tunnel.url` setting, with the
/// channel and token from flags, then settings (`HOOKTAP_TUNNEL_TOKEN` among them).
fn tunnel_config(args: &ListenArgs, config: &Config, ack: AckMode) -> anyhow::Result<Option<TunnelConfig>> {
    let url = args.tunnel.clone().or_else(|| config.get_str("tunnel.url").map(str::to_owned));
    let Some(url) = url else {
        if args.channel.is_some() || args.token_env.is_some() {
            return Err(usage_hint(
                "--channel and --token-env are for a tunnel, and no tunnel server is given",
                "pass --tunnel wss://host, or set it once: `hooktap config set tunnel.url wss://host`",
            ));
        }
        return Ok(None);
    };
    let channel =
        args.channel.clone().or_else(|| config.get_str("tunnel.channel").map(str::to_owned)).ok_or_else(|| {
            usage_hint(
                format!("the tunnel {url} needs a channel"),
                "pass --channel NAME, or set it once: `hooktap config set tunnel.channel NAME`",
            )
        })?;
    let endpoint = Endpoint::parse(&url, &channel)
        .map_err(|e| usage_hint(format!("--tunnel: {e}"), "e.g. --tunnel wss://hooks.example.com"))?;
    let token = match &args.token_env {
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => v.trim().to_owned(),
            _ => {
                return Err(usage_hint(
                    format!("--token-env {var}: the variable is not set"),
                    format!("export {var}=<the token `hooktap serve token add {channel}` printed>"),
                ));
            }
        },
        None => config.get_str("tunnel.token").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).ok_or_else(|| {
            usage_hint(
                format!("no token for tunnel channel {channel}"),
                format!(
                    "set HOOKTAP_TUNNEL_TOKEN (or pass --token-env VAR) to the token `hooktap serve token add {channel}` \
                     printed on the server"
                ),
            )
        })?,
    };
    let mode = match ack {
        AckMode::Immediate => Mode::Immediate,
        AckMode::Passthrough => Mode::Passthrough,
    };
    let loopback =
        endpoint.host == "localhost" || endpoint.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !endpoint.tls && !loopback {
        tracing::warn!(
            "--tunnel {url} is not encrypted: the channel's token and every delivery cross the network in clear; use wss://"
        );
    }
    let trust = if args.insecure { crate::net::Trust::AnyCertificate } else { crate::net::Trust::WebRoots };
    Ok(Some(TunnelConfig { url, endpoint, channel, token: Secret::new(token), mode, trust }))
}
