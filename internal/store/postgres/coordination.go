package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cross-process coordination for the workers sharing this database: the
// per-host limits (fetch.HostGate) and the claim on an article being built
// (pipeline.ArticleClaims). Both are rows with an expiry, so a holder that
// dies loses what it held; both use the database's clock, so the machines'
// clocks need not agree.

// hostSlotTTL bounds a host slot: longer than any request attempt (the
// fetch timeout is a minute by default).
const hostSlotTTL = 5 * time.Minute

// pollWait is how long a waiter sleeps between two tries at first; it
// doubles up to pollWaitMax.
const (
	pollWait    = 5 * time.Millisecond
	pollWaitMax = 100 * time.Millisecond
)

func newHolder() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Acquire waits until host has fewer than limit requests in flight among
// all the processes sharing the database and delay has passed since the
// last start, then takes a slot (fetch.HostGate).
func (s *Store) Acquire(ctx context.Context, host string, limit int, delay time.Duration) (func(), error) {
	holder := newHolder()
	wait := pollWait
	for {
		var (
			got   bool
			until time.Duration
		)
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO host_gates (host) VALUES ($1) ON CONFLICT DO NOTHING`, host); err != nil {
				return err
			}
			// The host's row serialises its takers; other hosts go on.
			var wait float64
			if err := tx.QueryRow(ctx, `SELECT greatest(0, extract(epoch FROM next_start - clock_timestamp()))
				FROM host_gates WHERE host = $1 FOR UPDATE`, host).Scan(&wait); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM host_slots WHERE host = $1 AND expires < clock_timestamp()`, host); err != nil {
				return err
			}
			var held int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM host_slots WHERE host = $1`, host).Scan(&held); err != nil {
				return err
			}
			if held >= limit || wait > 0 {
				until = time.Duration(wait * float64(time.Second))
				return nil
			}
			if _, err := tx.Exec(ctx, `INSERT INTO host_slots (host, holder, expires) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))`,
				host, holder, hostSlotTTL.Seconds()); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE host_gates SET next_start = clock_timestamp() + make_interval(secs => $2) WHERE host = $1`,
				host, delay.Seconds()); err != nil {
				return err
			}
			got = true
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("postgres: host slot for %s: %w", host, err)
		}
		if got {
			return func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				s.pool.Exec(ctx, `DELETE FROM host_slots WHERE host = $1 AND holder = $2`, host, holder)
			}, nil
		}
		// Waiting for the gap: sleep it out. Waiting for a slot: poll,
		// less often the longer it takes.
		d := wait
		if until > 0 {
			d = until
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, pollWaitMax)
	}
}

// ClaimArticle waits until no other process builds the article at key,
// then claims it for ttl (pipeline.ArticleClaims).
func (s *Store) ClaimArticle(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	holder := newHolder()
	wait := pollWait
	for {
		var got string
		err := s.pool.QueryRow(ctx, `INSERT INTO article_claims (key, holder, expires)
			VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))
			ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
			WHERE article_claims.expires < clock_timestamp()
			RETURNING holder`, key, holder, ttl.Seconds()).Scan(&got)
		switch {
		case err == nil && got == holder:
			return func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				s.pool.Exec(ctx, `DELETE FROM article_claims WHERE key = $1 AND holder = $2`, key, holder)
			}, nil
		case err != nil && !errors.Is(err, pgx.ErrNoRows):
			return nil, fmt.Errorf("postgres: claim article %s: %w", key, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, pollWaitMax)
	}
}
