//! hooktap: send, verify, relay, record and replay webhooks.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod error;
pub mod exchange;
pub mod logging;
pub mod net;
pub mod provider;
pub mod relay;
pub mod replay;
pub mod secret;
pub mod send;
pub mod signal;
pub mod store;
pub mod tail;
pub mod tui;
pub mod tunnel;
pub mod util;
