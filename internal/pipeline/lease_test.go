package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// TestServeRenewsLeases: a poll that outlasts the lease keeps its source,
// because Serve renews what it holds; once Serve is gone, nothing is held.
func TestServeRenewsLeases(t *testing.T) {
	const lease = 200 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		time.Sleep(5 * lease) // a slow feed
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`)
	}))
	defer srv.Close()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SyncSources(ctx, []model.Source{{Name: "Slow", URL: srv.URL + "/feed", Type: model.SourceFeed}}); err != nil {
		t.Fatal(err)
	}
	p := New(Config{Lease: lease, Tick: 20 * time.Millisecond}, st, fetch.New(fetch.Config{UserAgent: "sitrep-test"}))
	sctx, cancel := context.WithCancel(ctx)
	reports := make(chan Report, 4)
	done := make(chan error)
	go func() { done <- p.Serve(sctx, func(r Report) { reports <- r }) }()

	// Another process looks for due sources while the poll runs, past
	// several of the lease's first ends: it must find none.
	deadline := time.Now().Add(4 * lease)
	for time.Now().Before(deadline) {
		time.Sleep(lease / 2)
		got, err := st.ClaimDue(ctx, time.Now(), 10, lease)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			t.Fatalf("%v claimed by a second poller while the first still polls it", got[0].Name)
		}
	}
	select {
	case r := <-reports:
		if r.Err != nil {
			t.Fatalf("poll: %v", r.Err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no report")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
