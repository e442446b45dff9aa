-- 0002: full-text search, credentials, and the sources-seeded mark.

-- dkey orders articles by date: their day (published, else fetched; days
-- since 1970-01-01 UTC, clamped to 1900..2100) shifted left 31 bits, with
-- the id in the low bits, so one day's articles follow in the order they
-- were stored. It is unique (ids are below 2^31) and is the search index's
-- rowid, so the index itself is in date order: newest-first results, date
-- ranges (since:, until:) and month facets are rowid ranges and arithmetic
-- inside FTS5, with no lookup in articles, however many articles match.
-- Days rather than seconds keep the index small: it stores each word's
-- rowids as differences, which stay short between articles of one day.
ALTER TABLE articles ADD COLUMN dkey INTEGER
    GENERATED ALWAYS AS ((max(min(coalesce(published, fetched) / 86400000, 47482), -25567) << 31) | id) VIRTUAL;
CREATE UNIQUE INDEX articles_dkey ON articles (dkey);
-- The Latest page, digests and exports by date walk articles_dkey too.
DROP INDEX articles_since;

-- The text the search index holds: the title, and the body's blocks joined
-- by newlines. A view over articles, so the index stores no second copy of
-- the text (FTS5 "external content"): snippets read it from here, by dkey.
CREATE VIEW article_text AS
SELECT dkey,
       title,
       (SELECT group_concat(json_extract(b.value, '$.t'), char(10)) FROM json_each(articles.blocks) b) AS body
FROM articles;

-- unicode61 with remove_diacritics 2 folds case and diacritics in the index
-- and in queries alike: "Gurak" finds "Gürak".
CREATE VIRTUAL TABLE article_fts USING fts5 (
    title, body,
    content = 'article_text', content_rowid = 'dkey',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Rank by bm25 with a word in the title worth ten in the body.
INSERT INTO article_fts (article_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');

-- The index follows the table. An external-content index must be told the
-- old text to remove it, hence the 'delete' rows.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_fts (rowid, title, body)
    VALUES (new.dkey, new.title, (SELECT group_concat(json_extract(b.value, '$.t'), char(10)) FROM json_each(new.blocks) b));
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, blocks, published, fetched ON articles BEGIN
    INSERT INTO article_fts (article_fts, rowid, title, body)
    VALUES ('delete', old.dkey, old.title, (SELECT group_concat(json_extract(b.value, '$.t'), char(10)) FROM json_each(old.blocks) b));
    INSERT INTO article_fts (rowid, title, body)
    VALUES (new.dkey, new.title, (SELECT group_concat(json_extract(b.value, '$.t'), char(10)) FROM json_each(new.blocks) b));
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_fts (article_fts, rowid, title, body)
    VALUES ('delete', old.dkey, old.title, (SELECT group_concat(json_extract(b.value, '$.t'), char(10)) FROM json_each(old.blocks) b));
END;

-- Articles stored before this migration. (Not FTS5's 'rebuild': it reads
-- the view through a schema-qualified name under which SQLite cannot find
-- json_each.)
INSERT INTO article_fts (rowid, title, body)
SELECT dkey, title, (SELECT group_concat(json_extract(b.value, '$.t'), char(10)) FROM json_each(articles.blocks) b)
FROM articles;

-- Small facts about the installation.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- A database that already has sources was seeded by its sources file.
INSERT INTO meta (key, value) SELECT 'sources_seeded', '1' WHERE EXISTS (SELECT 1 FROM sources);

-- Web UI users; password hashes are bcrypt.
CREATE TABLE users (
    name          TEXT    PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    created       INTEGER NOT NULL
);

-- API tokens, by the SHA-256 of the secret (tokens are random and long, so
-- a fast hash is enough and lets the lookup be an index seek).
CREATE TABLE tokens (
    name      TEXT    PRIMARY KEY,
    hash      TEXT    NOT NULL UNIQUE,
    created   INTEGER NOT NULL,
    last_used INTEGER NOT NULL DEFAULT 0
);

-- Browser sessions, by the SHA-256 of the cookie's secret.
CREATE TABLE sessions (
    hash    TEXT    PRIMARY KEY,
    user    TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_expires ON sessions (expires);
