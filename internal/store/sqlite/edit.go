package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// markSeeded records that this database has been given sources once.
func markSeeded(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO meta (key, value) VALUES ('sources_seeded', '1')")
	return err
}

// SeedSources adds sources to a database that never had any.
func (s *Store) SeedSources(ctx context.Context, sources []model.Source) (bool, error) {
	seeded := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM meta WHERE key = 'sources_seeded'").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for i, src := range sources {
			src.Position = i
			if err := insertSource(ctx, tx, src); err != nil {
				return err
			}
		}
		seeded = true
		return markSeeded(ctx, tx)
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: seed sources: %w", err)
	}
	return seeded, nil
}

func insertSource(ctx context.Context, tx *sql.Tx, src model.Source) error {
	if src.Name == "" {
		return fmt.Errorf("source with URL %q has no name", src.URL)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sources
		(name, url, type, links, interval_ms, per_host, host_delay_ms, position)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		src.Name, src.URL, src.Type, src.Links, src.Interval.Milliseconds(), src.PerHost, src.HostDelay.Milliseconds(), src.Position)
	if err != nil {
		return fmt.Errorf("source %q: %w", src.Name, conflict(err))
	}
	return nil
}

// CreateSource adds a source after the last one.
func (s *Store) CreateSource(ctx context.Context, src model.Source) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(position) + 1, 0) FROM sources").Scan(&src.Position); err != nil {
			return err
		}
		if err := insertSource(ctx, tx, src); err != nil {
			return err
		}
		return markSeeded(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create source: %w", err)
	}
	return nil
}

// UpdateSource changes a source's settings, renaming it and its article
// links when src.Name differs.
func (s *Store) UpdateSource(ctx context.Context, name string, src model.Source) error {
	if src.Name == "" {
		return fmt.Errorf("sqlite: update source %q: the new name is empty", name)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sources SET
				etag = iif(url = ? AND type = ? AND links = ?, etag, ''),
				last_modified = iif(url = ? AND type = ? AND links = ?, last_modified, ''),
				feed_url = iif(url = ? AND type = ?, feed_url, ''),
				name = ?, url = ?, type = ?, links = ?, interval_ms = ?, per_host = ?, host_delay_ms = ?
			WHERE name = ?`,
			src.URL, src.Type, src.Links, src.URL, src.Type, src.Links, src.URL, src.Type,
			src.Name, src.URL, src.Type, src.Links, src.Interval.Milliseconds(), src.PerHost, src.HostDelay.Milliseconds(),
			name)
		if err != nil {
			return conflict(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		if src.Name == name {
			return nil
		}
		// The new name may already appear in article_feeds (a source of
		// that name was deleted earlier): merge, keeping the first sight.
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_feeds (article_id, feed, first_seen)
			SELECT article_id, ?, first_seen FROM article_feeds WHERE feed = ?
			ON CONFLICT (article_id, feed) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen)`,
			src.Name, name); err != nil {
			return fmt.Errorf("rename article links: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM article_feeds WHERE feed = ?", name); err != nil {
			return err
		}
		// Keys scoped to the source (what its feed said of each entry,
		// its GUIDs) follow it, or its next poll would take every entry
		// for new. A key the new name already holds is kept as it is.
		for _, kind := range store.SourceKeyKinds() {
			from, to := store.SourceKey(kind, name, ""), store.SourceKey(kind, src.Name, "")
			// ':' + 1 is ';': the range holds exactly the keys with the prefix.
			end := from[:len(from)-1] + ";"
			if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE article_keys SET key = ? || substr(key, ?)
				WHERE key >= ? AND key < ?`, to, utf8.RuneCountInString(from)+1, from, end); err != nil {
				return fmt.Errorf("rename keys: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM article_keys WHERE key >= ? AND key < ?", from, end); err != nil {
				return fmt.Errorf("rename keys: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: update source %q: %w", name, err)
	}
	return nil
}

// DeleteSource removes a source's row; article_feeds keep its name.
func (s *Store) DeleteSource(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("delete source %q", name), "DELETE FROM sources WHERE name = ?", name)
}

// PollNow makes a source due at once.
func (s *Store) PollNow(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("poll source %q now", name), "UPDATE sources SET next_due = 0 WHERE name = ?", name)
}

// exec1 runs a write that must touch a row, else store.ErrNotFound.
func (s *Store) exec1(ctx context.Context, what, q string, args ...any) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return nil
}

const (
	dayMs = 24 * 60 * 60 * 1000
	// The Unix epoch was a Thursday: day d's Monday is d - (d+3) mod 7; d
	// is the day in a feed link's dkey.
	weekStartExpr = `((f.dkey >> 31) - (((f.dkey >> 31) + 3) % 7))`
)

// WeeklyCounts counts articles per source and week from since on.
func (s *Store) WeeklyCounts(ctx context.Context, since time.Time) ([]store.WeekCount, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: weekly counts: %w", err)
	}
	defer release()
	// Each configured source's links from since on, walked on the
	// (feed, dkey) index: the day is in dkey, no article is read.
	rows, err := s.query(ctx, `SELECT f.feed, `+weekStartExpr+` AS week, count(*)
		FROM sources s JOIN article_feeds f ON f.feed = s.name AND f.dkey >= ?
		GROUP BY f.feed, week ORDER BY f.feed, week`, dkeyAt(since))
	if err != nil {
		return nil, fmt.Errorf("sqlite: weekly counts: %w", err)
	}
	defer rows.Close()
	var out []store.WeekCount
	for rows.Next() {
		var (
			c   store.WeekCount
			day int64
		)
		if err := rows.Scan(&c.Source, &day, &c.N); err != nil {
			return nil, fmt.Errorf("sqlite: weekly counts: %w", err)
		}
		c.Week = time.UnixMilli(day * dayMs).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: weekly counts: %w", err)
	}
	return out, nil
}

// ArticleFeeds returns an article's sources with their first sightings.
func (s *Store) ArticleFeeds(ctx context.Context, id int64) ([]store.FeedListing, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: feeds of article %d: %w", id, err)
	}
	defer release()
	var exists int
	if err := s.queryRow(ctx, "SELECT count(*) FROM articles WHERE id = ?", id).Scan(&exists); err != nil {
		return nil, fmt.Errorf("sqlite: feeds of article %d: %w", id, err)
	}
	if exists == 0 {
		return nil, fmt.Errorf("sqlite: feeds of article %d: %w", id, store.ErrNotFound)
	}
	rows, err := s.query(ctx, `SELECT f.feed, f.first_seen FROM article_feeds f LEFT JOIN sources s ON s.name = f.feed
		WHERE f.article_id = ? ORDER BY s.position IS NULL, s.position, f.rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feeds of article %d: %w", id, err)
	}
	defer rows.Close()
	var out []store.FeedListing
	for rows.Next() {
		var (
			l  store.FeedListing
			ms int64
		)
		if err := rows.Scan(&l.Feed, &ms); err != nil {
			return nil, fmt.Errorf("sqlite: feeds of article %d: %w", id, err)
		}
		l.FirstSeen = fromMs(ms)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: feeds of article %d: %w", id, err)
	}
	return out, nil
}

// errNoRows maps sql.ErrNoRows to store.ErrNotFound.
func errNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
