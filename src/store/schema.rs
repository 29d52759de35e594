//! Numbered migrations, applied in order on open and tracked in `PRAGMA user_version`.

/// Each entry moves the schema from version `index` to `index + 1`. Append only.
pub const MIGRATIONS: &[&str] = &[
    // 1: deliveries and their attempts.
    "CREATE TABLE deliveries (
        seq                  INTEGER PRIMARY KEY AUTOINCREMENT, -- insertion order, for following
        id                   TEXT NOT NULL UNIQUE,  -- ULID: sorts by time
        received_at          INTEGER NOT NULL,      -- unix ms
        source               TEXT NOT NULL,         -- listen | tunnel | send | replay
        method               TEXT NOT NULL,
        path                 TEXT NOT NULL,
        query                TEXT,
        headers              BLOB NOT NULL,         -- 'name: value\\n' lines, in order, repeats kept
        body                 BLOB NOT NULL,
        body_size            INTEGER NOT NULL,
        remote_addr          TEXT,
        provider             TEXT,
        profile              TEXT,
        route                TEXT,
        event                TEXT,
        provider_delivery_id TEXT,
        signature            TEXT NOT NULL,         -- valid | invalid | missing | unchecked
        signature_reason     TEXT,
        duplicate_of         TEXT,
        state                TEXT NOT NULL,         -- recorded | pending | forwarded | failed | dead | rejected
        target               TEXT,
        attempts             INTEGER NOT NULL DEFAULT 0,
        next_attempt_at      INTEGER,               -- unix ms, while pending
        last_status          INTEGER,
        last_duration_us     INTEGER,
        last_error           TEXT,
        replay_of            TEXT
    ) STRICT;
    CREATE INDEX deliveries_received ON deliveries(received_at);
    CREATE INDEX deliveries_state ON deliveries(state, next_attempt_at);
    CREATE INDEX deliveries_provider ON deliveries(provider, received_at);
    CREATE INDEX deliveries_event ON deliveries(event, received_at);
    CREATE INDEX deliveries_provider_id ON deliveries(provider, provider_delivery_id)
        WHERE provider_delivery_id IS NOT NULL;
    CREATE TABLE attempts (
        id               INTEGER PRIMARY KEY,
        delivery_id      TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        kind             TEXT NOT NULL,             -- forward | replay | send
        target           TEXT NOT NULL,
        started_at       INTEGER NOT NULL,          -- unix ms
        duration_us      INTEGER,
        status           INTEGER,
        response_headers BLOB,
        response_body    BLOB,                      -- capped
        response_size    INTEGER,                   -- before the cap
        error            TEXT
    ) STRICT;
    CREATE INDEX attempts_delivery ON attempts(delivery_id, started_at);",
    // 2: fewer index writes per delivery, which the relay and `send` pay on every row.
    // Time ranges use the ULID `id` (its first 48 bits are the time), the forward queue
    // indexes only pending rows, and only received deliveries take part in the
    // duplicate check (a sent or replayed delivery repeats its id by design).
    "DROP INDEX deliveries_received;
    DROP INDEX deliveries_state;
    DROP INDEX deliveries_provider;
    DROP INDEX deliveries_event;
    DROP INDEX deliveries_provider_id;
    CREATE INDEX deliveries_pending ON deliveries(next_attempt_at) WHERE state = 'pending';
    CREATE INDEX deliveries_kind ON deliveries(provider, event);
    CREATE INDEX deliveries_received_id ON deliveries(provider, provider_delivery_id)
        WHERE provider_delivery_id IS NOT NULL AND source IN ('listen', 'tunnel');",
    // 3: the duplicate check remembers recent ids in memory (see `seen`); this index,
    // ordered by arrival and covering what the reload reads, is where it reloads
    // them from. Appending to it is cheap, where the index by id took a random page
    // per delivery.
    "DROP INDEX deliveries_received_id;
    CREATE INDEX deliveries_received_recent ON deliveries(seq, provider, provider_delivery_id, source)
        WHERE provider_delivery_id IS NOT NULL AND source IN ('listen', 'tunnel');",
    // 4: what the tunnel server calls a delivery it carried, so a copy it sends again
    // (its acknowledgement was lost) is recognised instead of forwarded twice.
    "ALTER TABLE deliveries ADD COLUMN tunnel_id TEXT;
    CREATE UNIQUE INDEX deliveries_tunnel_id ON deliveries(tunnel_id) WHERE tunnel_id IS NOT NULL;",
];

/// The schema version this build writes.
pub const CURRENT: u32 = MIGRATIONS.len() as u32;
