-- The question bank: each article's phrasings (how people really ask for it), and the candidate
-- phrasings learned from use that wait for an admin's decision.
ALTER TABLE articles ADD COLUMN phrasings TEXT NOT NULL DEFAULT '[]';

CREATE TABLE candidate_phrasings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT NOT NULL,
    text        TEXT NOT NULL,
    norm        TEXT NOT NULL,
    source      TEXT NOT NULL,
    ref         TEXT NOT NULL,
    status      TEXT NOT NULL,
    seen        INTEGER NOT NULL,
    created_at  BIGINT NOT NULL,
    decided_at  BIGINT NOT NULL,
    decided_by  TEXT NOT NULL
);
CREATE UNIQUE INDEX candidate_phrasings_key ON candidate_phrasings (slug, norm);
CREATE INDEX candidate_phrasings_status ON candidate_phrasings (status, id);

-- When each statute version takes effect, so that a bare citation resolves to the text in force.
ALTER TABLE statute_documents ADD COLUMN in_force TEXT NOT NULL DEFAULT '';
