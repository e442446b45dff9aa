package extract

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

var benchOut = flag.String("bench-out", "", "write the benchmark predictions as DIR/<id>.txt")

// benchPage is one page of the article-extraction benchmark.
type benchPage struct {
	id, truth string
	url       *url.URL
	html      []byte
}

func loadBench(t testing.TB) []benchPage {
	t.Helper()
	dir := sharedDir(t, "benchmarks/article-extraction-dev")
	raw, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatalf("ground-truth.json: %v", err)
	}
	var pages []benchPage
	for id, g := range truth {
		f, err := os.Open(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		u, _ := url.Parse(g.URL)
		pages = append(pages, benchPage{id: id, truth: g.ArticleBody, url: u, html: b})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].id < pages[j].id })
	return pages
}

// TestBenchmark runs the 49 benchmark pages and scores them with the
// benchmark's own metric.
func TestBenchmark(t *testing.T) {
	pages := loadBench(t)
	if *benchOut != "" {
		if err := os.MkdirAll(*benchOut, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var scores []pageScore
	start := time.Now()
	size := 0
	for _, p := range pages {
		res, err := Page(p.html, Options{URL: p.url})
		if err != nil {
			t.Logf("%s: %v", p.id, err)
		}
		text := model.RenderText(res.Blocks)
		s := shingleMatch(p.truth, text)
		scores = append(scores, s)
		size += len(p.html)
		if testing.Verbose() {
			pp, rr := s.pr()
			t.Logf("%s P %.3f R %.3f  %s", p.id[:8], pp, rr, p.url.Host)
		}
		if *benchOut != "" {
			if err := os.WriteFile(filepath.Join(*benchOut, p.id+".txt"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	el := time.Since(start)
	f1, prec, rec := aggregateScores(scores)
	t.Logf("%d pages, %.1f MB: F1 %.4f P %.4f R %.4f; %.1f ms/page", len(pages), float64(size)/1e6, f1, prec, rec, float64(el.Milliseconds())/float64(len(pages)))
	if f1 < 0.956 {
		t.Errorf("benchmark F1 %.4f < 0.956", f1)
	}
}

func BenchmarkPage(b *testing.B) {
	pages := loadBench(b)
	size := 0
	for _, p := range pages {
		size += len(p.html)
	}
	b.SetBytes(int64(size / len(pages)))
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := pages[i%len(pages)]
		if _, err := Page(p.html, Options{URL: p.url}); err != nil && !errors.Is(err, ErrNoContent) {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// CPU time (GC included) is steadier than wall time on a shared machine.
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N)*1e5/float64(size/len(pages)), "cpu-ms/100KB")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
