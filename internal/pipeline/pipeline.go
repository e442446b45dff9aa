// Package pipeline wires sitrep's stages together — sources → fetch → feed
// or listing → fetch page → extract → store — and schedules the polls. It is
// the only place, with the store, that holds state; the stages it calls take
// plain values and return plain values.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

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
	// MaxPage bounds the HTML handed to the extractor (default 4 MiB): a
	// larger page loses its scripts, styles and SVG, then its tail.
	MaxPage int
	// ExtractTimeout bounds the extraction of one page (default 20s). The
	// extractor cannot be interrupted, so a page that outlasts it keeps
	// one of the Workers extraction slots until it finishes, and its
	// article fails with ErrExtractTimeout.
	ExtractTimeout time.Duration
	// Claims, when set, extends the claim on an article being built to the
	// other processes sharing the store, so that two workers meeting one
	// link at once download it once.
	Claims ArticleClaims
	// Lease is how long Serve's claim on a source lasts unrenewed
	// (default the Lease constant); it is renewed every quarter of it.
	Lease time.Duration
	// Tick is how often Serve looks for due sources when none is (1s).
	Tick time.Duration
	// Log receives what a user running serve should see: store errors the
	// scheduler survives (default: discarded).
	Log *slog.Logger
	// Enricher, when set, finds the facts of every article stored new or
	// changed.
	Enricher *Enricher
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
	if c.Lease <= 0 {
		c.Lease = Lease
	}
	if c.MaxPage <= 0 {
		c.MaxPage = DefaultMaxPage
	}
	if c.ExtractTimeout <= 0 {
		c.ExtractTimeout = DefaultExtractTimeout
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
	// saveMu makes choosing an article's identity and saving it one step.
	// Saves are serialised by the store's single writer anyway.
	saveMu sync.Mutex
	// extracting holds a slot per extraction running, abandoned ones
	// included, so the CPU and memory of extraction stay bounded.
	extracting chan struct{}
}

// Defaults of the extraction limits.
const (
	DefaultMaxPage        = 4 << 20
	DefaultExtractTimeout = 20 * time.Second
)

// ErrExtractTimeout: a page took longer than Config.ExtractTimeout to
// extract.
var ErrExtractTimeout = errors.New("extraction took too long")

// New returns a pipeline over a store and the one outbound HTTP client.
func New(cfg Config, st store.Store, client *fetch.Client) *Pipeline {
	cfg.defaults()
	return &Pipeline{cfg: cfg, store: st, client: client, busy: map[string]chan struct{}{},
		extracting: make(chan struct{}, cfg.Workers)}
}

// ArticleClaims is a claim on an article shared with other processes (the
// PostgreSQL store implements it). ClaimArticle waits until no other
// holder has key, takes it for at most ttl (a holder that dies loses it
// then), and returns the function that gives it back.
type ArticleClaims interface {
	ClaimArticle(ctx context.Context, key string, ttl time.Duration) (release func(), err error)
}

// articleClaimTTL bounds a shared claim: longer than building any article
// (fetch timeouts, retries, the extraction deadline).
const articleClaimTTL = 10 * time.Minute

// claim waits until no other worker, here or in a process sharing the
// store, builds the article at key, then marks it as ours until the
// returned release is called.
func (p *Pipeline) claim(ctx context.Context, key string) (release func(), err error) {
	local, err := p.claimLocal(ctx, key)
	if err != nil || p.cfg.Claims == nil {
		return local, err
	}
	shared, err := p.cfg.Claims.ClaimArticle(ctx, key, articleClaimTTL)
	if err != nil {
		local()
		return nil, fmt.Errorf("claiming %s: %w", key, err)
	}
	return func() { shared(); local() }, nil
}

// claimLocal is claim among this process's workers.
func (p *Pipeline) claimLocal(ctx context.Context, key string) (release func(), err error) {
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

// Add adds o's times to t.
func (t *Timing) Add(o Timing) {
	t.Fetch += o.Fetch
	t.Parse += o.Parse
	t.Extract += o.Extract
	t.Store += o.Store
}

// Report is the outcome of one poll of one source.
type Report struct {
	Source      string
	NotModified bool // the feed or listing answered 304
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
	// polling holds the sources this process is polling: a poll that
	// outlasts its lease must not be joined by a second one when the
	// source is claimed again.
	var mu sync.Mutex
	polling := map[string]bool{}
	var wg sync.WaitGroup
	for range p.cfg.SourceWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for src := range claimed {
				r := p.poll(ctx, pool, src, nil)
				p.record(ctx, src, r)
				mu.Lock()
				delete(polling, src.Name)
				mu.Unlock()
				if onReport != nil {
					onReport(r)
				}
			}
		}()
	}
	defer func() { close(claimed); wg.Wait() }()

	// Renew the leases of what this process holds while it works, so that
	// a lease can be short: the sources of a process that was killed are
	// polled again within a Lease of its death, not half an hour later.
	renewDone := make(chan struct{})
	defer func() { <-renewDone }()
	go func() {
		defer close(renewDone)
		t := time.NewTicker(p.cfg.Lease / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			mu.Lock()
			names := make([]string, 0, len(polling))
			for n := range polling {
				names = append(names, n)
			}
			mu.Unlock()
			if err := p.store.RenewLeases(ctx, names, p.cfg.Now().Add(p.cfg.Lease)); err != nil && ctx.Err() == nil {
				p.cfg.Log.Error("renewing source leases", "err", err)
			}
		}
	}()

	failures := 0
	for {
		due, err := p.store.ClaimDue(ctx, p.cfg.Now(), p.cfg.SourceWorkers, p.cfg.Lease)
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
		mu.Lock()
		due = slices.DeleteFunc(due, func(s model.SourceState) bool {
			busy := polling[s.Name]
			polling[s.Name] = true
			return busy
		})
		mu.Unlock()
		for i, src := range due {
			select {
			case claimed <- src:
			case <-ctx.Done():
				// Shutting down: give back what no worker took.
				for _, left := range due[i:] {
					p.release(ctx, left.Name)
				}
				mu.Lock()
				for _, left := range due[i:] {
					delete(polling, left.Name)
				}
				mu.Unlock()
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

// Lease is how long a claimed source stays with its poller without being
// renewed. Serve renews what it holds every quarter of it, so a poll may
// last longer; a process killed holds its sources at most this long.
const Lease = 2 * time.Minute

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
	if r.ArticleErr != nil {
		res.ArticleErr = fmt.Sprintf("%d of %d articles failed; the first: %v", r.Failed, r.New+r.Updated+r.Unchanged+r.Failed+r.Skipped, r.ArticleErr)
	}
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
