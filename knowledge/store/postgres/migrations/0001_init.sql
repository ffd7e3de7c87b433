-- Articles and their version history, accounts, and small key/value settings.
CREATE TABLE articles (
    slug        TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    category    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    questions   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    tags        TEXT NOT NULL,
    related     TEXT NOT NULL,
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE INDEX articles_status ON articles (status, category);

CREATE TABLE article_versions (
    slug     TEXT NOT NULL,
    version  INTEGER NOT NULL,
    data     TEXT NOT NULL,
    note     TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (slug, version)
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    court         TEXT NOT NULL,
    specialties   TEXT NOT NULL,
    capacity      INTEGER NOT NULL,
    active        INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
