//! The tunnel: `hooktap serve` (the public end) and the client that `hooktap listen
//! --tunnel` runs, with the frames they exchange over a WebSocket.
//!
//! `serve` commits each provider's delivery to its own file before answering 2xx and
//! keeps it until the client has committed it too; the client resumes where it left
//! off, and recognises a delivery sent again after a lost acknowledgement.

pub mod buffer;
pub mod channel;
pub mod client;
mod committer;
pub mod endpoint;
mod ingress;
pub mod protocol;
mod receive;
pub mod server;
mod session;
pub mod tokens;
mod wire;

use std::time::Duration;

/// Where providers post: `/c/<channel>/…`.
pub const INGRESS_PREFIX: &str = "/c/";

/// Where clients connect (a WebSocket upgrade) with `?channel=NAME` and their token.
pub const TUNNEL_PATH: &str = "/_hooktap/tunnel";

/// The header naming `serve`'s id for a delivery in its answer to the provider.
pub const DELIVERY_HEADER: &str = "x-hooktap-tunnel-delivery";

/// How often each end pings the other.
pub const PING_EVERY: Duration = Duration::from_secs(5);

/// Silence after which an end takes the connection for dead (a laptop that slept).
pub const DEAD_AFTER: Duration = Duration::from_secs(15);

/// How long a new connection has to say hello (or be welcomed).
pub const HELLO_WITHIN: Duration = Duration::from_secs(10);

/// Deliveries sent and not yet acknowledged on one connection.
pub const WINDOW: usize = 1024;

/// Whether `name` can name a channel: 1 to 64 letters, digits, `.`, `_` or `-`.
pub fn valid_channel(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A size in the largest binary unit it fills.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}
