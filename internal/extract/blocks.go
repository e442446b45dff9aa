package extract

import (
	"strings"
	"unicode"

	"github.com/sitrep/sitrep/internal/model"
	"golang.org/x/net/html"
)

// Rendering of an HTML tree into model blocks. The walk keeps the structure
// the digest needs (paragraphs, headings, list items, captions, quotes, line
// breaks) and nothing else: every other element is either a block boundary
// or inline text.

// skipTags hold no readable text of the article (or hold text that only makes
// sense when interacted with, like form controls).
var skipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"svg": true, "math": true, "iframe": true, "object": true, "embed": true,
	"canvas": true, "video": true, "audio": true, "button": true, "input": true,
	"select": true, "textarea": true, "option": true, "head": true,
	"title": true, "meta": true, "link": true, "base": true,
}

// blockTags end the current block when they start and when they end.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true,
	"body": true, "center": true, "dd": true, "details": true, "dialog": true,
	"div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "header": true,
	"hgroup": true, "hr": true, "li": true, "main": true, "menu": true,
	"nav": true, "ol": true, "p": true, "pre": true, "section": true,
	"summary": true, "table": true, "caption": true, "tbody": true,
	"thead": true, "tfoot": true, "tr": true, "ul": true, "html": true,
	"legend": true, "picture": true,
}

// kindTags give the blocks inside them their kind; the innermost one wins.
var kindTags = map[string]model.BlockKind{
	"h1": model.Heading, "h2": model.Heading, "h3": model.Heading,
	"h4": model.Heading, "h5": model.Heading, "h6": model.Heading,
	"li": model.ListItem, "dt": model.ListItem, "dd": model.ListItem,
	"figcaption": model.Caption, "caption": model.Caption,
	"blockquote": model.Quote,
}

// renderer accumulates the text of the current block line by line.
type renderer struct {
	blocks []model.Block
	kinds  []model.BlockKind // kind context stack
	lines  []string          // finished lines of the current block
	line   strings.Builder   // the line being written
	space  bool              // a collapsible whitespace run is pending
	pre    int               // depth inside <pre>: newlines are line breaks there
}

// renderBlocks renders the tree under n (n included) as blocks.
func renderBlocks(n *html.Node) []model.Block {
	if n == nil {
		return nil
	}
	var r renderer
	r.walk(n)
	r.flush()
	return r.blocks
}

func (r *renderer) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.text(n.Data)
		return
	case html.DocumentNode:
		r.children(n)
		return
	case html.ElementNode:
	default:
		return // comments, doctypes
	}
	tag := strings.ToLower(n.Data)
	if skipTags[tag] || hasAttr(n, "hidden") {
		return
	}
	switch tag {
	case "br":
		r.lineBreak()
		return
	case "td", "th":
		// Cells of a row stay on one line, separated by a space.
		r.space = true
		r.children(n)
		r.space = true
		return
	}
	kind, hasKind := kindTags[tag]
	block := blockTags[tag] || hasKind
	if block {
		r.flush()
	}
	if hasKind {
		r.kinds = append(r.kinds, kind)
	}
	if tag == "pre" {
		r.pre++
	}
	r.children(n)
	if tag == "pre" {
		r.pre--
	}
	if block {
		r.flush()
	}
	if hasKind {
		r.kinds = r.kinds[:len(r.kinds)-1]
	}
}

func (r *renderer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.walk(c)
	}
}

// text appends s to the current line, collapsing whitespace runs to one
// space but keeping non-breaking spaces, which carry meaning ("10 km").
func (r *renderer) text(s string) {
	for _, c := range s {
		switch {
		case c == '\n' && r.pre > 0:
			r.lineBreak()
		case isCollapsible(c):
			r.space = true
		case c == '\u00ad' || c == '\u200b' || c == '\ufeff' || (unicode.IsControl(c) && c != '\t'):
			// invisible: soft hyphen, zero-width space, BOM, controls
		default:
			if r.space && r.line.Len() > 0 {
				r.line.WriteByte(' ')
			}
			r.space = false
			r.line.WriteRune(c)
		}
	}
}

// isCollapsible reports whether c is whitespace that HTML rendering folds;
// the non-breaking spaces are not.
func isCollapsible(c rune) bool {
	switch c {
	case '\u00a0', '\u202f', '\u2007':
		return false
	}
	return unicode.IsSpace(c)
}

func (r *renderer) lineBreak() {
	r.lines = append(r.lines, r.line.String())
	r.line.Reset()
	r.space = false
}

// flush ends the current block. An empty line inside it (<br><br>) starts
// a new block of the same kind: in the digest a blank line separates blocks,
// so a block must never hold one.
func (r *renderer) flush() {
	lines := append(r.lines, r.line.String())
	r.lines = r.lines[:0]
	r.line.Reset()
	r.space = false
	kind := model.Paragraph
	if len(r.kinds) > 0 {
		kind = r.kinds[len(r.kinds)-1]
	}
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i < len(lines) && lines[i] != "" {
			continue
		}
		if i > start {
			text := strings.Join(lines[start:i], "\n")
			if hasContent(text) {
				r.blocks = append(r.blocks, model.Block{Kind: kind, Text: text})
			}
		}
		start = i + 1
	}
}

// hasContent reports whether s has anything but whitespace (of any kind).
func hasContent(s string) bool {
	return strings.IndexFunc(s, func(c rune) bool { return !unicode.IsSpace(c) }) >= 0
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
