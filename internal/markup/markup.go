// Package markup parses untrusted HTML into a tree. It is the HTML5 parser
// of golang.org/x/net/html with one addition: a document nested deeper than
// that parser accepts (512 open elements) is flattened, as browsers do,
// instead of being refused, so a page of unclosed <div>s still yields its
// text.
package markup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// ErrTooDeep: the document stays nested beyond the parser's limit even
// after flattening.
var ErrTooDeep = errors.New("HTML nested too deeply to read")

// Parse parses a whole document.
func Parse(src []byte) (*html.Node, error) {
	doc, err := html.Parse(bytes.NewReader(src))
	if err == nil || !tooDeep(err) {
		return doc, err
	}
	// Browsers stop nesting at a depth (Chromium: 512) and attach deeper
	// elements as siblings; dropping the tags beyond a depth keeps the
	// same text. The token stream's depth is only an estimate of the
	// tree's (implied end tags, misnested formatting), hence a lower
	// limit on the second try.
	for _, limit := range []int{256, 32} {
		doc, err = html.Parse(bytes.NewReader(Flatten(src, limit)))
		if err == nil || !tooDeep(err) {
			return doc, err
		}
	}
	return nil, fmt.Errorf("%w: %w", ErrTooDeep, err)
}

// ParseFragment parses a fragment in the context of an element, flattening
// it like Parse when it is nested too deeply.
func ParseFragment(src string, context *html.Node) ([]*html.Node, error) {
	nodes, err := html.ParseFragment(strings.NewReader(src), context)
	if err == nil || !tooDeep(err) {
		return nodes, err
	}
	for _, limit := range []int{256, 32} {
		nodes, err = html.ParseFragment(bytes.NewReader(Flatten([]byte(src), limit)), context)
		if err == nil || !tooDeep(err) {
			return nodes, err
		}
	}
	return nil, fmt.Errorf("%w: %w", ErrTooDeep, err)
}

func tooDeep(err error) bool {
	return strings.Contains(err.Error(), "open stack of elements")
}

// Flatten rewrites src so that no element opens more than limit elements
// deep in its token stream: as in browsers, an element that would open
// deeper closes the innermost open one and becomes its sibling, and that
// element's own end tag, when it comes, is dropped. Text, comments and
// every other token are kept byte for byte.
func Flatten(src []byte, limit int) []byte {
	z := html.NewTokenizer(bytes.NewReader(src))
	var out bytes.Buffer
	out.Grow(len(src))
	var open []string
	closed := map[string]int{} // end tags still to come for elements closed early
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				out.Write(z.Raw())
			}
			return out.Bytes()
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			b, _ := z.TagName()
			name := string(b)
			if void[name] || rawText[name] {
				break
			}
			if len(open) >= limit {
				top := open[len(open)-1]
				open = open[:len(open)-1]
				closed[top]++
				out.WriteString("</" + top + ">")
			}
			open = append(open, name)
		case html.EndTagToken:
			b, _ := z.TagName()
			name := string(b)
			if rawText[name] {
				break
			}
			if len(open) > 0 && open[len(open)-1] == name {
				open = open[:len(open)-1]
				break
			}
			if closed[name] > 0 {
				closed[name]--
				continue
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == name {
					open = open[:i]
					break
				}
			}
		}
		out.Write(raw)
	}
}

// void elements have no end tag and never nest.
var void = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true,
	"track": true, "wbr": true, "param": true, "keygen": true,
}

// rawText elements hold text, not markup: the tokenizer reads their content
// as text once it has seen the start tag, so dropping one would turn a
// script into visible text. They are kept and not counted.
var rawText = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true,
}

// Shrink makes an HTML page at most limit bytes for the extractor: first it
// drops what is never article text (scripts, styles, inline SVG,
// templates, comments), which is what makes most large pages large; then,
// if that is not enough, it cuts the tail, where an article rarely is. The
// parser closes whatever the cut leaves open.
func Shrink(src []byte, limit int) []byte {
	if len(src) <= limit {
		return src
	}
	z := html.NewTokenizer(bytes.NewReader(src))
	var out bytes.Buffer
	out.Grow(min(len(src), 2*limit))
	skip := ""    // inside this raw-text element: drop its text
	svgDepth := 0 // inside inline SVG or a template
	for out.Len() <= limit {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.CommentToken:
			continue
		case html.TextToken:
			if skip != "" || svgDepth > 0 {
				continue
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			b, _ := z.TagName()
			name := string(b)
			switch {
			case name == "svg" || name == "template":
				if tt == html.StartTagToken {
					svgDepth++
				}
				continue
			case svgDepth > 0:
				continue
			case name == "script" || name == "style" || name == "noscript":
				if tt == html.StartTagToken {
					skip = name
				}
				continue
			}
		case html.EndTagToken:
			b, _ := z.TagName()
			name := string(b)
			switch {
			case name == "svg" || name == "template":
				svgDepth = max(svgDepth-1, 0)
				continue
			case svgDepth > 0:
				continue
			case name == skip:
				skip = ""
				continue
			}
		}
		out.Write(z.Raw())
	}
	b := out.Bytes()
	if len(b) > limit {
		b = b[:limit]
	}
	return b
}
