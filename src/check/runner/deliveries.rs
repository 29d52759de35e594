//! Each check's deliveries: what is sent for it, in what order, and the judgement
//! of what came back.

use std::time::Duration;

use crate::check::burst::{self, BurstStats};
use crate::check::forge::{OVERSIZED_BYTES, PrettySet, STALE_BY_SECS};
use crate::check::judge::{self, Judgement, Refuse, Reserialized, Seen, seen};
use crate::check::{self, CheckName, CheckResult, Exchange, Payload, Verdict, retries, say, tls};
use crate::exchange::Exchange as Outcome;
use crate::net::Trust;
use crate::send::{BuildError, Prepared};

use super::baseline::Baseline;
use super::provider_facts::is_form;
use super::{Runner, result, single};

/// The least time the oversized body is given: sending 10 MiB takes a while on a
/// slow uplink, and the check is about refusing it, not about answering fast.
const OVERSIZED_MIN_TIMEOUT: Duration = Duration::from_secs(10);

impl Runner<'_> {
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
    pub(super) async fn deliveries(&self, name: CheckName, base: &Baseline) -> Result<CheckResult, BuildError> {
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
            CheckName::Setup => match (&self.setup.handshake, check::handshake(&info.name, self.forge.is_json())) {
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
}
