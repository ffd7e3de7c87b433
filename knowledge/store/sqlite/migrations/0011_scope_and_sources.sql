-- Issue 12: where an escalation came from (the per-address limit and the admins' bulk close), the
-- judges who may work on every court, a lock row per limited key, and the readiness write probe.
-- source_addr is a keyed hash of the visitor's full address; source_net is the address truncated
-- to its /24 (IPv4) or /48 (IPv6) network, for a person to read. The raw address is never stored.
ALTER TABLE tickets ADD COLUMN source_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN source_net TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_source ON tickets (source_addr, created_at);
CREATE INDEX tickets_conversation_created ON tickets (conversation_id, created_at);

ALTER TABLE users ADD COLUMN all_courts INTEGER NOT NULL DEFAULT 0;

-- One row per limited key (an address or a conversation); escalations of one key take its row lock
-- so that their count-then-insert runs one at a time on every engine.
CREATE TABLE escalation_locks (
    key TEXT PRIMARY KEY,
    at  BIGINT NOT NULL
);

CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL
);
