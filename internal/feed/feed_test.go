package feed

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/testweb"
)

const feedURL = "http://example.org/news/feed.xml"

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantTitle string
		want      []model.Entry
	}{
		{
			name: "RSS 2.0 with content:encoded, relative link, escaped title",
			body: `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Ex &amp; Co</title><link>http://example.org/</link>
<item>
  <title>Police &lt;b&gt;seize&lt;/b&gt;
     drugs &amp;amp; cash</title>
  <link>/news/1.html</link>
  <guid isPermaLink="false">id-1</guid>
  <description>Teaser &lt;i&gt;one&lt;/i&gt;</description>
  <content:encoded><![CDATA[<p>Full <b>one</b></p>]]></content:encoded>
  <pubDate>Wed, 16 Oct 2024 15:00:00 +0200</pubDate>
</item>
<item>
  <title>Second</title>
  <guid>https://example.org/news/2.html</guid>
</item>
<item>
  <title>No link, non-permalink guid</title>
  <guid isPermaLink="false">only-guid</guid>
</item>
<item><title>Nothing to go by</title><description>skipped</description></item>
</channel></rss>`,
			wantTitle: "Ex & Co",
			want: []model.Entry{
				{URL: "http://example.org/news/1.html", GUID: "id-1", Title: "Police seize drugs & cash",
					Published: date("2024-10-16T13:00:00Z"), Summary: "Teaser <i>one</i>", Content: "<p>Full <b>one</b></p>"},
				{URL: "https://example.org/news/2.html", GUID: "https://example.org/news/2.html", Title: "Second"},
				{GUID: "only-guid", Title: "No link, non-permalink guid"},
			},
		},
		{
			name: "Eurojust-style RSS with non-standard <body>, escaped, CDATA and raw",
			body: `<rss version="2.0"><channel><title>EJ</title>
<item><title>Escaped</title><link>https://www.eurojust.europa.eu/news/a</link>
  <description>short</description>
  <body>&lt;p&gt;Full &amp;amp; text&lt;/p&gt;</body></item>
<item><title>CDATA</title><link>https://www.eurojust.europa.eu/news/b</link>
  <body><![CDATA[<p>In CDATA</p><ul><li>x</li></ul>]]></body></item>
<item><title>Raw XHTML</title><link>https://www.eurojust.europa.eu/news/c</link>
  <body><p>Raw &amp; <em>kept</em></p></body></item>
<item><title>Fulltext</title><link>https://www.eurojust.europa.eu/news/d</link>
  <fulltext>&lt;p&gt;FT&lt;/p&gt;</fulltext></item>
<item><title>Plain content</title><link>https://www.eurojust.europa.eu/news/e</link>
  <content>&lt;p&gt;C&lt;/p&gt;</content></item>
</channel></rss>`,
			wantTitle: "EJ",
			want: []model.Entry{
				{URL: "https://www.eurojust.europa.eu/news/a", Title: "Escaped", Summary: "short", Content: "<p>Full &amp; text</p>"},
				{URL: "https://www.eurojust.europa.eu/news/b", Title: "CDATA", Content: "<p>In CDATA</p><ul><li>x</li></ul>"},
				{URL: "https://www.eurojust.europa.eu/news/c", Title: "Raw XHTML", Content: "<p>Raw &amp; <em>kept</em></p>"},
				{URL: "https://www.eurojust.europa.eu/news/d", Title: "Fulltext", Content: "<p>FT</p>"},
				{URL: "https://www.eurojust.europa.eu/news/e", Title: "Plain content", Content: "<p>C</p>"},
			},
		},
		{
			name: "RSS 1.0 (RDF) with dc:date",
			body: `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://example.org/"><title>RDF</title><link>http://example.org/</link></channel>
<item rdf:about="http://example.org/r/1"><title>One</title><link>http://example.org/r/1</link>
<description>d1</description><dc:date>2023-09-05T08:00:00Z</dc:date></item>
</rdf:RDF>`,
			wantTitle: "RDF",
			want: []model.Entry{
				{URL: "http://example.org/r/1", Title: "One", Summary: "d1", Published: date("2023-09-05T08:00:00Z"), Updated: date("2023-09-05T08:00:00Z")},
			},
		},
		{
			name: "RSS 0.91",
			body: `<rss version="0.91"><channel><title>Old</title>
<item><title>Old item</title><link>rel/old</link><description>x</description></item></channel></rss>`,
			wantTitle: "Old",
			want:      []model.Entry{{URL: "http://example.org/news/rel/old", Title: "Old item", Summary: "x"}},
		},
		{
			name: "Atom 1.0 with xml:base, html content, updated-only date, non-standard body",
			body: `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://eurojust.example/">
<title type="html">Eurojust &lt;em&gt;news&lt;/em&gt;</title>
<link rel="alternate" href="https://eurojust.example/news"/>
<entry><title>First</title><link rel="alternate" href="news/first"/><link rel="enclosure" href="a.pdf"/>
<id>tag:x,2024:first</id><updated>2024-10-14T12:00:00+02:00</updated>
<summary>Sum</summary><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
<entry><title>Second</title><link href="https://eurojust.example/news/second"/>
<id>tag:x,2024:second</id><published>2024-10-13T10:00:00Z</published><updated>2024-10-14T10:00:00Z</updated>
<body>&lt;p&gt;Nonstandard&lt;/p&gt;</body></entry>
</feed>`,
			wantTitle: "Eurojust news",
			want: []model.Entry{
				{URL: "https://eurojust.example/news/first", GUID: "tag:x,2024:first", Title: "First",
					Published: date("2024-10-14T10:00:00Z"), Updated: date("2024-10-14T10:00:00Z"), Summary: "Sum", Content: "<p>Body</p>"},
				{URL: "https://eurojust.example/news/second", GUID: "tag:x,2024:second", Title: "Second",
					Published: date("2024-10-13T10:00:00Z"), Updated: date("2024-10-14T10:00:00Z"), Content: "<p>Nonstandard</p>"},
			},
		},
		{
			name: "Atom 0.3",
			body: `<?xml version="1.0"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>
<entry><title>E</title><link rel="alternate" type="text/html" href="http://example.org/e"/>
<id>urn:e</id><issued>2004-01-01T00:00:00Z</issued><modified>2004-01-02T00:00:00Z</modified></entry></feed>`,
			wantTitle: "Old Atom",
			want: []model.Entry{{URL: "http://example.org/e", GUID: "urn:e", Title: "E",
				Published: date("2004-01-01T00:00:00Z"), Updated: date("2004-01-02T00:00:00Z")}},
		},
		{
			name: "JSON Feed 1.1, content_html and content_text",
			body: `{"version":"https://jsonfeed.org/version/1.1","title":"JF","home_page_url":"https://example.org/",
"items":[
 {"id":"1","url":"/posts/1","title":"One &amp; only","summary":"s1","content_html":"<p>H</p>","date_published":"2024-01-02T03:04:05+01:00"},
 {"id":"2","url":"https://example.org/posts/2","title":"Two","content_text":"Para one\n\nPara <two>","date_modified":"2024-02-01T00:00:00Z"},
 {"title":"no id no url"}
]}`,
			wantTitle: "JF",
			want: []model.Entry{
				{URL: "http://example.org/posts/1", GUID: "1", Title: "One & only", Summary: "s1", Content: "<p>H</p>", Published: date("2024-01-02T02:04:05Z")},
				{URL: "https://example.org/posts/2", GUID: "2", Title: "Two", Content: "<p>Para one</p><p>Para &lt;two&gt;</p>",
					Published: date("2024-02-01T00:00:00Z"), Updated: date("2024-02-01T00:00:00Z")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.body), feedURL)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", got.Title, tt.wantTitle)
			}
			if len(got.Entries) != len(tt.want) {
				t.Fatalf("got %d entries, want %d:\n%+v", len(got.Entries), len(tt.want), got.Entries)
			}
			for i := range tt.want {
				if g, w := fmt.Sprintf("%+v", got.Entries[i]), fmt.Sprintf("%+v", tt.want[i]); g != w {
					t.Errorf("entry %d:\n got %s\nwant %s", i, g, w)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		notFeed  bool
		contains []string
	}{
		{"HTML page", "<!DOCTYPE html>\n<html><head><title>Oops</title></head><body><p>Moved</p></body></html>", true, []string{feedURL, "HTML page"}},
		{"empty", "  \n", true, []string{"empty"}},
		{"plain text", "Service unavailable", true, []string{feedURL}},
		{"truncated RSS", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel>\n<item><title>x</title>\n", false, []string{feedURL, "malformed RSS", "line "}},
		{"truncated Atom", "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry><title>a", false, []string{"malformed Atom", "line 3"}},
		{"broken JSON Feed", `{"version":"https://jsonfeed.org/version/1","items":[{"id":1`, false, []string{"malformed JSON Feed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body), feedURL)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, ErrNotFeed); got != tt.notFeed {
				t.Errorf("errors.Is(ErrNotFeed) = %v, want %v (%v)", got, tt.notFeed, err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestParseCapsEntries(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>big</title>`)
	for i := 0; i < MaxEntries+50; i++ {
		fmt.Fprintf(&b, "<item><title>%d</title><link>/a/%d</link></item>", i, i)
	}
	b.WriteString(`</channel></rss>`)
	f, err := Parse([]byte(b.String()), feedURL)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.Entries); got != MaxEntries {
		t.Errorf("entries = %d, want %d", got, MaxEntries)
	}
	if got, want := f.Entries[0].Title, "0"; got != want {
		t.Errorf("first title = %q, want %q", got, want)
	}
}

const testBase = "http://127.0.0.1:1"

func testwebFile(t *testing.T, rel string) []byte {
	t.Helper()
	dir, err := testweb.Dir()
	if err != nil {
		testweb.Missing(t, "%v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "files", rel))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(b), "{{BASE}}", testBase))
}

func TestParseTestweb(t *testing.T) {
	tests := []struct {
		file      string
		n         int
		firstURL  string
		firstTime string
		firstText string // in Title
	}{
		{"nato/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml", 4, testBase + "/nato/cps/en/natohq/news_229530.htm", "2024-10-16T15:00:00Z", "Latvia"},
		{"europol/cms/api/rss/news", 4, testBase + "/europol/media-press/newsroom/news/europol-supports-serbia-in-arresting-contract-killer-disguised-elderly-man", "2024-10-16T09:30:00Z", "Serbia"},
		{"interpol/en/rss/news", 10, testBase + "/interpol/en/News-and-Events/News/2023/Closing-ranks-on-West-African-organized-crime-more-than-EUR-2-million-seized-in-Operation-Jackal", "2023-09-05T08:00:00Z", "Operation Jackal"},
		{"interpol/en/rss/crimes-against-children", 5, "", "", ""},
		{"eurojust/rss/news.xml", 1, testBase + "/eurojust/news/criminals-selling-counterfeit-wine-stopped-their-tracks", "2024-10-14T10:00:00Z", "counterfeit wine"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Parse(testwebFile(t, tt.file), testBase+"/"+tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Entries) != tt.n {
				t.Fatalf("entries = %d, want %d", len(f.Entries), tt.n)
			}
			for i, e := range f.Entries {
				if !strings.HasPrefix(e.URL, testBase+"/") || e.Title == "" || e.Published.IsZero() || e.Summary == "" {
					t.Errorf("entry %d incomplete: %+v", i, e)
				}
			}
			if tt.firstURL == "" {
				return
			}
			e := f.Entries[0]
			if e.URL != tt.firstURL {
				t.Errorf("URL = %q, want %q", e.URL, tt.firstURL)
			}
			if got := e.Published.Format(time.RFC3339); got != tt.firstTime {
				t.Errorf("published = %s, want %s", got, tt.firstTime)
			}
			if !strings.Contains(e.Title, tt.firstText) {
				t.Errorf("title %q lacks %q", e.Title, tt.firstText)
			}
		})
	}
}

func TestDiscover(t *testing.T) {
	page := `<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="News" href="/rss/news">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/atom+xml" href="https://other.example/atom.xml">
<link rel="alternate feed" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/rss+xml" href="/rss/news">
</head><body><link rel="alternate" type="application/rss+xml" href="/late.xml"></body></html>`
	got := Discover([]byte(page), "https://example.org/en/news/")
	want := []string{"https://example.org/rss/news", "https://other.example/atom.xml", "https://example.org/en/news/feed.json", "https://example.org/late.xml"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Discover = %q, want %q", got, want)
	}
	if got := Discover([]byte("<html><body>no feeds</body></html>"), "https://example.org/"); len(got) != 0 {
		t.Errorf("Discover on a page without feeds = %q", got)
	}
}

func TestParseCharset(t *testing.T) {
	// "Gürak – café" in windows-1252, in the title and in a <body>.
	body := []byte("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<rss version=\"2.0\"><channel><title>T</title>" +
		"<item><title>G\xfcrak \x96 caf\xe9</title><link>http://example.org/a</link><body>&lt;p&gt;G\xfcrak&lt;/p&gt;</body></item></channel></rss>")
	f, err := Parse(body, feedURL)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 1 {
		t.Fatalf("entries = %d", len(f.Entries))
	}
	if got, want := f.Entries[0].Title, "Gürak – café"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got, want := f.Entries[0].Content, "<p>Gürak</p>"; got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
}
