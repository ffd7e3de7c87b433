-- Legal-basis flags: an admin marks a cited document, or one article of it, as amended or
-- repealed. Articles citing it are found by matching their citations at read time, so a flag
-- also covers articles written after it. A cleared flag is kept, with who cleared it and when.
CREATE TABLE legal_flags (
    id          BIGSERIAL PRIMARY KEY,
    title_key   TEXT NOT NULL,
    title       TEXT NOT NULL,
    number      INTEGER NOT NULL,
    suffix      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    cleared_at  BIGINT NOT NULL DEFAULT 0,
    cleared_by  TEXT NOT NULL DEFAULT ''
);
-- One active flag per target (number 0 is the whole document), whatever two admins try at once.
CREATE UNIQUE INDEX legal_flags_active ON legal_flags (title_key, number, suffix) WHERE cleared_at = 0;
