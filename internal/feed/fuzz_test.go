package feed

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/testweb"
)

// seeds adds the testweb's files whose names end in one of exts, and the
// hostile shapes every parser must survive.
func seeds(f *testing.F, exts ...string) {
	if dir, err := testweb.Dir(); err == nil {
		filepath.WalkDir(filepath.Join(dir, "files"), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			for _, e := range exts {
				if strings.HasSuffix(p, e) {
					if b, err := os.ReadFile(p); err == nil && len(b) < 200_000 {
						f.Add(b)
					}
				}
			}
			return nil
		})
	}
	for _, s := range []string{"", "null", `{"version":"https://jsonfeed.org/version/1.1","items":[null]}`, `{"items":null}`,
		"<rss><channel><item><title>\xff\xfe</title></item>", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><rss>&b;</rss>",
		strings.Repeat("<div>", 600), "<html><body><a href='javascript:alert(1)'>x</a><a href=\"/ok\">y</a>", "\x00\x01<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><link href=\"//x\"/></entry></feed>"} {
		f.Add([]byte(s))
	}
}

// FuzzParse: no feed makes the parser panic; what it returns is valid UTF-8
// with links that are absolute http(s) URLs or empty.
func FuzzParse(f *testing.F) {
	seeds(f, ".xml", ".json", ".rss", ".atom")
	f.Fuzz(func(t *testing.T, body []byte) {
		fd, err := Parse(body, "https://example.org/feed")
		if err != nil {
			return
		}
		for _, e := range fd.Entries {
			if !utf8.ValidString(e.Title) {
				t.Errorf("entry title is not UTF-8: %q", e.Title)
			}
			if e.URL != "" {
				if u, err := url.Parse(e.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
					t.Errorf("entry link %q is not an http(s) URL", e.URL)
				}
			}
		}
	})
}

// FuzzLinks: no listing page makes link extraction panic, and every link
// it returns is an absolute http(s) URL.
func FuzzLinks(f *testing.F) {
	seeds(f, ".htm", ".html", "/")
	f.Fuzz(func(t *testing.T, page []byte) {
		for _, selector := range []string{"", "a"} {
			entries, err := Links(page, "https://example.org/news/", selector)
			if err != nil {
				continue
			}
			for _, e := range entries {
				if u, err := url.Parse(e.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Errorf("link %q is not an absolute http(s) URL", e.URL)
				}
			}
		}
		Discover(page, "https://example.org/")
	})
}

// TestNullJSONItems: a JSON Feed with null items keeps its other items; one
// of only nulls has none; neither panics.
func TestNullJSONItems(t *testing.T) {
	body := `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[null,{"id":"1","url":"https://example.org/a","title":"A"},null]}`
	fd, err := Parse([]byte(body), "https://example.org/feed.json")
	if err != nil || len(fd.Entries) != 1 || fd.Entries[0].Title != "A" {
		t.Errorf("items [null, A, null]: %+v %v, want the one item", fd.Entries, err)
	}
	if fd, err := Parse([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[null]}`), "https://example.org/feed.json"); err != nil || len(fd.Entries) != 0 {
		t.Errorf("items [null]: %+v %v, want no entries and no error", fd.Entries, err)
	}
}
