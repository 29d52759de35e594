//! The JSON work behind the deliveries: a field set in place, a delivery id put in
//! the provider's envelope, Python's `json.dumps` form, and whether a content type is JSON.

use bytes::Bytes;

use crate::provider::Field;

/// `bytes` with the JSON field at dotted `path` set to `value`, made compact; as given
/// when it is not JSON or has no such field.
pub(super) fn set_field(bytes: &Bytes, path: &str, value: serde_json::Value) -> Bytes {
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(bytes) else { return bytes.clone() };
    let pointer = format!("/{}", path.replace('~', "~0").replace('/', "~1").replace('.', "/"));
    match doc.pointer_mut(&pointer) {
        Some(slot) => {
            *slot = value;
            serde_json::to_vec(&doc).map_or_else(|_| bytes.clone(), Bytes::from)
        }
        None => bytes.clone(),
    }
}

/// The user's body carrying `id` where the provider keeps its delivery id in the
/// envelope (Nudj's and Stripe's `id`, Slack's `event_id`), if the body has that field.
pub(super) fn with_id(bytes: &Bytes, field: &Field, id: &str) -> Bytes {
    match field {
        Field::Json(path) => set_field(bytes, path, serde_json::Value::from(id)),
        Field::Any(fields) => fields.iter().fold(bytes.clone(), |b, f| with_id(&b, f, id)),
        Field::Header(_) | Field::Absent => bytes.clone(),
    }
}

/// `json.dumps(value)` as Python writes it by default: `", "` and `": "` between
/// items, everything past ASCII escaped as `\uXXXX` (surrogate pairs beyond the BMP).
pub fn python_dumps(value: &serde_json::Value) -> Vec<u8> {
    use serde::Serialize as _;
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    // Writing to a Vec cannot fail, and a Value always serialises.
    let _ = value.serialize(&mut ser);
    out
}

struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        for ch in fragment.chars() {
            if ch.is_ascii() {
                writer.write_all(&[ch as u8])?;
            } else {
                for unit in ch.encode_utf16(&mut [0; 2]) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// Whether a content type is JSON (`application/json`, `…+json`, parameters ignored).
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}
