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

	"github.com/sitrep/sitrep/internal/enrich"
	"github.com/sitrep/sitrep/internal/extract"
	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/markup"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// ingest stores one entry's article, fetching its page only when the
// article is not stored yet or its feed entry changed.
func (p *Pipeline) ingest(ctx context.Context, src model.SourceState, e model.Entry, tm *Timing) (store.Outcome, bool, error) {
	t0 := time.Now()
	defer func() { tm.Store = time.Since(t0) - tm.Fetch - tm.Extract }()
	key := entryKey(e, src)
	if key == "" {
		return 0, false, fmt.Errorf("an entry of %s has neither link nor GUID", src.URL)
	}
	fp := store.SourceKey(store.KeyFingerprint, src.Name, fingerprint(e))
	// A teaser kept because the page had no text is tried again, but at
	// most once a day: some sites always serve an app shell.
	fpRetry := fp + ":" + p.cfg.Now().UTC().Format("2006-01-02")

	// The same entry from the same feed as last time: nothing to do.
	if _, err := p.store.FindArticle(ctx, fp, fpRetry); err == nil {
		return store.Unchanged, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, false, fmt.Errorf("%s: %w", key, err)
	}
	release, err := p.claim(ctx, key)
	if err != nil {
		return 0, false, err
	}
	defer release()
	keys := []string{key}
	gk := ""
	if e.URL != "" && len(e.GUID) >= 6 {
		// The GUID leads back to an article of this source whose link
		// changed (a new slug). Short GUIDs are often positions in the
		// feed, not identities, and are not trusted.
		gk = guidKey(e, src)
		keys = append(keys, gk)
	}
	ref, err := p.store.FindArticle(ctx, key)
	if errors.Is(err, store.ErrNotFound) && gk != "" {
		ref, err = p.store.FindArticle(ctx, gk)
	}
	found := err == nil
	switch {
	case found && !slices.Contains(ref.Feeds, src.Name):
		// Stored from another feed: remember this one too, without
		// downloading the page again.
		return p.relink(ctx, ref.ID, src, append(keys, fp))
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return 0, false, fmt.Errorf("%s: %w", key, err)
	}
	// New, or changed in its own feed: build it afresh.
	b, err := p.build(ctx, src, e, tm)
	if err != nil {
		return 0, false, err
	}
	a := b.article
	if found && b.noText {
		// The page gave no text this time (a maintenance page, a cookie
		// wall): never trade a stored article for a teaser. It counts as
		// a failure, and the entry's fingerprint is not kept, so the next
		// poll reads the feed and tries the page again.
		if old, err := p.store.Article(ctx, ref.ID); err == nil && !old.SummaryOnly {
			if _, _, err := p.relink(ctx, ref.ID, src, keys); err != nil {
				return 0, false, err
			}
			return 0, false, fmt.Errorf("%s: the page gave no article text this time; the stored article is kept", key)
		}
	}
	if b.noText {
		keys = append(keys, fpRetry)
	} else {
		keys = append(keys, fp)
	}

	// The facts go into the store with the article, in one transaction.
	// They are found outside the lock; the story inside it, so that two
	// workers storing copies of one release put them in one story.
	save := store.Save{Article: a, Feed: src.Name, Keys: keys}
	var storyKey enrich.StoryKey
	if p.cfg.Enricher != nil {
		en, k, err := p.cfg.Enricher.Facts(a, p.cfg.Now())
		if err != nil {
			// Stored without facts; `sitrep enrich` catches up.
			p.cfg.Log.Warn("enrichment failed; `sitrep enrich` will retry it", "article", key, "err", err)
		} else {
			save.Facts, storyKey = &en, k
		}
	}

	// Deciding the identity and saving are one step: two workers must not
	// both find a shared canonical URL free and both take it.
	p.saveMu.Lock()
	if save.Facts != nil {
		id := int64(0)
		if found {
			id = ref.ID
		}
		story, err := p.cfg.Enricher.Story(ctx, storyKey, id)
		if err != nil {
			p.cfg.Log.Warn("story grouping failed; `sitrep enrich --all` will redo it", "article", key, "err", err)
		}
		save.Facts.Story = story
	}
	if !found {
		a.URL = key
		for _, c := range []string{b.canonical, b.final} {
			if c != "" && c != key && p.free(ctx, c, a.Title) {
				a.URL = c
				break
			}
		}
		if e.URL == "" {
			a.URL = "" // known by its GUID key alone
		}
	}
	save.Article = a
	_, o, err := p.store.SaveArticle(context.WithoutCancel(ctx), save)
	p.saveMu.Unlock()
	if err != nil {
		return 0, false, fmt.Errorf("storing %s: %w", key, err)
	}
	return o, a.SummaryOnly, nil
}

// free tells whether url can be the identity of an article titled title:
// no article has it yet, or the one that has it is the same story (its
// title alike). A CMS that redirects or canonicalises many articles to one
// page would otherwise merge them.
func (p *Pipeline) free(ctx context.Context, url, title string) bool {
	ref, err := p.store.FindArticle(ctx, url)
	if errors.Is(err, store.ErrNotFound) {
		return true
	}
	if err != nil {
		return false
	}
	other, err := p.store.Article(ctx, ref.ID)
	return err == nil && similarTitles(other.Title, title)
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
// normalised, else its GUID scoped by source.
func entryKey(e model.Entry, src model.SourceState) string {
	if e.URL != "" {
		return model.NormalizeURL(e.URL)
	}
	if e.GUID != "" {
		return guidKey(e, src)
	}
	return ""
}

// built is an entry's article as build made it, with the URLs that could
// name it instead of the entry's link.
type built struct {
	article model.Article
	final   string // the page's URL after redirects, if another
	// canonical is the page's canonical URL when it may be the article's
	// identity (same site, not a section or home page).
	canonical string
	noText    bool // the page was read but gave no article text
}

// build makes the article of an entry: from the feed's full content when it
// carries the article, else from the page, else from the feed's teaser.
func (p *Pipeline) build(ctx context.Context, src model.SourceState, e model.Entry, tm *Timing) (built, error) {
	a := model.Article{URL: model.NormalizeURL(e.URL), Title: e.Title, Published: e.Published}
	if a.Published.IsZero() {
		a.Published = e.Updated
	}
	t0 := time.Now()
	if blocks := extract.Fragment(e.Content); fullText(blocks, e) {
		a.Blocks = blocks
		tm.Extract += time.Since(t0)
		return built{article: clean(a)}, nil
	}
	tm.Extract += time.Since(t0)
	if e.URL == "" {
		// A feed item with a GUID but no link: the feed's text is all
		// there is.
		a.SummaryOnly = true
		a.Blocks = teaser(e)
		if a.Title == "" {
			a.Title = e.GUID
		}
		return built{article: clean(a)}, nil
	}
	t0 = time.Now()
	resp, err := p.client.Get(ctx, fetch.Request{URL: e.URL, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", PerHost: src.PerHost, HostDelay: src.HostDelay})
	tm.Fetch += time.Since(t0)
	if err != nil {
		return built{}, err
	}
	b := built{}
	if final := model.NormalizeURL(resp.URL); final != a.URL {
		if !pageOf(final, a.URL) {
			// A soft 404, an embargo, a login: the link leads to the home
			// page or a section, not to an article. Try again next time.
			return built{}, fmt.Errorf("%s redirects to %s, which is not an article", e.URL, resp.URL)
		}
		b.final = final
	}
	var res extract.Result
	t0 = time.Now()
	if isHTML(resp.ContentType) {
		res, err = p.extractPage(ctx, resp.URL, resp.Body)
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
		if c := sameSiteCanonical(res.Canonical, resp.URL); c != model.NormalizeURL(src.URL) && c != model.NormalizeURL(src.FeedURL) {
			b.canonical = c
		}
	case errors.Is(err, extract.ErrNoContent):
		// An app shell, an error page, a cookie wall: keep what the feed
		// said, and say so.
		a.SummaryOnly = true
		a.Blocks = teaser(e)
		b.noText = true
		if a.Title == "" {
			a.Title = res.Title
		}
	default:
		return built{}, fmt.Errorf("extracting %s: %w", resp.URL, err)
	}
	if a.Title == "" {
		a.Title = resp.URL
	}
	b.article = clean(a)
	return b, nil
}

// similarTitles tells whether two titles name the same story: equal with
// case and spacing folded, one within the other (a site name added), or
// sharing most of their words.
func similarTitles(a, b string) bool {
	na, nb := strings.ToLower(strings.Join(strings.Fields(a), " ")), strings.ToLower(strings.Join(strings.Fields(b), " "))
	if na == nb || (len(na) > 0 && len(nb) > 0 && (strings.Contains(na, nb) || strings.Contains(nb, na))) {
		return true
	}
	wa, wb := strings.Fields(na), strings.Fields(nb)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	set := make(map[string]bool, len(wa))
	for _, w := range wa {
		set[w] = true
	}
	common := 0
	for _, w := range wb {
		if set[w] {
			common++
		}
	}
	return 2*common >= len(wa)+len(wb) // Dice coefficient ≥ 0.5
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
// the same site (see siteOf) and names a page, not one of its ancestors:
// sites that canonicalise every article to their front page or their news
// section would otherwise merge all articles.
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
	if !pageOf(canonical, pageURL) {
		return ""
	}
	return model.NormalizeURL(canonical)
}

// pageOf tells whether target can name the page at link rather than one of
// its ancestors: a redirect or canonical link from /news/2024/story to / or
// /news/ says nothing about the story.
func pageOf(target, link string) bool {
	t, err1 := url.Parse(target)
	l, err2 := url.Parse(link)
	if err1 != nil || err2 != nil {
		return false
	}
	tp, lp := strings.Trim(t.Path, "/"), strings.Trim(l.Path, "/")
	if tp == lp {
		return true
	}
	return tp != "" && !strings.HasPrefix(lp, tp+"/")
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

// guidKey scopes a feed GUID by its source: GUIDs such as "1234" are only
// unique within one feed.
func guidKey(e model.Entry, src model.SourceState) string {
	return store.SourceKey(store.KeyGUID, src.Name, e.GUID)
}

// fingerprint summarises what a feed says of an entry that matters: its
// normalised link, GUID, title, publication date, teaser and content. Not
// the update time, which some feeds stamp with the time they were rendered.
func fingerprint(e model.Entry) string {
	h := sha256.New()
	for _, s := range []string{model.NormalizeURL(e.URL), e.GUID, e.Title, e.Published.UTC().Format(time.RFC3339), e.Summary, e.Content} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// clean passes the article's third-party text through the one sanitiser
// on its way into the store: titles become one clean line, block text loses
// control characters and invalid bytes, and blocks left empty go.
func clean(a model.Article) model.Article {
	a.Title = model.CleanLine(a.Title)
	blocks := a.Blocks[:0:0]
	for _, b := range a.Blocks {
		b.Text = model.CleanText(b.Text)
		if strings.TrimSpace(b.Text) != "" {
			blocks = append(blocks, b)
		}
	}
	a.Blocks = blocks
	return a
}

// extractPage extracts a page within the limits: at most MaxPage bytes of
// it, at most ExtractTimeout, at most Workers extractions at once (those
// given up on included), a panic an error for this page alone.
func (p *Pipeline) extractPage(ctx context.Context, pageURL string, body []byte) (extract.Result, error) {
	if len(body) > p.cfg.MaxPage {
		body = markup.Shrink(body, p.cfg.MaxPage)
	}
	select {
	case p.extracting <- struct{}{}:
	case <-ctx.Done():
		return extract.Result{}, ctx.Err()
	}
	type result struct {
		res extract.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-p.extracting }()
		var r result
		r.err = safely(pageURL, func() (err error) {
			r.res, err = extract.Page(body, extract.Options{URL: parseURL(pageURL)})
			return err
		})
		done <- r
	}()
	t := time.NewTimer(p.cfg.ExtractTimeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.res, r.err
	case <-t.C:
		return extract.Result{}, fmt.Errorf("%w: gave up after %s (%d KiB of HTML)", ErrExtractTimeout, p.cfg.ExtractTimeout, len(body)>>10)
	case <-ctx.Done():
		return extract.Result{}, ctx.Err()
	}
}
