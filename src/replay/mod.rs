//! `replay`'s engine: re-delivering what the store recorded.
//!
//! A selection is fixed when the run starts and streamed from the store a page at a
//! time ([`select`]), so memory stays flat however many deliveries it holds. Each
//! delivery's request is rebuilt as recorded, re-signed, or edited and re-signed
//! ([`build`], with its target from [`target`] and its signer from [`sign`]), sent
//! through the one attempt function `send` and the relay share, with a concurrency
//! and a rate ([`run`]), and recorded beside its original. [`report`] prints each
//! result and the summary. A target that is down fails each replay at once: nothing
//! queues here, that is `listen`'s job.

pub mod build;
pub mod editor;
pub mod report;
pub mod run;
pub mod select;
pub mod sign;
pub mod target;

pub use build::{BodyChange, Plan, Ready, Skip};
pub use report::Output;
pub use run::{Options, Outcome, run};
pub use select::Selection;
pub use sign::Signing;

#[cfg(test)]
mod tests;
