package benchcorpus

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
)

// The training files, relative to the shared directory. The testweb
// articles are the sources' own press releases; the extraction benchmark's
// pages are general news, which widen the vocabulary and sentence shapes.
const (
	testwebArticles = "testweb/expected/articles.jsonl"
	benchmarkTruth  = "benchmarks/article-extraction-dev/ground-truth.json"
)

// testwebWeight is how many times a testweb sentence counts against one of
// the general news pages: the corpus should read like the security sources,
// of which there is only a quarter as much text, and whose
// topics (sport, markets, recipes) should only be glimpsed.
const testwebWeight = 6

// SharedDir finds the shared directory (the one holding testweb/ and
// benchmarks/): shared/ in the working directory or beside one of its
// parents, where CI clones it next to the repository.
func SharedDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "shared")
		if st, err := os.Stat(filepath.Join(cand, testwebArticles)); err == nil && !st.IsDir() {
			return cand, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("benchcorpus: shared/ (with " + testwebArticles + ") not found above the working directory")
		}
	}
}

// trainingText is the training corpus as paragraphs, with the sources'
// titles apart (they become title templates).
type trainingText struct {
	paras    []trainPara
	titles   []trainTitle
	nTestweb int // press releases
	nPages   int // benchmark pages
	nEnglish int // of which English, and used
}

type trainPara struct {
	text   string
	weight uint32
}

type trainTitle struct {
	text, source string
}

func readTraining(sharedDir string) (*trainingText, error) {
	if sharedDir == "" {
		return nil, errors.New("benchcorpus: no shared directory given (see SharedDir)")
	}
	tt := &trainingText{}
	f, err := os.Open(filepath.Join(sharedDir, testwebArticles))
	if err != nil {
		return nil, fmt.Errorf("benchcorpus: training text missing: %w (pass the shared directory that holds testweb/ and benchmarks/)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var a struct {
			Title       string `json:"title"`
			Source      string `json:"source"`
			Body        string `json:"body"`
			SummaryOnly bool   `json:"summary_only"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("benchcorpus: %s: %w", testwebArticles, err)
		}
		tt.nTestweb++
		tt.titles = append(tt.titles, trainTitle{a.Title, a.Source})
		for _, b := range model.ParseText(a.Body) {
			// List items are fragments ("103 arrests"); lists are made
			// from templates instead.
			if b.Kind == model.Paragraph {
				tt.paras = append(tt.paras, trainPara{b.Text, testwebWeight})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("benchcorpus: %s: %w", testwebArticles, err)
	}

	raw, err := os.ReadFile(filepath.Join(sharedDir, benchmarkTruth))
	if err != nil {
		return nil, fmt.Errorf("benchcorpus: training text missing: %w (pass the shared directory that holds testweb/ and benchmarks/)", err)
	}
	var truth map[string]struct {
		ArticleBody string `json:"articleBody"`
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		return nil, fmt.Errorf("benchcorpus: %s: %w", benchmarkTruth, err)
	}
	// Map order is random: sort so that the model, and so the corpus,
	// depends on the seed alone.
	for _, id := range slices.Sorted(maps.Keys(truth)) {
		body := truth[id].ArticleBody
		tt.nPages++
		if !english(body) {
			continue // a few pages are Russian, Indonesian, Portuguese
		}
		tt.nEnglish++
		for _, p := range strings.Split(body, "\n\n") {
			tt.paras = append(tt.paras, trainPara{p, 1})
		}
	}
	if len(tt.paras) == 0 {
		return nil, errors.New("benchcorpus: the training files hold no text")
	}
	return tt, nil
}

// english tells English pages from the others by their share of common
// function words (about 0.2 in English news, under 0.07 in the others).
func english(s string) bool {
	var n, fn int
	Tokens(s, func(t string) {
		n++
		switch t {
		case "the", "of", "and", "to", "in", "a", "is", "for", "on", "that", "with", "was", "by", "at", "as", "from":
			fn++
		}
	})
	return n > 0 && float64(fn)/float64(n) > 0.10
}

var dropQuotes = strings.NewReplacer("‘", "", "’", "", "'", "")

// cleanWord drops quotation marks and brackets: the Markov chain cannot
// keep them balanced, so generated text has none except where a template
// writes a whole quotation.
func cleanWord(w string) string {
	w = strings.Map(func(r rune) rune {
		switch r {
		case '“', '”', '"', '«', '»', '(', ')', '[', ']', '\u2060', '\u00ad':
			return -1
		case '\u00a0':
			return ' '
		}
		return r
	}, w)
	// Single quotes open or close a quotation at a word's edge (next to
	// its punctuation); inside a word they are apostrophes (NATO’s).
	pre, core, suf := splitCore(w)
	pre = dropQuotes.Replace(pre)
	poss := ""
	for _, p := range []string{"’s", "'s"} {
		if strings.HasPrefix(suf, p) {
			poss, suf = p, suf[len(p):]
		}
	}
	suf = poss + dropQuotes.Replace(suf)
	return strings.TrimSpace(pre + core + suf)
}

var abbreviations = map[string]bool{
	"Mr": true, "Ms": true, "Mrs": true, "Dr": true, "Gen": true, "Lt": true, "Col": true, "Sgt": true, "Adm": true,
	"Capt": true, "Maj": true, "St": true, "Jr": true, "Sr": true, "No": true, "Jan": true, "Feb": true, "Aug": true,
	"Sept": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true, "Prof": true, "Rep": true, "Sen": true,
	"Gov": true, "Inc": true, "Co": true, "Corp": true, "Ltd": true, "vs": true, "Ave": true, "Mt": true,
}

// sentenceEnd reports whether word w ends a sentence when followed by next.
func sentenceEnd(w, next string) bool {
	if w == "" {
		return false
	}
	last := w[len(w)-1]
	if last != '.' && last != '!' && last != '?' {
		return false
	}
	if last == '.' {
		core := w[:len(w)-1]
		if abbreviations[core] || strings.Contains(core, ".") {
			return false
		}
		if r, n := utf8.DecodeRuneInString(core); n == len(core) && unicode.IsUpper(r) {
			return false // a middle initial
		}
	}
	if next == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(next)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// splitSentences splits a paragraph into sentences of cleaned words.
func splitSentences(p string) [][]string {
	var words []string
	for _, f := range strings.Fields(p) {
		if w := cleanWord(f); w != "" {
			words = append(words, strings.Fields(w)...)
		}
	}
	var out [][]string
	start := 0
	for i, w := range words {
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		if sentenceEnd(w, next) || next == "" {
			out = append(out, words[start:i+1])
			start = i + 1
		}
	}
	return out
}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func isMonth(core string) bool {
	return slices.Contains(months, core)
}

// splitCore splits a word into leading punctuation, core and trailing
// punctuation, the English possessive counting as trailing.
func splitCore(w string) (pre, core, suf string) {
	i := strings.IndexFunc(w, isTokenRune)
	if i < 0 {
		return w, "", ""
	}
	j := strings.LastIndexFunc(w, isTokenRune)
	_, n := utf8.DecodeRuneInString(w[j:])
	pre, core, suf = w[:i], w[i:j+n], w[j+n:]
	for _, poss := range []string{"’s", "'s"} {
		if strings.HasSuffix(core, poss) && len(core) > len(poss) {
			core, suf = core[:len(core)-len(poss)], core[len(core)-len(poss):]+suf
		}
	}
	return pre, core, suf
}

func isNumber(core string) bool {
	digits := 0
	for _, r := range core {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ',' || r == '.':
		default:
			return false
		}
	}
	return digits > 0
}
