//! `--set path=value`: edits of a JSON payload along dotted paths, with typed
//! values, or of a form-encoded payload's fields.
//!
//! Values are read as JSON when they parse as JSON (`42`, `1.5`, `true`,
//! `null`, `'"42"'`, `'{"a":1}'`) and as a plain string otherwise, so
//! `--set data.stage=won` works without shell-quoted JSON quotes. A form field
//! takes the text as given (a quoted JSON string loses its quotes).

use serde_json::Value;

/// One parsed `--set` argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// The argument as given, for error messages.
    raw: String,
    /// Path segments; a numeric segment indexes an array.
    path: Vec<String>,
    /// The value to put there.
    value: Value,
    /// The value as typed, for form fields.
    text: String,
}

/// Why an edit cannot be parsed or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No `=` between path and value.
    #[error("--set {0:?} has no '='; write --set path=value, e.g. --set data.stage=won")]
    NoEquals(String),
    /// The path is empty or has an empty segment.
    #[error("--set {0:?} has an empty path segment; write dotted paths like data.customer.name")]
    EmptySegment(String),
    /// The body is not JSON, so there is nothing to edit.
    #[error("--set needs a JSON body, but this body is not valid JSON ({0})")]
    NotJson(String),
    /// The body is of a kind `--set` cannot edit.
    #[error("--set edits JSON and form-encoded bodies, and this one is {0}")]
    Unsupported(String),
    /// The path runs into something it cannot go through.
    #[error("--set {raw:?}: {detail}")]
    Path {
        /// The argument as given.
        raw: String,
        /// Where the path went wrong.
        detail: String,
    },
}

impl Edit {
    /// Parses `path=value`. A `\.` in the path is a literal dot in a key.
    pub fn parse(raw: &str) -> Result<Edit, EditError> {
        let (path, value) = raw.split_once('=').ok_or_else(|| EditError::NoEquals(raw.to_string()))?;
        let path = split_path(path.trim());
        if path.iter().any(String::is_empty) {
            return Err(EditError::EmptySegment(raw.to_string()));
        }
        Ok(Edit { raw: raw.to_string(), path, value: parse_value(value), text: value.to_string() })
    }

    /// Sets the value in `doc`, creating missing intermediate objects.
    pub fn apply(&self, doc: &mut Value) -> Result<(), EditError> {
        let fail = |detail: String| EditError::Path { raw: self.raw.clone(), detail };
        let (last, parents) = self.path.split_last().ok_or_else(|| EditError::EmptySegment(self.raw.clone()))?;
        let mut at = doc;
        for (depth, key) in parents.iter().enumerate() {
            let here = self.path[..depth].join(".");
            at = match at {
                Value::Object(map) => map.entry(key.clone()).or_insert_with(|| Value::Object(Default::default())),
                Value::Array(items) => {
                    let len = items.len();
                    let index = index(key, len).map_err(|e| fail(format!("at {}: {e}", describe_at(&here))))?;
                    &mut items[index]
                }
                other => {
                    return Err(fail(format!("{} is {}, not an object or array", describe_at(&here), kind(other))));
                }
            };
        }
        let here = parents.join(".");
        match at {
            Value::Object(map) => {
                map.insert(last.clone(), self.value.clone());
            }
            Value::Array(items) => {
                let len = items.len();
                let index = index(last, len).map_err(|e| fail(format!("at {}: {e}", describe_at(&here))))?;
                items[index] = self.value.clone();
            }
            other => return Err(fail(format!("{} is {}, not an object or array", describe_at(&here), kind(other)))),
        }
        Ok(())
    }
}

/// Applies every edit to a body of `content_type`. A JSON body is serialised
/// again: pretty when the original spanned lines (the fixtures do), compact
/// otherwise, with a final newline if it had one; numbers keep their digits as
/// written (`1.0`, `1e3`, integers past 64 bits). A form-encoded body changes
/// only in the fields edited.
pub fn apply_all(body: &[u8], content_type: &str, edits: &[Edit]) -> Result<Vec<u8>, EditError> {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "application/x-www-form-urlencoded" {
        return Ok(apply_form(body, edits));
    }
    let mut doc: Value = serde_json::from_slice(body).map_err(|e| {
        if essence.ends_with("json") {
            EditError::NotJson(e.to_string())
        } else {
            EditError::Unsupported(essence.clone())
        }
    })?;
    for edit in edits {
        edit.apply(&mut doc)?;
    }
    let out = if body.contains(&b'\n') { serde_json::to_vec_pretty(&doc) } else { serde_json::to_vec(&doc) };
    // Serialising a `Value` cannot fail: its keys are strings.
    let mut out = out.unwrap_or_default();
    if body.ends_with(b"\n") {
        out.push(b'\n');
    }
    Ok(out)
}

/// An edit whose path the body does not have: `--set` adds it, but a misplaced key
/// (top level instead of under `data`) is the likelier intent, so the caller warns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPath {
    /// The path as given, dotted.
    pub path: String,
    /// A path the body does have that ends in the same key, or one spelt much alike.
    pub suggestion: Option<String>,
}

/// The edits whose path is not in `body` (a JSON body; other kinds have no paths to miss).
pub fn new_paths(body: &[u8], edits: &[Edit]) -> Vec<NewPath> {
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let mut known = Vec::new();
    object_paths(&doc, &mut Vec::new(), &mut known);
    edits
        .iter()
        .filter(|e| !has_path(&doc, &e.path))
        .map(|e| {
            let path = e.path.join(".");
            let last = e.path.last().map(String::as_str).unwrap_or_default();
            // The same key elsewhere first (the usual slip: a field of `data` set at the top),
            // then the closest spelling; the shortest path wins a tie.
            let same_key = known.iter().filter(|k| k.rsplit('.').next() == Some(last)).min_by_key(|k| k.len());
            let alike = || {
                known
                    .iter()
                    .map(|k| (strsim::jaro_winkler(k, &path), k))
                    .filter(|(score, _)| *score >= 0.85)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, k)| k)
            };
            NewPath { suggestion: same_key.or_else(alike).cloned(), path }
        })
        .collect()
}

/// Whether `doc` has a value at `path` (an array segment must index an element).
fn has_path(doc: &Value, path: &[String]) -> bool {
    let mut at = doc;
    for key in path {
        at = match at {
            Value::Object(map) => match map.get(key) {
                Some(v) => v,
                None => return false,
            },
            Value::Array(items) => match key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    true
}

/// Every object key's dotted path in `doc`; arrays are not entered (their paths hold indices).
fn object_paths(doc: &Value, prefix: &mut Vec<String>, out: &mut Vec<String>) {
    if let Value::Object(map) = doc {
        for (key, value) in map {
            prefix.push(key.clone());
            out.push(prefix.join("."));
            object_paths(value, prefix, out);
            prefix.pop();
        }
    }
}

/// What a form-encoded value may hold unescaped; a space becomes `+`.
const FORM: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_').remove(b' ');

/// Sets form fields: the whole path names the field (`text`, `user_name`); the
/// first field of that name gets the value, or a new one is appended. Every
/// other byte of the body stays as it was.
fn apply_form(body: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut pairs: Vec<Vec<u8>> =
        if body.is_empty() { Vec::new() } else { body.split(|b| *b == b'&').map(<[u8]>::to_vec).collect() };
    for edit in edits {
        let name = edit.path.join(".");
        let value = match serde_json::from_str::<Value>(&edit.text) {
            Ok(Value::String(s)) => s,
            _ => edit.text.clone(),
        };
        let pair = format!("{}={}", form_encode(&name), form_encode(&value)).into_bytes();
        let key = |p: &Vec<u8>| form_decode(p.split(|b| *b == b'=').next().unwrap_or_default());
        match pairs.iter().position(|p| key(p) == name) {
            Some(i) => pairs[i] = pair,
            None => pairs.push(pair),
        }
    }
    pairs.join(&b'&')
}

fn form_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, FORM).to_string().replace(' ', "+")
}

fn form_decode(bytes: &[u8]) -> String {
    let plus_as_space: Vec<u8> = bytes.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
    percent_encoding::percent_decode(&plus_as_space).decode_utf8_lossy().into_owned()
}

/// Reads a value: JSON when it parses as JSON, else the text as a string.
pub fn parse_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn split_path(path: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                current.push('.');
            }
            '.' => segments.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    segments.push(current);
    segments
}

fn index(key: &str, len: usize) -> Result<usize, String> {
    let i: usize = key.parse().map_err(|_| format!("{key:?} is not an array index (the array has {len} items)"))?;
    if i < len { Ok(i) } else { Err(format!("index {i} is out of range (the array has {len} items)")) }
}

fn describe_at(path: &str) -> String {
    if path.is_empty() { "the top level".to_string() } else { format!("{path:?}") }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn set(doc: &mut Value, arg: &str) -> Result<(), EditError> {
        Edit::parse(arg)?.apply(doc)
    }

    #[test]
    fn a_path_the_body_lacks_is_reported_with_the_path_it_likely_meant() {
        let body = br#"{"event":"lead.created","data":{"pipeline_stage":"new","owner":{"name":"a"}},"items":[1]}"#;
        let edits: Vec<Edit> =
            ["pipeline_stage=won", "data.pipeline_stage=won", "data.pipline_stage=x", "items.0=2", "brand_new=1"]
                .iter()
                .map(|s| Edit::parse(s).unwrap())
                .collect();
        let got = new_paths(body, &edits);
        let want = [
            ("pipeline_stage", Some("data.pipeline_stage")),
            ("data.pipline_stage", Some("data.pipeline_stage")),
            ("brand_new", None),
        ];
        let got: Vec<(&str, Option<&str>)> = got.iter().map(|n| (n.path.as_str(), n.suggestion.as_deref())).collect();
        assert_eq!(got, want);
        assert!(new_paths(b"a=1&b=2", &edits).is_empty(), "a form body has no paths to miss");
    }

    #[test]
    fn values_are_typed_and_bare_words_are_strings() {
        assert_eq!(parse_value("42"), json!(42));
        assert_eq!(parse_value("-1.5"), json!(-1.5));
        assert_eq!(parse_value("true"), json!(true));
        assert_eq!(parse_value("null"), json!(null));
        assert_eq!(parse_value("\"42\""), json!("42"));
        assert_eq!(parse_value("won"), json!("won"));
        assert_eq!(parse_value("007"), json!("007"));
        assert_eq!(parse_value(""), json!(""));
        assert_eq!(parse_value("[1,2]"), json!([1, 2]));
    }

    #[test]
    fn dotted_paths_replace_create_and_index_arrays() {
        let mut doc = json!({"data": {"stage": "new", "tags": ["a", "b"]}});
        set(&mut doc, "data.stage=won").unwrap();
        set(&mut doc, "data.tags.1=\"c\"").unwrap();
        set(&mut doc, "data.owner.name=Ana").unwrap();
        set(&mut doc, "data.value=4800").unwrap();
        assert_eq!(doc, json!({"data": {"stage": "won", "tags": ["a", "c"], "owner": {"name": "Ana"}, "value": 4800}}));

        let mut array = json!([{"FullName": "x"}]);
        set(&mut array, "0.FullName=Jane Roe").unwrap();
        assert_eq!(array, json!([{"FullName": "Jane Roe"}]));
    }

    #[test]
    fn escaped_dots_are_part_of_a_key() {
        let mut doc = json!({});
        set(&mut doc, r"a\.b.c=1").unwrap();
        assert_eq!(doc, json!({"a.b": {"c": 1}}));
    }

    #[test]
    fn impossible_paths_say_where_they_fail() {
        let mut doc = json!({"data": {"stage": "new"}, "items": [1]});
        let err = set(&mut doc, "data.stage.x=1").unwrap_err().to_string();
        assert!(err.contains("\"data.stage\" is a string"), "{err}");
        let err = set(&mut doc, "items.3=1").unwrap_err().to_string();
        assert!(err.contains("index 3 is out of range (the array has 1 items)"), "{err}");
        let err = set(&mut doc, "items.x.y=1").unwrap_err().to_string();
        assert!(err.contains("not an array index"), "{err}");
        assert!(matches!(Edit::parse("novalue"), Err(EditError::NoEquals(_))));
        assert!(matches!(Edit::parse("a..b=1"), Err(EditError::EmptySegment(_))));
        assert!(matches!(Edit::parse("=1"), Err(EditError::EmptySegment(_))));
    }

    #[test]
    fn apply_all_keeps_layout_and_refuses_what_it_cannot_edit() {
        let edits = [Edit::parse("a=2").unwrap()];
        let json = "application/json";
        assert_eq!(apply_all(br#"{"a":1,"b":0}"#, json, &edits).unwrap(), br#"{"a":2,"b":0}"#);
        let pretty = apply_all(b"{\n  \"a\": 1\n}", json, &edits).unwrap();
        assert_eq!(pretty, b"{\n  \"a\": 2\n}");
        // Fields the edit does not touch keep their numbers as written, and the final newline stays.
        let body = b"{\n  \"a\": 1,\n  \"z\": 1.0,\n  \"big\": 12345678901234567890123,\n  \"f\": 2.50\n}\n";
        let out = String::from_utf8(apply_all(body, json, &edits).unwrap()).unwrap();
        assert_eq!(out, "{\n  \"a\": 2,\n  \"z\": 1.0,\n  \"big\": 12345678901234567890123,\n  \"f\": 2.50\n}\n");
        assert!(matches!(apply_all(b"<xml/>", json, &edits), Err(EditError::NotJson(_))));
        let err = apply_all(b"<xml/>", "text/xml", &edits).unwrap_err();
        assert_eq!(err.to_string(), "--set edits JSON and form-encoded bodies, and this one is text/xml");
    }

    #[test]
    fn form_fields_are_set_by_name_and_the_rest_is_kept_byte_for_byte() {
        let form = "application/x-www-form-urlencoded";
        let body = b"token=x%2Fy&text=&user_name=road+runner&command=%2Fhook";
        let edits: Vec<Edit> = ["text=hello world & more", "command=\"/deploy\"", "channel_id=C1", "n=007"]
            .map(|a| Edit::parse(a).unwrap())
            .into();
        let out = String::from_utf8(apply_all(body, form, &edits).unwrap()).unwrap();
        assert_eq!(
            out,
            "token=x%2Fy&text=hello+world+%26+more&user_name=road+runner&command=%2Fdeploy&channel_id=C1&n=007"
        );
        // A field is found by its decoded name.
        let out = apply_all(b"user+name=a", form, &[Edit::parse("user name=b").unwrap()]).unwrap();
        assert_eq!(out, b"user+name=b");
        assert_eq!(apply_all(b"", form, &[Edit::parse("a=1").unwrap()]).unwrap(), b"a=1");
    }
}
