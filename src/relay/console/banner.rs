//! The relay's start banner (stderr): where to point the provider, the routes, the
//! database, and what an earlier run left pending.

use std::io::Write;

use super::{Console, Output, deliveries};
use crate::relay::routes::RouteTable;
use crate::relay::{self, RelayConfig};

impl Console {
    /// The start banner (stderr): where to point the provider, the routes, the database.
    pub fn banner(
        &self,
        config: &RelayConfig,
        routes: &RouteTable,
        url: &str,
        fingerprint: Option<&str>,
        resumed: &[(String, usize)],
        retargeted: &[(String, usize)],
    ) {
        let mut out = format!("hooktap relay listening on {url}\n");
        if self.output == Output::Quiet {
            // Even quiet, the one line a script needs to learn the port `--port 0` picked.
            let _ = std::io::stderr().write_all(out.as_bytes());
            return;
        }
        if let Some(fp) = fingerprint {
            out.push_str(&format!("  TLS certificate SHA-256 fingerprint: {fp}\n"));
        }
        if let Some(crate::net::tls::TlsSource::SelfSigned { keep }) =
            config.tls.as_ref().filter(|_| fingerprint.is_some())
            && keep.exists()
        {
            let shown = keep.display();
            out.push_str(&format!(
                "  self-signed certificate kept in {shown}, its key beside it (`curl --cacert {shown}` trusts it)\n"
            ));
        }
        out.push_str("  routes (give the provider the URL on the left):\n");
        if let Some(any) = ["0.0.0.0", "[::]"].into_iter().find(|a| url.contains(&format!("://{a}:"))) {
            out.push_str(&format!(
                "  (listening on every interface: in these URLs, put this machine's address or name in place of {any})\n"
            ));
        }
        for r in routes.iter() {
            let verify = match &r.signer {
                Some(s) => match &s.profile {
                    Some(p) => format!("verify {} (profile {p})", s.provider.info().name),
                    None => format!("verify {}", s.provider.info().name),
                },
                None => "no verification".into(),
            };
            // Where a delivery's path goes: the one rule docs/listen.md states, spelt out.
            let target = match &r.target {
                None => "record only, answer 200".into(),
                Some(t) if t.is_exact() => format!("→ {} (every path; its query kept)", t.as_str()),
                Some(t) if r.path == "/" => format!("/<path> → {}/<path>", t.as_str().trim_end_matches('/')),
                Some(t) => format!("{}/<rest> → {}/<rest>", r.path, t.as_str().trim_end_matches('/')),
            };
            let ack = match r.ack {
                relay::AckMode::Immediate => "ack immediate",
                relay::AckMode::Passthrough => "ack passthrough",
            };
            let events = if r.events.is_empty() { String::new() } else { format!(", events {}", r.events.join(",")) };
            out.push_str(&format!("    {url}{}  {verify}, {target}, {ack}{events}\n", r.path));
        }
        if let Some(dev) = &config.dev_secret {
            out.push_str(&format!(
                "  your {} signing secret is {} (a development secret, kept in {}; `hooktap send` and \
                 `hooktap verify` with --provider {} use it too)\n",
                dev.provider,
                dev.secret.expose(),
                dev.file.display(),
                dev.provider
            ));
        }
        if let Some(t) = &config.tunnel {
            out.push_str(&format!(
                "  tunnel: {}, channel {} (give the provider the URL on the left):\n",
                t.url, t.channel
            ));
            let public = t.endpoint.public.trim_end_matches('/');
            for r in routes.iter() {
                out.push_str(&format!("    {public}{}\n", r.path));
            }
        }
        if config.forward_invalid {
            out.push_str(
                "  --forward-invalid: deliveries that fail verification are answered 200 and forwarded too \
                 (X-Hooktap-Signature: invalid)\n",
            );
        }
        out.push_str(&format!("  health: {url}{}\n", relay::health::HEALTH_PATH));
        out.push_str(&format!("  database: {}\n", config.db.display()));
        out.push_str(&resuming(routes, resumed, retargeted));
        out.push_str("  Ctrl-C stops after committing what was received\n");
        let _ = std::io::stderr().write_all(out.as_bytes());
    }
}

/// The banner's account of work left pending by an earlier run: how much goes
/// where, and what about that differs from this run's routes.
fn resuming(routes: &RouteTable, resumed: &[(String, usize)], retargeted: &[(String, usize)]) -> String {
    let total: usize = resumed.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return String::new();
    }
    let mut out = format!("  resuming {total} pending {} from an earlier run\n", deliveries(total));
    for (target, n) in resumed {
        let moved = retargeted.iter().find(|(t, _)| t == target).map_or(0, |(_, m)| *m);
        let note = if moved == *n {
            " (re-pointed here from the earlier run's target)".to_string()
        } else if moved > 0 {
            format!(" ({moved} re-pointed here from the earlier run's target)")
        } else if !routes.iter().any(|r| r.target.as_ref().is_some_and(|t| t.as_str() == target.as_str())) {
            // A restart without --forward-to still delivers the earlier run's work:
            // say so, since the routes above read "record only".
            " (where the earlier run forwarded; no route of this run does)".to_string()
        } else {
            String::new()
        };
        out.push_str(&format!("    {n} → {target}{note}\n"));
    }
    out
}
