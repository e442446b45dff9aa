// Package feed turns what a source publishes into entries (model.Entry): a
// feed (RSS, Atom or JSON Feed) or an HTML listing page without one. It does
// no I/O: callers hand it the bytes they fetched and the URL they came from.
package feed

import (
	"bytes"
	stdjson "encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/sitrep/sitrep/internal/markup"
	"github.com/sitrep/sitrep/internal/model"
)

// MaxEntries bounds how many entries Parse and Links return, so that a
// runaway feed or listing cannot make the rest of the pipeline do unbounded
// work. The first entries (the newest, on every real feed) are kept.
const MaxEntries = 1000

// ErrNotFeed is returned (wrapped) when the body is not a feed at all, for
// instance an HTML page served where a feed was expected.
var ErrNotFeed = errors.New("not a feed")

// Feed is a parsed feed: its own title and link, and its entries in feed
// order.
type Feed struct {
	Title   string
	Link    string
	Entries []model.Entry
}

// fullTextNames are non-standard item children that some publishers use to
// carry the whole article (Eurojust's RSS puts it in <body>). Lower-case.
var fullTextNames = map[string]bool{
	"body":        true,
	"fulltext":    true,
	"full-text":   true,
	"full_text":   true,
	"content":     true,
	"articlebody": true,
}

// Parse parses an RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed 1.x document
// fetched from feedURL. Relative links are resolved against feedURL. A body
// that is no feed (an HTML page, an empty body) gives an error wrapping
// ErrNotFeed; a broken feed gives an error naming feedURL and, where the
// parser tells, the line.
func Parse(body []byte, feedURL string) (Feed, error) {
	base, err := url.Parse(feedURL)
	if err != nil {
		return Feed{}, fmt.Errorf("feed %s: bad feed URL: %w", feedURL, err)
	}
	body = repairUTF8(body)
	kind := gofeed.DetectFeedType(bytes.NewReader(body))
	if kind == gofeed.FeedTypeUnknown {
		what := "no RSS, Atom or JSON Feed root"
		if looksLikeHTML(body) {
			what = "an HTML page"
		} else if len(bytes.TrimSpace(body)) == 0 {
			what = "an empty body"
		}
		return Feed{}, fmt.Errorf("feed %s: %s: %w", feedURL, what, ErrNotFeed)
	}

	if kind == gofeed.FeedTypeJSON {
		body = dropNullItems(body)
	}
	gf, err := parseSafely(body)
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return Feed{}, fmt.Errorf("feed %s: %w", feedURL, ErrNotFeed)
		}
		return Feed{}, fmt.Errorf("feed %s: malformed %s: %w", feedURL, kindName(kind), describeXMLError(body, kind, err))
	}

	// The universal feed loses a few things we need; the original keeps them.
	var rssItems []*rss.Item
	var jsonItems []*json.Item
	switch of := gf.OriginalFeed().(type) {
	case *rss.Feed:
		rssItems = of.Items
	case *json.Feed:
		jsonItems = of.Items
	}
	var extra []map[string]string
	if kind == gofeed.FeedTypeRSS || kind == gofeed.FeedTypeAtom {
		extra = scanFullText(body)
		if len(extra) != len(gf.Items) {
			extra = nil // the two readings disagree; trust gofeed alone
		}
	}

	out := Feed{
		Title: cleanTitle(gf.Title),
		Link:  resolve(base, gf.Link),
	}
	for i, it := range gf.Items {
		if len(out.Entries) >= MaxEntries {
			break
		}
		e := model.Entry{
			GUID:    strings.TrimSpace(it.GUID),
			Title:   cleanTitle(it.Title),
			Summary: strings.TrimSpace(it.Description),
			Content: strings.TrimSpace(it.Content),
		}
		permalink := true // RSS 2.0: a guid is a permalink unless it says not
		if i < len(rssItems) && rssItems[i].GUID != nil && strings.EqualFold(strings.TrimSpace(rssItems[i].GUID.IsPermalink), "false") {
			permalink = false
		}
		e.URL = resolve(base, it.Link)
		if e.URL == "" {
			for _, l := range it.Links {
				if e.URL = resolve(base, l); e.URL != "" {
					break
				}
			}
		}
		if e.URL == "" && permalink && isHTTPURL(e.GUID) {
			e.URL = e.GUID
		}
		if e.URL == "" && e.GUID == "" {
			continue // nothing to identify or fetch the article by
		}
		if i < len(jsonItems) && jsonItems[i].ContentHTML == "" && jsonItems[i].ContentText != "" {
			// gofeed puts content_text where HTML belongs; keep Content HTML.
			e.Content = textToHTML(jsonItems[i].ContentText)
		}
		// Our own scan keeps inline XHTML intact; gofeed's Custom map has
		// entity-decoded it, so it only stands in when the scan failed.
		if e.Content == "" && extra != nil {
			e.Content = fullTextFrom(extra[i])
		}
		if e.Content == "" {
			e.Content = customFullText(it.Custom)
		}
		if it.UpdatedParsed != nil {
			e.Updated = utc(*it.UpdatedParsed)
		}
		if it.PublishedParsed != nil {
			e.Published = utc(*it.PublishedParsed)
		}
		if e.Published.IsZero() {
			e.Published = e.Updated
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

func kindName(k gofeed.FeedType) string {
	switch k {
	case gofeed.FeedTypeRSS:
		return "RSS"
	case gofeed.FeedTypeAtom:
		return "Atom"
	case gofeed.FeedTypeJSON:
		return "JSON Feed"
	}
	return "feed"
}

// describeXMLError adds the line of the first XML syntax error to gofeed's
// error, which does not always carry one. encoding/xml gives the line.
func describeXMLError(body []byte, kind gofeed.FeedType, perr error) error {
	if kind == gofeed.FeedTypeJSON {
		return perr
	}
	if strings.Contains(perr.Error(), "line ") {
		return perr
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = passCharset
	for {
		_, err := d.Token()
		if err == io.EOF {
			return perr
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("line %d: %s: %w", se.Line, se.Msg, perr)
		}
		if err != nil {
			return perr
		}
	}
}

// passCharset decodes a feed declared in another encoding than UTF-8
// (windows-1252 and ISO-8859-1 feeds are common on official sites); an
// unknown label is read as is rather than failing the scan.
func passCharset(label string, r io.Reader) (io.Reader, error) {
	if cr, err := charset.NewReaderLabel(label, r); err == nil {
		return cr, nil
	}
	return r, nil
}

// parseSafely runs gofeed, turning a panic inside it (a shape it did not
// expect) into an error for this feed.
func parseSafely(body []byte) (gf *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			gf, err = nil, fmt.Errorf("the parser failed on it: %v", r)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	return p.Parse(bytes.NewReader(body))
}

// dropNullItems removes null entries from a JSON Feed's items (gofeed
// panics on them: `"items": [null]`), leaving the rest as it was.
func dropNullItems(body []byte) []byte {
	var doc map[string]stdjson.RawMessage
	if stdjson.Unmarshal(body, &doc) != nil {
		return body
	}
	var items []stdjson.RawMessage
	if stdjson.Unmarshal(doc["items"], &items) != nil {
		return body
	}
	kept := items[:0]
	for _, it := range items {
		if !bytes.Equal(bytes.TrimSpace(it), []byte("null")) {
			kept = append(kept, it)
		}
	}
	if len(kept) == len(items) {
		return body
	}
	b, err := stdjson.Marshal(kept)
	if err != nil {
		return body
	}
	doc["items"] = b
	out, err := stdjson.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}

func looksLikeHTML(body []byte) bool {
	head := body
	if len(head) > 2048 {
		head = head[:2048]
	}
	s := strings.ToLower(string(head))
	return strings.Contains(s, "<!doctype html") || strings.Contains(s, "<html") ||
		strings.Contains(s, "<head") || strings.Contains(s, "<body")
}

// customFullText picks a full-text element out of gofeed's map of unknown
// RSS item children (it keeps their inner XML, CDATA unwrapped).
func customFullText(custom map[string]string) string {
	if len(custom) == 0 {
		return ""
	}
	lower := make(map[string]string, len(custom))
	for k, v := range custom {
		lower[strings.ToLower(k)] = v
	}
	return fullTextFrom(lower)
}

func fullTextFrom(m map[string]string) string {
	for _, name := range []string{"body", "fulltext", "full-text", "full_text", "articlebody", "content"} {
		if v := strings.TrimSpace(m[name]); v != "" {
			return v
		}
	}
	return ""
}

// scanFullText reads the feed a second time, with encoding/xml, to find
// non-standard full-text children of each item or entry that gofeed drops
// or flattens (Atom entries skip unknown elements; namespaced extensions lose
// their markup). The result has one map per item/entry, in document order,
// from lower-cased element name to its content as HTML.
func scanFullText(body []byte) []map[string]string {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = passCharset
	var out []map[string]string
	depth, itemDepth := 0, -1
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := strings.ToLower(t.Name.Local)
			if itemDepth < 0 && (name == "item" || name == "entry") {
				itemDepth = depth
				out = append(out, map[string]string{})
				continue
			}
			if itemDepth >= 0 && depth == itemDepth+1 && fullTextNames[name] && !standardContent(t) {
				var inner struct {
					XML string `xml:",innerxml"`
				}
				if err := d.DecodeElement(&inner, &t); err != nil {
					return out
				}
				depth--
				if _, seen := out[len(out)-1][name]; !seen {
					out[len(out)-1][name] = innerToHTML(inner.XML)
				}
			}
		case xml.EndElement:
			if depth == itemDepth {
				itemDepth = -1
			}
			depth--
		}
	}
}

// standardContent reports whether the element is a <content> gofeed already
// maps (Atom content, RSS 1.0/content module); those are not our business.
func standardContent(t xml.StartElement) bool {
	if strings.ToLower(t.Name.Local) != "content" {
		return false
	}
	switch t.Name.Space {
	case "http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#", "http://purl.org/rss/1.0/modules/content/":
		return true
	}
	return false
}

// innerToHTML turns an element's raw inner XML into HTML: CDATA sections are
// unwrapped, escaped HTML (&lt;p&gt;) is unescaped, and inline XHTML markup
// is kept as it is.
func innerToHTML(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "<![CDATA[") {
		var b strings.Builder
		for {
			i := strings.Index(s, "<![CDATA[")
			if i < 0 {
				b.WriteString(html.UnescapeString(s))
				break
			}
			b.WriteString(html.UnescapeString(s[:i]))
			s = s[i+len("<![CDATA["):]
			j := strings.Index(s, "]]>")
			if j < 0 {
				b.WriteString(s)
				break
			}
			b.WriteString(s[:j])
			s = s[j+3:]
		}
		return strings.TrimSpace(b.String())
	}
	if strings.Contains(s, "<") {
		return s // markup already
	}
	return html.UnescapeString(s)
}

// textToHTML wraps plain text (JSON Feed content_text) as HTML paragraphs so
// that Entry.Content is always HTML.
func textToHTML(s string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	return b.String()
}

// resolve makes ref absolute against base; it returns "" for an empty or
// unparsable reference, or one that is not http(s) once resolved.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	u = base.ResolveReference(u)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	return u.String()
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// cleanTitle decodes entities, strips tags and collapses whitespace: feed
// titles are text, but many feeds put escaped markup in them.
func cleanTitle(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = htmlText(s)
	}
	return collapse(s)
}

// htmlText is the text content of an HTML fragment.
func htmlText(s string) string {
	nodes, err := markup.ParseFragment(s, &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return html.UnescapeString(s)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			switch n.Data {
			case "script", "style":
				return
			case "br", "p", "div", "li":
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String()
}

// collapse squeezes runs of ASCII whitespace to one space and trims. A
// non-breaking space is the publisher's choice and is kept.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// utc returns t in UTC, keeping the zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// xmlEncoding finds the encoding an XML declaration names.
var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)`)

// repairUTF8 makes a feed that is UTF-8 by declaration or by default (JSON
// Feed, XML without an encoding or a BOM) valid UTF-8, as fetch does for
// pages: mislabelled windows-1252 is decoded, stray bytes replaced. Feeds
// in another declared encoding, or UTF-16, are left to the parser.
func repairUTF8(body []byte) []byte {
	if bytes.HasPrefix(body, []byte{0xfe, 0xff}) || bytes.HasPrefix(body, []byte{0xff, 0xfe}) {
		// UTF-16 by its BOM, which outranks the declaration: decoded
		// here, where gofeed's type detection would see only NULs, and
		// the declaration set to what the bytes now are.
		out, _, err := transform.Bytes(unicode.BOMOverride(unicode.UTF8.NewDecoder()), body)
		if err != nil {
			return body
		}
		if loc := xmlEncoding.FindSubmatchIndex(out[:min(len(out), 512)]); loc != nil {
			out = append(append(append([]byte{}, out[:loc[2]]...), "utf-8"...), out[loc[3]:]...)
		}
		return out
	}
	if utf8.Valid(body) {
		return body
	}
	if m := xmlEncoding.FindSubmatch(body[:min(len(body), 512)]); m != nil && !strings.EqualFold(string(m[1]), "utf-8") && !strings.EqualFold(string(m[1]), "utf8") {
		return body
	}
	return markup.RepairUTF8(body)
}
