package syndication

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/sitrep/sitrep/internal/model"
)

// TestXSSCorpus writes the XSS corpus (internal/web/testdata/xss.txt; its
// header has the format) into every field of a feed that comes from a
// source: original links, titles, source names, tags, summaries and every
// kind of block. Both formats must parse, give every title back as text,
// link only to http(s), and carry content whose HTML is nothing but the
// markup RenderHTML writes.
func TestXSSCorpus(t *testing.T) {
	payloads := readXSSCorpus(t)
	f := Feed{Title: "sitrep: " + payloads[0], ID: self, SelfURL: self, HTMLURL: "https://sitrep.example/search?q=x", Generator: payloads[1]}
	var titles []string
	for i, p := range payloads {
		blocks := []model.Block{
			{Kind: model.Paragraph, Text: p}, {Kind: model.Heading, Text: p}, {Kind: model.ListItem, Text: p},
			{Kind: model.Caption, Text: p}, {Kind: model.Quote, Text: "quoted " + p}, {Kind: model.Paragraph, Text: "a\n" + p},
		}
		page := "https://sitrep.example/a/" + strconv.Itoa(i)
		summary := ""
		if i%2 == 1 {
			summary = p
		}
		// The payload as the original link, and inside an http(s) one.
		f.Items = append(f.Items,
			Item{ID: page, PageURL: page, URL: p, Title: p, Source: p, Feeds: []string{p, "and " + p}, Summary: summary, Blocks: blocks, SummaryOnly: i%3 == 0},
			Item{ID: page + "/b", URL: "https://evil.example/" + strconv.Itoa(i) + "?" + p, Title: "b " + p, Feeds: []string{p}, Blocks: blocks})
		titles = append(titles, line(p), line("b "+p))
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			data, err := w.write(f)
			if err != nil {
				t.Fatal(err)
			}
			wellFormed(t, w.name, data)
			got, err := gofeed.NewParser().ParseString(string(data))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if len(got.Items) != len(titles) {
				t.Fatalf("%d items, want %d", len(got.Items), len(titles))
			}
			for _, l := range append([]string{got.Link, got.FeedLink}, got.Links...) {
				checkWebLink(t, "the feed", l)
			}
			for i, it := range got.Items {
				if it.Title != titles[i] {
					t.Errorf("item %d: title %q, want %q", i, it.Title, titles[i])
				}
				for _, l := range append([]string{it.Link}, it.Links...) {
					checkWebLink(t, fmt.Sprintf("item %d (%q)", i, it.Title), l)
				}
				for _, p := range contentProblems(it.Content) {
					t.Errorf("item %d (%q): content %s", i, it.Title, p)
				}
				if want := strings.ReplaceAll(html.EscapeString(strings.TrimSpace(clean(payloads[i/2]))), "\n", "<br>"); !strings.Contains(it.Content, want) {
					t.Errorf("item %d: content lacks the payload as escaped text: %q", i, it.Content)
				}
			}
		})
	}
}

// checkWebLink fails unless l is empty or an absolute http(s) URL.
func checkWebLink(t *testing.T, what, l string) {
	t.Helper()
	if l == "" {
		return
	}
	u, err := url.Parse(l)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasPrefix(l, u.Scheme+"://") {
		t.Errorf("%s links to %q", what, l)
	}
}

// rendered are the elements and attributes model.RenderHTML and the
// content notes write; content holds nothing else.
var rendered = map[string]bool{"p": true, "h3": true, "ul": true, "li": true, "blockquote": true, "br": true, "em": true}

// contentProblems parses an item's HTML content as a reader would and
// lists any element or attribute that RenderHTML does not write.
func contentProblems(s string) []string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Namespace != "" || !rendered[n.Data] {
				out = append(out, fmt.Sprintf("has a <%s> element", n.Data))
			}
			for _, a := range n.Attr {
				if !(n.Data == "p" && a.Key == "class" && a.Val == "caption") {
					out = append(out, fmt.Sprintf("has <%s %s=%q>", n.Data, a.Key, a.Val))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

// readXSSCorpus reads the corpus as internal/web's tests do.
func readXSSCorpus(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../web/testdata/xss.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		p, err := unescapeXSS(l)
		if err != nil {
			t.Fatalf("xss.txt:%d: %v", n+1, err)
		}
		out = append(out, p)
	}
	return out
}

// unescapeXSS undoes the corpus file's escapes: \t, \n, \xNN, \uNNNN, \\.
func unescapeXSS(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("a backslash at the end of the line")
		}
		i++
		switch c := s[i]; c {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'x', 'u':
			n := 2
			if c == 'u' {
				n = 4
			}
			if i+1+n > len(s) {
				return "", fmt.Errorf("\\%c wants %d hex digits", c, n)
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", err
			}
			if c == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += n
		default:
			return "", fmt.Errorf("unknown escape \\%c", c)
		}
	}
	return b.String(), nil
}
