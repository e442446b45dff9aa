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
const storyCandidates = 300

// Prepare finds an article's facts and its story: the story of the
// earliest article before it (in date, then ID) that covers the same
// event, else its own. id is the article's ID when it is stored, else 0;
// an article not yet stored is dated by now when it has no date.
func (e *Enricher) Prepare(ctx context.Context, a model.Article, id int64, now time.Time) (store.Enrichment, error) {
	facts := e.rules.Enrich(enrich.Input{Title: a.Title, Blocks: a.Blocks, Published: a.Published})
	sig := enrich.Signature(a.Blocks)
	date := a.Published
	if date.IsZero() {
		date = a.Fetched
	}
	if date.IsZero() {
		date = now
	}
	key := enrich.StoryKey{Title: a.Title, Date: date, Signature: sig}
	for _, o := range facts.Operations {
		key.Operations = append(key.Operations, o.Name)
	}
	var story int64
	cands, err := e.store.StoryCandidates(ctx, store.StoryQuery{From: date.Add(-enrich.StoryWindow), To: date,
		Operations: key.Operations, OpsFrom: date.Add(-enrich.OperationWindow), Limit: storyCandidates})
	if err != nil {
		return store.Enrichment{}, fmt.Errorf("story of %q: %w", a.Title, err)
	}
	same := enrich.NewStoryMatcher(key)
	for _, c := range cands {
		if c.ID == id || c.Date.After(date) || id != 0 && c.Date.Equal(date) && c.ID > id {
			continue
		}
		if same.Match(enrich.StoryKey{Title: c.Title, Date: c.Date, Operations: c.Operations, Signature: c.Signature}) {
			story = c.Story
			break // candidates come oldest first
		}
	}
	return store.Enrichment{Facts: facts, Story: story, Signature: sig}, nil
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
// or enriched by other rules, or all of them. Oldest first, so that each
// article's story sees the articles before it; running it twice changes
// nothing the second time. An article that fails is reported and skipped;
// a store that fails stops the run.
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
