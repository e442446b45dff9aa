-- 0001: sources with their polling state, articles, their lookup keys and
-- the feeds that listed them.
--
-- Times are integers: Unix milliseconds, UTC. 0 stands for "never" (the
-- zero time.Time), except articles.published, which is NULL when the article
-- is undated so that "ORDER BY published DESC" puts undated articles last
-- (SQLite sorts NULL lowest) and can still walk the index.

-- One row per configured source. A source removed from the configuration
-- loses its row (and its polling state); the articles it listed keep its
-- name in article_feeds.
CREATE TABLE sources (
    name          TEXT    PRIMARY KEY,
    url           TEXT    NOT NULL,
    type          TEXT    NOT NULL,
    links         TEXT    NOT NULL DEFAULT '',
    interval_ms   INTEGER NOT NULL DEFAULT 0,
    per_host      INTEGER NOT NULL DEFAULT 0,
    host_delay_ms INTEGER NOT NULL DEFAULT 0,
    position      INTEGER NOT NULL,
    paused        INTEGER NOT NULL DEFAULT 0,
    next_due      INTEGER NOT NULL DEFAULT 0, -- 0: due at once
    lease_until   INTEGER NOT NULL DEFAULT 0, -- claimed by a poller until then
    failures      INTEGER NOT NULL DEFAULT 0,
    etag          TEXT    NOT NULL DEFAULT '',
    last_modified TEXT    NOT NULL DEFAULT '',
    last_attempt  INTEGER NOT NULL DEFAULT 0,
    last_success  INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT '',
    feed_url      TEXT    NOT NULL DEFAULT ''  -- the feed the source's page advertises, polled instead
);

-- ClaimDue: unpaused sources in due order.
CREATE INDEX sources_due ON sources (paused, next_due);

-- id doubles as the order articles were first stored (ByImported): it is an
-- alias of the rowid, rows are never deleted, so it only grows.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    identity     TEXT    NOT NULL UNIQUE, -- the URL, else the first key (a GUID, an import hash)
    url          TEXT    NOT NULL,        -- '' for articles known only by a key
    title        TEXT    NOT NULL,
    published    INTEGER,                 -- NULL: undated
    fetched      INTEGER NOT NULL,        -- first stored
    updated      INTEGER NOT NULL,        -- last changed
    summary_only INTEGER NOT NULL DEFAULT 0,
    blocks       TEXT    NOT NULL,        -- JSON of []model.Block: [{"k":"p","t":"..."}]
    imported     INTEGER NOT NULL DEFAULT 0 -- first stored from a digest file
);

CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_fetched ON articles (fetched);
-- Filter.Since: published, else fetched.
CREATE INDEX articles_since ON articles (coalesce(published, fetched));

-- Every key that leads to an article: its identity URL, the links before
-- redirects, feed GUIDs. A key belongs to the first article that claimed it.
CREATE TABLE article_keys (
    key        TEXT    PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX article_keys_article ON article_keys (article_id);

-- Which sources listed an article, and when each first did. The rowid keeps
-- the first-seen order exactly (first_seen may tie), which orders feed names
-- that are not (or no longer) configured.
CREATE TABLE article_feeds (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    feed       TEXT    NOT NULL,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (article_id, feed)
);

-- Filter.Source and the per-source article counts.
CREATE INDEX article_feeds_feed ON article_feeds (feed, article_id);
