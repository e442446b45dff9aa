package benchcorpus

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// slotKind says what a word of the vocabulary stands for: itself
// (slotNone) or a value drawn when it is written.
type slotKind uint8

const (
	slotNone slotKind = iota
	slotStart
	slotEnd
	slotNum
	slotSmallNum
	slotAge
	slotYear
	slotDay
	slotMonth
	slotWeekday
	slotDate
	slotAmount
	slotCaseID
	slotPerson
	slotSurname
	slotRole
	slotCountry
	slotNat
	slotPlace
	slotUPlace
	slotAgency
	slotOrg
	slotCodename
	slotCrime
	slotSrc
	slotMarkov
	slotPhrase
)

var slotNames = map[string]slotKind{
	"NUM": slotNum, "SMALLNUM": slotSmallNum, "AGE": slotAge, "YEAR": slotYear, "DAY": slotDay,
	"MONTH": slotMonth, "WEEKDAY": slotWeekday, "DATE": slotDate, "AMOUNT": slotAmount, "CASEID": slotCaseID,
	"PERSON": slotPerson, "SURNAME": slotSurname, "ROLE": slotRole, "COUNTRY": slotCountry, "NAT": slotNat,
	"PLACE": slotPlace, "UPLACE": slotUPlace, "AGENCY": slotAgency, "ORG": slotOrg, "CODENAME": slotCodename,
	"CRIME": slotCrime, "SRC": slotSrc, "MARKOV": slotMarkov, "PHRASE": slotPhrase,
}

// word is one entry of the vocabulary: a word as written (with its
// punctuation), or a slot with the punctuation around it. Its text is in
// the vocabulary's arena; 12 bytes an entry keep the whole table in a
// core's cache, which matters because the chain jumps across it at random.
type word struct {
	off  uint32 // the word, or a slot's prefix, is arena[off:off+n] ...
	n    uint16
	sufN uint16 // ... and a slot's suffix the sufN bytes after it
	slot slotKind
}

// edgeToks are a word's first and last index tokens where they belong to a
// natural planted phrase ("money", "laundering"), else "": what the Markov
// chain needs to never write such a phrase by chance. Only New uses them.
type edgeToks struct{ first, last string }

type wordKey struct {
	text, suf string
	slot      slotKind
}

// seq is a sentence or fragment as word ids.
type seq []int32

const (
	idStart int32 = 0
	idEnd   int32 = 1
)

type vocab struct {
	keys    []wordKey  // by word id: what New builds and checks
	toks    []edgeToks // by word id
	words   []word     // by word id: what the generator reads (see pack)
	arena   string
	ids     map[wordKey]int32
	natural map[string]bool // tokens of natural planted phrases
}

func newVocab(natural map[string]bool) *vocab {
	v := &vocab{ids: map[wordKey]int32{}, natural: natural}
	v.id(wordKey{slot: slotStart})
	v.id(wordKey{slot: slotEnd})
	return v
}

func (v *vocab) id(k wordKey) int32 {
	if id, ok := v.ids[k]; ok {
		return id
	}
	var et edgeToks
	if k.slot == slotNone {
		toks := tokenList(k.text)
		if len(toks) > 0 {
			if v.natural[toks[0]] {
				et.first = toks[0]
			}
			if v.natural[toks[len(toks)-1]] {
				et.last = toks[len(toks)-1]
			}
		}
	}
	id := int32(len(v.keys))
	v.keys = append(v.keys, k)
	v.toks = append(v.toks, et)
	v.ids[k] = id
	return id
}

// pack makes the generator's compact table: every word's text in one
// string, so that the texts the generator copies sit together in memory.
func (v *vocab) pack() error {
	var b strings.Builder
	v.words = make([]word, len(v.keys))
	for i, k := range v.keys {
		if len(k.text) > math.MaxUint16 || len(k.suf) > math.MaxUint16 {
			return fmt.Errorf("benchcorpus: a word of %d bytes", len(k.text)+len(k.suf))
		}
		v.words[i] = word{off: uint32(b.Len()), n: uint16(len(k.text)), sufN: uint16(len(k.suf)), slot: k.slot}
		b.WriteString(k.text)
		b.WriteString(k.suf)
	}
	v.arena = b.String()
	return nil
}

// text is the word, or the slot's prefix; suf the slot's suffix.
func (v *vocab) text(w *word) string { return v.arena[w.off : w.off+uint32(w.n)] }
func (v *vocab) suf(w *word) string {
	return v.arena[w.off+uint32(w.n) : w.off+uint32(w.n)+uint32(w.sufN)]
}

// parseTemplate turns template text (see templates.go) into word ids.
func (v *vocab) parseTemplate(s string) (seq, error) {
	var out seq
	for _, f := range strings.Fields(s) {
		i := strings.IndexByte(f, '{')
		if i < 0 {
			out = append(out, v.id(wordKey{text: f}))
			continue
		}
		j := strings.IndexByte(f, '}')
		if j < i || strings.IndexByte(f[j+1:], '{') >= 0 {
			return nil, fmt.Errorf("benchcorpus: template %q: malformed slot in %q", s, f)
		}
		k, ok := slotNames[f[i+1:j]]
		if !ok {
			return nil, fmt.Errorf("benchcorpus: template %q: unknown slot %q", s, f[i+1:j])
		}
		out = append(out, v.id(wordKey{text: f[:i], suf: f[j+1:], slot: k}))
	}
	return out, nil
}

// trainingSeq turns a training sentence into word ids: numbers, years,
// days, countries and nationalities become slots, so that the small
// training set contributes its sentence shapes but not its particular
// figures and places; a word holding a reserved planted token becomes an
// operation codename slot (the training text mentions Operation Jackal); a
// word holding a whole natural planted phrase ("anti-money-laundering") is
// dropped.
func (c *Corpus) trainingSeq(words []string) seq {
	var out seq
	for k, w := range words {
		pre, core, suf := splitCore(w)
		slot := slotNone
		switch {
		case core == "":
		case isNumber(core):
			n, err := strconv.Atoi(core)
			switch {
			case err == nil && len(core) == 4 && n >= 1900 && n < 2040:
				slot = slotYear
			case err == nil && n >= 1 && n <= 31 && (k > 0 && isMonth(coreOf(words[k-1])) || k+1 < len(words) && isMonth(coreOf(words[k+1]))):
				slot = slotDay
			default:
				slot = slotNum
			}
		case c.countrySet[core]:
			slot = slotCountry
		case c.natSet[core]:
			slot = slotNat
		}
		if slot == slotNone {
			toks := tokenList(w)
			if slices.ContainsFunc(toks, func(t string) bool { return c.reserved[t] }) {
				slot = slotCodename
			} else if c.hasNaturalPair(toks) {
				continue
			}
		}
		if slot == slotNone {
			out = append(out, c.v.id(wordKey{text: w}))
		} else {
			out = append(out, c.v.id(wordKey{text: pre, suf: suf, slot: slot}))
		}
	}
	return out
}

func coreOf(w string) string {
	_, core, _ := splitCore(w)
	return core
}

// hasNaturalPair reports whether toks hold a natural planted phrase.
func (c *Corpus) hasNaturalPair(toks []string) bool {
	for i := 1; i < len(toks); i++ {
		if c.bannedPair[[2]string{toks[i-1], toks[i]}] {
			return true
		}
	}
	return false
}

// markov is an order-2 word model. Each state (the last two words) has its
// successors as edges with cumulative weights, and each edge names the state
// it leads to, so generating a word costs one weighted pick and no lookup.
//
// Generating is a chain of dependent memory loads (state, edge, next
// state...) across a model of about a megabyte, so the layout is chosen for
// the cache: flat holds each state as [n, last word, then n edges of (cum,
// word, next)], a state's edges right after its header, and next is the
// offset of the next state in flat. Most states have one successor, so one
// step touches one cache line.
//
// uni[w] is the offset in flat of word w's order-1 successors, in the same
// form, which the generator uses now and then instead of the state's own:
// with a training set this small most order-2 states have a single
// successor, and the back-off is what keeps the output from replaying the
// training sentences verbatim.
type markov struct {
	flat []uint32
	uni  []uint32
}

// Offsets within a state or edge of markov.flat.
const (
	stN, stLast, stEdges  = 0, 1, 2
	edCum, edWord, edNext = 0, 1, 2
	edSize                = 3
)

type sentence struct {
	ids    seq
	weight uint32
}

// buildMarkov counts the training sentences' transitions. An edge that
// would write a natural planted phrase (word b ending in "money", word c
// starting with "laundering") is left out, as is any sentence start that
// begins with a phrase's second word (a sentence might follow one ending
// with its first), so the phrase is written only where it is planted.
func (c *Corpus) buildMarkov(sents []sentence) {
	type tri [3]int32
	type bi [2]int32
	triN := map[tri]uint32{}
	biN := map[bi]uint32{}
	for _, s := range sents {
		a, b := idStart, idStart
		for _, w := range append(s.ids, idEnd) {
			triN[tri{a, b, w}] += s.weight
			biN[bi{b, w}] += s.weight
			a, b = b, w
		}
	}
	banned := func(b, w int32) bool {
		if w == idEnd {
			return false
		}
		wb, ww := &c.v.toks[b], &c.v.toks[w]
		if b == idStart {
			return ww.first != "" && c.secondTok[ww.first]
		}
		return wb.last != "" && ww.first != "" && c.bannedPair[[2]string{wb.last, ww.first}]
	}

	// States in sorted order, so the model (and the corpus) is the same on
	// every run; state 0 is (start, start) since idStart is the smallest id.
	tris := slices.SortedFunc(maps.Keys(triN), func(x, y tri) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]), cmp.Compare(x[2], y[2]))
	})
	stateOf := map[bi]int32{}
	for _, t := range tris {
		k := bi{t[0], t[1]}
		if _, ok := stateOf[k]; !ok {
			stateOf[k] = int32(len(stateOf))
		}
	}
	// Edges of each state and of each word's order-1 list, by state id;
	// laid out in flat afterwards, when every state's offset is known.
	type edge struct {
		cum  uint32
		w    int32
		next int32 // state id
	}
	edgesOf := func(b int32, keys func(yield func(w int32, n uint32) bool)) []edge {
		var out []edge
		var cum uint32
		for w, n := range keys {
			if banned(b, w) {
				continue
			}
			cum += n
			e := edge{cum: cum, w: w}
			if w != idEnd {
				e.next = stateOf[bi{b, w}]
			}
			out = append(out, e)
		}
		if cum == 0 {
			out = append(out, edge{cum: 1, w: idEnd})
		}
		return out
	}
	type block struct {
		last  int32
		edges []edge
	}
	blocks := make([]block, len(stateOf)) // states, then order-1 lists
	for i := 0; i < len(tris); {
		j := i
		for j < len(tris) && tris[j][0] == tris[i][0] && tris[j][1] == tris[i][1] {
			j++
		}
		group := tris[i:j]
		b := group[0][1]
		blocks[stateOf[bi{group[0][0], b}]] = block{b, edgesOf(b, func(yield func(int32, uint32) bool) {
			for _, t := range group {
				if !yield(t[2], triN[t]) {
					return
				}
			}
		})}
		i = j
	}
	bis := slices.SortedFunc(maps.Keys(biN), func(x, y bi) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	uniBlock := make([]int, len(c.v.keys))
	for i := 0; i < len(bis); {
		j := i
		for j < len(bis) && bis[j][0] == bis[i][0] {
			j++
		}
		group := bis[i:j]
		b := group[0][0]
		uniBlock[b] = len(blocks)
		blocks = append(blocks, block{b, edgesOf(b, func(yield func(int32, uint32) bool) {
			for _, k := range group {
				if !yield(k[1], biN[k]) {
					return
				}
			}
		})})
		i = j
	}

	offset := make([]uint32, len(blocks))
	n := 0
	for i, bl := range blocks {
		offset[i] = uint32(n)
		n += stEdges + edSize*len(bl.edges)
	}
	m := &c.m
	m.flat = make([]uint32, 0, n)
	for _, bl := range blocks {
		m.flat = append(m.flat, uint32(len(bl.edges)), uint32(bl.last))
		for _, e := range bl.edges {
			m.flat = append(m.flat, e.cum, uint32(e.w), offset[e.next])
		}
	}
	m.uni = make([]uint32, len(c.v.keys))
	for w, b := range uniBlock {
		m.uni[w] = offset[b]
	}
	c.stats.States, c.stats.Edges = len(stateOf), (n-len(blocks)*stEdges)/edSize
}
