// This file turns one entry into one stored article: identity, page
// download, extraction, canonical URL.

package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/extract"
	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// ingest stores one entry's article, fetching its page only when the
// article is not stored yet or its feed entry changed.
func (p *Pipeline) ingest(ctx context.Context, src model.SourceState, e model.Entry, tm *Timing) (store.Outcome, bool, error) {
	t0 := time.Now()
	defer func() { tm.Store = time.Since(t0) - tm.Fetch - tm.Extract }()
	// Identity: the entry's link, else its GUID. A GUID is not looked up
	// when there is a link: sites number their items per feed, and two
	// articles that share a GUID must not be merged.
	key := entryKey(e, src)
	if key == "" {
		return 0, false, fmt.Errorf("an entry of %s has neither link nor GUID", src.URL)
	}
	fp := "fp:" + src.Name + ":" + fingerprint(e)

	// The same entry from the same feed as last time: nothing to do.
	if _, err := p.store.FindArticle(ctx, fp); err == nil {
		return store.Unchanged, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, false, fmt.Errorf("%s: %w", key, err)
	}
	release, err := p.claim(ctx, key)
	if err != nil {
		return 0, false, err
	}
	defer release()
	keys := []string{key, fp}
	ref, err := p.store.FindArticle(ctx, key)
	found := err == nil
	switch {
	case found && !slices.Contains(ref.Feeds, src.Name):
		// Stored from another feed: remember this one too, without
		// downloading the page again.
		return p.relink(ctx, ref.ID, src, keys)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return 0, false, fmt.Errorf("%s: %w", key, err)
	}
	// New, or changed in its own feed: build it afresh.
	a, extra, err := p.build(ctx, src, e, tm)
	if err != nil {
		return 0, false, err
	}
	keys = append(keys, extra...)
	if found && a.SummaryOnly {
		// The page gave no text this time (a maintenance page, a cookie
		// wall): never trade a stored article for a teaser.
		// It counts as a failure, and the entry's fingerprint is not kept,
		// so the next poll reads the feed and tries the page again.
		if old, err := p.store.Article(ctx, ref.ID); err == nil && !old.SummaryOnly {
			if _, _, err := p.relink(ctx, ref.ID, src, slices.DeleteFunc(keys, func(k string) bool { return k == fp })); err != nil {
				return 0, false, err
			}
			return 0, false, fmt.Errorf("%s: the page gave no article text this time; the stored article is kept", key)
		}
	}
	_, o, err := p.store.SaveArticle(context.WithoutCancel(ctx), store.Save{Article: a, Feed: src.Name, Keys: keys, Fingerprint: fp})
	if err != nil {
		return 0, false, fmt.Errorf("storing %s: %w", key, err)
	}
	return o, a.SummaryOnly, nil
}

// relink records that src lists the stored article id (and the keys that
// lead to it), leaving its text as it is.
func (p *Pipeline) relink(ctx context.Context, id int64, src model.SourceState, keys []string) (store.Outcome, bool, error) {
	a, err := p.store.Article(ctx, id)
	if err != nil {
		return 0, false, fmt.Errorf("article %d: %w", id, err)
	}
	_, o, err := p.store.SaveArticle(context.WithoutCancel(ctx), store.Save{Article: a, Feed: src.Name, Keys: keys})
	if err != nil {
		return 0, false, fmt.Errorf("storing %s: %w", a.URL, err)
	}
	return o, a.SummaryOnly, nil
}

// entryKey is an entry's identity before its page is read: its link,
// normalised, else its GUID scoped by site.
func entryKey(e model.Entry, src model.SourceState) string {
	if e.URL != "" {
		return model.NormalizeURL(e.URL)
	}
	if e.GUID != "" {
		return guidKey(e, src)
	}
	return ""
}

// build makes the article of an entry: from the feed's full content when it
// carries the article, else from the page, else from the feed's teaser. It
// returns the further keys that lead to the article (the entry's link when
// a redirect or the canonical URL names it otherwise).
func (p *Pipeline) build(ctx context.Context, src model.SourceState, e model.Entry, tm *Timing) (model.Article, []string, error) {
	a := model.Article{URL: model.NormalizeURL(e.URL), Title: e.Title, Published: e.Published}
	if a.Published.IsZero() {
		a.Published = e.Updated
	}
	t0 := time.Now()
	if blocks := extract.Fragment(e.Content); fullText(blocks, e) {
		a.Blocks = blocks
		tm.Extract += time.Since(t0)
		return a, nil, nil
	}
	tm.Extract += time.Since(t0)
	if e.URL == "" {
		// A feed item with a GUID but no link: the feed's text is all
		// there is. Its identity is the GUID key.
		a.SummaryOnly = true
		a.Blocks = teaser(e)
		if a.Title == "" {
			a.Title = e.GUID
		}
		return a, nil, nil
	}
	t0 = time.Now()
	resp, err := p.client.Get(ctx, fetch.Request{URL: e.URL, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", PerHost: src.PerHost, HostDelay: src.HostDelay})
	tm.Fetch += time.Since(t0)
	if err != nil {
		return a, nil, err
	}
	var extra []string
	if final := model.NormalizeURL(resp.URL); final != a.URL {
		extra = append(extra, a.URL) // the entry's link leads here too
		a.URL = final
	}
	var res extract.Result
	t0 = time.Now()
	if isHTML(resp.ContentType) {
		res, err = extract.Page(resp.Body, extract.Options{URL: parseURL(resp.URL)})
	} else {
		err = extract.ErrNoContent
	}
	tm.Extract += time.Since(t0)
	switch {
	case err == nil:
		a.Blocks = res.Blocks
		if a.Title == "" {
			a.Title = res.Title
		}
		if a.Published.IsZero() {
			a.Published = res.Published
		}
		if c := p.canonical(ctx, res.Canonical, resp.URL, src, a.Title); c != "" && c != a.URL {
			extra = append(extra, a.URL)
			a.URL = c
		}
	case errors.Is(err, extract.ErrNoContent):
		// An app shell, an error page, a cookie wall: keep what the feed
		// said, and say so.
		a.SummaryOnly = true
		a.Blocks = teaser(e)
		if a.Title == "" {
			a.Title = res.Title
		}
	default:
		return a, nil, fmt.Errorf("extracting %s: %w", resp.URL, err)
	}
	if a.Title == "" {
		a.Title = a.URL
	}
	return a, extra, nil
}

// canonical returns the page's canonical URL when it can be the article's
// identity: on the same site, not a section or home page, not the source
// itself, and not already the identity of another article with another
// title (a CMS that points every canonical at one page would otherwise
// merge all its articles). "" otherwise.
func (p *Pipeline) canonical(ctx context.Context, canonical, pageURL string, src model.SourceState, title string) string {
	c := sameSiteCanonical(canonical, pageURL)
	if c == "" || c == model.NormalizeURL(src.URL) || c == model.NormalizeURL(src.FeedURL) {
		return ""
	}
	ref, err := p.store.FindArticle(ctx, c)
	if err != nil {
		return c // new, or unknown: take it
	}
	other, err := p.store.Article(ctx, ref.ID)
	if err != nil || !sameTitle(other.Title, title) {
		return ""
	}
	return c
}

// sameTitle compares titles with case and spacing folded.
func sameTitle(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// fullText tells whether a feed's content carries the whole article rather
// than a teaser: long enough, longer than the summary, not cut off.
func fullText(blocks []model.Block, e model.Entry) bool {
	text := model.RenderText(blocks)
	if len(text) < 500 {
		return false
	}
	t := strings.TrimSpace(text)
	for _, cut := range []string{"…", "...", "[…]", "[...]", "Read more", "read more", "Continue reading"} {
		if strings.HasSuffix(t, cut) {
			return false
		}
	}
	sum := model.RenderText(extract.Fragment(e.Summary))
	return len(text) > len(sum)+len(sum)/4
}

// teaser is the feed's own text of an entry: its content, else its summary.
func teaser(e model.Entry) []model.Block {
	c, s := extract.Fragment(e.Content), extract.Fragment(e.Summary)
	if len(model.RenderText(c)) >= len(model.RenderText(s)) && len(c) > 0 {
		return c
	}
	return s
}

func isHTML(ct string) bool {
	return ct == "" || ct == "text/html" || ct == "application/xhtml+xml"
}

// parseURL parses an absolute URL the fetcher returned; an empty URL (no
// base for relative links) for anything else.
func parseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// sameSiteCanonical accepts a page's canonical URL only when it stays on
// the same site (see siteOf) and names a page, not one of its
// ancestors: sites that canonicalise every article to their front page or
// their news section would otherwise merge all articles.
func sameSiteCanonical(canonical, pageURL string) string {
	if canonical == "" {
		return ""
	}
	c, err := url.Parse(canonical)
	if err != nil || (c.Scheme != "http" && c.Scheme != "https") || c.Host == "" {
		return ""
	}
	pu, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	if siteOf(c.Hostname()) != siteOf(pu.Hostname()) {
		return ""
	}
	cp, pp := strings.Trim(c.Path, "/"), strings.Trim(pu.Path, "/")
	if cp != pp && (cp == "" || strings.HasPrefix(pp, cp+"/")) {
		return ""
	}
	return model.NormalizeURL(canonical)
}

// siteOf is a host without the prefixes that name the same site for
// another audience (www., m., amp.). Canonical links across hosts beyond
// that are not trusted: europol.europa.eu and eurojust.europa.eu share a
// registrable domain but are different sites.
func siteOf(host string) string {
	host = strings.ToLower(host)
	for _, prefix := range []string{"www.", "m.", "amp."} {
		if h, ok := strings.CutPrefix(host, prefix); ok && strings.Contains(h, ".") {
			return h
		}
	}
	return host
}

// guidKey scopes a feed GUID by the entry's host (the feed's host when the
// entry has no link): GUIDs such as "1234" are only unique within one site.
func guidKey(e model.Entry, src model.SourceState) string {
	link := e.URL
	if link == "" {
		link = src.URL
	}
	host := ""
	if u, err := url.Parse(link); err == nil {
		host = strings.ToLower(u.Host)
	}
	return "guid:" + host + ":" + e.GUID
}

// fingerprint summarises what a feed says of an entry.
func fingerprint(e model.Entry) string {
	h := sha256.New()
	for _, s := range []string{e.URL, e.GUID, e.Title, e.Published.UTC().Format(time.RFC3339), e.Updated.UTC().Format(time.RFC3339), e.Summary, e.Content} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
