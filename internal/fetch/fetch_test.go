package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testUA = "sitrep/0.1 (+https://example.test/sitrep)"

// site is a loopback server that counts requests per path and records the
// User-Agent of each.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
	uas  []string
}

func newSite(t *testing.T, mux *http.ServeMux) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.RequestURI()]++
		s.uas = append(s.uas, r.UserAgent())
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// fakeClock is a clock whose Sleep advances it instantly and records what
// was asked, so waits (backoff, Retry-After, pacing) cost no test time.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// testClient uses testUA and, given one, a fake clock.
func testClient(cfg Config, clk *fakeClock) *Client {
	if cfg.UserAgent == "" {
		cfg.UserAgent = testUA
	}
	if clk != nil {
		cfg.Now, cfg.Sleep = clk.Now, clk.Sleep
	}
	return New(cfg)
}

func text(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, body)
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
}

func TestRobotsRules(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", text("User-agent: *\nDisallow: /private\n\n"+
		"User-agent: sitrep\nDisallow: /nositrep\nDisallow: /q?secret\n\n"+
		"User-agent: otherbot\nDisallow: /\n"))
	mux.HandleFunc("/", text("page"))
	s := newSite(t, mux)
	c := testClient(Config{}, newFakeClock())

	tests := []struct {
		path    string
		wantErr error
	}{
		{"/ok", nil},
		{"/private", nil}, // our own group replaces the * group
		{"/nositrep", ErrDisallowed},
		{"/nositrep/deeper", ErrDisallowed},
		{"/q?secret=1", ErrDisallowed},
		{"/q?public=1", nil},
	}
	for _, tt := range tests {
		_, err := c.Get(context.Background(), Request{URL: s.URL + tt.path})
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("Get(%s): err = %v, want %v", tt.path, err, tt.wantErr)
		}
		wantHits := 1
		if tt.wantErr != nil {
			wantHits = 0
		}
		if got := s.count(tt.path); got != wantHits {
			t.Errorf("Get(%s): server saw %d requests, want %d", tt.path, got, wantHits)
		}
	}
	if got := s.count("/robots.txt"); got != 1 {
		t.Errorf("robots.txt fetched %d times, want 1 (cached)", got)
	}
}

func TestRobotsStatusAndTTL(t *testing.T) {
	tests := []struct {
		name    string
		robots  http.HandlerFunc
		wantErr error
		ttl     time.Duration // how long the verdict is cached
	}{
		{"200 allow", text("User-agent: *\nDisallow: /x\n"), nil, 12 * time.Hour},
		{"200 disallow", text("User-agent: *\nDisallow: /\n"), ErrDisallowed, 12 * time.Hour},
		{"404 allows all", status(404), nil, 12 * time.Hour},
		{"403 allows all", status(403), nil, 12 * time.Hour},
		{"500 disallows for a while", status(500), ErrRobotsUnavailable, time.Minute},
		{"429 disallows for a while", status(429), ErrRobotsUnavailable, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/robots.txt", tt.robots)
			mux.HandleFunc("/page", text("page"))
			s := newSite(t, mux)
			clk := newFakeClock()
			c := testClient(Config{Retries: -1}, clk)
			get := func() error {
				_, err := c.Get(context.Background(), Request{URL: s.URL + "/page"})
				return err
			}
			if err := get(); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil && s.count("/page") != 0 {
				t.Errorf("page fetched despite %v", tt.wantErr)
			}
			clk.Advance(tt.ttl - time.Second)
			if err := get(); !errors.Is(err, tt.wantErr) {
				t.Fatalf("second err = %v, want %v", err, tt.wantErr)
			}
			if got := s.count("/robots.txt"); got != 1 {
				t.Errorf("robots.txt fetched %d times within its lifetime, want 1", got)
			}
			clk.Advance(2 * time.Second)
			_ = get()
			if got := s.count("/robots.txt"); got != 2 {
				t.Errorf("robots.txt fetched %d times after its lifetime, want 2", got)
			}
		})
	}
}

func TestRobotsNetworkError(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	dead := s.URL
	s.Close() // connection refused from now on
	clk := newFakeClock()
	c := testClient(Config{}, clk)
	_, err := c.Get(context.Background(), Request{URL: dead + "/page"})
	if !errors.Is(err, ErrRobotsUnavailable) {
		t.Fatalf("err = %v, want ErrRobotsUnavailable", err)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("error %q does not say why", err)
	}
	if got := len(clk.Sleeps()); got != DefaultRetries {
		t.Errorf("%d retry waits, want %d (refused connections are transient)", got, DefaultRetries)
	}
}

func TestUserAgentOnEveryRequest(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", text(""))
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", text("b"))
	s := newSite(t, mux)
	c := testClient(Config{}, newFakeClock())
	if _, err := c.Get(context.Background(), Request{URL: s.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	if len(s.uas) != 3 {
		t.Fatalf("server saw %d requests, want 3 (robots, /a, /b)", len(s.uas))
	}
	for i, ua := range s.uas {
		if ua != testUA {
			t.Errorf("request %d: User-Agent %q, want %q", i, ua, testUA)
		}
	}

	if _, err := New(Config{}).Get(context.Background(), Request{URL: s.URL + "/b"}); !errors.Is(err, ErrNoUserAgent) {
		t.Errorf("no UserAgent: err = %v, want ErrNoUserAgent", err)
	}
}

func TestPerHostConcurrency(t *testing.T) {
	tests := []struct {
		name     string
		perHost  int // client default
		override int // per request
		want     int
	}{
		{"default 2", 0, 0, 2},
		{"config 1", 1, 0, 1},
		{"override 3", 2, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cur, peak atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n := cur.Add(1)
				defer cur.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(3 * time.Millisecond)
				w.WriteHeader(http.StatusNotFound) // also serves robots.txt
			})
			s := newSite(t, mux)
			c := testClient(Config{PerHost: tt.perHost}, nil)
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Go(func() {
					_, err := c.Get(context.Background(), Request{URL: fmt.Sprintf("%s/p%d", s.URL, i), PerHost: tt.override})
					var se *StatusError
					if !errors.As(err, &se) || se.Code != 404 {
						t.Errorf("Get: %v, want 404 StatusError", err)
					}
				})
			}
			wg.Wait()
			if got := s.count("/robots.txt"); got != 1 {
				t.Errorf("robots.txt fetched %d times by 50 goroutines, want 1", got)
			}
			if got := int(peak.Load()); got > tt.want || got < 1 {
				t.Errorf("peak concurrency %d, want ≤ %d", got, tt.want)
			}
			t.Logf("peak concurrency %d (limit %d)", peak.Load(), tt.want)
		})
	}
}

// startRecorder is a RoundTripper noting when each request starts, on the
// client side, where the pacing guarantee holds.
type startRecorder struct {
	mu     sync.Mutex
	starts []time.Time
	next   http.RoundTripper
}

func (r *startRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.starts = append(r.starts, time.Now())
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func TestHostDelay(t *testing.T) {
	tests := []struct {
		name     string
		delay    time.Duration
		override time.Duration
		want     time.Duration
	}{
		{"config", 30 * time.Millisecond, 0, 30 * time.Millisecond},
		{"override", 30 * time.Millisecond, 60 * time.Millisecond, 60 * time.Millisecond},
		{"none", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, http.NewServeMux()) // 404 for all
			rec := &startRecorder{next: NewTransport(Config{})}
			c := testClient(Config{HostDelay: tt.delay, PerHost: 4, Transport: rec}, nil)
			var wg sync.WaitGroup
			for i := range 5 {
				wg.Go(func() {
					_, _ = c.Get(context.Background(), Request{URL: fmt.Sprintf("%s/p%d", s.URL, i), HostDelay: tt.override})
				})
			}
			wg.Wait()
			if len(rec.starts) != 6 {
				t.Fatalf("%d requests, want 6", len(rec.starts))
			}
			// Start i is reserved at first+i·delay; scheduling may delay a
			// start but never advance it, so check against the first.
			for i := 1; i < len(rec.starts); i++ {
				if got, want := rec.starts[i].Sub(rec.starts[0]), time.Duration(i)*tt.want-2*time.Millisecond; got < want {
					t.Errorf("start %d after %v, want ≥ %v", i, got, want)
				}
			}
			if total := rec.starts[5].Sub(rec.starts[0]); tt.want == 0 && total > 100*time.Millisecond {
				t.Errorf("no delay configured, yet 6 requests took %v", total)
			}
		})
	}
}

func TestConditionalGet(t *testing.T) {
	mod := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeContent(w, r, "", mod, strings.NewReader("<rss/>"))
	})
	s := newSite(t, mux)
	c := testClient(Config{}, newFakeClock())
	ctx := context.Background()

	first, err := c.Get(ctx, Request{URL: s.URL + "/feed"})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || string(first.Body) != "<rss/>" || first.ETag != `"v1"` || first.LastModified == "" {
		t.Fatalf("first = %+v", first)
	}
	tests := []struct {
		name string
		req  Request
		want bool
	}{
		{"etag", Request{ETag: first.ETag}, true},
		{"last-modified", Request{LastModified: first.LastModified}, true},
		{"stale etag", Request{ETag: `"v0"`}, false},
	}
	for _, tt := range tests {
		tt.req.URL = s.URL + "/feed"
		got, err := c.Get(ctx, tt.req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.NotModified != tt.want {
			t.Errorf("%s: NotModified = %v, want %v", tt.name, got.NotModified, tt.want)
		}
		// On 304 the validators sent stay valid.
		if got.NotModified && (len(got.Body) != 0 || got.Status != 304 ||
			(tt.req.ETag != "" && got.ETag != tt.req.ETag) ||
			(tt.req.LastModified != "" && got.LastModified != tt.req.LastModified)) {
			t.Errorf("%s: 304 response %+v", tt.name, got)
		}
	}
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func TestGzipAndSizeCap(t *testing.T) {
	page := bytes.Repeat([]byte("<p>news</p>\n"), 1000) // 12,000 bytes
	bomb := gzipped(make([]byte, 4<<20))                // 4 MiB of zeros, ~4 KB on the wire
	mux := http.NewServeMux()
	mux.HandleFunc("/gz", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Error("no Accept-Encoding: gzip")
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(gzipped(page))
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(bomb)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(make([]byte, 2<<20)) })
	mux.HandleFunc("/bigchunked", func(w http.ResponseWriter, r *http.Request) {
		for range 64 {
			_, _ = w.Write(make([]byte, 32<<10))
			w.(http.Flusher).Flush() // no Content-Length: the cap must catch it while reading
		}
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(make([]byte, 1<<20)) })
	s := newSite(t, mux)
	c := testClient(Config{MaxBody: 1 << 20}, newFakeClock())

	tests := []struct {
		path    string
		wantErr error
		wantLen int
	}{
		{"/gz", nil, len(page)},
		{"/exact", nil, 1 << 20},
		{"/bomb", ErrTooLarge, 0},
		{"/big", ErrTooLarge, 0},
		{"/bigchunked", ErrTooLarge, 0},
	}
	for _, tt := range tests {
		got, err := c.Get(context.Background(), Request{URL: s.URL + tt.path})
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: err = %v, want %v", tt.path, err, tt.wantErr)
			continue
		}
		if err == nil && len(got.Body) != tt.wantLen {
			t.Errorf("%s: body %d bytes, want %d", tt.path, len(got.Body), tt.wantLen)
		}
		if err != nil && !strings.Contains(err.Error(), tt.path) {
			t.Errorf("%s: error %q does not name the URL", tt.path, err)
		}
		if n := s.count(tt.path); n != 1 {
			t.Errorf("%s: requested %d times, want 1 (never retry ErrTooLarge)", tt.path, n)
		}
	}
}

func TestTimeouts(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/slowheaders", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		for range 1000 {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(20 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	s := newSite(t, mux)

	tests := []struct {
		name     string
		path     string
		cfg      Config
		deadline time.Duration // the caller's, if any
	}{
		{"response headers", "/slowheaders", Config{HeaderTimeout: 100 * time.Millisecond, Retries: -1}, 0},
		{"no backoff past the caller's deadline", "/slowheaders", Config{HeaderTimeout: 100 * time.Millisecond}, 400 * time.Millisecond},
		{"trickled body", "/trickle", Config{Timeout: 300 * time.Millisecond, Retries: -1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(tt.cfg, nil)
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			start := time.Now()
			_, err := c.Get(ctx, Request{URL: s.URL + tt.path})
			took := time.Since(start)
			if err == nil {
				t.Fatal("no error")
			}
			if took > time.Second {
				t.Errorf("took %v, want well under 1s", took)
			}
			t.Logf("%v after %v", err, took)
		})
	}
}

func TestCharset(t *testing.T) {
	// 0x92 is ’ and 0xFC is ü in windows-1252.
	w1252 := []byte("Minister\x92s visit to M\xfcnchen")
	const want = "Minister’s visit to München"
	html := func(head string) []byte {
		return append(append([]byte("<!DOCTYPE html><html><head>"+head+"</head><body><p>"), w1252...), "</p></body></html>"...)
	}
	utf16le := []byte{0xff, 0xfe}
	for _, r := range "<p>Grüße</p>" {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	tests := []struct {
		name, ctype string
		body        []byte
		want        string // substring of the decoded body
		wantType    string
	}{
		{"header charset", "text/html; charset=windows-1252", html(""), want, "text/html"},
		{"meta charset", "text/html", html(`<meta charset="windows-1252">`), want, "text/html"},
		{"meta http-equiv", "text/html", html(`<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">`), want, "text/html"},
		{"header beats meta", "text/html; charset=windows-1252", html(`<meta charset="utf-8">`), want, "text/html"},
		{"sniffed html", "", html(`<meta charset="windows-1252">`), want, "text/html"},
		{"utf-8 BOM", "text/html", append([]byte("\xef\xbb\xbf<p>"), "Grüße</p>"...), "<p>Grüße</p>", "text/html"},
		{"utf-16 BOM", "text/html", utf16le, "<p>Grüße</p>", "text/html"},
		{"undeclared utf-8", "text/html", []byte(strings.Repeat("<!-- padding -->", 100) + "<p>Grüße ’</p>"), "<p>Grüße ’</p>", "text/html"},
		{"stale meta, utf-8 body", "text/html", []byte(`<meta charset="iso-8859-1"><p>Grüße</p>`), "<p>Grüße</p>", "text/html"},
		{"xml left raw", "application/rss+xml; charset=windows-1252", w1252, string(w1252), "application/rss+xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/p", func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype == "" {
					w.Header()["Content-Type"] = nil // stop net/http sniffing for us
				} else {
					w.Header().Set("Content-Type", tt.ctype)
				}
				_, _ = w.Write(tt.body)
			})
			s := newSite(t, mux)
			got, err := testClient(Config{}, newFakeClock()).Get(context.Background(), Request{URL: s.URL + "/p"})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(got.Body, []byte(tt.want)) {
				t.Errorf("body %q, want it to contain %q", got.Body, tt.want)
			}
			if got.ContentType != tt.wantType {
				t.Errorf("ContentType %q, want %q", got.ContentType, tt.wantType)
			}
			if bytes.HasPrefix(got.Body, []byte("\xef\xbb\xbf")) {
				t.Error("BOM kept")
			}
			if bytes.Contains(bytes.ToLower(got.Body), []byte("charset=\"windows-1252")) ||
				bytes.Contains(bytes.ToLower(got.Body), []byte("charset=iso-8859-1\"")) {
				t.Errorf("decoded body still declares a legacy charset: %q", got.Body)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name        string
		code        int
		retryAfter  func(now time.Time) string
		wantErr     bool
		wantWait    time.Duration // the pause before the retry (±1s for dates)
		wantRetryAf time.Duration // on the StatusError
	}{
		{"503 seconds", 503, func(time.Time) string { return "7" }, false, 7 * time.Second, 0},
		{"429 seconds", 429, func(time.Time) string { return "2" }, false, 2 * time.Second, 0},
		{"503 date", 503, func(now time.Time) string { return now.Add(20 * time.Second).UTC().Format(http.TimeFormat) }, false, 20 * time.Second, 0},
		{"429 too long", 429, func(time.Time) string { return "3600" }, true, 0, time.Hour},
		{"503 date too far", 503, func(now time.Time) string { return now.Add(2 * time.Hour).UTC().Format(http.TimeFormat) }, true, 0, 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			var n atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/p", func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					w.Header().Set("Retry-After", tt.retryAfter(clk.Now()))
					w.WriteHeader(tt.code)
					return
				}
				fmt.Fprint(w, "ok")
			})
			s := newSite(t, mux)
			c := testClient(Config{}, clk)
			got, err := c.Get(context.Background(), Request{URL: s.URL + "/p"})
			if tt.wantErr {
				var se *StatusError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want *StatusError", err)
				}
				if d := se.RetryAfter - tt.wantRetryAf; d < -time.Second || d > time.Second {
					t.Errorf("RetryAfter = %v, want %v", se.RetryAfter, tt.wantRetryAf)
				}
				if se.Code != tt.code || n.Load() != 1 {
					t.Errorf("code %d after %d requests, want %d after 1", se.Code, n.Load(), tt.code)
				}
				return
			}
			if err != nil || string(got.Body) != "ok" {
				t.Fatalf("Get = %v, %v", got, err)
			}
			var waited time.Duration
			for _, d := range clk.Sleeps() {
				waited += d
			}
			if d := waited - tt.wantWait; d < -time.Second || d > time.Second {
				t.Errorf("waited %v, want %v", waited, tt.wantWait)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		fail      http.HandlerFunc // answers the first failures
		failures  int
		wantCalls int
		wantCode  int // 0: success
	}{
		{"404 not retried", status(404), 99, 1, 404},
		{"410 not retried", status(410), 99, 1, 410},
		{"500 not retried", status(500), 99, 1, 500},
		{"502 retried then gives up", status(502), 99, 3, 502},
		{"504 retried then ok", status(504), 2, 3, 0},
		{"503 no Retry-After retried", status(503), 1, 2, 0},
		{"connection reset retried", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0) // RST, not FIN
				_ = conn.Close()
			}
		}, 1, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/p", func(w http.ResponseWriter, r *http.Request) {
				if int(n.Add(1)) <= tt.failures {
					tt.fail(w, r)
					return
				}
				fmt.Fprint(w, "ok")
			})
			s := newSite(t, mux)
			clk := newFakeClock()
			c := testClient(Config{RetryBackoff: time.Second}, clk)
			_, err := c.Get(context.Background(), Request{URL: s.URL + "/p"})
			var se *StatusError
			switch {
			case tt.wantCode == 0 && err != nil:
				t.Fatalf("err = %v, want success", err)
			case tt.wantCode != 0 && (!errors.As(err, &se) || se.Code != tt.wantCode):
				t.Fatalf("err = %v, want status %d", err, tt.wantCode)
			}
			if got := int(n.Load()); got != tt.wantCalls {
				t.Errorf("%d requests, want %d", got, tt.wantCalls)
			}
			// Backoff: attempt k waits base·2^k·[0.5, 1.5).
			for k, d := range clk.Sleeps() {
				lo, hi := time.Second<<k/2, time.Second<<k*3/2
				if d < lo || d >= hi {
					t.Errorf("wait %d = %v, want in [%v, %v)", k, d, lo, hi)
				}
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	other := newSite(t, func() *http.ServeMux {
		m := http.NewServeMux()
		m.HandleFunc("/robots.txt", text("User-agent: *\nDisallow: /secret\n"))
		m.HandleFunc("/", text("other"))
		return m
	}())
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", text("User-agent: *\nDisallow: /private\n"))
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusMovedPermanently) }
	}
	mux.HandleFunc("/a", redirect("/b"))
	mux.HandleFunc("/b", redirect("c?x=1#frag"))
	mux.HandleFunc("/c", text("final"))
	mux.HandleFunc("/toprivate", redirect("/private/x"))
	mux.HandleFunc("/loop", redirect("/loop"))
	mux.HandleFunc("/ftp", redirect("ftp://example.com/file"))
	mux.HandleFunc("/away", redirect(other.URL+"/page"))
	mux.HandleFunc("/awaysecret", redirect(other.URL+"/secret"))
	s := newSite(t, mux)
	c := testClient(Config{}, newFakeClock())

	tests := []struct {
		path    string
		wantURL string
		wantErr error
	}{
		{"/a", s.URL + "/c?x=1", nil},
		{"/away", other.URL + "/page", nil},
		{"/toprivate", "", ErrDisallowed},
		{"/awaysecret", "", ErrDisallowed},
		{"/loop", "", ErrTooManyRedirects},
		{"/ftp", "", ErrBadURL},
	}
	for _, tt := range tests {
		got, err := c.Get(context.Background(), Request{URL: s.URL + tt.path})
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: err = %v, want %v", tt.path, err, tt.wantErr)
			continue
		}
		if err == nil && got.URL != tt.wantURL {
			t.Errorf("%s: URL = %q, want %q", tt.path, got.URL, tt.wantURL)
		}
	}
	if n := s.count("/private/x") + other.count("/secret"); n != 0 {
		t.Errorf("disallowed redirect targets requested %d times", n)
	}
	if n := s.count("/loop"); n != maxRedirects+1 {
		t.Errorf("/loop requested %d times, want %d", n, maxRedirects+1)
	}
	if n := other.count("/robots.txt"); n != 1 {
		t.Errorf("other host's robots.txt fetched %d times, want 1", n)
	}
}

func TestBadURL(t *testing.T) {
	c := testClient(Config{}, newFakeClock())
	for _, u := range []string{"ftp://example.com/x", "/relative", "http://", "mailto:a@b.c", "javascript:alert(1)", "http://[::1"} {
		if _, err := c.Get(context.Background(), Request{URL: u}); !errors.Is(err, ErrBadURL) {
			t.Errorf("Get(%q): err = %v, want ErrBadURL", u, err)
		}
	}
}

func TestStatusErrorMessage(t *testing.T) {
	tests := []struct {
		err  StatusError
		want string
	}{
		{StatusError{URL: "https://x/y", Code: 500}, "GET https://x/y: 500 Internal Server Error"},
		{StatusError{URL: "https://x/y", Code: 429, RetryAfter: time.Hour}, "GET https://x/y: 429 Too Many Requests (retry after 1h0m0s)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"Thu, 02 Jan 2025 03:05:05 GMT", time.Minute},
		{"Thursday, 02-Jan-25 03:04:15 GMT", 10 * time.Second},
		{"Thu, 02 Jan 2025 03:00:00 GMT", 0}, // past
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestProductToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sitrep/0.1 (+https://github.com/sitrep/sitrep)", "sitrep"},
		{"SitRep", "sitrep"},
		{"sitrep (+contact)", "sitrep"},
	}
	for _, tt := range tests {
		if got := productToken(tt.in); got != tt.want {
			t.Errorf("productToken(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConnectionReuse(t *testing.T) {
	var conns atomic.Int32
	s := httptest.NewUnstartedServer(text("<p>page</p>"))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	defer s.Close()
	tests := []struct {
		name    string
		perHost int
	}{
		{"default", 0},
		{"override 6", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(Config{}, nil)
			conns.Store(0)
			var wg sync.WaitGroup
			for i := range 60 {
				wg.Go(func() {
					if _, err := c.Get(context.Background(), Request{URL: fmt.Sprintf("%s/p%d", s.URL, i), PerHost: tt.perHost}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			// The transport returns a connection to its idle pool just
			// after the body's EOF, so a next request may race it and dial:
			// allow that, but not a dial per request.
			limit := 2 * max(tt.perHost, DefaultPerHost)
			if got := int(conns.Load()); got > limit {
				t.Errorf("%d connections for 61 requests, want ≤ %d (keep-alive)", got, limit)
			}
		})
	}
}

// TestQueueingIsNotATimeout: waiting for a host slot (our politeness) does
// not count against Timeout, which measures the server.
func TestQueueingIsNotATimeout(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", text("ok"))
	s := newSite(t, mux)
	c := testClient(Config{PerHost: 1, HostDelay: 200 * time.Millisecond, Timeout: 300 * time.Millisecond}, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Get(context.Background(), Request{URL: fmt.Sprintf("%s/a%d", s.URL, i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a request that queued ~800 ms for its slot failed: %v", err)
		}
	}
}
