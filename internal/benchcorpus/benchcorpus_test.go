package benchcorpus

import (
	"math"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/testweb"
)

const testSeed = 42

// shared finds ../shared (the training texts); without it the tests skip,
// or fail under SITREP_TEST_STRICT=1.
func shared(t testing.TB) string {
	t.Helper()
	dir, err := SharedDir()
	if err != nil {
		testweb.Missing(t, "%v", err)
	}
	return dir
}

var (
	corpusOnce sync.Once
	corpusVal  *Corpus
	corpusErr  error
)

// corpus is the test corpus, built once for all tests.
func corpus(t testing.TB) *Corpus {
	t.Helper()
	dir := shared(t)
	corpusOnce.Do(func() { corpusVal, corpusErr = New(testSeed, dir) })
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusVal
}

// sampleN articles are made once and summarised for the statistical tests:
// 20,000 is enough for percentiles and for every plant of one in 10,000 or
// more often to be counted, and takes about a second on two cores.
const sampleN = 20000

type articleInfo struct {
	words, titleWords int
	summaryOnly       bool
	diacritics        bool
	url, source       string
	feeds             []string
	published         time.Time
	fetched, updated  time.Time
	blocks            int
	plants            uint64 // bit k: the title and body hold plant k's tokens in a row
	titlePlants       uint64 // bit k: the title does
}

type sampleData struct {
	info   []articleInfo
	counts map[string]int // token frequencies over the sample
	grow   []int          // distinct tokens after 1,000, 2,000, 5,000, 10,000, 20,000 articles
}

var growAt = []int{1000, 2000, 5000, 10000, 20000}

var (
	sampleOnce sync.Once
	sampleVal  *sampleData
)

// phraseToks are the plants' phrases as index tokens.
func phraseToks(c *Corpus) [][]string {
	var out [][]string
	for _, p := range c.Planted() {
		out = append(out, tokenList(p.Phrase))
	}
	return out
}

// contains reports whether toks hold phrase as consecutive tokens.
func contains(toks, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(toks); i++ {
		if slices.Equal(toks[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

// indexTokens is what an index would see of an article: the title's
// tokens, then the body's, as one stream (so that a phrase across the two
// counts too, the stricter reading).
func indexTokens(a model.Article) (title, all []string) {
	title = tokenList(a.Title)
	all = append(slices.Clip(title), tokenList(a.Body())...)
	return title, all
}

func hasDiacritics(s string) bool {
	for _, r := range s {
		if r >= 0x80 && unicode.IsLetter(r) && foldRune(r) != unicode.ToLower(r) {
			return true
		}
	}
	return false
}

func sample(t testing.TB) *sampleData {
	c := corpus(t)
	sampleOnce.Do(func() {
		phrases := phraseToks(c)
		s := &sampleData{info: make([]articleInfo, sampleN), counts: map[string]int{}}
		// Workers take chunks in order so that the vocabulary's growth can
		// be read off at growAt: chunk k's new tokens are merged in order.
		const chunk = 1000
		chunks := make([]map[string]int, sampleN/chunk)
		var wg sync.WaitGroup
		next := make(chan int)
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for k := range next {
					m := map[string]int{}
					for i := k * chunk; i < (k+1)*chunk; i++ {
						a := c.Article(i)
						body := a.Body()
						title := tokenList(a.Title)
						all := append(slices.Clip(title), tokenList(body)...)
						for _, tok := range all {
							m[tok]++
						}
						inf := articleInfo{
							words: len(strings.Fields(body)), titleWords: len(strings.Fields(a.Title)),
							summaryOnly: a.SummaryOnly, diacritics: hasDiacritics(a.Title) || hasDiacritics(body),
							url: a.URL, source: a.Source, feeds: a.Feeds, blocks: len(a.Blocks),
							published: a.Published, fetched: a.Fetched, updated: a.Updated,
						}
						for p, ph := range phrases {
							if contains(all, ph) {
								inf.plants |= 1 << p
							}
							if contains(title, ph) {
								inf.titlePlants |= 1 << p
							}
						}
						s.info[i] = inf
					}
					chunks[k] = m
				}
			})
		}
		for k := range chunks {
			next <- k
		}
		close(next)
		wg.Wait()
		for k, m := range chunks {
			for tok, n := range m {
				s.counts[tok] += n
			}
			if slices.Contains(growAt, (k+1)*chunk) {
				s.grow = append(s.grow, len(s.counts))
			}
		}
		sampleVal = s
	})
	return sampleVal
}

func TestNewNeedsTrainingText(t *testing.T) {
	if _, err := New(1, ""); err == nil {
		t.Error("New with no directory: no error")
	}
	dir := t.TempDir()
	_, err := New(1, dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("New(%s) = %v, want an error naming the missing file", dir, err)
	}
}

func TestDeterministic(t *testing.T) {
	c := corpus(t)
	// A second Corpus from the same seed, made independently, must agree:
	// nothing may depend on map order or on which generator served a call.
	c2, err := New(testSeed, shared(t))
	if err != nil {
		t.Fatal(err)
	}
	idx := []int{0, 1, 2, 17, 999, 12345, 99999, 1_000_000, 123_456_789}
	for _, i := range idx {
		a, b := c.Article(i), c2.Article(i)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("article %d differs between two corpora of one seed:\n%+v\n%+v", i, a, b)
		}
		if again := c.Article(i); !reflect.DeepEqual(a, again) {
			t.Fatalf("article %d differs between two calls", i)
		}
	}
	other, err := New(testSeed+1, shared(t))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := c.Article(5), other.Article(5); a.Body() == b.Body() {
		t.Error("two seeds give the same article 5")
	}
}

func TestConcurrent(t *testing.T) {
	c := corpus(t)
	const n = 400
	want := make([]model.Article, n)
	for i := range want {
		want[i] = c.Article(i)
	}
	var wg sync.WaitGroup
	errs := make(chan int, n)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				if !reflect.DeepEqual(c.Article(i), want[i]) {
					errs <- i
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for i := range errs {
		t.Errorf("article %d made concurrently differs", i)
	}
}

func TestURLs(t *testing.T) {
	c := corpus(t)
	s := sample(t)
	seen := map[string]int{}
	hosts := map[string]string{}
	for _, sp := range c.sources {
		hosts[sp.name] = sp.host
	}
	for i, inf := range s.info {
		if j, dup := seen[inf.url]; dup {
			t.Fatalf("articles %d and %d share the URL %s", j, i, inf.url)
		}
		seen[inf.url] = i
		if !strings.HasPrefix(inf.url, "https://www.") || !strings.HasSuffix(inf.url, "-"+strconv.Itoa(i)) ||
			!strings.Contains(inf.url, "/news/") {
			t.Fatalf("article %d: URL %s", i, inf.url)
		}
	}
}

func TestLengths(t *testing.T) {
	s := sample(t)
	var full, teasers, titles []int
	for _, inf := range s.info {
		if inf.summaryOnly {
			teasers = append(teasers, inf.words)
		} else {
			full = append(full, inf.words)
		}
		titles = append(titles, inf.titleWords)
	}
	slices.Sort(full)
	slices.Sort(teasers)
	slices.Sort(titles)
	q := func(xs []int, p float64) int { return xs[int(p*float64(len(xs)-1))] }
	short := 0
	for _, n := range full {
		if n < 100 {
			short++
		}
	}
	t.Logf("body words: median %d, p05 %d, p95 %d, p99 %d, max %d; under 100: %d of %d; teasers %d–%d words",
		q(full, .5), q(full, .05), q(full, .95), q(full, .99), full[len(full)-1], short, len(full), teasers[0], teasers[len(teasers)-1])
	// Press releases of these sources: a median around 450 words, a long
	// tail (5% over about 1,000), a few very long ones, hardly any under 100.
	if m := q(full, .5); m < 400 || m > 500 {
		t.Errorf("median body %d words, want 400–500", m)
	}
	if p := q(full, .95); p < 800 || p > 1300 {
		t.Errorf("95th percentile %d words, want 800–1,300", p)
	}
	if mx := full[len(full)-1]; mx < 1500 || mx > 2600 {
		t.Errorf("longest body %d words, want 1,500–2,600", mx)
	}
	if short*100 > len(full) {
		t.Errorf("%d of %d full bodies under 100 words, want under 1%%", short, len(full))
	}
	// Teasers: 30 to 60 words, a little more where a planted sentence needs
	// the room.
	if teasers[0] < 30 || q(teasers, .95) > 65 || teasers[len(teasers)-1] > 120 {
		t.Errorf("teasers %d–%d words (p95 %d), want 30–60", teasers[0], teasers[len(teasers)-1], q(teasers, .95))
	}
	if share := float64(len(teasers)) / sampleN; share < 0.02 || share > 0.04 {
		t.Errorf("%.1f%% summary-only, want about 3%%", 100*share)
	}
	if titles[0] < titleMin || titles[len(titles)-1] > titleMax {
		t.Errorf("titles %d–%d words, want %d–%d", titles[0], titles[len(titles)-1], titleMin, titleMax)
	}
}

func TestPlanted(t *testing.T) {
	c := corpus(t)
	s := sample(t)
	plants := c.Planted()
	if len(plants) > 64 {
		t.Fatal("more plants than the sample's bit sets hold")
	}
	for k, p := range plants {
		got, gotTitle := 0, 0
		for i, inf := range s.info {
			has := inf.plants&(1<<k) != 0
			if has != p.Has(i) {
				t.Errorf("%q in article %d: %v, Planted says %v", p.Phrase, i, has, p.Has(i))
			}
			if has {
				got++
			}
			if inf.titlePlants&(1<<k) != 0 {
				gotTitle++
				if !p.Title || !p.Has(i) {
					t.Errorf("%q in the title of article %d", p.Phrase, i)
				}
			}
		}
		if want := p.Count(sampleN); got != want {
			t.Errorf("%q in %d of the first %d articles, Planted says %d", p.Phrase, got, sampleN, want)
		}
		if p.Title && gotTitle != p.Count(sampleN) {
			t.Errorf("%q in %d titles, want %d", p.Phrase, gotTitle, p.Count(sampleN))
		}
		t.Logf("%-22q every %6d: %d of %d", p.Phrase, p.Every, got, sampleN)
		// Plants rarer than the sample: check their first carriers, and
		// that the phrase stays out of their neighbours.
		if p.Every > sampleN/10 {
			toks := tokenList(p.Phrase)
			for j := range 3 {
				i := p.Offset + j*p.Every
				for _, n := range []int{i - 1, i, i + 1} {
					if n < 0 {
						continue
					}
					_, all := indexTokens(c.Article(n))
					if contains(all, toks) != p.Has(n) {
						t.Errorf("%q in article %d: %v, Planted says %v", p.Phrase, n, !p.Has(n), p.Has(n))
					}
				}
			}
		}
	}
	// The rates of the Plant helpers themselves.
	p := Plant{Every: 10, Offset: 3}
	if p.Count(3) != 0 || p.Count(4) != 1 || p.Count(13) != 1 || p.Count(14) != 2 || !p.Has(23) || p.Has(24) {
		t.Error("Plant.Count or Plant.Has is off")
	}
}

// TestNaturalWords checks that the words of a natural planted phrase
// still occur on their own: the chain is kept only from writing the pair.
func TestNaturalWords(t *testing.T) {
	s := sample(t)
	for _, w := range []string{"money", "awareness"} {
		if s.counts[w] == 0 {
			t.Errorf("%q never written outside its planted phrase", w)
		}
	}
}

func TestVocabulary(t *testing.T) {
	s := sample(t)
	numeric := 0
	for tok := range s.counts {
		if strings.Trim(tok, "0123456789") == "" {
			numeric++
		}
	}
	t.Logf("distinct tokens after %v articles: %v (%d of them numbers)", growAt, s.grow, numeric)
	// Heaps' law, V = K·N^β: English news has β about 0.5 (RCV1: K≈44,
	// β≈0.49, some 115,000 distinct tokens in its first 9.5 million). A
	// corpus of press releases of a few bodies repeats itself more, but its
	// names, places and figures keep coming. Without the long tail the
	// vocabulary would stop near the model's 8,000 words and the head
	// lists' 1,500; the floor of 35,000 at 20,000 articles (9.5 million
	// tokens) is well above that, and the growth from 2,000 to 20,000
	// articles must be at least 10^0.4 (β ≥ 0.4): still growing, as
	// Heaps' law says, rather than saturated.
	final := s.grow[len(s.grow)-1]
	if final < 35000 {
		t.Errorf("%d distinct tokens in %d articles, want at least 35,000", final, sampleN)
	}
	if ratio := float64(final) / float64(s.grow[1]); ratio < math.Pow(10, 0.4) {
		t.Errorf("vocabulary grew %.2f× from 2,000 to 20,000 articles, want at least %.2f×", ratio, math.Pow(10, 0.4))
	}
}

func TestZipf(t *testing.T) {
	s := sample(t)
	freqs := make([]int, 0, len(s.counts))
	for _, n := range s.counts {
		freqs = append(freqs, n)
	}
	slices.Sort(freqs)
	slices.Reverse(freqs)
	// Least squares of log frequency on log rank at ranks spread evenly on
	// the log scale from 10 to 10,000: Zipf's law has a slope near -1.
	var xs, ys []float64
	for r := 10.0; r <= 10000; r *= 1.2 {
		xs = append(xs, math.Log(r))
		ys = append(ys, math.Log(float64(freqs[int(r)-1])))
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	slope := sxy / sxx
	t.Logf("rank-frequency slope %.2f over ranks 10–10,000; top tokens %d %d %d", slope, freqs[0], freqs[1], freqs[2])
	if slope > -0.8 || slope < -1.4 {
		t.Errorf("rank-frequency slope %.2f, want between -1.4 and -0.8", slope)
	}
}

func TestDiacritics(t *testing.T) {
	s := sample(t)
	n := 0
	for _, inf := range s.info {
		if inf.diacritics {
			n++
		}
	}
	t.Logf("%d of %d articles have letters with diacritics", n, sampleN)
	// Names and places carry them (Gürak, São Paulo, Müller); most long
	// articles name someone or somewhere that has one.
	if n < sampleN/5 {
		t.Errorf("%d of %d articles with diacritics, want at least a fifth", n, sampleN)
	}
	// Yet "sometimes": per word, diacritics are rare, as in English text
	// that names people and places of many countries.
	c := corpus(t)
	words, marked := 0, 0
	for i := range 500 {
		for _, w := range strings.Fields(c.Article(i).Body()) {
			words++
			if hasDiacritics(w) {
				marked++
			}
		}
	}
	share := float64(marked) / float64(words)
	t.Logf("%.2f%% of words have diacritics", 100*share)
	if share < 0.002 || share > 0.03 {
		t.Errorf("%.2f%% of words with diacritics, want 0.2–3%%", 100*share)
	}
}

func TestDates(t *testing.T) {
	s := sample(t)
	from := time.Unix(firstDate, 0).UTC()
	to := time.Unix(lastDate, 0).UTC()
	undated := 0
	perYear := map[int]int{}
	for i, inf := range s.info {
		if inf.updated != inf.fetched {
			t.Fatalf("article %d: Updated %v ≠ Fetched %v", i, inf.updated, inf.fetched)
		}
		if inf.published.IsZero() {
			undated++
			if inf.fetched.Before(from) || inf.fetched.After(to.Add(31*24*time.Hour)) {
				t.Fatalf("undated article %d fetched %v", i, inf.fetched)
			}
			continue
		}
		if inf.published.Before(from) || !inf.published.Before(to) {
			t.Fatalf("article %d published %v, outside %v–%v", i, inf.published, from, to)
		}
		if d := inf.fetched.Sub(inf.published); d < 0 || d > 31*24*time.Hour {
			t.Fatalf("article %d fetched %v after publication", i, d)
		}
		perYear[inf.published.Year()]++
	}
	t.Logf("undated %d; per year %v", undated, perYear)
	if share := float64(undated) / sampleN; share < 0.01 || share > 0.03 {
		t.Errorf("%.1f%% undated, want about 2%%", 100*share)
	}
	// More recent years are denser: e^(0.16·10) ≈ 5 times from 2015 to 2025.
	if perYear[2025] < 3*perYear[2015] || perYear[2020] <= perYear[2016] {
		t.Errorf("articles per year %v: recent years not denser", perYear)
	}
}

func TestSources(t *testing.T) {
	c := corpus(t)
	s := sample(t)
	names := c.Sources()
	pos := map[string]int{}
	for i, n := range names {
		pos[n] = i
	}
	if len(pos) != len(sourceSpecs) {
		t.Fatalf("Sources() = %v", names)
	}
	two := 0
	perSource := map[string]int{}
	for i, inf := range s.info {
		if inf.blocks == 0 {
			t.Fatalf("article %d has no blocks", i)
		}
		if len(inf.feeds) == 0 || inf.feeds[0] != inf.source {
			t.Fatalf("article %d: source %q, feeds %q", i, inf.source, inf.feeds)
		}
		for k, f := range inf.feeds {
			p, ok := pos[f]
			if !ok || k > 0 && p <= pos[inf.feeds[k-1]] {
				t.Fatalf("article %d: feeds %q not distinct sources in order", i, inf.feeds)
			}
		}
		if len(inf.feeds) > 1 {
			two++
		}
		perSource[inf.source]++
	}
	t.Logf("per source %v; %d listed by two", perSource, two)
	if share := float64(two) / sampleN; share < 0.015 || share > 0.045 {
		t.Errorf("%.1f%% listed by two sources, want about 3%%", 100*share)
	}
	for _, n := range names {
		if perSource[n] == 0 {
			t.Errorf("no article under %s", n)
		}
	}
}

func TestBlocks(t *testing.T) {
	c := corpus(t)
	kinds := map[model.BlockKind]int{}
	for i := range 500 {
		a := c.Article(i)
		for _, b := range a.Blocks {
			kinds[b.Kind]++
			if b.Text == "" || b.Text != strings.TrimSpace(b.Text) || strings.Contains(b.Text, "  ") || strings.Contains(b.Text, "\n") {
				t.Fatalf("article %d: block %q", i, b.Text)
			}
		}
		if strings.ContainsAny(a.Title, "\n{}") || a.Title != strings.TrimSpace(a.Title) {
			t.Fatalf("article %d: title %q", i, a.Title)
		}
		if strings.ContainsAny(a.Body(), "{}") {
			t.Fatalf("article %d: a template slot left in the body", i)
		}
	}
	t.Logf("blocks in 500 articles: %v", kinds)
	for _, k := range []model.BlockKind{model.Paragraph, model.Heading, model.ListItem} {
		if kinds[k] == 0 {
			t.Errorf("no %q blocks in 500 articles", k)
		}
	}
}

func TestCorpusSize(t *testing.T) {
	dir := shared(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := New(1, dir)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	size := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("Corpus: %.1f MB of heap; %+v", float64(size)/1e6, c.Stats())
	if size > 32<<20 {
		t.Errorf("Corpus holds %d MB, want a few", size>>20)
	}
	runtime.KeepAlive(c)
}

func TestArticleAllocs(t *testing.T) {
	c := corpus(t)
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		c.Article(i)
		i++
	})
	// The text (one string), the blocks and the feeds.
	if allocs > 3 {
		t.Errorf("%.1f allocations per article, want 3", allocs)
	}
}

// cpuTime is the process's user+system CPU time so far: steadier than wall
// time on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkArticle makes articles on one goroutine; articles/s and
// cpu-ns/op (CPU time, garbage collection included) say what a benchmark
// that feeds a store pays for its data.
func BenchmarkArticle(b *testing.B) {
	c := corpus(b)
	b.ReportAllocs()
	var bytes int64
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		a := c.Article(i)
		bytes += int64(len(a.Title) + len(a.URL))
		for _, bl := range a.Blocks {
			bytes += int64(len(bl.Text))
		}
		i++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(i), "cpu-ns/op")
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "articles/s")
	b.SetBytes(bytes / int64(i))
}
