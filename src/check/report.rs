//! What `check` prints: a table with one line per check (✓ ✗ ! -) and a
//! summary line, or one JSON document.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::judge::{Seen, seen};
use super::{CheckResult, Counts, Exchange, Report, Verdict, say};

/// The human report; `color` adds ANSI colours.
pub fn table(report: &Report, color: bool) -> String {
    let paint = |text: &str, ansi: &str| if color { format!("\x1b[{ansi}m{text}\x1b[0m") } else { text.to_owned() };
    let mut out = String::new();
    let _ = writeln!(out, "hooktap check {}", report.url);
    let _ = writeln!(out, "provider {}, event {}, timeout {}\n", report.provider, report.event, say(report.timeout));
    let width = report.results.iter().map(|r| r.name.as_str().len()).max().unwrap_or(0);
    for r in &report.results {
        let mark = paint(r.verdict.mark(), mark_colour(r.verdict));
        let status = r.status().map_or_else(|| "-".to_owned(), |s| s.to_string());
        // Checks that sent nothing (skips, `https`) have no time worth showing.
        let time = if r.exchanges.is_empty() && r.burst.is_none() { "-".into() } else { say(r.time()) };
        let _ = writeln!(out, "  {mark} {:<width$}  {status:<4} {time:>8}  {}", r.name.as_str(), r.reason);
        if r.exchanges.len() > 1 {
            for e in &r.exchanges {
                let _ = writeln!(out, "{}", paint(&format!("      · {} → {}", e.sent, answer(e)), "2"));
            }
        }
    }
    let c = report.counts();
    let head = if report.interrupted {
        paint("INTERRUPTED", "1;33")
    } else if c.failed > 0 {
        paint("FAILED", "1;31")
    } else {
        paint("OK", "1;32")
    };
    let _ = writeln!(out, "\n{head}  {} in {}", counts_text(c, report.results.len()), say(report.elapsed));
    out
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

/// `401 in 2.1 ms`, or why there was no answer.
fn answer(e: &Exchange) -> String {
    let took = say(e.outcome.duration);
    match (seen(&e.outcome), &e.outcome.result) {
        (Seen::Answer(s), _) => format!("{} in {took}", s.as_u16()),
        (_, Err(err)) => format!("{err} ({took})"),
        (_, Ok(_)) => took,
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
                "error": e.outcome.result.as_ref().err().map(ToString::to_string),
            })
        })
        .collect();
    let mut value = json!({
        "name": r.name.as_str(),
        "result": r.verdict.as_str(),
        "reason": r.reason,
        "status": r.status(),
        "duration_ms": ms(r.time()),
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
            event: "lead.created".into(),
            timeout: Duration::from_secs(5),
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
    }
}
