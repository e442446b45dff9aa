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
		src := s.sources(t, "sources:\n  - name: S\n    url: BASE/feed\n")
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
		fetchOK(t, db, s.sources(t, "sources:\n  - name: S\n    url: BASE/feed\n"))
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
		fetchOK(t, db, s.sources(t, "sources:\n  - name: S\n    url: BASE/feed\n"))
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
		src := s.sources(t, "sources:\n  - name: S\n    url: BASE/feed\n")
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
