package enrich

import (
	"slices"
	"sort"
)

// gazetteer finds known phrases in token sequences, longest first. Matching
// is on whole tokens and case-sensitive: names are proper nouns, and
// "Chad" the country is not "chad".
type gazetteer[T any] struct {
	byFirst map[string][]entry[T]
}

type entry[T any] struct {
	toks []string
	val  T
}

type match[T any] struct {
	start, end int // token indexes, end exclusive
	val        T
}

func newGazetteer[T any]() *gazetteer[T] {
	return &gazetteer[T]{byFirst: map[string][]entry[T]{}}
}

// add registers phrase; a phrase already present keeps its first value.
func (g *gazetteer[T]) add(phrase string, val T) {
	var toks []string
	for _, t := range tokenize(phrase) {
		toks = append(toks, t.s)
	}
	if len(toks) == 0 {
		return
	}
	list := g.byFirst[toks[0]]
	for _, e := range list {
		if slices.Equal(e.toks, toks) {
			return
		}
	}
	list = append(list, entry[T]{toks: toks, val: val})
	sort.SliceStable(list, func(i, j int) bool { return len(list[i].toks) > len(list[j].toks) })
	g.byFirst[toks[0]] = list
}

func (g *gazetteer[T]) has(phrase string) bool {
	toks := tokenize(phrase)
	if len(toks) == 0 {
		return false
	}
	for _, e := range g.byFirst[toks[0].s] {
		if len(e.toks) == len(toks) {
			ok := true
			for i := range toks {
				if toks[i].s != e.toks[i] {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// find returns the non-overlapping longest matches in toks, left to right.
func (g *gazetteer[T]) find(toks []token) []match[T] {
	var out []match[T]
	for i := 0; i < len(toks); {
		m, ok := g.at(toks, i)
		if !ok {
			i++
			continue
		}
		out = append(out, m)
		i = m.end
	}
	return out
}

// at returns the longest match starting at token i.
func (g *gazetteer[T]) at(toks []token, i int) (match[T], bool) {
	for _, e := range g.byFirst[toks[i].s] {
		if i+len(e.toks) > len(toks) {
			continue
		}
		ok := true
		for k, s := range e.toks[1:] {
			if toks[i+1+k].s != s {
				ok = false
				break
			}
		}
		if ok {
			return match[T]{start: i, end: i + len(e.toks), val: e.val}, true
		}
	}
	return match[T]{}, false
}
