package feed

import (
	"mime"
	"net/url"
	"strings"

	"github.com/sitrep/sitrep/internal/markup"
	"golang.org/x/net/html"
)

// feedTypes are the media types of feed autodiscovery links.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/rdf+xml":   true,
	"application/json":      false, // too vague on its own: an API, not a feed
}

// Discover returns the feeds an HTML page announces with
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href>,
// resolved against pageURL (or the page's <base href>), deduplicated, in page
// order. A page that is not HTML simply announces nothing.
func Discover(page []byte, pageURL string) []string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	doc, err := markup.Parse(page)
	if err != nil {
		return nil
	}
	var links []*html.Node
	baseSet := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "base":
				if href := strings.TrimSpace(attr(n, "href")); href != "" && !baseSet {
					if b, err := url.Parse(href); err == nil {
						base = base.ResolveReference(b)
						baseSet = true
					}
				}
			case "link":
				links = append(links, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	var out []string
	seen := map[string]bool{}
	for _, n := range links {
		if !hasToken(attr(n, "rel"), "alternate") {
			continue
		}
		mt, _, err := mime.ParseMediaType(attr(n, "type"))
		if err != nil || !feedTypes[strings.ToLower(mt)] {
			continue
		}
		u := resolve(base, attr(n, "href"))
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
	return out
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
