//! The status bar's figures over the rows the viewer holds (the window around
//! the view, at most a thousand): failure rate and latency percentiles.

use crate::store::{State, Summary};

/// Figures over some rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Failed, dead or rejected among those whose outcome is known.
    pub failure_rate: Option<f64>,
    /// Median latency of the last attempts, microseconds.
    pub p50_us: Option<i64>,
    /// 95th percentile latency, microseconds.
    pub p95_us: Option<i64>,
}

/// The figures for `rows`.
pub fn of(rows: &[Summary]) -> Stats {
    let settled = rows.iter().filter(|r| r.state != State::Pending).count();
    let failed = rows.iter().filter(|r| matches!(r.state, State::Failed | State::Dead | State::Rejected)).count();
    let mut latencies: Vec<i64> = rows.iter().filter_map(|r| r.last_duration_us).collect();
    latencies.sort_unstable();
    let at = |q: f64| -> Option<i64> {
        // Nearest rank: the smallest value with at least q of the values at or below it.
        let rank = ((q * latencies.len() as f64).ceil() as usize).max(1);
        latencies.get(rank - 1).copied()
    };
    Stats { failure_rate: (settled > 0).then(|| failed as f64 / settled as f64), p50_us: at(0.50), p95_us: at(0.95) }
}

/// A latency for a narrow column: `850µs`, `12ms`, `1.2s`.
pub fn latency(us: i64) -> String {
    match us {
        ..1_000 => format!("{us}µs"),
        1_000..10_000 => format!("{:.1}ms", us as f64 / 1000.0),
        10_000..1_000_000 => format!("{}ms", us / 1000),
        _ => format!("{:.1}s", us as f64 / 1_000_000.0),
    }
}

/// A size for a narrow column: `512B`, `1.0K`, `12K`, `5.0M`.
pub fn human_size(bytes: i64) -> String {
    match bytes {
        ..1024 => format!("{bytes}B"),
        1024..10_240 => format!("{:.1}K", bytes as f64 / 1024.0),
        10_240..1_048_576 => format!("{}K", bytes / 1024),
        _ => format!("{:.1}M", bytes as f64 / 1_048_576.0),
    }
}
