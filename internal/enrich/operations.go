package enrich

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

// opHit is one mention of a named operation.
type opHit struct {
	name       string
	sent       int
	start, end int
}

var opKindWords = map[string]bool{"operation": true, "operations": true, "campaign": true, "project": true, "mission": true,
	"programme": true, "program": true, "initiative": true, "exercise": true, "taskforce": true}

var opHeadWords = map[string]bool{"Operation": true, "Project": true, "Exercise": true, "Campaign": true, "Action": true,
	"Programme": true, "Program": true, "Taskforce": true, "Initiative": false}

var ordinals = map[string]bool{"first": true, "second": true, "third": true, "fourth": true, "fifth": true,
	"sixth": true, "seventh": true, "eighth": true, "ninth": true, "tenth": true, "annual": true, "latest": true}

// opStop ends an operation's name: "Operation Inherent Resolve News
// Release" is Operation Inherent Resolve.
var opStop = map[string]bool{"News": true, "Release": true, "Press": true, "Statement": true, "Update": true,
	"Photo": true, "Video": true, "Report": true}

// genericOpWords name no operation on their own.
var genericOpWords = map[string]bool{"Joint": true, "Action": true, "Day": true, "Days": true, "Pan": true,
	"European": true, "International": true, "Global": true, "Regional": true, "National": true,
	"Coordinated": true, "Operational": true, "Large": true, "Scale": true, "EU": true, "Europe": true,
	"Cross": true, "Border": true, "Week": true}

// opFollowers may follow an operation's name in running text.
var opFollowers = map[string]bool{"and": true, "which": true, "was": true, "is": true, "has": true, "had": true,
	"in": true, "to": true, "led": true, "targeting": true, "targeted": true, "saw": true, "resulted": true,
	"involved": true, "took": true, "ran": true, "began": true, "started": true, "ended": true}

// namedThings are what "known as X" names an operation after.
var namedThings = map[string]bool{"operation": true, "programme": true, "program": true, "project": true,
	"initiative": true, "campaign": true, "upgrade": true, "exercise": true, "mission": true, "plan": true,
	"scheme": true, "phase": true, "crackdown": true, "effort": true, "taskforce": true}

var romanNumeral = regexp.MustCompile(`^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$`)

// findOperations finds named operations, programmes and campaigns:
// "Operation Jackal", "Operation Jackal 2022", "Exercise Steadfast
// Defender", "the Africa Cyber Surge II operation", "Support Programme
// for …", "National Victim Identification Taskforce", and names given
// with "codenamed" or "dubbed".
func (r *Rules) findOperations(ss []sentence, orgHits []orgHit, places []placeHit) []opHit {
	isOrgTok := make([]map[int]bool, len(ss))
	for i := range ss {
		isOrgTok[i] = map[int]bool{}
	}
	for _, h := range orgHits {
		for k := h.start; k < h.end; k++ {
			isOrgTok[h.sent][k] = true
		}
	}
	var hits []opHit
	add := func(si, start, end int) {
		s := ss[si]
		name := strings.Trim(s.text[s.toks[start].start:s.toks[end-1].end], "'\"“”‘’ ")
		name = strings.NewReplacer("‘", "", "’", "", "“", "", "”", "", "'", "", "\"", "").Replace(name)
		name = strings.Join(strings.Fields(name), " ")
		// Not a date ("May 2020") nor a bare number.
		if name == "" || months[strings.ToLower(strings.Fields(name)[0])] > 0 || name[0] >= '0' && name[0] <= '9' {
			return
		}
		hits = append(hits, opHit{name: name, sent: si, start: start, end: end})
	}
	for si, s := range ss {
		toks := s.toks
		for i := 0; i < len(toks); i++ {
			t := toks[i]
			// "Operation Jackal", "Exercise Steadfast Defender 2024".
			// "Action Danube", not "Action Day".
			if t.s == "Action" && (i+1 >= len(toks) || toks[i+1].s == "Day" || toks[i+1].s == "Days" || toks[i+1].s == "Plan") {
				continue
			}
			if opHeadWords[t.s] && t.s != "Initiative" || (t.s == "operation" || t.s == "codenamed" || t.s == "dubbed") {
				j := i + 1
				quoted := false
				for j < len(toks) && (toks[j].s == "'" || toks[j].s == "\"" || toks[j].s == "“" || toks[j].s == "‘") {
					j++
					quoted = true
				}
				k := j
				for k < len(toks) && (toks[k].upper() || (k > j && toks[k].digit() && (len(toks[k].s) == 4 || k+1 == len(toks) || !toks[k+1].word || toks[k+1].upper())) || (k > j && romanNumeral.MatchString(toks[k].s)) || (quoted && toks[k].word) || (k > j && toks[k].s == "-" && k+1 < len(toks) && toks[k+1].word)) {
					if (months[strings.ToLower(toks[k].s)] > 0 || notNameStart[toks[k].s] || opStop[toks[k].s]) && !quoted {
						break
					}
					if isOrgTok[si][k] && k == j {
						break
					}
					k++
				}
				// Lower-case "operation X" names one only after "the" or
				// "an" ("the operation Jackal"), not in "this operation
				// Revenue officers seized".
				lowerOK := t.s != "operation" || quoted || j < len(toks) && toks[j].upper() && i > 0 && (toks[i-1].s == "the" || toks[i-1].s == "an" || toks[i-1].s == "The") &&
					(k == len(toks) || !toks[k].word || opFollowers[toks[k].s])
				if k > j && lowerOK {
					if t.s == "codenamed" || t.s == "dubbed" || (t.s == "operation" && !quoted) {
						add(si, j, k)
					} else {
						if t.s == "operation" {
							add(si, j, k)
						} else if i > 0 && (toks[i-1].s == "Joint" || toks[i-1].s == "Coordinated") {
							add(si, i-1, k) // "Joint Operation Terra"
						} else {
							add(si, i, k)
						}
					}
					i = k
					continue
				}
			}
		}
		// "The upgrade, known as ICSE Next Generation, …".
		for i := 0; i+1 < len(toks); i++ {
			w := toks[i].s
			k := i + 1
			if w == "known" && toks[i+1].s == "as" {
				k = i + 2
			} else if w != "called" && w != "named" && w != "titled" && w != "entitled" {
				continue
			}
			if k >= len(toks) || !toks[k].upper() || isOrgTok[si][k] {
				continue
			}
			noun := false
			for j := max(0, i-3); j < i; j++ {
				if namedThings[strings.ToLower(toks[j].s)] {
					noun = true
				}
			}
			if !noun {
				continue
			}
			e := k
			for e < len(toks) && (toks[e].upper() || toks[e].digit() && e > k) {
				e++
			}
			add(si, k, e)
		}
		// "the Africa Cyber Surge II operation", "Support Programme for the
		// African Union", "National Victim Identification Taskforce".
		for _, run := range capRuns(toks) {
			start, end := trimRun(toks, run[0], run[1])
			// "NATO's Air Policing mission" is the mission.
			for k := start; k+2 < end; k++ {
				if toks[k+1].s == "'" && toks[k+2].s == "s" {
					start = k + 3
					break
				}
			}
			if start >= end || opHeadWords[toks[start].s] || slices.ContainsFunc(toks[start:end], func(t token) bool { return t.s == "Operation" }) {
				continue
			}
			// Not an organisation's operation ("a joint GNDOCB and Revenue
			// operation") nor an office holder ("Senior Programme
			// Coordinator").
			skip := false
			for k := start; k < end; k++ {
				if isOrgTok[si][k] || toks[k].s == "and" || roleCore[toks[k].s] {
					skip = true
				}
			}
			// Generic words alone are no name: "Joint Action Days", "a
			// pan-European operation".
			generic := true
			for k := start; k < end; k++ {
				if toks[k].word && !genericOpWords[toks[k].s] {
					generic = false
				}
			}
			if skip || generic {
				continue
			}
			hasHead := false
			for k := start; k < end; k++ {
				if opHeadWords[toks[k].s] || toks[k].s == "Task" && k+1 < end && toks[k+1].s == "Force" {
					hasHead = true
				}
			}
			words := 0
			for k := start; k < end; k++ {
				if toks[k].word && !connectors[toks[k].s] {
					words++
				}
			}
			followed := end < len(toks) && opKindWords[toks[end].s] && (words >= 2 || start > 0 && (toks[start-1].s == "the" || toks[start-1].s == "an" || toks[start-1].s == "a"))
			// A task force is a standing unit, unless it is a numbered
			// event ("the third National Victim Identification
			// Taskforce").
			taskForce := toks[end-1].s == "Taskforce" || end-start >= 2 && toks[end-2].s == "Task" && toks[end-1].s == "Force"
			if hasHead && taskForce {
				switch {
				case start > 0 && toks[start-1].digit():
					start-- // "the 14 Victim Identification Task Force"
				case start > 0 && ordinals[strings.ToLower(toks[start-1].s)]:
				default:
					hasHead = false
				}
			}
			if hasHead || followed {
				// "INTERPOL's Support Programme …" is the programme.
				for k := start; k+2 < end; k++ {
					if toks[k+1].s == "'" && toks[k+2].s == "s" {
						start = k + 3
						break
					}
				}
				if end-start > 12 || start >= end {
					continue
				}
				add(si, start, end)
			}
		}
	}
	// A programme named by an acronym and a phase ("LEAP II") is also
	// named by its acronym alone and its other phases ("LEAP", "LEAP I");
	// and every name found once is a mention wherever it recurs
	// ("Identify Me was first launched …").
	names := newGazetteer[string]()
	for _, h := range hits {
		names.add(h.name, h.name)
		if m := acronymPhase.FindStringSubmatch(h.name); m != nil {
			names.add(m[1], m[1])
			for _, n := range []string{"I", "II", "III", "IV", "V"} {
				names.add(m[1]+" "+n, m[1]+" "+n)
			}
		}
	}
	for si, s := range ss {
		for _, m := range names.find(s.toks) {
			covered := false
			for _, h := range hits {
				if h.sent == si && h.start < m.end && m.start < h.end {
					covered = true
				}
			}
			if !covered {
				add(si, m.start, m.end)
			}
		}
	}
	return hits
}

var acronymPhase = regexp.MustCompile(`^([A-Z]{2,}) (?:I|II|III|IV|V|VI)$`)

// operations turns mentions into the article's operations with their
// agency and period.
func (r *Rules) operations(ss []sentence, hits []opHit, orgHits []orgHit, published time.Time) []model.Operation {
	idx := map[string]int{}
	var out []model.Operation
	sentsOf := map[string][]int{}
	for _, h := range hits {
		key := strings.ToLower(h.name)
		sentsOf[key] = append(sentsOf[key], h.sent)
		if _, ok := idx[key]; ok {
			continue
		}
		idx[key] = len(out)
		out = append(out, model.Operation{Name: h.name, Sentence: clip(ss[h.sent].text)})
	}
	year := published.Year() // Enrich's caller dates undated articles; year 1 finds nothing
	lead := articleAgency(ss, orgHits)
	for i := range out {
		op := &out[i]
		key := strings.ToLower(op.Name)
		if m := trailingYear.FindStringSubmatch(op.Name); m != nil {
			op.Period = m[1]
		}
		// The first mentions say who leads it and when, if anything does.
		for _, si := range sentsOf[key][:min(len(sentsOf[key]), 20)] {
			if op.Agency == "" {
				op.Agency = agencyIn(ss[si], orgHits, si)
			}
			if op.Period == "" {
				op.Period = periodIn(ss[si].text, year)
			}
		}
		if op.Agency == "" {
			op.Agency = lead
		}
	}
	return out
}

var (
	actionAfter = regexp.MustCompile(`^(-led|-coordinated|-supported|'s|’s)?\s+(global |international |joint |regional |worldwide |new |large-scale )?(crackdown|operations?|campaigns?|initiatives?|programmes?|programs?|projects?|action days?|investigations?)\b`)
	leadBefore  = regexp.MustCompile(`(led|coordinated|organi[sz]ed|spearheaded|launched|run) by (the )?$`)
	actionWords = regexp.MustCompile(`(?i)\b(operations?|crackdown|campaigns?|programmes?|programs?|projects?|initiatives?|coalition|action days?)\b`)
)

// articleAgency is who leads the article's operations when no sentence
// that names one says: the organisation of "an INTERPOL crackdown",
// "INTERPOL operations" or "a coalition led by INTERPOL".
func articleAgency(ss []sentence, orgHits []orgHit) string {
	for _, h := range orgHits {
		s := ss[h.sent]
		after := s.text[s.toks[h.end-1].end:]
		after = after[:min(len(after), 60)]
		before := s.text[:s.toks[h.start].start]
		before = before[max(0, len(before)-40):]
		if actionAfter.MatchString(after) || leadBefore.MatchString(before) && actionWords.MatchString(s.text) {
			return h.name
		}
	}
	return ""
}

var trailingYear = regexp.MustCompile(` ((?:19|20)\d\d)$`)

// agencyIn finds who leads an operation in a sentence that names it:
// "INTERPOL-coordinated", "coordinated by Europol", "INTERPOL and AFRIPOL
// have coordinated an operation", "Europol's Operation X".
func agencyIn(s sentence, orgHits []orgHit, si int) string {
	var in []orgHit
	for _, h := range orgHits {
		if h.sent == si {
			in = append(in, h)
		}
	}
	if len(in) == 0 {
		return ""
	}
	lower := strings.ToLower(s.text)
	for _, h := range in {
		after := ""
		if h.end < len(s.toks) {
			after = strings.ToLower(s.text[s.toks[h.end-1].end:min(len(s.text), s.toks[h.end-1].end+40)])
		}
		before := strings.ToLower(s.text[max(0, s.toks[h.start].start-30):s.toks[h.start].start])
		if strings.HasPrefix(after, "-coordinated") || strings.HasPrefix(after, "-led") || strings.HasPrefix(after, "’s") ||
			strings.HasPrefix(after, "'s") || strings.HasPrefix(after, "-supported") || strings.HasPrefix(after, "-backed") {
			return h.name
		}
		for _, v := range []string{"coordinated by ", "led by ", "organised by ", "organized by ", "launched by ", "spearheaded by ", "run by ", "coordinated by the ", "led by the ", "initiated by "} {
			if strings.HasSuffix(before, v) {
				return h.name
			}
		}
		// "the ACCCE VIU hosted …": a unit's acronym may come between.
		if m := leadingAcronym.FindString(after); m != "" {
			after = after[len(m):]
		}
		for _, v := range []string{" coordinated", " have coordinated", " has coordinated", " led", " launched", " organised", " organized", " ran ", " conducted", " have launched", " has launched", " partnered", " coordinates", " leads", " hosted", " has hosted", " organises", " organizes"} {
			if strings.HasPrefix(after, v) || (strings.Contains(after, " and ") && strings.Contains(after, v)) {
				return h.name
			}
		}
	}
	if strings.Contains(lower, "coordinat") || strings.Contains(lower, " led ") || strings.Contains(lower, "launched") {
		return in[0].name
	}
	return ""
}

var leadingAcronym = regexp.MustCompile(`^ [a-z]*[A-Z]{2,}\b`)

var months = map[string]int{"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}

const monthRe = `(January|February|March|April|May|June|July|August|September|October|November|December)`

var (
	monthWord  = regexp.MustCompile(monthRe)
	dayRange   = regexp.MustCompile(`(?:[Bb]etween|[Ff]rom)\s+(\d{1,2})(?:\s+` + monthRe + `)?\s+(?:and|to|until)\s+(\d{1,2})\s+` + monthRe + `(?:\s+((?:19|20)\d\d))?`)
	dashRange  = regexp.MustCompile(`\b(\d{1,2})\s*[–-]\s*(\d{1,2})\s+` + monthRe + `(?:\s+((?:19|20)\d\d))?`)
	monthRange = regexp.MustCompile(`(?:[Bb]etween|[Ff]rom)\s+` + monthRe + `(?:\s+((?:19|20)\d\d))?\s+(?:and|to|until)\s+` + monthRe + `(?:\s+((?:19|20)\d\d))?`)
	yearRange  = regexp.MustCompile(`(?:[Bb]etween|[Ff]rom)\s+((?:19|20)\d\d)\s+(?:and|to|until)\s+((?:19|20)\d\d)`)
	sinceMonth = regexp.MustCompile(`(?:[Ss]ince|[Ll]aunched in|[Ss]tarted in|[Bb]egan in|[Ll]aunched|[Ss]tarted|[Bb]egan)\s+(?:in\s+)?` + monthRe + `(?:\s+((?:19|20)\d\d)|\s+of this year)`)
	duration   = regexp.MustCompile(`\b(\w+)-month\b`)
	inMonth    = regexp.MustCompile(`(?:[Ii]n|[Dd]uring|[Tt]hroughout)\s+` + monthRe + `(?:\s+((?:19|20)\d\d))?`)
)

// isoRange writes a period of two days, if both exist and come in order.
func isoRange(y1, m1, d1, y2, m2, d2 int) (string, bool) {
	a := time.Date(y1, time.Month(m1), d1, 0, 0, 0, 0, time.UTC)
	b := time.Date(y2, time.Month(m2), d2, 0, 0, 0, 0, time.UTC)
	if a.Day() != d1 || b.Day() != d2 || b.Before(a) { // "31 February" rolls over
		return "", false
	}
	return a.Format(time.DateOnly) + "/" + b.Format(time.DateOnly), true
}

// periodIn reads an operation's period from a sentence, in ISO form;
// year is the article's year for dates that give none.
func periodIn(text string, year int) string {
	if !strings.ContainsAny(text, "0123456789") && !monthWord.MatchString(text) {
		return "" // every period pattern has a number or a month
	}
	y := func(s string) int {
		if s == "" {
			return year
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	if m := dayRange.FindStringSubmatch(text); m != nil {
		m2 := months[strings.ToLower(m[4])]
		m1 := m2
		if m[2] != "" {
			m1 = months[strings.ToLower(m[2])]
		}
		d1, _ := strconv.Atoi(m[1])
		d2, _ := strconv.Atoi(m[3])
		yy := y(m[5])
		// "from 28 December to 3 January 2024" starts the year before.
		y1 := yy
		if m1 > m2 {
			y1--
		}
		if p, ok := isoRange(y1, m1, d1, yy, m2, d2); ok {
			return p
		}
		return ""
	}
	if m := dashRange.FindStringSubmatch(text); m != nil {
		mm := months[strings.ToLower(m[3])]
		d1, _ := strconv.Atoi(m[1])
		d2, _ := strconv.Atoi(m[2])
		yy := y(m[4])
		if p, ok := isoRange(yy, mm, d1, yy, mm, d2); ok && d1 < d2 {
			return p
		}
	}
	if m := monthRange.FindStringSubmatch(text); m != nil {
		y2 := y(m[4])
		y1 := y2
		if m[2] != "" {
			y1 = y(m[2])
		}
		return fmt.Sprintf("%04d-%02d/%04d-%02d", y1, months[strings.ToLower(m[1])], y2, months[strings.ToLower(m[3])])
	}
	if m := yearRange.FindStringSubmatch(text); m != nil {
		return m[1] + "/" + m[2]
	}
	if m := sinceMonth.FindStringSubmatch(text); m != nil {
		start := time.Date(y(m[2]), time.Month(months[strings.ToLower(m[1])]), 1, 0, 0, 0, 0, time.UTC)
		// "The four-month … operation was launched in April 2023".
		if d := duration.FindStringSubmatch(text); d != nil {
			n := int(wordNumbers[strings.ToLower(d[1])])
			if n == 0 {
				n, _ = strconv.Atoi(d[1])
			}
			if n > 1 && n <= 36 {
				end := start.AddDate(0, n-1, 0)
				return start.Format("2006-01") + "/" + end.Format("2006-01")
			}
		}
		return start.Format("2006-01") + "/"
	}
	if m := inMonth.FindStringSubmatch(text); m != nil && m[2] != "" {
		return fmt.Sprintf("%04d-%02d", y(m[2]), months[strings.ToLower(m[1])])
	}
	return ""
}
