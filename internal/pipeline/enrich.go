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

// storyCandidates bounds the articles one story decision compares.
const storyCandidates = 2000

// Article enriches one stored article: its facts, then its story, which is
// the story of the earliest article before it (in date, then ID) that
// covers the same event, else its own.
func (e *Enricher) Article(ctx context.Context, a model.Article) error {
	facts := e.rules.Enrich(enrich.Input{Title: a.Title, Blocks: a.Blocks, Published: a.Published})
	sig := enrich.Signature(a.Blocks)
	date := a.Published
	if date.IsZero() {
		date = a.Fetched
	}
	key := enrich.StoryKey{Title: a.Title, Date: date, Signature: sig}
	for _, o := range facts.Operations {
		key.Operations = append(key.Operations, o.Name)
	}
	story := a.ID
	cands, err := e.store.StoryCandidates(ctx, store.StoryQuery{From: date.Add(-enrich.StoryWindow), To: date,
		Operations: key.Operations, OpsFrom: date.Add(-enrich.OperationWindow), Limit: storyCandidates})
	if err != nil {
		return fmt.Errorf("enrich article %d: %w", a.ID, err)
	}
	for _, c := range cands {
		if c.ID == a.ID || c.Date.After(date) || c.Date.Equal(date) && c.ID > a.ID {
			continue
		}
		if enrich.SameStory(key, enrich.StoryKey{Title: c.Title, Date: c.Date, Operations: c.Operations, Signature: c.Signature}) {
			story = c.Story
			break // candidates come oldest first
		}
	}
	if err := e.store.SetFacts(ctx, a.ID, store.Enrichment{Facts: facts, Story: story, Signature: sig}); err != nil {
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
