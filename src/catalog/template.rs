//! Payload templates: `{{placeholder}}` substitution with fresh values.
//!
//! Fixture payloads carry placeholders such as `{{uuid}}`, `{{now}}` or
//! `{{int 1 100}}` so that every render is a distinct, current delivery;
//! `{{delivery_id}}` repeats the id the request carries in its headers.
//! `{{` always opens a placeholder; the closing `}}` must follow on the same
//! line with no `{` or `"` in between, so a stray `{{` is reported where it
//! is instead of swallowing JSON up to the next `}}`.

use std::fmt::Write as _;
use std::ops::Range;

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
    DeliveryId,
}

/// Longest `{{hex N}}` accepted; anything longer is a typo, not a fixture.
const MAX_HEX: usize = 1024;

/// Checks a template without rendering it. The catalog compiles each
/// template as it loads ([`Template::compile`]), which checks it the same way.
#[cfg(test)]
pub(crate) fn check(text: &str, file: &str) -> Result<(), TemplateError> {
    scan(text, file, |_, _| Ok(()))
}

/// Renders `text`, replacing each placeholder with a fresh value. Times are
/// relative to `now`; `{{event}}` and `{{delivery_id}}` become `names`' values.
#[cfg(test)]
pub(crate) fn render(text: &str, file: &str, names: Names<'_>, now: DateTime<Utc>) -> Result<Vec<u8>, TemplateError> {
    Template::compile(text.to_owned(), file)?.render(file, names, now)
}

/// The values of the placeholders that name this delivery rather than draw fresh ones.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// What `{{event}}` becomes: the event's name.
    pub event: &'a str,
    /// What `{{delivery_id}}` becomes: the provider delivery id the request's headers carry.
    pub delivery_id: &'a str,
}

/// A template parsed once, so that each render only copies text and
/// expands placeholders.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    text: String,
    pieces: Vec<Compiled>,
    /// Roughly the rendered size, so a render allocates once.
    size_hint: usize,
}

/// One piece of a parsed template; ranges index the template text.
#[derive(Debug, Clone)]
enum Compiled {
    Text(Range<usize>),
    Slot { slot: Slot, line: usize, inner: Range<usize> },
}

impl Template {
    /// Parses `text`; errors name `file` and the line.
    pub(crate) fn compile(text: String, file: &str) -> Result<Template, TemplateError> {
        let base = text.as_ptr() as usize;
        let range = |piece: &str| {
            let start = piece.as_ptr() as usize - base;
            start..start + piece.len()
        };
        let mut pieces = Vec::new();
        let mut size_hint = 0;
        scan(&text, file, |piece, at| {
            match piece {
                Piece::Text("") => {}
                Piece::Text(literal) => {
                    size_hint += literal.len();
                    pieces.push(Compiled::Text(range(literal)));
                }
                Piece::Slot(slot) => {
                    size_hint += slot.size_hint();
                    pieces.push(Compiled::Slot { slot, line: at.line, inner: range(at.inner) });
                }
            }
            Ok(())
        })?;
        Ok(Template { text, pieces, size_hint })
    }

    /// The template as written.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Renders with a fresh value for each placeholder. Times are relative to
    /// `now`; `{{event}}` and `{{delivery_id}}` come from `names`. Placeholders that
    /// do not draw random values (times, names) are expanded once and then copied.
    pub(crate) fn render(&self, file: &str, names: Names<'_>, now: DateTime<Utc>) -> Result<Vec<u8>, TemplateError> {
        let mut rng = rand::rng();
        let mut out = String::with_capacity(self.size_hint);
        let mut done: Vec<(Slot, Range<usize>)> = Vec::new();
        for piece in &self.pieces {
            match piece {
                Compiled::Text(range) => out.push_str(&self.text[range.clone()]),
                Compiled::Slot { slot, line, inner } => {
                    if let Some((_, range)) = done.iter().find(|(s, _)| s == slot) {
                        out.extend_from_within(range.clone());
                        continue;
                    }
                    let start = out.len();
                    expand(*slot, names, now, &mut rng, &mut out).map_err(|reason| TemplateError::BadArgument {
                        file: file.to_owned(),
                        line: *line,
                        placeholder: self.text[inner.clone()].trim().to_owned(),
                        reason,
                    })?;
                    if !slot.is_random() {
                        done.push((*slot, start..out.len()));
                    }
                }
            }
        }
        Ok(out.into_bytes())
    }
}

impl Slot {
    /// Whether each expansion draws fresh random values.
    fn is_random(self) -> bool {
        matches!(self, Slot::Uuid | Slot::Ulid | Slot::Int(..) | Slot::Hex(_))
    }

    /// About how long the expansion is.
    fn size_hint(self) -> usize {
        match self {
            Slot::Hex(len) => len,
            _ => 36,
        }
    }
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
        "delivery_id" => none(&args, Slot::DeliveryId),
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
    names: Names<'_>,
    now: DateTime<Utc>,
    rng: &mut R,
    out: &mut String,
) -> Result<(), String> {
    let shifted = |seconds: i64| {
        TimeDelta::try_seconds(seconds)
            .and_then(|delta| now.checked_add_signed(delta))
            .ok_or_else(|| format!("an offset of {seconds} seconds is out of range"))
    };
    // Writing to a String cannot fail.
    match slot {
        Slot::Uuid => push_uuid(out, version_4(rng.random())),
        Slot::Ulid => {
            let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
            let _ = write!(out, "{}", ulid::Ulid::from_parts(millis, rng.random()));
        }
        Slot::Now(offset) => out.push_str(&shifted(offset)?.to_rfc3339_opts(SecondsFormat::Millis, true)),
        Slot::Unix(offset) => {
            let _ = write!(out, "{}", shifted(offset)?.timestamp());
        }
        Slot::UnixMs(offset) => {
            let _ = write!(out, "{}", shifted(offset)?.timestamp_millis());
        }
        Slot::Date(days) => {
            let date = TimeDelta::try_days(days)
                .and_then(|delta| now.checked_add_signed(delta))
                .ok_or_else(|| format!("an offset of {days} days is out of range"))?;
            let _ = write!(out, "{}", date.format("%Y-%m-%d"));
        }
        Slot::Int(low, high) => {
            let _ = write!(out, "{}", rng.random_range(low..=high));
        }
        Slot::Hex(len) => out.extend((0..len).map(|_| char::from(HEX_DIGITS[rng.random_range(0..16)]))),
        Slot::Event => out.push_str(names.event),
        Slot::DeliveryId => out.push_str(names.delivery_id),
    }
    Ok(())
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// A fresh random (version 4) UUID, as `{{uuid}}` renders it.
pub fn new_uuid() -> String {
    let mut out = String::with_capacity(36);
    push_uuid(&mut out, version_4(rand::rng().random()));
    out
}

/// Marks 128 random bits as an RFC 9562 version 4 UUID.
fn version_4(bits: u128) -> u128 {
    // Version nibble 4 at bits 76..80, variant 0b10 at bits 62..64.
    let bits = (bits & !(0xf << 76)) | (0x4 << 76);
    (bits & !(0x3 << 62)) | (0x2 << 62)
}

/// Appends 128 bits in the UUID text form: 32 lowercase hex digits grouped
/// 8-4-4-4-12 by hyphens.
pub fn push_uuid(out: &mut String, bits: u128) {
    let mut text = [b'-'; 36];
    let mut digit = 0;
    for (at, byte) in text.iter_mut().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            continue;
        }
        let shift = 124 - 4 * digit;
        *byte = HEX_DIGITS[((bits >> shift) & 0xf) as usize];
        digit += 1;
    }
    // Only ASCII hex digits and hyphens were written.
    out.push_str(std::str::from_utf8(&text).unwrap_or_default());
}
