//! `hooktap check`'s engine: test one webhook receiver the way its provider will
//! treat it. Each check sends deliveries (valid, forged, stale, repeated,
//! malformed, oversized, many at once) or looks at the URL and its certificate,
//! and is judged pass, fail, warn or skip with a one-line reason and its evidence.
//!
//! The engine takes plain values ([`Setup`]); the command line lives in `cmd::check`.
//!
//! This file holds the module map and what every part shares (`say`); the
//! check names, the results and a run's inputs each have their own file.

mod burst;
mod forge;
mod judge;
pub mod junit;
mod name;
pub mod report;
mod result;
pub mod retries;
mod runner;
mod setup;
mod tls;

use std::time::Duration;

pub use burst::{BurstSpec, BurstStats};
pub use forge::{OVERSIZED_BYTES, is_json};
pub use name::{CheckName, UnknownCheck};
pub use result::{CheckResult, Counts, Exchange, Report, Verdict};
pub use retries::{RetryPlan, RetrySpec, TimeScale, parse_time_scale};
pub use runner::{Progress, run};
pub use setup::{Handshake, Payload, Setup, handshake};

/// The `-H` headers of `setup` that replace one its scheme sets on every delivery (the
/// signature, its timestamp or id, the event, the content type, the Authorization),
/// each with what it replaces, for a warning before the run.
pub fn overrides(setup: &Setup) -> Vec<(String, &'static str)> {
    forge::Forge::new(setup).map(|f| f.overrides()).unwrap_or_default()
}

/// "1.2 s", "340 ms", "1 m", "2 h": durations as the report says them.
pub fn say(d: Duration) -> String {
    let secs = d.as_secs_f64();
    match d.as_millis() {
        0 if d.is_zero() => "0 ms".into(),
        0..=9 => format!("{:.1} ms", secs * 1000.0),
        10..=999 => format!("{} ms", d.as_millis()),
        _ if secs < 60.0 => format!("{} s", trim(secs)),
        // Whole hours read as hours; anything else under ten hours reads better in minutes (65 m).
        _ if secs < 36_000.0 && secs % 3600.0 != 0.0 => format!("{} m", trim(secs / 60.0)),
        _ => format!("{} h", trim(secs / 3600.0)),
    }
}

fn trim(v: f64) -> String {
    let text = format!("{v:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(say(Duration::from_micros(1500)), "1.5 ms");
        assert_eq!(say(Duration::from_millis(340)), "340 ms");
        assert_eq!(say(Duration::from_millis(1200)), "1.2 s");
        assert_eq!(say(Duration::from_secs(5)), "5 s");
        assert_eq!(say(Duration::from_secs(60)), "1 m");
        assert_eq!(say(Duration::from_secs(7200)), "2 h");
        assert_eq!(say(Duration::from_secs(86_400)), "24 h");
        assert_eq!(say(Duration::from_secs(3900)), "65 m");
        assert_eq!(say(Duration::from_secs(300)), "5 m");
    }
}
