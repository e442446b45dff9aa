package extract

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

func p(s string) model.Block  { return model.Block{Kind: model.Paragraph, Text: s} }
func h(s string) model.Block  { return model.Block{Kind: model.Heading, Text: s} }
func li(s string) model.Block { return model.Block{Kind: model.ListItem, Text: s} }
func c(s string) model.Block  { return model.Block{Kind: model.Caption, Text: s} }
func q(s string) model.Block  { return model.Block{Kind: model.Quote, Text: s} }

func TestFragment(t *testing.T) {
	tests := []struct {
		name, html string
		want       []model.Block
	}{
		{"paragraphs", "<p>One  two\n three.</p>\n<p>Four.</p>", []model.Block{p("One two three."), p("Four.")}},
		{"br kept as newline", "<p>Line one,<br>\n  line two.<br></p>", []model.Block{p("Line one,\nline two.")}},
		{"double br splits", "<p>First.<br><br>Second.</p>", []model.Block{p("First."), p("Second.")}},
		{"nbsp kept", "<p>10\u00a0km &nbsp;away&nbsp;</p>", []model.Block{p("10\u00a0km \u00a0away\u00a0")}},
		{"nested inline", "<p>A <b>bold <i>and italic</i></b> <a href=x>link</a>.</p>", []model.Block{p("A bold and italic link.")}},
		{"adjacent inline not spaced", "<p><a>Facebook</a><a>Twitter</a></p>", []model.Block{p("FacebookTwitter")}},
		{"list", "<p>Results:</p><ul><li>one</li><li> two <b>x</b></li></ul>", []model.Block{p("Results:"), li("one"), li("two x")}},
		{"nested list", "<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul>", []model.Block{li("a"), li("a1"), li("b")}},
		{"headings", "<h2>Section</h2><p>Text.</p><h3> Sub </h3>", []model.Block{h("Section"), p("Text."), h("Sub")}},
		{"figure caption", `<figure><img src="a.jpg"><figcaption>Raids in <em>Portugal</em>.</figcaption></figure>`, []model.Block{c("Raids in Portugal.")}},
		{"quote", "<blockquote><p>We act.</p><p>Now.</p></blockquote>", []model.Block{q("We act."), q("Now.")}},
		{"scripts and styles dropped", "<p>a<script>var x</script><style>p{}</style>b</p>", []model.Block{p("ab")}},
		{"loose text and divs", "Intro text<div>Block</div>tail", []model.Block{p("Intro text"), p("Block"), p("tail")}},
		{"empty blocks dropped", "<p> </p><p>\u00a0</p><div><p></p></div><p>x</p>", []model.Block{p("x")}},
		{"pre keeps lines", "<pre>a  b\nc</pre>", []model.Block{p("a b\nc")}},
		{"table row on one line", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", []model.Block{p("a b"), p("c")}},
		{"soft hyphen removed", "<p>extra\u00adordinary</p>", []model.Block{p("extraordinary")}},
		{"hidden dropped", "<p hidden>secret</p><p>shown</p>", []model.Block{p("shown")}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fragment(tt.html); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Fragment(%q)\n got %q\nwant %q", tt.html, got, tt.want)
			}
		})
	}
}

func TestDropHeader(t *testing.T) {
	tests := []struct {
		name  string
		in    []model.Block
		title string
		want  []model.Block
	}{
		{"title", []model.Block{h("The Title"), p("Body text.")}, "The  title", []model.Block{p("Body text.")}},
		{"date line", []model.Block{p("06 Sep. 2023 | Last updated: 06 Sep. 2023 16:30"), p("Body.")}, "T", []model.Block{p("Body.")}},
		{"us date", []model.Block{p("September 6, 2023"), p("Body.")}, "T", []model.Block{p("Body.")}},
		{"byline", []model.Block{p("By Jane Doe"), p("Body.")}, "T", []model.Block{p("Body.")}},
		{"dated sentence kept", []model.Block{p("On 5 May 2023 police arrested two men in Lyon."), p("Body.")}, "T", []model.Block{p("On 5 May 2023 police arrested two men in Lyon."), p("Body.")}},
		{"only at the start", []model.Block{p("a"), p("b"), p("c"), p("September 6, 2023")}, "T", []model.Block{p("a"), p("b"), p("c"), p("September 6, 2023")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dropHeader(tt.in, tt.title); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPageMetadata(t *testing.T) {
	body := "<p>" + strings.Repeat("The operation led to many arrests across the region. ", 5) + "</p>"
	tests := []struct {
		name, html                  string
		title, canonical, published string
	}{
		{"og and h1", `<html><head><title>Site - The real title here</title><meta property="og:title" content="The real title here | Site">
			<meta property="article:published_time" content="2023-09-07T14:05:00Z"><link rel="canonical" href="/a/b"></head>
			<body><h1>The real title here</h1><article>` + body + `</article></body></html>`,
			"The real title here", "http://example.org/a/b", "2023-09-07T14:05:00Z"},
		{"title suffix, json-ld date", `<html><head><title>Readout of the call &gt; The Joint Staff &gt; News</title>
			<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2023-09-06T21:10:00-04:00"}]}</script></head>
			<body><article>` + body + `</article></body></html>`,
			"Readout of the call", "", "2023-09-07T01:10:00Z"},
		{"time element", `<html><head><title>Plain title of article</title></head><body><article><time datetime="2023-09-06">6 Sep</time>` + body + `</article></body></html>`,
			"Plain title of article", "", "2023-09-06T00:00:00Z"},
		{"only a visible date", `<html><head><title>Plain title of article</title></head><body><article><h1>Plain title of article</h1>
			<div class="info"><span class="date">Sep. 6, 2023</span> | Public Affairs</div>` + body + `</article></body></html>`,
			"Plain title of article", "", "2023-09-06T00:00:00Z"},
		{"no date at all", `<html><head><title>Plain title of article</title></head><body><article>` + body + `</article></body></html>`,
			"Plain title of article", "", ""},
	}
	base, _ := url.Parse("http://example.org/x/y")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Page([]byte(tt.html), Options{URL: base})
			if err != nil {
				t.Fatal(err)
			}
			var pub string
			if !res.Published.IsZero() {
				pub = res.Published.Format(time.RFC3339)
			}
			if res.Title != tt.title || res.Canonical != tt.canonical || pub != tt.published {
				t.Errorf("got (%q, %q, %q), want (%q, %q, %q)", res.Title, res.Canonical, pub, tt.title, tt.canonical, tt.published)
			}
			if len(res.Blocks) == 0 || !strings.HasPrefix(res.Blocks[0].Text, "The operation") {
				t.Errorf("blocks = %q", res.Blocks)
			}
		})
	}
}

func TestPageNoContent(t *testing.T) {
	pages := []string{
		`<!doctype html><html><head><title>App</title></head><body><app-root></app-root><noscript>Please enable JavaScript to continue using this application.</noscript><script src="main.js"></script></body></html>`,
		`<html><body><div class="cookie"><p>We use cookies.</p><button>Accept</button></div></body></html>`,
		``,
	}
	for _, src := range pages {
		if _, err := Page([]byte(src), Options{}); !errors.Is(err, ErrNoContent) {
			t.Errorf("Page(%.40q) error = %v, want ErrNoContent", src, err)
		}
	}
}
