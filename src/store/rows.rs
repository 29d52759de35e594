//! The SQL that writes one delivery or attempt inside a caller's transaction,
//! shared by [`super::Store`]'s methods and the writer thread's batches.

use rusqlite::params;

use super::seen::Seen;
use super::{Inserted, NewAttempt, NewDelivery, RESPONSE_BODY_CAP, SentDelivery, Source, State, encode_headers};

/// Stores a delivery; a received one is checked against `seen` for an earlier copy.
pub(super) fn insert_in(
    tx: &rusqlite::Transaction<'_>,
    seen: &mut Seen,
    d: &NewDelivery,
) -> rusqlite::Result<Inserted> {
    // Only what was received can be a duplicate: `send` makes fresh ids, and a replay
    // repeats its original's id on purpose.
    let received = match (&d.provider, &d.provider_delivery_id, d.source) {
        (Some(p), Some(pid), Source::Listen | Source::Tunnel) => Some((p.as_str(), pid.as_str())),
        _ => None,
    };
    let duplicate_of = match received {
        Some((p, pid)) => seen.duplicate_of(tx, p, pid)?,
        None => None,
    };
    insert_row(tx, d, duplicate_of.as_deref(), None)?;
    if let (Some((p, pid)), None) = (received, &duplicate_of) {
        seen.received(p, pid, tx.last_insert_rowid());
    }
    Ok(Inserted { duplicate_of })
}

/// Stores a sent delivery already carrying its one attempt's outcome, then the
/// attempt: one row write each instead of an insert followed by an update.
pub(super) fn sent_in(tx: &rusqlite::Transaction<'_>, s: &SentDelivery) -> rusqlite::Result<()> {
    insert_row(tx, &s.delivery, None, Some((&s.attempt, s.state)))?;
    attempt_row(tx, &s.attempt)?;
    Ok(())
}

fn insert_row(
    tx: &rusqlite::Transaction<'_>,
    d: &NewDelivery,
    duplicate_of: Option<&str>,
    last: Option<(&NewAttempt, State)>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO deliveries (id, received_at, source, method, path, query, headers, body, body_size,
            remote_addr, provider, profile, route, event, provider_delivery_id, signature, signature_reason,
            duplicate_of, state, target, next_attempt_at, replay_of, attempts, last_status, last_duration_us,
            last_error, tunnel_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
            ?23, ?24, ?25, ?26, ?27)",
    )?
    .execute(params![
        d.id,
        d.received_at,
        d.source.as_str(),
        d.method,
        d.path,
        d.query,
        encode_headers(&d.headers),
        &d.body[..],
        d.body.len() as i64,
        d.remote_addr,
        d.provider,
        d.profile,
        d.route,
        d.event,
        d.provider_delivery_id,
        d.signature.as_str(),
        d.signature_reason,
        duplicate_of,
        last.map_or(d.state, |(_, state)| state).as_str(),
        d.target.as_deref().or(last.map(|(a, _)| a.target.as_str())),
        d.next_attempt_at,
        d.replay_of,
        i64::from(last.is_some()),
        last.and_then(|(a, _)| a.status),
        last.map(|(a, _)| a.duration_us),
        last.and_then(|(a, _)| a.error.as_deref()),
        d.tunnel_id,
    ])?;
    Ok(())
}

pub(super) fn attempt_in(
    tx: &rusqlite::Transaction<'_>,
    a: &NewAttempt,
    state: State,
    next_attempt_at: Option<i64>,
) -> rusqlite::Result<i64> {
    let id = attempt_row(tx, a)?;
    tx.prepare_cached(
        "UPDATE deliveries SET state = ?2, attempts = attempts + 1, next_attempt_at = ?3, last_status = ?4,
            last_duration_us = ?5, last_error = ?6, target = COALESCE(target, ?7)
         WHERE id = ?1",
    )?
    .execute(params![
        a.delivery_id,
        state.as_str(),
        next_attempt_at,
        a.status,
        a.duration_us,
        a.error,
        a.target
    ])?;
    Ok(id)
}

/// Inserts the attempt row alone; returns its id.
fn attempt_row(tx: &rusqlite::Transaction<'_>, a: &NewAttempt) -> rusqlite::Result<i64> {
    let body = a.response_body.as_deref().unwrap_or_default();
    let capped = &body[..body.len().min(RESPONSE_BODY_CAP)];
    tx.prepare_cached(
        "INSERT INTO attempts (delivery_id, kind, target, started_at, duration_us, status, response_headers,
            response_body, response_size, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        a.delivery_id,
        a.kind,
        a.target,
        a.started_at,
        a.duration_us,
        a.status,
        a.response_headers.as_ref().map(encode_headers),
        a.response_body.as_ref().map(|_| capped),
        a.response_body.as_ref().map(|b| a.response_size.max(b.len()) as i64),
        a.error,
    ])?;
    Ok(tx.last_insert_rowid())
}
