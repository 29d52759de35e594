//! hooktap's integration tests: one binary with a module per topic, so the suite
//! links once. Most run the real binary in a temp HOME (see `common`).

mod common;

mod check;
mod cli;
mod config;
mod listen;
mod listen_crash;
mod listen_e2e;
mod listen_errors;
mod provider_props;
mod replay;
mod send;
mod tail;
mod tail_tui;
mod tunnel;
mod verify;
