-- Notices to an enterprise that left the page (SMS or e-mail), with consent on a verified contact.
-- notice_consents: one row per conversation; verified = 1 once the contact was confirmed by code.
CREATE TABLE notice_consents (
    conversation_id TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    contact         TEXT NOT NULL,
    verified        INTEGER NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL
);

-- The pending one-time code of a conversation: only its keyed hash.
CREATE TABLE notice_codes (
    conversation_id TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    contact         TEXT NOT NULL,
    code_hash       TEXT NOT NULL,
    expires_at      BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0
);

-- Each code request under each of its limit keys (keyed digests, never a raw number), and one lock
-- row per key that makes concurrent requests of one key wait for each other.
CREATE TABLE notice_code_sends (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX notice_code_sends_key ON notice_code_sends (key, at);
CREATE TABLE notice_locks (
    key TEXT PRIMARY KEY,
    at  BIGINT NOT NULL
);

-- The outbox: queued → sending (leased to a worker until claimed_until) → sent | failed.
CREATE TABLE notice_jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    channel         TEXT NOT NULL,
    contact         TEXT NOT NULL,
    event           TEXT NOT NULL,
    court           TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      BIGINT NOT NULL,
    claimed_by      TEXT NOT NULL DEFAULT '',
    claimed_until   BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notice_jobs_due ON notice_jobs (state, not_before);
CREATE INDEX notice_jobs_conversation ON notice_jobs (conversation_id, id);
