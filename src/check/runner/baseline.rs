//! What `valid` showed of the endpoint, which decides whether the later checks run
//! and whether a refusal they got proves anything.

use std::time::Duration;

use crate::check::judge::{self, Judgement, Seen, seen};
use crate::check::{CheckName, CheckResult, say};
use crate::exchange::Exchange as Outcome;

/// What `valid` showed of the endpoint, which the later checks rest on.
#[derive(Debug, Clone)]
pub(super) enum Baseline {
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
    pub(super) fn of(valid: &CheckResult) -> Baseline {
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
    pub(super) fn keeps_from_running(&self, name: CheckName) -> Option<String> {
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
    pub(super) fn weigh(&self, j: Judgement, outcomes: &[&Outcome]) -> Judgement {
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
