-- 法官进企业: visit requests from the chat, handled by the court of the requester's city.
CREATE TABLE visits (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    status          TEXT NOT NULL,
    court_code      TEXT NOT NULL,
    court           TEXT NOT NULL,
    request         TEXT NOT NULL,
    credit_code     TEXT NOT NULL,
    proposed_date   TEXT NOT NULL DEFAULT '',
    proposed_by     TEXT NOT NULL DEFAULT '',
    visit_date      TEXT NOT NULL DEFAULT '',
    judges          TEXT NOT NULL DEFAULT '[]',
    note            TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    done_at         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX visits_conversation ON visits (conversation_id, id);
CREATE INDEX visits_court ON visits (court_code, status, id);
CREATE INDEX visits_date ON visits (visit_date);

-- Status notices in the requester's conversation point at their visit.
ALTER TABLE messages ADD COLUMN visit_id BIGINT NOT NULL DEFAULT 0;

-- A visit's summary can be suggested as an article, like a ticket's answer.
ALTER TABLE suggestions ADD COLUMN visit_id BIGINT NOT NULL DEFAULT 0;

-- Judges who may accept, schedule and staff their court's visit requests.
ALTER TABLE users ADD COLUMN can_visits INTEGER NOT NULL DEFAULT 0;

-- Questions asked through POST /api/v1/ask (no conversation), so the activity report counts them.
CREATE TABLE http_asks (
    id       BIGSERIAL PRIMARY KEY,
    at       BIGINT NOT NULL,
    intent   TEXT NOT NULL,
    reason   TEXT NOT NULL,
    category TEXT NOT NULL
);
CREATE INDEX http_asks_at ON http_asks (at);
