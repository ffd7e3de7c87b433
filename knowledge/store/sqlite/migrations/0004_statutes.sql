-- The statute library: every imported version of a statute, regulation or judicial
-- interpretation, and its numbered articles. A new import of a document adds a version and marks
-- the previous one superseded instead of overwriting it, so that citations written against the
-- old text can be found.
CREATE TABLE statute_documents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    title_key     TEXT NOT NULL,
    title         TEXT NOT NULL,
    short_title   TEXT NOT NULL,
    version       TEXT NOT NULL,
    source        TEXT NOT NULL,
    digest        TEXT NOT NULL,
    info          TEXT NOT NULL,
    preamble      TEXT NOT NULL,
    notes         TEXT NOT NULL,
    article_count INTEGER NOT NULL,
    is_current    INTEGER NOT NULL,
    imported_at   BIGINT NOT NULL,
    imported_by   TEXT NOT NULL,
    superseded_at BIGINT NOT NULL DEFAULT 0
);
-- One current version per document, whatever two concurrent imports try.
CREATE UNIQUE INDEX statute_documents_current ON statute_documents (title_key) WHERE is_current = 1;
CREATE INDEX statute_documents_title ON statute_documents (title_key, imported_at);

CREATE TABLE statute_articles (
    document_id BIGINT NOT NULL REFERENCES statute_documents (id),
    seq         INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    suffix      TEXT NOT NULL,
    label       TEXT NOT NULL,
    part        TEXT NOT NULL,
    chapter     TEXT NOT NULL,
    section     TEXT NOT NULL,
    paragraphs  TEXT NOT NULL,
    PRIMARY KEY (document_id, seq)
);
CREATE UNIQUE INDEX statute_articles_key ON statute_articles (document_id, number, suffix);
