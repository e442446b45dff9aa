-- 0003: each feed link knows its article's dkey, so that one source's
-- articles can be walked newest first from an index (the Latest page and
-- searches filtered by source: no lookup in articles per row, and no scan
-- of other sources' articles).

ALTER TABLE article_feeds ADD COLUMN dkey INTEGER NOT NULL DEFAULT 0;
UPDATE article_feeds SET dkey = (SELECT dkey FROM articles WHERE id = article_feeds.article_id);

-- Replaces (feed, article_id): per-source counts read this one as well.
CREATE INDEX article_feeds_feed_dkey ON article_feeds (feed, dkey);
DROP INDEX article_feeds_feed;

-- Kept in step by the database itself, whoever inserts the link.
CREATE TRIGGER article_feeds_dkey AFTER INSERT ON article_feeds BEGIN
    UPDATE article_feeds SET dkey = (SELECT dkey FROM articles WHERE id = new.article_id)
    WHERE article_id = new.article_id AND feed = new.feed;
END;

CREATE TRIGGER articles_dkey_feeds AFTER UPDATE OF published, fetched ON articles BEGIN
    UPDATE article_feeds SET dkey = new.dkey WHERE article_id = new.id;
END;
