package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// countingGate is a HostGate in memory that records what it was asked.
type countingGate struct {
	mu       sync.Mutex
	held     int
	acquired int
	limits   []int
	delays   []time.Duration
}

func (g *countingGate) Acquire(ctx context.Context, host string, limit int, delay time.Duration) (func(), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.held++
	g.acquired++
	g.limits = append(g.limits, limit)
	g.delays = append(g.delays, delay)
	return func() {
		g.mu.Lock()
		g.held--
		g.mu.Unlock()
	}, nil
}

// TestGate: every request, robots.txt included, takes a slot from the
// shared gate with the host's limits (a source's overrides winning), and
// gives it back.
func TestGate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	g := &countingGate{}
	c := New(Config{UserAgent: "sitrep-test", PerHost: 3, HostDelay: 5 * time.Millisecond, Gate: g, Guard: nil})
	if _, err := c.Get(t.Context(), Request{URL: srv.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(t.Context(), Request{URL: srv.URL + "/b", PerHost: 1, HostDelay: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.acquired != 3 || g.held != 0 {
		t.Fatalf("acquired %d, held %d; want 3 (robots.txt, /a, /b) and 0", g.acquired, g.held)
	}
	if g.limits[1] != 3 || g.delays[1] != 5*time.Millisecond || g.limits[2] != 1 || g.delays[2] != 20*time.Millisecond {
		t.Errorf("limits %v, delays %v", g.limits, g.delays)
	}
}
