package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/hostileweb"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// hostileRig is a pipeline over a fresh SQLite store, with a guarded client
// sized for the hostile web, and the web's sources stored.
type hostileRig struct {
	web    *hostileweb.Web
	st     *sqlite.Store
	client *fetch.Client
	p      *Pipeline
	cases  map[string]hostileweb.Case
}

func newHostileRig(t testing.TB) *hostileRig {
	t.Helper()
	web, err := hostileweb.Start(time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(web.Close)
	allow, err := fetch.ParseAllow(hostileweb.PublicNetwork)
	if err != nil {
		t.Fatal(err)
	}
	client := fetch.New(fetch.Config{
		UserAgent:     "sitrep-test/1",
		Guard:         fetch.NewGuard(allow),
		Resolver:      web.Resolver(),
		PerHost:       4,
		Timeout:       hostileweb.Timeout,
		HeaderTimeout: hostileweb.HeaderTimeout,
		MaxBody:       hostileweb.MaxBody,
		MaxHeader:     hostileweb.MaxHeader,
		Retries:       -1,
		MaxRetryAfter: time.Second,
	})
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &hostileRig{web: web, st: st, client: client, cases: map[string]hostileweb.Case{}}
	var srcs []model.Source
	for i, c := range hostileweb.Cases() {
		srcs = append(srcs, model.Source{Name: c.Name, URL: web.URL(c), Type: model.SourceFeed, Position: i})
		r.cases[c.Name] = c
	}
	if err := st.SyncSources(context.Background(), srcs); err != nil {
		t.Fatal(err)
	}
	r.p = New(Config{Workers: 8, PerHost: 4, MaxPage: 1 << 20, ExtractTimeout: 10 * time.Second}, st, client)
	return r
}

func (r *hostileRig) round(t testing.TB) []Report {
	t.Helper()
	states, err := r.st.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r.p.Round(context.Background(), states, nil)
}

// stored is every stored article by URL.
func (r *hostileRig) stored(t testing.TB) map[string]model.Article {
	t.Helper()
	arts, err := r.st.Articles(context.Background(), store.Filter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]model.Article{}
	for _, a := range arts {
		full, err := r.st.Article(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[a.URL] = full
	}
	return out
}

// TestHostileWeb: every source of the hostile web is polled once good, then
// hostile. The process stays up; each source says what went wrong, or
// reads fine when the hostility is only mislabelling; nothing stored in the
// good round changes; the guard never lets a request reach loopback; and
// heap and goroutines come back to where they were.
func TestHostileWeb(t *testing.T) {
	r := newHostileRig(t)
	for _, rep := range r.round(t) {
		if rep.Err != nil || rep.ArticleErr != nil || rep.New == 0 {
			t.Fatalf("good round: %s: %v / %v", rep, rep.Err, rep.ArticleErr)
		}
	}
	before := r.stored(t)
	if len(before) != len(hostileweb.Cases()) {
		t.Fatalf("good round stored %d articles, want %d", len(before), len(hostileweb.Cases()))
	}

	r.client.CloseIdleConnections()
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	g0 := runtime.NumGoroutine()

	r.web.Arm()
	start := time.Now()
	reports := r.round(t)
	took := time.Since(start)

	states, err := r.st.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]model.SourceState{}
	for _, s := range states {
		state[s.Name] = s
	}
	for _, rep := range reports {
		c := r.cases[rep.Source]
		st := state[rep.Source]
		got := st.LastError + " | " + st.ArticleError
		t.Logf("%-34s %s", c.Name+":", strings.TrimSpace(got))
		switch {
		case c.Want == "" && (rep.Err != nil || rep.ArticleErr != nil):
			t.Errorf("%s: want it read fine, got %v / %v", c.Name, rep.Err, rep.ArticleErr)
		case c.Want != "" && !strings.Contains(strings.ToLower(got), strings.ToLower(c.Want)):
			t.Errorf("%s: the source's state says %q, want it to say %q", c.Name, got, c.Want)
		}
		if c.RetryAfter > 0 {
			if d := rep.RetryAfter - c.RetryAfter; d < -2*time.Second || d > 2*time.Second {
				t.Errorf("%s: Retry-After read as %v, want %v", c.Name, rep.RetryAfter, c.RetryAfter)
			}
			// Honoured, but clamped: never parked beyond the backoff cap.
			if wait := time.Until(st.NextDue); wait < min(c.RetryAfter, 4*time.Hour)-time.Minute || wait > 5*time.Hour {
				t.Errorf("%s: next poll in %v, want about %v (clamped to 4h)", c.Name, wait.Round(time.Minute), min(c.RetryAfter, 4*time.Hour))
			}
		}
	}
	if n := r.web.InternalHits(); n > 0 {
		t.Errorf("the guard let %d requests reach the loopback server", n)
	}

	after := r.stored(t)
	for u, a := range before {
		b, ok := after[u]
		if !ok {
			t.Errorf("%s: lost", u)
			continue
		}
		if a.Title != b.Title || a.Body() != b.Body() || !a.Updated.Equal(b.Updated) {
			t.Errorf("%s: changed by the hostile round", u)
		}
	}
	titles := map[string]bool{}
	for _, a := range after {
		titles[a.Title] = true
		for _, s := range []string{a.Title, a.Body()} {
			if s != model.CleanText(s) {
				t.Errorf("%s: stored text not clean: %q", a.URL, s[:min(len(s), 80)])
			}
		}
		if len(a.Body()) > 2<<20 {
			t.Errorf("%s: %d bytes of text stored", a.URL, len(a.Body()))
		}
	}
	for path, want := range hostileweb.Titles {
		if want != "" && !titles[want] {
			t.Errorf("%s: no article titled %q stored", path, want)
		}
	}

	r.client.CloseIdleConnections()
	var m1 runtime.MemStats
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		runtime.ReadMemStats(&m1)
		if g := runtime.NumGoroutine(); (g <= g0+2 && m1.HeapAlloc < m0.HeapAlloc+64<<20) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	g1 := runtime.NumGoroutine()
	t.Logf("hostile round: %v; heap %d → %d MiB (peak in use %d MiB); goroutines %d → %d",
		took.Round(time.Millisecond), m0.HeapAlloc>>20, m1.HeapAlloc>>20, m1.HeapSys>>20, g0, g1)
	if g1 > g0+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines %d → %d after the hostile round:\n%s", g0, g1, buf[:runtime.Stack(buf, true)])
	}
	if m1.HeapAlloc > m0.HeapAlloc+64<<20 {
		t.Errorf("heap %d → %d MiB after the hostile round", m0.HeapAlloc>>20, m1.HeapAlloc>>20)
	}
	if took > 30*time.Second {
		t.Errorf("the hostile round took %v", took)
	}
}

// TestExtractTimeout: a page that takes longer than ExtractTimeout fails
// with ErrExtractTimeout, for that article only.
func TestExtractTimeout(t *testing.T) {
	p := New(Config{Workers: 1, ExtractTimeout: time.Nanosecond}, nil, nil)
	page := []byte("<html><body><p>" + strings.Repeat("word ", 200000) + "</p></body></html>")
	_, err := p.extractPage(t.Context(), "http://example.org/a", page)
	if err == nil || !strings.Contains(err.Error(), "gave up after") {
		t.Fatalf("err = %v, want ErrExtractTimeout", err)
	}
	if transient(fmt.Errorf("x: %w", err)) {
		t.Error("an extraction timeout is retried on every poll")
	}
	// The abandoned extraction keeps its slot until it ends, then frees
	// it for the next page.
	p.cfg.ExtractTimeout = time.Minute
	res, err := p.extractPage(t.Context(), "http://example.org/b", []byte("<html><body><article><p>"+strings.Repeat("Europol arrested twelve suspects. ", 20)+"</p></article></body></html>"))
	if err != nil || len(res.Blocks) == 0 {
		t.Fatalf("next page: %v, %d blocks", err, len(res.Blocks))
	}
}
