//! HTTP plumbing shared by `send`, the relay's forwarder and `replay`.

pub mod client;

pub use client::{Body, HttpClient, Trust, client, client_with};
