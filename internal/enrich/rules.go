package enrich

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/biter777/countries"
	"gopkg.in/yaml.v3"
)

// version is the Go rules' version: raise it whenever a change to the code
// changes what Enrich returns, so that `sitrep enrich` recomputes facts made
// by older rules. Changes to the data files change the version by
// themselves (Rules.Version).
const version = "2"

//go:embed data/places.tsv data/orgs.yaml data/topics.yaml
var dataFS embed.FS

// Rules are the compiled enrichment rules: the built-in data plus any user
// files. They are read-only once loaded and safe for concurrent use.
type Rules struct {
	version     string
	places      *gazetteer[place]
	countryName map[string]string // ISO code -> English short name
	orgs        *gazetteer[*orgInfo]
	weakOrgs    *gazetteer[*orgInfo]
	orgNames    map[string]*orgInfo // lower-case name or alias -> org
	topics      []*topicRule
	// Topic terms by their first word, and single-word prefix terms
	// ("botnet*") by their prefix.
	termsByWord, termsByPrefix map[string][]term
	maxPrefix                  int             // the longest prefix term, in bytes
	currencies                 map[string]bool // ISO 4217 codes
}

type place struct {
	code  string
	kind  string // name, demonym, city
	flags string // ambiguous, person, language (comma-separated)
}

type orgInfo struct {
	Name        string   `yaml:"name"`
	Aliases     []string `yaml:"aliases"`
	WeakAliases []string `yaml:"weak_aliases"`
	Kind        string   `yaml:"kind"`
	Country     string   `yaml:"country"`
	// Units are internal units' names ("National Central Bureau"): they
	// are not organisations, but a person in one works for this one.
	Units []string `yaml:"units"`

	unitOf *orgInfo // set on a unit's entry: the organisation it belongs to
}

// Files are user rule files that extend the built-in data: organisations
// and topics in the built-in files' formats. Empty names are skipped.
type Files struct {
	Orgs   string
	Topics string
}

// Load compiles the built-in rules plus the user files. Errors name the
// file and what was wrong in it.
func Load(files Files) (*Rules, error) {
	r := &Rules{
		places:      newGazetteer[place](),
		countryName: map[string]string{},
		orgs:        newGazetteer[*orgInfo](),
		weakOrgs:    newGazetteer[*orgInfo](),
		orgNames:    map[string]*orgInfo{},
		currencies:  map[string]bool{},
	}
	for _, c := range countries.AllCurrencies() {
		if a := c.Alpha(); len(a) == 3 {
			r.currencies[a] = true
		}
	}
	// The version names the Go rules (version) and, by their digest, the
	// built-in data and the user's files: a change to any of them is new
	// rules, and sitrep enrich redoes what older rules made.
	builtin := sha256.New()
	read := func(name string) ([]byte, error) {
		b, err := dataFS.ReadFile("data/" + name)
		if err != nil {
			return nil, fmt.Errorf("built-in %s: %w", name, err)
		}
		fmt.Fprintf(builtin, "%s\x00%d\x00", name, len(b))
		builtin.Write(b)
		return b, nil
	}
	placesData, err := read("places.tsv")
	if err != nil {
		return nil, err
	}
	if err := r.loadPlaces("places.tsv (built in)", placesData); err != nil {
		return nil, err
	}
	r.addModuleCountries()
	orgData, err := read("orgs.yaml")
	if err != nil {
		return nil, err
	}
	if err := r.loadOrgs("orgs.yaml (built in)", orgData); err != nil {
		return nil, err
	}
	topicData, err := read("topics.yaml")
	if err != nil {
		return nil, err
	}
	if err := r.loadTopics("topics.yaml (built in)", topicData); err != nil {
		return nil, err
	}

	user := sha256.New()
	hasUser := false
	for _, f := range []struct {
		kind, name string
		load       func(string, []byte) error
	}{{"orgs", files.Orgs, r.loadOrgs}, {"topics", files.Topics, r.loadTopics}} {
		if f.name == "" {
			continue
		}
		b, err := os.ReadFile(f.name)
		if err != nil {
			return nil, err
		}
		// The content, not the path: the same file named two ways is the
		// same rules.
		fmt.Fprintf(user, "%s\x00%d\x00", f.kind, len(b))
		user.Write(b)
		hasUser = true
		if err := f.load(f.name, b); err != nil {
			return nil, err
		}
	}
	r.version = version + "." + hex.EncodeToString(builtin.Sum(nil))[:8]
	if hasUser {
		r.version += "+" + hex.EncodeToString(user.Sum(nil))[:10]
	}
	return r, nil
}

// Version names these rules; facts store it (model.Facts.Rules).
func (r *Rules) Version() string { return r.version }

var isoCode = regexp.MustCompile(`^[A-Z]{2}$`)

func (r *Rules) loadPlaces(file string, data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 || len(cols) > 4 {
			return fmt.Errorf("%s:%d: want 3 or 4 tab-separated columns (phrase, ISO code, kind[, flags]), got %d", file, n, len(cols))
		}
		p := place{code: cols[1], kind: cols[2]}
		if len(cols) == 4 {
			p.flags = cols[3]
		}
		if !isoCode.MatchString(p.code) {
			return fmt.Errorf("%s:%d: %q is not an ISO 3166 alpha-2 code", file, n, p.code)
		}
		switch p.kind {
		case "name", "demonym", "city":
		default:
			return fmt.Errorf("%s:%d: kind %q is not one of name, demonym, city", file, n, p.kind)
		}
		r.places.add(cols[0], p)
		if rest, ok := strings.CutPrefix(cols[0], "The "); ok {
			r.places.add("the "+rest, p)
		}
		if p.kind == "name" && r.countryName[p.code] == "" {
			r.countryName[p.code] = cols[0]
		}
	}
	return sc.Err()
}

// addModuleCountries adds the ISO table's names that the places file does
// not already give. Its capitals are not used: the places file lists them,
// and some of the table's ("Male", "Hamilton") are words or other places.
func (r *Rules) addModuleCountries() {
	for _, c := range countries.All() {
		code := c.Alpha2()
		if !isoCode.MatchString(code) {
			continue
		}
		name := c.String()
		if i := strings.Index(name, " ("); i > 0 {
			name = name[:i]
		}
		if r.countryName[code] == "" {
			r.countryName[code] = name
		}
		if !r.places.has(name) {
			r.places.add(name, place{code: code, kind: "name"})
		}
	}
}

func (r *Rules) loadOrgs(file string, data []byte) error {
	var list []*orgInfo
	if err := yaml.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for i, o := range list {
		if strings.TrimSpace(o.Name) == "" {
			return fmt.Errorf("%s: organisation %d has no name", file, i+1)
		}
		if prev := r.orgNames[strings.ToLower(o.Name)]; prev != nil && prev.unitOf == nil {
			// A user entry for a known organisation extends it.
			prev.Aliases = append(prev.Aliases, o.Aliases...)
			prev.WeakAliases = append(prev.WeakAliases, o.WeakAliases...)
			prev.Units = append(prev.Units, o.Units...)
			if o.Kind != "" {
				prev.Kind = o.Kind
			}
			if o.Country != "" {
				prev.Country = o.Country
			}
			o = prev
		}
		r.orgNames[strings.ToLower(o.Name)] = o
		r.orgs.add(o.Name, o)
		for _, a := range o.Aliases {
			r.orgs.add(a, o)
			r.orgNames[strings.ToLower(a)] = o
		}
		for _, a := range o.WeakAliases {
			r.weakOrgs.add(a, o)
			if r.orgNames[strings.ToLower(a)] == nil {
				r.orgNames[strings.ToLower(a)] = o
			}
		}
		for _, u := range o.Units {
			r.orgs.add(u, &orgInfo{Name: o.Name, Kind: o.Kind, Country: o.Country, unitOf: o})
		}
	}
	return nil
}
