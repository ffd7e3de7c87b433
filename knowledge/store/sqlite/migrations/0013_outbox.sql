-- The event outbox (see the PostgreSQL migration). A single SQLite replica delivers its events in
-- process and does not write here; the table exists so that both engines share one schema.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_created ON outbox (created_at);
