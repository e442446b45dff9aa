package enrich

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/model"
)

var wordNumbers = map[string]float64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
	"fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
	"dozen": 12, "a dozen": 12}

// numTok is one quantity in a sentence.
type numTok struct {
	start, end int // bytes
	value      float64
	currency   string
	word       bool // written as a word ("four")
	dollar     bool // a bare "$": which dollar depends on the article
}

// parseNumbers finds the quantities of a sentence from its tokens:
// digits with thousands separators ("1,110", "77 000"), decimals ("2.15"),
// number words ("four", "twenty-five", "a dozen"), a scale ("million", "M",
// "bn") and a currency before or after ("EUR 2.15M", "€5 million", "US$
// 40 million", "3 million euros"). A number that runs into letters is a
// quantity only with a unit ("6kg") or a scale ("2.15M"): not "2nd".
func parseNumbers(text string, toks []token, currencies map[string]bool) []numTok {
	var out []numTok
	lastEnd := 0 // quantities never overlap: "5 EUR 10" is 5 euros, then 10
	adjacent := func(i int) bool { return toks[i-1].end == toks[i].start }
	// spaced: one space (or no-break space) between tokens i-1 and i.
	spaced := func(i int) bool {
		gap := text[toks[i-1].end:toks[i].start]
		return gap == " " || gap == "\u00a0" || gap == "\u202f" || gap == ""
	}
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		lower := strings.ToLower(t.s)
		var (
			n      numTok
			num    string
			suffix string
			j      = k + 1 // the token after the number
		)
		n.start = t.start
		switch {
		case t.digit():
			// "Erimin-5", "Covid-19": a number inside a name.
			if k >= 2 && toks[k-1].s == "-" && adjacent(k) && adjacent(k-1) && toks[k-2].word && !toks[k-2].digit() {
				continue
			}
			num, suffix = splitDigits(t.s)
			n.end = t.start + len(num)
			// A decimal comma before a scale: "EUR 1,8 million".
			if suffix == "" && j+2 < len(toks) && toks[j].s == "," && adjacent(j) && adjacent(j+1) && len(toks[j+1].s) <= 2 &&
				toks[j+1].digit() && isScaleWord(toks[j+2].s) {
				num += "." + toks[j+1].s
				n.end = toks[j+1].end
				j += 2
			}
			if suffix == "" && len(num) <= 3 {
				// Thousands: "1,110,000", else "77 000".
				for j+1 < len(toks) && toks[j].s == "," && adjacent(j) && adjacent(j+1) && isGroup(toks[j+1].s) {
					num += toks[j+1].s
					n.end = toks[j+1].end
					j += 2
				}
				if j == k+1 {
					for j < len(toks) && isGroup(toks[j].s) && spaced(j) && toks[j].start > toks[j-1].end {
						num += toks[j].s
						n.end = toks[j].end
						j++
					}
				}
			}
			if suffix == "" && j+1 < len(toks) && toks[j].s == "." && adjacent(j) && adjacent(j+1) && toks[j+1].digit() {
				d, suf := splitDigits(toks[j+1].s)
				num += "." + d
				suffix = suf
				n.end = toks[j+1].start + len(d)
				j += 2
			}
		case (lower == "a" || lower == "an") && k+1 < len(toks) && aUnit[strings.ToLower(toks[k+1].s)]:
			// "more than a tonne of methamphetamine", "a million euros".
			n.word, n.value, n.end = true, 1, t.end
		case t.word && wordNumbers[lower] > 0:
			n.word = true
			n.value = wordNumbers[lower]
			n.end = t.end
			// "twenty-five"
			if j+1 < len(toks) && toks[j].s == "-" && adjacent(j) && adjacent(j+1) && wordNumbers[strings.ToLower(toks[j+1].s)] > 0 && n.value >= 20 {
				n.value += wordNumbers[strings.ToLower(toks[j+1].s)]
				n.end = toks[j+1].end
				j += 2
			}
			// "a dozen", "a hundred".
			if (lower == "dozen" || lower == "hundred") && k > 0 && strings.EqualFold(toks[k-1].s, "a") {
				n.start = toks[k-1].start
			}
		default:
			continue
		}
		numEnd := n.end // before any scale
		var scale float64 = 1
		scaleWord := ""
		switch strings.ToLower(suffix) {
		case "":
		case "m", "mn":
			scale, scaleWord = 1e6, "m"
			n.end = toks[j-1].end
		case "bn", "billion":
			scale = 1e9
			n.end = toks[j-1].end
		case "million":
			scale = 1e6
			n.end = toks[j-1].end
		case "k", "thousand":
			scale = 1e3
			n.end = toks[j-1].end
		default:
			if _, ok := goodsUnits[strings.ToLower(suffix)]; !ok {
				k = j - 1
				continue // "2nd", "7pm"
			}
		}
		// A scale word: "2 million", "two hundred".
		if suffix == "" && j < len(toks) && spaced(j) {
			switch strings.ToLower(toks[j].s) {
			case "million", "mn":
				scale, n.end, j = 1e6, toks[j].end, j+1
			case "m":
				scale, scaleWord, n.end, j = 1e6, "m", toks[j].end, j+1
			case "billion", "bn":
				scale, n.end, j = 1e9, toks[j].end, j+1
			case "thousand", "k":
				scale, n.end, j = 1e3, toks[j].end, j+1
			case "hundred":
				if n.word {
					scale, n.end, j = 100, toks[j].end, j+1
				}
			}
		}
		// A currency before: "EUR 5,000", "€5", "US$ 40", "A$3".
		if k > 0 && (adjacent(k) || spaced(k)) && toks[k-1].start >= lastEnd {
			p := toks[k-1]
			switch {
			case p.s == "€":
				n.currency, n.start = "EUR", p.start
			case p.s == "£":
				n.currency, n.start = "GBP", p.start
			case p.s == "$":
				n.currency, n.dollar, n.start = "USD", true, p.start
				if k > 1 && adjacent(k-1) {
					if c, ok := dollarPrefixes[toks[k-2].s]; ok {
						n.currency, n.dollar, n.start = c, false, toks[k-2].start
					}
				}
			case len(p.s) == 3 && p.allCaps() && currencies[p.s] && !n.word:
				n.currency, n.start = p.s, p.start
			}
		}
		// A currency after: "3 million euros"; "3,545 pounds (1,608
		// kilograms) of cocaine" weighs.
		if n.currency == "" && j < len(toks) && spaced(j) {
			switch strings.ToLower(toks[j].s) {
			case "euro", "euros", "eur":
				n.currency, n.end = "EUR", toks[j].end
			case "dollar", "dollars", "usd":
				n.currency, n.end = "USD", toks[j].end
			case "pound", "pounds", "gbp":
				rest := text[toks[j].end:]
				if !(strings.HasPrefix(toks[j].s, "p") && (strings.HasPrefix(rest, " of ") || strings.HasPrefix(rest, " ("))) {
					n.currency, n.end = "GBP", toks[j].end
				}
			}
		}
		// "15 m" is metres, not millions, without a currency.
		if scaleWord == "m" && n.currency == "" {
			scale, n.end = 1, numEnd
		}
		if !n.word {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				k = j - 1
				continue
			}
			n.value = v
		}
		n.start = max(n.start, lastEnd)
		n.value = math.Round(n.value*scale*100) / 100
		lastEnd = n.end
		out = append(out, n)
		// Tokens of this quantity are not candidates again.
		for k+1 < len(toks) && toks[k+1].start < n.end {
			k++
		}
	}
	return out
}

// ofGoods reports money followed by what it is the value of: "$28
// million of cocaine", not "EUR 5 million of cash".
func ofGoods(after string) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(after, " "), "of ")
	if !ok {
		return false
	}
	w := strings.Fields(rest)
	return len(w) > 0 && !cashRe.MatchString(w[0]) && w[0] != "the"
}

// dollarPrefixes name the dollar of "US$", "A$", "S$", "HK$"...
var dollarPrefixes = map[string]string{"US": "USD", "A": "AUD", "AU": "AUD", "S": "SGD", "HK": "HKD",
	"NZ": "NZD", "C": "CAD", "CA": "CAD", "NT": "TWD"}

// aUnit are the words "a" counts one of: "a tonne", "a kilo".
var aUnit = map[string]bool{"tonne": true, "ton": true, "kilo": true, "kilogram": true, "kilogramme": true,
	"million": true, "billion": true}

func isScaleWord(s string) bool {
	switch strings.ToLower(s) {
	case "million", "billion", "m", "bn", "mn":
		return true
	}
	return false
}

// splitDigits splits a token into its leading digits and the rest: "15M"
// → "15", "M".
func splitDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

// isGroup reports a thousands group: three digits.
func isGroup(s string) bool {
	return len(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'
}

var qualifiers = []struct{ prefix, q string }{
	{"more than ", "more than"}, {"over ", "more than"}, {"in excess of ", "more than"}, {"upwards of ", "more than"},
	{"at least ", "at least"}, {"a minimum of ", "at least"},
	{"almost ", "almost"}, {"nearly ", "almost"}, {"close to ", "almost"}, {"just under ", "almost"}, {"just short of ", "almost"},
	{"around ", "around"}, {"about ", "around"}, {"some ", "around"}, {"approximately ", "around"},
	{"roughly ", "around"}, {"an estimated ", "around"}, {"estimated ", "around"}, {"circa ", "around"}, {"approx. ", "around"},
	{"up to ", "up to"},
}

// Context words.
var (
	worthRe    = regexp.MustCompile(`(worth|valued at|value of|estimated at|market value of)\s+(of\s+)?(more than |over |almost |nearly |around |about |some |up to |at least |an estimated |approximately |roughly |estimated )?$`)
	worthAfter = regexp.MustCompile(`^\s*(worth|in value)\b`)
	seizeRe    = regexp.MustCompile(`(?i)\b(seiz|seize|confiscat|froze|frozen|freez|intercept|recover|block|forfeit|impound|cash|withheld|withhold|recuperat|restrain|removed|found)`)
	// Goods are also "seized" when a release tells of their discovery
	// ("arrested with more than 32kg of cocaine", "a haul of"); not when
	// it only tells of their import or smuggling, which the court may still
	// be judging.
	goodsCtxRe     = regexp.MustCompile(`(?i)\b(discover\w*|uncover\w*|detect\w*|stopped|hauls?|stash\w*|contain\w*|arrested with|caught with|found with)\b`)
	arrestOfRe     = regexp.MustCompile(`\b(arrest|arrests|arrested|arresting|detention|detained|detaining|apprehension|apprehended)\s+(of\s+)?(the\s+)?((more than|over|some|about|around|almost|nearly|approximately|at least|up to|an estimated)\s+)?$`)
	cryptoRe       = regexp.MustCompile(`(?i)\b(virtual assets?|crypto\w*|bitcoins?|digital assets?)`)
	cashRe         = regexp.MustCompile(`(?i)\b(cash|bank accounts?|money|funds|currency|banknotes|assets|gains|proceeds|profits|wealth)\b`)
	inspectRe      = regexp.MustCompile(`(?i)\b(inspect|checked|screened|examin|tested|analys|analyz|searched)`)
	partsRe        = regexp.MustCompile(`(?i)\b(including|included|of whom|of which|among them|among those)\b[^.;]*$`)
	verbRe         = regexp.MustCompile(`(?i)\b(resulted|led|saw|seized|arrested|were|was|have|has|had|made)\b`)
	listPartsRe    = regexp.MustCompile(`(?i)(\bpart of (that|the|this) total\b|\b(included|including|includes):|^of (the|these|those) [^,\d]{0,40},|^(the )?(seizures|arrests|assets|items|results|this|these|they|that) (also )?include[ds]?\b)`)
	asideRe        = regexp.MustCompile(`\s[–—-]\s[^–—]*[–—-]\s|\([^)]*\)`)
	denominationRe = regexp.MustCompile(`^\s*(counterfeit |fake |dollar |euro )?(notes?|bills?|banknotes?|bundles?)\b`)
	arrestRe       = regexp.MustCompile(`(?i)\b(arrest|detain|detention|apprehend|taken into custody|custody|nabbed|captured)`)
	identRe        = regexp.MustCompile(`(?i)\b(identif|identit)`)
	rescueRe       = regexp.MustCompile(`(?i)\b(safeguard|rescu|sav(ed|ing)|freed|removed from harm|identif|protected|recover)`)
	takedownRe     = regexp.MustCompile(`(?i)\b(taken down|take down|took down|takedown|taking down|shut down|shutting down|disrupt|dismantl|seiz|offline|sinkhol|removed|blocked|deactivat|disabled|suspen)`)
	injuredRe      = regexp.MustCompile(`(?i)\b(injur|wounded|hurt)`)
	killedRe       = regexp.MustCompile(`(?i)\b(killed|dead|died|deaths|fatalit|lost their lives|murdered)`)
	participate    = regexp.MustCompile(`(?i)\b(operations?\b|participat|took part|taking part|take part|involv|mobilis|mobiliz|across|joined|coordinat|action\b|action days?\b|countries including|law enforcement|teamed up|partnered|joined forces|together with)`)
	partVerbs      = regexp.MustCompile(`(?i)\b(participat|took part|taking part|take part)`)
	notPartRe      = regexp.MustCompile(`(?i)\b(member|connected|database|access|visited|in total|worldwide network|and territories)`)
	rateRe         = regexp.MustCompile(`(?i)^[^.;]{0,60}\b(every|each|a|per) (day|week|month|year|hour|minute)\b|^[^.;]{0,60}\b(daily|weekly|annually|yearly)\b`)
	intentRe       = regexp.MustCompile(`(?i)\b(to|help|helping|seek|seeking|hope|aim|aims|efforts to) (identify|locate|arrest|rescue|trace|recover|seize|freeze|confiscate)\s+(the\s+)?$`)
)

var personNouns = map[string]bool{"suspects": true, "suspect": true, "people": true, "persons": true, "person": true,
	"individuals": true, "individual": true, "men": true, "women": true, "members": true, "offenders": true,
	"criminals": true, "fugitives": true, "nationals": true, "perpetrators": true, "mules": true, "traffickers": true,
	"smugglers": true, "others": true, "citizens": true, "defendants": true, "leaders": true, "kingpins": true,
	"facilitators": true, "couriers": true, "predators": true, "paedophiles": true, "pedophiles": true,
	"abusers": true, "male": true, "female": true, "man": true, "woman": true,
	"males": true, "females": true, "juveniles": true, "adults": true, "youths": true, "teenagers": true, "hackers": true, "fraudsters": true, "scammers": true, "members of": true,
	"arrests": true, "arrested": true, "targets": true, "operatives": true, "accomplices": true, "drivers": true}

var (
	countryNouns = map[string]bool{"countries": true, "nations": true, "states": true, "allies": true}
	accountNouns = map[string]bool{"accounts": true}
)

var victimNouns = map[string]bool{"victims": true, "victim": true, "children": true, "child": true, "minors": true,
	"girls": true, "boys": true, "youngsters": true, "teenagers": true, "infants": true}

var casualtyNouns = map[string]bool{"militants": true, "terrorists": true, "fighters": true, "insurgents": true,
	"combatants": true, "troops": true, "soldiers": true, "people": true, "civilians": true, "officers": true,
	"personnel": true, "servicemembers": true, "service": true, "members": true, "police": true, "policemen": true,
	"peacekeepers": true, "persons": true, "children": true, "women": true, "men": true, "others": true, "migrants": true}

var takedownNouns = map[string]bool{"websites": true, "website": true, "sites": true, "site": true, "domains": true,
	"domain": true, "servers": true, "server": true, "networks": true, "hosters": true, "botnets": true, "urls": true,
	"platforms": true, "pages": true, "ip": true, "addresses": true, "accounts": true, "infrastructures": true,
	"channels": true, "services": true, "marketplaces": true, "forums": true, "apps": true, "shops": true,
	"protocols": true}

// goodsUnits are measures and counted items of seized goods, with the unit
// to report.
var goodsUnits = map[string]string{"kg": "kg", "kgs": "kg", "kilograms": "kg", "kilogrammes": "kg", "kilos": "kg",
	"kilo": "kg", "tonnes": "tonnes", "tons": "tonnes", "tonne": "tonnes", "ton": "tonnes", "t": "tonnes",
	"litres": "litres", "liters": "litres", "l": "litres", "grams": "g", "g": "g", "grammes": "g",
	"m3": "m3", "m³": "m3", "cubic": "m3", "hectolitres": "hectolitres",
	"bottles": "bottles", "firearms": "firearms", "weapons": "weapons", "guns": "guns", "rifles": "rifles",
	"pistols": "pistols", "handguns": "handguns", "rounds": "rounds of ammunition", "cartridges": "cartridges",
	"vehicles": "vehicles", "cars": "cars", "boats": "boats", "vessels": "vessels", "devices": "devices",
	"phones": "phones", "laptops": "laptops", "computers": "computers", "pills": "pills", "tablets": "tablets",
	"doses": "doses", "packs": "packs", "cigarettes": "cigarettes", "items": "items", "pieces": "pieces",
	"artefacts": "artefacts", "artifacts": "artifacts", "animals": "animals", "specimens": "specimens",
	"parts": "parts", "banknotes": "banknotes", "documents": "documents", "passports": "passports",
	"packages": "packages", "parcels": "parcels", "containers": "containers", "plants": "plants",
	"logs": "logs", "grenades": "grenades", "explosives": "explosives", "watches": "watches", "bags": "bags",
	"shoes": "shoes", "pairs": "pairs", "labels": "labels", "cards": "cards", "sim": "SIM cards",
	"pounds": "pounds", "lbs": "pounds", "plots": "plots", "properties": "properties", "houses": "houses",
	"apartments": "apartments", "flats": "flats", "buildings": "buildings", "motorcycles": "motorcycles",
	"bikes": "bikes", "artworks": "artworks", "paintings": "paintings", "jewels": "jewels", "trucks": "trucks",
	"lorries": "lorries", "magazines": "magazines",
	"stamps": "stamps", "stamp": "stamp", "cartons": "cartons", "cartonnes": "cartonnes", "packets": "packets",
	"sticks": "sticks", "crates": "crates", "pallets": "pallets", "medicines": "medicines", "presses": "presses", "ounces": "ounces",
	"oz": "ounces", "kilogram": "kg", "gallons": "gallons", "barrels": "barrels", "ammunition": "rounds of ammunition"}

// figHit is a figure with where it was found.
type figHit struct {
	model.Figure
	sent       int
	start, end int  // bytes in the sentence
	clauseEnd  int  // where the next quantity starts
	dollar     bool // its unit is a bare "$"
}

var (
	counterfeitRe = regexp.MustCompile(`^\s*(in|of|worth of)\s+(counterfeit|fake|forged|false)\b`)
	targetRe      = regexp.MustCompile(`\b(targeting|targeted|targets|against|wanted|seeking|sought)\s+((more than|over|some|about|around|almost|nearly|at least|up to)\s+)?$`)
	bareArrestRe  = regexp.MustCompile(`^\s*(have|has|had|were|was|are)\s+(now\s+)?(safely\s+)?(been\s+)?(arrested|apprehended|detained|taken into custody|in custody)\b`)
)

// punctSpacer sets punctuation apart so that strings.Fields splits it off.
var punctSpacer = strings.NewReplacer(",", " , ", ".", " . ", ";", " ; ", "(", " ( ", ")", " ) ")

// Cheap tests of whether an expensive pattern can match at all: most
// quantities are dates and plain counts.
func mayRate(after string) bool {
	a := after[:min(len(after), 90)]
	for _, w := range []string{"every", "each", " a ", "per ", "daily", "weekly", "monthly", "annually", "yearly"} {
		if strings.Contains(a, w) {
			return true
		}
	}
	return false
}

func mayIntent(near string) bool {
	for _, w := range []string{"identify", "locate", "arrest", "rescue", "trace", "recover", "seize", "freeze", "confiscate"} {
		if strings.Contains(near, w) {
			return true
		}
	}
	return false
}

func mayParts(s string) bool {
	return strings.Contains(s, "includ") || strings.Contains(s, "of wh") || strings.Contains(s, "among") ||
		strings.Contains(s, "total") || strings.HasPrefix(s, "of ")
}

var coordRe = regexp.MustCompile(`^\s*[\pL-]+( [\pL-]+)?,? and\s*$`)

var partitiveRe = regexp.MustCompile(`^\s*of (the|them|these|those|whom|which|its|their)\b`)

var agedRe = regexp.MustCompile(`\b(aged|ages|age)\s+(\d+\s*(,|and|&)\s*)*$`)

var ageRe = regexp.MustCompile(`^(-| )?years?(-| )old\b|^-year\b`)

// findFigures finds typed quantities in the body, then in the title (a
// title figure that repeats a body figure is kept once, with the body's
// sentence).
func (r *Rules) findFigures(ss []sentence) []figHit {
	var out []figHit
	seen := map[string]bool{}
	order := make([]int, 0, len(ss))
	for i, s := range ss {
		if !s.title {
			order = append(order, i)
		}
	}
	for i, s := range ss {
		if s.title {
			order = append(order, i)
		}
	}
	listSeizing := false
	for oi, si := range order {
		s := ss[si]
		// "… the following has been seized:" makes the lines after it,
		// up to the next full sentence, items of what was seized.
		if oi > 0 {
			prev := ss[order[oi-1]].text
			switch {
			case strings.HasSuffix(prev, ":") && seizeIn(prev):
				listSeizing = true
			case listSeizing && !isListLine(prev):
				listSeizing = false
			}
		}
		nums := parseNumbers(s.text, s.toks, r.currencies)
		// Ages are not quantities and must not split "two 24-year-old
		// citizens" from its noun.
		// "four (4)": the figure in brackets restates the one before.
		for i := len(nums) - 1; i > 0; i-- {
			if gap := s.text[nums[i-1].end:nums[i].start]; strings.TrimSpace(gap) == "(" && nums[i].end < len(s.text) && s.text[nums[i].end] == ')' && nums[i].value == nums[i-1].value {
				nums = append(nums[:i], nums[i+1:]...)
			}
		}
		nums = slices.DeleteFunc(nums, func(n numTok) bool {
			return ageRe.MatchString(s.text[n.end:min(len(s.text), n.end+12)]) || agedRe.MatchString(s.text[max(0, n.start-40):n.start])
		})
		lastQual := ""
		prevFig := false
		for ni, n := range nums {
			prevEnd := 0
			if ni > 0 {
				prevEnd = nums[ni-1].end
			}
			nextStart := len(s.text)
			if ni+1 < len(nums) {
				nextStart = max(nums[ni+1].start, n.end)
			}
			prevEnd = min(prevEnd, n.start)
			figs := classify(s.text, n, prevEnd, nextStart, figCtx{prevFig: prevFig, seizing: listSeizing,
				partsList: partsListed(s.text, n.start)})
			prevFig = len(figs) > 0
			for _, f := range figs {
				// "more than 33,000 victims and 14,900 offenders": the
				// qualifier covers both.
				if f.Qualifier == "" && ni > 0 && lastQual != "" && coordRe.MatchString(s.text[prevEnd:n.start]) {
					f.Qualifier = lastQual
				}
				lastQual = f.Qualifier
				f.Sentence = clip(s.text)
				// A total stated twice is one figure; small counts repeat by
				// coincidence ("arrested two …" in two cases) and stay.
				key := f.Kind + "|" + strconv.FormatFloat(f.Value, 'f', -1, 64) + "|" + f.Unit
				if f.Value < 10 && !s.title {
					key += "|" + strconv.Itoa(si)
				}
				if seen[key] || s.title && repeats(out, f) || restates(out, f) {
					continue
				}
				seen[key] = true
				out = append(out, figHit{Figure: f, sent: si, start: n.start, end: n.end, clauseEnd: nextStart, dollar: n.dollar && f.Unit == "USD"})
			}
		}
	}
	return out
}

// figCtx is what the sentences before tell a quantity.
type figCtx struct {
	prevFig   bool // the quantity before it in the sentence is a figure
	seizing   bool // it is an item of a list of what was seized
	partsList bool // its sentence lists the parts of a total ("Part of that total included: …")
}

// classify decides what a quantity counts, from the words around it: up to
// the previous and the next quantity in the sentence.
func classify(text string, n numTok, prevEnd, nextStart int, ctx figCtx) []model.Figure {
	f, ok := classifyOne(text, n, prevEnd, nextStart, ctx)
	if !ok {
		return nil
	}
	// "the identification and arrest of the two suspects" is both.
	if f.Kind == model.FigArrests && identArrestRe.MatchString(strings.ToLower(text[max(0, n.start-60):n.start])) {
		g := f
		g.Kind = model.FigSuspectsIdentified
		return []model.Figure{f, g}
	}
	return []model.Figure{f}
}

var identArrestRe = regexp.MustCompile(`identif(ied|ication) and (arrest(ed)?|detained|detention)( of)?( the)?\s*$`)

// restates reports a measure stated again more precisely or rounded:
// "157kg", then "a total of 156.8kg".
func restates(figs []figHit, f model.Figure) bool {
	if !isMeasure(f.Unit) && (len(f.Unit) != 3 || strings.ToUpper(f.Unit) != f.Unit) {
		return false
	}
	for _, g := range figs {
		if g.Kind == f.Kind && g.Unit == f.Unit && g.Value != f.Value && math.Abs(g.Value-f.Value) <= 0.01*max(g.Value, f.Value) {
			return true
		}
	}
	return false
}

// repeats reports a title figure that restates a body figure: the same
// kind and unit and a value within a quarter ("more than EUR 2 million"
// for "EUR 2.15M").
func repeats(figs []figHit, f model.Figure) bool {
	for _, g := range figs {
		if g.Unit == f.Unit && g.Value >= f.Value*0.75 && g.Value <= f.Value*1.25 && (g.Kind == f.Kind || f.Unit != "" && g.Value == f.Value) {
			return true
		}
	}
	return false
}

func classifyOne(text string, n numTok, prevEnd, nextStart int, ctx figCtx) (model.Figure, bool) {
	f := model.Figure{Value: n.value}
	// Only the words just before a quantity bear on it: look back a
	// bounded way, so a long sentence of numbers costs no more per number.
	beforeAll := text[max(0, n.start-240):n.start]
	before := strings.ToLower(text[prevEnd:n.start])
	after := strings.ToLower(text[n.end:nextStart])
	afterWords := strings.Fields(punctSpacer.Replace(after))
	// End-anchored tests look at the last words before the quantity only.
	lb := strings.ToLower(beforeAll)
	near := lb[max(0, len(lb)-120):]
	if n.value <= 0 || mayRate(after) && rateRe.MatchString(after) || mayIntent(near) && intentRe.MatchString(near) {
		return f, false
	}
	// Dates, years, percentages, ordinals, ages and times are not figures.
	if len(afterWords) > 0 {
		w := afterWords[0]
		if months[w] > 0 || w == "%" || w == "percent" || w == "per" || w == "years" || w == "year" || w == "year-old" ||
			strings.HasPrefix(w, "-year") || w == "am" || w == "pm" || w == "days" || w == "hours" || w == "weeks" ||
			w == "months" || w == "times" || w == "a.m." || w == "p.m." {
			return f, false
		}
	}
	// "one of the offenders" is a part, not a quantity.
	if strings.HasPrefix(after, "%") || strings.HasPrefix(after, "st ") || strings.HasPrefix(after, "th ") {
		return f, false
	}
	// "one of the offenders" is a part; "53 of the 65 individuals … now
	// arrested" counts the arrests.
	if m := partitiveRe.FindString(after); m != "" {
		rest := strings.ToLower(text[n.end:min(len(text), n.end+140)])
		// Of people ("of the 65 individuals"), not of arrests ("6 of
		// these arrests" is a part).
		of := strings.Fields(strings.ToLower(text[n.end+len(m) : min(len(text), n.end+len(m)+60)]))
		people := false
		for _, w := range of[:min(len(of), 3)] {
			if w = strings.Trim(w, ",.;"); personNouns[w] && w != "arrests" && w != "arrested" {
				people = true
			}
		}
		if loc := arrestRe.FindStringIndex(rest); people && loc != nil && !strings.Contains(rest[:loc[0]], "remain") {
			f.Kind = model.FigArrests
			return f, true
		}
		return f, false
	}
	if w := lastField(near); months[w] > 0 {
		return f, false
	}
	if n.currency == "" && !n.word && n.value >= 1900 && n.value <= 2100 && !strings.Contains(text[n.start:n.end], ",") {
		return f, false
	}
	if n.end < len(text) && (text[n.end] == '/' || text[n.end] == '-' && n.currency == "" && !n.word) {
		return f, false
	}
	for _, q := range qualifiers {
		if strings.HasSuffix(lb, q.prefix) {
			f.Qualifier = q.q
			break
		}
	}
	// Parts of a stated total are not figures of their own: "34 arrests,
	// including 12 for …", "Part of that total included: £300,000 …".
	if mayParts(lb) || ctx.partsList {
		if m := partsRe.FindString(near); m != "" && ctx.prevFig && n.start-len(m) >= prevEnd && !verbRe.MatchString(m[len(strings.Fields(m)[0]):]) || ctx.partsList {
			return f, false
		}
	}
	// A breakdown in brackets after a figure: "46 facilitators (8 in
	// Austria, 16 in the Czech Republic, …)".
	if ctx.prevFig && strings.Count(text[:n.start], "(") > strings.Count(text[:n.start], ")") {
		return f, false
	}
	// A conversion in brackets: "3,545 pounds (1,608 kilograms)".
	if strings.HasSuffix(strings.TrimSpace(before), "(") && prevEnd > 0 {
		return f, false
	}
	clause := before + " " + after
	first := func(set map[string]bool, within int) (string, int) {
		for i, w := range afterWords {
			if i >= within {
				break
			}
			if w == "," || w == "." || w == ";" || w == "(" {
				break
			}
			if set[w] {
				return w, i
			}
		}
		return "", -1
	}

	if n.currency != "" {
		if !seizeRe.MatchString(clause) && !seizeIn(beforeAll) && !ctx.seizing {
			// "1,230 kilograms of cocaine—worth more than $28 million—"
			// in a release about smuggling is the value of seized goods.
			if goodsCtxRe.MatchString(text) && (worthRe.MatchString(near) || worthAfter.MatchString(after) || ofGoods(after)) {
				f.Unit, f.Kind = n.currency, model.FigGoodsSeized
				return f, true
			}
			return f, false
		}
		// "$100 counterfeit notes" is a denomination.
		if denominationRe.MatchString(after) {
			return f, false
		}
		f.Unit = n.currency
		f.Kind = model.FigMoneySeized
		if worthAfter.MatchString(after) || ofGoods(after) {
			// "£630,000 worth of drugs", "$28 million of cocaine"; but
			// "USD 129,975,440 worth of virtual assets" is money.
			if !cashRe.MatchString(after[:min(len(after), 50)]) && !cryptoRe.MatchString(after[:min(len(after), 50)]) {
				f.Kind = model.FigGoodsSeized
			}
			return f, true
		}
		// A value of drugs or goods is a goods seizure, unless the seized
		// total takes in cash or bank accounts: "cars, cash and jewellery
		// … with an estimated value of over EUR 1.5 million" is money.
		if strings.Contains(near[max(0, len(near)-70):], "value") && !worthRe.MatchString(near) {
			if cashRe.MatchString(near) {
				return f, true
			}
			f.Kind = model.FigGoodsSeized
			return f, true
		}
		// Counterfeit notes are goods: "USD 2 million in counterfeit notes".
		if counterfeitRe.MatchString(after) {
			f.Kind = model.FigGoodsSeized
			return f, true
		}
		// Goods "worth EUR 1.4 million" are seized goods valued in money.
		if worthRe.MatchString(near) && !cashRe.MatchString(near) {
			f.Kind = model.FigGoodsSeized
		}
		return f, true
	}

	// "executed 14 arrest warrants".
	if len(afterWords) > 1 && afterWords[0] == "arrest" && strings.HasPrefix(afterWords[1], "warrant") && strings.Contains(near, "execut") {
		f.Kind = model.FigArrests
		return f, true
	}
	// "the 14 Victim Identification Task Force" numbers an event.
	if eventNumber(text[n.end:]) {
		return f, false
	}

	// "the arrest of approximately 88 alleged child predators".
	if arrestOfRe.MatchString(near) {
		f.Kind = model.FigArrests
		return f, true
	}

	// "killing four (4) militants", "injuring 12".
	switch lastField(strings.TrimSpace(stripQualifier(near))) {
	case "killing", "killed":
		f.Kind = model.FigKilled
		return f, true
	case "injuring", "wounding", "injured", "wounded":
		f.Kind = model.FigInjured
		return f, true
	}

	// Casualties: "93 KFOR troops were injured".
	if _, i := first(casualtyNouns, 4); i >= 0 {
		if injuredRe.MatchString(after) {
			f.Kind = model.FigInjured
			return f, true
		}
		if killedRe.MatchString(after) {
			f.Kind = model.FigKilled
			return f, true
		}
	}
	if len(afterWords) > 0 && (afterWords[0] == "injured" || afterWords[0] == "wounded") {
		f.Kind = model.FigInjured
		return f, true
	}
	if len(afterWords) > 0 && (afterWords[0] == "killed" || afterWords[0] == "dead" || afterWords[0] == "deaths") {
		f.Kind = model.FigKilled
		return f, true
	}

	// Countries taking part.
	if w, i := first(countryNouns, 3); i >= 0 {
		pre := strings.Join(afterWords[:i], " ")
		if w != "states" || strings.Contains(pre, "member") {
			member := strings.Contains(pre, "member") && !partVerbs.MatchString(pre+" "+after)
			from := strings.HasSuffix(strings.TrimSpace(lb), "from") // "officials from 14 countries"
			if !member && (participate.MatchString(text) || from) && !notPartRe.MatchString(after) {
				f.Kind = model.FigCountries
				return f, true
			}
			return f, false
		}
	}

	// Bank accounts blocked.
	if _, i := first(accountNouns, 4); i >= 0 && seizeRe.MatchString(clause) {
		if strings.Contains(strings.Join(afterWords[:i], " "), "bank") || strings.Contains(after, "bank account") {
			f.Kind = model.FigAccountsBlocked
			return f, true
		}
	}

	// Takedowns of websites, domains, servers.
	if _, i := first(takedownNouns, 4); i >= 0 && takedownRe.MatchString(clause) {
		f.Kind = model.FigTakedowns
		return f, true
	}

	// Victims identified or safeguarded: victims the number counts, not
	// "68 million media files containing child abuse material".
	if _, i := first(victimNouns, 3); i >= 0 && !slices.ContainsFunc(afterWords[:i], func(w string) bool {
		return w == "containing" || w == "of" || w == "with" || w == "files" || w == "images" || w == "videos"
	}) && rescueRe.MatchString(clause) {
		f.Kind = model.FigVictimsIdentified
		return f, true
	}

	// Targets are not arrests: "targeting 450 fugitives".
	if (strings.Contains(near, "target") || strings.Contains(near, "against") || strings.Contains(near, "wanted") || strings.Contains(near, "sought") || strings.Contains(near, "seeking")) && targetRe.MatchString(near) {
		return f, false
	}
	// "471 have been apprehended or located".
	if bareArrestRe.MatchString(after) {
		f.Kind = model.FigArrests
		return f, true
	}

	// Arrests.
	if len(afterWords) > 0 && (afterWords[0] == "arrests" || afterWords[0] == "arrested" || afterWords[0] == "detained" || afterWords[0] == "detentions" || afterWords[0] == "apprehended") {
		f.Kind = model.FigArrests
		return f, true
	}
	if w, i := first(personNouns, 4); i >= 0 {
		tail := strings.Join(afterWords[i:], " ")
		// "ten most wanted individuals remain": wanted, not arrested.
		if slices.Contains(afterWords[:i], "wanted") || strings.Contains(tail, "remain") && !strings.Contains(tail, "remain in custody") {
			return f, false
		}
		// "More than 130 suspects – including … five teachers – were
		// arrested": the verb comes after the aside.
		if !arrestRe.MatchString(tail) && !identRe.MatchString(tail) && strings.ContainsAny(after, "–—(") {
			rest := asideRe.ReplaceAllString(text[n.end:], " ")
			if len(rest) > 120 {
				rest = rest[:120]
			}
			tail = rest
		}
		head := before
		if w == "arrests" || w == "arrested" {
			f.Kind = model.FigArrests
			return f, true
		}
		switch {
		case identRe.MatchString(tail) && !arrestRe.MatchString(tail) || lastMatch(identRe, near) > lastMatch(arrestRe, near) && !arrestRe.MatchString(tail):
			if w == "suspects" || w == "suspect" || w == "offenders" || w == "perpetrators" || w == "individuals" || w == "people" || w == "persons" || w == "criminals" || w == "targets" {
				f.Kind = model.FigSuspectsIdentified
				return f, true
			}
		case arrestRe.MatchString(tail) || arrestOfRe.MatchString(head):
			f.Kind = model.FigArrests
			return f, true
		}
	}

	// Seized goods: "500 tonnes of timber", "14 electronic devices"; not
	// "334 000 packages were inspected".
	for i, w := range afterWords {
		if i >= 4 || w == "," || w == "." || w == ";" {
			break
		}
		w2 := strings.TrimSuffix(w, ",")
		if u, ok := goodsUnits[w2]; ok {
			// The unit first (cheap), then what happened to the goods.
			if !(ctx.seizing || seizeIn(text) || goodsCtxRe.MatchString(text)) || inspectRe.MatchString(after) {
				return f, false
			}
			unit := u
			if u == w2 && i > 0 && !isMeasure(u) {
				// Counted items keep their words ("electronic
				// devices"), not what only qualifies them ("fake and
				// illicit medicines" are medicines).
				words := afterWords[:i+1]
				for k := len(words) - 2; k >= 0; k-- {
					if words[k] == "and" || words[k] == "or" || words[k] == "," || words[k] == "of" || unitAdjectives[words[k]] {
						words = words[k+1:]
						break
					}
				}
				// "high-powered surron bikes" are surron bikes.
				for len(words) > 1 && strings.Contains(words[0], "-") {
					words = words[1:]
				}
				if len(words) > 3 {
					words = words[len(words)-3:]
				}
				for i, w := range words {
					words[i] = strings.Trim(w, "'\"‘’“”")
				}
				unit = strings.Join(words, " ")
			}
			f.Kind, f.Unit = model.FigGoodsSeized, unit
			return f, true
		}
	}
	return f, false
}

var unitAdjectives = map[string]bool{"fake": true, "illicit": true, "illegal": true, "counterfeit": true,
	"potentially": true, "dangerous": true, "different": true, "suspected": true, "other": true, "additional": true,
	"unlicensed": true, "falsified": true, "stolen": true, "smuggled": true, "seized": true, "more": true}

// eventNumber reports a number that begins an event's name: "14 Victim
// Identification Task Force", "3rd Annual Conference".
func eventNumber(after string) bool {
	toks := tokenize(after[:min(len(after), 80)])
	upper := 0
	for _, t := range toks[:min(len(toks), 6)] {
		if !t.word || !t.upper() {
			return false
		}
		upper++
		switch t.s {
		case "Force", "Taskforce", "Conference", "Summit", "Meeting", "Forum", "Congress", "Symposium", "Workshop":
			return upper >= 2
		}
	}
	return false
}

// lastMatch is where re last matches in s, -1 if nowhere.
func lastMatch(re *regexp.Regexp, s string) int {
	m := re.FindAllStringIndex(s, -1)
	if m == nil {
		return -1
	}
	return m[len(m)-1][0]
}

// stripQualifier drops a qualifier at the end of s: "killing some" →
// "killing".
func stripQualifier(s string) string {
	for _, q := range qualifiers {
		if t, ok := strings.CutSuffix(s, q.prefix); ok {
			return t
		}
	}
	return s
}

// lastField is the last space-separated word of s.
func lastField(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexAny(s, " \n")+1:]
}

// partsListed reports a quantity after a sentence's announcement that it
// lists the parts of a total: "Part of that total included: …", "Of the
// arrests, 13 …".
func partsListed(text string, at int) bool {
	head := strings.ToLower(text[:min(len(text), 60)])
	if listPartsRe.MatchString(head) && !strings.HasPrefix(head, "of ") {
		return true // "Seizures included over $44 million in cash, …"
	}
	if strings.HasPrefix(head, "of the ") || strings.HasPrefix(head, "of these ") || strings.HasPrefix(head, "of those ") {
		return listPartsRe.MatchString(head)
	}
	if i := strings.Index(strings.ToLower(text[:at]), "total"); i >= 0 || strings.Contains(text[:at], ":") {
		return listPartsRe.MatchString(strings.ToLower(text[:at]))
	}
	return false
}

// isListLine reports a line that is an item of a list: short, ending in
// ";" or ",", or with no full stop.
func isListLine(s string) bool {
	return len(s) < 160 && (strings.HasSuffix(s, ";") || strings.HasSuffix(s, ",") || strings.HasSuffix(s, ":") || !strings.HasSuffix(s, "."))
}

// seizeIn reports a seizure verb in s, with a cheap test first.
func seizeIn(s string) bool {
	l := strings.ToLower(s)
	for _, w := range []string{"seiz", "confisc", "froze", "frozen", "freez", "intercept", "recover", "block", "forfeit",
		"impound", "cash", "withh", "recuperat", "restrain", "removed", "found"} {
		if strings.Contains(l, w) {
			return seizeRe.MatchString(s)
		}
	}
	return false
}

func isMeasure(u string) bool {
	switch u {
	case "kg", "tonnes", "litres", "g", "m3", "hectolitres":
		return true
	}
	return false
}
