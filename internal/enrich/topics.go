package enrich

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sitrep/sitrep/internal/model"
)

// topicRule assigns a topic: one strong term, or three distinct weak terms
// (one of them may be the title's).
type topicRule struct {
	ID     string   `yaml:"id"`
	Name   string   `yaml:"name"`
	Group  string   `yaml:"group"`
	Strong []string `yaml:"strong"`
	Weak   []string `yaml:"weak"`
}

// term is one compiled topic term: lower-case words, hyphens and spaces
// alike; prefix when the last word is a word start ("botnet*").
type term struct {
	words  []string
	prefix bool
	topic  int
	strong bool
}

var topicID = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func (r *Rules) loadTopics(file string, data []byte) error {
	var list []*topicRule
	if err := yaml.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for i, t := range list {
		if !topicID.MatchString(t.ID) {
			return fmt.Errorf("%s: topic %d: id %q must be lower-case letters, digits and dashes", file, i+1, t.ID)
		}
		ti := -1
		for k, have := range r.topics {
			if have.ID == t.ID {
				ti = k // a user entry with a known id adds terms
			}
		}
		if ti < 0 {
			if t.Group != "crime" && t.Group != "other" {
				return fmt.Errorf("%s: topic %q: group %q must be crime or other", file, t.ID, t.Group)
			}
			if t.Name == "" {
				return fmt.Errorf("%s: topic %q has no name", file, t.ID)
			}
			ti = len(r.topics)
			r.topics = append(r.topics, &topicRule{ID: t.ID, Name: t.Name, Group: t.Group})
		}
		for _, list := range []struct {
			terms  []string
			strong bool
		}{{t.Strong, true}, {t.Weak, false}} {
			for _, raw := range list.terms {
				tm, err := compileTerm(raw)
				if err != nil {
					return fmt.Errorf("%s: topic %q: term %q: %w", file, t.ID, raw, err)
				}
				tm.topic, tm.strong = ti, list.strong
				r.addTerm(tm)
			}
		}
	}
	return nil
}

// compileTerm splits a term into the words tokenize gives.
func compileTerm(raw string) (term, error) {
	s := strings.TrimSpace(raw)
	var t term
	if rest, ok := strings.CutSuffix(s, "*"); ok {
		t.prefix, s = true, rest
	}
	for _, tok := range tokenize(s) {
		if tok.word {
			t.words = append(t.words, strings.ToLower(tok.s))
		} else if tok.s != "-" {
			t.words = append(t.words, tok.s)
		}
	}
	if len(t.words) == 0 {
		return t, fmt.Errorf("no words")
	}
	return t, nil
}

// addTerm files a term under its first word, or its first word's start
// when that word is the prefix.
func (r *Rules) addTerm(t term) {
	if r.termsByWord == nil {
		r.termsByWord, r.termsByPrefix = map[string][]term{}, map[string][]term{}
	}
	if t.prefix && len(t.words) == 1 {
		r.termsByPrefix[t.words[0]] = append(r.termsByPrefix[t.words[0]], t)
		r.maxPrefix = max(r.maxPrefix, len(t.words[0]))
		return
	}
	r.termsByWord[t.words[0]] = append(r.termsByWord[t.words[0]], t)
}

// termAt reports whether t matches the words starting at i.
func (t term) at(words []string, i int) bool {
	if i+len(t.words) > len(words) {
		return false
	}
	last := len(t.words) - 1
	for k, w := range t.words {
		if k == last && t.prefix {
			if !strings.HasPrefix(words[i+k], w) {
				return false
			}
		} else if words[i+k] != w {
			return false
		}
	}
	return true
}

// findTopics finds the topics of an article, each with its evidence: the
// distinct terms as the text writes them. skip marks tokens not to read
// (organisations' names: the "Serious Fraud Office" is not evidence of
// fraud); terms do not run across sentences.
func (r *Rules) findTopics(ss []sentence, skip [][]bool) []model.Topic {
	type hit struct {
		strong, weak []string
		seen         map[string]bool
	}
	hits := make([]hit, len(r.topics))
	var words []string
	var at []int // token index of each word
	for si, s := range ss {
		words, at = words[:0], at[:0]
		for k, t := range s.toks {
			switch {
			case t.s == "-":
				continue // "cyber-attack" is "cyber attack"
			case skip[si][k]:
				words = append(words, "\x00")
			case t.word:
				words = append(words, strings.ToLower(t.s))
			default:
				words = append(words, t.s)
			}
			at = append(at, k)
		}
		match := func(t term, i int) {
			if !t.at(words, i) {
				return
			}
			h := &hits[t.topic]
			end := i + len(t.words) - 1
			as := s.text[s.toks[at[i]].start:s.toks[at[end]].end]
			k := strings.ToLower(as)
			if h.seen == nil {
				h.seen = map[string]bool{}
			}
			if h.seen[k] {
				return
			}
			h.seen[k] = true
			if t.strong {
				h.strong = append(h.strong, as)
			} else {
				h.weak = append(h.weak, as)
			}
		}
		for i, w := range words {
			for _, t := range r.termsByWord[w] {
				match(t, i)
			}
			for n := 1; n <= min(len(w), r.maxPrefix); n++ {
				for _, t := range r.termsByPrefix[w[:n]] {
					match(t, i)
				}
			}
		}
	}
	var out []model.Topic
	for i, t := range r.topics {
		h := hits[i]
		if len(h.strong) > 0 || len(h.weak) >= 3 {
			ev := append(h.strong, h.weak...)
			if len(ev) > 8 {
				ev = ev[:8]
			}
			out = append(out, model.Topic{ID: t.ID, Name: t.Name, Group: t.Group, Evidence: ev})
		}
	}
	return out
}
