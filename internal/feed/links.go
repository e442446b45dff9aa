package feed

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/sitrep/sitrep/internal/markup"
	"github.com/sitrep/sitrep/internal/model"
)

// Links finds the article links of a listing page (a source without a feed).
// page must already be UTF-8 (the fetcher decodes the charset). With a CSS
// selector, the matching <a href> elements, or the <a href> inside matching
// elements, are the articles. Without one they are discovered: links on the
// same site, below the listing's path, outside navigation, pagination, tag
// and file links, reduced to the dominant URL pattern. Entries come in page
// order, deduplicated by URL, with the link text (or the item's heading) as
// title and the item's <time datetime>, if any, as date.
func Links(page []byte, pageURL string, selector string) ([]model.Entry, error) {
	base, err := url.Parse(pageURL)
	if err != nil || !base.IsAbs() {
		return nil, fmt.Errorf("listing %s: page URL is not absolute", pageURL)
	}
	var match cascadia.Selector
	if strings.TrimSpace(selector) != "" {
		match, err = cascadia.Compile(selector)
		if err != nil {
			return nil, fmt.Errorf("listing %s: CSS selector %q: %w", pageURL, selector, err)
		}
	}
	doc, err := parseListing(page)
	if err != nil {
		return nil, fmt.Errorf("listing %s: parse HTML: %w", pageURL, err)
	}
	// A <base href> changes what relative links mean, as in a browser.
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := url.Parse(strings.TrimSpace(href)); err == nil {
			base = base.ResolveReference(b)
		}
	}

	var cands []candidate
	if match != nil {
		doc.FindMatcher(match).Each(func(_ int, s *goquery.Selection) {
			anchors := s.Filter("a[href]")
			if anchors.Length() == 0 {
				anchors = s.Find("a[href]")
			}
			anchors.Each(func(_ int, a *goquery.Selection) {
				if c, ok := newCandidate(a.Get(0), base); ok {
					cands = append(cands, c)
				}
			})
		})
	} else {
		prefix := listingPrefix(base.Path)
		cands = discover(doc, base, prefix, true)
		if len(cands) == 0 {
			// The page may wrap everything in a container whose class merely
			// looks like navigation; try again trusting only hard markers.
			cands = discover(doc, base, prefix, false)
		}
		cands = dominant(cands)
		if len(cands) == 0 && prefix != "/" {
			// Some sites list articles outside the listing's path (/news →
			// /2024/10/slug, /press-releases → /press-release/slug). Accept
			// such a layout only when it is unmistakable: several links of
			// one shape ending in a slug, number or id.
			cands = dominant(discover(doc, base, "/", true))
			if distinct(cands) < minOffPathArticles || !articleLike(cands[0].u) {
				cands = nil
			}
		}
	}
	return toEntries(cands), nil
}

// candidate is one article link found on a listing page.
type candidate struct {
	node *html.Node
	u    *url.URL
	key  string // u without fragment, as a string
}

func newCandidate(a *html.Node, base *url.URL) (candidate, bool) {
	href := strings.TrimSpace(attr(a, "href"))
	if href == "" || strings.HasPrefix(href, "#") {
		return candidate{}, false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return candidate{}, false
	}
	u := base.ResolveReference(ref)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return candidate{}, false
	}
	u.Fragment, u.RawFragment = "", ""
	return candidate{node: a, u: u, key: u.String()}, true
}

var (
	// Files and feeds are not articles.
	fileExt = map[string]bool{
		".pdf": true, ".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".svg": true,
		".webp": true, ".zip": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true,
		".ppt": true, ".pptx": true, ".odt": true, ".mp3": true, ".mp4": true, ".mov": true,
		".avi": true, ".webm": true, ".csv": true, ".txt": true, ".ics": true, ".xml": true,
		".rss": true, ".atom": true, ".json": true, ".js": true, ".css": true, ".epub": true,
	}
	// Path segments that mark taxonomy, pagination, search or feed pages
	// rather than articles.
	nonArticleSegment = map[string]bool{
		"tag": true, "tags": true, "category": true, "categories": true, "topic": true,
		"topics": true, "author": true, "authors": true, "page": true, "search": true,
		"label": true, "labels": true, "keyword": true, "keywords": true, "feed": true,
		"rss": true, "atom": true, "subscribe": true, "login": true, "share": true,
	}
	// Query parameters that select a page of the listing or a filter of it.
	nonArticleParam = map[string]bool{
		"page": true, "p": true, "pg": true, "start": true, "offset": true, "tag": true,
		"category": true, "cat": true, "topic": true, "sort": true, "filter": true,
		"share": true, "print": true, "q": true, "search": true,
	}
	pageSegment = regexp.MustCompile(`(?i)^(page|p)[-_]?\d+$`)
	// Link texts of pagination controls, in the languages of our sources.
	pagerText = regexp.MustCompile(`(?i)^(next|previous|prev|older|newer|first|last|more news|load more|show more|suivant|précédent|weiter|zurück)\b|^[«»‹›<>←→]+|[«»‹›<>←→]+$|^\d{1,4}$|^page \d+`)
	// Class and id tokens of navigation chrome.
	navToken = map[string]bool{
		"nav": true, "navbar": true, "navigation": true, "menu": true, "menubar": true,
		"breadcrumb": true, "breadcrumbs": true, "pagination": true, "pager": true,
		"paging": true, "sidebar": true, "skip": true, "social": true,
		"share": true, "sharing": true, "tags": true, "taglist": true, "related": true,
	}
	pageChromeToken = map[string]bool{"header": true, "footer": true, "masthead": true, "banner": true}
	tokenSplit      = regexp.MustCompile(`[^a-z0-9]+`)
	// Link texts that say nothing of the article ("Read more").
	genericText = regexp.MustCompile(`(?i)^(read more|more|continue reading|read|details|full story|learn more|en savoir plus|weiterlesen|lire la suite)\W*$`)
)

// discover collects the article-link candidates of a listing page in page
// order. soft enables the class/id hints of navigation, which can misfire on
// pages that wrap their content in a "nav-wrapper".
func discover(doc *goquery.Document, base *url.URL, prefix string, soft bool) []candidate {
	var out []candidate
	doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		a := s.Get(0)
		c, ok := newCandidate(a, base)
		if !ok || !sameSite(c.u.Host, base.Host) {
			return
		}
		p := c.u.Path
		if p == "" {
			p = "/"
		}
		if !strings.HasPrefix(strings.ToLower(p), strings.ToLower(prefix)) || len(strings.TrimSuffix(p, "/")) <= len(strings.TrimSuffix(prefix, "/")) {
			return // not below the listing (this covers the listing itself)
		}
		if strings.EqualFold(strings.TrimSuffix(p, "/"), strings.TrimSuffix(base.Path, "/")) {
			return // the listing again, maybe with another query: pagination
		}
		if fileExt[strings.ToLower(path.Ext(p))] {
			return
		}
		for _, seg := range strings.Split(strings.ToLower(p[len(prefix):]), "/") {
			if nonArticleSegment[seg] || pageSegment.MatchString(seg) {
				return
			}
		}
		for k := range c.u.Query() {
			if nonArticleParam[strings.ToLower(k)] {
				return
			}
		}
		for _, rel := range strings.Fields(strings.ToLower(attr(a, "rel"))) {
			switch rel {
			case "next", "prev", "previous", "first", "last", "tag", "category", "author", "alternate", "nofollow", "license", "search", "help":
				return
			}
		}
		switch strings.ToLower(attr(a, "type")) {
		case "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json":
			return
		}
		if t := collapse(nodeText(a)); t != "" && pagerText.MatchString(t) {
			return
		}
		if inChrome(a, soft) {
			return
		}
		out = append(out, c)
	})
	return out
}

// minOffPathArticles is how many links of one shape outside the listing's
// path it takes to believe they are its articles.
const minOffPathArticles = 3

func distinct(cands []candidate) int {
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.key] = true
	}
	return len(seen)
}

// articleLike reports whether a URL ends the way article URLs do: in a slug
// of several words, a number or an id, not a plain section word.
func articleLike(u *url.URL) bool {
	last := path.Base(strings.TrimSuffix(u.Path, "/"))
	c := segClass(last)
	return strings.HasPrefix(c, "S") || strings.HasPrefix(c, "N") || strings.HasPrefix(c, "I") || u.RawQuery != ""
}

// listingPrefix is the directory the listing's articles live under:
// "/en/News" → "/en/News/", "/news/index.html" → "/news/".
func listingPrefix(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.HasSuffix(p, "/") {
		last := p[strings.LastIndex(p, "/")+1:]
		if strings.Contains(last, ".") {
			return p[:len(p)-len(last)]
		}
		p += "/"
	}
	return p
}

// sameSite compares hosts, taking www.example.org and example.org as one.
func sameSite(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	return strings.TrimPrefix(a, "www.") == strings.TrimPrefix(b, "www.")
}

// inChrome reports whether n sits in the page's navigation chrome: <nav>,
// page-level <header>/<footer>/<aside>, navigation roles, and (with soft)
// containers whose class or id names them as menus, pagers or sidebars.
func inChrome(n *html.Node, soft bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != html.ElementNode {
			continue
		}
		switch p.Data {
		case "nav", "menu":
			return true
		case "header", "footer", "aside":
			// HTML5 gives each <article> its own header and footer: those
			// hold the item's title link, not chrome.
			if !insideItem(p) {
				return true
			}
		case "body", "html":
			return false
		}
		switch strings.ToLower(attr(p, "role")) {
		case "navigation", "banner", "contentinfo", "menu", "menubar", "complementary", "search":
			return true
		}
		if soft {
			for _, tok := range tokenSplit.Split(strings.ToLower(attr(p, "class")+" "+attr(p, "id")), -1) {
				if navToken[tok] {
					return true
				}
				// "card-header" is part of an item, "page-header" is chrome.
				if pageChromeToken[tok] && !insideItem(p) {
					return true
				}
			}
		}
	}
	return false
}

func insideItem(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode {
			switch p.Data {
			case "article", "li", "main":
				return true
			}
		}
	}
	return false
}

// shape describes a URL path for grouping: segments below the listing are
// classed as number, slug, id-like or word, so that all articles of one
// listing (/News/2023/Some-Title, /News/2022/Other-Title) share a shape and a
// stray link (/News/About) does not.
func shape(u *url.URL) string {
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(segClass(s))
	}
	if u.RawQuery != "" {
		var keys []string
		for k := range u.Query() {
			if k = strings.ToLower(k); !trackingParam(k) {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			sort.Strings(keys)
			b.WriteString("?" + strings.Join(keys, "&"))
		}
	}
	return b.String()
}

// trackingParam reports whether a query parameter only tracks the click
// (utm_source, fbclid...), so it says nothing of the URL's shape.
func trackingParam(k string) bool {
	switch k {
	case "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "source", "igshid", "yclid", "msclkid":
		return true
	}
	return strings.HasPrefix(k, "utm_")
}

var (
	numericSeg = regexp.MustCompile(`^\d+$`)
	hasDigit   = regexp.MustCompile(`\d`)
)

func segClass(s string) string {
	ext := path.Ext(s)
	stem := strings.TrimSuffix(s, ext)
	var c string
	switch {
	case numericSeg.MatchString(stem):
		c = "N"
	case strings.Count(stem, "-")+strings.Count(stem, "_") >= 2 || len(stem) > 24:
		c = "S" // a slug of several words
	case hasDigit.MatchString(stem):
		c = "I" // an id such as news_229530 or a1b2c3
	default:
		c = "w:" + strings.ToLower(stem) // a plain word names a section
	}
	return c + strings.ToLower(ext)
}

// dominant keeps the candidates of the largest URL-shape group; ties go to
// deeper paths, then to longer last segments (articles have long slugs,
// section links short names).
func dominant(cands []candidate) []candidate {
	if len(cands) == 0 {
		return nil
	}
	type group struct {
		urls    map[string]bool
		depth   int
		lastLen int
	}
	groups := map[string]*group{}
	for _, c := range cands {
		k := shape(c.u)
		g := groups[k]
		if g == nil {
			g = &group{urls: map[string]bool{}, depth: strings.Count(strings.Trim(c.u.Path, "/"), "/") + 1}
			groups[k] = g
		}
		if !g.urls[c.key] {
			g.urls[c.key] = true
			g.lastLen += len(path.Base(c.u.Path))
		}
	}
	best := ""
	for k, g := range groups {
		if best == "" {
			best = k
			continue
		}
		b := groups[best]
		switch {
		case len(g.urls) != len(b.urls):
			if len(g.urls) > len(b.urls) {
				best = k
			}
		case g.depth != b.depth:
			if g.depth > b.depth {
				best = k
			}
		case g.lastLen*len(b.urls) != b.lastLen*len(g.urls):
			if g.lastLen*len(b.urls) > b.lastLen*len(g.urls) {
				best = k
			}
		case k < best: // deterministic whatever the map order
			best = k
		}
	}
	var out []candidate
	for _, c := range cands {
		if shape(c.u) == best {
			out = append(out, c)
		}
	}
	return out
}

// toEntries turns candidates into entries, deduplicated by URL in page
// order. When one article is linked twice (an image, then its title), the
// first link that says something names it.
func toEntries(cands []candidate) []model.Entry {
	keys := map[*html.Node]string{}
	for _, c := range cands {
		keys[c.node] = c.key
	}
	var out []model.Entry
	index := map[string]int{}
	for _, c := range cands {
		title := collapse(nodeText(c.node))
		if title == "" || genericText.MatchString(title) {
			if h := itemHeading(c.node, keys); h != "" {
				title = h
			} else if title == "" {
				title = collapse(firstNonEmpty(attr(c.node, "title"), attr(c.node, "aria-label"), imgAlt(c.node)))
			}
		}
		if i, ok := index[c.key]; ok {
			if out[i].Title == "" || genericText.MatchString(out[i].Title) {
				if title != "" && !genericText.MatchString(title) {
					out[i].Title = title
				}
			}
			if out[i].Published.IsZero() {
				out[i].Published = itemTime(c.node, keys)
			}
			continue
		}
		if len(out) >= MaxEntries {
			continue
		}
		index[c.key] = len(out)
		out = append(out, model.Entry{URL: c.key, Title: title, Published: itemTime(c.node, keys)})
	}
	return out
}

// item returns the element that holds one listing item around link a: the
// largest ancestor that links to no other article of the listing.
func item(a *html.Node, keyOf map[*html.Node]string) *html.Node {
	it := a
	for p := a.Parent; p != nil && p.Type == html.ElementNode && p.Data != "body"; p = p.Parent {
		if linksElsewhere(p, keyOf[a], keyOf) {
			break
		}
		it = p
	}
	return it
}

func linksElsewhere(n *html.Node, own string, keyOf map[*html.Node]string) bool {
	if k, ok := keyOf[n]; ok && k != own {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if linksElsewhere(c, own, keyOf) {
			return true
		}
	}
	return false
}

func itemHeading(a *html.Node, keys map[*html.Node]string) string {
	it := item(a, keys)
	var h string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if h != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "h1", "h2", "h3", "h4", "h5", "h6":
				h = collapse(nodeText(n))
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(it)
	return h
}

var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05",
	"2006-01-02 15:04", "2006-01-02",
}

// itemTime is the <time datetime> of the link's item, if it has one.
func itemTime(a *html.Node, keys map[*html.Node]string) time.Time {
	it := item(a, keys)
	var t time.Time
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if !t.IsZero() {
			return
		}
		if n.Type == html.ElementNode && n.Data == "time" {
			v := strings.TrimSpace(attr(n, "datetime"))
			for _, l := range timeLayouts {
				if p, err := time.Parse(l, v); err == nil {
					t = p.UTC()
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(it)
	return t
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, name) {
			return a.Val
		}
	}
	return ""
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(c *html.Node) {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			switch c.Data {
			case "script", "style", "noscript", "template":
				return
			case "br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6":
				b.WriteByte(' ')
			}
		}
		for ch := c.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return b.String()
}

func imgAlt(n *html.Node) string {
	var alt string
	var walk func(*html.Node)
	walk = func(c *html.Node) {
		if alt != "" {
			return
		}
		if c.Type == html.ElementNode && c.Data == "img" {
			alt = attr(c, "alt")
		}
		for ch := c.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return alt
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// parseListing parses a listing page, flattening hostile nesting.
func parseListing(page []byte) (*goquery.Document, error) {
	root, err := markup.Parse(page)
	if err != nil {
		return nil, err
	}
	return goquery.NewDocumentFromNode(root), nil
}
