//! Small structural checks for the non-JSON fixture formats, so that a typo
//! in an XML or form fixture fails a test instead of a receiver.

/// Checks that `text` is well-formed XML: an optional declaration, exactly one
/// root element, balanced and properly nested tags, quoted attributes, and
/// only the predefined or numeric entity references.
pub(super) fn check_xml(text: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            check_text(rest, stack.is_empty())?;
            break;
        };
        check_text(&rest[..open], stack.is_empty())?;
        rest = &rest[open..];
        let (end, skip) = if rest.starts_with("<?") {
            (rest.find("?>").ok_or("unclosed <?")?, 2)
        } else if rest.starts_with("<!--") {
            (rest.find("-->").ok_or("unclosed comment")?, 3)
        } else if rest.starts_with("<![CDATA[") {
            if stack.is_empty() {
                return Err("CDATA outside the root element".into());
            }
            (rest.find("]]>").ok_or("unclosed CDATA")?, 3)
        } else {
            let close = rest.find('>').ok_or("unclosed tag")?;
            let tag = &rest[1..close];
            if let Some(name) = tag.strip_prefix('/') {
                let name = name.trim_end();
                match stack.pop() {
                    Some(open) if open == name => {}
                    Some(open) => return Err(format!("</{name}> closes <{open}>")),
                    None => return Err(format!("</{name}> without an opening tag")),
                }
            } else {
                let self_closing = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let name = tag.split_whitespace().next().unwrap_or("");
                check_name(name)?;
                check_attributes(&tag[name.len()..])?;
                if stack.is_empty() {
                    roots += 1;
                    if roots > 1 {
                        return Err(format!("second root element <{name}>"));
                    }
                }
                if !self_closing {
                    stack.push(name);
                }
            }
            (close, 1)
        };
        rest = &rest[end + skip..];
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{open}> is never closed"));
    }
    if roots != 1 {
        return Err("no root element".into());
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')) {
        Ok(())
    } else {
        Err(format!("bad element name {name:?}"))
    }
}

fn check_attributes(mut rest: &str) -> Result<(), String> {
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(());
        }
        let eq = rest.find('=').ok_or_else(|| format!("attribute without value: {rest:?}"))?;
        check_name(rest[..eq].trim())?;
        let value = rest[eq + 1..].trim_start();
        let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''));
        let quote = quote.ok_or_else(|| format!("unquoted attribute value: {value:?}"))?;
        let end = value[1..].find(quote).ok_or("unclosed attribute value")?;
        check_text(&value[1..=end], false)?;
        rest = &value[end + 2..];
    }
}

/// Character data: no stray `&` or `>`-less markup, and nothing but
/// whitespace outside the root element.
fn check_text(text: &str, outside_root: bool) -> Result<(), String> {
    if outside_root && !text.trim().is_empty() {
        return Err(format!("text outside the root element: {:?}", text.trim()));
    }
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or("'&' without ';'")?;
        let entity = &after[..semi];
        let numeric = entity
            .strip_prefix("#x")
            .map(|hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .or_else(|| {
                let dec = entity.strip_prefix('#')?;
                Some(!dec.is_empty() && dec.chars().all(|c| c.is_ascii_digit()))
            });
        let known = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos");
        if !known && numeric != Some(true) {
            return Err(format!("unknown entity &{entity};"));
        }
        rest = &after[semi + 1..];
    }
    Ok(())
}

/// Parses an `application/x-www-form-urlencoded` body into its pairs,
/// rejecting empty keys and malformed percent escapes.
pub(super) fn parse_form(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').ok_or_else(|| format!("no '=' in {pair:?}"))?;
            if key.is_empty() {
                return Err(format!("empty key in {pair:?}"));
            }
            Ok((decode(key)?, decode(value)?))
        })
        .collect()
}

fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3).ok_or("truncated %-escape")?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad %-escape %{hex}"))?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b if b.is_ascii_alphanumeric() || b"-._~*".contains(&b) => {
                out.push(b);
                i += 1;
            }
            b => return Err(format!("character {:?} must be %-escaped", char::from(b))),
        }
    }
    String::from_utf8(out).map_err(|_| "escapes do not decode to UTF-8".into())
}

#[test]
fn xml_checker_rejects_broken_documents() {
    let good = "<?xml version=\"1.0\"?>\n<a x=\"1\"><b>t &amp; u</b><c/><!-- n --></a>\n";
    check_xml(good).unwrap();
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a></a><b></b>",
        "text<a></a>",
        "<a>fish & chips</a>",
        "<a x=1></a>",
        "<1a></1a>",
        "",
        "</a>",
    ] {
        assert!(check_xml(bad).is_err(), "{bad}");
    }
}

#[test]
fn form_parser_rejects_broken_bodies() {
    let pairs = parse_form("a=1&command=%2Fweather&text=hello+world&empty=").unwrap();
    assert_eq!(pairs[1], ("command".into(), "/weather".into()));
    assert_eq!(pairs[2].1, "hello world");
    for bad in ["a", "=1", "a=%zz", "a=%2", "a=b c", "a={\"x\"}"] {
        assert!(parse_form(bad).is_err(), "{bad}");
    }
}
