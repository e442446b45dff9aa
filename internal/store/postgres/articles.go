package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// encodeBlocks is the stored form of an article body: JSON (jsonb), which
// keeps every character (newlines, U+00A0) as it is. nil and empty stay
// apart (null and []).
func encodeBlocks(blocks []model.Block) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<" stays "<": shorter, and the same text
	if err := enc.Encode(blocks); err != nil {
		return nil, err
	}
	return cleanJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// decodeBlocks reads what encodeBlocks wrote (as jsonb gives it back);
// SQL NULL (a search hit's missing body) is no blocks.
func decodeBlocks(b []byte) ([]model.Block, error) {
	if b == nil {
		return nil, nil
	}
	var blocks []model.Block
	if err := json.Unmarshal(b, &blocks); err != nil {
		return nil, fmt.Errorf("decode blocks: %w", err)
	}
	return blocks, nil
}

// maxKey is the longest key (or identity) stored as it is: a B-tree entry
// holds at most about 2,700 bytes, and a hostile feed's GUID or link may
// be longer. A longer key is stored as its start and a hash of the whole,
// the same whenever it is stored or looked up.
const maxKey = 1024

// storedKey is a key as article_keys (and articles.identity) hold it:
// cleaned (see clean) and, beyond maxKey bytes, shortened.
func storedKey(k string) string {
	k = clean(k)
	if len(k) <= maxKey {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	cut := maxKey - 72
	for cut > 0 && !utf8.RuneStart(k[cut]) {
		cut--
	}
	return k[:cut] + "#sha256:" + hex.EncodeToString(sum[:])
}

// keyLocks are the advisory lock numbers of an article's keys, sorted so
// that every transaction takes them in the same order.
func keyLocks(keys []string) []int32 {
	out := make([]int32, 0, len(keys))
	for _, k := range keys {
		h := fnv.New32a()
		h.Write([]byte(k))
		out = append(out, int32(h.Sum32()))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SaveArticle stores an article in one transaction. Its identity is the
// first of Article.URL and Keys that already leads to an article; a stored
// article keeps the URL it was created with, and the new URL becomes one of
// its keys. A key that already leads to another article stays with that one.
// Published is kept to the millisecond, so comparisons are made at that
// precision.
//
// Several processes may save the same article at once (two sources list
// it): the transaction first takes an advisory lock on each of its keys,
// so saves that share a key run one after the other, and the second finds
// what the first stored.
func (s *Store) SaveArticle(ctx context.Context, sv store.Save) (int64, store.Outcome, error) {
	a := sv.Article
	a.URL, a.Title = clean(a.URL), clean(a.Title)
	identity := storedKey(a.URL)
	for _, k := range sv.Keys {
		if identity == "" {
			identity = storedKey(k)
		}
	}
	if identity == "" {
		return 0, store.Unchanged, fmt.Errorf("postgres: save article %q: no URL and no key", a.Title)
	}
	blocks, err := encodeBlocks(a.Blocks)
	if err != nil {
		return 0, store.Unchanged, fmt.Errorf("postgres: save article %s: %w", identity, err)
	}
	published := ts(a.Published)
	keys := make([]string, 0, 1+len(sv.Keys))
	keys = append(keys, identity)
	for _, k := range sv.Keys {
		if k = storedKey(k); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	feed := clean(sv.Feed)

	var fw *factsWrite
	if sv.Facts != nil {
		if fw, err = newFactsWrite(*sv.Facts); err != nil {
			return 0, store.Unchanged, fmt.Errorf("postgres: save article %s: %w", identity, err)
		}
	}

	var (
		id      int64
		outcome store.Outcome
	)
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.tsNow()
		// One round trip: the locks, then (a statement of its own, so
		// that it sees what the locks' previous holders committed) the
		// article the first known key leads to, locked for the update.
		var (
			found, sameBlocks bool
			title, rules      string
			oldPublished      pgtype.Timestamptz
			summaryOnly       bool
		)
		b := &pgx.Batch{}
		b.Queue("SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int4[]) AS k", lockKeys, keyLocks(keys))
		b.Queue(`SELECT a.id, a.title, a.published, a.summary_only, a.blocks = $2, a.facts_rules
			FROM (SELECT k.article_id FROM unnest($1::text[]) WITH ORDINALITY AS u(key, n)
				JOIN article_keys k ON k.key = u.key ORDER BY u.n LIMIT 1) f
			JOIN articles a ON a.id = f.article_id FOR UPDATE OF a`, keys, blocks).QueryRow(func(r pgx.Row) error {
			err := r.Scan(&id, &title, &oldPublished, &summaryOnly, &sameBlocks, &rules)
			found = err == nil
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			return err
		})
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("look up keys: %w", err)
		}
		if !found {
			// The identity's own row may exist though no key leads to it
			// any more (its key was a source's and moved with a rename):
			// then it is that article.
			err := tx.QueryRow(ctx, `WITH a AS (
					INSERT INTO articles (identity, url, title, published, fetched, updated, summary_only, blocks, imported)
					VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)
					ON CONFLICT (identity) DO NOTHING RETURNING id, dkey),
				s AS (
					INSERT INTO article_search (article_id, dkey, tsv) SELECT id, dkey, sitrep_tsv($3, $7) FROM a)
				SELECT id FROM a`,
				identity, a.URL, a.Title, published, now, a.SummaryOnly, blocks, sv.Imported).Scan(&id)
			switch {
			case err == nil:
				outcome = store.Created
			case errors.Is(err, pgx.ErrNoRows):
				if err := tx.QueryRow(ctx, `SELECT id, title, published, summary_only, blocks = $2, facts_rules
					FROM articles WHERE identity = $1 FOR UPDATE`, identity, blocks).Scan(
					&id, &title, &oldPublished, &summaryOnly, &sameBlocks, &rules); err != nil {
					return fmt.Errorf("look up identity: %w", err)
				}
				found = true
			default:
				return conflict(err)
			}
		}
		if found {
			publishedSame := !oldPublished.Valid
			if p, ok := published.(time.Time); ok {
				publishedSame = oldPublished.Valid && oldPublished.Time.Equal(p)
			}
			if title != a.Title || !publishedSame || summaryOnly != a.SummaryOnly || !sameBlocks {
				if _, err := tx.Exec(ctx, `WITH a AS (
						UPDATE articles SET title = $2, published = $3, summary_only = $4, blocks = $5, updated = $6 WHERE id = $1 RETURNING id)
					UPDATE article_search s SET tsv = sitrep_tsv($2, $5) FROM a WHERE s.article_id = a.id`,
					id, a.Title, published, a.SummaryOnly, blocks, now); err != nil {
					return fmt.Errorf("update article %d: %w", id, err)
				}
				outcome = store.Updated
			} else {
				outcome = store.Unchanged
			}
		}

		b = &pgx.Batch{}
		b.Queue("INSERT INTO article_keys (key, article_id) SELECT k, $2 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING", keys, id)
		if feed != "" {
			b.Queue(`INSERT INTO article_feeds (article_id, feed, first_seen, dkey) SELECT id, $2, $3, dkey FROM articles WHERE id = $1
				ON CONFLICT DO NOTHING`, id, feed, now)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("add keys and feed: %w", err)
		}
		if fw != nil && (outcome != store.Unchanged || rules != fw.e.Facts.Rules) {
			if err := fw.write(ctx, tx, id); err != nil {
				return fmt.Errorf("facts: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, store.Unchanged, fmt.Errorf("postgres: save article %s: %w", identity, err)
	}
	return id, outcome, nil
}

// feedsExpr is an article's feed names: configured sources in Position
// order, then the others (imported, or no longer configured) in the order
// they first listed it.
const feedsExpr = `(SELECT array_agg(f.feed ORDER BY s.position IS NULL, s.position, f.seq)
	FROM article_feeds f LEFT JOIN sources s ON s.name = f.feed WHERE f.article_id = a.id)`

const articleCols = "a.id, a.url, a.title, a.published, a.fetched, a.updated, a.summary_only, a.blocks, " + feedsExpr + ", " + factCols

// factCols are an article's facts and its story: the story's first
// article's title and how many articles it groups.
// An article that starts its story has story NULL: the story is its own.
const factCols = `a.facts, coalesce(a.story, a.id), coalesce((SELECT st.title FROM articles st WHERE st.id = coalesce(a.story, a.id)), ''),
	1 + (SELECT count(*) FROM articles sc WHERE sc.story = coalesce(a.story, a.id))`

func scanArticle(r scanner, extra ...any) (model.Article, error) {
	var (
		a                           model.Article
		published, fetched, updated pgtype.Timestamptz
		blocks, facts               []byte
		story                       int64
	)
	dest := []any{&a.ID, &a.URL, &a.Title, &published, &fetched, &updated, &a.SummaryOnly, &blocks, &a.Feeds,
		&facts, &story, &a.Story.Title, &a.Story.Articles}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return a, err
	}
	if facts != nil {
		a.Facts = new(model.Facts)
		if err := json.Unmarshal(facts, a.Facts); err != nil {
			return a, fmt.Errorf("article %d: decode facts: %w", a.ID, err)
		}
		a.Story.ID = story
	} else {
		a.Story = model.StoryRef{} // not grouped before it is enriched
	}
	a.Published = fromTs(published)
	a.Fetched = fromTs(fetched)
	a.Updated = fromTs(updated)
	var err error
	if a.Blocks, err = decodeBlocks(blocks); err != nil {
		return a, fmt.Errorf("article %d: %w", a.ID, err)
	}
	if len(a.Feeds) == 0 {
		a.Feeds = nil
	} else {
		a.Source = a.Feeds[0]
	}
	return a, nil
}

func collectArticles(rows pgx.Rows) ([]model.Article, error) {
	defer rows.Close()
	var out []model.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindArticle returns the article the first matching key leads to, or
// store.ErrNotFound.
func (s *Store) FindArticle(ctx context.Context, keys ...string) (store.ArticleRef, error) {
	release, err := s.begin()
	if err != nil {
		return store.ArticleRef{}, fmt.Errorf("postgres: find article %q: %w", keys, err)
	}
	defer release()
	ks := make([]string, 0, len(keys))
	for _, k := range keys {
		if k = storedKey(k); k != "" {
			ks = append(ks, k)
		}
	}
	var ref store.ArticleRef
	if len(ks) > 0 {
		err = s.pool.QueryRow(ctx, `SELECT a.id, a.url, `+feedsExpr+`
			FROM unnest($1::text[]) WITH ORDINALITY AS u(key, n) JOIN article_keys k ON k.key = u.key JOIN articles a ON a.id = k.article_id
			ORDER BY u.n LIMIT 1`, ks).Scan(&ref.ID, &ref.URL, &ref.Feeds)
	} else {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return store.ArticleRef{}, fmt.Errorf("postgres: find article %q: %w", keys, errNoRows(err))
	}
	if len(ref.Feeds) == 0 {
		ref.Feeds = nil
	}
	return ref, nil
}

// Article returns one article by ID, or store.ErrNotFound.
func (s *Store) Article(ctx context.Context, id int64) (model.Article, error) {
	release, err := s.begin()
	if err != nil {
		return model.Article{}, fmt.Errorf("postgres: article %d: %w", id, err)
	}
	defer release()
	a, err := scanArticle(s.pool.QueryRow(ctx, "SELECT "+articleCols+" FROM articles a WHERE a.id = $1", id))
	if err != nil {
		return model.Article{}, fmt.Errorf("postgres: article %d: %w", id, errNoRows(err))
	}
	return a, nil
}

// Articles lists the articles matching f. ByPublished puts undated articles
// last, newest stored first among them.
func (s *Store) Articles(ctx context.Context, f store.Filter) ([]model.Article, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !f.Since.IsZero() {
		// The dkey range narrows to the right days on its index, the
		// date test to the millisecond.
		where = append(where, "a.dkey >= "+arg(dkeyAt(f.Since)), "coalesce(a.published, a.fetched) >= "+arg(msTime(f.Since)))
	}
	if len(f.Sources) > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = a.id AND f.feed = ANY("+arg(f.Sources)+"))")
	}
	q := "SELECT " + articleCols + " FROM articles a"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	switch f.Order {
	case store.ByPublished:
		q += " ORDER BY a.published DESC NULLS LAST, a.id DESC"
	case store.ByFetched:
		q += " ORDER BY a.fetched DESC, a.id DESC"
	case store.ByImported:
		q += " ORDER BY a.id"
	default:
		return nil, fmt.Errorf("postgres: list articles: unknown order %d", f.Order)
	}
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	return s.listArticles(ctx, "list articles", q, args...)
}

func (s *Store) listArticles(ctx context.Context, what, q string, args ...any) ([]model.Article, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	defer release()
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	out, err := collectArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return out, nil
}

// ArticleFeeds returns an article's sources with their first sightings.
func (s *Store) ArticleFeeds(ctx context.Context, id int64) ([]store.FeedListing, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: feeds of article %d: %w", id, err)
	}
	defer release()
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)", id).Scan(&exists); err != nil {
		return nil, fmt.Errorf("postgres: feeds of article %d: %w", id, err)
	}
	if !exists {
		return nil, fmt.Errorf("postgres: feeds of article %d: %w", id, store.ErrNotFound)
	}
	rows, err := s.pool.Query(ctx, `SELECT f.feed, f.first_seen FROM article_feeds f LEFT JOIN sources s ON s.name = f.feed
		WHERE f.article_id = $1 ORDER BY s.position IS NULL, s.position, f.seq`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: feeds of article %d: %w", id, err)
	}
	defer rows.Close()
	var out []store.FeedListing
	for rows.Next() {
		var (
			l     store.FeedListing
			first time.Time
		)
		if err := rows.Scan(&l.Feed, &first); err != nil {
			return nil, fmt.Errorf("postgres: feeds of article %d: %w", id, err)
		}
		l.FirstSeen = first.UTC()
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: feeds of article %d: %w", id, err)
	}
	return out, nil
}
