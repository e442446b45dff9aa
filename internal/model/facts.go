package model

// Facts are what enrichment found in one article. Every fact keeps the
// sentence it came from (or, for a country or organisation, the sentence of
// its first mention) so that a reader can check it. Field names are the
// API's and export's contract: add, never rename.
type Facts struct {
	// Rules names the enrichment rules that made these facts: their built-in
	// version plus a digest of any user rule files. Facts made by other
	// rules are recomputed by `sitrep enrich`.
	Rules      string      `json:"rules"`
	Countries  []Country   `json:"countries"`
	Orgs       []Org       `json:"orgs"`
	People     []Person    `json:"people"`
	Operations []Operation `json:"operations"`
	Figures    []Figure    `json:"figures"`
	Topics     []Topic     `json:"topics"`
}

// Country is a country the article names, directly, by demonym or by one
// of its places.
type Country struct {
	Code     string `json:"code"`    // ISO 3166-1 alpha-2 (Kosovo XK)
	Name     string `json:"name"`    // English short name
	Subject  bool   `json:"subject"` // the article is about it, not a passing mention
	Mentions int    `json:"mentions"`
	As       string `json:"as"` // the first phrase that named it ("Lisbon", "Portuguese")
	Sentence string `json:"sentence"`
}

// Org is a named organisation, by its normalised short name.
type Org struct {
	Name     string `json:"name"`
	Kind     string `json:"kind,omitempty"`    // from the organisation list: police, justice, defence...
	Country  string `json:"country,omitempty"` // ISO code of a national body, when known
	Mentions int    `json:"mentions"`
	As       string `json:"as"` // the first phrase that named it
	Sentence string `json:"sentence"`
}

// Person is a named person with the role and organisation the text gives.
type Person struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Org      string `json:"org"`
	Sentence string `json:"sentence"`
}

// Operation is a named operation, programme or campaign.
type Operation struct {
	Name     string `json:"name"`
	Agency   string `json:"agency"` // the first-named lead, "" when not said
	Period   string `json:"period"` // ISO: "2023-05-15/2023-05-29", "2023-05", "2023-05/", "2022", ""
	Sentence string `json:"sentence"`
}

// Figure kinds.
const (
	FigArrests            = "arrests"
	FigSuspectsIdentified = "suspects_identified"
	FigVictimsIdentified  = "victims_identified"
	FigMoneySeized        = "money_seized"
	FigGoodsSeized        = "goods_seized"
	FigAccountsBlocked    = "accounts_blocked"
	FigTakedowns          = "takedowns"
	FigCountries          = "countries"
	FigInjured            = "injured"
	FigKilled             = "killed"
)

// FigureKinds lists the figure kinds in the order outputs show them.
func FigureKinds() []string {
	return []string{FigArrests, FigSuspectsIdentified, FigVictimsIdentified, FigMoneySeized,
		FigGoodsSeized, FigAccountsBlocked, FigTakedowns, FigCountries, FigInjured, FigKilled}
}

// Figure is one typed, normalised quantity.
type Figure struct {
	Kind      string  `json:"kind"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`      // ISO 4217 for money, else the goods' unit ("kg"), else ""
	Qualifier string  `json:"qualifier"` // "", "more than", "at least", "almost", "around", "up to"
	About     string  `json:"about"`     // the operation it belongs to, else a country code, else ""
	Sentence  string  `json:"sentence"`
}

// Topic is a subject area with the words that made it one.
type Topic struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Group    string   `json:"group"` // "crime" or "other"
	Evidence []string `json:"evidence"`
}
