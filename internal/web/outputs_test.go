package web

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/sitrep/sitrep/internal/store"
)

// TestFeeds checks the Atom and JSON feeds of a search: they parse with
// gofeed, carry the specs' required elements, and a second request with
// the ETag gets 304 until something changes.
func TestFeeds(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		path      string
		ctype     string
		wantItems []string
	}{
		{"/feeds/atom?q=" + "%22operation+jackal%22", "application/atom+xml", []string{"Operation Jackal III: 300 arrests"}},
		{"/feeds/json?q=" + "%22operation+jackal%22", "application/feed+json", []string{"Operation Jackal III: 300 arrests"}},
		{"/feeds/atom?q=source:Europol", "application/atom+xml", []string{"Cybercrime ring dismantled in Gürak", "A teaser only"}},
		{"/feeds/json", "application/feed+json", []string{"Cybercrime ring dismantled in Gürak", "Operation Jackal III: 300 arrests", hostile + " title", "A teaser only"}},
		{"/feeds/atom?source=Interpol&since=2024-10-01", "application/atom+xml", []string{"Operation Jackal III: 300 arrests"}},
	}
	for _, tt := range tests {
		rec := f.get(tt.path)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.ctype) {
			t.Fatalf("GET %s: %d %s", tt.path, rec.Code, rec.Header().Get("Content-Type"))
		}
		body := rec.Body.String()
		feed, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatalf("GET %s: gofeed: %v\n%s", tt.path, err, body)
		}
		var got []string
		for _, it := range feed.Items {
			got = append(got, it.Title)
			if it.Link == "" || it.Content == "" {
				t.Errorf("%s: item %q lacks its link or content", tt.path, it.Title)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.wantItems, "|") {
			t.Errorf("GET %s: items %q, want %q", tt.path, got, tt.wantItems)
		}
		if strings.HasPrefix(tt.ctype, "application/atom") {
			checkAtomRequired(t, tt.path, body)
		} else {
			checkJSONFeedRequired(t, tt.path, body)
		}
		for _, it := range feed.Items {
			// gofeed unescapes Atom's text; the HTML content must still
			// hold the source's markup as text, never as an element.
			if strings.Contains(it.Content, "<script>") {
				t.Errorf("GET %s: markup from a source reached the content unescaped: %q", tt.path, it.Content)
			}
		}

		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Fatalf("GET %s: no ETag", tt.path)
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag} {
			again := f.do("GET", tt.path, nil, map[string]string{"If-None-Match": inm})
			if again.Code != 304 || again.Body.Len() != 0 {
				t.Errorf("GET %s with If-None-Match %s: %d, %d bytes; want 304 and no body", tt.path, inm, again.Code, again.Body.Len())
			}
		}
		if other := f.do("GET", tt.path, nil, map[string]string{"If-None-Match": `"other"`}); other.Code != 200 {
			t.Errorf("GET %s with another ETag: %d, want 200", tt.path, other.Code)
		}
	}

	// A changed article changes the ETag.
	rec := f.get("/feeds/atom?q=jackal")
	etag := rec.Header().Get("ETag")
	a, err := f.store.Article(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	a.Title = "Operation Jackal III: 310 arrests"
	if _, o, err := f.store.SaveArticle(t.Context(), store.Save{Article: a, Feed: "Interpol"}); err != nil || o != store.Updated {
		t.Fatalf("retitling: %v %v", o, err)
	}
	if again := f.do("GET", "/feeds/atom?q=jackal", nil, map[string]string{"If-None-Match": etag}); again.Code != 200 {
		t.Errorf("after an article changed: %d, want 200 with the new feed", again.Code)
	}

	if rec := f.get("/feeds/atom?q=%22open"); rec.Code != 400 || !strings.Contains(rec.Body.String(), "quote") {
		t.Errorf("a malformed query's feed: %d %s; want 400 saying what is wrong", rec.Code, rec.Body)
	}
	if rec := f.get("/feeds/json?limit=x"); rec.Code != 400 {
		t.Errorf("limit=x: %d, want 400", rec.Code)
	}
}

// checkAtomRequired checks RFC 4287's required elements.
func checkAtomRequired(t *testing.T, path, body string) {
	t.Helper()
	var f struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  []struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Author  []struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%s: not an Atom feed: %v", path, err)
	}
	if f.ID == "" || f.Title == "" || f.Updated == "" {
		t.Errorf("%s: feed id %q, title %q, updated %q: all are required", path, f.ID, f.Title, f.Updated)
	}
	for _, e := range f.Entries {
		if e.ID == "" || e.Title == "" || e.Updated == "" {
			t.Errorf("%s: entry id %q, title %q, updated %q: all are required", path, e.ID, e.Title, e.Updated)
		}
		if len(e.Author) == 0 && len(f.Author) == 0 {
			t.Errorf("%s: entry %q has no author, and neither has the feed", path, e.Title)
		}
		if !strings.HasPrefix(e.ID, "http://") {
			t.Errorf("%s: entry id %q is not an absolute IRI", path, e.ID)
		}
	}
}

// checkJSONFeedRequired checks JSON Feed 1.1's required fields.
func checkJSONFeedRequired(t *testing.T, path, body string) {
	t.Helper()
	var f struct {
		Version string           `json:"version"`
		Title   string           `json:"title"`
		Items   []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%s: not JSON: %v", path, err)
	}
	if f.Version != "https://jsonfeed.org/version/1.1" || f.Title == "" || f.Items == nil {
		t.Errorf("%s: version %q, title %q, items %v: all are required", path, f.Version, f.Title, f.Items != nil)
	}
	for _, it := range f.Items {
		if it["id"] == nil || (it["content_html"] == nil && it["content_text"] == nil) {
			t.Errorf("%s: item %v lacks id or content", path, it["title"])
		}
	}
}

func TestDigestText(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.get("/digest.txt?source=Europol&download=1")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET /digest.txt: %d %v", rec.Code, rec.Header())
	}
	if !strings.HasPrefix(body, "A teaser only\n\nSource: Europol\n\nJust the feed's summary.\n\n  • first point\n  • second point\n\nCybercrime ring dismantled in Gürak\n\nSource: Europol\n\n") || strings.HasSuffix(body, "\n") {
		t.Errorf("digest text, oldest first, in the reference format:\n%s", body)
	}
	if again := f.do("GET", "/digest.txt?source=Europol&download=1", nil, map[string]string{"If-None-Match": rec.Header().Get("ETag")}); again.Code != 304 {
		t.Errorf("digest with its ETag: %d, want 304", again.Code)
	}
	if rec := f.get("/digest.txt?since=yesterday"); rec.Code != 400 {
		t.Errorf("since=yesterday: %d, want 400", rec.Code)
	}
}
