package pipeline

import (
	"context"
	"fmt"
	"sync"

	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
)

// Preview is what a poll of a source would ingest, found without storing
// anything: the "test fetch" of a source before it is saved.
type Preview struct {
	// FeedURL is the feed the page advertises, when the source's URL is a
	// page that led to one.
	FeedURL string
	// Entries is every entry the feed or listing gives, in its order.
	Entries []model.Entry
	// Articles are the first entries built as a poll would store them,
	// with Stored telling which are in the store already.
	Articles []PreviewArticle
}

// PreviewArticle is one article a poll would store.
type PreviewArticle struct {
	Article model.Article
	Err     error // the page could not be fetched or read
	Stored  bool  // the store already has it: a poll would not fetch it again
}

// maxPreview bounds the articles one preview builds (and the goroutines it
// starts, one per article; the client's per-host limits still apply).
const maxPreview = 10

// Preview reads a source as a poll would and builds its first n articles,
// storing nothing. It uses the same client (robots.txt, limits, pacing)
// and the same extraction as a poll, so what it shows is what a poll would
// keep.
func (p *Pipeline) Preview(ctx context.Context, src model.Source, n int) (Preview, error) {
	st := model.SourceState{Source: src}
	var pv Preview
	resp, err := p.client.Get(ctx, fetch.Request{URL: src.URL, Accept: feedAccept, PerHost: src.PerHost, HostDelay: src.HostDelay})
	if err != nil {
		return pv, err
	}
	var entries []model.Entry
	err = safely(resp.URL, func() error {
		es, via, err := p.entries(ctx, st, resp, false)
		if via != nil && via != resp {
			pv.FeedURL = via.URL
		}
		entries = es
		return err
	})
	if err != nil {
		return pv, err
	}
	pv.Entries = dedupe(entries, st)
	if len(pv.Entries) > p.cfg.MaxEntries {
		pv.Entries = pv.Entries[:p.cfg.MaxEntries]
	}
	n = min(n, maxPreview, len(pv.Entries))
	pv.Articles = make([]PreviewArticle, n)
	var wg sync.WaitGroup
	for i := range n {
		e := pv.Entries[i]
		wg.Go(func() {
			pa := &pv.Articles[i]
			if _, err := p.store.FindArticle(ctx, entryKey(e, st)); err == nil {
				pa.Stored = true
			}
			var tm Timing
			pa.Err = safely(e.URL, func() error {
				b, err := p.build(ctx, st, e, &tm)
				pa.Article = b.article
				return err
			})
			if pa.Err != nil {
				pa.Article = model.Article{URL: e.URL, Title: e.Title, Published: e.Published}
				pa.Err = fmt.Errorf("%s: %w", e.URL, pa.Err)
			}
		})
	}
	wg.Wait()
	return pv, nil
}
