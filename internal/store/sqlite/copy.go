package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// copyBatch is how many articles Dump reads per query.
const copyBatch = 500

// Dump calls each with every record of the store; see store.Copier.
func (s *Store) Dump(ctx context.Context, each func(store.Record) error) error {
	srcs, err := s.Sources(ctx)
	if err != nil {
		return err
	}
	for i := range srcs {
		src := srcs[i]
		if err := each(store.Record{Source: &src}); err != nil {
			return err
		}
	}
	if err := s.dumpAuth(ctx, each); err != nil {
		return fmt.Errorf("sqlite: dump: %w", err)
	}
	for after := int64(0); ; {
		ids, err := s.articleIDs(ctx, after)
		if err != nil {
			return fmt.Errorf("sqlite: dump: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		for _, id := range ids {
			rec, err := s.articleRecord(ctx, id)
			if err != nil {
				return fmt.Errorf("sqlite: dump article %d: %w", id, err)
			}
			if err := each(store.Record{Article: &rec}); err != nil {
				return err
			}
		}
		after = ids[len(ids)-1]
	}
}

func (s *Store) dumpAuth(ctx context.Context, each func(store.Record) error) error {
	var users []store.UserRecord
	rows, err := s.read.QueryContext(ctx, "SELECT name, password_hash, created FROM users ORDER BY name")
	if err != nil {
		return err
	}
	for rows.Next() {
		var u store.UserRecord
		var created int64
		if err := rows.Scan(&u.Name, &u.PasswordHash, &created); err != nil {
			rows.Close()
			return err
		}
		u.Created = fromMs(created)
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var tokens []store.TokenRecord
	rows, err = s.read.QueryContext(ctx, "SELECT name, hash, created, last_used FROM tokens ORDER BY name")
	if err != nil {
		return err
	}
	for rows.Next() {
		var t store.TokenRecord
		var created, used int64
		if err := rows.Scan(&t.Name, &t.Hash, &created, &used); err != nil {
			rows.Close()
			return err
		}
		t.Created, t.LastUsed = fromMs(created), fromMs(used)
		tokens = append(tokens, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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
	return nil
}

func (s *Store) articleIDs(ctx context.Context, after int64) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", after, copyBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// articleRecord reads one article with what only the store knows of it.
func (s *Store) articleRecord(ctx context.Context, id int64) (store.ArticleRecord, error) {
	a, err := s.Article(ctx, id)
	if err != nil {
		return store.ArticleRecord{}, err
	}
	rec := store.ArticleRecord{Article: a}
	var imported, signature int64
	if err := s.read.QueryRowContext(ctx, "SELECT identity, imported, signature FROM articles WHERE id = ?", id).Scan(
		&rec.Identity, &imported, &signature); err != nil {
		return rec, err
	}
	rec.Imported, rec.Signature = imported != 0, uint64(signature)
	rows, err := s.read.QueryContext(ctx, "SELECT key FROM article_keys WHERE article_id = ? ORDER BY key", id)
	if err != nil {
		return rec, err
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return rec, err
		}
		rec.Keys = append(rec.Keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rec, err
	}
	rows, err = s.read.QueryContext(ctx, "SELECT feed, first_seen FROM article_feeds WHERE article_id = ? ORDER BY rowid", id)
	if err != nil {
		return rec, err
	}
	defer rows.Close()
	for rows.Next() {
		var f store.FeedListing
		var seen int64
		if err := rows.Scan(&f.Feed, &seen); err != nil {
			return rec, err
		}
		f.FirstSeen = fromMs(seen)
		rec.Feeds = append(rec.Feeds, f)
	}
	return rec, rows.Err()
}

// Load stores a dump into this empty store, in one transaction; see
// store.Copier.
func (s *Store) Load(ctx context.Context, next func() (store.Record, error)) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM articles)").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
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
				_, err = tx.ExecContext(ctx, "INSERT INTO users (name, password_hash, created) VALUES (?, ?, ?)", u.Name, u.PasswordHash, toMs(u.Created))
			case rec.Token != nil:
				t := rec.Token
				_, err = tx.ExecContext(ctx, "INSERT INTO tokens (name, hash, created, last_used) VALUES (?, ?, ?, ?)", t.Name, t.Hash, toMs(t.Created), toMs(t.LastUsed))
			case rec.Article != nil:
				err = s.loadArticle(ctx, tx, rec.Article, ids)
			}
			if err != nil {
				return err
			}
		}
		if sources > 0 {
			_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO meta (key, value) VALUES ('sources_seeded', '1')")
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: load: %w", err)
	}
	return nil
}

func loadSource(ctx context.Context, tx *sql.Tx, st model.SourceState) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sources (name, url, type, links, interval_ms, per_host, host_delay_ms, position,
		paused, next_due, failures, etag, last_modified, last_attempt, last_success, last_error, feed_url, article_error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.Name, st.URL, st.Type, st.Links, st.Interval.Milliseconds(), st.PerHost, st.HostDelay.Milliseconds(), st.Position,
		boolInt(st.Paused), toMs(st.NextDue), st.Failures, st.ETag, st.LastModified, toMs(st.LastAttempt), toMs(st.LastSuccess),
		st.LastError, st.FeedURL, st.ArticleError)
	if err != nil {
		return fmt.Errorf("source %q: %w", st.Name, conflict(err))
	}
	return nil
}

func (s *Store) loadArticle(ctx context.Context, tx *sql.Tx, rec *store.ArticleRecord, ids map[int64]int64) error {
	a := rec.Article
	blocks, err := encodeBlocks(a.Blocks)
	if err != nil {
		return fmt.Errorf("article %s: %w", rec.Identity, err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO articles (identity, url, title, published, fetched, updated, summary_only, blocks, imported)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		rec.Identity, a.URL, a.Title, nullMs(a.Published), toMs(a.Fetched), toMs(a.Updated), boolInt(a.SummaryOnly), blocks,
		boolInt(rec.Imported)).Scan(&id)
	if err != nil {
		return fmt.Errorf("article %s: %w", rec.Identity, conflict(err))
	}
	ids[a.ID] = id
	for _, k := range rec.Keys {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)", k, id); err != nil {
			return fmt.Errorf("article %s: key %q: %w", rec.Identity, k, err)
		}
	}
	for _, f := range rec.Feeds {
		if _, err := tx.ExecContext(ctx, "INSERT INTO article_feeds (article_id, feed, first_seen) VALUES (?, ?, ?)", id, f.Feed, toMs(f.FirstSeen)); err != nil {
			return fmt.Errorf("article %s: feed %q: %w", rec.Identity, f.Feed, err)
		}
	}
	if a.Facts == nil {
		return nil
	}
	story := int64(0)
	if a.Story.ID != 0 && a.Story.ID != a.ID {
		mapped, ok := ids[a.Story.ID]
		if !ok {
			return fmt.Errorf("article %s: its story's first article %d comes later in the dump or is missing", rec.Identity, a.Story.ID)
		}
		story = mapped
	}
	fw, err := newFactsWrite(store.Enrichment{Facts: *a.Facts, Story: story, Signature: rec.Signature})
	if err != nil {
		return fmt.Errorf("article %s: %w", rec.Identity, err)
	}
	if err := fw.write(ctx, tx, id); err != nil {
		return fmt.Errorf("article %s: facts: %w", rec.Identity, err)
	}
	return nil
}
