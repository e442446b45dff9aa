package enrich

import (
	"regexp"

	"github.com/sitrep/sitrep/internal/model"
)

// roleWords make up office holders' roles ("Deputy Secretary General",
// "Head of Cybercrime", "Chief of the General Staff").
var roleWords = map[string]bool{
	"Secretary": true, "General": true, "Director": true, "Head": true, "Chief": true,
	"Commissioner": true, "Minister": true, "President": true, "Chairman": true, "Chairwoman": true,
	"Chair": true, "Chairperson": true, "Commander": true, "Ambassador": true, "Prosecutor": true,
	"Spokesperson": true, "Spokesman": true, "Spokeswoman": true, "Officer": true, "Superintendent": true,
	"Inspector": true, "Agent": true, "Executive": true, "Mayor": true, "Governor": true, "Senator": true,
	"Premier": true, "Chancellor": true, "Judge": true,
	"Advisor": true, "Adviser": true, "Coordinator": true, "Manager": true, "Deputy": true,
	"Assistant": true, "Acting": true, "Vice": true, "Undersecretary": true, "Representative": true,
	"Envoy": true, "Attorney": true, "Sheriff": true, "Leader": true, "Founder": true, "CEO": true,
	"Special": true, "Permanent": true, "Prime": true, "Foreign": true, "Defence": true, "Defense": true,
	"Interior": true, "Justice": true, "Home": true, "Senior": true, "Principal": true, "Lead": true,
	"Supreme": true, "Allied": true, "Europe": true, "Chief-of-Staff": true, "Administrator": true,
	"Investigator": true, "Analyst": true, "Expert": true, "Member": true, "Speaker": true,
	"Commanding": true, "Detective": true, "Constable": true, "Counsel": true, "Solicitor": true,
	"Auditor": true, "Comptroller": true, "Registrar": true, "Ombudsman": true, "Rapporteur": true,
	"Lawyer": true, "Barrister": true, "Specialist": true, "Official": true, "Associate": true, "Casework": true,
	"Chief Executive": true, "Executive Director": true, "Officer-in-Charge": true, "Charge": true,
}

// roleStart words can begin a role; roleCore words end one.
var roleCore = map[string]bool{
	"Secretary": true, "General": true, "Director": true, "Head": true, "Chief": true, "Commissioner": true,
	"Minister": true, "President": true, "Chairman": true, "Chairwoman": true, "Chair": true,
	"Chairperson": true, "Commander": true, "Ambassador": true, "Prosecutor": true, "Spokesperson": true,
	"Spokesman": true, "Spokeswoman": true, "Officer": true, "Superintendent": true, "Inspector": true,
	"Agent": true, "Mayor": true, "Governor": true, "Senator": true, "Premier": true, "Chancellor": true,
	"Judge": true, "Advisor": true, "Adviser": true,
	"Coordinator": true, "Manager": true, "Undersecretary": true, "Representative": true, "Envoy": true,
	"Attorney": true, "Sheriff": true, "Leader": true, "CEO": true, "Administrator": true,
	"Investigator": true, "Speaker": true, "Detective": true, "Constable": true, "Counsel": true,
	"Ombudsman": true, "Rapporteur": true, "Registrar": true, "Auditor": true, "Lawyer": true,
	"Barrister": true, "Solicitor": true, "Specialist": true, "Official": true, "Analyst": true,
}

// ranks and honorifics come before names and are not roles.
var ranks = map[string]bool{
	"Mr": true, "Ms": true, "Mrs": true, "Miss": true, "Dr": true, "Prof": true, "Professor": true,
	"Sir": true, "Dame": true, "Lord": true, "Lady": true, "Gen": true, "Lt": true, "Col": true,
	"Maj": true, "Capt": true, "Cpt": true, "Sgt": true, "Adm": true, "Cmdr": true, "Brig": true,
	"Colonel": true, "Major": true, "Captain": true, "Lieutenant": true, "Sergeant": true, "Admiral": true,
	"Brigadier": true, "Marshal": true, "Rear": true, "Air": true, "Gen.": true, "Hon": true,
	"Honourable": true, "Honorable": true, "Datuk": true, "Dato": true, "Datin": true, "Seri": true, "Sri": true,
	"Tan": true, "Sheikh": true, "Shaikh": true, "H.E.": true, "Excellency": true, "Rt": true, "Judge": true,
	"Justice": true, "Amb": true, "Supt": true, "Det": true, "Cpl": true, "Pvt": true, "Navy": true,
	"Army": true, "Sen": true, "Rep": true, "Gov": true, "Insp": true, "Cdr": true, "Commodore": true,
}

var nameSuffixes = map[string]bool{"Jr": true, "Sr": true, "II": true, "III": true, "IV": true}

var nameParticles = map[string]bool{"de": true, "van": true, "von": true, "der": true, "den": true, "los": true, "las": true,
	"da": true, "dos": true, "das": true, "do": true, "bin": true, "al": true, "le": true, "la": true,
	"di": true, "du": true, "del": true, "ten": true, "ter": true, "y": true, "el": true, "ibn": true}

// notNameWords are capitalised words that are not part of persons' names.
var notNameWords = map[string]bool{
	"Operation": true, "Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true,
	"Saturday": true, "Sunday": true, "January": true, "February": true, "March": true, "April": true,
	"May": true, "June": true, "July": true, "August": true, "September": true, "October": true,
	"November": true, "December": true, "I": true, "We": true, "He": true, "She": true, "They": true,
	"It": true, "Day": true, "Global": true, "International": true, "National": true, "Federal": true,
	"European": true, "Union": true, "United": true, "Nations": true, "States": true, "Kingdom": true,
	"Republic": true, "Centre": true, "Center": true, "Task": true, "Force": true, "Network": true,
	"Programme": true, "Program": true, "Project": true, "Summit": true, "Council": true, "Agency": true,
	"Police": true, "Office": true, "Court": true, "Ministry": true, "Department": true, "Headquarters": true,
	"Group": true, "Cyber": true, "Crime": true, "Cybercrime": true, "Internet": true, "Online": true,
	"Notice": true, "Notices": true, "Red": true, "Blue": true, "Yellow": true, "Green": true, "Black": true,
	"Silver": true, "Purple": true, "Orange": true, "Act": true, "Law": true, "Agreement": true, "Treaty": true,
	"Alliance": true, "Allies": true, "Ally": true, "Air": true, "Sea": true, "Land": true, "Forces": true,
	"Photo": true, "Image": true, "Video": true, "Read": true, "More": true, "Related": true, "Share": true,
	"Twitter": true, "Facebook": true, "Instagram": true, "YouTube": true, "LinkedIn": true, "North": true,
	"South": true, "East": true, "West": true, "Northern": true, "Southern": true, "Eastern": true,
	"Western": true, "Central": true, "Africa": true, "Europe": true, "Asia": true, "America": true,
	"Americas": true, "Middle": true, "Pacific": true, "Atlantic": true, "Balkans": true, "Gulf": true,
	"Database": true, "System": true, "Strategy": true, "Report": true, "Award": true, "Awards": true,
	"Prize": true, "Conference": true, "Week": true, "Year": true, "Academy": true, "University": true,
	"School": true, "Street": true, "Road": true, "Avenue": true, "Square": true, "Palace": true,
	"House": true, "Hall": true, "Building": true, "Press": true, "Release": true, "News": true,
	"Statement": true, "Readout": true, "Meeting": true, "Visit": true, "Podcast": true, "Covid": true,
	"COVID": true, "Christmas": true, "Easter": true, "Ramadan": true, "God": true,
	// What follows "Secretary of" or "Minister of" is a portfolio.
	"State": true, "Defense": true, "Defence": true, "Affairs": true, "Interior": true, "Security": true,
	"Homeland": true, "Justice": true, "Foreign": true, "Home": true, "Staff": true, "Chiefs": true,
	"Commerce": true, "Treasury": true, "Health": true, "Energy": true, "Agriculture": true,
	"Education": true, "Transportation": true, "Veterans": true, "Labor": true, "Labour": true,
	"Finance": true, "Economy": true, "Trade": true, "Environment": true, "Climate": true, "Public": true,
	"Diplomacy": true, "Communications": true, "Operations": true, "Intelligence": true,
	"Management": true, "Administration": true, "Development": true, "Cooperation": true,
	"Relations": true, "Integration": true, "Enforcement": true, "Most": true, "Wanted": true,
	"Fugitives": true, "Fugitive": true,
	// Plural roles start lists of office holders, not names.
	"Naval": true, "Combined": true, "Joint": true, "Allied": true, "Striking": true, "Maritime": true,
	"Field": true, "Division": true, "Designation": true, "Kingpin": true, "Command": true,
	"Symposium": true, "Seminar": true, "Workshop": true, "Forum": true, "Course": true, "Training": true,
	"Exercise": true, "Congress": true, "Policing": true, "Defendants": true, "Extradited": true, "Sentenced": true, "Jailed": true, "Charged": true,
	"Attorneys": true, "Officers": true, "Agents": true, "Directors": true, "Ministers": true,
	"Commissioners": true, "Prosecutors": true, "Judges": true, "Detectives": true, "Inspectors": true,
}

// isRoleWord reports whether a capitalised word starts a role.
func isRoleWord(w string) bool {
	return roleCore[w] || w == "Deputy" || w == "Acting" || w == "Vice" || w == "Assistant" || w == "Prime" || w == "Executive"
}

// nameRun is a person-name candidate in a sentence.
type nameRun struct {
	start, end int
	name       string
}

// nameRuns finds runs of two to five capitalised name words (initials with
// their full stop, particles such as "van" and "de", hyphenated parts
// joined) that are neither places, organisations, roles nor ranks.
func (r *Rules) nameRuns(s sentence, blocked []bool) []nameRun {
	toks := s.toks
	var out []nameRun
	blockedOrg := func(k int) bool { return notNameWords[toks[k].s] || roleWords[toks[k].s] }
	isNameTok := func(k int) bool {
		t := toks[k]
		if !t.upper() || blocked[k] || notNameWords[t.s] || roleWords[t.s] || ranks[t.s] || orgHeads[t.s] || unitHeads[t.s] || t.allCaps() && len(t.s) > 1 {
			return false
		}
		return true
	}
	for i := 0; i < len(toks); i++ {
		if !isNameTok(i) || notNameStart[toks[i].s] {
			continue
		}
		// A name does not follow "for", "of" or "the": "Assistant
		// Secretary General for Public Diplomacy" ends in a role.
		if i > 0 && (toks[i-1].s == "for" || toks[i-1].s == "of" || toks[i-1].s == "the") {
			j := i
			for j+1 < len(toks) && (isNameTok(j+1) || toks[j+1].s == "-" && j+2 < len(toks) && toks[j+2].upper()) {
				j++
			}
			// "the extradition of Sebastien Vachon-Desjardins, 34,"
			if !personContext(toks, j+1) {
				i = j
				continue
			}
		}
		j, words := i, 0
		for j < len(toks) {
			switch {
			case isNameTok(j):
				// An initial: "Mark A. Milley".
				if len([]rune(toks[j].s)) == 1 && j+1 < len(toks) && toks[j+1].s == "." {
					j += 2
				} else {
					j++
				}
				words++
				// Hyphenated: "Grabar-Kitarović", "Choy Kin-cheung".
				for j+1 < len(toks) && toks[j].s == "-" && toks[j].start == toks[j-1].end && toks[j+1].start == toks[j].end &&
					(toks[j+1].upper() || toks[j+1].word && len(toks[j+1].s) <= 6 && !toks[j+1].digit()) {
					j += 2
				}
				continue
			case j > i && j+2 < len(toks) && isQuote(toks[j].s) && toks[j+1].upper() && isQuote(toks[j+2].s) && j+3 < len(toks) && isNameTok(j+3):
				j += 3 // a nickname: Michael “Erik” Kurilla
				continue
			case j > i && toks[j-1].s == "." && j >= 2 && len(toks[j-2].s) == 1 && toks[j].upper() && !blockedOrg(j):
				j++ // a surname that is also a place after an initial: Lisa O. Monaco
				words++
				continue
			case nameParticles[toks[j].s] && j > i:
				// "van der Berg", "Pérez de los Cobos": particles, then a name.
				k := j
				for k < len(toks) && nameParticles[toks[k].s] {
					k++
				}
				if k < len(toks) && k-j <= 3 && isNameTok(k) {
					j = k
					continue
				}
			}
			break
		}
		// "Clyde E. Shelley, Jr.", "Amos L. Mazzant, III".
		if words >= 2 {
			k := j
			if k < len(toks) && toks[k].s == "," {
				k++
			}
			if k < len(toks) && nameSuffixes[toks[k].s] {
				j = k + 1
				if j < len(toks) && toks[j].s == "." && toks[j-1].s != "III" && toks[j-1].s != "II" && toks[j-1].s != "IV" {
					j++
				}
			}
		}
		if words >= 2 && words <= 5 {
			out = append(out, nameRun{start: i, end: j, name: s.text[toks[i].start:toks[j-1].end]})
		}
		if j > i {
			i = j - 1
		}
	}
	return out
}

// findPeople finds named persons with the role and organisation the text
// gives them, in order of first mention. A name counts as a person when a
// role or an honorific comes before it, a role follows it after a comma, or
// it says or is said to do something ("said Jens Stoltenberg").
func (r *Rules) findPeople(ss []sentence, places []placeHit, orgHits []orgHit, opHits []opHit) []model.Person {
	// Tokens of places and organisations cannot be names, and an
	// organisation's tokens are where roles get their org from.
	blocked := make([][]bool, len(ss))
	orgAt := make([]map[int]orgHit, len(ss))
	for i, s := range ss {
		blocked[i] = make([]bool, len(s.toks))
		orgAt[i] = map[int]orgHit{}
	}
	for _, h := range places {
		for k := h.tok; k < h.end; k++ {
			blocked[h.sent][k] = true
		}
	}
	for _, h := range orgHits {
		for k := h.start; k < h.end; k++ {
			blocked[h.sent][k] = true
		}
		orgAt[h.sent][h.start] = h
	}
	for _, h := range opHits {
		for k := h.start; k < h.end; k++ {
			blocked[h.sent][k] = true
		}
	}
	placeAt := make([]map[int]placeHit, len(ss))
	for i := range ss {
		placeAt[i] = map[int]placeHit{}
	}
	for _, h := range places {
		placeAt[h.sent][h.tok] = h
	}

	var out []model.Person
	idx := map[string]int{}
	accepted := map[int][]nameRun{}
	var later []pendingName
	for si, s := range ss {
		var pending []nameRun
		// A headline in Title Case makes every word look like a name.
		if s.title && titleCase(s.toks) {
			continue
		}
		runs := r.nameRuns(s, blocked[si])
		inName := make([]bool, len(s.toks))
		for _, nr := range runs {
			for k := nr.start; k < nr.end; k++ {
				inName[k] = true
			}
		}
		for _, nr := range runs {
			role, org, ok := r.roleBefore(s, nr.start, orgAt[si], placeAt[si], inName)
			// "General Rafael Parra, Assistant Director of …": a rank alone
			// is not the role.
			if ranks[role] || role == "General" {
				role = ""
			}
			if !ok || role == "" {
				if role2, org2, ok2 := r.roleAfter(s, nr.end, orgAt[si], placeAt[si]); ok2 {
					role, org, ok = role2, org2, true
				}
			}
			if !ok {
				ok = saysNear(s.toks, nr.start, nr.end) || personContext(s.toks, nr.end)
			}
			if i, seen := idx[nr.name]; seen {
				if out[i].Role == "" && role != "" {
					out[i].Role, out[i].Org = role, org
				}
				continue
			}
			if !ok {
				pending = append(pending, nr)
				continue
			}
			accepted[si] = append(accepted[si], nr)
			idx[nr.name] = len(out)
			out = append(out, model.Person{Name: nr.name, Role: role, Org: org, Sentence: clip(s.text)})
		}
		later = append(later, pendingName{pending, si})
		// Names listed with a person are persons: "Karen Marledis, Ferney
		// Montes Restrepo and Ovidio Isaza Gomez were indicted"; and so is
		// a list of three or more names.
		if len(accepted[si]) > 0 || longList(s.toks, runs) && personCue.MatchString(s.text) {
			for _, nr := range pending {
				if _, seen := idx[nr.name]; !seen && listedWith(s.toks, nr, runs) {
					idx[nr.name] = len(out)
					out = append(out, model.Person{Name: nr.name, Sentence: clip(s.text)})
				}
			}
		}
	}
	// A name whose surname then acts alone is a person's: "Andrew Barrett
	// (16 years), …" and later "Barrett was arrested".
	surnames := map[string]bool{}
	for _, s := range ss {
		for k, t := range s.toks {
			if t.upper() && k+1 < len(s.toks) && (personVerbs[s.toks[k+1].s] || s.toks[k+1].s == "said") &&
				(k == 0 || !s.toks[k-1].upper()) {
				surnames[t.s] = true
			}
		}
	}
	for _, p := range later {
		for _, nr := range p.runs {
			last := ss[p.sent].toks[nr.end-1].s
			if _, seen := idx[nr.name]; !seen && surnames[last] {
				idx[nr.name] = len(out)
				out = append(out, model.Person{Name: nr.name, Sentence: clip(ss[p.sent].text)})
			}
		}
	}
	return out
}

func isQuote(s string) bool { return s == "“" || s == "”" || s == "\"" || s == "'" }

// titleCase reports a headline that capitalises most of its words.
func titleCase(toks []token) bool {
	words, upper := 0, 0
	for _, t := range toks {
		if t.word && !t.digit() && len(t.s) > 3 {
			words++
			if t.upper() {
				upper++
			}
		}
	}
	return words >= 4 && upper*10 >= words*7
}

// pendingName are a sentence's name runs that nothing showed to be persons
// yet.
type pendingName struct {
	runs []nameRun
	sent int
}

// personCue marks a sentence whose list of names is of people: the
// charged, the wanted, the sentenced.
var personCue = regexp.MustCompile(`(?i)\b(charg|indict|sentenc|convict|arrest|defendant|accused|suspect|fugitive|wanted|along with|named|identified as|pleaded)`)

// longList reports a list of three or more names in a sentence.
func longList(toks []token, runs []nameRun) bool {
	n := 0
	for i := range runs {
		if listedWith(toks, runs[i], runs) {
			n++
		}
	}
	return n >= 3
}

// personContext reports what only follows a person's name: an age
// (", 45,", " (45)") or a verb of what people do in court and in the news.
func personContext(toks []token, end int) bool {
	if end+2 < len(toks) && (toks[end].s == "," || toks[end].s == "(") && toks[end+1].digit() && len(toks[end+1].s) <= 2 &&
		(toks[end+2].s == "," || toks[end+2].s == ")") {
		return true
	}
	if end < len(toks) && personVerbs[toks[end].s] {
		return true
	}
	// "X, a.k.a. “Pirata”"
	if end+2 < len(toks) && toks[end].s == "," && toks[end+1].s == "a" && toks[end+2].s == "." {
		return true
	}
	// An apposition: "Mark Lilley, one of Britain's most wanted", "Thomas
	// Holden, wanted for murder".
	if end+1 < len(toks) && toks[end].s == "," {
		switch toks[end+1].s {
		case "who", "whose", "aged", "age", "wanted", "aka", "alias":
			return true
		case "one":
			return end+2 < len(toks) && toks[end+2].s == "of"
		}
	}
	return false
}

var personVerbs = map[string]bool{"pleaded": true, "pled": true, "admitted": true, "confessed": true, "faces": true,
	"fled": true, "surrendered": true, "allegedly": true, "testified": true, "resigned": true, "died": true,
	"was": true, "were": true, "is": true, "has": true, "had": true}

// listedWith reports a name run in a list (commas, "and") that reaches
// another name run of the sentence.
func listedWith(toks []token, nr nameRun, runs []nameRun) bool {
	for _, o := range runs {
		if o.start == nr.start {
			continue
		}
		a, b := nr, o
		if o.start < nr.start {
			a, b = o, nr
		}
		between := toks[a.end:b.start]
		if len(between) == 0 || len(between) > 2 {
			continue
		}
		ok := true
		for _, t := range between {
			if t.s != "," && t.s != "and" {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// roleBefore reads a role that ends right before a name, skipping ranks
// and honorifics: "NATO Secretary General Jens Stoltenberg", "Chairman of
// the Joint Chiefs of Staff Gen. Mark A. Milley", "Ms Vjosa Osmani". ok is
// true when a role or an honorific is there.
func (r *Rules) roleBefore(s sentence, nameStart int, orgAt map[int]orgHit, placeAt map[int]placeHit, inName []bool) (role, org string, ok bool) {
	toks := s.toks
	k := nameStart
	honorific := false
	for k > 0 {
		p := toks[k-1]
		if p.s == "." && k > 1 && ranks[toks[k-2].s] {
			k -= 2
			honorific = true
			continue
		}
		// "Ambassador" right before a name is a title, not the role.
		if ranks[p.s] || p.s == "Ambassador" {
			k--
			honorific = true
			continue
		}
		break
	}
	// "the Prime Minister of Latvia, Evika Siliņa".
	if k > 1 && toks[k-1].s == "," {
		k--
	}
	end := k
	// Walk back over the role: role words, capitalised words and
	// connectors, to a role start, but not into another name.
	start := -1
	for j := end - 1; j >= 0 && end-j <= 14; j-- {
		t := toks[j]
		if inName[j] || !(t.upper() || connectors[t.s] || t.s == "in" || t.s == "former" || t.s == "'" || t.s == "s" || t.s == "-" || t.s == "’" ||
			t.s == "." && j > 0 && len(toks[j-1].s) == 1 && toks[j-1].upper()) {
			break
		}
		if roleWords[t.s] || isRoleWord(t.s) {
			start = j
		}
	}
	if start < 0 {
		return "", "", honorific
	}
	// "U.S. Attorney", "U.S. District Judge" are titles of their own.
	if start >= 4 && toks[start-1].s == "." && toks[start-2].s == "S" && toks[start-3].s == "." && toks[start-4].s == "U" &&
		(toks[start].s == "Attorney" || toks[start].s == "District" || toks[start].s == "Magistrate" || toks[start].s == "Marshal") {
		start -= 4
	}
	// Extend left over an org name or demonym directly before the role
	// ("NATO Secretary General", "INTERPOL's Director").
	for j := start - 1; j >= 0; j-- {
		if h, found := orgAtEnd(orgAt, j); found {
			org = h.name
			break
		}
		if toks[j].s == "former" {
			start = j
			continue
		}
		if toks[j].s == "s" || toks[j].s == "'" {
			continue
		}
		break
	}
	role, org2 := r.splitRole(s, start, end, orgAt, placeAt)
	if org == "" {
		org = org2
	}
	return role, org, true
}

// roleAfter reads a role after "Name, ": "Jürgen Stock, INTERPOL Secretary
// General", "Ghada Waly, Executive Director of UNODC".
func (r *Rules) roleAfter(s sentence, nameEnd int, orgAt map[int]orgHit, placeAt map[int]placeHit) (role, org string, ok bool) {
	toks := s.toks
	k := nameEnd
	if k >= len(toks) || toks[k].s != "," {
		return "", "", false
	}
	k++
	if k < len(toks) && (toks[k].s == "the" || toks[k].s == "The") {
		k++
	}
	if k < len(toks) {
		if h, found := orgAt[k]; found {
			org = h.name
			k = h.end
			if k+1 < len(toks) && toks[k].s == "'" && toks[k+1].s == "s" {
				k += 2
			}
		} else if p, found := placeAt[k]; found {
			// "Norway's Minister of …", "Turkish Chief of …".
			k = p.end
			if k+1 < len(toks) && toks[k].s == "'" && toks[k+1].s == "s" {
				k += 2
			}
		}
	}
	start := k
	if k < len(toks) && toks[k].s == "former" {
		k++
	}
	// "Specialist Fraud Prosecutor": a role may open with other words.
	if k < len(toks) && toks[k].upper() && !(roleWords[toks[k].s] || isRoleWord(toks[k].s)) {
		for j := k + 1; j < len(toks) && j < k+4 && toks[j].upper(); j++ {
			if roleCore[toks[j].s] {
				k = j
				break
			}
		}
	}
	if k >= len(toks) || !(roleWords[toks[k].s] || isRoleWord(toks[k].s)) {
		return "", "", false
	}
	end := k
	for end < len(toks) && end-k < 14 {
		t := toks[end]
		if t.upper() || connectors[t.s] || t.s == "in" || t.s == "'" || t.s == "s" && end > 0 && toks[end-1].s == "'" || t.s == "-" ||
			t.s == "." && end > 0 && len(toks[end-1].s) == 1 && toks[end-1].upper() {
			end++
			continue
		}
		break
	}
	role, org2 := r.splitRole(s, start, end, orgAt, placeAt)
	if org == "" {
		org = org2
	}
	// "Special Agent in Charge, FBI New Orleans".
	if org == "" && end+1 < len(toks) && toks[end].s == "," {
		if h, found := orgAt[end+1]; found {
			org = h.name
		}
	}
	return role, org, role != ""
}

// splitRole splits a role phrase toks[start:end] into the role and the
// organisation it names: "Chairman of the Joint Chiefs of Staff" →
// Chairman, Joint Chiefs of Staff; "Minister of Foreign Affairs of the
// Netherlands" → Minister of Foreign Affairs (a country is not an org);
// "Director of INTERPOL's Financial Crime Centre" → Director, INTERPOL.
func (r *Rules) splitRole(s sentence, start, end int, orgAt map[int]orgHit, placeAt map[int]placeHit) (role, org string) {
	toks := s.toks
	cut := end
	for j := start; j < end; j++ {
		if h, found := orgAt[j]; found {
			org = h.name
			cut = j
			break
		}
		// A country ends the role ("Minister of Foreign Affairs of the
		// Netherlands") unless a role word follows it ("Acting U.S.
		// Attorney").
		if p, found := placeAt[j]; found && p.kind != "demonym" && !(p.end < end && (roleWords[toks[p.end].s] || roleCore[toks[p.end].s])) {
			cut = j
			break
		}
	}
	// "Supreme Allied Commander Transformation and General Denis
	// Mercier": the role ends before "and" and a rank.
	for j := start; j+1 < cut; j++ {
		if toks[j].s == "and" && (ranks[toks[j+1].s] || toks[j+1].s == "General") {
			cut = j
			break
		}
	}
	// Drop trailing connectors and possessives before the cut.
	for cut > start && (connectors[toks[cut-1].s] || toks[cut-1].s == "in" || toks[cut-1].s == "'" || toks[cut-1].s == "," || toks[cut-1].s == "-") {
		cut--
	}
	// Trailing words after the last role word that are not part of an
	// "of …" tail are not the role ("Director Europol" is not a role).
	last := -1
	hasOf := false
	for j := start; j < cut; j++ {
		if roleWords[toks[j].s] || isRoleWord(toks[j].s) {
			last = j
		}
		if toks[j].s == "of" || toks[j].s == "for" {
			hasOf = true
		}
	}
	if last < 0 {
		return "", org
	}
	if !hasOf {
		cut = last + 1
	}
	for start < cut && (toks[start].s == "the" || toks[start].s == "The") {
		start++
	}
	if start >= cut {
		return "", org
	}
	return s.text[toks[start].start:toks[cut-1].end], org
}

// orgAtEnd is the organisation whose name ends at token j; the longest
// when several do.
func orgAtEnd(orgAt map[int]orgHit, j int) (orgHit, bool) {
	best, ok := orgHit{}, false
	for start := j; start >= 0 && j-start < 12; start-- {
		if h, found := orgAt[start]; found && h.end-1 == j {
			best, ok = h, true
		}
	}
	return best, ok
}

// speech are the verbs that tell a person by what they say or do.
var speech = map[string]bool{"said": true, "says": true, "stated": true, "added": true, "explained": true,
	"noted": true, "stressed": true, "underlined": true, "emphasised": true, "emphasized": true,
	"commented": true, "told": true, "welcomed": true, "thanked": true, "met": true, "visited": true}

// saysNear reports a speech verb next to a name: "said Jens Stoltenberg",
// "Jens Stoltenberg said".
func saysNear(toks []token, start, end int) bool {
	if end < len(toks) && speech[toks[end].s] {
		return true
	}
	if start > 0 && speech[toks[start-1].s] {
		return true
	}
	return false
}
