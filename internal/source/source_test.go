package source

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

const sample = `# sitrep sources
sources:
  - name: NATO
    url: https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml    # a feed
  - name: US Defense Joint Chiefs of Staff
    url: https://www.jcs.mil/Media/News/
    type: html
    links: "div.alist a.title"
    interval: 1h
    per_host: 1
    host_delay: 5s
`

func TestParseSample(t *testing.T) {
	got, err := Parse([]byte(sample), "sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Source{
		{Name: "NATO", URL: "https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml", Type: model.SourceFeed, Position: 0},
		{Name: "US Defense Joint Chiefs of Staff", URL: "https://www.jcs.mil/Media/News/", Type: model.SourceHTML,
			Links: "div.alist a.title", Interval: time.Hour, PerHost: 1, HostDelay: 5 * time.Second, Position: 1},
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "# nothing\n", "sources:\n", "sources: []\n"} {
		got, err := Parse([]byte(in), "s.yaml")
		if err != nil || len(got) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want nothing", in, got, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // every line of the error, in order
	}{
		{"bad interval", `sources:
  - name: X
    url: https://x.example/feed
    interval: abc
`, []string{`sources.yaml:4: source "X": interval "abc" is not a duration (e.g. 30m, 1h)`}},
		{"unknown key (typo)", `sources:
  - name: X
    url: https://x.example/feed
    intervall: 1h
`, []string{`sources.yaml:4: source "X": unknown key "intervall" (known keys: name, url, type, links, interval, per_host, host_delay)`}},
		{"unknown top-level key", `source:
  - name: X
`, []string{`sources.yaml:1: unknown key "source" (expected "sources")`}},
		{"missing name and url", `sources:
  - type: html
`, []string{`sources.yaml:2: missing name`, `sources.yaml:2: missing url`}},
		{"duplicate names", `sources:
  - name: NATO
    url: https://a.example/feed
  - name: nato
    url: https://b.example/feed
`, []string{`sources.yaml:4: source "nato": duplicate name (first used at line 2)`}},
		{"relative URL", `sources:
  - name: X
    url: /feed.xml
`, []string{`sources.yaml:3: source "X": url "/feed.xml" is not an absolute http(s) URL`}},
		{"ftp URL", `sources:
  - name: X
    url: ftp://x.example/feed.xml
`, []string{`sources.yaml:3: source "X": url "ftp://x.example/feed.xml" is not an absolute http(s) URL`}},
		{"unknown type", `sources:
  - name: X
    url: https://x.example/
    type: rss2
`, []string{`sources.yaml:4: source "X": unknown type "rss2" (use "feed" or "html")`}},
		{"invalid selector", `sources:
  - name: X
    url: https://x.example/
    type: html
    links: "div[class"
`, []string{`sources.yaml:5: source "X": links "div[class" is not a valid CSS selector: `}},
		{"selector on a feed", `sources:
  - name: X
    url: https://x.example/
    links: a.title
`, []string{`sources.yaml:4: source "X": links is only for listing pages (type: html)`}},
		{"negative interval", `sources:
  - name: X
    url: https://x.example/
    interval: -5m
`, []string{`sources.yaml:4: source "X": interval -5m is negative`}},
		{"too short interval", `sources:
  - name: X
    url: https://x.example/
    interval: 30s
`, []string{`sources.yaml:4: source "X": interval 30s is too short (at least 1m)`}},
		{"bad per_host and host_delay", `sources:
  - name: X
    url: https://x.example/
    per_host: two
    host_delay: -1s
`, []string{`sources.yaml:4: source "X": per_host "two" is not a whole number`, `sources.yaml:5: source "X": host_delay -1s is negative`}},
		{"YAML syntax", `sources:
  - name: X
    url: [https://x.example/
`, []string{`sources.yaml:3: YAML syntax: `}},
		{"tab indentation", "sources:\n  - name: X\n\turl: https://x.example/\n", []string{`sources.yaml:3: YAML syntax: `}},
		{"unclosed quote", "sources:\n  - name: X\n    url: https://x.example/\n  - name: \"Y\n    url: https://y.example/\n", []string{`sources.yaml:4: YAML syntax: `}},
		{"bad indentation", "sources:\n  - name: X\n   url: https://x.example/\n", []string{`sources.yaml:3: YAML syntax: `}},
		{"not a list", "sources: NATO\n", []string{`sources.yaml:1: "sources" must be a list of sources (lines starting with "- name:")`}},
		{"list value", `sources:
  - name: [a, b]
    url: https://x.example/
`, []string{`sources.yaml:2: name must be a single value`, `sources.yaml:2: missing name`}},
		{"several sources, several errors", `sources:
  - name: A
    url: https://a.example/
  - name: B
    url: nope
  - name: C
    url: https://c.example/
    type: html
    interval: 10
`, []string{`sources.yaml:5: source "B": url "nope" is not an absolute http(s) URL`, `sources.yaml:9: source "C": interval "10" is not a duration (e.g. 30m, 1h)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), "sources.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(got), len(tt.want), err)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("line %d:\n got %s\nwant %s…", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(path, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || len(got) != 2 {
		t.Fatalf("Load = %v, %v", got, err)
	}
	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("Load(missing) error = %v", err)
	}
	if err := os.WriteFile(path, []byte("sources:\n  - name: X\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("Load(bad) error = %v, want it to start with %s:2:", err, path)
	}
}

func TestDefaults(t *testing.T) {
	d := Defaults()
	wantNames := []string{"NATO", "Europol", "Interpol (news and events)", "Eurojust", "US Department of Defense", "US Defense Joint Chiefs of Staff"}
	if len(d) != len(wantNames) {
		t.Fatalf("%d defaults, want %d", len(d), len(wantNames))
	}
	for i, s := range d {
		if s.Name != wantNames[i] || s.Position != i || s.Links != "" {
			t.Errorf("default %d = %+v", i, s)
		}
	}
	// The defaults survive their own validation, via YAML and via OPML.
	y, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(y, "defaults.yaml")
	if err != nil {
		t.Fatalf("defaults do not validate: %v\n%s", err, y)
	}
	if fmt.Sprintf("%+v", back) != fmt.Sprintf("%+v", d) {
		t.Errorf("YAML round trip:\n got %+v\nwant %+v", back, d)
	}
}

var roundTrip = []model.Source{
	{Name: "NATO", URL: "https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml", Type: model.SourceFeed, Position: 0},
	{Name: `Odd "quoted" & <named>: source`, URL: "https://x.example/feed?a=1&b=2", Type: model.SourceFeed, Interval: 90 * time.Minute, Position: 1},
	{Name: "JCS", URL: "https://www.jcs.mil/Media/News/", Type: model.SourceHTML, Links: `div.alist a[class="title"]`,
		Interval: time.Hour, PerHost: 1, HostDelay: 5 * time.Second, Position: 2},
	{Name: "yes", URL: "https://y.example/", Type: model.SourceHTML, HostDelay: 1500 * time.Millisecond, Position: 3},
}

func TestMarshalRoundTrip(t *testing.T) {
	y, err := Marshal(roundTrip)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(y, "out.yaml")
	if err != nil {
		t.Fatalf("Parse(Marshal): %v\n%s", err, y)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", roundTrip) {
		t.Errorf("got  %+v\nwant %+v\nyaml:\n%s", got, roundTrip, y)
	}
	if !strings.Contains(string(y), "interval: 1h30m\n") || !strings.Contains(string(y), "  - name: NATO\n") {
		t.Errorf("unexpected YAML layout:\n%s", y)
	}
}

func TestOPMLRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOPML(&buf, "My <sources>", roundTrip); err != nil {
		t.Fatal(err)
	}
	got, err := ReadOPML(&buf, "export.opml")
	if err != nil {
		t.Fatalf("ReadOPML: %v\n%s", err, buf.String())
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", roundTrip) {
		t.Errorf("got  %+v\nwant %+v", got, roundTrip)
	}
}

func TestReadOPMLForeign(t *testing.T) {
	const in = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
<head><title>Feedly export</title></head>
<body>
  <outline text="Security" title="Security">
    <outline type="rss" text="NATO" title="NATO News" xmlUrl="https://www.nato.int/rss.xml" htmlUrl="https://www.nato.int/"/>
    <outline type="rss" text="Europol" xmlUrl="https://www.europol.europa.eu/cms/api/rss/news"/>
    <outline text="Nested">
      <outline type="rss" xmlUrl="https://feeds.example.org/justice.xml"/>
      <outline type="rss" text="Europol" xmlUrl="https://www.europol.europa.eu/other"/>
    </outline>
  </outline>
  <outline type="link" text="JCS" url="https://www.jcs.mil/Media/News/"/>
  <outline text="Just a note"/>
  <outline type="rss" title="europol" xmlUrl="https://x.example/eu"/>
</body></opml>`
	got, err := ReadOPML(strings.NewReader(in), "feedly.opml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"NATO News | feed | https://www.nato.int/rss.xml",
		"Europol | feed | https://www.europol.europa.eu/cms/api/rss/news",
		"feeds.example.org | feed | https://feeds.example.org/justice.xml",
		"Europol (2) | feed | https://www.europol.europa.eu/other",
		"JCS | html | https://www.jcs.mil/Media/News/",
		"europol (3) | feed | https://x.example/eu",
	}
	var lines []string
	for i, s := range got {
		lines = append(lines, s.Name+" | "+s.Type+" | "+s.URL)
		if s.Position != i {
			t.Errorf("source %d has position %d", i, s.Position)
		}
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(lines, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestReadOPMLErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"syntax", "<opml version=\"2.0\"><body>\n<outline text=\"a\" xmlUrl=\"https://a/\"/>\n<outline text=\"b", "bad.opml:3: OPML syntax: "},
		{"bad URL", `<opml version="2.0"><body><outline text="A" xmlUrl="feed.xml"/></body></opml>`, `bad.opml: source "A": url "feed.xml" is not an absolute http(s) URL`},
		{"bad interval", `<opml version="2.0" xmlns:sitrep="https://github.com/sitrep/sitrep/opml"><body><outline text="A" xmlUrl="https://a.example/f" sitrep:interval="often"/></body></opml>`, `bad.opml: source "A": interval "often" is not a duration`},
		{"not OPML", `<rss version="2.0"><channel/></rss>`, "read OPML bad.opml: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadOPML(strings.NewReader(tt.in), "bad.opml")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		src    model.Source
		fields []string // the fields with problems
	}{
		{model.Source{Name: " NATO ", URL: "https://nato.int/feed"}, nil},
		{model.Source{}, []string{"name", "url"}},
		{model.Source{Name: "A", URL: "ftp://x/y"}, []string{"url"}},
		{model.Source{Name: "A", URL: "https://x/", Type: "html", Links: "div["}, []string{"links"}},
		{model.Source{Name: "A", URL: "https://x/", Links: "a"}, []string{"links"}},
		{model.Source{Name: "A", URL: "https://x/", Interval: time.Second, PerHost: -1}, []string{"interval", "per_host"}},
	}
	for _, tt := range tests {
		src := tt.src
		err := Validate(&src)
		var got []string
		var inv Invalid
		if errors.As(err, &inv) {
			for _, f := range inv {
				got = append(got, f.Field)
			}
		}
		if !slices.Equal(got, tt.fields) {
			t.Errorf("Validate(%+v): fields %v (%v), want %v", tt.src, got, err, tt.fields)
		}
		if err == nil && (src.Type != model.SourceFeed || src.Name != "NATO") {
			t.Errorf("Validate did not normalise: %+v", src)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("Validate error %v does not wrap ErrInvalid", err)
		}
	}
}

// TestHostileOPMLNames: a name from a foreign OPML file loses control
// characters, bidi overrides and line breaks; markup stays text (escaped on
// output), as the web tests check.
func TestHostileOPMLNames(t *testing.T) {
	doc := `<?xml version="1.0"?><opml version="2.0"><body>` +
		`<outline text="Evil&#x202E;gpj.exe&#10;second line&#x7F;" xmlUrl="https://example.org/feed"/>` +
		`<outline title="&lt;script&gt;alert(1)&lt;/script&gt;" xmlUrl="https://example.org/feed2"/>` +
		`</body></opml>`
	got, err := ReadOPML(strings.NewReader(doc), "evil.opml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Evilgpj.exe second line", "<script>alert(1)</script>"}
	if len(got) != len(want) {
		t.Fatalf("got %d sources, want %d", len(got), len(want))
	}
	for i, s := range got {
		if s.Name != want[i] {
			t.Errorf("name %d = %q, want %q", i, s.Name, want[i])
		}
	}
}
