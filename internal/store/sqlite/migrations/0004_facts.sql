-- 0004: what enrichment found in each article, and stories.

-- facts: JSON of model.Facts, NULL until enriched; facts_rules: the rules
-- that made them ('' until enriched), so `sitrep enrich` finds facts made
-- by older rules. story: the ID of the first article of the article's
-- story. signature: a similarity hash of the text that story grouping
-- compares.
ALTER TABLE articles ADD COLUMN facts TEXT;
ALTER TABLE articles ADD COLUMN facts_rules TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN story INTEGER;
ALTER TABLE articles ADD COLUMN signature INTEGER NOT NULL DEFAULT 0;

CREATE INDEX articles_story ON articles (story);
-- Story grouping reads these of every article in a two-week window for
-- each article it enriches: a covering index answers without reading the
-- rows (facts, story and signature sit after the article's text in them).
CREATE INDEX articles_story_keys ON articles (dkey, facts_rules, story, signature, published, fetched, title);

-- One row per distinct fact value of an article, for filters (country:PT
-- walks (field, value, dkey) newest first) and facets (by article_id).
-- value is lower-cased, as filters compare it; label is how it is shown.
CREATE TABLE article_facts (
    field      TEXT    NOT NULL, -- country, org, person, operation, topic
    value      TEXT    NOT NULL,
    dkey       INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    label      TEXT    NOT NULL,
    PRIMARY KEY (field, value, dkey)
) WITHOUT ROWID;

CREATE INDEX article_facts_article ON article_facts (article_id);

CREATE TRIGGER articles_dkey_facts AFTER UPDATE OF published, fetched ON articles BEGIN
    UPDATE article_facts SET dkey = new.dkey WHERE article_id = new.id;
END;

-- Other names of fact values that filters accept: a country's name for its
-- code ("portugal" → "pt"), an organisation as an article wrote it
-- ("afp" → "australian federal police").
CREATE TABLE fact_names (
    field TEXT NOT NULL,
    name  TEXT NOT NULL, -- lower-cased
    value TEXT NOT NULL,
    PRIMARY KEY (field, name)
) WITHOUT ROWID;
