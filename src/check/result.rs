//! What a run produces: each check's verdict, reason and exchanges, and the
//! whole report with its tally.

use std::time::Duration;

use super::{BurstStats, CheckName, Setup};
use crate::exchange::Exchange as Outcome;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The endpoint behaves as its provider needs.
    Pass,
    /// It does not: the provider would lose, repeat or accept forged deliveries.
    Fail,
    /// It works, with a caveat worth fixing.
    Warn,
    /// Not applicable (or not run), with the reason.
    Skip,
}

impl Verdict {
    /// `pass`, `fail`, `warn` or `skip`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Warn => "warn",
            Verdict::Skip => "skip",
        }
    }

    /// The table's mark: ✓ ✗ ! -.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Pass => "✓",
            Verdict::Fail => "✗",
            Verdict::Warn => "!",
            Verdict::Skip => "-",
        }
    }
}

/// One request a check made and what came of it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// What was sent, in a few words (`pretty JSON signed over its bytes`).
    pub sent: String,
    /// The answer or the failure, timed.
    pub outcome: Outcome,
}

/// A check's result: the verdict, why, and the evidence.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// Which check.
    pub name: CheckName,
    /// How it came out.
    pub verdict: Verdict,
    /// One line saying why, in terms a receiver's author can act on.
    pub reason: String,
    /// Every request it made, in order (the burst keeps only its statistics).
    pub exchanges: Vec<Exchange>,
    /// Which exchange the verdict rests on, for the status and time shown.
    pub evidence: Option<usize>,
    /// The burst's statistics.
    pub burst: Option<BurstStats>,
    /// How long the check took.
    pub took: Duration,
    /// Whether Ctrl-C stopped it (or kept it from running): not a verdict on the endpoint.
    pub interrupted: bool,
}

impl CheckResult {
    /// A result without requests.
    pub fn bare(name: CheckName, verdict: Verdict, reason: impl Into<String>) -> CheckResult {
        CheckResult {
            name,
            verdict,
            reason: reason.into(),
            exchanges: Vec::new(),
            evidence: None,
            burst: None,
            took: Duration::ZERO,
            interrupted: false,
        }
    }

    /// A check Ctrl-C kept from running.
    pub fn interrupted(name: CheckName) -> CheckResult {
        CheckResult { interrupted: true, ..CheckResult::bare(name, Verdict::Skip, "not run: interrupted") }
    }

    /// The status of the evidence's answer, if it had one.
    pub fn status(&self) -> Option<u16> {
        self.evidence_outcome().and_then(|o| o.status()).map(|s| s.as_u16())
    }

    /// The evidence's time; the p95 for a burst; else how long the check took (zero for a skip).
    pub fn time(&self) -> Duration {
        match (self.evidence_outcome(), &self.burst) {
            (Some(o), _) => o.duration,
            (None, Some(b)) => b.p95,
            (None, None) => self.took,
        }
    }

    fn evidence_outcome(&self) -> Option<&Outcome> {
        self.evidence.and_then(|i| self.exchanges.get(i)).map(|e| &e.outcome)
    }
}

/// A whole run: what was checked and every result.
#[derive(Debug, Clone)]
pub struct Report {
    /// The URL as shown.
    pub url: String,
    /// The provider's name.
    pub provider: String,
    /// What reasons call it: the provider's name, or a custom scheme's profile name.
    pub label: String,
    /// The event the deliveries were made from.
    pub event: String,
    /// How long each delivery was waited for.
    pub timeout: Duration,
    /// The provider's own timeout, which answers were judged by.
    pub provider_timeout: Duration,
    /// One result per selected check, in order.
    pub results: Vec<CheckResult>,
    /// How long the whole run took.
    pub elapsed: Duration,
    /// Whether Ctrl-C cut the run short (the remaining checks are skipped).
    pub interrupted: bool,
}

/// How many checks came out each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Passed with a warning.
    pub warned: usize,
    /// Skipped or not run.
    pub skipped: usize,
}

impl Report {
    /// A report of `setup` with no results yet: what a table's head shows before the checks run.
    pub fn start(setup: &Setup) -> Report {
        Report {
            url: setup.url.clone(),
            provider: setup.provider.info().name.clone(),
            label: setup.label.clone(),
            event: setup.payload.name().to_owned(),
            timeout: setup.timeout,
            provider_timeout: setup.provider_timeout(),
            results: Vec::new(),
            elapsed: Duration::ZERO,
            interrupted: false,
        }
    }

    /// The tally of verdicts.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.results {
            match r.verdict {
                Verdict::Pass => c.passed += 1,
                Verdict::Fail => c.failed += 1,
                Verdict::Warn => c.warned += 1,
                Verdict::Skip => c.skipped += 1,
            }
        }
        c
    }

    /// True when the run was not interrupted and no check failed (warnings and skips
    /// allowed): an interrupted run verified too little to call the endpoint fine.
    pub fn ok(&self) -> bool {
        !self.interrupted && self.counts().failed == 0
    }
}
