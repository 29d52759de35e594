//! Small parsers and clocks shared by several commands.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses a duration such as `30s`, `10m`, `1h30m`, `250ms`, or bare seconds (`5`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 30s, 10m, 1h, 250ms)"))
}

/// The largest size [`parse_size`] takes: what a signed 64-bit integer (TOML, SQLite) holds.
pub const MAX_SIZE: u64 = i64::MAX as u64;

/// Parses a byte size such as `5MiB`, `512KiB`, `1MB`, `1048576`, or `1.5KiB`, up to [`MAX_SIZE`].
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num_text, unit) = t.split_at(split);
    let num: f64 = num_text.parse().map_err(|_| format!("invalid size {s:?} (examples: 5MiB, 512KiB, 1048576)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => return Err(format!("unknown size unit {other:?} in {s:?} (use B, KiB, MiB, GiB, KB, MB, GB)")),
    };
    // Whole numbers are multiplied exactly; a fraction goes through f64, whose cast would saturate.
    let bytes = match num_text.parse::<u64>() {
        Ok(whole) => whole.checked_mul(mult),
        Err(_) => Some(num * mult as f64).filter(|b| *b < MAX_SIZE as f64).map(|b| b as u64),
    };
    bytes
        .filter(|b| *b <= MAX_SIZE)
        .ok_or_else(|| format!("size {s:?} is too large: at most {MAX_SIZE} bytes (about 8 EiB)"))
}

/// A bind address as `listen` reads it (`--bind`, `listen.bind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindHost<'a> {
    /// An IP address.
    Ip(std::net::IpAddr),
    /// A host name, to look up.
    Name(&'a str),
}

/// Reads a bind address: brackets around an IPv6 address are dropped, and text
/// of digits and dots, or with a colon, must be an IP address (`999.1.1.1` is a
/// typo, not a name to look up); anything else is a host name. The error
/// completes a sentence that starts with the text.
pub fn bind_host(raw: &str) -> Result<BindHost<'_>, &'static str> {
    let host = raw.trim_start_matches('[').trim_end_matches(']');
    match host.parse() {
        Ok(ip) => Ok(BindHost::Ip(ip)),
        Err(_) if host.contains(':') || host.chars().all(|c| c.is_ascii_digit() || c == '.') => {
            Err("is not an IP address")
        }
        Err(_) => Ok(BindHost::Name(host)),
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Parses `Name: value` header arguments (`-H`) into a header map, keeping repeats.
pub fn parse_header_args(args: &[String]) -> Result<http::HeaderMap, anyhow::Error> {
    let mut map = http::HeaderMap::new();
    for raw in args {
        let (name, value) = raw.split_once(':').ok_or_else(|| {
            crate::error::usage_hint(format!("header {raw:?} has no colon"), "write headers as -H 'Name: value'")
        })?;
        let name = http::HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            crate::error::usage_hint(
                format!("invalid header name {:?} in {raw:?}", name.trim()),
                "a header name is letters, digits and -, with no spaces, then a colon: -H 'X-Name: value'",
            )
        })?;
        let value = http::HeaderValue::from_str(value.trim()).map_err(|_| {
            crate::error::usage_hint(
                format!("header {} has a value with control characters", name.as_str()),
                "remove the line breaks and other control characters from the value (a tab is allowed)",
            )
        })?;
        map.append(name, value);
    }
    Ok(map)
}

/// Cuts `bytes` to at most `max` bytes for display, marking the cut.
pub fn preview(bytes: &[u8], max: usize) -> String {
    let shown = &bytes[..bytes.len().min(max)];
    let mut s = String::from_utf8_lossy(shown).into_owned();
    if bytes.len() > max {
        s.push_str(&format!("…(+{} bytes)", bytes.len() - max));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_units_and_bare_seconds() {
        assert_eq!(parse_duration("5").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse_duration("ten").is_err());
    }

    #[test]
    fn sizes_understand_binary_and_decimal_units() {
        assert_eq!(parse_size("5MiB").unwrap(), 5 * 1024 * 1024);
        assert_eq!(parse_size("1kb").unwrap(), 1000);
        assert_eq!(parse_size("42").unwrap(), 42);
        assert!(parse_size("5 parsecs").is_err());
        assert_eq!(parse_size("1.5KiB").unwrap(), 1536);
    }

    #[test]
    fn bind_hosts_are_addresses_or_names_and_digits_must_be_an_address() {
        assert_eq!(bind_host("[::1]"), Ok(BindHost::Ip("::1".parse().unwrap())));
        assert_eq!(bind_host("0.0.0.0"), Ok(BindHost::Ip("0.0.0.0".parse().unwrap())));
        assert_eq!(bind_host("localhost"), Ok(BindHost::Name("localhost")));
        assert_eq!(bind_host("999.1.1.1"), Err("is not an IP address"));
        assert_eq!(bind_host("fe80::zz"), Err("is not an IP address"));
    }

    /// Regression: a size past u64 saturated in the float cast and was stored as -1.
    #[test]
    fn sizes_too_large_to_store_are_refused_with_the_limit() {
        assert_eq!(parse_size("9223372036854775807").unwrap(), MAX_SIZE);
        for big in
            ["99999999999GiB", "9223372036854775808", "8589934592GiB", "99999999999.5GiB", "18446744073709551616"]
        {
            let err = parse_size(big).unwrap_err();
            assert!(err.contains("is too large: at most 9223372036854775807 bytes"), "{big}: {err}");
        }
    }

    #[test]
    fn header_args_keep_repeats_and_reject_bad_input() {
        let map = parse_header_args(&["X-A: 1".into(), "x-a: 2".into(), "B:3".into()]).unwrap();
        assert_eq!(map.get_all("x-a").iter().count(), 2);
        assert_eq!(map["b"], "3");
        assert!(parse_header_args(&["nocolon".into()]).is_err());
    }
}
