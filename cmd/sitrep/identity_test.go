package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// site is a small web of handlers a test rewires between rounds, counting
// requests per path.
type site struct {
	*httptest.Server
	mu     sync.Mutex
	pages  map[string]func(w http.ResponseWriter, r *http.Request)
	counts map[string]int
}

func newSite(t *testing.T) *site {
	s := &site{pages: map[string]func(http.ResponseWriter, *http.Request){}, counts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counts[r.URL.RequestURI()]++
		h := s.pages[r.URL.Path]
		s.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) set(path, ctype, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body = strings.ReplaceAll(body, "BASE", s.URL)
	s.pages[path] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		etag := fmt.Sprintf(`"%d"`, len(body))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, body)
	}
}

// feedSource is a sources file with the one source "S" at /feed.
func (s *site) feedSource(t *testing.T) string {
	return s.sources(t, "sources:\n  - name: S\n    url: BASE/feed\n")
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

func (s *site) sources(t *testing.T, yaml string) string {
	path := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(yaml, "BASE", s.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// article is a plain article page with a canonical link.
func article(title, canonical string) string {
	body := strings.Repeat("The agency said the operation involved officers from many countries and led to arrests. ", 5)
	return fmt.Sprintf(`<!doctype html><html><head><title>%s</title><link rel="canonical" href="%s"></head>
<body><nav><a href="/">Home</a></nav><article><h1>%s</h1><p>%s</p><p>%s %s</p></article><footer>© Agency</footer></body></html>`,
		title, canonical, title, body, title, body)
}

func rss(items ...string) string {
	return `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>BASE/</link>` + strings.Join(items, "") + `</channel></rss>`
}

func item(title, link, guid string) string {
	s := "<item><title>" + title + "</title>"
	if link != "" {
		s += "<link>" + link + "</link>"
	}
	if guid != "" {
		s += `<guid isPermaLink="false">` + guid + "</guid>"
	}
	return s + "<description>Teaser of " + title + ".</description></item>"
}

func fetchOK(t *testing.T, db, src string) string {
	t.Helper()
	return mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0", "--retries", "0")
}

func titles(arts []exportedArticle) map[string]exportedArticle {
	m := map[string]exportedArticle{}
	for _, a := range arts {
		m[a.Title] = a
	}
	return m
}

func TestIdentity(t *testing.T) {
	t.Run("items with a GUID and no link are each stored", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("One", "", "n-1"), item("Two", "", "n-2"), item("Three", "", "n-3")))
		db := filepath.Join(t.TempDir(), "db")
		src := s.feedSource(t)
		fetchOK(t, db, src)
		fetchOK(t, db, src)
		if got := titles(export(t, db)); len(got) != 3 {
			t.Errorf("stored %d articles, want 3: %v", len(got), got)
		}
	})
	t.Run("two links sharing a GUID are two articles", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/a", "1"), item("Beta", "BASE/b", "1")))
		s.set("/a", "text/html", article("Alpha", "BASE/a"))
		s.set("/b", "text/html", article("Beta", "BASE/b"))
		db := filepath.Join(t.TempDir(), "db")
		fetchOK(t, db, s.feedSource(t))
		got := titles(export(t, db))
		if len(got) != 2 || !strings.Contains(got["Beta"].Body, "Beta") || !strings.Contains(got["Alpha"].Body, "Alpha") {
			t.Errorf("got %d articles: %+v", len(got), got)
		}
	})
	t.Run("a canonical link to a section or shared page merges nothing", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/news/a", ""), item("Beta", "BASE/news/b", ""),
			item("Gamma", "BASE/news/c", ""), item("Delta", "BASE/news/d", "")))
		s.set("/news/a", "text/html", article("Alpha", "BASE/news/"))
		s.set("/news/b", "text/html", article("Beta", "BASE/news/"))
		s.set("/news/c", "text/html", article("Gamma", "BASE/news/latest"))
		s.set("/news/d", "text/html", article("Delta", "BASE/news/latest"))
		db := filepath.Join(t.TempDir(), "db")
		fetchOK(t, db, s.feedSource(t))
		if got := titles(export(t, db)); len(got) != 4 {
			t.Errorf("stored %d articles, want 4", len(got))
		}
	})
	t.Run("a good canonical joins two links to one article", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed1", "application/rss+xml", rss(item("Alpha", "BASE/a?from=feed1", "")))
		s.set("/feed2", "application/rss+xml", rss(item("Alpha", "BASE/a?from=feed2", "")))
		s.set("/a", "text/html", article("Alpha", "BASE/a"))
		db := filepath.Join(t.TempDir(), "db")
		fetchOK(t, db, s.sources(t, "sources:\n  - name: One\n    url: BASE/feed1\n  - name: Two\n    url: BASE/feed2\n"))
		arts := export(t, db)
		if len(arts) != 1 || arts[0].URL != s.URL+"/a" || fmt.Sprint(arts[0].Feeds) != "[One Two]" {
			t.Errorf("export = %+v", arts)
		}
	})
	t.Run("a full article is not traded for a teaser", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/a", "")))
		s.set("/a", "text/html", article("Alpha", "BASE/a"))
		db := filepath.Join(t.TempDir(), "db")
		src := s.feedSource(t)
		fetchOK(t, db, src)
		// The entry changes, and the page is a cookie wall just then.
		s.set("/feed", "application/rss+xml", rss(item("Alpha (updated)", "BASE/a", "")))
		s.set("/a", "text/html", `<html><body><div id="consent">We use cookies.</div></body></html>`)
		out := fetchOK(t, db, src)
		if s.count("/a") != 2 {
			t.Errorf("the page was read %d times, want 2 (the entry changed)", s.count("/a"))
		}
		arts := export(t, db)
		if len(arts) != 1 || arts[0].SummaryOnly || !strings.Contains(arts[0].Body, "operation involved officers") {
			t.Errorf("after a cookie wall (%s): %+v", strings.TrimSpace(out), arts)
		}
		// The page is back: the change lands.
		s.set("/a", "text/html", article("Alpha (updated)", "BASE/a"))
		fetchOK(t, db, src)
		if arts := export(t, db); len(arts) != 1 || arts[0].Title != "Alpha (updated)" || arts[0].SummaryOnly {
			t.Errorf("after the page came back: %+v", arts)
		}
	})
}

// TestFeedDiscovery: a source URL that is an HTML page advertising a feed
// is followed to the feed, and later polls read the feed directly, with
// conditional GET.
func TestFeedDiscovery(t *testing.T) {
	s := newSite(t)
	s.set("/news", "text/html", `<html><head><link rel="alternate" type="application/rss+xml" href="/news/rss.xml"></head><body>News</body></html>`)
	s.set("/news/rss.xml", "application/rss+xml", rss(item("Alpha", "BASE/a", "")))
	s.set("/a", "text/html", article("Alpha", "BASE/a"))
	db := filepath.Join(t.TempDir(), "db")
	src := s.sources(t, "sources:\n  - name: S\n    url: BASE/news\n")
	if out := fetchOK(t, db, src); !strings.Contains(out, "S: 1 new") {
		t.Fatalf("first round: %s", out)
	}
	out := fetchOK(t, db, src)
	if !strings.Contains(out, "(not modified)") || s.count("/news") != 1 || s.count("/news/rss.xml") != 2 {
		t.Errorf("second round: %s; page read %d times, feed %d times; want the feed read again (304), the page not",
			strings.TrimSpace(out), s.count("/news"), s.count("/news/rss.xml"))
	}
	// The feed moves away: the page is read again and the new feed found.
	s.mu.Lock()
	delete(s.pages, "/news/rss.xml")
	s.mu.Unlock()
	s.set("/news", "text/html", `<html><head><link rel="alternate" type="application/atom+xml" href="/news/atom.xml"></head><body>News!</body></html>`)
	s.set("/news/atom.xml", "application/atom+xml", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2024-10-01T00:00:00Z</updated>
<entry><title>Beta</title><link href="BASE/b"/><id>b</id><updated>2024-10-01T00:00:00Z</updated><summary>Teaser of Beta.</summary></entry></feed>`)
	s.set("/b", "text/html", article("Beta", "BASE/b"))
	if out := fetchOK(t, db, src); !strings.Contains(out, "S: 1 new") {
		t.Errorf("after the feed moved: %s", out)
	}
}

// TestFullTextInFeed: a feed that carries the whole article (Eurojust's
// RSS puts it in a non-standard <body>) is stored from the feed, without
// downloading the page.
func TestFullTextInFeed(t *testing.T) {
	s := newSite(t)
	body := strings.Repeat("<p>Eurojust supported the French and Italian authorities in dismantling a criminal network.</p>", 8)
	s.set("/rss", "application/rss+xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>Eurojust</title><link>BASE/</link>
<item><title>Criminals stopped</title><link>BASE/news/criminals-stopped</link><description>A teaser.</description>
<pubDate>Mon, 14 Oct 2024 10:00:00 +0000</pubDate><body><![CDATA[`+body+`<ul><li>France: Court of Dijon</li><li>Italy: Prosecutors</li></ul>]]></body></item>
</channel></rss>`)
	s.set("/news/criminals-stopped", "text/html", article("Criminals stopped", "BASE/news/criminals-stopped"))
	db := filepath.Join(t.TempDir(), "db")
	fetchOK(t, db, s.sources(t, "sources:\n  - name: Eurojust\n    url: BASE/rss\n"))
	arts := export(t, db)
	if len(arts) != 1 || arts[0].SummaryOnly || !strings.Contains(arts[0].Body, "dismantling a criminal network") ||
		!strings.HasSuffix(arts[0].Body, "\n  • France: Court of Dijon\n  • Italy: Prosecutors") {
		t.Errorf("export = %+v", arts)
	}
	if n := s.count("/news/criminals-stopped"); n != 0 {
		t.Errorf("the page was downloaded %d times although the feed carries the article", n)
	}
}

func (s *site) redirect(path, to string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, code) }
}

func (s *site) status(path string, code int, header map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		http.Error(w, http.StatusText(code), code)
	}
}

func TestIdentityRedirects(t *testing.T) {
	t.Run("a link that redirects to the home page stores nothing", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/news/a", ""), item("Beta", "BASE/news/b", ""), item("Gamma", "BASE/news/c", "")))
		s.set("/", "text/html", article("Welcome to the Agency", "BASE/"))
		s.redirect("/news/a", "/", http.StatusFound)
		s.redirect("/news/b", "/", http.StatusFound)
		s.set("/news/c", "text/html", article("Gamma", "BASE/news/c"))
		db := filepath.Join(t.TempDir(), "db")
		out := fetchOK(t, db, s.feedSource(t))
		got := titles(export(t, db))
		if len(got) != 1 || got["Gamma"].URL != s.URL+"/news/c" {
			t.Errorf("stored %v", got)
		}
		if !strings.Contains(out, "S: 1 new, 0 updated, 0 unchanged, 2 failed") || !strings.Contains(out, "not an article") {
			t.Errorf("summary: %s", out)
		}
	})
	t.Run("links redirecting to one shared page are not merged", func(t *testing.T) {
		for range 3 { // the race this guards against showed in a few runs of 30
			s := newSite(t)
			var items []string
			for i := range 8 {
				name := fmt.Sprintf("Story number %d about a distinct operation %c", i, 'A'+i)
				items = append(items, item(name, fmt.Sprintf("BASE/news/article.aspx?id=%d", i), ""))
			}
			s.set("/news/article.aspx", "text/html", article("Shared", "BASE/news/article.aspx"))
			s.set("/feed", "application/rss+xml", rss(items...))
			db := filepath.Join(t.TempDir(), "db")
			fetchOK(t, db, s.feedSource(t))
			if got := titles(export(t, db)); len(got) != 8 {
				t.Fatalf("stored %d articles, want 8", len(got))
			}
		}
	})
	t.Run("a GUID follows an article whose link changed", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Operation Alpha", "BASE/news/123-operation-alpha", "tag:agency.example,2024:123")))
		s.set("/news/123-operation-alpha", "text/html", article("Operation Alpha", "BASE/news/123-operation-alpha"))
		db := filepath.Join(t.TempDir(), "db")
		src := s.feedSource(t)
		fetchOK(t, db, src)
		s.set("/feed", "application/rss+xml", rss(item("Operation Alpha: 40 arrests", "BASE/news/123-operation-alpha-40-arrests", "tag:agency.example,2024:123")))
		s.set("/news/123-operation-alpha-40-arrests", "text/html", article("Operation Alpha: 40 arrests", "BASE/news/123-operation-alpha-40-arrests"))
		out := fetchOK(t, db, src)
		arts := export(t, db)
		if len(arts) != 1 || arts[0].Title != "Operation Alpha: 40 arrests" {
			t.Errorf("after the slug changed (%s): %+v", strings.TrimSpace(out), arts)
		}
	})
}

func TestArticleRetries(t *testing.T) {
	t.Run("a teaser kept for want of page text is retried the next day", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/a", "")))
		s.set("/a", "text/html", `<html><body><div id="app"></div><noscript>Enable JavaScript</noscript></body></html>`)
		db := filepath.Join(t.TempDir(), "db")
		src := s.feedSource(t)
		fetchOK(t, db, src)
		s.set("/a", "text/html", article("Alpha", "BASE/a"))
		// A feed change the same day does not bring the page back...
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/a", ""), item("Beta", "BASE/b", "")))
		s.set("/b", "text/html", article("Beta", "BASE/b"))
		fetchOK(t, db, src)
		if n := s.count("/a"); n != 1 {
			t.Errorf("the app shell was read %d times the same day, want 1", n)
		}
		// ...the next day does.
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/a", ""), item("Beta", "BASE/b", ""), item("Gamma", "BASE/c", "")))
		s.set("/c", "text/html", article("Gamma", "BASE/c"))
		tomorrow := func() time.Time { return time.Now().Add(25 * time.Hour) }
		if _, _, err := sitrepAt(t, tomorrow, "fetch", "--db", db, "--sources", src, "--host-delay", "0"); err != nil {
			t.Fatal(err)
		}
		if a := titles(export(t, db))["Alpha"]; a.SummaryOnly || !strings.Contains(a.Body, "operation involved officers") {
			t.Errorf("next day: %+v", a)
		}
	})
	t.Run("a dead link does not cost the feed its 304s", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/a", ""), item("Gone", "BASE/gone", "")))
		s.set("/a", "text/html", article("Alpha", "BASE/a"))
		db := filepath.Join(t.TempDir(), "db")
		src := s.feedSource(t)
		if out := fetchOK(t, db, src); !strings.Contains(out, "1 new, 0 updated, 0 unchanged, 1 failed") {
			t.Errorf("first round: %s", out)
		}
		if out := fetchOK(t, db, src); !strings.Contains(out, "(not modified)") {
			t.Errorf("second round: %s, want the feed's 304", out)
		}
	})
	t.Run("a server error is retried with the feed read again", func(t *testing.T) {
		s := newSite(t)
		s.set("/feed", "application/rss+xml", rss(item("Alpha", "BASE/a", "")))
		s.status("/a", http.StatusInternalServerError, nil)
		db := filepath.Join(t.TempDir(), "db")
		src := s.feedSource(t)
		fetchOK(t, db, src)
		s.set("/a", "text/html", article("Alpha", "BASE/a"))
		if out := fetchOK(t, db, src); !strings.Contains(out, "S: 1 new") {
			t.Errorf("second round: %s", out)
		}
	})
	t.Run("a host that asks to wait is left alone for the rest of the poll", func(t *testing.T) {
		s := newSite(t)
		var items []string
		for i := range 20 {
			items = append(items, item(fmt.Sprintf("Item %d", i), fmt.Sprintf("BASE/a/%d", i), ""))
			s.status(fmt.Sprintf("/a/%d", i), http.StatusTooManyRequests, map[string]string{"Retry-After": "3600"})
		}
		s.set("/feed", "application/rss+xml", rss(items...))
		db := filepath.Join(t.TempDir(), "db")
		out := fetchOK(t, db, s.sources(t, "sources:\n  - name: S\n    url: BASE/feed\n    per_host: 1\n"))
		asked := 0
		for i := range 20 {
			asked += s.count(fmt.Sprintf("/a/%d", i))
		}
		if asked > 3 || !strings.Contains(out, "20 failed") {
			t.Errorf("%d pages requested after a 429 asking for an hour (%s)", asked, strings.TrimSpace(out))
		}
	})
}

func TestDiscoveredFeedSoft404(t *testing.T) {
	s := newSite(t)
	s.set("/news", "text/html", `<html><head><link rel="alternate" type="application/rss+xml" href="/news/rss.xml"></head><body>News</body></html>`)
	s.set("/news/rss.xml", "application/rss+xml", rss(item("Alpha", "BASE/a", "")))
	s.set("/a", "text/html", article("Alpha", "BASE/a"))
	db := filepath.Join(t.TempDir(), "db")
	src := s.sources(t, "sources:\n  - name: S\n    url: BASE/news\n")
	fetchOK(t, db, src)
	// The feed now sends readers to the shop's home page, full of links.
	s.redirect("/news/rss.xml", "/", http.StatusMovedPermanently)
	var links strings.Builder
	for i := range 5 {
		fmt.Fprintf(&links, `<a href="/news/shop-product-%d">Product %d</a>`, i, i)
	}
	s.set("/", "text/html", "<html><body>"+links.String()+"</body></html>")
	out, _, _ := sitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0", "--retries", "0")
	if got := export(t, db); len(got) != 1 {
		t.Errorf("after the soft 404 (%s): %d articles, want the 1 stored before", strings.TrimSpace(out), len(got))
	}
	if !strings.Contains(out, "error:") {
		t.Errorf("the dead feed was not reported: %s", out)
	}
}
