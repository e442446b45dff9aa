package syndication

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/sitrep/sitrep/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const self = "https://sitrep.example/feed.atom?q=%22operation+jackal%22+source%3AEuropol"

var (
	published = time.Date(2024, 10, 3, 9, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	fetched   = time.Date(2024, 10, 3, 8, 2, 5, 0, time.UTC)
	changed   = time.Date(2024, 10, 4, 12, 0, 0, 0, time.UTC)
)

// sampleFeed covers the ordinary cases: a full article with every block
// kind, a teaser-only article with a tag: id and no sitrep page, and an
// undated article.
func sampleFeed() Feed {
	return Feed{
		Title:     `sitrep: "operation jackal" source:Europol`,
		ID:        self,
		SelfURL:   self,
		HTMLURL:   "https://sitrep.example/search?q=%22operation+jackal%22+source%3AEuropol",
		Generator: "sitrep 0.1.0",
		Items: []Item{
			{
				ID:        "https://sitrep.example/a/1",
				URL:       "https://www.europol.europa.eu/media-press/newsroom/news/operation-jackal",
				PageURL:   "https://sitrep.example/a/1",
				Title:     "Operation Jackal: 27 arrests across Europe",
				Source:    "Europol",
				Feeds:     []string{"Europol", "Eurojust"},
				Published: published,
				Updated:   changed,
				Blocks: []model.Block{
					{Kind: model.Paragraph, Text: "Law enforcement from 11 countries arrested 27 suspects."},
					{Kind: model.Heading, Text: "What was seized"},
					{Kind: model.ListItem, Text: "EUR 1.2 million in cash"},
					{Kind: model.ListItem, Text: "14 firearms"},
					{Kind: model.Quote, Text: "A blow to the network."},
					{Kind: model.Caption, Text: "Officers during the raids."},
					{Kind: model.Paragraph, Text: "Europol supported the operation.\nEurojust coordinated it."},
				},
			},
			{
				ID:          "tag:sitrep.example,2024:article/2",
				URL:         "https://www.interpol.int/en/News-and-Events/News/2024/Jackal",
				Title:       "INTERPOL notice in Jackal case",
				Source:      "Interpol",
				Feeds:       []string{"Interpol"},
				Published:   time.Date(2024, 10, 2, 0, 0, 0, 0, time.UTC),
				Updated:     fetched,
				SummaryOnly: true,
				Blocks:      []model.Block{{Kind: model.Paragraph, Text: "A Red Notice was issued."}},
			},
			{
				ID:      "https://sitrep.example/a/3",
				URL:     "https://www.eurojust.europa.eu/news/jackal",
				PageURL: "https://sitrep.example/a/3",
				Title:   "Undated: Eurojust on Jackal",
				Source:  "Eurojust",
				Feeds:   []string{"Eurojust"},
				Updated: fetched,
				Summary: "Eurojust's part in the case.",
				Blocks:  []model.Block{{Kind: model.Paragraph, Text: "Eurojust set up a joint investigation team."}},
			},
		},
	}
}

// hostileTitle holds everything that breaks a naive writer: markup, a CDATA
// end, entities, quotes, invalid UTF-8, C0 and C1 controls, a noncharacter
// XML forbids, and a CR LF.
const hostileTitle = "<script>alert('x')</script> ]]> &amp; & \"q\" \x00\x01\x1b\x7f bad\xff\xc3\x28 \u0085\ufffe\r\nend"

func hostileFeed() Feed {
	return Feed{
		Title:     "sitrep: " + hostileTitle,
		ID:        self,
		SelfURL:   self,
		Generator: "sitrep <0.1.0> & \"co\"",
		Items: []Item{{
			ID:      "https://sitrep.example/a/666?x=1&y=2",
			URL:     "javascript:alert(1)",
			PageURL: "https://sitrep.example/a/666?x=1&y=2",
			Title:   hostileTitle,
			Source:  "Evil & <Co> \"Ltd\"\x07",
			Feeds:   []string{"a]]>b", "", " \t ", "Evil & <Co> \"Ltd\"\x07", "Evil & <Co> \"Ltd\""},
			Updated: fetched,
			Summary: "summary ]]> <b>bold</b>\x0c",
			Blocks: []model.Block{
				{Kind: model.Paragraph, Text: "<script>alert(1)</script> ]]> &amp; \x00\xc3\x28\r\nline two\rline three"},
				{Kind: model.Heading, Text: "\x01\x02"}, // blank once cleaned: dropped
				{Kind: model.ListItem, Text: "<![CDATA[ x ]]>"},
			},
		}},
	}
}

func emptyFeed() Feed {
	return Feed{Title: "sitrep: nothing matches", ID: self, SelfURL: self}
}

var writers = []struct {
	name  string
	ext   string
	write func(Feed) ([]byte, error)
	check func(*testing.T, []byte)
}{
	{"Atom", ".atom", Atom, checkAtom},
	{"JSONFeed", ".json", JSONFeed, checkJSONFeed},
}

var fixtures = []struct {
	name string
	feed func() Feed
}{
	{"sample", sampleFeed},
	{"hostile", hostileFeed},
	{"empty", emptyFeed},
}

// TestGolden compares both outputs of every fixture with testdata; run
// `go test ./internal/syndication -update` to rewrite them after a change,
// then read the diff.
func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		for _, w := range writers {
			t.Run(fx.name+"/"+w.name, func(t *testing.T) {
				got, err := w.write(fx.feed())
				if err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				again, _ := w.write(fx.feed())
				if !bytes.Equal(got, again) {
					t.Errorf("%s is not deterministic: two runs differ", w.name)
				}
				path := filepath.Join("testdata", fx.name+w.ext)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s (run with -update, then read the diff)\ngot:\n%s", w.name, path, got)
				}
			})
		}
	}
}

// TestSpec checks every fixture against the elements each spec requires.
func TestSpec(t *testing.T) {
	for _, fx := range fixtures {
		for _, w := range writers {
			t.Run(fx.name+"/"+w.name, func(t *testing.T) {
				got, err := w.write(fx.feed())
				if err != nil {
					t.Fatal(err)
				}
				w.check(t, got)
			})
		}
	}
}

// TestRoundTrip parses both outputs of the sample with gofeed, as a feed
// reader would, and checks that what matters survives.
func TestRoundTrip(t *testing.T) {
	in := sampleFeed()
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			data, err := w.write(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := gofeed.NewParser().ParseString(string(data))
			if err != nil {
				t.Fatalf("gofeed: %v\n%s", err, data)
			}
			if got.Title != in.Title {
				t.Errorf("feed title = %q, want %q", got.Title, in.Title)
			}
			if got.Link != in.HTMLURL {
				t.Errorf("feed link = %q, want %q", got.Link, in.HTMLURL)
			}
			if got.FeedLink != in.SelfURL {
				t.Errorf("feed self link = %q, want %q", got.FeedLink, in.SelfURL)
			}
			if len(got.Items) != len(in.Items) {
				t.Fatalf("%d items, want %d", len(got.Items), len(in.Items))
			}
			for i, it := range in.Items {
				g := got.Items[i]
				if g.GUID != it.ID {
					t.Errorf("item %d: id = %q, want %q", i, g.GUID, it.ID)
				}
				if g.Title != it.Title {
					t.Errorf("item %d: title = %q, want %q", i, g.Title, it.Title)
				}
				if g.Link != it.URL {
					t.Errorf("item %d: link = %q, want the original %q", i, g.Link, it.URL)
				}
				if name := authorName(g); name != it.Source {
					t.Errorf("item %d: author = %q, want %q", i, name, it.Source)
				}
				if !slices.Equal(g.Categories, it.Feeds) {
					t.Errorf("item %d: categories = %q, want %q", i, g.Categories, it.Feeds)
				}
				wantPub := it.Published
				if wantPub.IsZero() && w.name == "Atom" {
					wantPub = it.Updated // gofeed falls back on <updated>
				}
				checkDate(t, i, "published", g.PublishedParsed, wantPub)
				checkDate(t, i, "updated", g.UpdatedParsed, it.Updated)
				body := model.RenderHTML(it.Blocks)
				if !strings.Contains(g.Content, strings.TrimSpace(body)) {
					t.Errorf("item %d: content = %q, want it to hold %q", i, g.Content, body)
				}
				if hasNote := strings.Contains(g.Content, teaserNote); hasNote != it.SummaryOnly {
					t.Errorf("item %d: teaser note present = %v, want %v (SummaryOnly)", i, hasNote, it.SummaryOnly)
				}
			}
		})
	}
}

// authorName is the first author gofeed found: from Atom's <author> or
// JSON Feed 1.1's authors (gofeed sets Item.Author only from 1.0's author).
func authorName(it *gofeed.Item) string {
	if len(it.Authors) == 0 || it.Authors[0] == nil {
		return ""
	}
	return it.Authors[0].Name
}

func checkDate(t *testing.T, i int, field string, got *time.Time, want time.Time) {
	t.Helper()
	switch {
	case want.IsZero() && got != nil:
		t.Errorf("item %d: %s = %v, want none", i, field, *got)
	case !want.IsZero() && got == nil:
		t.Errorf("item %d: %s missing, want %v", i, field, want)
	case !want.IsZero() && !got.Equal(want):
		t.Errorf("item %d: %s = %v, want %v", i, field, *got, want)
	}
}

// TestHostile checks that hostile text gives well-formed output that a
// strict XML parser, a JSON parser and gofeed all read back as the cleaned
// text, with no live markup and no dangerous link.
func TestHostile(t *testing.T) {
	wantTitle := line(hostileTitle)
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			data, err := w.write(hostileFeed())
			if err != nil {
				t.Fatal(err)
			}
			wellFormed(t, w.name, data)
			got, err := gofeed.NewParser().ParseString(string(data))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			g := got.Items[0]
			if g.Title != wantTitle {
				t.Errorf("title = %q, want %q", g.Title, wantTitle)
			}
			if strings.Contains(g.Content, "<script") {
				t.Errorf("content has a live <script>: %q", g.Content)
			}
			if !strings.Contains(g.Content, "&lt;script&gt;") {
				t.Errorf("content lost the escaped script text: %q", g.Content)
			}
			if g.Link != "https://sitrep.example/a/666?x=1&y=2" {
				t.Errorf("link = %q, want the sitrep page in place of the javascript: URL", g.Link)
			}
			if name := authorName(g); name != `Evil & <Co> "Ltd"` {
				t.Errorf("author = %q", name)
			}
			if want := []string{"a]]>b", `Evil & <Co> "Ltd"`}; !slices.Equal(g.Categories, want) {
				t.Errorf("categories = %q, want %q", g.Categories, want)
			}
			for _, s := range append([]string{got.Title, g.Title, g.Description, g.Content}, g.Categories...) {
				if !utf8.ValidString(s) {
					t.Errorf("invalid UTF-8 came through: %q", s)
				}
				for _, r := range s {
					if dropped(r) {
						t.Errorf("control character %U came through: %q", r, s)
					}
				}
			}
		})
	}
}

// wellFormed fails unless data parses completely: as XML with the strict
// encoding/xml decoder (which rejects characters XML 1.0 forbids and invalid
// UTF-8), or as JSON.
func wellFormed(t *testing.T, format string, data []byte) {
	t.Helper()
	if format == "JSONFeed" {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Errorf("JSON does not parse: %v\n%s", err, data)
		}
		return
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Errorf("XML is not well-formed: %v\n%s", err, data)
			return
		}
	}
}

func TestEmpty(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			data, err := w.write(emptyFeed())
			if err != nil {
				t.Fatal(err)
			}
			w.check(t, data)
			got, err := gofeed.NewParser().ParseString(string(data))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if len(got.Items) != 0 {
				t.Errorf("%d items, want none", len(got.Items))
			}
			if w.name == "Atom" && (got.UpdatedParsed == nil || !got.UpdatedParsed.Equal(epoch)) {
				t.Errorf("updated = %v, want the fixed %v", got.UpdatedParsed, epoch)
			}
			if w.name == "JSONFeed" && !bytes.Contains(data, []byte(`"items": []`)) {
				t.Errorf("no empty items array:\n%s", data)
			}
		})
	}
}

// TestDates checks the fallbacks for missing and impossible dates.
func TestDates(t *testing.T) {
	year1 := time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)
	tests := []struct {
		name                string
		feedUpdated         time.Time
		published, updated  time.Time
		wantFeed, wantEntry time.Time // Atom <updated>
		wantPub, wantMod    time.Time // zero: left out
	}{
		{"dated", time.Time{}, published, changed, changed, changed, published, changed},
		{"undated article", time.Time{}, time.Time{}, fetched, fetched, fetched, time.Time{}, fetched},
		{"no date at all", time.Time{}, time.Time{}, time.Time{}, epoch, epoch, time.Time{}, time.Time{}},
		{"no item date, feed date", changed, time.Time{}, time.Time{}, changed, changed, time.Time{}, time.Time{}},
		{"year 1 is no date", time.Time{}, year1, year1, epoch, epoch, time.Time{}, time.Time{}},
		{"published after updated", time.Time{}, changed, fetched, changed, changed, changed, changed},
		{"feed date older than items", fetched.Add(-time.Hour), time.Time{}, fetched, fetched, fetched, time.Time{}, fetched},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Feed{Title: "t", ID: self, Updated: tt.feedUpdated, Items: []Item{{
				ID: "https://sitrep.example/a/1", Published: tt.published, Updated: tt.updated,
			}}}
			p, err := prepare(f)
			if err != nil {
				t.Fatal(err)
			}
			e := p.entries[0]
			for _, c := range []struct {
				what      string
				got, want time.Time
			}{
				{"feed updated", p.updated, tt.wantFeed},
				{"entry updated", e.updated, tt.wantEntry},
				{"published", e.published, tt.wantPub},
				{"modified", e.modified, tt.wantMod},
			} {
				if !c.got.Equal(c.want) {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
			}
			for _, w := range writers {
				data, err := w.write(f)
				if err != nil {
					t.Fatal(err)
				}
				w.check(t, data)
				if bytes.Contains(data, []byte("0001-")) {
					t.Errorf("%s writes year 0001:\n%s", w.name, data)
				}
			}
		})
	}
}

func TestErrors(t *testing.T) {
	ok := func() Feed { return Feed{Title: "t", ID: self, Items: []Item{{ID: "https://sitrep.example/a/1"}}} }
	tests := []struct {
		name   string
		change func(*Feed)
		want   string // in the error; "" means no error
	}{
		{"valid", func(*Feed) {}, ""},
		{"id from SelfURL", func(f *Feed) { f.ID, f.SelfURL = "", self }, ""},
		{"item id from PageURL", func(f *Feed) { f.Items[0] = Item{PageURL: "https://sitrep.example/a/2"} }, ""},
		{"item id from URL", func(f *Feed) { f.Items[0] = Item{URL: "https://nato.int/a"} }, ""},
		{"tag id", func(f *Feed) { f.Items[0].ID = "tag:sitrep.example,2024:a/1" }, ""},
		{"no title", func(f *Feed) { f.Title = " \x01\n" }, "no title"},
		{"no id", func(f *Feed) { f.ID = "" }, "feed id"},
		{"relative id", func(f *Feed) { f.ID = "/feed.atom" }, "feed id"},
		{"id with space", func(f *Feed) { f.ID = "https://sitrep.example/a b" }, "feed id"},
		{"bad escape in id", func(f *Feed) { f.ID = "https://sitrep.example/%zz" }, "feed id"},
		{"bad self", func(f *Feed) { f.SelfURL = "feed.atom" }, "SelfURL"},
		{"bad home", func(f *Feed) { f.HTMLURL = "javascript:x" }, "HTMLURL"},
		{"item without id", func(f *Feed) { f.Items[0].ID = "" }, "item 0"},
		{"item id with control", func(f *Feed) { f.Items[0].ID = "https://sitrep.example/\x01" }, "item 0"},
		{"item id with noncharacter", func(f *Feed) { f.Items[0].ID = "https://sitrep.example/\uffff" }, "item 0"},
		{"item id with invalid UTF-8", func(f *Feed) { f.Items[0].ID = "https://sitrep.example/\xff" }, "item 0"},
		{"IRI with non-ASCII", func(f *Feed) { f.Items[0].ID = "https://café.example/actualité" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ok()
			tt.change(&f)
			for _, w := range writers {
				data, err := w.write(f)
				switch {
				case tt.want == "" && err != nil:
					t.Errorf("%s: unexpected error %v", w.name, err)
				case tt.want == "" && err == nil:
					w.check(t, data)
				case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
					t.Errorf("%s: error = %v, want one about %q", w.name, err, tt.want)
				}
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		{"crlf\r\ncr\rend", "crlf\ncr\nend"},
		{"nul\x00bell\x07esc\x1bdel\x7f", "nulbellescdel"},
		{"c1\u0085\u009f", "c1"},
		{"nonchar\ufffe\uffff", "nonchar"},
		{"bad\xffutf8\xc3\x28", "bad\ufffdutf8\ufffd("},
		{"keep é 😀 \ufffd", "keep é 😀 \ufffd"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSummary(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct {
		name string
		item Item
		want string
	}{
		{"given, cleaned to a line", Item{Summary: " two\nlines\x01 "}, "two lines"},
		{"derived from paragraphs", Item{Blocks: []model.Block{
			{Kind: model.Heading, Text: "Head"}, {Text: "First."}, {Kind: model.ListItem, Text: "item"}, {Kind: model.Paragraph, Text: "Second\nline."},
		}}, "First. Second line."},
		{"no paragraph: all blocks", Item{Blocks: []model.Block{{Kind: model.Heading, Text: "Head"}, {Kind: model.ListItem, Text: "item"}}}, "Head item"},
		{"cut at a word", Item{Blocks: []model.Block{{Text: long}}}, strings.TrimSpace(strings.Repeat("word ", 56)) + "…"},
		{"one huge word", Item{Blocks: []model.Block{{Text: strings.Repeat("x", 400)}}}, strings.Repeat("x", summaryRunes) + "…"},
		{"nothing", Item{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.item.ID = "https://sitrep.example/a/1"
			e, err := prepareItem(tt.item)
			if err != nil {
				t.Fatal(err)
			}
			if e.summary != tt.want {
				t.Errorf("summary = %q, want %q", e.summary, tt.want)
			}
			if n := utf8.RuneCountInString(e.summary); n > summaryRunes+1 {
				t.Errorf("summary is %d characters, want at most %d", n, summaryRunes+1)
			}
		})
	}
}

// TestContentNotes checks what an item without full text says.
func TestContentNotes(t *testing.T) {
	tests := []struct {
		name     string
		item     Item
		wantText string
	}{
		{"full text", Item{Blocks: []model.Block{{Text: "Body."}}}, "Body."},
		{"teaser", Item{SummaryOnly: true, Blocks: []model.Block{{Text: "Teaser."}}}, teaserNote + "\n\nTeaser."},
		{"teaser without text", Item{SummaryOnly: true}, teaserNote},
		{"no text, summary given", Item{Summary: "Summary."}, "Summary."},
		{"no text at all", Item{}, emptyNote},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.item.ID = "https://sitrep.example/a/1"
			e, err := prepareItem(tt.item)
			if err != nil {
				t.Fatal(err)
			}
			if e.text != tt.wantText {
				t.Errorf("text = %q, want %q", e.text, tt.wantText)
			}
			if e.html == "" {
				t.Error("html is empty")
			}
		})
	}
}

func TestAuthorFallback(t *testing.T) {
	tests := []struct {
		name string
		item Item
		want string
	}{
		{"source", Item{Source: "NATO", Feeds: []string{"X"}}, "NATO"},
		{"first feed", Item{Feeds: []string{" ", "Europol"}}, "Europol"},
		{"original's host", Item{URL: "https://www.nato.int/a"}, "www.nato.int"},
		{"not sitrep's host", Item{PageURL: "https://sitrep.example/a/1"}, "unknown source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.item.ID = "https://sitrep.example/a/1"
			e, err := prepareItem(tt.item)
			if err != nil {
				t.Fatal(err)
			}
			if e.author != tt.want {
				t.Errorf("author = %q, want %q", e.author, tt.want)
			}
		})
	}
}

func TestFromArticle(t *testing.T) {
	a := model.Article{
		URL: "https://www.nato.int/a", Title: "T", Source: "NATO", Feeds: []string{"NATO"},
		Published: published, Updated: changed, SummaryOnly: true, Blocks: []model.Block{{Text: "x"}},
	}
	got := FromArticle(a, "https://sitrep.example/a/1", "https://sitrep.example/a/1")
	want := Item{
		ID: "https://sitrep.example/a/1", URL: a.URL, PageURL: "https://sitrep.example/a/1", Title: "T",
		Source: "NATO", Feeds: a.Feeds, Published: published, Updated: changed, SummaryOnly: true, Blocks: a.Blocks,
	}
	if !equalItems(got, want) {
		t.Errorf("FromArticle = %+v, want %+v", got, want)
	}
}

func equalItems(a, b Item) bool {
	return a.ID == b.ID && a.URL == b.URL && a.PageURL == b.PageURL && a.Title == b.Title &&
		a.Source == b.Source && slices.Equal(a.Feeds, b.Feeds) && a.Published.Equal(b.Published) &&
		a.Updated.Equal(b.Updated) && a.SummaryOnly == b.SummaryOnly && slices.Equal(a.Blocks, b.Blocks) &&
		a.Summary == b.Summary
}

// FuzzFeeds checks that no text makes either writer fail, panic or write
// something that does not parse.
func FuzzFeeds(f *testing.F) {
	f.Add(hostileTitle, "Evil & <Co>", "<script>]]>\x00\xff", "javascript:alert(1)")
	f.Add("", "", "", "")
	f.Add("\r", "\u2028", "a\r\n\r\nb", "https://a.example/\u00e9")
	f.Fuzz(func(t *testing.T, title, source, text, link string) {
		feed := Feed{Title: "sitrep: fuzz", ID: self, Items: []Item{{
			ID: "https://sitrep.example/a/1", URL: link, Title: title, Source: source,
			Feeds: []string{source, title}, Summary: text,
			Blocks: []model.Block{{Kind: model.Paragraph, Text: text}, {Kind: model.ListItem, Text: title}},
		}}}
		// The same text as the item's id, which may be refused but must
		// never be written when it would break the feed.
		byID := Feed{Title: title + "x", ID: self, Items: []Item{{ID: link, PageURL: text}}}
		for _, w := range writers {
			data, err := w.write(feed)
			if err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			wellFormed(t, w.name, data)
			w.check(t, data)
			if data, err := w.write(byID); err == nil {
				wellFormed(t, w.name, data)
				w.check(t, data)
			}
		}
	})
}

// Atom documents, as far as checkAtom needs them.
const atomNS = "http://www.w3.org/2005/Atom"

type atomDoc struct {
	XMLName   xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	IDs       []string     `xml:"http://www.w3.org/2005/Atom id"`
	Titles    []string     `xml:"http://www.w3.org/2005/Atom title"`
	Updated   []string     `xml:"http://www.w3.org/2005/Atom updated"`
	Authors   []atomPerson `xml:"http://www.w3.org/2005/Atom author"`
	Links     []atomLink   `xml:"http://www.w3.org/2005/Atom link"`
	Generator []string     `xml:"http://www.w3.org/2005/Atom generator"`
	Entries   []atomEntry  `xml:"http://www.w3.org/2005/Atom entry"`
}

type atomEntry struct {
	IDs        []string       `xml:"http://www.w3.org/2005/Atom id"`
	Titles     []string       `xml:"http://www.w3.org/2005/Atom title"`
	Updated    []string       `xml:"http://www.w3.org/2005/Atom updated"`
	Published  []string       `xml:"http://www.w3.org/2005/Atom published"`
	Authors    []atomPerson   `xml:"http://www.w3.org/2005/Atom author"`
	Links      []atomLink     `xml:"http://www.w3.org/2005/Atom link"`
	Categories []atomCategory `xml:"http://www.w3.org/2005/Atom category"`
	Summaries  []atomText     `xml:"http://www.w3.org/2005/Atom summary"`
	Contents   []atomText     `xml:"http://www.w3.org/2005/Atom content"`
}

type atomPerson struct {
	Names []string `xml:"http://www.w3.org/2005/Atom name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// checkAtom fails unless data is an Atom feed with what RFC 4287 requires
// (section 4.1): one id, title and updated in the feed and in each entry;
// ids that are absolute IRIs; RFC 3339 dates; an author with a name in the
// feed or in every entry; links with an href and at most one alternate per
// type; content of a known type, or an alternate link in its place.
func checkAtom(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
		t.Errorf("atom: no XML declaration at the start")
	}
	var doc atomDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Errorf("atom: does not parse as an Atom feed (root <feed> in %s): %v", atomNS, err)
		return
	}
	checkOne(t, "feed", "id", doc.IDs)
	checkOne(t, "feed", "title", doc.Titles)
	checkOne(t, "feed", "updated", doc.Updated)
	if len(doc.Generator) > 1 {
		t.Errorf("atom: feed has %d generators, want at most one", len(doc.Generator))
	}
	for _, id := range doc.IDs {
		checkIRI(t, "feed id", id)
	}
	for _, u := range doc.Updated {
		checkStamp(t, "feed updated", u)
	}
	checkLinks(t, "feed", doc.Links)
	feedAuthor := checkAuthors(t, "feed", doc.Authors)
	for i, e := range doc.Entries {
		where := fmt.Sprintf("entry %d", i)
		if len(e.IDs) == 1 {
			where += " (" + e.IDs[0] + ")"
		}
		checkOne(t, where, "id", e.IDs)
		checkOne(t, where, "title", e.Titles)
		checkOne(t, where, "updated", e.Updated)
		for _, id := range e.IDs {
			checkIRI(t, where+" id", id)
		}
		for _, u := range e.Updated {
			checkStamp(t, where+" updated", u)
		}
		if len(e.Published) > 1 {
			t.Errorf("atom: %s has %d published, want at most one", where, len(e.Published))
		}
		for _, u := range e.Published {
			checkStamp(t, where+" published", u)
		}
		if !checkAuthors(t, where, e.Authors) && !feedAuthor {
			t.Errorf("atom: %s has no author and neither has the feed", where)
		}
		alternates := checkLinks(t, where, e.Links)
		if len(e.Contents) == 0 && alternates == 0 {
			t.Errorf("atom: %s has neither content nor an alternate link", where)
		}
		if len(e.Contents) > 1 || len(e.Summaries) > 1 {
			t.Errorf("atom: %s has %d contents and %d summaries, want at most one each", where, len(e.Contents), len(e.Summaries))
		}
		for _, c := range append(e.Contents, e.Summaries...) {
			if c.Type != "text" && c.Type != "html" && c.Type != "" {
				t.Errorf("atom: %s has text of type %q, want text or html", where, c.Type)
			}
		}
		for _, c := range e.Categories {
			if c.Term == "" {
				t.Errorf("atom: %s has a category without a term", where)
			}
		}
	}
}

func checkOne(t *testing.T, where, name string, got []string) {
	t.Helper()
	if len(got) != 1 {
		t.Errorf("atom: %s has %d <%s> elements, want exactly one", where, len(got), name)
	}
}

// checkIRI fails unless s is an absolute IRI: a scheme, and none of the
// characters IRIs exclude.
func checkIRI(t *testing.T, what, s string) {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || strings.ContainsAny(s, " \t\n<>\"{}|\\^`") {
		t.Errorf("%s %q is not an absolute IRI", what, s)
	}
}

// checkStamp fails unless s is an RFC 3339 date with a plausible year.
func checkStamp(t *testing.T, what, s string) {
	t.Helper()
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Errorf("%s %q is not an RFC 3339 date: %v", what, s, err)
		return
	}
	if d.Year() < 1900 {
		t.Errorf("%s %q is a zero or impossible date", what, s)
	}
}

// checkAuthors reports whether there is an author, failing if one has no
// name (atom:author must hold exactly one atom:name).
func checkAuthors(t *testing.T, where string, authors []atomPerson) bool {
	t.Helper()
	for _, a := range authors {
		if len(a.Names) != 1 || strings.TrimSpace(a.Names[0]) == "" {
			t.Errorf("atom: %s has an author with %d names %q, want one non-empty name", where, len(a.Names), a.Names)
		}
	}
	return len(authors) > 0
}

// checkLinks fails on a link without an absolute href or on two alternate
// links of one type, and returns the number of alternate links.
func checkLinks(t *testing.T, where string, links []atomLink) int {
	t.Helper()
	alternates := 0
	types := map[string]bool{}
	for _, l := range links {
		checkIRI(t, where+" link href", l.Href)
		if l.Rel == "alternate" || l.Rel == "" {
			alternates++
			if types[l.Type] {
				t.Errorf("atom: %s has two alternate links of type %q", where, l.Type)
			}
			types[l.Type] = true
		}
	}
	return alternates
}

// checkJSONFeed fails unless data is a JSON Feed 1.1 with what the spec
// requires (version, title, an items array; each item an id and
// content_html or content_text), RFC 3339 dates, authors with a member, and
// no empty string anywhere (every optional field is left out when empty).
func checkJSONFeed(t *testing.T, data []byte) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Errorf("json feed: does not parse as a JSON object: %v", err)
		return
	}
	if v, _ := doc["version"].(string); v != "https://jsonfeed.org/version/1.1" {
		t.Errorf("json feed: version = %#v, want the JSON Feed 1.1 URL", doc["version"])
	}
	if title, ok := doc["title"].(string); !ok || title == "" {
		t.Errorf("json feed: title = %#v, want a non-empty string", doc["title"])
	}
	for _, k := range []string{"home_page_url", "feed_url"} {
		if v, ok := doc[k]; ok {
			s, _ := v.(string)
			checkIRI(t, "json feed: "+k, s)
		}
	}
	items, ok := doc["items"].([]any)
	if !ok {
		t.Errorf("json feed: items = %#v, want an array", doc["items"])
	}
	noEmptyStrings(t, "json feed", doc)
	for i, v := range items {
		item, ok := v.(map[string]any)
		if !ok {
			t.Errorf("json feed: item %d is %T, want an object", i, v)
			continue
		}
		if id, ok := item["id"].(string); !ok || id == "" {
			t.Errorf("json feed: item %d id = %#v, want a non-empty string", i, item["id"])
		}
		_, hasHTML := item["content_html"].(string)
		_, hasText := item["content_text"].(string)
		if !hasHTML && !hasText {
			t.Errorf("json feed: item %d has neither content_html nor content_text", i)
		}
		for _, k := range []string{"date_published", "date_modified"} {
			if v, ok := item[k]; ok {
				s, _ := v.(string)
				checkStamp(t, "json feed: item "+k, s)
			}
		}
		if v, ok := item["url"]; ok {
			s, _ := v.(string)
			checkIRI(t, "json feed: item url", s)
		}
		if v, ok := item["authors"]; ok {
			authors, ok := v.([]any)
			if !ok || len(authors) == 0 {
				t.Errorf("json feed: item %d authors = %#v, want a non-empty array", i, v)
			}
			for _, a := range authors {
				if m, ok := a.(map[string]any); !ok || len(m) == 0 {
					t.Errorf("json feed: item %d author %#v, want an object with a member", i, a)
				}
			}
		}
		if v, ok := item["tags"]; ok {
			if _, ok := v.([]any); !ok {
				t.Errorf("json feed: item %d tags = %#v, want an array", i, v)
			}
		}
	}
}

// noEmptyStrings fails on any empty string value inside v.
func noEmptyStrings(t *testing.T, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case string:
		if v == "" {
			t.Errorf("%s is an empty string; leave it out instead", path)
		}
	case []any:
		for i, x := range v {
			noEmptyStrings(t, fmt.Sprintf("%s[%d]", path, i), x)
		}
	case map[string]any:
		for k, x := range v {
			noEmptyStrings(t, path+"."+k, x)
		}
	}
}
