package benchcorpus

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
)

// Tunables of the generated text, chosen for press releases of these
// sources (the tests check the resulting figures).
const (
	// Body length in words is log-normal: median about 450 words with
	// these (the generator overshoots the target by part of a sentence),
	// 5% over about 1,000, a few in 1,000 over 2,000.
	bodyMedian = 430
	bodySigma  = 0.5
	bodyMin    = 80
	bodyMax    = 2400
	// Paragraph length in words, log-normal.
	paraMedian = 48
	paraSigma  = 0.5
	// Share of a body's sentences made by the Markov model; the rest come
	// from templates.
	markovShare = 0.7
	// backoff is how often (of 2^32) the chain picks the next word by the
	// last word alone rather than the last two.
	backoff = 15 * (1 << 32) / 100
	// maxSentence caps a generated sentence, in words.
	maxSentence = 55

	titleMin, titleMax = 6, 14

	summaryOnlyShare = 0.03
	undatedShare     = 0.02
	twoFeedsShare    = 0.03
)

// Publication dates fall between these, denser towards the end: the
// density grows by growthPerYear (e^0.16 ≈ 1.17 a year, so the last year
// has about six times the articles of the first), as archives that grew
// with their sources' output do.
var (
	firstDate = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	lastDate  = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).Unix()
)

const growthPerYear = 0.16

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// bspan is one block of the article being made: its text is buf[start:end].
type bspan struct {
	kind       model.BlockKind
	start, end int
}

// gen makes articles. It holds the random source and scratch buffers, so
// that making an article allocates only the article; a Corpus keeps idle
// gens on a free list, and each serves one goroutine at a time.
type gen struct {
	c   *Corpus
	pcg rand.PCG
	r   *rand.Rand

	zSurname, zFirst, zPlace, zOrg, zCode, zCountry, zNat, zCrime *rand.Zipf

	buf        []byte
	tmp        []byte
	spans      []bspan
	blockStart int
	words      int  // words written since the count was last reset
	glue       bool // the next piece continues the current word (a slot's first piece)
	capNext    bool // the next piece starts a sentence

	source  int
	year    int  // for dates and years in the text
	usStyle bool // dates as "May 15, 2023"
	phrase  string
	used    [4]uint64 // sentence templates used in this article
	pending []int     // plants not yet written in the body
	at      []int     // the word count at which each pending plant is due
}

func newGen(c *Corpus) *gen {
	g := &gen{c: c}
	g.r = rand.New(&g.pcg)
	// Zipf exponents a little over 1, as for word frequencies in text;
	// the maxima are far past the head lists, so tails are generated. The
	// offsets (v) flatten the very top, so that the first name on a list
	// is not a quarter of all mentions: with v=10 the top surname is about
	// 1% of them, and some 45% of surnames come from the generated tail.
	g.zSurname = rand.NewZipf(g.r, 1.1, 10, 1<<22)
	g.zFirst = rand.NewZipf(g.r, 1.2, 8, 1<<14)
	g.zPlace = rand.NewZipf(g.r, 1.1, 8, 1<<21)
	g.zOrg = rand.NewZipf(g.r, 1.15, 5, 1<<20)
	g.zCode = rand.NewZipf(g.r, 1.1, 5, 1<<18)
	g.zCountry = rand.NewZipf(g.r, 1.05, 4, uint64(len(countries)-1))
	g.zNat = rand.NewZipf(g.r, 1.05, 4, uint64(len(nationalities)-1))
	g.zCrime = rand.NewZipf(g.r, 1.02, 4, uint64(len(crimes)-1))
	return g
}

func (g *gen) intn(n int) int        { return g.r.IntN(n) }
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) logNormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// sp starts a new word: a space unless at the start of a block or gluing a
// slot's first piece to its punctuation.
func (g *gen) sp() {
	if g.glue {
		g.glue = false
		return
	}
	if len(g.buf) > g.blockStart {
		g.buf = append(g.buf, ' ')
	}
	g.words++
}

// put writes a piece, capitalised if it starts a sentence.
func (g *gen) put(s string) {
	if g.capNext && s != "" {
		g.capNext = false
		r, n := utf8.DecodeRuneInString(s)
		if u := unicode.ToUpper(r); u != r {
			g.buf = utf8.AppendRune(g.buf, u)
			g.buf = append(g.buf, s[n:]...)
			return
		}
	}
	g.capNext = false
	g.buf = append(g.buf, s...)
}

// putWords is put for a fixed text of several words ("São Paulo"), which
// counts them.
func (g *gen) putWords(s string) {
	g.put(s)
	g.words += strings.Count(s, " ")
}

// putBytes is put for a made-up name in tmp.
func (g *gen) putBytes(b []byte) {
	if g.capNext && len(b) > 0 {
		g.capNext = false
		r, n := utf8.DecodeRune(b)
		if u := unicode.ToUpper(r); u != r {
			g.buf = utf8.AppendRune(g.buf, u)
			g.buf = append(g.buf, b[n:]...)
			return
		}
	}
	g.capNext = false
	g.buf = append(g.buf, b...)
}

func (g *gen) emitSeq(q seq) {
	for _, id := range q {
		g.emitWord(id)
	}
}

func (g *gen) emitWord(id int32) {
	v := g.c.v
	w := &v.words[id]
	g.sp()
	if w.slot == slotNone {
		g.put(v.text(w))
		return
	}
	g.buf = append(g.buf, v.text(w)...)
	g.glue = true
	g.fill(w.slot)
	g.glue = false
	g.capNext = false // a slot at a sentence start may begin with a figure
	g.buf = append(g.buf, v.suf(w)...)
}

// fill writes a slot's value; each piece (word) starts with sp.
func (g *gen) fill(k slotKind) {
	switch k {
	case slotNum:
		g.sp()
		g.count()
	case slotSmallNum:
		g.sp()
		g.buf = strconv.AppendInt(g.buf, int64(2+g.intn(29)), 10)
	case slotAge:
		g.sp()
		g.buf = strconv.AppendInt(g.buf, int64(19+g.intn(50)), 10)
	case slotYear:
		g.sp()
		g.buf = strconv.AppendInt(g.buf, int64(g.year-g.intn(4)), 10)
	case slotDay:
		g.sp()
		g.buf = strconv.AppendInt(g.buf, int64(1+g.intn(28)), 10)
	case slotMonth:
		g.sp()
		g.put(months[g.intn(12)])
	case slotWeekday:
		g.sp()
		g.put(weekdays[g.intn(7)])
	case slotDate:
		g.date()
	case slotAmount:
		g.amount()
	case slotCaseID:
		g.caseID()
	case slotPerson:
		g.tail(g.zFirst, firstNames, tailFirst)
		if g.chance(0.08) {
			g.sp()
			g.buf = append(g.buf, "ABCDEFGHJKLMNPRSTW"[g.intn(18)], '.')
		}
		g.tail(g.zSurname, surnames, tailSurname)
	case slotSurname:
		g.tail(g.zSurname, surnames, tailSurname)
	case slotRole:
		g.emitSeq(g.c.roles[g.intn(len(g.c.roles))])
	case slotCountry:
		g.sp()
		g.putWords(countries[g.zCountry.Uint64()])
	case slotNat:
		g.sp()
		g.put(nationalities[g.zNat.Uint64()])
	case slotPlace:
		g.tail(g.zPlace, cities, tailPlace)
	case slotUPlace:
		start := len(g.buf)
		g.tail(g.zPlace, cities, tailPlace)
		g.tmp = append(g.tmp[:0], g.buf[start:]...)
		g.buf = g.buf[:start]
		for b := g.tmp; len(b) > 0; {
			r, n := utf8.DecodeRune(b)
			g.buf = utf8.AppendRune(g.buf, unicode.ToUpper(r))
			b = b[n:]
		}
	case slotAgency:
		g.emitSeq(g.c.agencies[g.intn(len(g.c.agencies))])
	case slotOrg:
		g.tail(g.zOrg, orgs, tailOrg)
	case slotCodename:
		g.tail(g.zCode, codenames, tailCodename)
	case slotCrime:
		g.sp()
		g.putWords(crimes[g.zCrime.Uint64()])
	case slotSrc:
		g.sp()
		g.putWords(g.c.sources[g.source].org)
	case slotMarkov:
		g.markov(30)
		g.trimEnd(".!?;:,")
	case slotPhrase:
		g.sp()
		g.putWords(g.phrase)
	}
}

// tail writes an entry of a long-tail distribution: from the head list,
// or made up from its rank past the list's end. A made-up name that happens
// to spell a planted token is skipped for the next rank.
func (g *gen) tail(z *rand.Zipf, head []string, kind tailKind) {
	rank := z.Uint64()
	g.sp()
	if rank < uint64(len(head)) {
		g.putWords(head[rank])
		return
	}
	for {
		g.tmp = appendTailName(g.tmp[:0], kind, rank)
		if !foldedIs(g.tmp, g.c.forbidden) {
			break
		}
		rank++
	}
	g.putBytes(g.tmp)
}

// count writes a count of things: mostly small, sometimes in the
// thousands (with separators, as the sources write them).
func (g *gen) count() {
	n := int64(math.Exp(g.r.ExpFloat64()*1.8)) + 1
	if n < 1000 || g.chance(0.2) {
		g.buf = strconv.AppendInt(g.buf, n, 10)
		return
	}
	g.thousands(n)
}

func (g *gen) thousands(n int64) {
	if n < 1000 {
		g.buf = strconv.AppendInt(g.buf, n, 10)
		return
	}
	g.thousands(n / 1000)
	g.buf = append(g.buf, ',')
	r := n % 1000
	g.buf = append(g.buf, byte('0'+r/100), byte('0'+r/10%10), byte('0'+r%10))
}

func (g *gen) date() {
	day := int64(1 + g.intn(28))
	month := months[g.intn(12)]
	g.sp()
	if g.usStyle {
		g.put(month)
		g.sp()
		g.buf = strconv.AppendInt(g.buf, day, 10)
		g.buf = append(g.buf, ',')
	} else {
		g.buf = strconv.AppendInt(g.buf, day, 10)
		g.sp()
		g.put(month)
	}
	g.sp()
	g.buf = strconv.AppendInt(g.buf, int64(g.year-g.intn(2)), 10)
}

var currencies = []string{"EUR ", "€", "USD ", "$", "GBP ", "£"}

func (g *gen) amount() {
	g.sp()
	cur := currencies[g.intn(len(currencies))]
	if g.usStyle {
		cur = "$"
	}
	g.buf = append(g.buf, cur...)
	v := g.logNormal(400_000, 2.0)
	if v < 1e6 {
		g.thousands(int64(v/1000)*1000 + 1000)
		return
	}
	unit := " million"
	if v >= 1e9 {
		v /= 1e3
		unit = " billion"
	}
	prec := 1
	if g.chance(0.3) {
		prec = 2
	}
	g.buf = strconv.AppendFloat(g.buf, v/1e6, 'f', prec, 64)
	g.sp()
	g.buf = append(g.buf, unit[1:]...)
}

func (g *gen) caseID() {
	g.sp()
	switch g.intn(4) {
	case 0:
		g.buf = append(g.buf, "EJ-"...)
		g.buf = strconv.AppendInt(g.buf, int64(g.year), 10)
		g.buf = append(g.buf, '-')
		g.buf = strconv.AppendInt(g.buf, int64(10000+g.intn(90000)), 10)
	case 1:
		g.buf = strconv.AppendInt(g.buf, int64(100+g.intn(9900)), 10)
		g.buf = append(g.buf, '/', byte('0'+g.year%100/10), byte('0'+g.year%10))
	case 2:
		g.buf = append(g.buf, "INC"...)
		g.buf = strconv.AppendInt(g.buf, int64(1_000_000+g.intn(9_000_000)), 10)
	default:
		g.buf = append(g.buf, "ABCDEFGHILMNPRST"[g.intn(16)], "EKLORTZ"[g.intn(7)], '-')
		g.buf = strconv.AppendInt(g.buf, int64(g.year), 10)
		g.buf = append(g.buf, '-')
		g.buf = strconv.AppendInt(g.buf, int64(100000+g.intn(900000)), 10)
	}
}

// pick chooses one of a state's edges (es: n edges of edSize words) by
// weight, x being 32 random bits, and returns its offset in es.
func pick(es []uint32, x uint32) int {
	n := len(es) / edSize
	if n == 1 {
		return 0
	}
	// Lemire's multiply-shift maps x to [0, total) without a division;
	// its bias (under total/2^32) is far below what matters here.
	x = uint32(uint64(x) * uint64(es[(n-1)*edSize+edCum]) >> 32)
	lo, hi := 0, n-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if es[mid*edSize+edCum] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo * edSize
}

// markov writes a sentence of the Markov model, of at most max words,
// ending in its own punctuation or a full stop. This loop is most of the
// generator's time, hence one 64-bit draw per word from the PCG itself (a
// concrete call, not through rand.Rand's interface) and a short path for
// the common case, a plain word in mid-sentence.
func (g *gen) markov(max int) {
	flat, uni := g.c.m.flat, g.c.m.uni
	words, arena := g.c.v.words, g.c.v.arena
	s := uint32(0) // (start, start)
	for n := 0; n < max; n++ {
		x := g.pcg.Uint64()
		at := s
		if uint32(x>>32) < backoff {
			at = uni[flat[s+stLast]]
		}
		es := flat[at+stEdges : at+stEdges+edSize*flat[at+stN]]
		e := es[pick(es, uint32(x)):]
		id := int32(e[edWord])
		if id == idEnd {
			break
		}
		if w := &words[id]; w.slot == slotNone && !g.capNext && !g.glue && len(g.buf) > g.blockStart {
			g.buf = append(g.buf, ' ')
			g.buf = append(g.buf, arena[w.off:w.off+uint32(w.n)]...)
			g.words++
		} else {
			g.emitWord(id)
		}
		s = e[edNext]
	}
	g.endSentence()
}

// endSentence ends what was written with a full stop unless it already
// ends with a sentence's punctuation; a trailing comma or dash goes.
func (g *gen) endSentence() {
	g.trimEnd(",;:–—-")
	end := g.buf[g.blockStart:]
	end = bytes.TrimSuffix(end, []byte("”")) // a quotation ending the sentence
	if n := len(end); n > 0 {
		switch end[n-1] {
		case '.', '!', '?':
			return
		}
	}
	g.buf = append(g.buf, '.')
}

// trimEnd removes trailing characters of set, and spaces, from the block.
func (g *gen) trimEnd(set string) {
	for len(g.buf) > g.blockStart {
		r, n := utf8.DecodeLastRune(g.buf)
		if r != ' ' && !containsRune(set, r) {
			return
		}
		g.buf = g.buf[:len(g.buf)-n]
	}
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

func (g *gen) beginBlock() {
	g.blockStart = len(g.buf)
	g.capNext = true
	g.glue = false
}

func (g *gen) endBlock(kind model.BlockKind) {
	g.trimEnd("")
	if len(g.buf) > g.blockStart {
		g.spans = append(g.spans, bspan{kind, g.blockStart, len(g.buf)})
	}
	g.blockStart = len(g.buf)
}

// sentence writes one body sentence: Markov or template.
func (g *gen) sentence() {
	g.capNext = true
	g.glue = false
	if g.chance(markovShare) {
		g.markov(maxSentence)
		return
	}
	// A press release does not say the same thing twice: draw again if a
	// template was already used in this article.
	ts := g.c.sentences[g.c.sources[g.source].class]
	k := g.intn(len(ts))
	for try := 0; try < 4 && g.used[k/64]&(1<<(k%64)) != 0; try++ {
		k = g.intn(len(ts))
	}
	g.used[k/64] |= 1 << (k % 64)
	g.emitSeq(ts[k])
	g.endSentence()
}

// plantSentence writes a sentence carrying plant p.
func (g *gen) plantSentence(p *plant) {
	g.capNext = true
	g.glue = false
	g.phrase = p.Phrase
	g.emitSeq(p.bodies[g.intn(len(p.bodies))])
	g.endSentence()
}

// duePlants writes the plants whose turn has come (all of them if force).
func (g *gen) duePlants(force bool) {
	for k := 0; k < len(g.pending); {
		if force || g.at[k] <= g.words {
			g.plantSentence(&g.c.plants[g.pending[k]])
			g.pending = append(g.pending[:k], g.pending[k+1:]...)
			g.at = append(g.at[:k], g.at[k+1:]...)
			continue
		}
		k++
	}
}

// article makes article i.
func (g *gen) article(i int) model.Article {
	c := g.c
	s1 := splitmix64(c.seed ^ splitmix64(uint64(i)))
	g.pcg.Seed(s1, splitmix64(s1^0x5eed))
	g.buf, g.spans = g.buf[:0], g.spans[:0]
	g.pending, g.at = g.pending[:0], g.at[:0]
	g.used = [4]uint64{}
	var a model.Article

	// Source, and now and then a second one listing the same article.
	x := g.r.Uint32N(c.srcCum[len(c.srcCum)-1])
	g.source = 0
	for c.srcCum[g.source] <= x {
		g.source++
	}
	second := -1
	if g.chance(twoFeedsShare) {
		if c.sources[g.source].name == "Interpol (news and events)" {
			second = g.source + 1 // the crimes-against-children feed repeats it
		} else {
			second = g.intn(len(c.sources) - 1)
			if second >= g.source {
				second++
			}
		}
	}
	g.usStyle = c.sources[g.source].class == classDefense

	// Dates: inverse CDF of an exponentially growing density.
	spanSecs := float64(lastDate - firstDate)
	k := growthPerYear * spanSecs / (365.25 * 86400)
	pub := firstDate + int64(math.Log1p(g.r.Float64()*math.Expm1(k))/k*spanSecs)
	pub -= pub % 60
	delay := math.Min(g.logNormal(2, 1.3), 30*24) * 3600
	fetched := time.Unix(pub+int64(delay)+int64(g.intn(60)), 0).UTC()
	a.Fetched, a.Updated = fetched, fetched
	g.year = time.Unix(pub, 0).UTC().Year()
	if !g.chance(undatedShare) {
		a.Published = time.Unix(pub, 0).UTC()
	}
	a.SummaryOnly = g.chance(summaryOnlyShare)

	var titlePlant *plant
	for k := range c.plants {
		p := &c.plants[k]
		if !p.Has(i) {
			continue
		}
		g.pending = append(g.pending, k)
		if p.Title {
			titlePlant = p
		}
	}

	g.title(titlePlant)
	titleEnd := len(g.buf)
	if a.SummaryOnly {
		g.teaser()
	} else {
		g.body()
	}
	bodyEnd := len(g.buf)
	g.url(i, titleEnd, a)

	text := string(g.buf)
	a.Title = text[:titleEnd]
	a.URL = text[bodyEnd:]
	a.Blocks = make([]model.Block, len(g.spans))
	for k, sp := range g.spans {
		a.Blocks[k] = model.Block{Kind: sp.kind, Text: text[sp.start:sp.end]}
	}
	a.Source = c.sources[g.source].name
	if second < 0 {
		a.Feeds = []string{a.Source}
	} else {
		lo, hi := min(g.source, second), max(g.source, second)
		a.Source = c.sources[lo].name
		a.Feeds = []string{a.Source, c.sources[hi].name}
	}
	return a
}

// title writes the title at the start of buf: a template of the source's
// class (the training titles among them), a short Markov sentence, or the
// title plant's template; 6 to 14 words. Title templates have at least six
// words (New sees to it), so only a long draw can miss the range, and a few
// draws in a row that all do are cut to 14 words.
func (g *gen) title(p *plant) {
	ts := g.c.titles[g.c.sources[g.source].class]
	for try := 0; try < 8; try++ {
		g.buf = g.buf[:0]
		g.beginBlock()
		g.words = 0
		switch {
		case p != nil:
			g.phrase = p.Phrase
			g.emitSeq(p.titles[g.intn(len(p.titles))])
		case try < 4 && g.chance(0.1):
			g.markov(15)
			g.trimEnd(".")
		default:
			g.emitSeq(ts[g.intn(len(ts))])
		}
		if g.words >= titleMin && g.words <= titleMax {
			g.trimEnd("")
			return
		}
	}
	spaces := 0
	for k, b := range g.buf {
		if b == ' ' {
			if spaces++; spaces == titleMax {
				g.buf = g.buf[:k]
				break
			}
		}
	}
	g.trimEnd(",;:–—-")
}

// body writes the blocks of a full article.
func (g *gen) body() {
	target := int(g.logNormal(bodyMedian, bodySigma))
	target = min(max(target, bodyMin), bodyMax)
	for range g.pending {
		g.at = append(g.at, g.intn(target*4/5+1))
	}
	g.words = 0
	src := &g.c.sources[g.source]
	var boiler seq
	if len(src.boiler) > 0 && g.chance(0.3) {
		boiler = src.boiler[g.intn(len(src.boiler))]
		target -= len(boiler)
	}
	lists, sinceHeading := 0, 0
	first := true
	for g.words < target || len(g.pending) > 0 {
		// Long releases have a heading now and then; some have a list of
		// results (the sources' "at a glance" bullets).
		if !first && target > 500 && g.words > 120 && sinceHeading > 2 && g.chance(0.08) {
			g.beginBlock()
			g.emitSeq(g.c.headings[g.intn(len(g.c.headings))])
			g.endBlock(model.Heading)
			sinceHeading = 0
			continue
		}
		if !first && lists < 2 && g.words > 60 && g.chance(0.04) {
			lists++
			for n := 3 + g.intn(4); n > 0; n-- {
				g.beginBlock()
				if g.chance(0.75) {
					g.emitSeq(g.c.items[g.intn(len(g.c.items))])
				} else {
					g.markov(18)
				}
				g.endBlock(model.ListItem)
			}
		}
		g.beginBlock()
		if first && len(src.datelines) > 0 && g.chance(0.4) {
			g.emitSeq(src.datelines[g.intn(len(src.datelines))])
		}
		paraEnd := g.words + int(g.logNormal(paraMedian, paraSigma))
		for {
			g.duePlants(g.words >= target)
			g.sentence()
			if g.words >= paraEnd || g.words >= target {
				break
			}
		}
		g.endBlock(model.Paragraph)
		first = false
		sinceHeading++
	}
	if boiler != nil {
		g.beginBlock()
		g.emitSeq(boiler)
		g.endSentence()
		g.endBlock(model.Paragraph)
	}
}

// teaser writes the one paragraph of a summary-only article: 30 to 60
// words (more if plants need the room), cut off with "…" as the sources'
// feeds do.
func (g *gen) teaser() {
	target := 30 + g.intn(31)
	for range g.pending {
		g.at = append(g.at, 0)
	}
	g.words = 0
	g.beginBlock()
	g.sentence()
	g.duePlants(true)
	keep := len(g.buf)
	for g.words < target {
		g.sentence()
	}
	// Cut at the target-th word, but never into the plants.
	n, cut := 0, len(g.buf)
	for k := g.blockStart; k < len(g.buf); k++ {
		if g.buf[k] == ' ' {
			if n++; n >= target && k >= keep {
				cut = k
				break
			}
		}
	}
	if cut < len(g.buf) {
		g.buf = g.buf[:cut]
		g.trimEnd(".,;:–—-")
		g.buf = append(g.buf, "…"...)
	}
	g.endBlock(model.Paragraph)
}

// url writes the article's URL after the body:
// https://<host>/news/<year>/<slug of the title>-<i>.
func (g *gen) url(i, titleEnd int, a model.Article) {
	year := a.Published.Year()
	if a.Published.IsZero() {
		year = a.Fetched.Year()
	}
	g.tmp = g.tmp[:0]
	dash := false
	for b := g.buf[:titleEnd]; len(b) > 0 && len(g.tmp) < 60; {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if isTokenRune(r) {
			if f := foldRune(r); f < utf8.RuneSelf {
				if dash && len(g.tmp) > 0 {
					g.tmp = append(g.tmp, '-')
				}
				dash = false
				g.tmp = append(g.tmp, byte(f))
			}
			continue
		}
		dash = true
	}
	g.buf = append(g.buf, "https://"...)
	g.buf = append(g.buf, g.c.sources[g.source].host...)
	g.buf = append(g.buf, "/news/"...)
	g.buf = strconv.AppendInt(g.buf, int64(year), 10)
	g.buf = append(g.buf, '/')
	g.buf = append(g.buf, g.tmp...)
	g.buf = append(g.buf, '-')
	g.buf = strconv.AppendInt(g.buf, int64(i), 10)
}
