//! Checks no single value shows: retry delays in order, and a bind address this
//! machine has. `config validate` runs them all; `config set` those that look at
//! the key it writes.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};

use super::settings::ADDRESS_HINT;
use super::{Config, Origin, Value, origin_phrase};
use crate::util::BindHost;

/// Settings that each read fine but cannot work: what is wrong and where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The values involved and the file or variable each came from.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// One check, and the keys whose values it looks at.
struct Check {
    keys: &'static [&'static str],
    run: fn(&Config) -> Option<Problem>,
}

const CHECKS: &[Check] = &[
    Check { keys: &["listen.retry_base", "listen.retry_max"], run: retry_order },
    Check { keys: &["listen.bind"], run: bind_address },
];

impl Config {
    /// Problems of the settings in effect that no single value shows.
    pub fn setting_problems(&self) -> Vec<Problem> {
        CHECKS.iter().filter_map(|c| (c.run)(self)).collect()
    }

    /// The problems the checks that look at `key` find.
    pub fn setting_problems_of(&self, key: &str) -> Vec<Problem> {
        CHECKS.iter().filter(|c| c.keys.contains(&key)).filter_map(|c| (c.run)(self)).collect()
    }
}

/// A duration setting: its text, what it means and where it came from.
fn duration(config: &Config, key: &str) -> Option<(String, std::time::Duration, String)> {
    let (Value::Str(text), origin) = config.settings.get(key)? else { return None };
    let d = crate::util::parse_duration(text).ok()?;
    Some((text.clone(), d, origin_phrase(origin)))
}

/// The first retry delay may not exceed the longest: every delay would be the longest.
fn retry_order(config: &Config) -> Option<Problem> {
    let (base_text, base, base_origin) = duration(config, "listen.retry_base")?;
    let (max_text, max, max_origin) = duration(config, "listen.retry_max")?;
    (base > max).then(|| Problem {
        message: format!(
            "listen.retry_base = {base_text:?} {base_origin} is longer than \
             listen.retry_max = {max_text:?} {max_origin}"
        ),
        hint: format!(
            "the first retry delay cannot exceed the longest: make listen.retry_max {base_text} or more, \
             or listen.retry_base {max_text} or less"
        ),
    })
}

/// `listen.bind` must name an address `listen` can bind here; the default always can.
fn bind_address(config: &Config) -> Option<Problem> {
    let (Value::Str(host), origin) = config.settings.get("listen.bind")? else { return None };
    if *origin == Origin::Default {
        return None;
    }
    let why = unbindable(host)?;
    Some(Problem {
        message: format!("listen.bind = {host:?} {}: no address of this machine ({why})", origin_phrase(origin)),
        hint: ADDRESS_HINT.into(),
    })
}

/// Why `listen` could not bind `host`, if it could not: the name does not resolve,
/// or none of its addresses is this machine's. Binds port 0 (a free port) and lets go.
fn unbindable(host: &str) -> Option<String> {
    let addrs: Vec<SocketAddr> = match crate::util::bind_host(host) {
        Ok(BindHost::Ip(ip)) => vec![SocketAddr::new(ip, 0)],
        Ok(BindHost::Name(name)) => match (name, 0).to_socket_addrs() {
            Ok(found) => found.collect(),
            Err(e) => return Some(format!("cannot look it up: {e}")),
        },
        Err(why) => return Some(why.into()),
    };
    let mut last = None;
    for addr in addrs {
        match TcpListener::bind(addr) {
            Ok(_) => return None,
            Err(e) => last = Some(e.to_string()),
        }
    }
    Some(last.unwrap_or_else(|| "it has no address".into()))
}
