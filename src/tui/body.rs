//! A body as the detail pane shows it: JSON pretty-printed and coloured, XML
//! indented, a form as a table of fields, binary as a hex dump, text as it is.
//! A body that claims a format and fails to parse is shown raw, under the parse
//! error, rather than hidden. Rendered once per delivery, on a worker thread.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Most lines rendered for one body; the rest is counted, and `y` copies it whole.
pub const MAX_LINES: usize = 10_000;

/// How a body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No bytes.
    Empty,
    /// JSON.
    Json,
    /// XML.
    Xml,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// UTF-8 text of no known format.
    Text,
    /// Anything else.
    Binary,
}

impl Kind {
    /// The format a content type names, or else the one the bytes look like.
    pub fn of(bytes: &[u8], content_type: Option<&str>) -> Kind {
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        if bytes.is_empty() {
            return Kind::Empty;
        }
        if ct.contains("json") {
            return Kind::Json;
        }
        if ct.contains("xml") {
            return Kind::Xml;
        }
        if ct.contains("x-www-form-urlencoded") {
            return Kind::Form;
        }
        let Ok(text) = std::str::from_utf8(bytes) else { return Kind::Binary };
        if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Kind::Binary;
        }
        let t = text.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            Kind::Json
        } else if t.starts_with('<') {
            Kind::Xml
        } else if looks_like_form(text.trim_end()) {
            Kind::Form
        } else {
            Kind::Text
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Empty => "empty",
            Kind::Json => "JSON",
            Kind::Xml => "XML",
            Kind::Form => "form",
            Kind::Text => "text",
            Kind::Binary => "binary",
        }
    }
}

fn looks_like_form(text: &str) -> bool {
    !text.is_empty()
        && text.split('&').all(|pair| {
            pair.split_once('=').is_some_and(|(k, v)| {
                !k.is_empty() && !k.contains(char::is_whitespace) && !v.contains(char::is_whitespace)
            })
        })
}

/// Styles, or none at all without colour.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    color: bool,
}

impl Palette {
    /// A palette that colours only when `color`.
    pub fn new(color: bool) -> Palette {
        Palette { color }
    }

    /// `c` as foreground, when colouring.
    pub fn fg(self, c: Color) -> Style {
        if self.color { Style::default().fg(c) } else { Style::default() }
    }

    /// Dim text (a modifier, kept without colour too, as NO_COLOR allows).
    pub fn dim(self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }
}

/// The body's lines, after a one-line caption saying its format and size.
pub fn render(bytes: &[u8], content_type: Option<&str>, color: bool) -> Vec<Line<'static>> {
    let p = Palette::new(color);
    let kind = Kind::of(bytes, content_type);
    let size = format!("{} bytes", thousands(bytes.len() as i64));
    let text = String::from_utf8_lossy(bytes);
    let parsed = match kind {
        Kind::Empty => Ok(Vec::new()),
        Kind::Json => json(bytes, p),
        Kind::Xml => super::xml::indent(&text, p),
        Kind::Form => Ok(form(&text, p)),
        Kind::Text => Ok(raw(&text)),
        Kind::Binary => Ok(hex(bytes, p)),
    };
    let (caption, mut lines) = match parsed {
        Ok(lines) => (format!("{}, {size}", kind.name()), lines),
        Err(e) => (format!("{}, {size}: does not parse ({e}); shown raw", kind.name()), raw(&text)),
    };
    let more = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    if more > 0 {
        lines.push(Line::styled(format!("… {more} more lines (y copies the whole body)"), p.dim()));
    }
    lines.insert(0, Line::styled(caption, p.dim()));
    lines
}

/// Text as it is, a line per line, tabs as spaces.
pub fn raw(text: &str) -> Vec<Line<'static>> {
    text.lines().map(|l| Line::raw(l.replace('\t', "    "))).collect()
}

fn json(bytes: &[u8], p: Palette) -> Result<Vec<Line<'static>>, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut out = Out { lines: Vec::new(), spans: Vec::new(), p };
    json_value(&value, 0, &mut out);
    out.end_line();
    Ok(out.lines)
}

/// Lines built a span at a time.
struct Out {
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    p: Palette,
}

impl Out {
    fn push(&mut self, text: impl Into<String>, style: Style) {
        self.spans.push(Span::styled(text.into(), style));
    }

    fn end_line(&mut self) {
        if !self.spans.is_empty() {
            self.lines.push(Line::from(std::mem::take(&mut self.spans)));
        }
    }

    fn indent(&mut self, depth: usize) {
        self.push("  ".repeat(depth), Style::default());
    }
}

fn json_value(v: &serde_json::Value, depth: usize, out: &mut Out) {
    use serde_json::Value;
    let p = out.p;
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    match v {
        Value::Null => out.push("null", p.fg(Color::Magenta)),
        Value::Bool(b) => out.push(b.to_string(), p.fg(Color::Magenta)),
        Value::Number(n) => out.push(n.to_string(), p.fg(Color::Yellow)),
        Value::String(s) => out.push(quoted(s), p.fg(Color::Green)),
        Value::Array(items) if items.is_empty() => out.push("[]", Style::default()),
        Value::Object(map) if map.is_empty() => out.push("{}", Style::default()),
        Value::Array(items) => {
            out.push("[", Style::default());
            for (i, item) in items.iter().enumerate() {
                out.end_line();
                out.indent(depth + 1);
                json_value(item, depth + 1, out);
                if i + 1 < items.len() {
                    out.push(",", Style::default());
                }
            }
            out.end_line();
            out.indent(depth);
            out.push("]", Style::default());
        }
        Value::Object(map) => {
            out.push("{", Style::default());
            for (i, (key, item)) in map.iter().enumerate() {
                out.end_line();
                out.indent(depth + 1);
                out.push(quoted(key), p.fg(Color::Cyan));
                out.push(": ", Style::default());
                json_value(item, depth + 1, out);
                if i + 1 < map.len() {
                    out.push(",", Style::default());
                }
            }
            out.end_line();
            out.indent(depth);
            out.push("}", Style::default());
        }
    }
}

/// Form fields as a two-column table, decoded.
fn form(text: &str, p: Palette) -> Vec<Line<'static>> {
    let fields: Vec<(String, String)> = text
        .trim_end()
        .split('&')
        .filter(|f| !f.is_empty())
        .map(|f| {
            let (k, v) = f.split_once('=').unwrap_or((f, ""));
            (crate::tail::har::decode(k), crate::tail::har::decode(v))
        })
        .collect();
    let width = fields.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0).min(32);
    fields
        .into_iter()
        .map(|(k, v)| {
            Line::from(vec![Span::styled(format!("{k:<width$}"), p.fg(Color::Cyan)), Span::raw(format!("  {v}"))])
        })
        .collect()
}

/// A hex dump: offset, sixteen bytes in hex, the same as ASCII.
pub fn hex(bytes: &[u8], p: Palette) -> Vec<Line<'static>> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let mut hex = String::with_capacity(50);
            for (j, b) in chunk.iter().enumerate() {
                hex.push_str(&format!("{b:02x} "));
                if j == 7 {
                    hex.push(' ');
                }
            }
            let ascii: String =
                chunk.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' }).collect();
            Line::from(vec![
                Span::styled(format!("{:08x}  ", i * 16), p.dim()),
                Span::raw(format!("{hex:<50}")),
                Span::styled(format!("|{ascii}|"), p.fg(Color::Cyan)),
            ])
        })
        .collect()
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn json_is_pretty_printed_in_its_own_key_order() {
        let lines = render(br#"{"z":1,"a":[true,null,"x"],"e":{}}"#, Some("application/json"), true);
        assert_eq!(
            text(&lines),
            [
                "JSON, 34 bytes",
                "{",
                "  \"z\": 1,",
                "  \"a\": [",
                "    true,",
                "    null,",
                "    \"x\"",
                "  ],",
                "  \"e\": {}",
                "}"
            ]
        );
        assert_eq!(lines[2].spans[1].style.fg, Some(Color::Cyan), "keys coloured");
        let plain = render(br#"{"z":1}"#, None, false);
        assert!(plain.iter().flat_map(|l| &l.spans).all(|s| s.style.fg.is_none()), "no colour when off");
    }

    #[test]
    fn a_body_that_does_not_parse_is_shown_raw_under_the_error() {
        let lines = text(&render(b"{\"a\": 1,", Some("application/json"), false));
        assert!(lines[0].starts_with("JSON, 8 bytes: does not parse (EOF while parsing"), "{lines:?}");
        assert_eq!(lines[1], "{\"a\": 1,");
        let lines = text(&render(b"<a><b></a>", Some("text/xml"), false));
        assert!(lines[0].contains("does not parse (</a> closes <b>)"), "{lines:?}");
    }

    #[test]
    fn xml_is_indented_and_text_only_elements_stay_on_one_line() {
        let lines = text(&render(b"<?xml version=\"1.0\"?><a x=\"1\"><b>hi</b><c/><!-- note --></a>", None, false));
        assert_eq!(
            lines[1..],
            ["<?xml version=\"1.0\"?>", "<a x=\"1\">", "  <b>hi</b>", "  <c/>", "  <!-- note -->", "</a>"]
        );
    }

    #[test]
    fn forms_are_decoded_fields_and_binary_is_a_hex_dump() {
        let lines = text(&render(b"name=Ada+L&note=a%26b", None, false));
        assert_eq!(lines, ["form, 21 bytes", "name  Ada L", "note  a&b"]);
        let lines = text(&render(b"\x00\x01abc\xff", None, false));
        assert_eq!(lines[0], "binary, 6 bytes");
        assert!(lines[1].starts_with("00000000  00 01 61 62 63 ff"), "{lines:?}");
        assert!(lines[1].ends_with("|..abc.|"), "{lines:?}");
    }

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(-1000), "-1,000");
    }
}
