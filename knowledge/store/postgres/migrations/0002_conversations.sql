-- Enterprise conversations, their messages (numbered per conversation) and judge tickets.
CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    mode       TEXT NOT NULL,
    last_seq   BIGINT NOT NULL DEFAULT 0,
    ticket_id  BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    client_id       TEXT NOT NULL DEFAULT '',
    reply_to        TEXT NOT NULL DEFAULT '',
    mode            TEXT NOT NULL,
    text            TEXT NOT NULL,
    intent          TEXT NOT NULL DEFAULT '',
    data            TEXT NOT NULL DEFAULT '',
    judge_id        BIGINT NOT NULL DEFAULT 0,
    judge_name      TEXT NOT NULL DEFAULT '',
    ticket_id       BIGINT NOT NULL DEFAULT 0,
    feedback        INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id) WHERE client_id <> '';
CREATE UNIQUE INDEX messages_reply_to ON messages (conversation_id, reply_to) WHERE reply_to <> '';

CREATE TABLE tickets (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    state           TEXT NOT NULL,
    priority        INTEGER NOT NULL,
    court_code      TEXT NOT NULL,
    court           TEXT NOT NULL,
    specialty       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    intake          TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    claimed_by      BIGINT REFERENCES users (id),
    claimed_at      BIGINT NOT NULL DEFAULT 0,
    resolved_at     BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX tickets_queue ON tickets (court_code, state, priority, id);
CREATE INDEX tickets_conversation ON tickets (conversation_id);
-- At most one open ticket per conversation, whatever races the application allows.
CREATE UNIQUE INDEX tickets_open ON tickets (conversation_id) WHERE state <> 'resolved';
