package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/benchweb"
)

// loadQueries are searches over benchweb's vocabulary: words, phrases,
// prefixes, OR, NOT and fields.
var loadQueries = []string{
	"police", `"money laundering"`, "cyber* border", "europe OR interpol", "operation -drugs",
	"title:summit", "arrested suspects", "customs", `"joint action"`, "fraud victims children",
}

// loadRoutes are what the readers ask for, in turn: the UI, the API and a
// feed. An article is one of those stored so far (/articles/1 before any).
var loadRoutes = []struct {
	name string
	path func(rng *rand.Rand, maxID int64) string
}{
	{"/", func(*rand.Rand, int64) string { return "/" }},
	{"/search", func(rng *rand.Rand, _ int64) string {
		return "/search?q=" + url.QueryEscape(loadQueries[rng.IntN(len(loadQueries))])
	}},
	{"/articles/{id}", func(rng *rand.Rand, maxID int64) string {
		return fmt.Sprintf("/articles/%d", 1+rng.Int64N(max(maxID, 1)))
	}},
	{"/api/v1/articles", func(rng *rand.Rand, _ int64) string {
		if rng.IntN(2) == 0 {
			return "/api/v1/articles"
		}
		return "/api/v1/articles?q=" + url.QueryEscape(loadQueries[rng.IntN(len(loadQueries))])
	}},
	{"/api/v1/search", func(rng *rand.Rand, _ int64) string {
		return "/api/v1/search?q=" + url.QueryEscape(loadQueries[rng.IntN(len(loadQueries))])
	}},
	{"/feeds/atom", func(rng *rand.Rand, _ int64) string {
		if rng.IntN(2) == 0 {
			return "/feeds/atom"
		}
		return "/feeds/atom?q=" + url.QueryEscape(loadQueries[rng.IntN(len(loadQueries))])
	}},
	{"/sources", func(*rand.Rand, int64) string { return "/sources" }},
}

// lockedRE finds SQLite's lock contention in an answer or a log line.
var lockedRE = regexp.MustCompile(`(?i)database is locked|database table is locked|SQLITE_BUSY|SQLITE_LOCKED`)

// loadResult is what the readers saw during one refresh.
type loadResult struct {
	refresh   time.Duration // from serving to every source polled
	articles  int           // stored at the end
	latencies []time.Duration
	perRoute  map[string][]time.Duration
	statuses  map[int]int
	problems  []string // 5xx, lock errors, failed requests: the first few
	nProblems int
	cancelled int // requests the readers abandoned at the end, that serve logged as errors
}

func (r *loadResult) problem(format string, args ...any) {
	r.nProblems++
	if len(r.problems) < 10 {
		r.problems = append(r.problems, fmt.Sprintf(format, args...))
	}
}

// percentile is the nearest-rank q-quantile of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// readersDuringRefresh starts `sitrep serve` (its own process) on an empty
// database over a benchweb, and has readers concurrent clients ask for
// pages, API answers and feeds, without pause, until serve has polled
// every source once (a full refresh: every article fetched, extracted,
// enriched and stored while they read). It checks that no answer is a 5xx
// and that neither an answer nor serve's log mentions a locked database,
// and that the refresh stored the whole web.
func readersDuringRefresh(tb testing.TB, cfg benchweb.Config, readers int) loadResult {
	tb.Helper()
	web, err := benchweb.Start(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	defer web.Close()
	src := benchSources(tb, web)
	nSources := len(web.FeedURLs())
	want := nSources * cfg.ArticlesPerFeed
	db := filepath.Join(tb.TempDir(), "sitrep.db")
	// Reading is open on loopback (--read auto), as a user runs it.
	c := startServeChild(tb, "--db", db, "--sources", src, "--host-delay", "0")
	c.waitServing(tb, 30*time.Second)
	start := time.Now()

	res := loadResult{perRoute: map[string][]time.Duration{}, statuses: map[int]int{}}
	var mu sync.Mutex // guards res while readers run
	var maxID atomic.Int64
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConns: 2 * readers, MaxIdleConnsPerHost: 2 * readers},
		Timeout:   60 * time.Second,
	}
	defer client.CloseIdleConnections()
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for n := i; ctx.Err() == nil; n++ {
				route := loadRoutes[n%len(loadRoutes)]
				path := route.path(rng, maxID.Load())
				req, _ := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
				t0 := time.Now()
				resp, err := client.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				lat := time.Since(t0)
				if ctx.Err() != nil {
					return // stopped mid-request: not a measure
				}
				mu.Lock()
				switch {
				case err != nil:
					res.problem("GET %s: %v", path, err)
				default:
					res.statuses[resp.StatusCode]++
					res.latencies = append(res.latencies, lat)
					res.perRoute[route.name] = append(res.perRoute[route.name], lat)
					if resp.StatusCode >= 500 {
						res.problem("GET %s: %d %.200s", path, resp.StatusCode, body)
					}
					if m := lockedRE.Find(body); m != nil {
						res.problem("GET %s: %d answer mentions %q", path, resp.StatusCode, m)
					}
				}
				mu.Unlock()
				if route.name == "/api/v1/articles" && err == nil && resp.StatusCode == 200 {
					var doc struct {
						Articles []struct {
							ID int64 `json:"id"`
						} `json:"articles"`
					}
					if json.Unmarshal(body, &doc) == nil {
						for _, a := range doc.Articles {
							for {
								m := maxID.Load()
								if a.ID <= m || maxID.CompareAndSwap(m, a.ID) {
									break
								}
							}
						}
					}
				}
			}
		}()
	}

	// The refresh is over when every source has reported its poll.
	polled := func() int {
		log := c.stderr.String()
		return strings.Count(log, "msg=polled") + strings.Count(log, `msg="poll failed"`)
	}
	timeout := 5*time.Minute + time.Duration(want)*100*time.Millisecond
	for deadline := time.Now().Add(timeout); polled() < nSources; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) || c.exited() {
			stop()
			wg.Wait()
			tb.Fatalf("the refresh did not end within %v (%d of %d sources polled; serve exited: %v):\n%s",
				timeout, polled(), nSources, c.exited(), tail(c.stderr.String(), 40))
		}
	}
	res.refresh = time.Since(start)
	atStop := len(c.stderr.String())
	stop()
	wg.Wait()

	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		tb.Fatalf("serve did not stop within 15 s of SIGTERM:\n%s", tail(c.stderr.String(), 40))
	}
	if c.err != nil {
		tb.Errorf("serve: %v", c.err)
	}
	log := c.stderr.String()
	for _, line := range strings.Split(log[:atStop], "\n") {
		if lockedRE.MatchString(line) || strings.Contains(line, "level=ERROR") || strings.Contains(line, `msg="poll failed"`) {
			res.problem("serve logged: %s", line)
		}
	}
	// The readers stopped mid-request are logged as failed requests
	// (context canceled); anything else is a problem.
	for _, line := range strings.Split(log[atStop:], "\n") {
		switch {
		case strings.Contains(line, "level=ERROR") && strings.Contains(line, "context canceled"):
			res.cancelled++
		case lockedRE.MatchString(line) || strings.Contains(line, "level=ERROR") || strings.Contains(line, `msg="poll failed"`):
			res.problem("serve logged: %s", line)
		}
	}
	s := readDB(tb, db)
	res.articles = len(s.urls)
	if s.integrity != "ok" || res.articles != want || s.summary != 0 {
		tb.Errorf("after the refresh: integrity %q, %d articles (%d teaser only), want the web's %d", s.integrity, res.articles, s.summary, want)
	}
	slices.Sort(res.latencies)
	for _, l := range res.perRoute {
		slices.Sort(l)
	}
	if res.nProblems > 0 {
		tb.Errorf("%d problems; the first:\n%s", res.nProblems, strings.Join(res.problems, "\n"))
	}
	if len(res.latencies) == 0 {
		tb.Errorf("no request answered in %v", res.refresh)
	}
	return res
}

// raceEnabled tells whether the test binary (and so the serve it starts)
// was built with -race.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// tail is the last n lines of a log.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// summary is the result in one line per route and one for all.
func (r loadResult) summary(readers int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d readers during a refresh of %d articles in %v (%.0f articles/s): %d requests, %.0f req/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; statuses %v\n",
		readers, r.articles, r.refresh.Round(time.Millisecond), float64(r.articles)/r.refresh.Seconds(),
		len(r.latencies), float64(len(r.latencies))/r.refresh.Seconds(),
		ms(percentile(r.latencies, .50)), ms(percentile(r.latencies, .95)), ms(percentile(r.latencies, .99)), ms(percentile(r.latencies, 1)), r.statuses)
	if r.cancelled > 0 {
		fmt.Fprintf(&b, "  (%d requests abandoned at the end logged by serve as level=ERROR \"context canceled\")\n", r.cancelled)
	}
	names := make([]string, 0, len(r.perRoute))
	for n := range r.perRoute {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l := r.perRoute[n]
		fmt.Fprintf(&b, "  %-18s %6d requests, p50 %7.1f ms, p95 %7.1f ms, p99 %7.1f ms\n", n, len(l), ms(percentile(l, .50)), ms(percentile(l, .95)), ms(percentile(l, .99)))
	}
	return b.String()
}

// TestLoadReadersDuringRefresh: 100 clients reading the UI, the API and
// the feeds without pause while serve ingests a web of 160 articles into
// SQLite. No answer may be a 5xx or mention a locked database, nor may
// serve's log; the latencies and request rate are logged.
func TestLoadReadersDuringRefresh(t *testing.T) {
	readers := 100
	if raceEnabled() {
		// The race detector slows serve tenfold: 100 readers then wait
		// past any timeout, and the figures measure the detector.
		readers = 10
		t.Logf("race detector on: %d readers", readers)
	}
	cfg := benchweb.Config{Hosts: 2, FeedsPerHost: 4, ArticlesPerFeed: 20, PageBytes: 30_000}
	r := readersDuringRefresh(t, cfg, readers)
	t.Log(r.summary(readers))
	if len(r.latencies) < readers {
		t.Errorf("only %d requests answered in %v", len(r.latencies), r.refresh)
	}
}

// BenchmarkReadersDuringRefresh is the load test on a bigger web (by
// default 8 hosts × 10 feeds × 25 articles of ~60 KB; SITREP_BENCH_HOSTS,
// _FEEDS, _ARTICLES, _PAGE_BYTES and SITREP_LOAD_READERS change it). It
// reports the readers' latency percentiles and request rate, and the
// refresh's articles/s under that load.
//
//	go test ./cmd/sitrep -run '^$' -bench ReadersDuringRefresh -benchtime 1x
func BenchmarkReadersDuringRefresh(b *testing.B) {
	cfg := benchweb.Config{
		Hosts:           envInt("SITREP_BENCH_HOSTS", 8),
		FeedsPerHost:    envInt("SITREP_BENCH_FEEDS", 10),
		ArticlesPerFeed: envInt("SITREP_BENCH_ARTICLES", 25),
		PageBytes:       envInt("SITREP_BENCH_PAGE_BYTES", 60_000),
	}
	readers := envInt("SITREP_LOAD_READERS", 100)
	var all loadResult
	all.perRoute = map[string][]time.Duration{}
	for range b.N {
		r := readersDuringRefresh(b, cfg, readers)
		b.Log(r.summary(readers))
		all.refresh += r.refresh
		all.articles += r.articles
		all.latencies = append(all.latencies, r.latencies...)
	}
	slices.Sort(all.latencies)
	b.ReportMetric(ms(percentile(all.latencies, .50)), "p50-ms")
	b.ReportMetric(ms(percentile(all.latencies, .95)), "p95-ms")
	b.ReportMetric(ms(percentile(all.latencies, .99)), "p99-ms")
	b.ReportMetric(float64(len(all.latencies))/all.refresh.Seconds(), "req/s")
	b.ReportMetric(float64(all.articles)/all.refresh.Seconds(), "articles/s")
	b.ReportMetric(all.refresh.Seconds()/float64(b.N), "refresh-s")
	b.ReportMetric(0, "ns/op")
}
