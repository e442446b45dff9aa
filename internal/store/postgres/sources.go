package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// sourceCols are the columns scanSource reads, for a sources table aliased s.
const sourceCols = `s.name, s.url, s.type, s.links, s.interval_ms, s.per_host, s.host_delay_ms, s.position,
	s.paused, s.next_due, s.failures, s.etag, s.last_modified, s.last_attempt, s.last_success, s.last_error, s.feed_url, s.article_error,
	(SELECT count(*) FROM article_feeds f WHERE f.feed = s.name),
	(SELECT min(f.dkey) FROM article_feeds f WHERE f.feed = s.name)`

type scanner interface{ Scan(dest ...any) error }

func scanSource(r scanner) (model.SourceState, error) {
	var (
		st                                model.SourceState
		interval, hostDelay               int64
		nextDue, lastAttempt, lastSuccess pgtype.Timestamptz
		first                             pgtype.Int8
	)
	err := r.Scan(&st.Name, &st.URL, &st.Type, &st.Links, &interval, &st.PerHost, &hostDelay, &st.Position,
		&st.Paused, &nextDue, &st.Failures, &st.ETag, &st.LastModified, &lastAttempt, &lastSuccess, &st.LastError,
		&st.FeedURL, &st.ArticleError, &st.Articles, &first)
	if err != nil {
		return st, err
	}
	st.Interval = time.Duration(interval) * time.Millisecond
	st.HostDelay = time.Duration(hostDelay) * time.Millisecond
	st.NextDue = fromTs(nextDue)
	st.LastAttempt = fromTs(lastAttempt)
	st.LastSuccess = fromTs(lastSuccess)
	if first.Valid {
		st.FirstArticle = time.Unix((first.Int64>>idBits)*86400, 0).UTC()
	}
	return st, nil
}

func collectSources(rows pgx.Rows) ([]model.SourceState, error) {
	defer rows.Close()
	var out []model.SourceState
	for rows.Next() {
		st, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// markSeeded records that this database has been given sources once.
func markSeeded(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('sources_seeded', '1') ON CONFLICT DO NOTHING")
	return err
}

// sameFetch is true when a source's stored URL, type and link selector
// are $1, $2, $3 (its validators still hold); sameFeed, when URL and type
// are (its discovered feed still holds).
const (
	sameFetch = "s.url = $1 AND s.type = $2 AND s.links = $3"
	sameFeed  = "s.url = $1 AND s.type = $2"
)

// SyncSources makes the stored sources match the configured ones: new names
// are added due at once, known ones get their new settings with their
// polling state kept, and names no longer configured are dropped (with
// their state; their articles stay).
func (s *Store) SyncSources(ctx context.Context, sources []model.Source) error {
	seen := make(map[string]bool, len(sources))
	names := make([]string, 0, len(sources))
	for _, src := range sources {
		if src.Name == "" {
			return fmt.Errorf("postgres: sync sources: source with URL %q has no name", src.URL)
		}
		if seen[src.Name] {
			return fmt.Errorf("postgres: sync sources: %w: source name %q configured twice", store.ErrConflict, src.Name)
		}
		seen[src.Name] = true
		names = append(names, src.Name)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// In the configured order, so that two processes syncing the same
		// file lock the rows in the same order.
		b := &pgx.Batch{}
		for _, src := range sources {
			b.Queue(`INSERT INTO sources AS s (url, type, links, name, interval_ms, per_host, host_delay_ms, position)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (name) DO UPDATE SET
					etag = CASE WHEN `+sameFetch+` THEN s.etag ELSE '' END,
					last_modified = CASE WHEN `+sameFetch+` THEN s.last_modified ELSE '' END,
					feed_url = CASE WHEN `+sameFeed+` THEN s.feed_url ELSE '' END,
					url = excluded.url, type = excluded.type, links = excluded.links,
					interval_ms = excluded.interval_ms, per_host = excluded.per_host,
					host_delay_ms = excluded.host_delay_ms, position = excluded.position`,
				src.URL, src.Type, src.Links, src.Name, src.Interval.Milliseconds(), src.PerHost, src.HostDelay.Milliseconds(), src.Position)
		}
		b.Queue("DELETE FROM sources WHERE NOT (name = ANY($1))", names)
		b.Queue("INSERT INTO meta (key, value) VALUES ('sources_seeded', '1') ON CONFLICT DO NOTHING")
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("postgres: sync sources: %w", err)
	}
	return nil
}

// SeedSources adds sources to a database that never had any. The seed
// mark is written first: of several processes seeding at once, the one
// whose mark went in seeds, the others find it there.
func (s *Store) SeedSources(ctx context.Context, sources []model.Source) (bool, error) {
	seeded := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		seeded = false
		tag, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('sources_seeded', '1') ON CONFLICT DO NOTHING")
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		for i, src := range sources {
			src.Position = i
			if err := insertSource(ctx, tx, src); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("postgres: seed sources: %w", err)
	}
	return seeded, nil
}

func insertSource(ctx context.Context, tx pgx.Tx, src model.Source) error {
	if src.Name == "" {
		return fmt.Errorf("source with URL %q has no name", src.URL)
	}
	_, err := tx.Exec(ctx, `INSERT INTO sources
		(name, url, type, links, interval_ms, per_host, host_delay_ms, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		src.Name, src.URL, src.Type, src.Links, src.Interval.Milliseconds(), src.PerHost, src.HostDelay.Milliseconds(), src.Position)
	if err != nil {
		return fmt.Errorf("source %q: %w", src.Name, conflict(err))
	}
	return nil
}

// CreateSource adds a source after the last one.
func (s *Store) CreateSource(ctx context.Context, src model.Source) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(position) + 1, 0) FROM sources").Scan(&src.Position); err != nil {
			return err
		}
		if err := insertSource(ctx, tx, src); err != nil {
			return err
		}
		return markSeeded(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("postgres: create source: %w", err)
	}
	return nil
}

// UpdateSource changes a source's settings, renaming it, its article links
// and its source-scoped keys when src.Name differs.
func (s *Store) UpdateSource(ctx context.Context, name string, src model.Source) error {
	if src.Name == "" {
		return fmt.Errorf("postgres: update source %q: the new name is empty", name)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE sources AS s SET
				etag = CASE WHEN `+sameFetch+` THEN s.etag ELSE '' END,
				last_modified = CASE WHEN `+sameFetch+` THEN s.last_modified ELSE '' END,
				feed_url = CASE WHEN `+sameFeed+` THEN s.feed_url ELSE '' END,
				url = $1, type = $2, links = $3,
				name = $4, interval_ms = $5, per_host = $6, host_delay_ms = $7
			WHERE s.name = $8`,
			src.URL, src.Type, src.Links, src.Name, src.Interval.Milliseconds(), src.PerHost, src.HostDelay.Milliseconds(), name)
		if err != nil {
			return conflict(err)
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		if src.Name == name {
			return nil
		}
		// The new name may already appear in article_feeds (a source of
		// that name was deleted earlier): merge, keeping the first sight.
		if _, err := tx.Exec(ctx, `INSERT INTO article_feeds AS f (article_id, feed, first_seen, dkey)
			SELECT article_id, $1, first_seen, dkey FROM article_feeds WHERE feed = $2 ORDER BY seq
			ON CONFLICT (article_id, feed) DO UPDATE SET first_seen = least(f.first_seen, excluded.first_seen)`,
			src.Name, name); err != nil {
			return fmt.Errorf("rename article links: %w", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM article_feeds WHERE feed = $1", name); err != nil {
			return err
		}
		// Keys scoped to the source (what its feed said of each entry,
		// its GUIDs) follow it, or its next poll would take every entry
		// for new. A key the new name already holds is kept as it is.
		for _, kind := range store.SourceKeyKinds() {
			from, to := store.SourceKey(kind, name, ""), store.SourceKey(kind, src.Name, "")
			// ':' + 1 is ';': in byte order (the column is COLLATE "C")
			// the range holds exactly the keys with the prefix.
			end := from[:len(from)-1] + ";"
			if _, err := tx.Exec(ctx, `INSERT INTO article_keys (key, article_id)
				SELECT $1 || substr(key, $2), article_id FROM article_keys WHERE key >= $3 AND key < $4
				ON CONFLICT (key) DO NOTHING`, to, utf8.RuneCountInString(from)+1, from, end); err != nil {
				return fmt.Errorf("rename keys: %w", err)
			}
			if _, err := tx.Exec(ctx, "DELETE FROM article_keys WHERE key >= $1 AND key < $2", from, end); err != nil {
				return fmt.Errorf("rename keys: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: update source %q: %w", name, err)
	}
	return nil
}

// DeleteSource removes a source's row; article_feeds keep its name.
func (s *Store) DeleteSource(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("delete source %q", name), "DELETE FROM sources WHERE name = $1", name)
}

// PollNow makes a source due at once.
func (s *Store) PollNow(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("poll source %q now", name), "UPDATE sources SET next_due = NULL WHERE name = $1", name)
}

// SetPaused pauses or resumes polling of a source (ClaimDue skips paused
// ones), or returns store.ErrNotFound.
func (s *Store) SetPaused(ctx context.Context, name string, paused bool) error {
	return s.exec1(ctx, fmt.Sprintf("pause source %q", name), "UPDATE sources SET paused = $1 WHERE name = $2", paused, name)
}

// Sources returns every configured source with its state, in Position order.
func (s *Store) Sources(ctx context.Context) ([]model.SourceState, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: list sources: %w", err)
	}
	defer release()
	rows, err := s.pool.Query(ctx, "SELECT "+sourceCols+" FROM sources s ORDER BY s.position, s.name")
	if err != nil {
		return nil, fmt.Errorf("postgres: list sources: %w", err)
	}
	out, err := collectSources(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: list sources: %w", err)
	}
	return out, nil
}

// Source returns one source by name, or store.ErrNotFound.
func (s *Store) Source(ctx context.Context, name string) (model.SourceState, error) {
	release, err := s.begin()
	if err != nil {
		return model.SourceState{}, fmt.Errorf("postgres: source %q: %w", name, err)
	}
	defer release()
	st, err := scanSource(s.pool.QueryRow(ctx, "SELECT "+sourceCols+" FROM sources s WHERE s.name = $1", name))
	if err != nil {
		return model.SourceState{}, fmt.Errorf("postgres: source %q: %w", name, errNoRows(err))
	}
	return st, nil
}

// ClaimDue leases up to limit unpaused due sources whose lease has run out
// until now+lease, earliest due first (ties in Position order). Rows
// another process is claiming at this moment are skipped, not waited for.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]model.SourceState, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []model.SourceState
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `WITH due AS (
				SELECT name FROM sources
				WHERE NOT paused AND (next_due IS NULL OR next_due <= $1) AND (lease_until IS NULL OR lease_until <= $1)
				ORDER BY next_due NULLS FIRST, position, name
				LIMIT $3
				FOR UPDATE SKIP LOCKED)
			UPDATE sources s SET lease_until = $2 FROM due WHERE s.name = due.name
			RETURNING `+sourceCols, msTime(now), msTime(now.Add(lease)), limit)
		if err != nil {
			return err
		}
		out, err = collectSources(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: claim due sources: %w", err)
	}
	// A source due at once has a zero NextDue, which sorts first.
	slices.SortFunc(out, func(a, b model.SourceState) int {
		if c := a.NextDue.Compare(b.NextDue); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Position, b.Position); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// RenewLeases extends the claims still held on names until until.
func (s *Store) RenewLeases(ctx context.Context, names []string, until time.Time) error {
	if len(names) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE sources SET lease_until = $1 WHERE name = ANY($2) AND lease_until IS NOT NULL",
			ts(until), names)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: renew leases of %d sources: %w", len(names), err)
	}
	return nil
}

// Release gives up a claim, leaving the source's state as it was.
func (s *Store) Release(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("release source %q", name), "UPDATE sources SET lease_until = NULL WHERE name = $1", name)
}

// ReportPoll records a poll's outcome and releases the claim. A failed poll
// keeps the validators (it learnt nothing new of the resource); a 304 keeps
// each one the server did not send anew.
func (s *Store) ReportPoll(ctx context.Context, name string, r store.PollResult) error {
	failed := r.Err != ""
	at := r.At
	if at.IsZero() {
		at = s.now()
	}
	keepETag := failed || (r.NotModified && r.ETag == "")
	keepLastMod := failed || (r.NotModified && r.LastModified == "")
	err := s.execOne(ctx, `UPDATE sources SET
			lease_until = NULL,
			next_due = $1,
			last_attempt = $2,
			failures = CASE WHEN $3 THEN failures + 1 ELSE 0 END,
			last_error = $4,
			last_success = CASE WHEN $3 THEN last_success ELSE $2 END,
			etag = CASE WHEN $5 THEN etag ELSE $6 END,
			last_modified = CASE WHEN $7 THEN last_modified ELSE $8 END,
			feed_url = CASE WHEN $3 THEN feed_url ELSE $9 END,
			article_error = CASE WHEN $10 THEN article_error ELSE $11 END
		WHERE name = $12`,
		ts(r.NextDue), ts(at), failed, clean(r.Err),
		keepETag, clean(r.ETag), keepLastMod, clean(r.LastModified), clean(r.FeedURL),
		failed || r.NotModified, clean(r.ArticleErr), name)
	if err != nil {
		return fmt.Errorf("postgres: report poll of source %q: %w", name, err)
	}
	return nil
}

// WeeklyCounts counts articles per source and week from since on.
func (s *Store) WeeklyCounts(ctx context.Context, since time.Time) ([]store.WeekCount, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: weekly counts: %w", err)
	}
	defer release()
	// Each configured source's links from since on, walked on the (feed,
	// dkey) index: the day is in dkey, no article is read. The Unix epoch
	// was a Thursday: day d's Monday is d - (d+3) mod 7 (a floor modulo).
	rows, err := s.pool.Query(ctx, `SELECT f.feed, (f.dkey >> 31) - ((((f.dkey >> 31) + 3) % 7 + 7) % 7) AS week, count(*)
		FROM sources s JOIN article_feeds f ON f.feed = s.name AND f.dkey >= $1
		GROUP BY f.feed, week ORDER BY f.feed, week`, dkeyAt(since))
	if err != nil {
		return nil, fmt.Errorf("postgres: weekly counts: %w", err)
	}
	defer rows.Close()
	var out []store.WeekCount
	for rows.Next() {
		var (
			c   store.WeekCount
			day int64
		)
		if err := rows.Scan(&c.Source, &day, &c.N); err != nil {
			return nil, fmt.Errorf("postgres: weekly counts: %w", err)
		}
		c.Week = time.Unix(day*86400, 0).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: weekly counts: %w", err)
	}
	return out, nil
}
