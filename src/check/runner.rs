//! Running the selected checks against the endpoint, one after another (the
//! burst alone sends in parallel), each delivery bounded by the timeout.
//!
//! `valid` is the baseline the others rest on: when a correctly signed delivery
//! cannot get through, the checks that need one acknowledged are not run, and a
//! refusal that valid deliveries get too proves nothing, so it is not a pass.

use std::time::{Duration, Instant};

use super::burst::{self, BurstStats};
use super::forge::{Forge, OVERSIZED_BYTES, PrettySet, STALE_BY_SECS};
use super::judge::{self, Ctx, Judgement, Refuse, Reserialized, Seen, seen};
use super::{CheckName, CheckResult, Exchange, Payload, Report, Setup, Verdict, retries, say, tls};
use crate::exchange::{Exchange as Outcome, Failure};
use crate::net::{self, HttpClient, Trust};
use crate::provider::{Field, extract};
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

/// What `valid` showed of the endpoint, which the later checks rest on.
#[derive(Debug, Clone)]
enum Baseline {
    /// `valid` was not run (or was interrupted): every check judges on its own.
    Unknown,
    /// A correctly signed delivery got its 2xx.
    Accepted,
    /// It got another answer, or the connection closed on it.
    Refused(Outcome),
    /// No answer within the wait.
    Silent(Duration),
    /// No connection.
    Unreachable,
}

impl Baseline {
    fn of(valid: &CheckResult) -> Baseline {
        let Some(outcome) = valid.exchanges.first().map(|e| &e.outcome) else { return Baseline::Unknown };
        match seen(outcome) {
            Seen::Answer(s) if s.is_success() => Baseline::Accepted,
            Seen::Answer(_) | Seen::Dropped(_) => Baseline::Refused(outcome.clone()),
            Seen::Timeout(t) => Baseline::Silent(t),
            Seen::Unreachable(_) => Baseline::Unreachable,
            Seen::Interrupted => Baseline::Unknown,
        }
    }

    /// Why `name` is not worth running after what `valid` showed, if it is not: nothing
    /// that delivers can run without a connection, nor be judged in reasonable time
    /// without answers, and the checks that need a delivery acknowledged (a repeat, a
    /// burst, redeliveries) cannot run when none is.
    fn keeps_from_running(&self, name: CheckName) -> Option<String> {
        if !name.delivers() || name == CheckName::Valid {
            return None;
        }
        match self {
            Baseline::Unreachable => Some("not run: the endpoint could not be reached (see valid)".into()),
            Baseline::Silent(t) => Some(format!(
                "not run: valid got no answer within {}, and every delivery would wait as long (see valid)",
                say(*t)
            )),
            Baseline::Refused(o) if matches!(name, CheckName::Duplicate | CheckName::Burst | CheckName::Retries) => {
                Some(format!(
                    "not run: it needs correctly signed deliveries acknowledged, and valid got {} (see valid)",
                    judge::brief(o)
                ))
            }
            _ => None,
        }
    }

    /// `j`, or a skip when the refusal it rests on proves nothing because correctly
    /// signed deliveries are refused the same way.
    fn weigh(&self, j: Judgement, outcomes: &[&Outcome]) -> Judgement {
        match self {
            Baseline::Refused(valid)
                if !outcomes.is_empty() && outcomes.iter().all(|o| judge::proves_nothing(valid, o)) =>
            {
                judge::inconclusive(valid, outcomes[0])
            }
            _ => j,
        }
    }
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

    /// The skip for a check that does not apply to this provider or payload, if it does not.
    fn inapplicable(&self, name: CheckName) -> Option<CheckResult> {
        let info = self.setup.provider.info();
        let label = &self.setup.label;
        let reason = match name {
            CheckName::Reserialized if !self.forge.is_json() => {
                format!("{label} sends {}, not JSON: nothing to re-serialise", self.forge.content_type())
            }
            CheckName::StaleTimestamp => match self.forge.tolerance() {
                None => self.no_timestamp(),
                Some(0) => "the profile's tolerance is 0, which turns the timestamp check off: nothing to test".into(),
                Some(_) => return None,
            },
            CheckName::Setup if self.setup.handshake.is_none() => {
                match super::handshake(&info.name, self.forge.is_json()) {
                    Some(hs) => format!("the catalog has no {} event to send as {label}'s setup request", hs.event),
                    None if is_form(self.forge.content_type()) => {
                        format!("{label} sends form-encoded requests no setup request")
                    }
                    None => format!("{label} sends no setup request"),
                }
            }
            CheckName::SignatureRotation if self.forge.rotated().is_none() => {
                format!("{label} sends one signature per delivery: no rotation to test")
            }
            // Nexus sends an Authorization (seed 000) that hooktap can only send if it knows it.
            CheckName::Authorization if !self.forge.has_authorization() && info.name == "nexus" => format!(
                "{label} sends an Authorization (Bearer or Basic) its receivers must check: add auth_env to the \
                 profile to test that"
            ),
            CheckName::Authorization if !self.forge.has_authorization() => {
                "no Authorization to test (a profile's auth_env, URL credentials or -H Authorization add one)".into()
            }
            CheckName::Retries if info.retry.delays.is_empty() => {
                format!("{label} does not retry by itself ({})", info.retry.schedule)
            }
            // Slack retries Events API requests; a slash command that gets no answer shows the user an error.
            CheckName::Retries if info.retry.marks.count_header.is_some() && is_form(self.forge.content_type()) => {
                format!(
                    "{label} does not retry form-encoded requests such as slash commands (the user sees an error \
                     instead)"
                )
            }
            _ => return None,
        };
        Some(CheckResult::bare(name, Verdict::Skip, reason))
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

    /// A check that sends one delivery the receiver must refuse.
    async fn refused(
        &self,
        name: CheckName,
        base: &Baseline,
        prepared: Prepared,
        what: &str,
        accepted_means: &str,
    ) -> CheckResult {
        let o = self.send(&prepared, self.setup.timeout).await;
        let j = base.weigh(judge::refusal(&o, Refuse { what, accepted_means }, self.ctx()), &[&o]);
        single(name, j, what, o)
    }

    async fn deliveries(&self, name: CheckName, base: &Baseline) -> Result<CheckResult, BuildError> {
        let info = self.setup.provider.info();
        let timeout = self.setup.timeout;
        Ok(match name {
            CheckName::Valid => {
                let o = self.send(&self.forge.valid()?, timeout).await;
                let mut j = judge::valid(&o, self.ctx(), self.setup.payload.name());
                let overrides = self.forge.overrides();
                if j.verdict != Verdict::Pass && !overrides.is_empty() {
                    let replaced: Vec<String> =
                        overrides.iter().map(|(header, what)| format!("{what} ({header})")).collect();
                    j.reason
                        .push_str(&format!("; note: -H replaced {}, which hooktap sets itself", replaced.join(", ")));
                }
                single(name, j, "a correctly signed delivery", o)
            }
            CheckName::BadSignature => {
                let what = "a delivery signed with the wrong secret";
                let means = "anyone who knows the URL can forge events";
                self.refused(name, base, self.forge.wrong_secret()?, what, means).await
            }
            CheckName::MissingSignature => {
                let what = format!("a delivery without its {} header", info.signature_header);
                self.refused(name, base, self.forge.unsigned()?, &what, "signatures are not checked at all").await
            }
            CheckName::Reserialized => match self.forge.pretty_set() {
                None => self.inapplicable(name).unwrap_or_else(|| CheckResult::bare(name, Verdict::Skip, "not JSON")),
                Some(set) => self.reserialized(set?, base).await,
            },
            CheckName::StaleTimestamp => match (self.forge.stale(), self.forge.future()) {
                (Some(stale), Some(future)) => {
                    let ((past, tolerance), (ahead, _)) = (stale?, future?);
                    self.stale(base, past, ahead, tolerance).await
                }
                _ => CheckResult::bare(name, Verdict::Skip, self.no_timestamp()),
            },
            CheckName::Setup => match (&self.setup.handshake, super::handshake(&info.name, self.forge.is_json())) {
                (Some(spec), Some(hs)) => {
                    let prepared = self.forge.with_payload(Payload::Event(spec.clone())).valid()?;
                    let challenge = serde_json::from_slice::<serde_json::Value>(&prepared.body)
                        .ok()
                        .and_then(|v| v.get("challenge")?.as_str().map(str::to_owned));
                    let o = self.send(&prepared, timeout).await;
                    let j = judge::handshake(&o, hs, challenge.as_deref(), self.ctx());
                    single(name, base.weigh(j, &[&o]), &format!("{}'s setup {}", self.setup.label, hs.event), o)
                }
                _ => self
                    .inapplicable(name)
                    .unwrap_or_else(|| CheckResult::bare(name, Verdict::Skip, "no setup request")),
            },
            CheckName::SignatureRotation => match self.forge.rotated() {
                Some(prepared) => {
                    let o = self.send(&prepared?, timeout).await;
                    let j = base.weigh(judge::rotation(&o, self.ctx()), &[&o]);
                    single(name, j, "a correct delivery whose header also carries another secret's signature, first", o)
                }
                None => {
                    self.inapplicable(name).unwrap_or_else(|| CheckResult::bare(name, Verdict::Skip, "one signature"))
                }
            },
            CheckName::Authorization => {
                let (without, wrong) = self.forge.bad_authorizations()?;
                let a = self.send(&without, timeout).await;
                let b = self.send(&wrong, timeout).await;
                let j = base.weigh(judge::authorization(&a, &b, self.ctx()), &[&a, &b]);
                let mut r = result(name, j);
                r.evidence = Some(usize::from(!a.is_ok() && b.is_ok()));
                r.exchanges = vec![
                    Exchange { sent: "a correctly signed delivery without its Authorization".into(), outcome: a },
                    Exchange { sent: "the same with a wrong Authorization".into(), outcome: b },
                ];
                r
            }
            CheckName::Duplicate => {
                let prepared = self.forge.valid()?;
                let first = self.send(&prepared, timeout).await;
                // A repeat of a delivery that was not acknowledged tells nothing new: not sent.
                let second = if first.is_ok() { Some(self.send(&prepared, timeout).await) } else { None };
                let j = judge::duplicate(&first, second.as_ref(), self.ctx(), &self.dedupe_on());
                let mut r = result(name, j);
                r.evidence = Some(usize::from(second.is_some()));
                r.exchanges = vec![Exchange { sent: "a correctly signed delivery".into(), outcome: first }];
                if let Some(second) = second {
                    r.exchanges.push(Exchange { sent: "the very same delivery again".into(), outcome: second });
                }
                r
            }
            CheckName::MalformedBody => {
                let (prepared, what) = self.forge.malformed()?;
                let o = self.send(&prepared, timeout).await;
                let what = format!("{what}, correctly signed");
                let j = base.weigh(judge::malformed(&o, &what, self.ctx()), &[&o]);
                single(name, j, &what, o)
            }
            CheckName::OversizedBody => {
                let o = self.send(&self.forge.oversized()?, timeout.max(OVERSIZED_MIN_TIMEOUT)).await;
                let size = format!("{} MiB", OVERSIZED_BYTES >> 20);
                let j = base.weigh(judge::oversized(&o, &size, self.ctx()), &[&o]);
                single(name, j, &format!("a correctly signed {size} body"), o)
            }
            CheckName::Burst => {
                let spec = self.setup.burst;
                let requests = (0..spec.count).map(|_| self.forge.valid()).collect::<Result<Vec<_>, _>>()?;
                let outcomes =
                    burst::send_all(&self.client, &self.setup.uri, requests, spec.concurrency, timeout, &self.stop)
                        .await;
                let stats = BurstStats::of(&outcomes, info.timeout);
                let mut r = result(name, burst::judge(&stats, spec, self.ctx()));
                r.burst = Some(stats);
                r
            }
            CheckName::Retries => self.retries().await,
            CheckName::Https => result(name, tls::https(&self.setup.uri)),
            CheckName::Tls => {
                let insecure = self.setup.trust == Trust::AnyCertificate;
                match tls::certificate(&self.setup.uri, timeout.max(Duration::from_secs(5)), insecure).await {
                    None => CheckResult::bare(name, Verdict::Skip, "not an https URL"),
                    Some(j) => result(name, j),
                }
            }
        })
    }

    /// `stale-timestamp`: a delivery signed an hour past the tolerance, and one signed as
    /// far ahead; both must be refused.
    async fn stale(&self, base: &Baseline, past: Prepared, ahead: Prepared, tolerance: u64) -> CheckResult {
        let age = say(Duration::from_secs(tolerance + STALE_BY_SECS.unsigned_abs()));
        let whose = if self.setup.tolerance.is_some() { ", the profile's" } else { "" };
        let tolerance = format!("tolerance {}{whose}", say(Duration::from_secs(tolerance)));
        let what_past = format!("a delivery correctly signed {age} ago ({tolerance})");
        let what_ahead = format!("a delivery correctly signed {age} ahead ({tolerance})");
        let a = self.send(&past, self.setup.timeout).await;
        let b = self.send(&ahead, self.setup.timeout).await;
        let replay = "a captured delivery can be replayed at any time; check the signed timestamp";
        let early =
            "a delivery signed with a clock far ahead stays replayable until then; check the timestamp both ways";
        let ja = judge::refusal(&a, Refuse { what: &what_past, accepted_means: replay }, self.ctx());
        let jb = judge::refusal(&b, Refuse { what: &what_ahead, accepted_means: early }, self.ctx());
        let rank = |v: Verdict| match v {
            Verdict::Fail => 3,
            Verdict::Warn => 2,
            Verdict::Skip => 1,
            Verdict::Pass => 0,
        };
        let (j, evidence) = if ja.verdict == Verdict::Pass && jb.verdict == Verdict::Pass {
            let reason = format!(
                "refused deliveries correctly signed {age} ago and {age} ahead ({tolerance}) with {} and {}",
                judge::brief(&a),
                judge::brief(&b)
            );
            (Judgement { verdict: Verdict::Pass, reason }, 0)
        } else if rank(jb.verdict) > rank(ja.verdict) {
            (jb, 1)
        } else {
            (ja, 0)
        };
        let mut r = result(CheckName::StaleTimestamp, base.weigh(j, &[&a, &b]));
        r.exchanges = vec![Exchange { sent: what_past, outcome: a }, Exchange { sent: what_ahead, outcome: b }];
        r.evidence = Some(evidence);
        r
    }

    /// `reserialized`: the exact signature and the compact one; when neither gets
    /// through, also Python's `json.dumps` form, which may say why.
    async fn reserialized(&self, set: PrettySet, base: &Baseline) -> CheckResult {
        let timeout = self.setup.timeout;
        let a = self.send(&set.exact, timeout).await;
        let b = self.send(&set.over_compact, timeout).await;
        let refused = |o: &Outcome| matches!(seen(o), Seen::Answer(s) if !s.is_success());
        let c = if refused(&a) && refused(&b) { Some(self.send(&set.over_python, timeout).await) } else { None };
        let j = judge::reserialized(Reserialized { exact: &a, compact: &b, python: c.as_ref() }, self.ctx());
        let sent: Vec<&Outcome> = [Some(&a), Some(&b), c.as_ref()].into_iter().flatten().collect();
        let j = base.weigh(j, &sent);
        // The failing side is the evidence: what was accepted of the other forms, else the refused exact body.
        let evidence = match (j.verdict, a.is_ok(), b.is_ok(), c.as_ref().is_some_and(Outcome::is_ok)) {
            (Verdict::Pass, ..) => 0,
            (_, false, _, true) => 2,
            (_, _, true, _) | (_, true, _, _) => 1,
            _ => 0,
        };
        let mut r = result(CheckName::Reserialized, j);
        r.exchanges = vec![
            Exchange { sent: "pretty-printed JSON signed over its exact bytes".into(), outcome: a },
            Exchange { sent: "the same bytes signed over their compact form".into(), outcome: b },
        ];
        if let Some(c) = c {
            r.exchanges
                .push(Exchange { sent: "the same bytes signed over Python's json.dumps form".into(), outcome: c });
        }
        r.evidence = Some(evidence);
        r
    }

    async fn retries(&self) -> CheckResult {
        let name = CheckName::Retries;
        let info = self.setup.provider.info();
        let label = &self.setup.label;
        let policy = &info.retry;
        if policy.delays.is_empty() {
            return CheckResult::bare(
                name,
                Verdict::Skip,
                format!("{label} does not retry by itself ({})", policy.schedule),
            );
        }
        if policy.marks.count_header.is_some() && is_form(self.forge.content_type()) {
            // Slack retries Events API requests; a slash command that gets no answer shows the user an error.
            return CheckResult::bare(
                name,
                Verdict::Skip,
                format!(
                    "{label} does not retry form-encoded requests such as slash commands (the user sees an error instead)"
                ),
            );
        }
        let spec = self.setup.retries;
        let (attempts, end) =
            retries::simulate(&self.client, &self.setup.uri, &self.forge, policy, spec, self.setup.timeout, &self.stop)
                .await;
        let inject = (spec.inject as usize).min(policy.delays.len());
        let mut r = result(name, retries::judge(&attempts, end, inject, label));
        r.interrupted = end == retries::Next::Interrupted;
        r.evidence = attempts.len().checked_sub(1);
        r.exchanges = attempts;
        r
    }

    /// Why `stale-timestamp` does not apply, and what can tell a replay instead.
    fn no_timestamp(&self) -> String {
        let label = &self.setup.label;
        match self.id_field() {
            Some(field) => format!(
                "{label} signs no timestamp, so a replay cannot be told by its age; {field} tells a repeat, so \
                 remember the ids you have processed"
            ),
            None => format!(
                "{label} signs no timestamp and sends no delivery id, so nothing tells a captured delivery replayed \
                 later from a new one; dedupe on the body's content"
            ),
        }
    }

    /// Where this event's deliveries carry the provider's delivery id, if they do.
    fn id_field(&self) -> Option<String> {
        let sample = self.forge.valid().ok()?;
        present(&self.setup.provider.info().delivery_id, &sample)
    }

    /// What a receiver can dedupe this event's deliveries on.
    fn dedupe_on(&self) -> String {
        if let Some(field) = self.id_field() {
            return field;
        }
        let info = self.setup.provider.info();
        let label = &self.setup.label;
        let sample = self.forge.valid().ok();
        let form = is_form(self.forge.content_type());
        if form && sample.as_ref().is_some_and(|s| s.body.windows(11).any(|w| w == b"trigger_id=")) {
            return "the form's trigger_id field (a form-encoded request carries no event id)".into();
        }
        match (&info.delivery_id, info.name.as_str()) {
            // The seed says "use the event ID", but NexaDesk's envelope has none.
            (Field::Absent, "nexadesk") => format!(
                "a hash of the body: {label} sends no delivery id (its docs say to use the event ID, but the envelope \
                 has none, and data.id names the lead or contact, which every event about it shares)"
            ),
            (Field::Absent, _) => format!("a hash of the body: {label} sends no delivery id"),
            _ => format!("a hash of the body: this {} delivery carries no delivery id", self.setup.payload.name()),
        }
    }
}

/// Where `field` is in `sample`, said for a receiver's author; `None` when it is not there.
fn present(field: &Field, sample: &Prepared) -> Option<String> {
    match field {
        Field::Any(fields) => fields.iter().find_map(|f| present(f, sample)),
        Field::Header(name) => extract(field, &sample.headers, &sample.body).map(|_| format!("the {name} header")),
        Field::Json(path) => {
            extract(field, &sample.headers, &sample.body).map(|_| format!("the body's {path:?} field"))
        }
        Field::Absent => None,
    }
}

/// Whether a content type is a form (`application/x-www-form-urlencoded`).
fn is_form(content_type: &str) -> bool {
    content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
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
