//! The table of scalar settings: one entry gives a key its type, default, env name and help.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::error::UsageError;

/// A setting's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text (also durations and paths, validated on the way in).
    Str(String),
    /// A whole number (also sizes, in bytes).
    Int(i64),
    /// On or off.
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl Value {
    /// The value as a TOML item, for writing a file.
    pub fn to_toml(&self) -> toml_edit::Value {
        match self {
            Value::Str(s) => s.as_str().into(),
            Value::Int(i) => (*i).into(),
            Value::Bool(b) => (*b).into(),
        }
    }
}

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Built-in default.
    Default,
    /// A config file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Env(name) => write!(f, "env {name}"),
        }
    }
}

/// What kind of value a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Str,
    /// A file or directory; `config set` writes it absolute (or `~/...` as typed).
    Path,
    /// A whole number in a range.
    Int(i64, i64),
    /// true/false.
    Bool,
    /// A duration such as `10s`; zero is allowed (a retry delay of zero retries at once).
    Duration,
    /// A time limit: a duration longer than zero, since a zero limit fails everything it bounds.
    Timeout,
    /// A byte size such as `5MiB` (stored in bytes), at least one byte.
    Size,
    /// An address to listen on: an IP address or a host name (looked up by `config validate`).
    Address,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// One scalar setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Dotted key (`listen.port`); top-level keys have no dot.
    pub key: &'static str,
    /// Value kind.
    pub kind: Kind,
    /// Default, in the form a user would write it.
    pub default: Option<&'static str>,
    /// One line of help.
    pub doc: &'static str,
}

/// Every scalar setting hooktap reads.
pub const SETTINGS: &[Setting] = &[
    Setting { key: "profile", kind: Kind::Str, default: None, doc: "profile used when a command is given none" },
    Setting {
        key: "db",
        kind: Kind::Path,
        default: None,
        doc: "SQLite database (default $XDG_DATA_HOME/hooktap/hooktap.db)",
    },
    Setting {
        key: "retain_days",
        kind: Kind::Int(1, 36_500),
        default: None,
        doc: "prune deliveries older than this many days",
    },
    Setting {
        key: "retain_count",
        kind: Kind::Int(1, i64::MAX),
        default: None,
        doc: "keep at most this many deliveries",
    },
    Setting {
        key: "fixtures_dir",
        kind: Kind::Path,
        default: None,
        doc: "extra event fixtures, laid out like fixtures/<provider>/",
    },
    Setting { key: "listen.port", kind: Kind::Int(0, 65_535), default: Some("5757"), doc: "relay port" },
    Setting { key: "listen.bind", kind: Kind::Address, default: Some("127.0.0.1"), doc: "relay bind address" },
    Setting {
        key: "listen.ack",
        kind: Kind::Choice(&["immediate", "passthrough"]),
        default: Some("immediate"),
        doc: "when the relay answers the provider",
    },
    Setting {
        key: "listen.max_body",
        kind: Kind::Size,
        default: Some("5MiB"),
        doc: "largest body accepted (413 beyond)",
    },
    Setting {
        key: "listen.forward_timeout",
        kind: Kind::Timeout,
        default: Some("10s"),
        doc: "timeout of one forward attempt",
    },
    Setting {
        key: "listen.header_timeout",
        kind: Kind::Timeout,
        default: Some("10s"),
        doc: "time allowed to read request headers",
    },
    Setting {
        key: "listen.body_timeout",
        kind: Kind::Timeout,
        default: Some("30s"),
        doc: "time allowed to read a request body once its headers arrived (408 after)",
    },
    Setting {
        key: "listen.retries",
        kind: Kind::Int(1, 100),
        default: Some("10"),
        doc: "forward attempts before a delivery is dead",
    },
    Setting {
        key: "listen.retry_base",
        kind: Kind::Duration,
        default: Some("1s"),
        doc: "first retry delay (doubles each time)",
    },
    Setting { key: "listen.retry_max", kind: Kind::Duration, default: Some("60s"), doc: "longest retry delay" },
    Setting {
        key: "listen.pause_after",
        kind: Kind::Int(1, 10_000),
        default: Some("5"),
        doc: "consecutive failures before a target is paused and probed",
    },
    Setting {
        key: "listen.target_concurrency",
        kind: Kind::Int(1, 1_024),
        default: Some("8"),
        doc: "forwards in flight per target",
    },
    Setting {
        key: "send.timeout",
        kind: Kind::Timeout,
        default: None,
        doc: "request timeout (default: the provider's)",
    },
    Setting {
        key: "send.to",
        kind: Kind::Str,
        default: None,
        doc: "where send posts without --to (default: the relay running on this database)",
    },
    Setting { key: "tunnel.url", kind: Kind::Str, default: None, doc: "tunnel server, wss://host" },
    Setting { key: "tunnel.channel", kind: Kind::Str, default: None, doc: "tunnel channel name" },
    Setting { key: "tunnel.token", kind: Kind::Str, default: None, doc: "tunnel token (prefer HOOKTAP_TUNNEL_TOKEN)" },
];

/// What hooktap does when `key`, a setting with no default value, is not set:
/// `config get` says so rather than answering nothing.
pub fn when_unset(key: &str) -> &'static str {
    match key {
        "profile" => "no profile: commands use --profile or --provider",
        "db" => "$XDG_DATA_HOME/hooktap/hooktap.db",
        "retain_days" => "deliveries are kept whatever their age",
        "retain_count" => "deliveries are kept however many there are",
        "fixtures_dir" => "only the built-in fixtures",
        "send.timeout" => "the provider's timeout",
        "send.to" => "the relay running on this database",
        "tunnel.url" | "tunnel.channel" | "tunnel.token" => "listen and serve run without a tunnel",
        _ => "unset",
    }
}

/// Section names that hold settings.
pub const SECTIONS: &[&str] = &["listen", "send", "tunnel"];

impl Setting {
    /// `HOOKTAP_` plus the key in upper case with dots as underscores.
    pub fn env_name(&self) -> String {
        format!("HOOKTAP_{}", self.key.replace('.', "_").to_ascii_uppercase())
    }

    /// Whether the value is a secret to redact.
    pub fn is_secret(&self) -> bool {
        self.key == "tunnel.token"
    }

    /// Parses text (from `config set` or the environment).
    pub fn parse(&self, raw: &str) -> Result<Value, UsageError> {
        let raw = raw.trim();
        let key = self.key;
        match self.kind {
            Kind::Str | Kind::Path => Ok(Value::Str(raw.to_string())),
            Kind::Int(lo, hi) => {
                let example = self.default.map_or(String::new(), |d| format!(", e.g. {d}"));
                let n: i64 = raw.parse().map_err(|_| {
                    UsageError::new(format!("{key} expects a whole number, got {raw:?}"))
                        .hint(format!("give a whole number from {lo} to {hi}{example}"))
                })?;
                if n < lo || n > hi {
                    return Err(UsageError::new(format!("{key} must be between {lo} and {hi}, got {n}"))
                        .hint(format!("give a whole number from {lo} to {hi}{example}")));
                }
                Ok(Value::Int(n))
            }
            Kind::Bool => match raw {
                "true" | "yes" | "on" | "1" => Ok(Value::Bool(true)),
                "false" | "no" | "off" | "0" => Ok(Value::Bool(false)),
                _ => Err(UsageError::new(format!("{key} expects true or false, got {raw:?}"))
                    .hint("give true or false (yes/no, on/off and 1/0 are read too)")),
            },
            Kind::Duration | Kind::Timeout => {
                let d = crate::util::parse_duration(raw).map_err(|e| {
                    UsageError::new(format!("{key}: {e}"))
                        .hint(format!("give a duration such as {}", self.default.unwrap_or("10s")))
                })?;
                if self.kind == Kind::Timeout && d.is_zero() {
                    return Err(UsageError::new(format!(
                        "{key} must be longer than 0: a zero time limit fails everything it bounds"
                    ))
                    .hint(format!("e.g. {}", self.default.unwrap_or("10s"))));
                }
                Ok(Value::Str(raw.to_string()))
            }
            Kind::Size => {
                let n = crate::util::parse_size(raw).map_err(|e| {
                    UsageError::new(format!("{key}: {e}"))
                        .hint(format!("give a size such as {}, or a number of bytes", self.default.unwrap_or("5MiB")))
                })?;
                if n == 0 {
                    return Err(UsageError::new(format!("{key} must be at least 1 byte, got {raw:?}"))
                        .hint(format!("e.g. {}", self.default.unwrap_or("5MiB"))));
                }
                i64::try_from(n).map(Value::Int).map_err(|_| {
                    UsageError::new(format!("{key}: {raw:?} is too large"))
                        .hint(format!("the largest size is {} bytes", i64::MAX))
                })
            }
            Kind::Address => {
                check_address(raw)
                    .map_err(|why| UsageError::new(format!("{key}: {raw:?} {why}")).hint(ADDRESS_HINT))?;
                Ok(Value::Str(raw.to_string()))
            }
            Kind::Choice(options) => {
                if options.contains(&raw) {
                    Ok(Value::Str(raw.to_string()))
                } else {
                    let near = close_names(raw, options.iter().copied());
                    let hint = match near.first() {
                        Some(best) => format!("did you mean {best}?"),
                        None => format!("give one of: {}", options.join(", ")),
                    };
                    Err(UsageError::new(format!("{key} must be one of {}, got {raw:?}", options.join(", "))).hint(hint))
                }
            }
        }
    }

    /// Checks a value read from a TOML file.
    pub fn from_toml(&self, value: &toml::Value) -> Result<Value, UsageError> {
        match (self.kind, value) {
            (Kind::Int(..), toml::Value::Integer(n)) => self.parse(&n.to_string()),
            (Kind::Size, toml::Value::Integer(n)) if *n >= 0 => self.parse(&n.to_string()),
            (Kind::Bool, toml::Value::Boolean(b)) => Ok(Value::Bool(*b)),
            (
                Kind::Str | Kind::Path | Kind::Duration | Kind::Timeout | Kind::Size | Kind::Address | Kind::Choice(_),
                toml::Value::String(s),
            ) => self.parse(s),
            (_, other) => Err(UsageError::new(format!(
                "{} expects {}, got {} {}",
                self.key,
                self.kind_name(),
                other.type_str(),
                other
            ))),
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Str => "a string",
            Kind::Path => "a path string",
            Kind::Int(..) => "an integer",
            Kind::Bool => "true or false",
            Kind::Duration | Kind::Timeout => "a duration string such as \"10s\"",
            Kind::Size => "a size such as \"5MiB\" or a number of bytes",
            Kind::Address => "an IP address or host name string",
            Kind::Choice(_) => "a string",
        }
    }

    /// Finds a setting by key.
    pub fn find(key: &str) -> Option<&'static Setting> {
        SETTINGS.iter().find(|s| s.key == key)
    }
}

/// What to do about a `listen.bind` that will not do.
pub(super) const ADDRESS_HINT: &str =
    "use an address of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)";

/// Why text cannot be an address to listen on, read as `listen` reads it: an IP
/// address (IPv6 with or without brackets), or a host name to look up.
fn check_address(raw: &str) -> Result<(), &'static str> {
    let host = match crate::util::bind_host(raw)? {
        crate::util::BindHost::Ip(_) => return Ok(()),
        crate::util::BindHost::Name(host) => host,
    };
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.len() > 253 || !host.trim_end_matches('.').split('.').all(label_ok) {
        return Err("is neither an IP address nor a host name");
    }
    Ok(())
}

/// Every default, as the first layer.
pub fn defaults() -> BTreeMap<&'static str, (Value, Origin)> {
    SETTINGS
        .iter()
        .filter_map(|s| Some((s.key, (s.parse(s.default?).expect("defaults are valid"), Origin::Default))))
        .collect()
}

/// The known keys close enough to `key` to be what was meant, closest first, for
/// "did you mean"; none when no key is close.
pub fn closest(key: &str) -> Vec<&'static str> {
    close_names(key, SETTINGS.iter().map(|s| s.key))
}

/// The names among `candidates` close enough to `name` to be a slip of the keyboard
/// (at most three, closest first). Dotted names are compared part by part: the
/// section and the name may each be a few edits off (`listen.prot`, `lsten.port`),
/// or the name may be right in another section or none (`port`, `send.port`).
pub fn close_names<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    fn near(a: &str, b: &str) -> Option<usize> {
        let d = strsim::damerau_levenshtein(a, b);
        (d <= (a.chars().count().max(b.chars().count()) / 3).max(1)).then_some(d)
    }
    fn split(key: &str) -> (&str, &str) {
        key.rsplit_once('.').unwrap_or(("", key))
    }
    let name = name.trim().to_ascii_lowercase();
    let (section, last) = split(&name);
    let mut found: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let lower = candidate.to_ascii_lowercase();
            let (c_section, c_last) = split(&lower);
            let distance = if last == c_last {
                strsim::damerau_levenshtein(section, c_section)
            } else {
                near(section, c_section)? + near(last, c_last)?
            };
            Some((distance, candidate))
        })
        .collect();
    found.sort_by_key(|(d, _)| *d);
    found.into_iter().take(3).map(|(_, c)| c).collect()
}
