-- The judge queue: response times, the audit trail of every transition, internal notes, canned
-- replies and judges' article suggestions.
ALTER TABLE tickets ADD COLUMN first_response_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN last_reply_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX tickets_claimed ON tickets (state, claimed_by);

CREATE TABLE ticket_events (
    id         BIGSERIAL PRIMARY KEY,
    ticket_id  BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor_id   BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE ticket_notes (
    id         BIGSERIAL PRIMARY KEY,
    ticket_id  BIGINT NOT NULL,
    author_id  BIGINT NOT NULL,
    author     TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_notes_ticket ON ticket_notes (ticket_id, id);

CREATE TABLE canned_replies (
    id         BIGSERIAL PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE suggestions (
    id         BIGSERIAL PRIMARY KEY,
    ticket_id  BIGINT NOT NULL,
    judge_id   BIGINT NOT NULL,
    judge      TEXT NOT NULL,
    article    TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX suggestions_status ON suggestions (status, id);
