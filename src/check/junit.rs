//! `--format junit`: the report as JUnit XML, which CI systems show natively.
//! One `<testcase>` per check; a failure gets `<failure>`, a skip `<skipped>`,
//! a warning passes with its reason in `<system-out>`, and a check Ctrl-C cut
//! short or kept from running gets `<error>`, so a cancelled run never reads green.

use std::fmt::Write as _;
use std::time::Duration;

use super::{Report, Verdict};

/// The whole document.
pub fn render(report: &Report) -> String {
    let c = report.counts();
    let errors = report.results.iter().filter(|r| r.interrupted).count();
    let skipped = c.skipped - errors;
    let suite = format!("hooktap check {}", report.url);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"hooktap check\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
        report.results.len(),
        c.failed,
        secs(report.elapsed)
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
        escape(&suite),
        report.results.len(),
        c.failed,
        secs(report.elapsed)
    );
    let _ = writeln!(out, "    <properties>");
    for (name, value) in [("provider", &report.provider), ("event", &report.event), ("url", &report.url)] {
        let _ = writeln!(out, "      <property name=\"{name}\" value=\"{}\"/>", escape(value));
    }
    let _ = writeln!(out, "    </properties>");
    let classname = format!("hooktap.check.{}", report.provider);
    for r in &report.results {
        let open = format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
            r.name.as_str(),
            escape(&classname),
            secs(r.took)
        );
        let evidence = r
            .exchanges
            .iter()
            .map(|e| {
                let answer = match (e.outcome.status(), &e.outcome.result) {
                    (Some(s), _) => s.as_u16().to_string(),
                    (None, Err(err)) => super::report::failure_text(err),
                    (None, Ok(_)) => String::new(),
                };
                format!("{}: {} ({} ms)", e.sent, answer, e.outcome.duration.as_millis())
            })
            .collect::<Vec<_>>()
            .join("\n");
        let reason = escape(&r.reason);
        let _ = match r.verdict {
            _ if r.interrupted => writeln!(
                out,
                "{open}>\n      <error message=\"{reason}\" type=\"interrupted\">the run was interrupted before this \
                 check could verify anything</error>\n    </testcase>"
            ),
            Verdict::Pass => writeln!(out, "{open}/>"),
            Verdict::Fail => writeln!(
                out,
                "{open}>\n      <failure message=\"{reason}\" type=\"fail\">{}</failure>\n    </testcase>",
                escape(&evidence)
            ),
            Verdict::Skip => writeln!(out, "{open}>\n      <skipped message=\"{reason}\"/>\n    </testcase>"),
            Verdict::Warn => {
                writeln!(out, "{open}>\n      <system-out>warning: {reason}</system-out>\n    </testcase>")
            }
        };
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Text made safe for XML content and attribute values: the five special
/// characters escaped, line breaks kept as character references (an attribute
/// value would fold them into spaces), and characters XML 1.0 cannot hold at all
/// (other control characters, U+FFFE, U+FFFF) replaced by U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::report::tests::sample;

    #[test]
    fn each_verdict_has_its_element() {
        let xml = render(&sample());
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"), "{xml}");
        assert_eq!(xml.matches("<testcase ").count(), 4);
        assert!(xml.contains("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""), "{xml}");
        assert!(
            xml.contains("<testcase name=\"valid\" classname=\"hooktap.check.nexadesk\" time=\"0.000\"/>"),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"answered the repeat 409 &lt;&amp;&gt;\" type=\"fail\">"), "{xml}");
        assert!(xml.contains("first: 200 (2 ms)&#10;again: 409 (1 ms)</failure>"), "{xml}");
        assert!(xml.contains("<system-out>warning: accepted junk</system-out>"), "{xml}");
        assert!(xml.contains("<skipped message=\"not an https URL\"/>"), "{xml}");
        assert!(xml.ends_with("</testsuite>\n</testsuites>\n"));
    }

    #[test]
    fn an_interrupted_check_is_an_error_not_a_skip() {
        let mut report = sample();
        report.interrupted = true;
        report.results.push(crate::check::CheckResult::interrupted(crate::check::CheckName::Burst));
        let xml = render(&report);
        assert!(xml.contains("tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\""), "{xml}");
        assert!(xml.contains("<error message=\"not run: interrupted\" type=\"interrupted\">"), "{xml}");
    }

    #[test]
    fn escaping_covers_markup_quotes_and_characters_xml_cannot_hold() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
        assert_eq!(escape("a\u{0}b\u{1b}c\nd"), "a\u{fffd}b\u{fffd}c&#10;d");
        assert_eq!(escape("✓ fine"), "✓ fine");
    }
}
