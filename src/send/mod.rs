//! The machinery behind `hooktap send`: building signed requests, sending them
//! once or under load, recording them, and reporting on them.

pub mod curl;
pub mod deliver;
pub mod edit;
pub mod load;
pub mod record;
pub mod report;
pub mod request;
pub mod stats;

pub use deliver::{Answer, Outcome, SendError, deliver};
pub use edit::{Edit, EditError};
pub use request::{BodySource, BuildError, Prepared, RequestPlan};

/// A channel that turns true on Ctrl-C (or SIGTERM on unix); long tasks watch it.
pub fn shutdown_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = tx.send(true);
    });
    rx
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
