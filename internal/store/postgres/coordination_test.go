package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sitrep/sitrep/internal/store/postgres/pgtest"
)

// TestHostGate: stores on one database, as separate processes would be,
// never hold more slots for a host than its limit, space the starts by
// its delay, and a slot whose holder died expires.
func TestHostGate(t *testing.T) {
	dsn := pgtest.DSN(t)
	const (
		limit    = 3
		delay    = 5 * time.Millisecond
		requests = 40
	)
	stores := make([]interface {
		Acquire(context.Context, string, int, time.Duration) (func(), error)
	}, 4)
	for i := range stores {
		stores[i] = openDSN(t, dsn)
	}
	var (
		mu          sync.Mutex
		held, top   int
		starts      []time.Time
		wg          sync.WaitGroup
		ctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
	)
	defer cancel()
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := stores[i%len(stores)].Acquire(ctx, "example.org", limit, delay)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			held++
			top = max(top, held)
			starts = append(starts, time.Now())
			mu.Unlock()
			time.Sleep(3 * time.Millisecond)
			mu.Lock()
			held--
			mu.Unlock()
			release()
		}()
	}
	wg.Wait()
	if top > limit {
		t.Errorf("%d slots held at once, limit %d", top, limit)
	}
	if len(starts) != requests {
		t.Fatalf("%d requests started, want %d", len(starts), requests)
	}
	first, last := starts[0], starts[0]
	for _, s := range starts {
		if s.Before(first) {
			first = s
		}
		if s.After(last) {
			last = s
		}
	}
	// The database's clock spaces the starts; ours sees them within a
	// little of that.
	if span := last.Sub(first); span < time.Duration(requests-1)*delay*8/10 {
		t.Errorf("%d starts within %v: closer than the %v delay", requests, span, delay)
	}

	// A holder that died: its slot expires, then the host is free again.
	s := openDSN(t, dsn)
	for range limit {
		if _, err := s.Acquire(ctx, "dead.example", limit, 0); err != nil {
			t.Fatal(err)
		}
	}
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err := s.Acquire(short, "dead.example", limit, 0)
	cancelShort()
	if err == nil {
		t.Fatal("a fourth slot was given while three were held")
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "UPDATE host_slots SET expires = clock_timestamp() - interval '1 second' WHERE host = 'dead.example'"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acquire(ctx, "dead.example", limit, 0); err != nil {
		t.Errorf("after the dead holder's slots expired: %v", err)
	}
}

// TestClaimArticle: a claim on an article is exclusive across stores until
// released or expired.
func TestClaimArticle(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	ctx := t.Context()
	release, err := a.ClaimArticle(ctx, "https://example.org/x", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan time.Time, 1)
	go func() {
		rel, err := b.ClaimArticle(ctx, "https://example.org/x", time.Minute)
		if err != nil {
			t.Error(err)
			return
		}
		got <- time.Now()
		rel()
	}()
	time.Sleep(150 * time.Millisecond)
	released := time.Now()
	release()
	select {
	case at := <-got:
		if at.Before(released) {
			t.Error("the second store claimed the article while the first held it")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second claim never came after the release")
	}
	// Another key is free at once; an expired claim is taken over.
	if rel, err := b.ClaimArticle(ctx, "https://example.org/y", time.Millisecond); err != nil {
		t.Fatal(err)
	} else {
		_ = rel // never released: its holder "died"
	}
	time.Sleep(20 * time.Millisecond)
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := a.ClaimArticle(short, "https://example.org/y", time.Minute); err != nil {
		t.Errorf("an expired claim was not taken over: %v", err)
	}
}
