package enrich

import (
	"strings"

	"github.com/sitrep/sitrep/internal/model"
)

// orgHit is one mention of an organisation.
type orgHit struct {
	name       string
	info       *orgInfo // nil for one found by its shape rather than the list
	unit       bool     // an internal unit ("National Central Bureau"): name is its parent's
	sent       int
	start, end int // tokens
}

// orgHeads are the words that make a capitalised phrase an organisation's
// name: "Hellenic Police", "Court of Dijon", "Ministry of Foreign Affairs".
var orgHeads = map[string]bool{
	"Police": true, "Polizei": true, "Politie": true, "Policía": true, "Polícia": true, "Gendarmerie": true,
	"Guard": true, "Agency": true, "Office": true, "Bureau": true, "Service": true, "Services": true,
	"Court": true, "Courts": true, "Commission": true, "Authority": true, "Council": true,
	"Force": true, "Forces": true, "Staff": true, "Ministry": true, "Department": true,
	"Academy": true, "Alliance": true, "Facility": true, "Organisation": true, "Organization": true,
	"Institute": true, "Fund": true, "Association": true, "Foundation": true, "Corps": true,
	"Army": true, "Navy": true, "Command": true, "Prosecution": true, "Tribunal": true,
	"Parliament": true, "Government": true, "Landeskriminalamt": true, "Bundeskriminalamt": true,
	"Carabinieri": true, "Customs": true, "Prosecutor's": true, "Prosecutors": true, "Judiciary": true,
	"Constabulary": true, "Inspectorate": true, "University": true, "Bank": true,
}

// unitHeads make a phrase an internal unit of an organisation, which is not
// an organisation of its own (General Secretariat, a cybercrime unit).
var unitHeads = map[string]bool{
	"Unit": true, "Units": true, "Desk": true, "Secretariat": true, "Directorate": true, "Division": true,
	"Team": true, "Section": true, "Branch": true, "Department's": true, "Cell": true, "Committee": true,
	"Summit": true, "Conference": true, "Meeting": true, "Database": true, "Headquarters": true,
}

// connectors may join the words of a capitalised name.
var connectors = map[string]bool{"of": true, "for": true, "and": true, "the": true, "de": true, "du": true,
	"des": true, "la": true, "di": true, "del": true, "&": true, "on": true, "against": true}

// notNameStart are capitalised words that start sentences or titles, not names.
var notNameStart = map[string]bool{"The": true, "A": true, "An": true, "In": true, "On": true, "At": true,
	"This": true, "These": true, "Its": true, "Their": true, "Our": true, "His": true, "Her": true,
	"During": true, "Following": true, "After": true, "Before": true, "Since": true, "With": true,
	"By": true, "For": true, "From": true, "As": true, "Under": true, "Between": true, "Today": true,
	"Both": true, "All": true, "Through": true, "Throughout": true, "When": true, "While": true, "Other": true, "Some": true}

// findOrgs lists organisation mentions: names and aliases from the list
// (a weak alias only when the article also names the organisation in
// full), names an article defines with an acronym ("Economic and Financial
// Crimes Commission (EFCC)") and capitalised names whose head word makes
// them an organisation ("Hellenic Police", "Court of Dijon").
func (r *Rules) findOrgs(ss []sentence, places []placeHit) []orgHit {
	// A weak alias of a national body counts in an article that names its
	// country: "AFP" in an Australian release is the Australian Federal
	// Police.
	named := map[string]bool{}
	for _, p := range places {
		named[p.code] = true
	}
	var hits []orgHit
	strongSeen := map[*orgInfo]bool{}
	taken := make([][]bool, len(ss))
	for si, s := range ss {
		taken[si] = make([]bool, len(s.toks))
		for _, m := range r.orgs.find(s.toks) {
			h := orgHit{name: m.val.Name, info: m.val, sent: si, start: m.start, end: m.end}
			if m.val.unitOf != nil {
				h.unit = true
			} else if n, start, end, ok := r.widen(s, m.start, m.end); ok {
				// "CBI Academy", "Federal Foreign Office": a longer name
				// built on a known one is an organisation of its own.
				h = orgHit{name: n, sent: si, start: start, end: end}
			} else {
				strongSeen[m.val] = true
			}
			hits = append(hits, h)
			for k := h.start; k < h.end; k++ {
				taken[si][k] = true
			}
		}
	}
	for si, s := range ss {
		for _, m := range r.weakOrgs.find(s.toks) {
			// A weak alias stands alone: not inside a longer name ("Royal
			// Brunei Navy") nor before a rank ("Navy Capt.").
			alone := (m.start == 0 || !s.toks[m.start-1].upper()) && (m.end == len(s.toks) || !s.toks[m.end].upper() && !ranks[s.toks[m.end].s])
			if (strongSeen[m.val] || m.val.Country != "" && named[m.val.Country] && alone) && !taken[si][m.start] {
				hits = append(hits, orgHit{name: m.val.Name, info: m.val, sent: si, start: m.start, end: m.end})
				for k := m.start; k < m.end; k++ {
					taken[si][k] = true
				}
			}
		}
	}
	// Names by their shape, and acronyms the article defines.
	defined := newGazetteer[string]()
	for si, s := range ss {
		var runs [][2]int
		for _, run := range capRuns(s.toks) {
			runs = append(runs, splitAnd(s.toks, run)...)
		}
		for _, run := range runs {
			if overlaps(taken[si], run[0], run[1]) {
				continue
			}
			start, end := trimRun(s.toks, run[0], run[1])
			if start >= end {
				continue
			}
			name, start, end, ok := r.orgShape(s, start, end)
			if !ok {
				continue
			}
			hits = append(hits, orgHit{name: name, sent: si, start: start, end: end})
			for k := start; k < end; k++ {
				taken[si][k] = true
			}
			// "… Commission (EFCC)": the acronym names it from now on.
			if end+2 < len(s.toks) && s.toks[end].s == "(" && s.toks[end+1].allCaps() && s.toks[end+2].s == ")" {
				defined.add(s.toks[end+1].s, name)
			}
		}
	}
	for si, s := range ss {
		for _, m := range defined.find(s.toks) {
			if !taken[si][m.start] {
				hits = append(hits, orgHit{name: m.val, sent: si, start: m.start, end: m.end})
			}
		}
	}
	return hits
}

// widen extends a known organisation's name to a longer one built on it:
// to the right up to a head word ("CBI Academy"), or, when the known name
// itself ends in a head word, to the left over capitalised words that are
// neither places nor sentence openers ("Federal Foreign Office").
func (r *Rules) widen(s sentence, start, end int) (string, int, int, bool) {
	toks := s.toks
	e := end
	if end < len(toks) && orgHeads[toks[end].s] && (end+1 == len(toks) || !toks[end+1].upper()) {
		e = end + 1
	}
	b := start
	if orgHeads[toks[end-1].s] {
		for k := start - 1; k >= 0 && start-k <= 2; k-- {
			t := toks[k]
			if !t.upper() || notNameStart[t.s] || roleWords[t.s] || k == 0 && !genericOrgWord[t.s] {
				break
			}
			if _, ok := r.places.at(toks, k); ok {
				break
			}
			if _, ok := r.orgs.at(toks, k); ok {
				break
			}
			b = k
		}
	}
	if b == start && e == end {
		return "", 0, 0, false
	}
	return s.text[toks[b].start:toks[e-1].end], b, e, true
}

// capRuns returns [start, end) token ranges of capitalised names: upper
// words joined by connectors, a possessive "'s", or hyphens.
func capRuns(toks []token) [][2]int {
	var runs [][2]int
	for i := 0; i < len(toks); {
		if !toks[i].upper() {
			i++
			continue
		}
		j := i + 1
		last := i + 1
		for j < len(toks) {
			t := toks[j]
			switch {
			case t.upper() || (t.digit() && j > i):
				j++
				last = j
			case connectors[t.s] && !(j+1 < len(toks) && dayOrMonth(toks[j+1].s)):
				// "Hamilton Sheriff Court on Friday" ends before "on".
				j++
			case t.s == "'" && j+1 < len(toks) && toks[j+1].s == "s":
				j += 2
			case t.s == "-" && j+1 < len(toks) && (toks[j+1].upper() || toks[j+1].digit()) && toks[j].start == toks[j-1].end:
				j += 2
				last = j
			default:
				goto done
			}
		}
	done:
		runs = append(runs, [2]int{i, last})
		i = max(last, i+1)
	}
	return runs
}

// trimRun drops words that start a sentence but not a name ("The",
// "Two").
func trimRun(toks []token, start, end int) (int, int) {
	for start < end && (notNameStart[toks[start].s] || connectors[toks[start].s] || wordNumbers[strings.ToLower(toks[start].s)] > 0) {
		start++
	}
	return start, end
}

// splitAnd cuts a capitalised run where "and the" starts another name:
// "Perseuss and the International Air Transport Association" is two.
func splitAnd(toks []token, run [2]int) [][2]int {
	var out [][2]int
	a := run[0]
	for k := run[0]; k+1 < run[1]; k++ {
		if toks[k].s == "and" && toks[k+1].s == "the" && k > a {
			out = append(out, [2]int{a, k})
			a = k + 2
		}
	}
	return append(out, [2]int{a, run[1]})
}

func overlaps(taken []bool, start, end int) bool {
	for k := start; k < end; k++ {
		if taken[k] {
			return true
		}
	}
	return false
}

// orgShape decides whether toks[start:end] is an organisation's name by its
// shape, and returns the name as written.
func (r *Rules) orgShape(s sentence, start, end int) (string, int, int, bool) {
	toks := s.toks
	// "a French Air Force General": the rank after the name is not in it.
	for end > start+1 && (ranks[toks[end-1].s] || toks[end-1].s == "General") && orgHeads[toks[end-2].s] {
		end--
	}
	// A country's name before an agency's own name is not part of it
	// ("UK Foreign, Commonwealth and Development Office"); a possessive
	// is ("Argentina's Federal Police").
	if p, ok := r.places.at(toks, start); ok && p.val.kind == "name" && p.end < end && toks[p.end].upper() &&
		(isAbbrev(toks[start:p.end]) || governmentHeads[toks[p.end].s]) {
		start = p.end // "Brazil Ministry of Justice" is its Ministry of Justice
	}
	// "Officers of Argentina's Federal Police": what comes before "of"
	// is not the organisation unless it has a head word.
	for k := start; k < end; k++ {
		if orgHeads[toks[k].s] {
			break
		}
		if toks[k].s == "of" {
			start = k + 1
			for start < end && (toks[start].s == "the" || toks[start].s == "The") {
				start++
			}
			break
		}
	}
	// "… of India", "… of the Netherlands" after the name is where it
	// is, not part of it.
	for k := start + 1; k < end; k++ {
		if toks[k].s != "of" {
			continue
		}
		j := k + 1
		if j < end && (toks[j].s == "the" || toks[j].s == "The") {
			j++
		}
		if p, ok := r.places.at(toks, j); ok && p.val.kind == "name" && p.end == end {
			end = k
			break
		}
	}
	if start >= end {
		return "", 0, 0, false
	}
	head := false
	words := 0
	for k := start; k < end; k++ {
		t := toks[k].s
		if unitHeads[t] {
			return "", 0, 0, false
		}
		// The head ends the name, or comes before its "of" or its city:
		// "Hellenic Police", "Ministry of Justice", "Public Prosecutors
		// Office Turin"; not "Internet Service Providers", nor "Command
		// and Control".
		if orgHeads[t] && (k == end-1 || connectors[toks[k+1].s] && toks[k+1].s != "and" && toks[k+1].s != "&" || r.cityFrom(toks, k+1) == end) {
			head = true
		}
		if toks[k].word && !connectors[t] {
			words++
		}
	}
	if !head || words < 2 {
		return "", 0, 0, false
	}
	// "the Canadian Government" is a country's government in general,
	// not a named organisation.
	if toks[end-1].s == "Government" || toks[end-1].s == "Authorities" {
		if p, ok := r.places.at(toks, start); ok && p.end == end-1 {
			return "", 0, 0, false
		}
	}
	// A role is not an organisation: "Chief of the General Staff",
	// "Minister of Foreign Affairs".
	if isRoleWord(toks[start].s) {
		return "", 0, 0, false
	}
	// Generic names without anything of their own ("Federal Police",
	// "National Police") are not names.
	specific := false
	for k := start; k < end; k++ {
		t := toks[k].s
		if toks[k].word && !connectors[t] && !orgHeads[t] && !genericOrgWord[t] {
			specific = true
		}
	}
	if !specific {
		return "", 0, 0, false
	}
	return strings.TrimPrefix(s.text[toks[start].start:toks[end-1].end], "the "), start, end, true
}

var governmentHeads = map[string]bool{"Ministry": true, "Department": true, "Office": true, "Secretariat": true}

// isAbbrev reports a country written short: "US", "UK", "U.S.".
func isAbbrev(toks []token) bool {
	for _, t := range toks {
		if t.word && (!t.allCaps() && len(t.s) > 1) {
			return false
		}
	}
	return true
}

func dayOrMonth(w string) bool {
	switch w {
	case "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday":
		return true
	}
	return months[strings.ToLower(w)] > 0
}

// cityFrom returns where a city name starting at token k ends, or -1.
func (r *Rules) cityFrom(toks []token, k int) int {
	if k >= len(toks) {
		return -1
	}
	if m, ok := r.places.at(toks, k); ok && m.val.kind == "city" {
		return m.end
	}
	return -1
}

var genericOrgWord = map[string]bool{"National": true, "Federal": true, "State": true, "Local": true,
	"Regional": true, "Central": true, "General": true, "Public": true, "Special": true, "Criminal": true,
	"Judicial": true, "Military": true, "Border": true, "Armed": true, "Security": true, "Main": true,
	"High": true, "Supreme": true, "Joint": true}

// orgs turns mentions into the article's organisations in order of first
// mention.
func (r *Rules) orgList(ss []sentence, hits []orgHit) []model.Org {
	idx := map[string]int{}
	var out []model.Org
	for _, h := range hits {
		key := strings.ToLower(normApos(h.name))
		if i, ok := idx[key]; ok {
			out[i].Mentions++
			continue
		}
		o := model.Org{Name: h.name, Mentions: 1, As: ss[h.sent].text[ss[h.sent].toks[h.start].start:ss[h.sent].toks[h.end-1].end], Sentence: clip(ss[h.sent].text)}
		// A unit names its organisation ("UN General Assembly" is the
		// UN's), which is listed under its own name.
		if h.unit {
			key = strings.ToLower(h.info.unitOf.Name)
			if i, ok := idx[key]; ok {
				out[i].Mentions++
				continue
			}
			o.Name = h.info.unitOf.Name
		}
		if h.info != nil {
			o.Kind, o.Country = h.info.Kind, h.info.Country
		}
		idx[key] = len(out)
		out = append(out, o)
	}
	return out
}
