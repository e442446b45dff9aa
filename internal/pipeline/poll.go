// This file polls one source: its feed or listing page into entries.

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sitrep/sitrep/internal/feed"
	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/markup"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// feedAccept prefers feeds but takes what comes: a listing page is HTML.
const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"

// poll fetches one source's feed or listing page and ingests its entries
// through the pool.
func (p *Pipeline) poll(ctx context.Context, pool *workerPool, src model.SourceState, onArticle func(store.Outcome)) Report {
	r := Report{Source: src.Name}
	// A page that advertised a feed on an earlier poll: read the feed.
	target := src.URL
	if src.FeedURL != "" && src.Type != model.SourceHTML {
		target = src.FeedURL
	}
	t0 := time.Now()
	resp, err := p.client.Get(ctx, fetch.Request{
		URL: target, ETag: src.ETag, LastModified: src.LastModified, Accept: feedAccept,
		PerHost: src.PerHost, HostDelay: src.HostDelay,
	})
	r.Timing.Fetch += time.Since(t0)
	var se *fetch.StatusError
	if target != src.URL && errors.As(err, &se) && (se.Code == 404 || se.Code == 410) {
		// The advertised feed is gone: start again from the page.
		src.FeedURL, src.ETag, src.LastModified = "", "", ""
		return p.poll(ctx, pool, src, onArticle)
	}
	if err != nil {
		r.Err = err
		if errors.As(err, &se) {
			r.RetryAfter = se.RetryAfter
		}
		return r
	}
	if target != src.URL {
		r.FeedURL = target
	}
	if resp.NotModified {
		r.NotModified = true
		r.ETag, r.LastModified = resp.ETag, resp.LastModified // a 304 may send new ones
		return r
	}
	t0 = time.Now()
	var entries []model.Entry
	err = safely(resp.URL, func() (err error) {
		var via *fetch.Response
		entries, via, err = p.entries(ctx, src, resp, target != src.URL)
		if via != nil && via != resp {
			r.FeedURL = via.URL // found on the page: poll it directly from now on
		}
		if via != nil {
			r.ETag, r.LastModified = via.ETag, via.LastModified
		}
		return err
	})
	r.Timing.Parse += time.Since(t0)
	if target != src.URL && errors.Is(err, feed.ErrNotFeed) {
		// The feed found on the page earlier is not a feed any more:
		// start again from the page.
		src.FeedURL, src.ETag, src.LastModified = "", "", ""
		return p.poll(ctx, pool, src, onArticle)
	}
	if err != nil {
		r.Err = err
		r.ETag, r.LastModified = "", ""
		return r
	}
	entries = dedupe(entries, src)
	if len(entries) > p.cfg.MaxEntries {
		entries = entries[:p.cfg.MaxEntries]
	}

	var mu sync.Mutex
	var wg sync.WaitGroup
	perHost := p.cfg.PerHost
	if src.PerHost > 0 {
		perHost = src.PerHost
	}
	slots := make(chan struct{}, 2*perHost)
	retryLater := false // a transient article failure: read the feed again next time
	waitHost := false   // the host asked us to wait (429/503 with a long Retry-After)
	for _, e := range entries {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		mu.Lock()
		stop := waitHost
		mu.Unlock()
		if ctx.Err() != nil || stop {
			// Not tried: the next poll reads the feed again for them.
			mu.Lock()
			r.Failed++
			retryLater = true
			mu.Unlock()
			if stop {
				<-slots
			}
			continue
		}
		wg.Add(1)
		t := task{src: src, entry: e, done: func(o store.Outcome, summaryOnly bool, tm Timing, err error) {
			defer wg.Done()
			defer func() { <-slots }()
			mu.Lock()
			defer mu.Unlock()
			r.Timing.Add(tm)
			switch {
			case errors.Is(err, fetch.ErrDisallowed):
				r.Skipped++
			case err != nil:
				r.Failed++
				if r.ArticleErr == nil {
					r.ArticleErr = err
				}
				if transient(err) {
					retryLater = true
				}
				var se *fetch.StatusError
				if errors.As(err, &se) && se.RetryAfter > 0 {
					waitHost = true
					r.RetryAfter = max(r.RetryAfter, se.RetryAfter)
				}
			default:
				switch o {
				case store.Created:
					r.New++
				case store.Updated:
					r.Updated++
				default:
					r.Unchanged++
				}
				if summaryOnly && o != store.Unchanged {
					r.SummaryOnly++
				}
				if onArticle != nil {
					onArticle(o)
				}
			}
		}}
		select {
		case pool.tasks <- t:
		case <-ctx.Done():
			<-slots
			wg.Done()
			mu.Lock()
			r.Failed++
			mu.Unlock()
		}
	}
	wg.Wait()
	if retryLater {
		// Forget the validators so that the next poll reads the feed again
		// and retries the articles that failed, instead of a 304. Not for
		// permanent failures (a dead link, a page robots.txt forbids): they
		// would cost the feed its 304s for ever.
		r.ETag, r.LastModified = "", ""
	}
	if ctx.Err() != nil && r.Err == nil {
		r.Err = ctx.Err()
	}
	return r
}

// entries turns a fetched feed or listing page into entries, and says which
// response they came from (its validators are the ones to keep). A source
// of type feed that turns out to be an HTML page is followed to the feed
// the page advertises, else read as a listing page.
func (p *Pipeline) entries(ctx context.Context, src model.SourceState, resp *fetch.Response, discovered bool) ([]model.Entry, *fetch.Response, error) {
	if src.Type == model.SourceHTML {
		es, err := feed.Links(resp.Body, resp.URL, src.Links)
		if err != nil {
			return nil, nil, err // it names the listing
		}
		if len(es) == 0 {
			if src.Links != "" {
				return nil, nil, fmt.Errorf("listing %s: the selector %q matches no article link", resp.URL, src.Links)
			}
			return nil, nil, fmt.Errorf("listing %s: no article links found (give the source a links: selector)", resp.URL)
		}
		return es, resp, nil
	}
	f, err := feed.Parse(resp.Body, resp.URL)
	if err == nil {
		return f.Entries, resp, nil
	}
	if !errors.Is(err, feed.ErrNotFeed) || discovered {
		// A feed found on the page earlier that is no feed now (a soft
		// 404 to the home page) is not read as a listing: the caller
		// starts again from the source's page.
		return nil, nil, err // it names the feed
	}
	if links := feed.Discover(resp.Body, resp.URL); len(links) > 0 {
		fresp, ferr := p.client.Get(ctx, fetch.Request{URL: links[0], Accept: feedAccept, PerHost: src.PerHost, HostDelay: src.HostDelay})
		if ferr != nil {
			return nil, nil, fmt.Errorf("the feed %s advertises: %w", resp.URL, ferr)
		}
		f, ferr := feed.Parse(fresp.Body, fresp.URL)
		if ferr != nil {
			return nil, nil, fmt.Errorf("%w (the feed %s advertises)", ferr, resp.URL)
		}
		return f.Entries, fresp, nil
	}
	if es, lerr := feed.Links(resp.Body, resp.URL, ""); lerr == nil && len(es) > 0 {
		return es, resp, nil
	}
	return nil, nil, err
}

// dedupe drops entries whose link (or, without one, GUID) repeats an
// earlier one: feeds do repeat items, and two workers must not race to
// fetch one page.
func dedupe(entries []model.Entry, src model.SourceState) []model.Entry {
	seen := make(map[string]bool, len(entries))
	out := entries[:0:0]
	for _, e := range entries {
		k := entryKey(e, src)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

// transient tells whether an article's failure may pass by itself (a
// timeout, a server error, a rate limit), so that it is worth reading the
// feed again next time, rather than a permanent one (404, 410, robots.txt).
func transient(err error) bool {
	var se *fetch.StatusError
	if errors.As(err, &se) {
		return se.Code == 408 || se.Code == 429 || se.Code >= 500
	}
	return !errors.Is(err, fetch.ErrDisallowed) && !errors.Is(err, fetch.ErrTooLarge) && !errors.Is(err, fetch.ErrBadURL) &&
		!errors.Is(err, fetch.ErrBlocked) && !errors.Is(err, ErrExtractTimeout) && !errors.Is(err, markup.ErrTooDeep)
}
