package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
		st                                        model.SourceState
		interval, hostDelay                       int64
		nextDue, lastAttempt, lastSuccess, paused int64
		first                                     sql.NullInt64
	)
	err := r.Scan(&st.Name, &st.URL, &st.Type, &st.Links, &interval, &st.PerHost, &hostDelay, &st.Position,
		&paused, &nextDue, &st.Failures, &st.ETag, &st.LastModified, &lastAttempt, &lastSuccess, &st.LastError,
		&st.FeedURL, &st.ArticleError, &st.Articles, &first)
	if err != nil {
		return st, err
	}
	st.Interval = time.Duration(interval) * time.Millisecond
	st.HostDelay = time.Duration(hostDelay) * time.Millisecond
	st.Paused = paused != 0
	st.NextDue = fromMs(nextDue)
	st.LastAttempt = fromMs(lastAttempt)
	st.LastSuccess = fromMs(lastSuccess)
	if first.Valid {
		st.FirstArticle = time.Unix((first.Int64>>idBits)*86400, 0).UTC()
	}
	return st, nil
}

// SyncSources makes the stored sources match the configured ones: new names
// are added due at once, known ones get their new settings with their
// polling state kept, and names no longer configured are dropped (with
// their state; their articles stay). A source whose URL, type or link
// selector changed loses its ETag and Last-Modified, so that the next poll
// reads it anew (a 304 would hide the new settings).
func (s *Store) SyncSources(ctx context.Context, sources []model.Source) error {
	seen := make(map[string]bool, len(sources))
	for _, src := range sources {
		if src.Name == "" {
			return fmt.Errorf("sqlite: sync sources: source with URL %q has no name", src.URL)
		}
		if seen[src.Name] {
			return fmt.Errorf("sqlite: sync sources: %w: source name %q configured twice", store.ErrConflict, src.Name)
		}
		seen[src.Name] = true
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		upsert, err := tx.PrepareContext(ctx, `INSERT INTO sources
			(name, url, type, links, interval_ms, per_host, host_delay_ms, position)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET
				etag = iif(url = excluded.url AND type = excluded.type AND links = excluded.links, etag, ''),
				last_modified = iif(url = excluded.url AND type = excluded.type AND links = excluded.links, last_modified, ''),
				feed_url = iif(url = excluded.url AND type = excluded.type, feed_url, ''),
				url = excluded.url, type = excluded.type, links = excluded.links,
				interval_ms = excluded.interval_ms, per_host = excluded.per_host,
				host_delay_ms = excluded.host_delay_ms, position = excluded.position`)
		if err != nil {
			return err
		}
		defer upsert.Close()
		for _, src := range sources {
			if _, err := upsert.ExecContext(ctx, src.Name, src.URL, src.Type, src.Links, src.Interval.Milliseconds(),
				src.PerHost, src.HostDelay.Milliseconds(), src.Position); err != nil {
				return fmt.Errorf("source %q: %w", src.Name, err)
			}
		}
		rows, err := tx.QueryContext(ctx, "SELECT name FROM sources")
		if err != nil {
			return err
		}
		var gone []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return err
			}
			if !seen[name] {
				gone = append(gone, name)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, name := range gone {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sources WHERE name = ?", name); err != nil {
				return fmt.Errorf("remove source %q: %w", name, err)
			}
		}
		return markSeeded(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("sqlite: sync sources: %w", err)
	}
	return nil
}

// Sources returns every configured source with its state, in Position order.
func (s *Store) Sources(ctx context.Context) ([]model.SourceState, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: list sources: %w", err)
	}
	defer release()
	rows, err := s.query(ctx, "SELECT "+sourceCols+" FROM sources s ORDER BY s.position, s.name")
	if err != nil {
		return nil, fmt.Errorf("sqlite: list sources: %w", err)
	}
	defer rows.Close()
	var out []model.SourceState
	for rows.Next() {
		st, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list sources: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list sources: %w", err)
	}
	return out, nil
}

// Source returns one source by name, or store.ErrNotFound.
func (s *Store) Source(ctx context.Context, name string) (model.SourceState, error) {
	release, err := s.begin()
	if err != nil {
		return model.SourceState{}, fmt.Errorf("sqlite: source %q: %w", name, err)
	}
	defer release()
	st, err := scanSource(s.queryRow(ctx, "SELECT "+sourceCols+" FROM sources s WHERE s.name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return model.SourceState{}, fmt.Errorf("sqlite: source %q: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return model.SourceState{}, fmt.Errorf("sqlite: source %q: %w", name, err)
	}
	return st, nil
}

// ClaimDue leases up to limit unpaused due sources whose lease has run out
// until now+lease, earliest due first (ties in Position order).
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]model.SourceState, error) {
	if limit <= 0 {
		return nil, nil
	}
	nowMs := now.UnixMilli()
	until := now.Add(lease).UnixMilli()
	var out []model.SourceState
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// A source due at once has next_due 0, which sorts first.
		rows, err := tx.QueryContext(ctx, "SELECT "+sourceCols+` FROM sources s
			WHERE s.paused = 0 AND s.next_due <= ? AND s.lease_until <= ?
			ORDER BY s.next_due, s.position, s.name LIMIT ?`, nowMs, nowMs, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			st, err := scanSource(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, st := range out {
			if _, err := tx.ExecContext(ctx, "UPDATE sources SET lease_until = ? WHERE name = ?", until, st.Name); err != nil {
				return fmt.Errorf("lease source %q: %w", st.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim due sources: %w", err)
	}
	return out, nil
}

// RenewLeases extends the claims still held on names until until.
func (s *Store) RenewLeases(ctx context.Context, names []string, until time.Time) error {
	if len(names) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, name := range names {
			if _, err := tx.ExecContext(ctx, "UPDATE sources SET lease_until = ? WHERE name = ? AND lease_until > 0",
				until.UnixMilli(), name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: renew leases of %d sources: %w", len(names), err)
	}
	return nil
}

// Release gives up a claim, leaving the source's state as it was.
func (s *Store) Release(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("release source %q", name), "UPDATE sources SET lease_until = 0 WHERE name = ?", name)
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
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sources SET
				lease_until = 0,
				next_due = ?,
				last_attempt = ?,
				failures = CASE WHEN ? THEN failures + 1 ELSE 0 END,
				last_error = ?,
				last_success = CASE WHEN ? THEN last_success ELSE ? END,
				etag = CASE WHEN ? THEN etag ELSE ? END,
				last_modified = CASE WHEN ? THEN last_modified ELSE ? END,
				feed_url = CASE WHEN ? THEN feed_url ELSE ? END,
				article_error = CASE WHEN ? THEN article_error ELSE ? END
			WHERE name = ?`,
			toMs(r.NextDue), toMs(at), failed, r.Err, failed, toMs(at),
			keepETag, r.ETag, keepLastMod, r.LastModified, failed, r.FeedURL,
			failed || r.NotModified, r.ArticleErr, name)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: report poll of source %q: %w", name, err)
	}
	return nil
}

// SetPaused pauses or resumes polling of a source (ClaimDue skips paused
// ones), or returns store.ErrNotFound.
func (s *Store) SetPaused(ctx context.Context, name string, paused bool) error {
	return s.exec1(ctx, fmt.Sprintf("pause source %q", name), "UPDATE sources SET paused = ? WHERE name = ?", boolInt(paused), name)
}
