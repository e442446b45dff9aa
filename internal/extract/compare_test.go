package extract

import (
	"testing"

	"github.com/sitrep/sitrep/internal/model"
)

// TestCompareExtractors logs the benchmark figures of each extractor alone
// and of their combination, from the same parsed pages: the evidence that
// combining them pays.
func TestCompareExtractors(t *testing.T) {
	pages := loadBench(t)
	vs := make([]views, len(pages))
	for i, p := range pages {
		v, err := candidates(p.html, Options{URL: p.url})
		if err != nil {
			t.Fatal(err)
		}
		vs[i] = v
	}
	strategies := []struct {
		name string
		fn   func(tb, rb []model.Block) []model.Block
	}{
		{"trafilatura (on readability's region)", func(tb, rb []model.Block) []model.Block { return tb }},
		{"readability", func(tb, rb []model.Block) []model.Block { return rb }},
		{"combined", combine},
	}
	var f1s []float64
	for _, s := range strategies {
		var scores []pageScore
		for i, p := range pages {
			res, _ := vs[i].result(s.fn(vs[i].tb, vs[i].rb))
			scores = append(scores, shingleMatch(p.truth, model.RenderText(res.Blocks)))
		}
		f1, prec, rec := aggregateScores(scores)
		f1s = append(f1s, f1)
		t.Logf("%-40s F1 %.4f P %.4f R %.4f", s.name, f1, prec, rec)
	}
	if f1s[2] < f1s[0] || f1s[2] < f1s[1] {
		t.Errorf("combination (F1 %.4f) does not beat both extractors alone", f1s[2])
	}
}
