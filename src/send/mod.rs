//! The machinery behind `hooktap send`: building signed requests, sending them
//! once or under load, recording them, and reporting on them.

pub mod curl;
pub mod deliver;
pub mod edit;
pub mod failure;
pub mod input;
pub mod load;
pub mod record;
pub mod report;
pub mod request;
pub mod stats;
pub mod verbose;

pub use deliver::{Answer, Outcome, deliver};
pub use edit::{Edit, EditError};
pub use failure::SendError;
pub use request::{BodySource, BuildError, Prepared, RequestPlan};

/// A channel that turns true on Ctrl-C (or SIGTERM on unix); long tasks watch it.
/// The handlers are installed before this returns, so a signal that arrives
/// while the first request is in flight is never missed. Call inside a runtime.
pub fn shutdown_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    match crate::signal::Signals::install() {
        Ok(mut signals) => {
            tokio::spawn(async move {
                signals.recv().await;
                let _ = tx.send(true);
            });
        }
        Err(e) => tracing::warn!("{e:#}; interrupting will not print a summary"),
    }
    rx
}

/// Resolves once `shutdown` turns true; never, if no signal can arrive any more.
pub async fn stopped(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests;
