package enrich

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

// corpus is every annotated press release (testweb, dev and held-out
// sets): real text of the kind sitrep enriches.
func corpus(tb testing.TB) []Input {
	tb.Helper()
	var out []Input
	var files []string
	for _, pattern := range []string{"testdata/dev*/[0-9][0-9][0-9].json", "testdata/heldout/[0-9][0-9][0-9].json"} {
		fs, _ := filepath.Glob(pattern)
		files = append(files, fs...)
	}
	for _, f := range files {
		var d struct{ Title, Body string }
		readJSONTB(tb, f, &d)
		out = append(out, Input{Title: d.Title, Blocks: model.ParseText(d.Body), Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	}
	return out
}

// BenchmarkEnrich enriches 10,000 articles (the press releases of
// testdata, cycled) on one goroutine and reports articles/s and the text
// rate.
func BenchmarkEnrich(b *testing.B) {
	rules, err := Load(Files{})
	if err != nil {
		b.Fatal(err)
	}
	arts := corpus(b)
	if len(arts) == 0 {
		b.Fatal("no releases in testdata")
	}
	const n = 10_000
	bytes := 0
	for i := range n {
		for _, bl := range arts[i%len(arts)].Blocks {
			bytes += len(bl.Text)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for i := range n {
			rules.Enrich(arts[i%len(arts)])
		}
	}
	perRun := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(n/perRun, "articles/s")
	b.ReportMetric(float64(bytes)/perRun/1e6, "MB/s")
	b.ReportMetric(perRun/n*1e3, "ms/article")
}

// BenchmarkLoad compiles the built-in rules: once per process.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(Files{}); err != nil {
			b.Fatal(err)
		}
	}
}
