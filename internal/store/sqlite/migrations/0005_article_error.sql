-- 0005: a source whose feed reads fine but whose articles fail (a hostile
-- or broken page, a host that blocks us) says so: the first article error
-- of its last poll that read the feed.

ALTER TABLE sources ADD COLUMN article_error TEXT NOT NULL DEFAULT '';
