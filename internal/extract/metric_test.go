package extract

import (
	"github.com/sitrep/sitrep/internal/testweb"

	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// Scoring functions ported from the testweb's score.py and the benchmark's
// score_extraction.py, so the tests measure what those scripts measure.

// pyWords splits s into Python's `\w+` tokens (Unicode letters, numbers,
// underscore).
func pyWords(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool {
		return !(unicode.IsLetter(c) || unicode.IsNumber(c) || c == '_')
	})
}

// tokenF1 is score.py's f1: lower-cased tokens, multiset overlap.
func tokenF1(pred, gold string) (p, r, f float64) {
	pc, gc := counts(pyWords(strings.ToLower(pred))), counts(pyWords(strings.ToLower(gold)))
	common, np, ng := 0, 0, 0
	for k, v := range pc {
		common += min(v, gc[k])
		np += v
	}
	for _, v := range gc {
		ng += v
	}
	if np == 0 || ng == 0 || common == 0 {
		return 0, 0, 0
	}
	p, r = float64(common)/float64(np), float64(common)/float64(ng)
	return p, r, 2 * p * r / (p + r)
}

func counts(toks []string) map[string]int {
	m := make(map[string]int, len(toks))
	for _, t := range toks {
		m[t]++
	}
	return m
}

// shingleCounts is score_extraction.py's shingles: runs of 4 tokens (case
// kept); a shorter text gives one shingle, an empty one none.
func shingleCounts(text string) map[string]int {
	toks := pyWords(text)
	m := map[string]int{}
	if len(toks) == 0 {
		return m
	}
	if len(toks) < 4 {
		m[strings.Join(toks, "\x00")]++
		return m
	}
	for i := 0; i+4 <= len(toks); i++ {
		m[strings.Join(toks[i:i+4], "\x00")]++
	}
	return m
}

// pageScore is one page's shingle match.
type pageScore struct{ tp, fp, fn int }

func shingleMatch(truth, pred string) pageScore {
	t, p := shingleCounts(truth), shingleCounts(pred)
	var s pageScore
	for k, v := range p {
		s.tp += min(v, t[k])
		s.fp += v
	}
	s.fp -= s.tp
	for _, v := range t {
		s.fn += v
	}
	s.fn -= s.tp
	return s
}

func (s pageScore) pr() (float64, float64) {
	if s.fp == 0 && s.fn == 0 {
		return 1, 1
	}
	var p, r float64
	if s.tp+s.fp > 0 {
		p = float64(s.tp) / float64(s.tp+s.fp)
	}
	if s.tp+s.fn > 0 {
		r = float64(s.tp) / float64(s.tp+s.fn)
	}
	return p, r
}

// aggregateScores is the benchmark's corpus figure: precision averaged over
// pages with a non-empty prediction, recall over pages with a non-empty
// truth, F1 from the two means.
func aggregateScores(pages []pageScore) (f1, prec, rec float64) {
	var ps, rs []float64
	for _, s := range pages {
		p, r := s.pr()
		if s.tp+s.fp > 0 {
			ps = append(ps, p)
		}
		if s.tp+s.fn > 0 {
			rs = append(rs, r)
		}
	}
	prec, rec = mean(ps), mean(rs)
	if prec+rec > 0 {
		f1 = 2 * prec * rec / (prec + rec)
	}
	return f1, prec, rec
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func TestMetrics(t *testing.T) {
	if got, want := strings.Join(pyWords("a b,cd:e(foo,bar) Zürich 東京 x_y"), "|"), "a|b|cd|e|foo|bar|Zürich|東京|x_y"; got != want {
		t.Errorf("pyWords = %q, want %q", got, want)
	}
	tests := []struct {
		truth, pred string
		want        pageScore
	}{
		{"a b c d", "a b c d", pageScore{1, 0, 0}},
		{"a b c d e", "a b c d", pageScore{1, 0, 1}},
		{"a b c d", "a b c d a b c d", pageScore{1, 4, 0}},
		{"", "", pageScore{}},
		{"a b", "!", pageScore{0, 0, 1}},
	}
	for _, tt := range tests {
		if got := shingleMatch(tt.truth, tt.pred); got != tt.want {
			t.Errorf("shingleMatch(%q, %q) = %+v, want %+v", tt.truth, tt.pred, got, tt.want)
		}
	}
	f, p, r := aggregateScores([]pageScore{shingleMatch("a b c d e", "a b c d e"), shingleMatch("a b c d e", "")})
	if p != 1 || r != 0.5 || f-2*0.5/1.5 > 1e-12 {
		t.Errorf("aggregate = %v %v %v", f, p, r)
	}
	if _, _, f := tokenF1("The cat sat", "the cat sat on"); f < 0.857 || f > 0.858 {
		t.Errorf("tokenF1 = %v, want 0.857", f)
	}
}

// sharedDir finds `shared/<sub>` beside the repository root by walking up
// from the working directory; tests that need it skip when it is absent.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", sub)
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			testweb.Missing(t, "shared/%s not found above the working directory", sub)
		}
		dir = parent
	}
}
