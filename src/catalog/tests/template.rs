//! Tests for the placeholder scanner and the values it produces.

use chrono::{DateTime, TimeZone, Utc};

use crate::catalog::template::{Names, TemplateError, check, push_uuid, render};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

fn render_str(text: &str) -> Result<String, TemplateError> {
    let names = Names { event: "lead.created", delivery_id: "0192b6e4-5c1a-7d3e-9f00-1a2b3c4d5e6f" };
    render(text, "t.json", names, at()).map(|bytes| String::from_utf8(bytes).unwrap())
}

#[test]
fn text_without_placeholders_is_unchanged() {
    let text = "[{\"a\": {\"b\": {}}}]\n<x/>\n";
    assert_eq!(render_str(text).unwrap(), text);
}

#[test]
fn time_placeholders_follow_the_given_clock() {
    assert_eq!(render_str("{{now}}").unwrap(), "2026-03-20T14:00:00.000Z");
    assert_eq!(render_str("{{now +3600}}").unwrap(), "2026-03-20T15:00:00.000Z");
    assert_eq!(render_str("{{now -60}}").unwrap(), "2026-03-20T13:59:00.000Z");
    assert_eq!(render_str("{{unix}}").unwrap(), "1774015200");
    assert_eq!(render_str("{{unix 10}}").unwrap(), "1774015210");
    assert_eq!(render_str("{{unix_ms}}").unwrap(), "1774015200000");
    assert_eq!(render_str("{{date}}").unwrap(), "2026-03-20");
    assert_eq!(render_str("{{date +7}}").unwrap(), "2026-03-27");
    assert_eq!(render_str("{{date -20}}").unwrap(), "2026-02-28");
    assert_eq!(render_str("{{ now }}").unwrap(), "2026-03-20T14:00:00.000Z");
}

#[test]
fn event_placeholder_is_the_catalog_name() {
    assert_eq!(render_str("\"{{event}}\"").unwrap(), "\"lead.created\"");
}

#[test]
fn bare_numbers_and_closing_braces_mix() {
    let out = render_str("{\"Id\":{{int 5 5}}}").unwrap();
    assert_eq!(out, "{\"Id\":5}");
    let out = render_str("[{\"Id\": {{int 7 7}}}]").unwrap();
    assert_eq!(out, "[{\"Id\": 7}]");
}

#[test]
fn ints_stay_in_range() {
    for _ in 0..200 {
        let n: i64 = render_str("{{int}}").unwrap().parse().unwrap();
        assert!((100_000..=999_999_999).contains(&n), "{n}");
        let n: i64 = render_str("{{int -3 3}}").unwrap().parse().unwrap();
        assert!((-3..=3).contains(&n), "{n}");
    }
}

#[test]
fn hex_has_the_requested_length_and_alphabet() {
    let out = render_str("evt_{{hex 24}}").unwrap();
    let digits = out.strip_prefix("evt_").unwrap();
    assert_eq!(digits.len(), 24);
    assert!(digits.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
}

#[test]
fn uuids_are_version_4() {
    let out = render_str("{{uuid}}").unwrap();
    let groups: Vec<&str> = out.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    assert_eq!(lengths, [8, 4, 4, 4, 12], "{out}");
    assert!(groups[2].starts_with('4'), "{out}");
    assert!(groups[3].starts_with(['8', '9', 'a', 'b']), "{out}");
    assert_ne!(out, render_str("{{uuid}}").unwrap());
}

#[test]
fn uuid_text_groups_32_hex_digits() {
    for bits in [0u128, u128::MAX, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210, 1 << 127 | 1] {
        let mut out = String::from("id:");
        push_uuid(&mut out, bits);
        let hex = format!("{bits:032x}");
        let want = format!("id:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
        assert_eq!(out, want);
    }
}

#[test]
fn repeated_time_placeholders_agree_and_random_ones_differ() {
    let out = render_str("{{now}} {{uuid}} {{now}} {{uuid}} {{now +1}} {{event}} {{event}}").unwrap();
    let words: Vec<&str> = out.split(' ').collect();
    assert_eq!(words[0], words[2]);
    assert_ne!(words[1], words[3]);
    assert_eq!(words[4], "2026-03-20T14:00:01.000Z");
    assert_eq!(words[5..], ["lead.created", "lead.created"]);
}

#[test]
fn delivery_id_repeats_the_id_the_headers_carry() {
    let out = render_str("<deliveryId>{{delivery_id}}</deliveryId> {{ delivery_id }}").unwrap();
    assert_eq!(
        out,
        "<deliveryId>0192b6e4-5c1a-7d3e-9f00-1a2b3c4d5e6f</deliveryId> 0192b6e4-5c1a-7d3e-9f00-1a2b3c4d5e6f"
    );
    assert!(render_str("{{delivery_id 3}}").is_err(), "takes no arguments");
}

#[test]
fn ulids_carry_the_render_time() {
    let out = render_str("{{ulid}}").unwrap();
    let ulid = ulid::Ulid::from_string(&out).unwrap();
    assert_eq!(ulid.timestamp_ms(), 1_774_015_200_000);
}

#[test]
fn unknown_placeholder_names_file_line_and_placeholder() {
    let err = render_str("{\n  \"a\": \"{{uuid}}\",\n  \"b\": \"{{guid}}\"\n}").unwrap_err();
    assert_eq!(err, TemplateError::UnknownPlaceholder { file: "t.json".into(), line: 3, placeholder: "guid".into() });
    assert_eq!(err.to_string(), "t.json:3: unknown placeholder {{guid}}");
    assert!(check("{{}}", "t.json").is_err());
}

#[test]
fn unclosed_placeholder_is_an_error() {
    for text in ["{{uuid", "x {{now", "\"{{uuid\": 1}}", "{{uuid\n}}", "{{ {{int}}"] {
        let err = check(text, "t.json").unwrap_err();
        assert!(matches!(err, TemplateError::Unclosed { .. }), "{text}: {err}");
    }
    let err = check("ok\n\"{{uuid\"\n", "t.json").unwrap_err();
    assert_eq!(err, TemplateError::Unclosed { file: "t.json".into(), line: 2 });
    assert!(err.to_string().starts_with("t.json:2:"), "{err}");
}

#[test]
fn bad_arguments_are_errors() {
    for text in [
        "{{uuid 4}}",
        "{{int 9 1}}",
        "{{int 1}}",
        "{{int a b}}",
        "{{hex}}",
        "{{hex 0}}",
        "{{hex 5000}}",
        "{{date tomorrow}}",
        "{{now 1 2}}",
        "{{event x}}",
    ] {
        let err = check(text, "t.json").unwrap_err();
        assert!(matches!(err, TemplateError::BadArgument { .. }), "{text}: {err}");
    }
    let err = render_str("{{now +99999999999999}}").unwrap_err();
    assert!(matches!(err, TemplateError::BadArgument { .. }), "{err}");
}

#[test]
fn check_accepts_every_placeholder() {
    let text = "{{uuid}} {{ulid}} {{now}} {{now -5}} {{unix}} {{unix_ms}} {{date}} \
                {{date +7}} {{int}} {{int 1 100}} {{hex 12}} {{event}}";
    check(text, "t.json").unwrap();
}
