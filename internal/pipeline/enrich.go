package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/sitrep/sitrep/internal/enrich"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// Enricher finds an article's facts and its story and stores them: the
// pipeline's last step for new articles, and `sitrep enrich` for stored
// ones.
type Enricher struct {
	rules *enrich.Rules
	store store.Store
}

// NewEnricher returns an enricher with rules over a store.
func NewEnricher(rules *enrich.Rules, st store.Store) *Enricher {
	return &Enricher{rules: rules, store: st}
}

// storyCandidates bounds the articles one story decision compares: the
// closest in time, when a window holds more (a busy day of many sources).
const storyCandidates = 120

// Prepare finds an article's facts and its story (see Facts and Story).
// id is the article's ID when it is stored, else 0; an article not yet
// stored is dated by now when it has no date.
func (e *Enricher) Prepare(ctx context.Context, a model.Article, id int64, now time.Time) (store.Enrichment, error) {
	en, key, err := e.Facts(a, now)
	if err != nil {
		return en, err
	}
	en.Story, err = e.Story(ctx, key, id)
	return en, err
}

// Facts finds an article's facts and signature, and the key its story is
// found by. It reads nothing: the pipeline runs it outside its locks.
// Rules that panic on some text make an error, not a crash: the article is
// stored without facts.
func (e *Enricher) Facts(a model.Article, now time.Time) (en store.Enrichment, key enrich.StoryKey, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("enrichment rules failed on %q: %v", a.Title, r)
		}
	}()
	date := a.Published
	if date.IsZero() {
		date = a.Fetched
	}
	if date.IsZero() {
		date = now
	}
	en.Facts = e.rules.Enrich(enrich.Input{Title: a.Title, Blocks: a.Blocks, Published: date})
	en.Signature = enrich.Signature(a.Blocks)
	key = enrich.StoryKey{Title: a.Title, Date: date, Signature: en.Signature}
	for _, o := range en.Facts.Operations {
		key.Operations = append(key.Operations, o.Name)
	}
	return en, key, nil
}

// Story is the story of the article of key: the story of the first
// article before it that covers the same event, else its own (0). Before
// means an earlier day, or the same day and a lower ID: the order sitrep
// enrich walks, so that running it again decides alike; an article not yet
// stored (id 0) comes after every stored one of its day.
func (e *Enricher) Story(ctx context.Context, key enrich.StoryKey, id int64) (int64, error) {
	date := key.Date
	cands, err := e.store.StoryCandidates(ctx, store.StoryQuery{From: date.Add(-enrich.StoryWindow), To: date.Add(24 * time.Hour),
		Operations: key.Operations, OpsFrom: date.Add(-enrich.OperationWindow), Limit: storyCandidates})
	if err != nil {
		return 0, fmt.Errorf("story of %q: %w", key.Title, err)
	}
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	same := enrich.NewStoryMatcher(key)
	for _, c := range cands {
		before := day(c.Date) < day(date) || day(c.Date) == day(date) && (id == 0 || c.ID < id)
		if c.ID == id || !before {
			continue
		}
		if same.Match(enrich.StoryKey{Title: c.Title, Date: c.Date, Operations: c.Operations, Signature: c.Signature}) {
			return c.Story, nil // candidates come oldest first
		}
	}
	return 0, nil
}

// Article enriches one stored article.
func (e *Enricher) Article(ctx context.Context, a model.Article) error {
	en, err := e.Prepare(ctx, a, a.ID, a.Fetched)
	if err == nil {
		err = e.store.SetFacts(ctx, a.ID, en)
	}
	if err != nil {
		return fmt.Errorf("enrich article %d: %w", a.ID, err)
	}
	return nil
}

// EnrichReport is what one run of Stored did.
type EnrichReport struct {
	Articles int
	Failed   int
	Took     time.Duration
}

// Stored enriches the stored articles that need it: those never enriched
// or enriched by other rules, or all of them. Oldest first (by day, then
// ID), so that each article's story sees the articles before it; running
// it twice changes nothing the second time. An article that fails is
// reported and skipped; failing to list the articles stops the run.
func (e *Enricher) Stored(ctx context.Context, all bool, progress func(done int, a model.Article, err error)) (EnrichReport, error) {
	start := time.Now()
	var rep EnrichReport
	cursor := ""
	for {
		page, next, err := e.store.ArticlesToEnrich(ctx, e.rules.Version(), all, cursor, 200)
		if err != nil {
			return rep, err
		}
		for _, a := range page {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			err := e.Article(ctx, a)
			rep.Articles++
			if err != nil {
				rep.Failed++
			}
			if progress != nil {
				progress(rep.Articles, a, err)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	rep.Took = time.Since(start)
	return rep, nil
}
