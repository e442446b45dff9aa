package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// TestTenThousandSourcesOneHost: 10,000 sources on one host are polled in
// one round without the host ever seeing more requests in flight than the
// per-host limit, or two starts closer than the host delay allows on
// average, and every source is polled once.
func TestTenThousandSourcesOneHost(t *testing.T) {
	const (
		n       = 10_000
		perHost = 3
		delay   = 200 * time.Microsecond
	)
	var (
		mu            sync.Mutex
		inFlight, top int
		polled        = map[string]int{}
		first, last   time.Time
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		inFlight++
		top = max(top, inFlight)
		polled[r.URL.Path]++
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		last = now
		mu.Unlock()
		time.Sleep(time.Millisecond) // long enough for requests to overlap
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`)
		mu.Lock()
		inFlight--
		mu.Unlock()
	}))
	defer srv.Close()

	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srcs := make([]model.Source, n)
	for i := range srcs {
		srcs[i] = model.Source{Name: fmt.Sprintf("s%05d", i), URL: fmt.Sprintf("%s/feed/%d", srv.URL, i), Type: model.SourceFeed, Position: i}
	}
	if err := st.SyncSources(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	states, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := fetch.New(fetch.Config{UserAgent: "sitrep-test", PerHost: perHost, HostDelay: delay})
	p := New(Config{PerHost: perHost, SourceWorkers: 64}, st, client)
	start := time.Now()
	reports := p.Round(ctx, states, nil)
	took := time.Since(start)
	for _, r := range reports {
		if r.Err != nil {
			t.Fatalf("%s", r)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	span := last.Sub(first)
	t.Logf("%d sources on one host in %v: at most %d in flight, %v between starts on average", n, took.Round(time.Millisecond), top, span/time.Duration(n-1))
	if len(polled) != n {
		t.Errorf("%d sources polled, want %d", len(polled), n)
	}
	for path, k := range polled {
		if k != 1 {
			t.Errorf("%s polled %d times", path, k)
		}
	}
	if top > perHost {
		t.Errorf("%d requests in flight at once, per-host limit %d", top, perHost)
	}
	if span < time.Duration(n-1)*delay*9/10 {
		t.Errorf("%d requests within %v: closer than the %v host delay", n, span, delay)
	}
}
