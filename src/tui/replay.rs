//! `r` in the viewer: the selected delivery replayed as recorded, to where it went
//! before, through the `replay` engine, so it is sent and recorded (source `replay`,
//! `replay_of` the original, with its attempt) exactly as `hooktap replay ID` would.

use std::path::Path;
use std::sync::Arc;

use http::HeaderMap;

use crate::config::{Config, SignerRequest};
use crate::replay::target::Routes;
use crate::replay::{BodyChange, Plan, Signing};

/// The plan of every `r`: the recorded bytes and signature, where the delivery went before.
pub fn plan(config: &Config) -> Arc<Plan> {
    Arc::new(Plan {
        to: None,
        resign: false,
        body: BodyChange::Keep,
        headers: HeaderMap::new(),
        signing: Arc::new(Signing::new(config.clone(), SignerRequest::default())),
        routes: Routes::of(config),
    })
}

/// Replays delivery `id` of the database at `db`; the message for the status line, and whether it failed.
pub async fn replay(db: &Path, id: &str, plan: &Plan) -> (String, bool) {
    match crate::replay::run::one(db, id, plan).await {
        Ok(r) => {
            let e = &r.exchange;
            let ms = e.duration.as_secs_f64() * 1000.0;
            let outcome = match &e.result {
                Ok(a) => format!("{} in {ms:.1} ms", a.status),
                Err(f) => format!("{f} after {ms:.1} ms"),
            };
            (format!("replayed {id} → {}: {outcome}; recorded as {}", e.url, r.id), !e.is_ok())
        }
        Err(e) => (format!("replay of {id} failed: {}", crate::error::render(&e)), true),
    }
}
