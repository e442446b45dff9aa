// Package pipeline wires sitrep's stages together — sources → fetch → feed
// or listing → fetch page → extract → store — and schedules the polls. It is
// the only place, with the store, that holds state; the stages it calls take
// plain values and return plain values.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sitrep/sitrep/internal/extract"
	"github.com/sitrep/sitrep/internal/feed"
	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// Config sets the pipeline's bounds and schedule. Zero values take the
// defaults noted.
type Config struct {
	// Workers is the number of article pages fetched and extracted at once,
	// across all sources (default 16). Per-host limits live in the fetch
	// client; this bounds memory and CPU.
	Workers int
	// PerHost is the fetch client's limit of requests in flight per host
	// (default 2). One source keeps at most twice that many of its articles
	// in the pool, so that a slow or politely paced host cannot hold every
	// worker while other sources wait.
	PerHost int
	// SourceWorkers is the number of sources polled at once (default 8).
	SourceWorkers int
	// Interval is the default time between two polls of a source (30m).
	Interval time.Duration
	// MaxEntries bounds the entries taken from one poll of a source (300).
	MaxEntries int
	// Tick is how often Serve looks for due sources when none is (1s).
	Tick time.Duration
	// Log receives what a user running serve should see: store errors the
	// scheduler survives (default: discarded).
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Jitter returns a random number in [0,1) used to spread polls
	// (default math/rand/v2).
	Jitter func() float64
}

func (c *Config) defaults() {
	if c.Workers <= 0 {
		c.Workers = 16
	}
	if c.PerHost <= 0 {
		c.PerHost = 2
	}
	if c.SourceWorkers <= 0 {
		c.SourceWorkers = 8
	}
	if c.Interval <= 0 {
		c.Interval = 30 * time.Minute
	}
	if c.MaxEntries <= 0 {
		c.MaxEntries = 300
	}
	if c.Tick <= 0 {
		c.Tick = time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Jitter == nil {
		c.Jitter = rand.Float64
	}
}

// Pipeline polls sources and stores their articles.
type Pipeline struct {
	cfg    Config
	store  store.Store
	client *fetch.Client

	// busy holds the articles being built right now, by entry URL, so that
	// two feeds listing one article in the same round download it once:
	// the second waits, then finds it stored.
	mu   sync.Mutex
	busy map[string]chan struct{}
}

// New returns a pipeline over a store and the one outbound HTTP client.
func New(cfg Config, st store.Store, client *fetch.Client) *Pipeline {
	cfg.defaults()
	return &Pipeline{cfg: cfg, store: st, client: client, busy: map[string]chan struct{}{}}
}

// claim waits until no other worker builds the article at key, then marks
// it as ours until the returned release is called.
func (p *Pipeline) claim(ctx context.Context, key string) (release func(), err error) {
	for {
		p.mu.Lock()
		ch, taken := p.busy[key]
		if !taken {
			ch = make(chan struct{})
			p.busy[key] = ch
			p.mu.Unlock()
			return func() {
				p.mu.Lock()
				delete(p.busy, key)
				p.mu.Unlock()
				close(ch)
			}, nil
		}
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Timing is the wall time spent in each stage, summed over the articles
// (work done in parallel adds up): where a round's time goes.
type Timing struct {
	Fetch, Parse, Extract, Store time.Duration
}

func (t *Timing) add(o Timing) {
	t.Fetch += o.Fetch
	t.Parse += o.Parse
	t.Extract += o.Extract
	t.Store += o.Store
}

// Report is the outcome of one poll of one source.
type Report struct {
	Source      string
	NotModified bool // the feed or listing answered 304
	Entries     int  // entries the feed or listing held
	New         int
	Updated     int
	Unchanged   int
	SummaryOnly int // stored with the feed's teaser only: the page gave no article text
	Skipped     int // links robots.txt forbids
	Failed      int // entries whose article could not be fetched or stored
	Err         error
	// ArticleErr is the first article-level error, for the summary line.
	ArticleErr error
	// ETag and LastModified are the source's validators for next time.
	ETag, LastModified string
	// FeedURL is the feed the source's page advertises, when that is what
	// was read (see model.SourceState.FeedURL).
	FeedURL    string
	RetryAfter time.Duration
	Timing     Timing
}

// OK tells whether the source itself could be polled.
func (r Report) OK() bool { return r.Err == nil }

// String is the one-line summary a user sees.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d new, %d updated, %d unchanged, %d failed", r.Source, r.New, r.Updated, r.Unchanged, r.Failed)
	if r.NotModified {
		b.WriteString(" (not modified)")
	}
	if r.SummaryOnly > 0 {
		fmt.Fprintf(&b, "; %d teaser only (the page gave no article text)", r.SummaryOnly)
	}
	if r.Skipped > 0 {
		fmt.Fprintf(&b, "; %d skipped (robots.txt)", r.Skipped)
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "; error: %v", r.Err)
	} else if r.ArticleErr != nil {
		fmt.Fprintf(&b, "; error: %v", r.ArticleErr)
	}
	return b.String()
}

// Progress is reported after each source and each article during a round.
type Progress struct {
	SourcesDone, SourcesTotal int
	New, Updated              int
}

// Round polls every given source once (SourceWorkers at a time, their
// articles through one pool of Workers), records each outcome in the store
// with the source's next due time, and returns the reports in the order of
// sources. progress, if not nil, is called from one goroutine at a time.
func (p *Pipeline) Round(ctx context.Context, sources []model.SourceState, progress func(Progress)) []Report {
	pool := p.startWorkers(ctx)
	defer pool.stop()

	reports := make([]Report, len(sources))
	var mu sync.Mutex
	var prog Progress
	prog.SourcesTotal = len(sources)
	tick := func(f func(*Progress)) {
		mu.Lock()
		defer mu.Unlock()
		f(&prog)
		if progress != nil {
			progress(prog)
		}
	}
	idx := make(chan int)
	var wg sync.WaitGroup
	for range min(p.cfg.SourceWorkers, max(len(sources), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				r := p.poll(ctx, pool, sources[i], func(o store.Outcome) {
					tick(func(pr *Progress) {
						switch o {
						case store.Created:
							pr.New++
						case store.Updated:
							pr.Updated++
						}
					})
				})
				p.record(ctx, sources[i], r)
				reports[i] = r
				tick(func(pr *Progress) { pr.SourcesDone++ })
			}
		}()
	}
	for _, i := range byHost(sources) {
		select {
		case idx <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(idx)
	wg.Wait()
	for i := range reports {
		if reports[i].Source == "" { // never started: cancelled
			reports[i] = Report{Source: sources[i].Name, Err: ctx.Err()}
		}
	}
	return reports
}

// Serve polls each source on its own schedule until ctx ends: it claims due
// sources from the store with a lease, polls them, and reports each back
// with its next due time. A failing source backs off exponentially but is
// always retried. Polls in flight when ctx ends are cancelled; their stores
// finish.
func (p *Pipeline) Serve(ctx context.Context, onReport func(Report)) error {
	pool := p.startWorkers(ctx)
	defer pool.stop()
	claimed := make(chan model.SourceState)
	var wg sync.WaitGroup
	for range p.cfg.SourceWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for src := range claimed {
				r := p.poll(ctx, pool, src, nil)
				p.record(ctx, src, r)
				if onReport != nil {
					onReport(r)
				}
			}
		}()
	}
	defer func() { close(claimed); wg.Wait() }()

	failures := 0
	for {
		due, err := p.store.ClaimDue(ctx, p.cfg.Now(), p.cfg.SourceWorkers, Lease)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, store.ErrClosed) {
				return fmt.Errorf("claiming due sources: %w", err)
			}
			// A busy or briefly failing database must not stop the
			// polling for good: say so and try again.
			failures++
			wait := min(p.cfg.Tick<<min(failures, 6), time.Minute)
			p.cfg.Log.Error("claiming due sources; will retry", "err", err, "in", wait)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
			continue
		}
		failures = 0
		for i, src := range due {
			select {
			case claimed <- src:
			case <-ctx.Done():
				// Shutting down: give back what no worker took.
				for _, left := range due[i:] {
					p.release(ctx, left.Name)
				}
				return nil
			}
		}
		if len(due) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.cfg.Tick):
		}
	}
}

// Lease is how long a claimed source stays with its poller. It outlasts
// any poll (requests time out, entries per poll are capped), and is short
// enough that the sources of a crashed process are polled again soon.
const Lease = 30 * time.Minute

// release gives back a claim, even while shutting down.
func (p *Pipeline) release(ctx context.Context, name string) {
	if err := p.store.Release(context.WithoutCancel(ctx), name); err != nil {
		p.cfg.Log.Error("releasing a source", "source", name, "err", err)
	}
}

// record stores a poll's outcome and the source's next due time.
func (p *Pipeline) record(ctx context.Context, src model.SourceState, r Report) {
	if ctx.Err() != nil {
		// Interrupted by shutdown: that says nothing of the source. Give
		// the claim back so that the next start polls it at once.
		p.release(ctx, src.Name)
		return
	}
	now := p.cfg.Now()
	res := store.PollResult{At: now, NotModified: r.NotModified, ETag: r.ETag, LastModified: r.LastModified, FeedURL: r.FeedURL}
	interval := src.Interval
	if interval <= 0 {
		interval = p.cfg.Interval
	}
	if r.Err != nil {
		res.Err = r.Err.Error()
		// A server's Retry-After is honoured, but never beyond the backoff
		// cap: a source must not be parked for a day by one header.
		retryAfter := min(r.RetryAfter, max(4*time.Hour, interval))
		res.NextDue = now.Add(max(Backoff(src.Failures+1, interval, p.cfg.Jitter()), retryAfter))
	} else {
		// ±10% so that sources added together drift apart.
		j := time.Duration((p.cfg.Jitter()*0.2 - 0.1) * float64(interval))
		res.NextDue = now.Add(interval + j)
	}
	// The poll is over; its record must land even when shutting down.
	if err := p.store.ReportPoll(context.WithoutCancel(ctx), src.Name, res); err != nil {
		p.cfg.Log.Error("recording a poll", "source", src.Name, "err", err)
		p.release(ctx, src.Name) // at least do not leave it claimed
	}
}

// Backoff is the wait before retrying a source after its n-th consecutive
// failure: one minute doubled each time, capped at the larger of 4 hours and
// the source's interval, with ±20% jitter (r in [0,1)).
func Backoff(n int, interval time.Duration, r float64) time.Duration {
	limit := max(4*time.Hour, interval)
	d := time.Minute
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d + time.Duration((r*0.4-0.2)*float64(d))
}

// task is one entry to ingest, with where to send the outcome.
type task struct {
	src   model.SourceState
	entry model.Entry
	done  func(store.Outcome, bool, Timing, error)
}

type workerPool struct {
	tasks chan task
	wg    sync.WaitGroup
}

func (p *Pipeline) startWorkers(ctx context.Context) *workerPool {
	wp := &workerPool{tasks: make(chan task)}
	for range p.cfg.Workers {
		wp.wg.Add(1)
		go func() {
			defer wp.wg.Done()
			for t := range wp.tasks {
				var (
					tm          Timing
					o           store.Outcome
					summaryOnly bool
				)
				err := safely(t.entry.URL, func() (err error) {
					o, summaryOnly, err = p.ingest(ctx, t.src, t.entry, &tm)
					return err
				})
				t.done(o, summaryOnly, tm, err)
			}
		}()
	}
	return wp
}

func (wp *workerPool) stop() { close(wp.tasks); wp.wg.Wait() }

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
		return r
	}
	t0 = time.Now()
	var entries []model.Entry
	err = safely(resp.URL, func() (err error) {
		var via *fetch.Response
		entries, via, err = p.entries(ctx, src, resp)
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
	r.Entries = len(entries)

	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2*max(src.PerHost, p.cfg.PerHost))
	for _, e := range entries {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			mu.Lock()
			r.Failed++
			mu.Unlock()
			continue
		}
		wg.Add(1)
		t := task{src: src, entry: e, done: func(o store.Outcome, summaryOnly bool, tm Timing, err error) {
			defer wg.Done()
			defer func() { <-slots }()
			mu.Lock()
			defer mu.Unlock()
			r.Timing.add(tm)
			switch {
			case errors.Is(err, fetch.ErrDisallowed):
				r.Skipped++
			case err != nil:
				r.Failed++
				if r.ArticleErr == nil {
					r.ArticleErr = err
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
	if r.Failed > 0 {
		// Forget the validators so that the next poll reads the feed again
		// and retries the articles that failed, instead of a 304.
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
func (p *Pipeline) entries(ctx context.Context, src model.SourceState, resp *fetch.Response) ([]model.Entry, *fetch.Response, error) {
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
	if !errors.Is(err, feed.ErrNotFeed) {
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

// byHost orders sources round-robin across their hosts (the indexes of
// sources), so that the sources polled at once are on different hosts: the
// per-host limit then spreads the load instead of queueing it behind one
// site.
func byHost(sources []model.SourceState) []int {
	var hosts []string
	queues := map[string][]int{}
	for i, s := range sources {
		h := s.URL
		if u, err := url.Parse(s.URL); err == nil {
			h = strings.ToLower(u.Host)
		}
		if _, ok := queues[h]; !ok {
			hosts = append(hosts, h)
		}
		queues[h] = append(queues[h], i)
	}
	out := make([]int, 0, len(sources))
	for len(out) < len(sources) {
		for _, h := range hosts {
			if q := queues[h]; len(q) > 0 {
				out = append(out, q[0])
				queues[h] = q[1:]
			}
		}
	}
	return out
}

// safely runs f, turning a panic in a parser or extractor into an error for
// the one document it was reading: a hostile page must not take down the
// process and every other source with it.
func safely(what string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error while reading it: %v", what, r)
		}
	}()
	return f()
}
