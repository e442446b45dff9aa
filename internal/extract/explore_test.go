package extract

import (
	"os"
	"testing"

	"github.com/sitrep/sitrep/internal/model"
)

// TestExploreStrategies compares ways of merging the two views (EXPLORE=1).
func TestExploreStrategies(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	pages := loadBench(t)
	strategies := map[string]func(tb, rb []model.Block) []model.Block{
		"traf":    func(tb, rb []model.Block) []model.Block { return tb },
		"read":    func(tb, rb []model.Block) []model.Block { return rb },
		"combine": combine,
	}
	vs := make([]views, len(pages))
	for i, p := range pages {
		v, err := candidates(p.html, Options{URL: p.url})
		if err != nil {
			t.Fatal(err)
		}
		vs[i] = v
	}
	for name, fn := range strategies {
		var scores []pageScore
		for i, p := range pages {
			res, _ := vs[i].result(fn(vs[i].tb, vs[i].rb))
			s := shingleMatch(p.truth, model.RenderText(res.Blocks))
			scores = append(scores, s)
			if os.Getenv("EXPLORE") == name {
				pp, rr := s.pr()
				t.Logf("%s %s P %.3f R %.3f %s", name, p.id[:8], pp, rr, p.url.Host)
			}
		}
		f1, prec, rec := aggregateScores(scores)
		t.Logf("%-10s F1 %.4f P %.4f R %.4f", name, f1, prec, rec)
	}
}
