//! Stop signals: Ctrl-C and, on unix, SIGTERM, for every long-running command, and
//! [`Shutdown`], the one stop token every long task waits on.

use anyhow::Context;
use tokio::sync::watch;

/// Which signal asked the command to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Ctrl-C: the command exits 130.
    Interrupt,
    /// SIGTERM: a requested stop.
    Terminate,
}

/// The stop signals: Ctrl-C and, on unix, SIGTERM; one place for both.
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the handlers; signals arriving from now on are not missed.
    pub fn install() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt()).context("installing the Ctrl-C handler")?,
                terminate: signal(SignalKind::terminate()).context("installing the SIGTERM handler")?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Waits for the next stop signal.
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Signal::Interrupt,
                _ = self.terminate.recv() => Signal::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            match tokio::signal::ctrl_c().await {
                Ok(()) => Signal::Interrupt,
                // Without a handler there is no way to stop gracefully; stop now rather than never.
                Err(_) => Signal::Interrupt,
            }
        }
    }
}

/// A shutdown signal every long task can wait on; cheap to clone.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// The side that fires a [`Shutdown`].
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

/// A connected trigger and signal.
pub fn shutdown_pair() -> (ShutdownTrigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (ShutdownTrigger(tx), Shutdown(rx))
}

impl ShutdownTrigger {
    /// Tells every holder of the signal to stop.
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }
}

impl Shutdown {
    /// Resolves once shutdown was requested (or the trigger is gone).
    pub async fn wait(&self) {
        let mut rx = self.0.clone();
        let _ = rx.wait_for(|stop| *stop).await;
    }

    /// Whether shutdown was requested.
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }
}

impl Shutdown {
    /// A token that fires on the first Ctrl-C (or SIGTERM on unix). The handlers are
    /// installed before this returns, so a signal that arrives while the first request
    /// is in flight is never missed. Call inside a runtime.
    pub fn on_signals() -> Shutdown {
        let (trigger, shutdown) = shutdown_pair();
        match Signals::install() {
            Ok(mut signals) => {
                tokio::spawn(async move {
                    signals.recv().await;
                    trigger.fire();
                });
            }
            Err(e) => {
                tracing::warn!("{e:#}; interrupting will not print a summary");
                // Kept alive, so the token waits for ever instead of firing now.
                tokio::spawn(async move {
                    let _trigger = trigger;
                    std::future::pending::<()>().await;
                });
            }
        }
        shutdown
    }
}

/// For commands without an async runtime: installs the stop signals' handlers now
/// and calls `on` with each signal from a thread of their own, until it returns false.
pub fn on_thread(mut on: impl FnMut(Signal) -> bool + Send + 'static) -> anyhow::Result<()> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the signal thread")?;
    let mut signals = {
        let _entered = runtime.enter();
        Signals::install()?
    };
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || runtime.block_on(async move { while on(signals.recv().await) {} }))
        .context("starting the signal thread")?;
    Ok(())
}
