//! What `check` prints: a table with one line per check (✓ ✗ ! -) and a
//! summary line, or one JSON document.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::judge::{Seen, seen};
use super::{CheckResult, Counts, Exchange, Report, Verdict, say};
use crate::exchange::Failure;

/// The human report; `color` adds ANSI colours.
pub fn table(report: &Report, color: bool) -> String {
    let width = width(report.results.iter().map(|r| r.name));
    let mut out = head(report);
    for r in &report.results {
        out.push_str(&line(r, width, color));
    }
    out.push_str(&foot(report, color));
    out
}

/// The width of the name column for `names`.
pub fn width(names: impl IntoIterator<Item = super::CheckName>) -> usize {
    names.into_iter().map(|n| n.as_str().len()).max().unwrap_or(0)
}

/// The table's head: the URL, and what the checks judge by.
pub fn head(report: &Report) -> String {
    let provider = if report.label == report.provider {
        report.provider.clone()
    } else {
        format!("{} (profile {})", report.provider, report.label)
    };
    let timeout = if report.timeout == report.provider_timeout {
        say(report.timeout)
    } else {
        format!("{} ({}'s own; waiting up to {})", say(report.provider_timeout), report.label, say(report.timeout))
    };
    format!("hooktap check {}\nprovider {provider}, event {}, timeout {timeout}\n\n", report.url, report.event)
}

/// One check's line, and its exchanges under it when it made more than one.
pub fn line(r: &CheckResult, width: usize, color: bool) -> String {
    let mut out = String::new();
    let mark = paint(r.verdict.mark(), mark_colour(r.verdict), color);
    let status = r.status().map_or_else(|| "-".to_owned(), |s| s.to_string());
    // Checks that sent nothing (skips, `https`) have no time worth showing.
    let time = if r.exchanges.is_empty() && r.burst.is_none() { "-".into() } else { say(r.time()) };
    let _ = writeln!(out, "  {mark} {:<width$}  {status:<4} {time:>8}  {}", r.name.as_str(), r.reason);
    if r.exchanges.len() > 1 {
        for e in &r.exchanges {
            let _ = writeln!(out, "{}", paint(&format!("      · {} → {}", e.sent, answer(e)), "2", color));
        }
    }
    out
}

/// The summary line, after a blank one.
pub fn foot(report: &Report, color: bool) -> String {
    let c = report.counts();
    let head = if report.interrupted {
        paint("INTERRUPTED", "1;33", color)
    } else if c.failed > 0 {
        paint("FAILED", "1;31", color)
    } else {
        paint("OK", "1;32", color)
    };
    format!("\n{head}  {} in {}\n", counts_text(c, report.results.len()), say(report.elapsed))
}

fn paint(text: &str, ansi: &str, color: bool) -> String {
    if color { format!("\x1b[{ansi}m{text}\x1b[0m") } else { text.to_owned() }
}

fn mark_colour(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "32",
        Verdict::Fail => "31",
        Verdict::Warn => "33",
        Verdict::Skip => "2",
    }
}

/// `12 checks: 8 passed, 1 failed, 1 warning, 2 skipped`.
pub fn counts_text(c: Counts, total: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}: {} passed, {} failed, {}, {} skipped",
        plural(total, "check", "checks"),
        c.passed,
        c.failed,
        plural(c.warned, "warning", "warnings"),
        c.skipped
    )
}

/// `401 in 2.1 ms`, or why there was no answer (a timeout says its length once).
pub fn answer(e: &Exchange) -> String {
    let took = say(e.outcome.duration);
    match (seen(&e.outcome), &e.outcome.result) {
        (Seen::Answer(s), _) => format!("{} in {took}", s.as_u16()),
        (Seen::Timeout(_), Err(err)) => failure_text(err),
        (_, Err(err)) => format!("{} ({took})", failure_text(err)),
        (_, Ok(_)) => took,
    }
}

/// Why there was no answer, with durations as the report says them.
pub fn failure_text(failure: &Failure) -> String {
    match failure {
        Failure::Timeout(t) => format!("no answer within {}", say(*t)),
        other => other.to_string(),
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// The JSON document: what was checked, one object per check, and the summary.
pub fn json(report: &Report) -> Value {
    let c = report.counts();
    json!({
        "url": report.url,
        "provider": report.provider,
        "event": report.event,
        "timeout_ms": u64::try_from(report.timeout.as_millis()).unwrap_or(u64::MAX),
        "provider_timeout_ms": u64::try_from(report.provider_timeout.as_millis()).unwrap_or(u64::MAX),
        "checks": report.results.iter().map(check_json).collect::<Vec<_>>(),
        "summary": {
            "total": report.results.len(),
            "passed": c.passed,
            "failed": c.failed,
            "warned": c.warned,
            "skipped": c.skipped,
            "ok": report.ok(),
            "interrupted": report.interrupted,
            "duration_ms": ms(report.elapsed),
        },
    })
}

fn check_json(r: &CheckResult) -> Value {
    let exchanges: Vec<Value> = r
        .exchanges
        .iter()
        .map(|e| {
            json!({
                "sent": e.sent,
                "status": e.outcome.status().map(|s| s.as_u16()),
                "duration_ms": ms(e.outcome.duration),
                "error": e.outcome.result.as_ref().err().map(failure_text),
            })
        })
        .collect();
    let mut value = json!({
        "name": r.name.as_str(),
        "result": r.verdict.as_str(),
        "reason": r.reason,
        "status": r.status(),
        "duration_ms": ms(r.time()),
        "interrupted": r.interrupted,
        "exchanges": exchanges,
    });
    if let (Some(b), Some(object)) = (&r.burst, value.as_object_mut()) {
        object.insert(
            "burst".into(),
            json!({
                "sent": b.sent,
                "ok": b.ok,
                "p50_ms": ms(b.p50),
                "p95_ms": ms(b.p95),
                "max_ms": ms(b.max),
                "failures": b.failures,
            }),
        );
    }
    value
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::check::CheckName;
    use crate::check::judge::tests::answered;

    pub(crate) fn sample() -> Report {
        let mut valid = CheckResult::bare(CheckName::Valid, Verdict::Pass, "answered 200");
        valid.exchanges = vec![Exchange { sent: "a delivery".into(), outcome: answered(200, 3) }];
        valid.evidence = Some(0);
        let mut dup = CheckResult::bare(CheckName::Duplicate, Verdict::Fail, "answered the repeat 409 <&>");
        dup.exchanges = vec![
            Exchange { sent: "first".into(), outcome: answered(200, 2) },
            Exchange { sent: "again".into(), outcome: answered(409, 1) },
        ];
        dup.evidence = Some(1);
        Report {
            url: "http://127.0.0.1:1/hook".into(),
            provider: "nexadesk".into(),
            label: "nexadesk".into(),
            event: "lead.created".into(),
            timeout: Duration::from_secs(5),
            provider_timeout: Duration::from_secs(5),
            results: vec![
                valid,
                dup,
                CheckResult::bare(CheckName::MalformedBody, Verdict::Warn, "accepted junk"),
                CheckResult::bare(CheckName::Tls, Verdict::Skip, "not an https URL"),
            ],
            elapsed: Duration::from_millis(1200),
            interrupted: false,
        }
    }

    #[test]
    fn the_table_has_a_line_per_check_and_a_summary() {
        let text = table(&sample(), false);
        assert!(text.contains("  ✓ valid           200    3.0 ms  answered 200\n"), "{text}");
        assert!(text.contains("  ✗ duplicate       409    1.0 ms  answered the repeat 409 <&>\n"), "{text}");
        assert!(text.contains("      · again → 409 in 1.0 ms\n"), "{text}");
        assert!(text.contains("  ! malformed-body  -           -  accepted junk\n"), "{text}");
        assert!(text.contains("  - tls             -           -  not an https URL\n"), "{text}");
        assert!(text.ends_with("FAILED  4 checks: 1 passed, 1 failed, 1 warning, 1 skipped in 1.2 s\n"), "{text}");
        assert!(!text.contains('\x1b'));
        assert!(table(&sample(), true).contains("\x1b[31m✗\x1b[0m"));
    }

    #[test]
    fn json_carries_each_check_and_the_summary() {
        let v = json(&sample());
        assert_eq!(v["checks"][1]["name"], "duplicate");
        assert_eq!(v["checks"][1]["result"], "fail");
        assert_eq!(v["checks"][1]["status"], 409);
        assert_eq!(v["checks"][1]["exchanges"][0]["status"], 200);
        assert_eq!(v["checks"][3]["status"], Value::Null);
        assert_eq!(v["summary"]["failed"], 1);
        assert_eq!(v["summary"]["ok"], false);
        assert_eq!(v["summary"]["total"], 4);
        assert_eq!(v["provider_timeout_ms"], 5000);
    }

    #[test]
    fn an_interrupted_run_is_not_ok_even_with_nothing_failed() {
        let mut report = sample();
        report.results.retain(|r| r.verdict != Verdict::Fail);
        assert_eq!(json(&report)["summary"]["ok"], true);
        report.interrupted = true;
        report.results.push(CheckResult::interrupted(CheckName::Burst));
        let v = json(&report);
        assert_eq!((v["summary"]["ok"].clone(), v["summary"]["interrupted"].clone()), (json!(false), json!(true)));
        assert_eq!(v["checks"][3]["interrupted"], true);
        assert!(table(&report, false).contains("\nINTERRUPTED  "));
    }

    #[test]
    fn a_timeout_is_said_once_and_a_longer_wait_next_to_the_providers_timeout() {
        use crate::check::judge::tests::failed;
        use crate::exchange::Failure;
        let e = Exchange { sent: "x".into(), outcome: failed(Failure::Timeout(Duration::from_secs(5))) };
        assert_eq!(answer(&e), "no answer within 5 s");
        let mut report = sample();
        report.timeout = Duration::from_secs(10);
        assert!(head(&report).contains("timeout 5 s (nexadesk's own; waiting up to 10 s)"), "{}", head(&report));
        report.provider = "custom".into();
        report.label = "inhouse".into();
        assert!(head(&report).contains("provider custom (profile inhouse)"), "{}", head(&report));
    }
}
