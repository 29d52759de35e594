//! The human-readable delivery line that `listen` prints as deliveries happen and
//! `tail --format line` prints for recorded ones: one renderer, so both read alike.

use crate::provider::SignatureState;

/// The fields of one human-readable delivery line.
#[derive(Debug, Clone, Copy)]
pub struct HumanLine<'a> {
    /// When it happened (unix ms), shown as local `HH:MM:SS.mmm`.
    pub at_ms: i64,
    /// Provider.
    pub provider: Option<&'a str>,
    /// Event type.
    pub event: Option<&'a str>,
    /// Signature result, shown as `sig ✓`, `sig ✗` or `sig ·`.
    pub signature: SignatureState,
    /// Stored state.
    pub state: &'a str,
    /// Response status, or `-`/`---`.
    pub status: &'a str,
    /// Latency, already formatted (`1.5ms`), or empty.
    pub latency: &'a str,
    /// Delivery id.
    pub id: &'a str,
    /// The rest: what happened, in words.
    pub note: &'a str,
}

impl HumanLine<'_> {
    /// The line with its newline; `color` adds ANSI colours to the mark and the state.
    pub fn render(&self, color: bool) -> String {
        use chrono::Timelike as _;
        use std::fmt::Write as _;
        let (mark, mark_color) = match self.signature {
            SignatureState::Valid => ("✓", Some("32")),
            SignatureState::Invalid | SignatureState::Missing => ("✗", Some("31")),
            SignatureState::Unchecked => ("·", None),
        };
        let state_color = match self.state {
            "forwarded" | "recorded" => "32",
            "pending" => "33",
            _ => "31",
        };
        // One buffer per line: this runs for every delivery.
        let mut line = String::with_capacity(160 + self.note.len());
        let (provider, event) = (self.provider.unwrap_or("-"), self.event.unwrap_or("-"));
        // HH:MM:SS.mmm written field by field: a strftime pattern is parsed on every use.
        let at = chrono::DateTime::from_timestamp_millis(self.at_ms).unwrap_or_default().with_timezone(&chrono::Local);
        let (h, m, s, ms) = (at.hour(), at.minute(), at.second(), at.timestamp_subsec_millis().min(999));
        let _ = write!(line, "{h:02}:{m:02}:{s:02}.{ms:03}  {provider:<9} {event:<24} ");
        // Labelled, so a ✓ beside `pending` or `dead` reads as the signature's verdict,
        // not as the forward's.
        line.push_str("sig ");
        painted(&mut line, mark_color.filter(|_| color), format_args!("{mark}"));
        line.push(' ');
        let state = self.state;
        painted(&mut line, Some(state_color).filter(|_| color), format_args!("{state:<9}"));
        let (status, latency, id, note) = (self.status, self.latency, self.id, self.note);
        let _ = writeln!(line, " {status:>3} {latency:>8}  {id}  {note}");
        line
    }
}

/// Appends `text`, wrapped in the ANSI `color` if there is one.
fn painted(line: &mut String, color: Option<&str>, text: std::fmt::Arguments<'_>) {
    use std::fmt::Write as _;
    match color {
        Some(c) => {
            let _ = write!(line, "\x1b[{c}m{text}\x1b[0m");
        }
        None => {
            let _ = line.write_fmt(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(signature: SignatureState, state: &'static str) -> HumanLine<'static> {
        HumanLine {
            at_ms: crate::util::unix_ms_now(),
            provider: Some("github"),
            event: None,
            signature,
            state,
            status: "200",
            latency: "1.5ms",
            id: "01ABC",
            note: "POST /hook answered 200",
        }
    }

    #[test]
    fn a_human_line_has_every_field_aligned_and_colours_only_when_asked() {
        let plain = line(SignatureState::Valid, "forwarded").render(false);
        let (time, fields) = plain.split_once("  ").expect("time first");
        let shape: String = time.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
        assert_eq!(shape, "99:99:99.999", "local time with milliseconds: {time}");
        assert_eq!(
            fields,
            format!("{:<9} {:<24} sig ✓ forwarded 200    1.5ms  01ABC  POST /hook answered 200\n", "github", "-")
        );
        assert!(!plain.contains('\x1b'));
        let colored = line(SignatureState::Invalid, "rejected").render(true);
        assert!(colored.contains("sig \x1b[31m✗\x1b[0m \x1b[31mrejected \x1b[0m"), "{colored:?}");
    }

    #[test]
    fn the_time_shown_is_the_lines_own_not_now() {
        let at = chrono::Local::now() - chrono::Duration::hours(3);
        let mut l = line(SignatureState::Valid, "forwarded");
        l.at_ms = at.timestamp_millis();
        assert!(l.render(false).starts_with(&at.format("%H:%M:%S%.3f").to_string()));
    }
}
