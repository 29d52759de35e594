//! Stop signals: Ctrl-C and, on unix, SIGTERM, for every long-running command.

use anyhow::Context;

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
