//! Running the selected checks against the endpoint, one after another (the
//! burst alone sends in parallel), each delivery bounded by the timeout.

use std::time::{Duration, Instant};

use super::burst::{self, BurstStats};
use super::forge::{Forge, OVERSIZED_BYTES, STALE_BY_SECS};
use super::judge::{self, Ctx, Judgement, Refuse, Seen};
use super::{CheckName, CheckResult, Exchange, Report, Setup, Verdict, retries, say, tls};
use crate::exchange::Exchange as Outcome;
use crate::net::{self, HttpClient, Trust};
use crate::provider::Field;
use crate::send::{BuildError, Prepared, deliver};
use crate::signal::Shutdown;

/// What the runner reports while it works, for a progress display.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A check is starting.
    Started(CheckName),
    /// A check is done.
    Finished(&'a CheckResult),
}

/// The least time the oversized body is given: sending 10 MiB takes a while on a
/// slow uplink, and the check is about refusing it, not about answering fast.
const OVERSIZED_MIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `setup.checks` in order; `stop` turning true (Ctrl-C) skips what is left.
/// Fails only when no delivery can be built (a broken fixture, an unusable secret).
pub async fn run(setup: &Setup, stop: Shutdown, progress: &mut dyn FnMut(Progress<'_>)) -> Result<Report, BuildError> {
    let start = Instant::now();
    let forge = Forge::new(setup)?;
    let client = net::client_with(setup.burst.concurrency.max(1), setup.trust);
    let runner = Runner { setup, forge, client, stop };
    let mut results = Vec::with_capacity(setup.checks.len());
    let mut unreachable = false;
    let mut interrupted = false;
    for &name in &setup.checks {
        interrupted |= runner.stop.is_set();
        let result = if interrupted {
            CheckResult::bare(name, Verdict::Skip, "not run: interrupted")
        } else if unreachable && name.delivers() {
            CheckResult::bare(name, Verdict::Skip, "not run: the endpoint could not be reached (see valid)")
        } else {
            progress(Progress::Started(name));
            let began = Instant::now();
            let mut result = runner.check(name).await;
            result.took = began.elapsed();
            result
        };
        if name == CheckName::Valid {
            unreachable =
                result.exchanges.first().is_some_and(|e| matches!(judge::seen(&e.outcome), Seen::Unreachable(_)));
        }
        progress(Progress::Finished(&result));
        results.push(result);
    }
    interrupted |= runner.stop.is_set();
    Ok(Report {
        url: setup.url.clone(),
        provider: setup.provider.info().name.clone(),
        event: setup.event.name.clone(),
        timeout: setup.timeout,
        results,
        elapsed: start.elapsed(),
        interrupted,
    })
}

struct Runner<'a> {
    setup: &'a Setup,
    forge: Forge,
    client: HttpClient,
    stop: Shutdown,
}

impl Runner<'_> {
    fn ctx(&self) -> Ctx<'_> {
        Ctx { provider: &self.setup.provider.info().name, timeout: self.setup.timeout }
    }

    async fn send(&self, prepared: &Prepared, timeout: Duration) -> Outcome {
        deliver(&self.client, &self.setup.uri, prepared, timeout, &self.stop).await
    }

    async fn check(&self, name: CheckName) -> CheckResult {
        match self.deliveries(name).await {
            Ok(result) => result,
            Err(e) => CheckResult::bare(name, Verdict::Fail, format!("could not build the delivery: {e}")),
        }
    }

    async fn deliveries(&self, name: CheckName) -> Result<CheckResult, BuildError> {
        let info = self.setup.provider.info();
        let timeout = self.setup.timeout;
        Ok(match name {
            CheckName::Valid => {
                let o = self.send(&self.forge.valid()?, timeout).await;
                let j = judge::valid(&o, self.ctx());
                single(name, j, "a correctly signed delivery", o)
            }
            CheckName::BadSignature => {
                let o = self.send(&self.forge.wrong_secret()?, timeout).await;
                let what = "a delivery signed with the wrong secret";
                let j =
                    judge::refusal(&o, Refuse { what, accepted_means: "anyone who knows the URL can forge events" });
                single(name, j, what, o)
            }
            CheckName::MissingSignature => {
                let o = self.send(&self.forge.unsigned()?, timeout).await;
                let what = format!("a delivery without its {} header", info.signature_header);
                let j = judge::refusal(&o, Refuse { what: &what, accepted_means: "signatures are not checked at all" });
                single(name, j, &what, o)
            }
            CheckName::Reserialized => match self.forge.pretty_pair() {
                None => CheckResult::bare(
                    name,
                    Verdict::Skip,
                    format!("{} sends {}, not JSON: nothing to re-serialise", info.name, self.setup.event.content_type),
                ),
                Some(pair) => {
                    let (exact, over_compact) = pair?;
                    let a = self.send(&exact, timeout).await;
                    let b = self.send(&over_compact, timeout).await;
                    let j = judge::reserialized(&a, &b);
                    // The failing side is the evidence: a refused exact body, else an accepted compact one.
                    let evidence = usize::from(a.is_ok() && j.verdict != Verdict::Pass);
                    let mut r = result(name, j);
                    r.exchanges = vec![
                        Exchange { sent: "pretty-printed JSON signed over its exact bytes".into(), outcome: a },
                        Exchange { sent: "the same bytes signed over their compact form".into(), outcome: b },
                    ];
                    r.evidence = Some(evidence);
                    r
                }
            },
            CheckName::StaleTimestamp => match self.forge.stale() {
                None => CheckResult::bare(
                    name,
                    Verdict::Skip,
                    format!("{} signs no timestamp, so only the delivery id can tell a replay", info.name),
                ),
                Some(stale) => {
                    let (prepared, tolerance) = stale?;
                    let o = self.send(&prepared, timeout).await;
                    let age = Duration::from_secs(tolerance + STALE_BY_SECS.unsigned_abs());
                    let what = format!(
                        "a delivery correctly signed {} ago (tolerance {})",
                        say(age),
                        say(Duration::from_secs(tolerance))
                    );
                    let means = "a captured delivery can be replayed at any time; check the signed timestamp";
                    let j = judge::refusal(&o, Refuse { what: &what, accepted_means: means });
                    single(name, j, &what, o)
                }
            },
            CheckName::Duplicate => {
                let prepared = self.forge.valid()?;
                let first = self.send(&prepared, timeout).await;
                let second = self.send(&prepared, timeout).await;
                let j = judge::duplicate(&first, &second, self.ctx(), &dedupe_on(&info.delivery_id, &info.name));
                let mut r = result(name, j);
                r.evidence = Some(usize::from(first.is_ok()));
                r.exchanges = vec![
                    Exchange { sent: "a correctly signed delivery".into(), outcome: first },
                    Exchange { sent: "the very same delivery again".into(), outcome: second },
                ];
                r
            }
            CheckName::MalformedBody => {
                let (prepared, what) = self.forge.malformed()?;
                let o = self.send(&prepared, timeout).await;
                let what = format!("{what}, correctly signed");
                single(name, judge::malformed(&o, &what), &what, o)
            }
            CheckName::OversizedBody => {
                let o = self.send(&self.forge.oversized()?, timeout.max(OVERSIZED_MIN_TIMEOUT)).await;
                let size = format!("{} MiB", OVERSIZED_BYTES >> 20);
                single(name, judge::oversized(&o, &size), &format!("a correctly signed {size} body"), o)
            }
            CheckName::Burst => {
                let spec = self.setup.burst;
                let requests = (0..spec.count).map(|_| self.forge.valid()).collect::<Result<Vec<_>, _>>()?;
                let outcomes =
                    burst::send_all(&self.client, &self.setup.uri, requests, spec.concurrency, timeout, &self.stop)
                        .await;
                let stats = BurstStats::of(&outcomes);
                let mut r = result(name, burst::judge(&stats, spec, self.ctx()));
                r.burst = Some(stats);
                r
            }
            CheckName::Retries => self.retries().await,
            CheckName::Https => result(name, tls::https(&self.setup.uri)),
            CheckName::Tls => match tls::certificate(&self.setup.uri, timeout.max(Duration::from_secs(5))).await {
                None => CheckResult::bare(name, Verdict::Skip, "not an https URL"),
                Some(mut j) => {
                    if j.verdict == Verdict::Fail && self.setup.trust == Trust::AnyCertificate {
                        j.reason.push_str(" (--insecure lets the other checks through; providers do not)");
                    }
                    result(name, j)
                }
            },
        })
    }

    async fn retries(&self) -> CheckResult {
        let name = CheckName::Retries;
        let info = self.setup.provider.info();
        let policy = &info.retry;
        if policy.delays.is_empty() {
            return CheckResult::bare(
                name,
                Verdict::Skip,
                format!("{} does not retry by itself ({})", info.name, policy.schedule),
            );
        }
        let spec = self.setup.retries;
        let (attempts, end) =
            retries::simulate(&self.client, &self.setup.uri, &self.forge, policy, spec, self.setup.timeout, &self.stop)
                .await;
        let inject = (spec.inject as usize).min(policy.delays.len());
        let mut r = result(name, retries::judge(&attempts, end, inject, &info.name));
        r.evidence = attempts.len().checked_sub(1);
        r.exchanges = attempts;
        r
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

/// What a receiver can dedupe this provider's deliveries on.
fn dedupe_on(field: &Field, provider: &str) -> String {
    match field {
        Field::Header(name) => format!("the {name} header"),
        Field::Json(path) => format!("the body's {path:?} field"),
        Field::Any(fields) => fields.first().map_or_else(String::new, |f| dedupe_on(f, provider)),
        Field::Absent => format!("the body's content: {provider} sends no delivery id"),
    }
}
