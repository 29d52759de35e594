//! Payload templates: `{{placeholder}}` substitution with fresh values.
//!
//! Fixture payloads carry placeholders such as `{{uuid}}`, `{{now}}` or
//! `{{int 1 100}}` so that every render is a distinct, current delivery.
//! `{{` always opens a placeholder; the closing `}}` must follow on the same
//! line with no `{` or `"` in between, so a stray `{{` is reported where it
//! is instead of swallowing JSON up to the next `}}`.

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use rand::RngExt;

/// Why a template could not be rendered. Each variant names the fixture file
/// and the line of the offending placeholder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A placeholder whose name is not one of the known ones.
    #[error("{file}:{line}: unknown placeholder {{{{{placeholder}}}}}")]
    UnknownPlaceholder { file: String, line: usize, placeholder: String },
    /// A `{{` with no `}}` after it on the same line.
    #[error("{file}:{line}: \"{{{{\" is not closed by \"}}}}\" on the same line")]
    Unclosed { file: String, line: usize },
    /// A known placeholder with arguments it cannot use.
    #[error("{file}:{line}: {{{{{placeholder}}}}}: {reason}")]
    BadArgument { file: String, line: usize, placeholder: String, reason: String },
}

/// One placeholder, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Uuid,
    Ulid,
    /// RFC 3339 time, offset in seconds.
    Now(i64),
    /// Unix seconds, offset in seconds.
    Unix(i64),
    /// Unix milliseconds, offset in seconds.
    UnixMs(i64),
    /// `YYYY-MM-DD`, offset in days.
    Date(i64),
    /// Inclusive range.
    Int(i64, i64),
    /// Number of lowercase hex digits.
    Hex(usize),
    Event,
}

/// Longest `{{hex N}}` accepted; anything longer is a typo, not a fixture.
const MAX_HEX: usize = 1024;

/// Checks a template without rendering it, so that a broken fixture is
/// reported when the catalog loads rather than at the first send.
pub(crate) fn check(text: &str, file: &str) -> Result<(), TemplateError> {
    scan(text, file, |_, _| Ok(()))
}

/// Renders `text`, replacing each placeholder with a fresh value. Times are
/// relative to `now`; `{{event}}` becomes `event`.
pub(crate) fn render(text: &str, file: &str, event: &str, now: DateTime<Utc>) -> Result<Vec<u8>, TemplateError> {
    let mut rng = rand::rng();
    let mut out = String::with_capacity(text.len() + 64);
    scan(text, file, |piece, at| {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Slot(slot) => {
                expand(slot, event, now, &mut rng, &mut out).map_err(|reason| TemplateError::BadArgument {
                    file: file.to_owned(),
                    line: at.line,
                    placeholder: at.inner.trim().to_owned(),
                    reason,
                })?
            }
        }
        Ok(())
    })?;
    Ok(out.into_bytes())
}

enum Piece<'t> {
    Text(&'t str),
    Slot(Slot),
}

/// Where a placeholder sits, for error messages.
struct At<'t> {
    line: usize,
    inner: &'t str,
}

/// Walks the template, handing literal text and parsed placeholders to `f`
/// in order.
fn scan<'t, F>(text: &'t str, file: &str, mut f: F) -> Result<(), TemplateError>
where
    F: FnMut(Piece<'t>, At<'t>) -> Result<(), TemplateError>,
{
    let mut rest = text;
    let mut line = 1;
    while let Some(open) = rest.find("{{") {
        let literal = &rest[..open];
        line += literal.matches('\n').count();
        f(Piece::Text(literal), At { line, inner: "" })?;
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .filter(|&close| !after[..close].contains(['\n', '{', '"']))
            .ok_or_else(|| TemplateError::Unclosed { file: file.to_owned(), line })?;
        let inner = &after[..close];
        let slot = parse(inner, file, line)?;
        f(Piece::Slot(slot), At { line, inner })?;
        rest = &after[close + 2..];
    }
    f(Piece::Text(rest), At { line, inner: "" })
}

fn parse(inner: &str, file: &str, line: usize) -> Result<Slot, TemplateError> {
    let mut words = inner.split_whitespace();
    let name = words.next().unwrap_or("");
    let args: Vec<&str> = words.collect();
    let bad = |reason: &str| TemplateError::BadArgument {
        file: file.to_owned(),
        line,
        placeholder: inner.trim().to_owned(),
        reason: reason.to_owned(),
    };
    let offset = |args: &[&str]| -> Result<i64, TemplateError> {
        match args {
            [] => Ok(0),
            [n] => n.parse::<i64>().map_err(|_| bad("the offset must be a whole number such as +7 or -3")),
            _ => Err(bad("takes at most one offset")),
        }
    };
    let none = |args: &[&str], slot: Slot| {
        if args.is_empty() { Ok(slot) } else { Err(bad("takes no arguments")) }
    };
    match name {
        "uuid" => none(&args, Slot::Uuid),
        "ulid" => none(&args, Slot::Ulid),
        "event" => none(&args, Slot::Event),
        "now" => offset(&args).map(Slot::Now),
        "unix" => offset(&args).map(Slot::Unix),
        "unix_ms" => offset(&args).map(Slot::UnixMs),
        "date" => offset(&args).map(Slot::Date),
        "int" => match args[..] {
            [] => Ok(Slot::Int(100_000, 999_999_999)),
            [low, high] => match (low.parse::<i64>(), high.parse::<i64>()) {
                (Ok(low), Ok(high)) if low <= high => Ok(Slot::Int(low, high)),
                _ => Err(bad("expects two whole numbers, the lower one first")),
            },
            _ => Err(bad("expects no arguments or a range such as {{int 1 100}}")),
        },
        "hex" => match args[..] {
            [n] => match n.parse::<usize>() {
                Ok(n) if (1..=MAX_HEX).contains(&n) => Ok(Slot::Hex(n)),
                _ => Err(bad("expects a length between 1 and 1024")),
            },
            _ => Err(bad("expects a length, such as {{hex 12}}")),
        },
        _ => {
            Err(TemplateError::UnknownPlaceholder { file: file.to_owned(), line, placeholder: inner.trim().to_owned() })
        }
    }
}

fn expand<R: RngExt + ?Sized>(
    slot: Slot,
    event: &str,
    now: DateTime<Utc>,
    rng: &mut R,
    out: &mut String,
) -> Result<(), String> {
    let shifted = |seconds: i64| {
        TimeDelta::try_seconds(seconds)
            .and_then(|delta| now.checked_add_signed(delta))
            .ok_or_else(|| format!("an offset of {seconds} seconds is out of range"))
    };
    match slot {
        Slot::Uuid => out.push_str(&uuid_v4(rng.random())),
        Slot::Ulid => {
            let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
            out.push_str(&ulid::Ulid::from_parts(millis, rng.random()).to_string());
        }
        Slot::Now(offset) => out.push_str(&shifted(offset)?.to_rfc3339_opts(SecondsFormat::Millis, true)),
        Slot::Unix(offset) => out.push_str(&shifted(offset)?.timestamp().to_string()),
        Slot::UnixMs(offset) => out.push_str(&shifted(offset)?.timestamp_millis().to_string()),
        Slot::Date(days) => {
            let date = TimeDelta::try_days(days)
                .and_then(|delta| now.checked_add_signed(delta))
                .ok_or_else(|| format!("an offset of {days} days is out of range"))?;
            out.push_str(&date.format("%Y-%m-%d").to_string());
        }
        Slot::Int(low, high) => out.push_str(&rng.random_range(low..=high).to_string()),
        Slot::Hex(len) => {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            out.extend((0..len).map(|_| char::from(DIGITS[rng.random_range(0..16)])));
        }
        Slot::Event => out.push_str(event),
    }
    Ok(())
}

/// A fresh random (version 4) UUID, as `{{uuid}}` renders it.
pub fn new_uuid() -> String {
    uuid_v4(rand::rng().random())
}

/// Formats 128 random bits as an RFC 9562 version 4 UUID.
fn uuid_v4(bits: u128) -> String {
    // Version nibble 4 at bits 76..80, variant 0b10 at bits 62..64.
    let bits = (bits & !(0xf << 76)) | (0x4 << 76);
    let bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}
