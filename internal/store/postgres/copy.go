package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// copyBatch is how many articles Dump reads per query.
const copyBatch = 500

// Dump calls each with every record of the store; see store.Copier. It
// reads one snapshot of the database (a repeatable-read transaction), so
// that other processes' writes meanwhile do not tear it.
func (s *Store) Dump(ctx context.Context, each func(store.Record) error) error {
	release, err := s.begin()
	if err != nil {
		return fmt.Errorf("postgres: dump: %w", err)
	}
	defer release()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("postgres: dump: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := dump(ctx, tx, each); err != nil {
		return fmt.Errorf("postgres: dump: %w", err)
	}
	return nil
}

func dump(ctx context.Context, tx pgx.Tx, each func(store.Record) error) error {
	rows, err := tx.Query(ctx, "SELECT "+sourceCols+" FROM sources s ORDER BY s.position, s.name")
	if err != nil {
		return err
	}
	srcs, err := collectSources(rows)
	if err != nil {
		return err
	}
	for i := range srcs {
		if err := each(store.Record{Source: &srcs[i]}); err != nil {
			return err
		}
	}
	rows, err = tx.Query(ctx, "SELECT name, password_hash, created FROM users ORDER BY name")
	if err != nil {
		return err
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.UserRecord, error) {
		var u store.UserRecord
		err := r.Scan(&u.Name, &u.PasswordHash, &u.Created)
		u.Created = u.Created.UTC()
		return u, err
	})
	if err != nil {
		return err
	}
	rows, err = tx.Query(ctx, "SELECT name, hash, created, last_used FROM tokens ORDER BY name")
	if err != nil {
		return err
	}
	tokens, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.TokenRecord, error) {
		var (
			t    store.TokenRecord
			used pgtype.Timestamptz
		)
		err := r.Scan(&t.Name, &t.Hash, &t.Created, &used)
		t.Created, t.LastUsed = t.Created.UTC(), fromTs(used)
		return t, err
	})
	if err != nil {
		return err
	}
	for i := range users {
		if err := each(store.Record{User: &users[i]}); err != nil {
			return err
		}
	}
	for i := range tokens {
		if err := each(store.Record{Token: &tokens[i]}); err != nil {
			return err
		}
	}
	for after := int64(0); ; {
		recs, err := articleRecords(ctx, tx, after)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		for i := range recs {
			if err := each(store.Record{Article: &recs[i]}); err != nil {
				return err
			}
		}
		after = recs[len(recs)-1].Article.ID
	}
}

// articleRecords reads the next batch of articles after the ID after, in
// ID order, with what only the store knows of them.
func articleRecords(ctx context.Context, tx pgx.Tx, after int64) ([]store.ArticleRecord, error) {
	rows, err := tx.Query(ctx, "SELECT "+articleCols+`, a.identity, a.imported, a.signature,
			(SELECT array_agg(k.key ORDER BY k.key) FROM article_keys k WHERE k.article_id = a.id),
			(SELECT array_agg(f.feed ORDER BY f.seq) FROM article_feeds f WHERE f.article_id = a.id),
			(SELECT array_agg(f.first_seen ORDER BY f.seq) FROM article_feeds f WHERE f.article_id = a.id)
		FROM articles a WHERE a.id > $1 ORDER BY a.id LIMIT $2`, after, copyBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ArticleRecord
	for rows.Next() {
		var (
			rec       store.ArticleRecord
			signature int64
			feeds     []string
			seen      []time.Time
		)
		rec.Article, err = scanArticle(rows, &rec.Identity, &rec.Imported, &signature, &rec.Keys, &feeds, &seen)
		if err != nil {
			return nil, err
		}
		rec.Signature = uint64(signature)
		for i, f := range feeds {
			rec.Feeds = append(rec.Feeds, store.FeedListing{Feed: f, FirstSeen: seen[i].UTC()})
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// Load stores a dump into this empty store, in one transaction; see
// store.Copier.
func (s *Store) Load(ctx context.Context, next func() (store.Record, error)) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var full bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM sources) OR EXISTS (SELECT 1 FROM articles)").Scan(&full); err != nil {
			return err
		}
		if full {
			return store.ErrNotEmpty
		}
		ids := map[int64]int64{} // dumped article ID → new ID
		sources := 0
		for {
			rec, err := next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			switch {
			case rec.Source != nil:
				sources++
				err = loadSource(ctx, tx, *rec.Source)
			case rec.User != nil:
				u := rec.User
				_, err = tx.Exec(ctx, "INSERT INTO users (name, password_hash, created) VALUES ($1, $2, $3)",
					u.Name, u.PasswordHash, msTime(u.Created))
				err = conflict(err)
			case rec.Token != nil:
				t := rec.Token
				_, err = tx.Exec(ctx, "INSERT INTO tokens (name, hash, created, last_used) VALUES ($1, $2, $3, $4)",
					t.Name, t.Hash, msTime(t.Created), ts(t.LastUsed))
				err = conflict(err)
			case rec.Article != nil:
				err = loadArticle(ctx, tx, rec.Article, ids)
			}
			if err != nil {
				return err
			}
		}
		if sources > 0 {
			return markSeeded(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: load: %w", err)
	}
	return nil
}

func loadSource(ctx context.Context, tx pgx.Tx, st model.SourceState) error {
	_, err := tx.Exec(ctx, `INSERT INTO sources (name, url, type, links, interval_ms, per_host, host_delay_ms, position,
		paused, next_due, failures, etag, last_modified, last_attempt, last_success, last_error, feed_url, article_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		st.Name, st.URL, st.Type, st.Links, st.Interval.Milliseconds(), st.PerHost, st.HostDelay.Milliseconds(), st.Position,
		st.Paused, ts(st.NextDue), st.Failures, clean(st.ETag), clean(st.LastModified), ts(st.LastAttempt), ts(st.LastSuccess),
		clean(st.LastError), clean(st.FeedURL), clean(st.ArticleError))
	if err != nil {
		return fmt.Errorf("source %q: %w", st.Name, conflict(err))
	}
	return nil
}

// loadArticle stores one dumped article, its keys and its feed listings
// in one statement, then its facts.
func loadArticle(ctx context.Context, tx pgx.Tx, rec *store.ArticleRecord, ids map[int64]int64) error {
	a := rec.Article
	identity := storedKey(rec.Identity)
	blocks, err := encodeBlocks(a.Blocks)
	if err != nil {
		return fmt.Errorf("article %s: %w", identity, err)
	}
	keys := make([]string, 0, len(rec.Keys)+1)
	for _, k := range append([]string{identity}, rec.Keys...) {
		keys = append(keys, storedKey(k))
	}
	feeds := make([]string, len(rec.Feeds))
	seen := make([]time.Time, len(rec.Feeds))
	for i, f := range rec.Feeds {
		feeds[i], seen[i] = clean(f.Feed), msTime(f.FirstSeen)
	}
	title := clean(a.Title)
	var id int64
	err = tx.QueryRow(ctx, `WITH a AS (
			INSERT INTO articles (identity, url, title, published, fetched, updated, summary_only, blocks, imported)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, dkey),
		s AS (
			INSERT INTO article_search (article_id, dkey, tsv) SELECT id, dkey, sitrep_tsv($3, $8) FROM a),
		k AS (
			INSERT INTO article_keys (key, article_id) SELECT u.key, a.id FROM a, unnest($10::text[]) AS u(key) ON CONFLICT DO NOTHING),
		f AS (
			INSERT INTO article_feeds (article_id, feed, first_seen, dkey)
			SELECT a.id, u.feed, u.seen, a.dkey FROM a, unnest($11::text[], $12::timestamptz[]) WITH ORDINALITY AS u(feed, seen, n)
			ORDER BY u.n ON CONFLICT DO NOTHING)
		SELECT id FROM a`,
		identity, clean(a.URL), title, ts(a.Published), msTime(a.Fetched), msTime(a.Updated),
		a.SummaryOnly, blocks, rec.Imported, keys, feeds, seen).Scan(&id)
	if err != nil {
		return fmt.Errorf("article %s: %w", identity, conflict(err))
	}
	ids[a.ID] = id
	if a.Facts == nil {
		return nil
	}
	story := int64(0)
	if a.Story.ID != 0 && a.Story.ID != a.ID {
		mapped, ok := ids[a.Story.ID]
		if !ok {
			return fmt.Errorf("article %s: its story's first article %d comes later in the dump or is missing", identity, a.Story.ID)
		}
		story = mapped
	}
	fw, err := newFactsWrite(store.Enrichment{Facts: *a.Facts, Story: story, Signature: rec.Signature})
	if err != nil {
		return fmt.Errorf("article %s: %w", identity, err)
	}
	if err := fw.write(ctx, tx, id); err != nil {
		return fmt.Errorf("article %s: facts: %w", identity, err)
	}
	return nil
}
