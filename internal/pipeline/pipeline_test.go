package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/store/sqlite"

	"github.com/sitrep/sitrep/internal/extract"
	"github.com/sitrep/sitrep/internal/model"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		n        int
		interval time.Duration
		r        float64
		want     time.Duration
	}{
		{1, 30 * time.Minute, 0.5, time.Minute},
		{2, 30 * time.Minute, 0.5, 2 * time.Minute},
		{5, 30 * time.Minute, 0.5, 16 * time.Minute},
		{20, 30 * time.Minute, 0.5, 4 * time.Hour},        // capped, never stops
		{20, 24 * time.Hour, 0.5, 24 * time.Hour},         // a long interval caps higher
		{1, 30 * time.Minute, 0, 48 * time.Second},        // -20%
		{1, 30 * time.Minute, 0.999999, 72 * time.Second}, // +20%
	}
	for _, tt := range tests {
		got := Backoff(tt.n, tt.interval, tt.r).Round(time.Second)
		if got != tt.want {
			t.Errorf("Backoff(%d, %v, %v) = %v, want %v", tt.n, tt.interval, tt.r, got, tt.want)
		}
	}
}

func TestSameSiteCanonical(t *testing.T) {
	tests := []struct{ canonical, page, want string }{
		{"https://www.nato.int/cps/en/natohq/news_1.htm", "https://www.nato.int/cps/en/natohq/news_1.htm?selectedLocale=en", "https://www.nato.int/cps/en/natohq/news_1.htm"},
		{"https://nato.int/a", "https://www.nato.int/a?x=1", "https://nato.int/a"},
		{"https://news.example.org/a", "https://www.example.org/a", ""}, // another host
		{"https://www.example.org/a", "https://m.example.org/a", "https://www.example.org/a"},
		{"https://other.org/a", "https://www.example.org/a", ""},      // foreign site
		{"https://www.example.org/", "https://www.example.org/a", ""}, // home page
		{"", "https://www.example.org/a", ""},
		{"javascript:alert(1)", "https://www.example.org/a", ""},
		{"https://www.example.org/news/", "https://www.example.org/news/a-story", ""}, // a section page
		{"https://www.example.org/news/a-story", "https://www.example.org/news/a-story?x", "https://www.example.org/news/a-story"},
		{"https://www.eurojust.europa.eu/a", "https://www.europol.europa.eu/a", ""}, // another site under a public suffix
		{"https://www.europol.europa.eu/a", "https://europol.europa.eu/a", "https://www.europol.europa.eu/a"},
		{"http://127.0.0.1:8080/b", "http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b"},
	}
	for _, tt := range tests {
		if got := sameSiteCanonical(tt.canonical, tt.page); got != tt.want {
			t.Errorf("sameSiteCanonical(%q, %q) = %q, want %q", tt.canonical, tt.page, got, tt.want)
		}
	}
}

func TestFullText(t *testing.T) {
	long := "This is the article. "
	for len(long) < 800 {
		long += "More of the article's own words follow here. "
	}
	tests := []struct {
		name    string
		content string
		summary string
		want    bool
	}{
		{"full article", "<p>" + long + "</p>", "A teaser.", true},
		{"short", "<p>Just a teaser.</p>", "", false},
		{"cut off", "<p>" + long + "…</p>", "", false},
		{"same as summary", "<p>" + long + "</p>", long, false},
	}
	for _, tt := range tests {
		e := model.Entry{Content: tt.content, Summary: tt.summary}
		if got := fullText(extract.Fragment(tt.content), e); got != tt.want {
			t.Errorf("%s: fullText = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestServeShutdownReleasesClaims: a poll interrupted by shutdown leaves
// no lease behind and records no failure, so the next start polls the
// source at once.
func TestServeShutdownReleasesClaims(t *testing.T) {
	started := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		select {
		case started <- struct{}{}:
		default:
		}
		<-r.Context().Done() // hang until the client gives up
	}))
	defer srv.Close()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var srcs []model.Source
	for i := range 20 {
		srcs = append(srcs, model.Source{Name: fmt.Sprintf("Slow %d", i), URL: fmt.Sprintf("%s/feed%d", srv.URL, i), Type: model.SourceFeed, Position: i})
	}
	if err := st.SyncSources(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	// Two pollers: most claimed sources still wait for one at shutdown.
	p := New(Config{SourceWorkers: 2}, st, fetch.New(fetch.Config{UserAgent: "sitrep-test"}))
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- p.Serve(sctx, nil) }()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the source was never polled")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	due, err := st.ClaimDue(ctx, time.Now(), 100, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 20 {
		t.Errorf("after shutdown: %d sources claimable, want all 20", len(due))
	}
	for _, d := range due {
		if d.Failures != 0 || d.LastError != "" {
			t.Errorf("%s: failure recorded at shutdown: %q", d.Name, d.LastError)
		}
	}
}

// TestServeBacksOffAndKeepsRetrying: a failing source is polled again
// after a growing wait, and never parked.
func TestServeBacksOffAndKeepsRetrying(t *testing.T) {
	var mu sync.Mutex
	var polls []time.Time
	var clock = time.Date(2024, 10, 16, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		polls = append(polls, clock)
		mu.Unlock()
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer srv.Close()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"), sqlite.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SyncSources(ctx, []model.Source{{Name: "Down", URL: srv.URL + "/feed", Type: model.SourceFeed}}); err != nil {
		t.Fatal(err)
	}
	p := New(Config{Now: now, Tick: 5 * time.Millisecond, Jitter: func() float64 { return 0.5 }}, st,
		fetch.New(fetch.Config{UserAgent: "sitrep-test", Retries: -1}))
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- p.Serve(sctx, nil) }()

	waitPolls := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			got := len(polls)
			mu.Unlock()
			if got >= n {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("fewer than %d polls", n)
	}
	var dues []time.Duration
	for i := 1; i <= 5; i++ {
		waitPolls(i)
		// Let the report land, then jump to the next due time.
		var s model.SourceState
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if s, _ = st.Source(ctx, "Down"); s.Failures == i {
				break
			}
		}
		if s.Failures != i || s.LastError == "" {
			t.Fatalf("after poll %d: failures %d, last error %q", i, s.Failures, s.LastError)
		}
		mu.Lock()
		dues = append(dues, s.NextDue.Sub(clock))
		clock = s.NextDue
		mu.Unlock()
	}
	cancel()
	<-done
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute}
	if !slices.Equal(dues, want) {
		t.Errorf("waits between polls = %v, want %v", dues, want)
	}
}

func TestSafely(t *testing.T) {
	err := safely("https://example.org/a", func() error {
		var blocks []int
		_ = blocks[len(blocks)] // index out of range panics
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "https://example.org/a") {
		t.Errorf("safely(panic) = %v, want an error naming the document", err)
	}
	want := errors.New("plain")
	if err := safely("x", func() error { return want }); err != want {
		t.Errorf("safely(error) = %v, want %v", err, want)
	}
}

// TestSlowHostDoesNotStarveOthers: a source on a politely paced host keeps
// only a few of its articles in the worker pool, so another source's
// articles go through meanwhile.
func TestSlowHostDoesNotStarveOthers(t *testing.T) {
	var mu sync.Mutex
	last := map[string]time.Time{} // host -> last article request
	site := func(n int, feedDelay time.Duration) *httptest.Server {
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == "/robots.txt":
				http.NotFound(w, r)
			case r.URL.Path == "/feed":
				time.Sleep(feedDelay)
				w.Header().Set("Content-Type", "application/rss+xml")
				fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`)
				for i := range n {
					fmt.Fprintf(w, `<item><title>Item %d</title><link>%s/a/%d</link><description>Teaser %d.</description></item>`, i, srv.URL, i, i)
				}
				fmt.Fprint(w, `</channel></rss>`)
			default:
				mu.Lock()
				last[srv.URL] = time.Now()
				mu.Unlock()
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprintf(w, `<html><body><article><h1>%s</h1><p>%s</p></article></body></html>`, r.URL.Path,
					strings.Repeat("Police in several countries arrested suspects in a joint operation. ", 8))
			}
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	// The fast feed answers late, when the slow source's articles already
	// queue for their host.
	slow, fast := site(30, 0), site(16, 300*time.Millisecond)
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srcs := []model.Source{
		{Name: "Slow", URL: slow.URL + "/feed", Type: model.SourceFeed, HostDelay: 100 * time.Millisecond, Position: 0},
		{Name: "Fast", URL: fast.URL + "/feed", Type: model.SourceFeed, Position: 1},
	}
	if err := st.SyncSources(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	states, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := New(Config{Workers: 8}, st, fetch.New(fetch.Config{UserAgent: "sitrep-test"}))
	start := time.Now()
	reports := p.Round(ctx, states, nil)
	for _, r := range reports {
		if r.Err != nil || r.New == 0 {
			t.Fatalf("%s", r)
		}
	}
	slowTook, fastTook := last[slow.URL].Sub(start), last[fast.URL].Sub(start)
	t.Logf("slow host done after %v, fast host after %v", slowTook, fastTook)
	// The slow host needs ~3 s (30 articles, 100 ms apart); the fast one
	// must not wait for it: its articles are done soon after its feed.
	if fastTook > 1500*time.Millisecond {
		t.Errorf("the fast source finished after %v, the slow one after %v: starved", fastTook, slowTook)
	}
}

// TestRoundSchedulesNextPoll: a successful poll is due again after the
// source's interval, give or take the 10% jitter.
func TestRoundSchedulesNextPoll(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`)
	}))
	defer srv.Close()
	now := time.Date(2024, 10, 16, 12, 0, 0, 0, time.UTC)
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SyncSources(ctx, []model.Source{
		{Name: "Hourly", URL: srv.URL + "/feed", Type: model.SourceFeed, Interval: time.Hour, Position: 0},
		{Name: "Default", URL: srv.URL + "/feed?d", Type: model.SourceFeed, Position: 1},
	})
	states, _ := st.Sources(ctx)
	for _, jitter := range []float64{0, 0.999} {
		p := New(Config{Now: func() time.Time { return now }, Jitter: func() float64 { return jitter }}, st, fetch.New(fetch.Config{UserAgent: "sitrep-test"}))
		p.Round(ctx, states, nil)
		for name, interval := range map[string]time.Duration{"Hourly": time.Hour, "Default": 30 * time.Minute} {
			s, _ := st.Source(ctx, name)
			wait := s.NextDue.Sub(now)
			if wait < interval*9/10 || wait > interval*11/10 || s.LastError != "" {
				t.Errorf("%s (jitter %v): next poll in %v (error %q), want %v ± 10%%", name, jitter, wait, s.LastError, interval)
			}
		}
	}
}
