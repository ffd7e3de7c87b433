-- The event outbox: every change another replica must hear of (a chat message, a queue change, an
-- article, a setting, a closed session) is a row here. Writers add the row and NOTIFY
-- courtdesk_events with its id only; each replica's listener reads the rows after the last id it
-- saw, so a missed notification or a restart delays an event but never loses or repeats one.
CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_created ON outbox (created_at);
