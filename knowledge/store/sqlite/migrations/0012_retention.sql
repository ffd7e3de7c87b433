-- Retention: conversations, messages and resolved tickets older than the retention period are
-- deleted (courtdesk purge). Before deletion each bot answer and each ticket leaves a row here with
-- what the reports count and nothing that identifies a person: no question or answer text, no
-- intake form, no conversation id; the enterprise only as a digest of its credit code. Reports
-- read these rows together with the live ones, so past periods keep their figures.
CREATE TABLE archived_answers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at BIGINT NOT NULL,
    intent     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    confidence REAL NOT NULL,
    slug       TEXT NOT NULL,
    title      TEXT NOT NULL,
    category   TEXT NOT NULL,
    feedback   INTEGER NOT NULL,
    court      TEXT NOT NULL
);
CREATE INDEX archived_answers_at ON archived_answers (created_at);

CREATE TABLE archived_tickets (
    id                BIGINT PRIMARY KEY,
    court             TEXT NOT NULL,
    claimed_by        BIGINT NOT NULL,
    judge             TEXT NOT NULL,
    reason            TEXT NOT NULL,
    specialty         TEXT NOT NULL,
    enterprise        TEXT NOT NULL,
    state             TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    first_response_at BIGINT NOT NULL,
    archived_at       BIGINT NOT NULL
);
CREATE INDEX archived_tickets_at ON archived_tickets (created_at);

-- The purge looks for conversations by their last activity.
CREATE INDEX conversations_updated ON conversations (updated_at);
