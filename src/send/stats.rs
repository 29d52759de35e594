//! Load-test accounting: per-worker tallies, exact latency percentiles, and the
//! summary printed at the end (human lines or one JSON object).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;

use crate::exchange::Exchange as Outcome;

/// What one worker saw. Workers keep their own and merge at the end, so the
/// hot path takes no lock.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Requests finished (answered or failed).
    pub sent: u64,
    /// 2xx answers.
    pub ok: u64,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Failures without an answer, by kind (`timeout`, `connect`, `other`).
    pub errors: BTreeMap<&'static str, u64>,
    /// The first message seen for each kind of failure, so a summary can say what went wrong.
    pub error_samples: BTreeMap<&'static str, String>,
    /// What to try, for the kinds whose first message suggests something.
    pub error_hints: BTreeMap<&'static str, &'static str>,
    /// Where the first redirect (3xx) pointed, for the summary to explain it;
    /// empty when it named no `Location`.
    pub redirect: Option<String>,
    /// Latency of every answered request, in microseconds.
    pub latencies_us: Vec<u32>,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome) {
        self.sent += 1;
        match &outcome.result {
            Ok(answer) => {
                if answer.status.is_success() {
                    self.ok += 1;
                }
                *self.statuses.entry(answer.status.as_u16()).or_default() += 1;
                if answer.status.is_redirection() && self.redirect.is_none() {
                    self.redirect = Some(super::report::location(&answer.headers).unwrap_or_default().to_owned());
                }
                let micros = u32::try_from(outcome.duration.as_micros()).unwrap_or(u32::MAX);
                self.latencies_us.push(micros);
            }
            Err(e) => {
                *self.errors.entry(e.kind()).or_default() += 1;
                if let Entry::Vacant(sample) = self.error_samples.entry(e.kind()) {
                    sample.insert(e.to_string());
                    if let Some(hint) = e.hint() {
                        self.error_hints.insert(e.kind(), hint);
                    }
                }
            }
        }
    }

    /// Counts a request that failed before it could be sent.
    pub fn fail(&mut self, kind: &'static str, message: impl std::fmt::Display) {
        self.sent += 1;
        *self.errors.entry(kind).or_default() += 1;
        self.error_samples.entry(kind).or_insert_with(|| message.to_string());
    }

    /// Adds another worker's tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.sent += other.sent;
        self.ok += other.ok;
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        for (kind, message) in other.error_samples {
            if let Entry::Vacant(sample) = self.error_samples.entry(kind) {
                sample.insert(message);
                if let Some(hint) = other.error_hints.get(kind) {
                    self.error_hints.insert(kind, hint);
                }
            }
        }
        if self.redirect.is_none() {
            self.redirect = other.redirect;
        }
        self.latencies_us.extend(other.latencies_us);
    }
}

/// The nearest-rank percentile `p` (0–100) of sorted values: the smallest value
/// with at least `p`% of the values at or below it.
pub fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The end-of-run report.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Everything counted.
    pub tally: Tally,
    /// Wall time from the first request to the last answer.
    pub elapsed: Duration,
    /// Deliveries written to the store, when recording.
    pub recorded: Option<u64>,
    /// Deliveries that could not be recorded.
    pub not_recorded: u64,
    /// Stopped by Ctrl-C.
    pub interrupted: bool,
}

impl Summary {
    /// Builds a summary; sorts the latencies.
    pub fn new(mut tally: Tally, elapsed: Duration) -> Summary {
        tally.latencies_us.sort_unstable();
        Summary { tally, elapsed, recorded: None, not_recorded: 0, interrupted: false }
    }

    /// Requests that were not 2xx answers.
    pub fn failed(&self) -> u64 {
        self.tally.sent - self.tally.ok
    }

    /// Finished requests per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.tally.sent as f64 / secs } else { 0.0 }
    }

    /// When `--rate` asked for more than `concurrency` workers could send at the
    /// latency the target showed: what to pass instead. `None` when the rate was
    /// met, or when something other than the number of workers held it back.
    pub fn concurrency_shortfall(&self, asked: f64, concurrency: usize) -> Option<String> {
        if self.interrupted || self.tally.latencies_us.len() < 2 || self.throughput() >= asked * 0.9 {
            return None;
        }
        let p50 = f64::from(percentile(&self.tally.latencies_us, 50.0)?) / 1e6;
        let p99 = f64::from(percentile(&self.tally.latencies_us, 99.0)?) / 1e6;
        // Each worker sends one request at a time: at best 1/p50 requests per second each.
        let ceiling = concurrency as f64 / p50.max(1e-6);
        if ceiling >= asked * 0.95 {
            return None;
        }
        // Enough workers that even at the slow tail the rate holds.
        let needed = ((asked * p99.max(p50)).ceil() as usize).max(concurrency + 1);
        Some(format!(
            "sent {:.1} requests/s of the {asked} asked: with --concurrency {concurrency} and answers taking \
             {:.1} ms (p50), at most about {ceiling:.0}/s fit; pass --concurrency {needed}",
            self.throughput(),
            p50 * 1000.0,
        ))
    }

    /// A latency percentile in milliseconds.
    pub fn latency_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.tally.latencies_us, p).map(|us| f64::from(us) / 1000.0)
    }

    /// The summary as one JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        let statuses: serde_json::Map<String, serde_json::Value> =
            self.tally.statuses.iter().map(|(s, n)| (s.to_string(), json!(n))).collect();
        let errors = json!({
            "timeout": self.tally.errors.get("timeout").copied().unwrap_or(0),
            "connect": self.tally.errors.get("connect").copied().unwrap_or(0),
            "other": self.tally.errors.get("other").copied().unwrap_or(0),
            "interrupted": self.tally.errors.get("interrupted").copied().unwrap_or(0),
        });
        json!({
            "sent": self.tally.sent,
            "ok": self.tally.ok,
            "failed": self.failed(),
            "status": statuses,
            "errors": errors,
            "error_samples": self.tally.error_samples,
            "elapsed_s": round(self.elapsed.as_secs_f64(), 3),
            "throughput_rps": round(self.throughput(), 1),
            "latency_ms": {
                "p50": self.latency_ms(50.0).map(|v| round(v, 3)),
                "p90": self.latency_ms(90.0).map(|v| round(v, 3)),
                "p99": self.latency_ms(99.0).map(|v| round(v, 3)),
                "max": self.latency_ms(100.0).map(|v| round(v, 3)),
            },
            "recorded": self.recorded,
            "not_recorded": self.not_recorded,
            "interrupted": self.interrupted,
        })
    }

    /// The summary as aligned lines for people; `url` is the target, to explain redirects.
    pub fn to_human(&self, url: &str) -> String {
        let mut out = String::new();
        let t = &self.tally;
        let secs = self.elapsed.as_secs_f64();
        let _ = writeln!(out, "sent      {} in {secs:.2} s ({:.1} req/s)", t.sent, self.throughput());
        let _ = writeln!(out, "ok        {}", t.ok);
        let _ = writeln!(out, "failed    {}", self.failed());
        if !t.statuses.is_empty() {
            let list: Vec<String> = t.statuses.iter().map(|(s, n)| format!("{s} ×{n}")).collect();
            let _ = writeln!(out, "status    {}", list.join(", "));
            if let Some(location) = &t.redirect {
                let location = (!location.is_empty()).then_some(location.as_str());
                let _ = writeln!(out, "          hint: {}", super::report::redirect_hint(url, location));
            }
        }
        if !t.errors.is_empty() {
            let list: Vec<String> = t.errors.iter().map(|(k, n)| format!("{k} {n}")).collect();
            let _ = writeln!(out, "errors    {}", list.join(", "));
            for (kind, message) in &t.error_samples {
                let _ = writeln!(out, "          {kind}: {message}");
                if let Some(hint) = t.error_hints.get(kind) {
                    let _ = writeln!(out, "          hint: {hint}");
                }
            }
        }
        if let (Some(p50), Some(p90), Some(p99), Some(max)) =
            (self.latency_ms(50.0), self.latency_ms(90.0), self.latency_ms(99.0), self.latency_ms(100.0))
        {
            let _ = writeln!(out, "latency   p50 {p50:.1} ms  p90 {p90:.1} ms  p99 {p99:.1} ms  max {max:.1} ms");
        }
        match self.recorded {
            Some(n) if self.not_recorded > 0 => {
                let _ = writeln!(out, "recorded  {n} ({} could not be stored)", self.not_recorded);
            }
            Some(n) => {
                let _ = writeln!(out, "recorded  {n}");
            }
            None => {}
        }
        if self.interrupted {
            let _ = writeln!(out, "interrupted before the end");
        }
        out
    }
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};

    use super::*;
    use crate::exchange::Answer;
    use crate::exchange::Failure as SendError;

    fn run_of(latency_ms: u32, n: u32, elapsed: Duration) -> Summary {
        let tally = Tally {
            sent: u64::from(n),
            ok: u64::from(n),
            latencies_us: vec![latency_ms * 1000; n as usize],
            ..Tally::default()
        };
        Summary::new(tally, elapsed)
    }

    #[test]
    fn a_rate_one_worker_cannot_reach_names_the_concurrency_that_would() {
        // 40 ms answers, one worker: 25/s at most, 200/s asked.
        let slow = run_of(40, 50, Duration::from_secs(2));
        let note = slow.concurrency_shortfall(200.0, 1).expect("a shortfall");
        assert!(note.starts_with("sent 25.0 requests/s of the 200 asked"), "{note}");
        assert!(note.ends_with("pass --concurrency 8"), "{note}");
        // Met, or held back by something else than the workers: nothing to say.
        assert_eq!(run_of(40, 400, Duration::from_secs(2)).concurrency_shortfall(200.0, 8), None);
        assert_eq!(run_of(1, 50, Duration::from_secs(2)).concurrency_shortfall(200.0, 1), None);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 90.0), Some(90));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
        assert_eq!(percentile(&values, 0.0), Some(1));
        // Small samples: p99 of two values is the larger one, p50 the smaller.
        assert_eq!(percentile(&[10, 20], 50.0), Some(10));
        assert_eq!(percentile(&[10, 20], 99.0), Some(20));
        assert_eq!(percentile(&[7], 90.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }

    fn outcome(status: Option<u16>, ms: u64) -> Outcome {
        let result = match status {
            Some(s) => Ok(Answer {
                status: StatusCode::from_u16(s).unwrap(),
                headers: HeaderMap::new(),
                body: Bytes::new(),
                size: 0,
            }),
            None => Err(SendError::Timeout(Duration::from_secs(1))),
        };
        Outcome { url: String::new(), started_at: 0, duration: Duration::from_millis(ms), result }
    }

    #[test]
    fn tallies_merge_into_a_summary() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        for ms in 1..=50 {
            a.add(&outcome(Some(200), ms));
        }
        for ms in 51..=99 {
            b.add(&outcome(Some(500), ms));
        }
        b.add(&outcome(None, 1000));
        a.merge(b);
        let s = Summary::new(a, Duration::from_secs(2));
        assert_eq!((s.tally.sent, s.tally.ok, s.failed()), (100, 50, 50));
        assert_eq!(s.throughput(), 50.0);
        // Latencies count answers only (99 of them), sorted across workers.
        assert_eq!(s.latency_ms(50.0), Some(50.0));
        assert_eq!(s.latency_ms(100.0), Some(99.0));
        let j = s.to_json();
        assert_eq!(j["status"]["200"], 50);
        assert_eq!(j["status"]["500"], 49);
        assert_eq!(j["errors"]["timeout"], 1);
        assert_eq!(j["error_samples"]["timeout"], "timed out after 1s", "what went wrong, not only how often");
        assert_eq!(j["latency_ms"]["p90"], 90.0);
        let human = s.to_human("http://127.0.0.1:1/h");
        assert!(human.contains("200 ×50, 500 ×49"), "{human}");
        assert!(human.contains("errors    timeout 1\n          timeout: timed out after 1s\n"), "{human}");
    }
}
