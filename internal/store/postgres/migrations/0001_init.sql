-- 0001: the whole schema, as the SQLite store's migrations 0001-0005 leave
-- it: sources with their polling state; articles with their lookup keys,
-- the feeds that listed them, their facts and their search vector;
-- credentials; small facts about the installation.
--
-- Points in time are timestamptz, NULL for "never" (the zero time.Time);
-- the program writes them to the millisecond, as the SQLite store keeps
-- them. Durations are bigint milliseconds. Text that is sorted, grouped
-- or range-scanned is COLLATE "C": byte order, as in SQLite, whatever the
-- database's default collation (the source-key rename scans a key range).

-- Search folds diacritics with unaccent (a trusted extension: the
-- database's owner may create it).
CREATE EXTENSION IF NOT EXISTS unaccent;

-- The text search configuration: simple (no stemming, no stop words:
-- words match as typed, like SQLite's unicode61) with unaccent before it,
-- so case and diacritics fold in the index and in queries alike ("Gurak"
-- finds "Gürak").
CREATE TEXT SEARCH CONFIGURATION sitrep (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION sitrep
    ALTER MAPPING FOR word, numword, hword, hword_part, numhword, hword_numpart WITH unaccent, simple;

-- sitrep_norm is the text the parser sees, in the index, in queries and in
-- highlights alike: every character but letters, digits and combining
-- marks becomes a space. The parser then finds only words and numbers,
-- split as SQLite's unicode61 splits them ("covid-19" is covid, 19; a URL
-- is its words), and a highlight of the normalised text maps back onto the
-- original character by character (the length is unchanged).
CREATE FUNCTION sitrep_norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(t, '[^[:alnum:]\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', ' ', 'g');

-- sitrep_body is an article's searchable text: its blocks' texts, joined by
-- newlines.
CREATE FUNCTION sitrep_body(blocks jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(string_agg(b.value ->> 't', E'\n' ORDER BY b.n), '')
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(blocks) = 'array' THEN blocks ELSE '[]' END)
                 WITH ORDINALITY AS b(value, n));

-- sitrep_tsv is an article's search vector: title words weigh A, body words
-- B. PostgreSQL limits a tsvector to 1 MB, so the body is indexed up to
-- 500,000 characters (a book, not an article).
CREATE FUNCTION sitrep_tsv(title text, blocks jsonb) RETURNS tsvector
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN setweight(to_tsvector('sitrep', sitrep_norm(title)), 'A')
        || setweight(to_tsvector('sitrep', sitrep_norm(left(sitrep_body(blocks), 500000))), 'B');

-- sitrep_term is one search word or phrase as a tsquery: its words in a
-- row (<->), the last one a prefix when prefix is set, every one in the
-- title (weight A) when title is set. A word without letters or digits is
-- the empty tsquery, which the operators && || !! skip.
CREATE FUNCTION sitrep_term(words text, prefix boolean, title boolean) RETURNS tsquery
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT CASE
                WHEN numnode(q) = 0 OR NOT (prefix OR title) THEN q
                ELSE (CASE WHEN title THEN regexp_replace(q::text, '(''[^'']*'')', '\1:A', 'g') ELSE q::text END
                      || CASE WHEN NOT prefix THEN '' WHEN title THEN '*' ELSE ':*' END)::tsquery
            END
            FROM phraseto_tsquery('sitrep', sitrep_norm(words)) AS q);

-- One row per configured source. A source removed from the configuration
-- loses its row (and its polling state); the articles it listed keep its
-- name in article_feeds.
CREATE TABLE sources (
    name          text COLLATE "C" PRIMARY KEY,
    url           text        NOT NULL,
    type          text        NOT NULL,
    links         text        NOT NULL DEFAULT '',
    interval_ms   bigint      NOT NULL DEFAULT 0,
    per_host      integer     NOT NULL DEFAULT 0,
    host_delay_ms bigint      NOT NULL DEFAULT 0,
    position      integer     NOT NULL,
    paused        boolean     NOT NULL DEFAULT false,
    next_due      timestamptz,          -- NULL: due at once
    lease_until   timestamptz,          -- claimed by a poller until then; NULL: not claimed
    failures      integer     NOT NULL DEFAULT 0,
    etag          text        NOT NULL DEFAULT '',
    last_modified text        NOT NULL DEFAULT '',
    last_attempt  timestamptz,
    last_success  timestamptz,
    last_error    text        NOT NULL DEFAULT '',
    feed_url      text        NOT NULL DEFAULT '', -- the feed the source's page advertises, polled instead
    article_error text        NOT NULL DEFAULT ''  -- the first article error of the last poll that read the feed
);

-- ClaimDue: unpaused sources in due order.
CREATE INDEX sources_due ON sources (paused, next_due NULLS FIRST);

-- id doubles as the order articles were first stored (ByImported).
--
-- dkey orders articles by date: their day (published, else fetched; days
-- since 1970-01-01 UTC, clamped to 1900..2100) shifted left 31 bits, with
-- the id in the low bits, so one day's articles follow in the order they
-- were stored. It is unique (ids are below 2^31); newest-first results,
-- date ranges (since:, until:), month facets and search cursors are dkey
-- ranges and arithmetic.
CREATE TABLE articles (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identity     text COLLATE "C" NOT NULL UNIQUE, -- the URL, else the first key (a GUID, an import hash)
    url          text        NOT NULL,             -- '' for articles known only by a key
    title        text        NOT NULL,
    published    timestamptz,                      -- NULL: undated
    fetched      timestamptz NOT NULL,             -- first stored
    updated      timestamptz NOT NULL,             -- last changed
    summary_only boolean     NOT NULL DEFAULT false,
    blocks       jsonb       NOT NULL,             -- []model.Block: [{"k":"p","t":"..."}]; null for none
    imported     boolean     NOT NULL DEFAULT false, -- first stored from a digest file
    -- What enrichment found: model.Facts, NULL until enriched; the rules
    -- that made them ('' until enriched); the story's first article (NULL
    -- when the article starts its own); a similarity hash of the text.
    facts        jsonb,
    facts_rules  text        NOT NULL DEFAULT '',
    story        bigint      REFERENCES articles (id),
    signature    bigint      NOT NULL DEFAULT 0,
    dkey         bigint      NOT NULL GENERATED ALWAYS AS (
        (least(greatest((coalesce(published, fetched) AT TIME ZONE 'UTC')::date - DATE '1970-01-01', -25567), 47482)::bigint << 31) | id
    ) STORED,
    CHECK (id < 2147483648)
);

CREATE UNIQUE INDEX articles_dkey ON articles (dkey);
CREATE INDEX articles_published ON articles (published DESC NULLS LAST, id DESC);
CREATE INDEX articles_fetched ON articles (fetched DESC, id DESC);
CREATE INDEX articles_story ON articles (story);

-- The search index: each article's search vector, sitrep_tsv(title,
-- blocks), written with them (not a generated column: it depends on the
-- unaccent extension's rules, which are not immutable), and its dkey, kept
-- in step. A table of its own, with
-- the vector kept in the row (STORAGE MAIN) rather than TOASTed, because
-- the GIN index cannot check a phrase's word positions nor rank: the
-- vectors of its candidates are read, and reading them from narrow rows
-- costs half what it costs from TOAST beside the articles' text.
CREATE TABLE article_search (
    article_id bigint   PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    dkey       bigint   NOT NULL,
    tsv        tsvector NOT NULL
);

ALTER TABLE article_search ALTER COLUMN tsv SET STORAGE MAIN;
CREATE INDEX article_search_tsv ON article_search USING gin (tsv);

-- Every key that leads to an article: its identity URL, the links before
-- redirects, feed GUIDs. A key belongs to the first article that claimed it.
-- A key (or identity) longer than a B-tree entry may be is stored as its
-- start and a hash of the whole (see storedKey).
CREATE TABLE article_keys (
    key        text COLLATE "C" PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);

CREATE INDEX article_keys_article ON article_keys (article_id);

-- Which sources listed an article, and when each first did. seq keeps the
-- first-seen order exactly (first_seen may tie), which orders feed names
-- that are not (or no longer) configured. dkey is the article's, kept in
-- step, so that one source's articles are walked newest first from an
-- index (the Latest page, searches filtered by source, weekly counts).
CREATE TABLE article_feeds (
    article_id bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    feed       text COLLATE "C" NOT NULL,
    first_seen timestamptz NOT NULL,
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    dkey       bigint      NOT NULL,
    PRIMARY KEY (article_id, feed)
);

CREATE INDEX article_feeds_feed_dkey ON article_feeds (feed, dkey);

-- One row per distinct fact value of an article, for filters (country:PT
-- walks (field, value, dkey) newest first) and facets (by article_id).
-- value is lower-cased, as filters compare it; label is how it is shown.
CREATE TABLE article_facts (
    field      text COLLATE "C" NOT NULL, -- country, org, person, operation, topic
    value      text COLLATE "C" NOT NULL,
    dkey       bigint NOT NULL,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    label      text COLLATE "C" NOT NULL,
    PRIMARY KEY (field, value, dkey)
);

CREATE INDEX article_facts_article ON article_facts (article_id);

-- A new date moves an article's search row, feed links and fact rows with
-- its dkey, whoever changes it.
CREATE FUNCTION sitrep_follow_dkey() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_search SET dkey = NEW.dkey WHERE article_id = NEW.id;
    UPDATE article_feeds SET dkey = NEW.dkey WHERE article_id = NEW.id;
    UPDATE article_facts SET dkey = NEW.dkey WHERE article_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_follow_dkey AFTER UPDATE OF published, fetched ON articles
    FOR EACH ROW WHEN (OLD.dkey IS DISTINCT FROM NEW.dkey) EXECUTE FUNCTION sitrep_follow_dkey();

-- Other names of fact values that filters accept: a country's name for its
-- code ("portugal" → "pt"), an organisation as an article wrote it
-- ("afp" → "australian federal police").
CREATE TABLE fact_names (
    field text COLLATE "C" NOT NULL,
    name  text COLLATE "C" NOT NULL, -- lower-cased
    value text COLLATE "C" NOT NULL,
    PRIMARY KEY (field, name)
);

-- Small facts about the installation ('sources_seeded').
CREATE TABLE meta (
    key   text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

-- Web UI users; password hashes are bcrypt.
CREATE TABLE users (
    name          text COLLATE "C" PRIMARY KEY,
    password_hash text        NOT NULL,
    created       timestamptz NOT NULL
);

-- API tokens, by the SHA-256 of the secret (tokens are random and long, so
-- a fast hash is enough and lets the lookup be an index seek).
CREATE TABLE tokens (
    name      text COLLATE "C" PRIMARY KEY,
    hash      text        NOT NULL UNIQUE,
    created   timestamptz NOT NULL,
    last_used timestamptz -- NULL: never
);

-- Browser sessions, by the SHA-256 of the cookie's secret.
CREATE TABLE sessions (
    hash      text        PRIMARY KEY,
    user_name text COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    created   timestamptz NOT NULL,
    expires   timestamptz NOT NULL
);

CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX sessions_user ON sessions (user_name);
