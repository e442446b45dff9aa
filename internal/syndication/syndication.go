// Package syndication writes a list of sitrep articles as a feed, Atom 1.0
// (RFC 4287) or JSON Feed 1.1, so that a feed reader can follow any sitrep
// search. It does no I/O and knows nothing of the store or the web server:
// the caller describes the feed (title, ids, URLs) and serves the bytes.
//
// Both writers take the same Feed and apply the same rules, so an Atom feed
// and a JSON Feed of one search say the same thing:
//
//   - Text from sources is untrusted. Invalid UTF-8 becomes U+FFFD and the
//     characters XML 1.0 forbids or discourages (C0 controls other than tab
//     and newline, DEL, C1 controls, U+FFFE, U+FFFF) are dropped, in both
//     formats. Titles, source names and tags are collapsed to one line.
//   - Links from sources (Item.URL) are used only when they are absolute
//     http(s) URLs that are also valid IRIs; anything else (javascript:,
//     relative, spaces) is left out rather than passed to a reader.
//   - Ids and the feed's own URLs come from the caller; one that is not
//     valid is an error, not something to repair, because a reader keys
//     its state on ids and a silently changed id shows every item again.
//   - Dates are written in UTC, RFC 3339, to the second. A date before 1900
//     or after 9999 counts as unknown: such dates come from zero values
//     (year 0001) or parse errors, and RFC 3339 cannot write them.
//   - Output depends on the Feed alone, byte for byte.
package syndication

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
)

// Feed is one feed: typically the results of one sitrep search.
type Feed struct {
	// Title names the feed, e.g. `sitrep: "operation jackal" source:Europol`.
	// Required.
	Title string
	// ID identifies the feed for good; pass the feed's canonical self URL.
	// It must be an absolute IRI. Empty means SelfURL.
	ID string
	// SelfURL is this feed's own URL (Atom link rel="self", JSON Feed
	// feed_url) and HTMLURL the web page showing the same search (Atom link
	// rel="alternate", JSON Feed home_page_url). Each is optional but must
	// be an absolute http(s) URL when given.
	SelfURL string
	HTMLURL string
	// Updated is when the feed last changed. The writers use the newest of
	// it and every item's dates; when all are unknown (an empty feed with a
	// zero Updated) they use the Unix epoch, so output stays deterministic.
	Updated time.Time
	// Generator names the program, e.g. "sitrep 0.1.0". Atom only: JSON
	// Feed has no such field.
	Generator string
	Items     []Item
}

// Item is one article in a Feed. FromArticle builds one from a stored
// article.
type Item struct {
	// ID identifies the item for good: the article's sitrep page URL or a
	// tag: URI the caller builds. It must be an absolute IRI. Empty means
	// PageURL, then URL.
	ID string
	// URL is the original article, on its source's site; PageURL the
	// article on sitrep. Both optional.
	URL     string
	PageURL string
	Title   string
	// Source is the name of the source the item is shown under: the
	// author. Feeds is every source that listed it: the categories (Atom)
	// or tags (JSON Feed).
	Source string
	Feeds  []string
	// Published is zero when the article is undated. Updated is when sitrep
	// last changed it.
	Published time.Time
	Updated   time.Time
	Blocks    []model.Block
	// SummaryOnly marks an article whose page gave no text: Blocks hold the
	// source feed's teaser, and the content says so.
	SummaryOnly bool
	// Summary is an optional plain-text teaser. Empty means the opening of
	// Blocks, cut at about summaryRunes characters.
	Summary string
}

// FromArticle returns the Item for a stored article. id and pageURL are the
// caller's (typically both the article's sitrep URL), since only the caller
// knows where sitrep is served.
func FromArticle(a model.Article, id, pageURL string) Item {
	return Item{
		ID:          id,
		URL:         a.URL,
		PageURL:     pageURL,
		Title:       a.Title,
		Source:      a.Source,
		Feeds:       a.Feeds,
		Published:   a.Published,
		Updated:     a.Updated,
		Blocks:      a.Blocks,
		SummaryOnly: a.SummaryOnly,
	}
}

// Notes the content carries when the item has no full text. The teaser
// note is worded for a person reading the item in a feed reader, who
// otherwise could not tell a teaser from a short article.
const (
	teaserNote = "Teaser only — the site gave no full text."
	emptyNote  = "No text — the site gave none."
)

// summaryRunes is about how long a derived summary is: JSON Feed asks for
// "a sentence or two", and readers show a line or two of it in lists.
const summaryRunes = 280

// epoch is the updated time of a feed with no known date at all. Any fixed
// instant would do; this one reads as "never" and is not year 0001.
var epoch = time.Unix(0, 0).UTC()

// feed is a Feed checked and cleaned once, for both writers.
type feed struct {
	id, title, self, home, generator string
	updated                          time.Time
	entries                          []entry
}

// entry is an Item checked and cleaned.
type entry struct {
	id, title, link, related, author, summary string
	tags                                      []string
	published                                 time.Time // zero when unknown
	modified                                  time.Time // zero when the item gave no Updated
	updated                                   time.Time // never zero
	html, text                                string    // the content, never empty
}

// prepare checks f and builds what both writers write.
func prepare(f Feed) (feed, error) {
	out := feed{
		title:     line(f.Title),
		generator: line(f.Generator),
	}
	if out.title == "" {
		return feed{}, errors.New("syndication: the feed has no title")
	}
	var err error
	if out.self, err = callerLink("SelfURL", f.SelfURL); err != nil {
		return feed{}, err
	}
	if out.home, err = callerLink("HTMLURL", f.HTMLURL); err != nil {
		return feed{}, err
	}
	out.id = f.ID
	if out.id == "" {
		out.id = f.SelfURL
	}
	if !isAbsoluteIRI(out.id) {
		return feed{}, fmt.Errorf("syndication: feed id %q is not an absolute IRI", out.id)
	}

	newest := known(f.Updated)
	out.entries = make([]entry, 0, len(f.Items))
	for i, it := range f.Items {
		e, err := prepareItem(it)
		if err != nil {
			return feed{}, fmt.Errorf("syndication: item %d: %w", i, err)
		}
		if e.updated.After(newest) {
			newest = e.updated
		}
		out.entries = append(out.entries, e)
	}
	if newest.IsZero() {
		newest = epoch
	}
	out.updated = newest
	// An item with no date at all is as new as the feed: Atom requires an
	// updated date, and the feed's is the best bound there is.
	for i := range out.entries {
		if out.entries[i].updated.IsZero() {
			out.entries[i].updated = newest
		}
	}
	return out, nil
}

// prepareItem checks and cleans one item; its updated date stays zero when
// the item has no known date (prepare fills it in).
func prepareItem(it Item) (entry, error) {
	e := entry{title: line(it.Title)}
	e.id = firstNonEmpty(it.ID, it.PageURL, it.URL)
	if !isAbsoluteIRI(e.id) {
		return entry{}, fmt.Errorf("id %q is not an absolute IRI", e.id)
	}

	// The original is the alternate link: it is what the item is about and
	// what a reader opens. sitrep's page, when there is one besides, is
	// related (it holds the same text, stored).
	orig, page := webLink(it.URL), webLink(it.PageURL)
	switch {
	case orig != "":
		e.link = orig
		if page != orig {
			e.related = page
		}
	default:
		e.link = page
	}

	e.author = firstNonEmpty(line(it.Source), firstTag(it.Feeds), hostOf(orig), "unknown source")
	e.tags = tags(it.Feeds)

	e.published = known(it.Published)
	e.modified = known(it.Updated)
	e.updated = e.modified
	// An entry is not updated before it was published; a source's date in
	// the future (a time zone error) would otherwise put it so.
	if e.published.After(e.updated) {
		e.updated = e.published
		if !e.modified.IsZero() {
			e.modified = e.published
		}
	}

	blocks := cleanBlocks(it.Blocks)
	summary := line(it.Summary)
	if len(blocks) == 0 && summary != "" {
		blocks = []model.Block{{Kind: model.Paragraph, Text: summary}}
	}
	if summary == "" {
		summary = derive(blocks)
	}
	e.summary = summary

	note := ""
	switch {
	case it.SummaryOnly:
		note = teaserNote
	case len(blocks) == 0:
		note = emptyNote
	}
	e.html, e.text = model.RenderHTML(blocks), model.RenderText(blocks)
	if note != "" {
		// The note comes first: it says how to read what follows.
		e.html = "<p><em>" + note + "</em></p>\n" + e.html
		e.text = strings.TrimSuffix(note+"\n\n"+e.text, "\n\n")
	}
	return e, nil
}

// clean makes s safe as XML 1.0 character data and plain JSON text: invalid
// UTF-8 becomes U+FFFD; CR LF and lone CR become LF (XML parsers would do
// it anyway, and so both formats read the same); C0 controls other than tab
// and LF, DEL, C1 controls, U+FFFE and U+FFFF are dropped. XML 1.0 forbids
// most of these outright and discourages the rest; no reader shows them.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				b.WriteByte('\n')
			}
		case dropped(r):
		default:
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

// isClean reports whether clean(s) == s, so clean does not copy clean text.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && w == 1) || r == '\r' || dropped(r) {
			return false
		}
		i += w
	}
	return true
}

// dropped reports whether clean removes r.
func dropped(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

// line cleans a one-line field (a title, a name, a tag): every run of
// white space, line breaks included, becomes one space.
func line(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// cleanBlocks cleans the blocks' text and drops those left blank, which
// would render as empty paragraphs.
func cleanBlocks(blocks []model.Block) []model.Block {
	out := make([]model.Block, 0, len(blocks))
	for _, b := range blocks {
		b.Text = strings.TrimSpace(clean(b.Text))
		if b.Text != "" {
			out = append(out, b)
		}
	}
	return out
}

// derive makes a summary from the opening paragraphs, on one line, cut at
// a word boundary near summaryRunes with an ellipsis. Headings, list items
// and captions are left out, since run together with the paragraphs they
// read as garbled sentences; an article with no paragraph uses them all.
func derive(blocks []model.Block) string {
	var paras []model.Block
	for _, b := range blocks {
		if b.Kind == model.Paragraph || b.Kind == "" {
			paras = append(paras, b)
		}
	}
	if len(paras) == 0 {
		paras = blocks
	}
	var words []string
	n := 0
	for _, b := range paras {
		for _, w := range strings.Fields(b.Text) {
			n += utf8.RuneCountInString(w) + 1
			if n > summaryRunes+1 && len(words) > 0 {
				return strings.Join(words, " ") + "…"
			}
			words = append(words, w)
		}
	}
	s := strings.Join(words, " ")
	if utf8.RuneCountInString(s) > summaryRunes {
		// One word longer than the whole summary: cut inside it.
		s = string([]rune(s)[:summaryRunes]) + "…"
	}
	return s
}

// tags returns the cleaned, distinct, non-empty feed names, in order.
func tags(feeds []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range feeds {
		f = line(f)
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// firstTag returns the first non-blank feed name.
func firstTag(feeds []string) string {
	for _, f := range feeds {
		if f = line(f); f != "" {
			return f
		}
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// known returns t in UTC, to the second, or the zero time when t is
// unknown: zero, or outside the years RFC 3339 writes and news has (see the
// package comment).
func known(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	t = t.UTC().Truncate(time.Second)
	if y := t.Year(); y < 1900 || y > 9999 {
		return time.Time{}
	}
	return t
}

// stamp formats a known time for both formats.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// isAbsoluteIRI reports whether s is an absolute IRI (RFC 3987): a scheme,
// valid percent escapes, and none of the characters an IRI cannot hold
// (controls, space, <>"{}|\^`, and what clean drops, since ids and links
// are written as they are). Non-ASCII letters are allowed, as in IRIs.
func isAbsoluteIRI(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || dropped(r) || r == utf8.RuneError || strings.ContainsRune(`<>"{}|\^`+"`", r) {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}

// webLink returns s when it is an absolute http(s) URL and a valid IRI,
// else "": only such links are safe to hand a reader as something to open.
func webLink(s string) string {
	if !isAbsoluteIRI(s) {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
		return ""
	}
	return s
}

// callerLink checks one of the feed's own URLs: empty is allowed, a bad one
// is the caller's mistake.
func callerLink(field, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if webLink(s) == "" {
		return "", fmt.Errorf("syndication: feed %s %q is not an absolute http(s) URL", field, s)
	}
	return s, nil
}

// hostOf returns the host of a web link, to name an item's author when the
// item names no source.
func hostOf(link string) string {
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return line(u.Hostname())
}
