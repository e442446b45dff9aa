package extract

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// Page metadata read straight from the parsed document: cheap, and
// independent of which extractor finds the body.

// meta is what one pass over the document collects.
type meta struct {
	ogTitle, docTitle, ldHeadline string
	h1s                           []string
	published                     []string // candidates, most trusted first
	timeTags                      []string // <time datetime> values, a last resort
	canonical                     string
}

// publishedKeys are <meta> names/properties that carry the publication time.
var publishedKeys = map[string]bool{
	"article:published_time": true, "og:published_time": true,
	"og:article:published_time": true, "datepublished": true,
	"date": true, "pubdate": true, "publishdate": true, "publish_date": true,
	"dc.date": true, "dc.date.issued": true, "dcterms.issued": true,
	"dcterms.created": true, "sailthru.date": true, "parsely-pub-date": true,
	"citation_publication_date": true, "article.published": true,
}

func readMeta(doc *html.Node) meta {
	var m meta
	var walk func(n *html.Node, inBody bool)
	walk = func(n *html.Node, inBody bool) {
		if n.Type == html.ElementNode {
			switch strings.ToLower(n.Data) {
			case "body":
				inBody = true
			case "title":
				if m.docTitle == "" && !inBody {
					m.docTitle = textOf(n)
				}
				return
			case "meta":
				key := strings.ToLower(attr(n, "property"))
				if key == "" {
					key = strings.ToLower(attr(n, "name"))
				}
				if key == "" {
					key = strings.ToLower(attr(n, "itemprop"))
				}
				content := strings.TrimSpace(attr(n, "content"))
				switch {
				case content == "":
				case key == "og:title" && m.ogTitle == "":
					m.ogTitle = content
				case publishedKeys[key]:
					m.published = append(m.published, content)
				}
				return
			case "link":
				if m.canonical == "" && hasToken(attr(n, "rel"), "canonical") {
					m.canonical = strings.TrimSpace(attr(n, "href"))
				}
				return
			case "script":
				if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") {
					m.readJSONLD(textOf(n))
				}
				return
			case "h1":
				if inBody {
					if t := strings.Join(strings.Fields(textOf(n)), " "); t != "" {
						m.h1s = append(m.h1s, t)
					}
				}
				return
			case "time":
				if v := strings.TrimSpace(attr(n, "datetime")); v != "" {
					if strings.EqualFold(attr(n, "itemprop"), "datePublished") || hasToken(attr(n, "pubdate"), "pubdate") {
						m.published = append(m.published, v)
					} else {
						m.timeTags = append(m.timeTags, v)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inBody)
		}
	}
	walk(doc, false)
	return m
}

// readJSONLD takes the headline and datePublished of the first object in a
// JSON-LD script that has them; malformed JSON-LD is common and ignored.
func (m *meta) readJSONLD(src string) {
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return
	}
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 6 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				visit(e, depth+1)
			}
		case map[string]any:
			if s, ok := x["datePublished"].(string); ok && s != "" {
				m.published = append(m.published, s)
			}
			if s, ok := x["headline"].(string); ok && s != "" && m.ldHeadline == "" {
				m.ldHeadline = strings.TrimSpace(s)
			}
			if g, ok := x["@graph"]; ok {
				visit(g, depth+1)
			}
		}
	}
	visit(v, 0)
}

// textOf is the raw text under n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// title picks the article's title: the page's own headline (h1) when the
// declared title contains it (declared titles often carry the site name),
// else the declared title with a site-name part cut off.
func (m meta) title() string {
	declared := clean(m.ogTitle)
	if declared == "" {
		declared = clean(m.ldHeadline)
	}
	if declared == "" {
		declared = clean(m.docTitle)
	}
	for _, h := range m.h1s {
		if declared == "" {
			break
		}
		if strings.Contains(strings.ToLower(declared), strings.ToLower(h)) &&
			(len(strings.Fields(h)) >= 3 || 2*len(h) >= len(declared)) {
			return h
		}
	}
	if declared == "" && len(m.h1s) == 1 {
		return m.h1s[0]
	}
	return stripSiteName(declared)
}

// titleSeparators split "Article | Site" style titles.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " > ", " » ", " :: ", " · ", " // "}

// stripSiteName cuts a short leading or trailing part (the site or section
// name) off a title that has separators.
func stripSiteName(t string) string {
	for _, sep := range titleSeparators {
		parts := strings.Split(t, sep)
		if len(parts) < 2 {
			continue
		}
		short := func(s string) bool { return len(strings.Fields(s)) <= 4 }
		// Trailing parts first: "Article | Section | Site".
		end := len(parts)
		for end > 1 && short(parts[end-1]) {
			end--
		}
		if end < len(parts) && len(strings.Fields(strings.Join(parts[:end], sep))) >= 3 {
			return strings.Join(parts[:end], sep)
		}
		if short(parts[0]) {
			rest := strings.Join(parts[1:], sep)
			if len(strings.Fields(rest)) >= 3 {
				return rest
			}
		}
	}
	return t
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// published is the first candidate date that parses.
func (m meta) publishedTime() time.Time {
	for _, list := range [][]string{m.published, m.timeTags} {
		for _, s := range list {
			if t, ok := parseTime(s); ok {
				return t
			}
		}
	}
	return time.Time{}
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"20060102",
}

// parseTime reads the date formats pages use in metadata; a time without a
// zone is taken as UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2200 {
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// resolveCanonical makes href absolute against the page URL.
func resolveCanonical(href string, base *url.URL) string {
	if href == "" {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.String()
}
