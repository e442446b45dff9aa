// Package extract turns an article page's HTML into the article's text as
// structured blocks (paragraphs, headings, list items, captions, quotes),
// with its title, publication time and canonical URL. It does no I/O.
package extract

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"codeberg.org/readeck/go-readability/v2"
	"github.com/markusmobius/go-htmldate"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/sitrep/sitrep/internal/markup"
	"github.com/sitrep/sitrep/internal/model"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ErrNoContent means the page holds no article text worth keeping: a
// JavaScript app shell, an error page, a cookie wall.
var ErrNoContent = errors.New("no article text")

// Options tell Page about the page it reads.
type Options struct {
	// URL is the page's address, for resolving relative links (canonical).
	URL *url.URL
}

// Result is what Page finds in a page.
type Result struct {
	Title     string    // the article's title, without the site name
	Published time.Time // from the page's metadata; zero if none
	Canonical string    // <link rel=canonical> made absolute; "" if none
	Blocks    []model.Block
}

// minWords is the least body text, in words, that counts as an article:
// below it the page is a shell or a wall, and the feed's teaser is better.
const minWords = 15

// Page extracts the article of an HTML page (already UTF-8). It returns
// ErrNoContent, with the metadata it found, when the page has fewer than
// minWords words of article text.
func Page(src []byte, opts Options) (Result, error) {
	c, err := candidates(src, opts)
	if err != nil {
		return Result{}, err
	}
	return c.result(combine(c.tb, c.rb))
}

// views is what the page gives before the extractors' views are merged.
type views struct {
	res    Result // metadata only
	tb, rb []model.Block
}

func candidates(src []byte, opts Options) (views, error) {
	doc, err := markup.Parse(src)
	if err != nil {
		return views{}, fmt.Errorf("reading the page's HTML: %w", err) // the caller names the page
	}
	m := readMeta(doc)
	v := views{res: Result{
		Title:     m.title(),
		Published: m.publishedTime(),
		Canonical: resolveCanonical(m.canonical, opts.URL),
	}}
	if v.res.Published.IsZero() {
		v.res.Published = visibleDate(doc, opts.URL)
	}
	prune(doc)
	v.rb = readabilityBlocks(clone(doc), opts.URL) // readability changes the tree it reads
	tdoc := doc
	if r := region(doc, v.rb); r != nil {
		tdoc = standalone(r)
	}
	v.tb = trafilaturaBlocks(tdoc, opts.URL)
	return v, nil
}

func (v views) result(blocks []model.Block) (Result, error) {
	res := v.res
	blocks = dropHeader(blocks, res.Title)
	if countWords(blocks) < minWords {
		return res, ErrNoContent
	}
	res.Blocks = blocks
	return res, nil
}

// Fragment renders a feed's content HTML (content:encoded, Atom content) as
// blocks. Feed content is the article itself, so nothing but scripts,
// styles and the like is removed.
func Fragment(src string) []model.Block {
	nodes, err := markup.ParseFragment(src, &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return nil
	}
	root := &html.Node{Type: html.ElementNode, Data: "div"}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return renderBlocks(root)
}

// visibleDate finds the publication date of a page whose metadata has
// none, in what the page shows ("Sep. 6, 2023" by the title, a dated URL)
// with go-htmldate. It is slower than reading metadata, so it runs only
// when that fails.
func visibleDate(doc *html.Node, u *url.URL) time.Time {
	opts := htmldate.Options{UseOriginalDate: true}
	if u != nil && (u.Scheme == "http" || u.Scheme == "https") {
		opts.URL = u.String()
	}
	res, err := htmldate.FromDocument(doc, opts)
	if err != nil || res.IsZero() {
		return time.Time{}
	}
	return res.DateTime.UTC()
}

func trafilaturaBlocks(doc *html.Node, u *url.URL) []model.Block {
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		OriginalURL:     u,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Disabled, // dates come from readMeta
	})
	if err != nil || res == nil {
		return nil
	}
	return renderBlocks(res.ContentNode)
}

func readabilityBlocks(doc *html.Node, u *url.URL) []model.Block {
	if u == nil {
		u = &url.URL{Scheme: "http", Host: "localhost", Path: "/"}
	}
	p := readability.NewParser()
	art, err := p.ParseAndMutate(doc, u)
	if err != nil || art.Node == nil {
		return nil
	}
	return renderBlocks(art.Node)
}

// pruneTags never hold article text. Removing them once, before the
// extractors (which copy and walk the tree several times each), saves much
// of their time on script-heavy pages.
var pruneTags = map[string]bool{
	"head": true, "script": true, "style": true, "noscript": true,
	"template": true, "svg": true, "link": true, "meta": true,
	"iframe": true, "canvas": true, "object": true, "embed": true,
	"nav": true, "footer": true, "aside": true, "menu": true,
}

// prune removes comments and pruneTags elements from doc.
func prune(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.CommentNode || (c.Type == html.ElementNode && pruneTags[c.Data]) {
			n.RemoveChild(c)
		} else {
			prune(c)
		}
		c = next
	}
}

func countWords(blocks []model.Block) int {
	n := 0
	for _, b := range blocks {
		n += len(strings.Fields(b.Text))
	}
	return n
}
