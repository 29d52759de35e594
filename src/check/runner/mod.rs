//! Running the selected checks against the endpoint, one after another (the
//! burst alone sends in parallel), each delivery bounded by the timeout.
//!
//! `valid` is the baseline the others rest on: when a correctly signed delivery
//! cannot get through, the checks that need one acknowledged are not run, and a
//! refusal that valid deliveries get too proves nothing, so it is not a pass.
//!
//! This file holds the run loop and the runner; what `valid` showed is in
//! `baseline`, each check's deliveries in `deliveries`, and what the provider
//! and payload make of the checks (skips, delivery ids) in `provider_facts`.

mod baseline;
mod deliveries;
mod provider_facts;

use std::time::{Duration, Instant};

use super::forge::Forge;
use super::judge::{Ctx, Judgement};
use super::{CheckName, CheckResult, Exchange, Report, Setup, Verdict};
use crate::exchange::{Exchange as Outcome, Failure};
use crate::net::{self, HttpClient};
use crate::send::{BuildError, Prepared, deliver};
use crate::signal::Shutdown;

use baseline::Baseline;

/// What the runner reports while it works, for a progress display.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A check is starting.
    Started(CheckName),
    /// A check is done.
    Finished(&'a CheckResult),
}

/// Runs `setup.checks` in order; `stop` turning true (Ctrl-C) skips what is left.
/// Fails only when no delivery can be built (a broken fixture, an unusable secret).
pub async fn run(setup: &Setup, stop: Shutdown, progress: &mut dyn FnMut(Progress<'_>)) -> Result<Report, BuildError> {
    let start = Instant::now();
    let forge = Forge::new(setup)?;
    let client = net::client_with(setup.burst.concurrency.max(1), setup.trust);
    let runner = Runner { setup, forge, client, stop };
    let mut report = Report::start(setup);
    let mut base = Baseline::Unknown;
    let mut interrupted = false;
    for &name in &setup.checks {
        interrupted |= runner.stop.is_set();
        // `https` only reads the URL: it costs nothing, so it runs even then.
        let result = if interrupted && name != CheckName::Https {
            CheckResult::interrupted(name)
        } else if let Some(skip) = runner.inapplicable(name) {
            // Said even when valid failed: "nexadesk signs no timestamp" tells more than "not run".
            skip
        } else if let Some(reason) = base.keeps_from_running(name) {
            CheckResult::bare(name, Verdict::Skip, reason)
        } else {
            progress(Progress::Started(name));
            let began = Instant::now();
            let mut result = runner.check(name, &base).await;
            result.took = began.elapsed();
            result.interrupted |= result.verdict == Verdict::Skip
                && (result.exchanges.iter().any(|e| matches!(e.outcome.result, Err(Failure::Interrupted)))
                    || result.burst.as_ref().is_some_and(|b| b.interrupted));
            result
        };
        if name == CheckName::Valid {
            base = Baseline::of(&result);
        }
        progress(Progress::Finished(&result));
        report.results.push(result);
    }
    report.interrupted = interrupted || runner.stop.is_set();
    report.elapsed = start.elapsed();
    Ok(report)
}

struct Runner<'a> {
    setup: &'a Setup,
    forge: Forge,
    client: HttpClient,
    stop: Shutdown,
}

impl Runner<'_> {
    fn ctx(&self) -> Ctx<'_> {
        let info = self.setup.provider.info();
        Ctx {
            provider: &self.setup.label,
            limit: info.timeout,
            wait: self.setup.timeout,
            retries: !info.retry.delays.is_empty(),
            final_on_4xx: info.retry.final_on_4xx,
        }
    }

    async fn send(&self, prepared: &Prepared, timeout: Duration) -> Outcome {
        deliver(&self.client, &self.setup.uri, prepared, timeout, &self.stop).await
    }

    async fn check(&self, name: CheckName, base: &Baseline) -> CheckResult {
        match self.deliveries(name, base).await {
            Ok(result) => result,
            Err(e) => CheckResult::bare(name, Verdict::Fail, format!("could not build the delivery: {e}")),
        }
    }
}

/// A result from a judgement, without exchanges yet.
fn result(name: CheckName, j: Judgement) -> CheckResult {
    CheckResult::bare(name, j.verdict, j.reason)
}

/// A result resting on one exchange.
fn single(name: CheckName, j: Judgement, sent: &str, outcome: Outcome) -> CheckResult {
    let mut r = result(name, j);
    r.exchanges = vec![Exchange { sent: sent.to_owned(), outcome }];
    r.evidence = Some(0);
    r
}
