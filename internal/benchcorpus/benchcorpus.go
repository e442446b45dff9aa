// Package benchcorpus generates a corpus of news articles of the kind
// sitrep stores (press releases of NATO, Europol, INTERPOL, Eurojust and the
// US Department of Defense) for benchmarks of storage and full-text search
// at scale: a million articles or more, made on demand from a seed, with no
// network and no data beyond the small training set in the shared directory.
//
// Use:
//
//	dir, err := benchcorpus.SharedDir() // ../shared beside the repository
//	c, err := benchcorpus.New(1, dir)
//	for i := range n {
//		save(c.Article(i)) // any order, any number of goroutines
//	}
//	for _, p := range c.Planted() {
//		// an FTS phrase query for p.Phrase matches p.Count(n) articles
//	}
//
// The text has the statistics that decide how an index behaves, not only
// its size:
//
//   - Sentences come from an order-2 word Markov model trained at New on the
//     real article texts in the shared directory (the testweb press
//     releases, and the extraction benchmark's English news pages at a
//     sixth of their weight), so common words, word pairs and sentence
//     lengths are those of English news. The training text is read, never
//     copied into the repository.
//   - Templates in the style of the sources (templates.go) add what a small
//     training set lacks and a large corpus has: a long tail of names,
//     places, acronyms, operation names, figures, dates and case
//     references, drawn from Zipf distributions whose tails are generated
//     (names.go), so the vocabulary keeps growing with the corpus (Heaps'
//     law) and includes diacritics (Gürak, São Paulo, Müller) to exercise
//     diacritic folding. Measured: about 60,000 distinct index tokens in
//     20,000 articles, 167,000 in 100,000 and 690,000 in a million (510
//     million tokens); rank-frequency slope about -1.1 (Zipf).
//   - Bodies have a log-normal length (median about 450 words, 5% over
//     1,000, longest about 2,450) in paragraphs, with some headings and
//     bullet lists; 3% are teasers only (SummaryOnly, one paragraph of 30
//     to 60 words), 2% are undated, 3% are listed by two sources, and
//     publication dates run from 2015 to mid-2026, denser in later years.
//   - Phrases are planted at known rates (Planted) and kept out of every
//     other article, so a benchmark knows exactly how many articles each
//     query matches.
//
// Article(i) depends only on the seed, i, the training texts and this
// package's code: the same corpus on every run and machine. Making one
// costs some 35 µs of one core (about 30,000 articles a second) and three
// allocations, the article itself.
package benchcorpus

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"

	"github.com/sitrep/sitrep/internal/model"
)

// Plant is a phrase planted at a known rate: article i contains Phrase (in
// its body, and in its title when Title is set) exactly when Has(i), and no
// other article contains it. "Contains" is as a full-text index sees it: the
// phrase's tokens (runs of letters and digits, case and diacritics folded,
// see Tokens) appear consecutively in the title or the body, or across the
// two; so an FTS5 phrase query for it matches exactly Count(n) of the first
// n articles, and a title-only query just as many when Title is set.
type Plant struct {
	Phrase string
	Every  int // one article in Every carries the phrase ...
	Offset int // ... namely those with i%Every == Offset
	Title  bool
}

// Has reports whether article i carries the phrase.
func (p Plant) Has(i int) bool { return i%p.Every == p.Offset }

// Count is the number of articles among 0..n-1 that carry the phrase.
func (p Plant) Count(n int) int {
	if n <= p.Offset {
		return 0
	}
	return (n-p.Offset-1)/p.Every + 1
}

// plantSpec is a planted phrase and the sentences that carry it ({PHRASE}).
// A phrase is either natural (two ordinary words, such as "money
// laundering": the Markov chain is kept from writing the pair, but writes
// each word freely) or has reserved tokens, written nowhere else.
type plantSpec struct {
	phrase   string
	every    int
	title    bool
	reserved []string
	bodies   []string
	titles   []string
}

// The rates span what benchmark queries need: a phrase in a third of the
// articles, in a tenth, one in a hundred, a thousand (with title matches), a
// few thousand, ten thousand, and a name in one of a hundred thousand.
var plantSpecs = []plantSpec{
	{phrase: "situational awareness", every: 3, bodies: []string{
		"The new system will improve {PHRASE} across {ORG}.",
		"Allies shared intelligence to build a common {PHRASE} picture of the region around {PLACE}.",
		"Better {PHRASE} helped investigators in {PLACE} to act quickly.",
		"The centre in {PLACE} provides {PHRASE} to national authorities around the clock.",
	}},
	{phrase: "money laundering", every: 10, bodies: []string{
		"The suspects are also under investigation for {PHRASE}.",
		"Investigators uncovered a {PHRASE} scheme worth {AMOUNT}.",
		"{NUM} suspects face charges of {PHRASE} and {CRIME}.",
		"The proceeds were moved through a {PHRASE} network in {COUNTRY} and {COUNTRY}.",
	}},
	{phrase: "cryptojacking", every: 100, reserved: []string{"cryptojacking"}, bodies: []string{
		"The group also ran {PHRASE} campaigns that hijacked {NUM} servers in {COUNTRY}.",
		"{PHRASE} malware was found on {NUM} computers seized in {PLACE}.",
	}},
	{phrase: "Operation Kestrel", every: 1000, title: true, reserved: []string{"kestrel"}, bodies: []string{
		"The arrests were made under {PHRASE}, coordinated by {SRC}.",
		"{PHRASE} was launched in {MONTH} {YEAR} at the request of {AGENCY}.",
	}, titles: []string{
		"{PHRASE}: {NUM} arrests in {COUNTRY} and {COUNTRY}",
		"{PHRASE} targets {CRIME} networks in {SMALLNUM} countries",
		"{SMALLNUM} suspects detained in {PLACE} under {PHRASE}",
	}},
	{phrase: "Black Axe", every: 2000, reserved: []string{"axe"}, bodies: []string{
		"Investigators believe the suspects belong to {PHRASE}, a West African organised crime group.",
		"{PHRASE} cells in {COUNTRY} and {COUNTRY} were targeted in the operation.",
	}},
	{phrase: "Operation Jackal", every: 10000, reserved: []string{"jackal"}, bodies: []string{
		"The action was part of {PHRASE}, which targets West African organised crime groups.",
		"Since its launch, {PHRASE} has led to {NUM} arrests worldwide.",
	}},
	{phrase: "Želimir Ostrogović", every: 100000, reserved: []string{"zelimir", "ostrogovic"}, bodies: []string{
		"The investigation was led by {PHRASE}, {ROLE}.",
		"“{MARKOV},” said {PHRASE}, {ROLE}.",
	}},
}

// Source classes choose the templates that fit a source.
const (
	classPolice = iota
	classNATO
	classDefense
	nClasses
)

type sourceSpec struct {
	name, host string
	org        string // what {SRC} writes
	class      int
	weight     uint32 // share of the corpus, of the sum of weights
}

// sourceSpecs are in sources-file order: an article listed by two sources
// is under the first.
var sourceSpecs = []sourceSpec{
	{"NATO", "www.nato.int", "NATO", classNATO, 14},
	{"Europol", "www.europol.europa.eu", "Europol", classPolice, 14},
	{"Interpol (news and events)", "www.interpol.int", "INTERPOL", classPolice, 13},
	{"Interpol (crimes against children)", "www.interpol.int", "INTERPOL", classPolice, 3},
	{"Eurojust", "www.eurojust.europa.eu", "Eurojust", classPolice, 12},
	{"US Department of Defense", "www.defense.gov", "the Department of Defense", classDefense, 34},
	{"US Defense Joint Chiefs of Staff", "www.jcs.mil", "the Joint Staff", classDefense, 10},
}

func classOf(sourceName string) int {
	for _, s := range sourceSpecs {
		if s.name == sourceName {
			return s.class
		}
	}
	return -1
}

type source struct {
	sourceSpec
	boiler    []seq
	datelines []seq
}

type plant struct {
	Plant
	bodies, titles []seq
}

// Corpus is a generated corpus. It is immutable after New; Article may be
// called from any number of goroutines.
type Corpus struct {
	seed uint64
	v    *vocab
	m    markov

	reserved   map[string]bool    // tokens of plants written only where planted
	bannedPair map[[2]string]bool // natural planted phrases as token pairs
	secondTok  map[string]bool    // their second tokens
	forbidden  map[string]bool    // reserved and natural tokens: never in the long tail
	countrySet map[string]bool    // single-word countries, for training
	natSet     map[string]bool    // nationalities, for training
	sentences  [nClasses][]seq    // body templates that fit each class
	titles     [nClasses][]seq    // title templates that fit each class
	agencies   []seq
	roles      []seq
	items      []seq
	headings   []seq
	sources    []source
	srcCum     []uint32
	plants     []plant
	stats      Stats

	// free holds idle generators. Not a sync.Pool: that one is emptied at
	// every garbage collection, and a fresh generator's buffers would be
	// allocated again, which is what a benchmark loop must not pay for.
	mu   sync.Mutex
	free []*gen
}

// Stats describes what New trained on and the model it built.
type Stats struct {
	PressReleases int // testweb articles read
	NewsPages     int // benchmark pages used (the English ones)
	Sentences     int // training sentences
	Vocabulary    int // distinct words and slots of the model
	States        int // Markov states (word pairs)
	Edges         int // Markov transitions, order 2 and order 1
}

// New trains the corpus's model on the texts under sharedDir (the shared
// directory beside the repository, holding testweb/ and benchmarks/; see
// SharedDir) and fixes the planted phrases' offsets from seed. It fails if
// the training texts are missing. New takes about a tenth of a second; the
// Corpus holds about 2 MB.
func New(seed uint64, sharedDir string) (*Corpus, error) {
	tt, err := readTraining(sharedDir)
	if err != nil {
		return nil, err
	}
	c := &Corpus{
		seed:       seed,
		reserved:   map[string]bool{},
		bannedPair: map[[2]string]bool{},
		secondTok:  map[string]bool{},
		forbidden:  map[string]bool{},
		countrySet: map[string]bool{},
		natSet:     map[string]bool{},
	}
	natural := map[string]bool{}
	for _, p := range plantSpecs {
		toks := tokenList(p.phrase)
		for _, t := range p.reserved {
			if !slices.Contains(toks, t) {
				return nil, fmt.Errorf("benchcorpus: plant %q: reserved token %q not in the phrase", p.phrase, t)
			}
			c.reserved[t] = true
			c.forbidden[t] = true
		}
		if len(p.reserved) == 0 {
			if len(toks) != 2 {
				return nil, fmt.Errorf("benchcorpus: plant %q: a natural phrase must be two words", p.phrase)
			}
			c.bannedPair[[2]string{toks[0], toks[1]}] = true
			c.secondTok[toks[1]] = true
			for _, t := range toks {
				if natural[t] {
					return nil, fmt.Errorf("benchcorpus: plant %q: token %q is in two natural phrases", p.phrase, t)
				}
				natural[t] = true
				c.forbidden[t] = true
			}
		}
	}
	c.v = newVocab(natural)
	for _, s := range countries {
		if !strings.ContainsRune(s, ' ') {
			c.countrySet[s] = true
		}
	}
	for _, s := range nationalities {
		c.natSet[s] = true
	}

	// Every fixed text must be free of planted tokens, or a planted phrase
	// could appear where it is not planted.
	var orgNames []string
	for _, sp := range sourceSpecs {
		orgNames = append(orgNames, sp.org)
	}
	for _, list := range [][]string{firstNames, surnames, countries, nationalities, cities, orgs, codenames, crimes, months, weekdays, orgNames} {
		for _, s := range list {
			if err := c.checkFixed(s); err != nil {
				return nil, err
			}
		}
	}
	parse := func(list []string) ([]seq, error) {
		var out []seq
		for _, s := range list {
			q, err := c.parseChecked(s)
			if err != nil {
				return nil, err
			}
			out = append(out, q)
		}
		return out, nil
	}
	if c.agencies, err = parse(agencies); err != nil {
		return nil, err
	}
	if c.roles, err = parse(roles); err != nil {
		return nil, err
	}
	if c.items, err = parse(listItems); err != nil {
		return nil, err
	}
	if c.headings, err = parse(headings); err != nil {
		return nil, err
	}
	for _, ts := range []struct {
		list []string
		dst  *[nClasses][]seq
	}{{sentenceTemplates, &c.sentences}, {titleTemplates, &c.titles}} {
		for _, s := range ts.list {
			classes := []int{classPolice, classNATO, classDefense}
			if len(s) > 2 && s[1] == '|' {
				switch s[0] {
				case 'P':
					classes = []int{classPolice}
				case 'N':
					classes = []int{classNATO}
				case 'D':
					classes = []int{classDefense}
				}
				s = s[2:]
			}
			q, err := c.parseChecked(s)
			if err != nil {
				return nil, err
			}
			if ts.dst == &c.titles && len(q) < titleMin {
				return nil, fmt.Errorf("benchcorpus: title template %q has fewer than %d words", s, titleMin)
			}
			for _, cl := range classes {
				ts.dst[cl] = append(ts.dst[cl], q)
			}
		}
	}
	for _, ts := range c.sentences {
		if len(ts) > len(gen{}.used)*64 {
			return nil, fmt.Errorf("benchcorpus: %d sentence templates for a class, more than gen.used tracks", len(ts))
		}
	}
	var cum uint32
	for _, sp := range sourceSpecs {
		src := source{sourceSpec: sp}
		if src.boiler, err = parse(boilerplate[sp.name]); err != nil {
			return nil, err
		}
		if src.datelines, err = parse(datelines[sp.name]); err != nil {
			return nil, err
		}
		c.sources = append(c.sources, src)
		cum += sp.weight
		c.srcCum = append(c.srcCum, cum)
	}
	for _, p := range plantSpecs {
		h := fnv.New64a()
		h.Write([]byte(p.phrase))
		pl := plant{Plant: Plant{Phrase: p.phrase, Every: p.every, Title: p.title,
			Offset: int(splitmix64(seed^h.Sum64()) % uint64(p.every))}}
		if pl.bodies, err = parse(p.bodies); err != nil {
			return nil, err
		}
		if pl.titles, err = parse(p.titles); err != nil {
			return nil, err
		}
		if p.title && len(pl.titles) == 0 {
			return nil, fmt.Errorf("benchcorpus: plant %q: no title template", p.phrase)
		}
		for k, q := range pl.titles {
			if len(q) < titleMin {
				return nil, fmt.Errorf("benchcorpus: plant %q: title template %q has fewer than %d words", p.phrase, p.titles[k], titleMin)
			}
		}
		c.plants = append(c.plants, pl)
	}

	// The training titles become title templates of their source's class,
	// unless they hold a natural planted phrase across two words.
	for _, t := range tt.titles {
		cl := classOf(t.source)
		q := c.trainingSeq(strings.Fields(t.text))
		if cl < 0 || len(q) < titleMin || c.seqHasPair(q) {
			continue
		}
		c.titles[cl] = append(c.titles[cl], q)
	}
	var sents []sentence
	for _, p := range tt.paras {
		ss := splitSentences(p.text)
		// A teaser's last sentence is cut off ("…"): leave it out.
		if n := len(ss); n > 0 {
			if last := ss[n-1]; strings.HasSuffix(last[len(last)-1], "…") {
				ss = ss[:n-1]
			}
		}
		for _, s := range ss {
			q := c.trainingSeq(s)
			// Fragments (captions, bylines) and run-ons (lists the
			// splitter could not split) would spoil the sentence shapes.
			if len(q) < 4 || len(q) > 80 {
				continue
			}
			sents = append(sents, sentence{q, p.weight})
		}
	}
	if len(sents) == 0 {
		return nil, fmt.Errorf("benchcorpus: no training sentences under %s", sharedDir)
	}
	c.buildMarkov(sents)
	if err := c.v.pack(); err != nil {
		return nil, err
	}
	c.v.ids, c.v.toks = nil, nil // only New needs them

	c.stats.PressReleases, c.stats.NewsPages = tt.nTestweb, tt.nEnglish
	c.stats.Sentences, c.stats.Vocabulary = len(sents), len(c.v.keys)
	return c, nil
}

// checkFixed fails if a fixed text of the templates or lists holds a token
// of a planted phrase.
func (c *Corpus) checkFixed(s string) error {
	for _, t := range tokenList(s) {
		if _, bad := c.forbidden[t]; bad {
			return fmt.Errorf("benchcorpus: %q holds %q, a token of a planted phrase", s, t)
		}
	}
	return nil
}

// parseChecked parses a template and checks its fixed words.
func (c *Corpus) parseChecked(s string) (seq, error) {
	q, err := c.v.parseTemplate(s)
	if err != nil {
		return nil, err
	}
	for _, id := range q {
		w := c.v.keys[id]
		if err := c.checkFixed(w.text + " " + w.suf); err != nil {
			return nil, fmt.Errorf("%w (template %q)", err, s)
		}
	}
	return q, nil
}

// seqHasPair reports whether consecutive words of q write a natural
// planted phrase.
func (c *Corpus) seqHasPair(q seq) bool {
	for i := 1; i < len(q); i++ {
		a, b := c.v.toks[q[i-1]], c.v.toks[q[i]]
		if a.last != "" && b.first != "" && c.bannedPair[[2]string{a.last, b.first}] {
			return true
		}
	}
	return false
}

// Stats describes the trained model.
func (c *Corpus) Stats() Stats { return c.stats }

// Sources returns the names of the sources the articles are under, in
// sources-file order.
func (c *Corpus) Sources() []string {
	out := make([]string, len(c.sources))
	for i, s := range c.sources {
		out[i] = s.name
	}
	return out
}

// Planted returns the planted phrases and where they are.
func (c *Corpus) Planted() []Plant {
	out := make([]Plant, len(c.plants))
	for i, p := range c.plants {
		out[i] = p.Plant
	}
	return out
}

// Article returns article i (i >= 0): the same i always gives the same
// article, and different i different URLs. It allocates only the article:
// one string holding all its text, the block slice and the feed slice.
func (c *Corpus) Article(i int) model.Article {
	c.mu.Lock()
	var g *gen
	if n := len(c.free); n > 0 {
		g, c.free = c.free[n-1], c.free[:n-1]
	}
	c.mu.Unlock()
	if g == nil {
		g = newGen(c)
	}
	a := g.article(i)
	c.mu.Lock()
	c.free = append(c.free, g)
	c.mu.Unlock()
	return a
}
