package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// now is the tests' fixed clock.
var now = time.Date(2024, 10, 16, 12, 0, 0, 0, time.UTC)

const hostile = `<script>alert(1)</script>`

// fixture is a server over an in-memory store holding a few articles.
type fixture struct {
	t     *testing.T
	store *sqlite.Store
	h     http.Handler
	token string // an API token's secret
}

func newFixture(t *testing.T, mod func(*Config)) *fixture {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, ":memory:", sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.SyncSources(ctx, []model.Source{
		{Name: "Interpol", URL: "https://www.interpol.int/feed.xml", Type: model.SourceFeed, Position: 0},
		{Name: "Europol", URL: "https://www.europol.europa.eu/rss", Type: model.SourceFeed, Position: 1},
		{Name: hostile, URL: "https://evil.example/feed", Type: model.SourceFeed, Position: 2},
	}); err != nil {
		t.Fatal(err)
	}
	st.ReportPoll(ctx, "Interpol", store.PollResult{At: now.Add(-2 * time.Hour), NextDue: now.Add(10 * time.Minute)})
	st.ReportPoll(ctx, hostile, store.PollResult{At: now.Add(-time.Minute), Err: "GET https://evil.example/feed: 503 Service Unavailable", NextDue: now.Add(time.Minute)})
	saves := []struct {
		url, title, body, feed string
		published              time.Time
		summaryOnly            bool
	}{
		{"https://www.interpol.int/jackal", "Operation Jackal III: 300 arrests", "INTERPOL's Operation Jackal targeted West African organised crime.\nMore than 300 arrests.", "Interpol", now.AddDate(0, 0, -2), false},
		{"https://www.europol.europa.eu/cyber", "Cybercrime ring dismantled in Gürak", "Europol supported the operation against ransomware.", "Europol", now.AddDate(0, 0, -1), false},
		{"https://www.europol.europa.eu/teaser", "A teaser only", "Just the feed's summary.", "Europol", now.AddDate(0, -2, 0), true},
		{"https://evil.example/x", hostile + " title", hostile + " body", hostile, now.AddDate(0, 0, -3), false},
	}
	for _, s := range saves {
		a := model.Article{URL: s.url, Title: s.title, Published: s.published, SummaryOnly: s.summaryOnly,
			Blocks: []model.Block{{Kind: model.Paragraph, Text: s.body}, {Kind: model.ListItem, Text: "first point"}, {Kind: model.ListItem, Text: "second point"}}}
		if _, _, err := st.SaveArticle(ctx, store.Save{Article: a, Feed: s.feed}); err != nil {
			t.Fatal(err)
		}
	}
	secret, hash, err := auth.NewSecret(auth.TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, "tests", hash); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Store: st, Now: func() time.Time { return now }, Version: "test", ReadOpen: true,
		Preview: func(ctx context.Context, src model.Source) (pipeline.Preview, error) {
			e := model.Entry{URL: src.URL + "/one", Title: "Previewed article"}
			return pipeline.Preview{Entries: []model.Entry{e}, Articles: []pipeline.PreviewArticle{{
				Article: model.Article{URL: e.URL, Title: e.Title, Blocks: []model.Block{{Kind: model.Paragraph, Text: "What a poll would store."}}},
			}}}, nil
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, store: st, h: h, token: secret}
}

// do sends a request through the handler.
func (f *fixture) do(method, target string, body io.Reader, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

func (f *fixture) get(target string) *httptest.ResponseRecorder { return f.do("GET", target, nil, nil) }

func TestPages(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		path     string
		code     int
		contains []string
	}{
		{"/", 200, []string{"Latest articles", "Operation Jackal III", "Cybercrime ring", "4 articles", "Tuesday 15 October 2024", "teaser only"}},
		{"/?source=Europol", 200, []string{"Cybercrime ring", "2 articles match"}},
		{"/?since=2024-10-15&until=2024-10-15", 200, []string{"Cybercrime ring", "1 article match"}},
		{"/?since=nope", 400, []string{"want a date like 2024-10-01"}},
		{"/articles/1", 200, []string{"Operation Jackal III", "West African organised crime.<br>More than 300 arrests.", "<li>first point</li>", "https://www.interpol.int/jackal", "first seen"}},
		{"/articles/3", 200, []string{"Teaser only", "the site gave no full text"}},
		{"/articles/99", 404, nil},
		{"/articles/x", 404, nil},
		{"/search", 200, []string{"syntax help"}},
		{"/search?q=%22operation+jackal%22", 200, []string{"1 result", "<mark>Operation Jackal</mark>", "By source", "2024-10", "/feeds/atom?q="}},
		{"/search?q=gurak", 200, []string{"<mark>Gürak</mark>"}},
		{"/search?q=%22unterminated", 400, []string{"malformed at character", "aria-invalid"}},
		{"/search?q=jackal&order=sideways", 400, []string{"relevance, newest or oldest"}},
		{"/help/search", 200, []string{"exact phrase", "source:Europol"}},
		{"/sources", 200, []string{"Interpol", "2 hours ago", "in 10 minutes", "server error (503)", "Export OPML", "<svg"}},
		{"/sources/Interpol", 200, []string{"https://www.interpol.int/feed.xml"}},
		{"/sources/" + url.PathEscape(hostile), 200, []string{"evil.example"}},
		{"/sources/nope", 404, nil},
		{"/sources/new", 200, []string{"Add a source"}},
		{"/digest", 200, []string{"Show digest"}},
		{"/digest?show=1&source=Interpol", 200, []string{"1 article, oldest first", "Operation Jackal III: 300 arrests\n\nSource: Interpol\n\n", "Download as .txt"}},
		{"/stats", 200, []string{"Articles per source per week", "<svg", "The same numbers as a table"}},
		{"/signin", 200, []string{"No user exists yet", "sitrep user set-password"}},
		{"/static/style.css", 200, []string{"mark {", ".chart"}},
		{"/healthz", 200, []string{"ok"}},
		{"/missing", 404, nil},
	}
	for _, tt := range tests {
		rec := f.get(tt.path)
		body := rec.Body.String()
		if rec.Code != tt.code {
			t.Errorf("GET %s: %d, want %d", tt.path, rec.Code, tt.code)
		}
		for _, want := range tt.contains {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", tt.path, want)
			}
		}
		if strings.Contains(body, hostile) {
			t.Errorf("GET %s contains the source's markup unescaped", tt.path)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q", tt.path, csp)
		}
	}
}

func TestMarked(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain <b>", "plain &lt;b&gt;"},
		{store.MarkStart + "a&b" + store.MarkEnd + " c", "<mark>a&amp;b</mark> c"},
		{store.MarkStart + "open", "<mark>open</mark>"},
		{"stray" + store.MarkEnd, "stray"},
	}
	for _, tt := range tests {
		if got := string(marked(tt.in)); got != tt.want {
			t.Errorf("marked(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/sources", "/sources"},
		{"/search?q=x", "/search?q=x"},
		{"", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/a\r\nSet-Cookie: x", "/"},
		{"/\t/evil.example", "/"},
		{"/x\\y", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlainError(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GET https://x/feed: 404 Not Found", "gone"},
		{"GET https://x/feed: 503 Service Unavailable", "server error"},
		{"GET https://x/feed: 429 Too Many Requests", "slow down"},
		{`Get "https://x/": dial tcp: lookup x: no such host`, "DNS"},
		{"context deadline exceeded (Client.Timeout exceeded while awaiting headers)", "in time"},
		{"feed https://x/: not a feed", "does not give a feed"},
		{"something odd", "failed"},
	}
	for _, tt := range tests {
		if got := plainError(tt.in); !strings.Contains(got, tt.want) {
			t.Errorf("plainError(%q) = %q, want it to say %q", tt.in, got, tt.want)
		}
	}
}

// TestClientGone: a request whose client hung up is not an internal error:
// no 500, nothing logged at error level.
func TestClientGone(t *testing.T) {
	var logs bytes.Buffer
	f := newFixture(t, func(c *Config) { c.Log = slog.New(slog.NewTextHandler(&logs, nil)) })
	for _, target := range []string{"/api/v1/search?q=europol", "/search?q=europol", "/api/v1/articles", "/"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequest("GET", target, nil).WithContext(ctx)
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != statusClientGone {
			t.Errorf("GET %s with the client gone: %d", target, rec.Code)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("logged as errors:\n%s", logs.String())
	}
}

// TestArticleErrorShown: a source whose feed reads fine but some of whose
// pages fail says so on the Sources page, its own page and in the API.
func TestArticleErrorShown(t *testing.T) {
	f := newFixture(t, nil)
	const msg = "1 of 4 articles failed; the first: GET https://www.interpol.int/x: 404 Not Found"
	if err := f.store.ReportPoll(t.Context(), "Interpol", store.PollResult{At: now, NextDue: now.Add(time.Hour), ArticleErr: msg}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{"/sources", "some articles failed"},
		{"/sources", "404 Not Found"},
		{"/sources/Interpol", "Article errors"},
		{"/api/v1/sources/Interpol", `"article_error": "1 of 4 articles failed`},
	} {
		rec := f.get(tt.path)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("GET %s: %d, want it to show %q", tt.path, rec.Code, tt.want)
		}
	}
	if rec := f.get("/sources/Europol"); strings.Contains(rec.Body.String(), "Article errors") {
		t.Error("a source without article errors shows the heading")
	}
}
