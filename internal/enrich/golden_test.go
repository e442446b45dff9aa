package enrich

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/testweb"
)

var showMisses = flag.Bool("misses", false, "log every missed and spurious fact of the golden tests")

// golden is a hand-made annotation (testdata/golden/README.md).
type golden struct {
	Line      int    `json:"line"`
	Title     string `json:"title"`
	Countries []struct {
		Code    string `json:"code"`
		Subject bool   `json:"subject"`
	} `json:"countries"`
	Orgs       []string          `json:"orgs"`
	People     []model.Person    `json:"people"`
	Operations []model.Operation `json:"operations"`
	Figures    []model.Figure    `json:"figures"`
}

// article is one annotated text.
type article struct {
	name      string
	title     string
	body      string
	published time.Time
	want      golden
}

// score counts matches of one field; attrs counts agreement on the
// attributes of matched facts (a country's subject flag, a person's role
// and org, an operation's agency and period, a figure's qualifier and
// what it is about).
type score struct {
	tp, fp, fn   int
	attrOK, attr int
}

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

var fields = []string{"countries", "orgs", "people", "operations", "figures"}

func norm(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.NewReplacer("’", "'", "‘", "'").Replace(s)
}

func figKey(f model.Figure) string {
	return f.Kind + " " + strconv.FormatFloat(f.Value, 'f', -1, 64) + " " + unitNames.Replace(norm(f.Unit))
}

// unitNames spells units one way: "6 tons" and "6 tonnes" are one figure.
var unitNames = strings.NewReplacer("tons", "tonnes", "kilograms", "kg", "kilos", "kg", "liters", "litres")

// compare scores one article's facts against its annotation, logging the
// differences when asked.
func compare(t *testing.T, rules *Rules, a article, got model.Facts, scores map[string]*score) {
	// One organisation under two of its names is one organisation: the
	// annotation may use its acronym where the list has its full name.
	org := func(name string) string {
		if o := rules.orgNames[strings.ToLower(normApos(name))]; o != nil {
			return norm(o.Name)
		}
		return norm(name)
	}
	type item struct{ key, attrs string }
	sets := map[string][2][]item{}
	var wc, gc []item
	for _, c := range a.want.Countries {
		wc = append(wc, item{c.Code, strconv.FormatBool(c.Subject)})
	}
	for _, c := range got.Countries {
		gc = append(gc, item{c.Code, strconv.FormatBool(c.Subject)})
	}
	sets["countries"] = [2][]item{wc, gc}
	var wo, gorg []item
	for _, o := range a.want.Orgs {
		wo = append(wo, item{org(o), ""})
	}
	for _, o := range got.Orgs {
		gorg = append(gorg, item{org(o.Name), ""})
	}
	sets["orgs"] = [2][]item{wo, gorg}
	var wp, gp []item
	for _, p := range a.want.People {
		wp = append(wp, item{norm(p.Name), norm(p.Role) + "|" + org(p.Org)})
	}
	for _, p := range got.People {
		gp = append(gp, item{norm(p.Name), norm(p.Role) + "|" + org(p.Org)})
	}
	sets["people"] = [2][]item{wp, gp}
	var wop, gop []item
	for _, o := range a.want.Operations {
		wop = append(wop, item{norm(o.Name), org(o.Agency) + "|" + o.Period})
	}
	for _, o := range got.Operations {
		gop = append(gop, item{norm(o.Name), org(o.Agency) + "|" + o.Period})
	}
	sets["operations"] = [2][]item{wop, gop}
	var wf, gf []item
	for _, f := range a.want.Figures {
		wf = append(wf, item{figKey(f), f.Qualifier + "|" + norm(f.About)})
	}
	for _, f := range got.Figures {
		gf = append(gf, item{figKey(f), f.Qualifier + "|" + norm(f.About)})
	}
	sets["figures"] = [2][]item{wf, gf}

	for _, field := range fields {
		want, gotItems := sets[field][0], sets[field][1]
		sc := scores[field]
		used := make([]bool, len(gotItems))
		for _, w := range want {
			found := -1
			for i, g := range gotItems {
				if !used[i] && g.key == w.key {
					found = i
					break
				}
			}
			if found < 0 {
				sc.fn++
				if *showMisses {
					t.Logf("%s %s: missed %q (%s)", a.name, field, w.key, w.attrs)
				}
				continue
			}
			used[found] = true
			sc.tp++
			sc.attr++
			if gotItems[found].attrs == w.attrs {
				sc.attrOK++
			} else if *showMisses {
				t.Logf("%s %s: %q attrs got %q want %q", a.name, field, w.key, gotItems[found].attrs, w.attrs)
			}
		}
		for i, g := range gotItems {
			if !used[i] {
				sc.fp++
				if *showMisses {
					t.Logf("%s %s: spurious %q (%s)", a.name, field, g.key, g.attrs)
				}
			}
		}
	}
}

// floors are the precision and recall each set must keep per field. The
// testweb set holds the bar (0.9 / 0.85); the press-release sets
// hold what the rules reached on them, less a margin, so that a change
// that loses ground on text it was not written for fails here (the
// figures themselves are in the README).
var floors = map[string]map[string][2]float64{
	"testweb": {"countries": {0.9, 0.85}, "orgs": {0.9, 0.85}, "people": {0.9, 0.85}, "operations": {0.9, 0.85}, "figures": {0.9, 0.85}},
	"dev":     {"countries": {0.9, 0.95}, "orgs": {0.85, 0.85}, "people": {0.9, 0.9}, "operations": {0.75, 0.55}, "figures": {0.9, 0.7}},
	"dev2":    {"countries": {0.9, 0.95}, "orgs": {0.8, 0.8}, "people": {0.9, 0.9}, "operations": {0.7, 0.8}, "figures": {0.9, 0.9}},
	"dev3":    {"countries": {0.9, 0.95}, "orgs": {0.85, 0.85}, "people": {0.9, 0.9}, "operations": {0.6, 0.8}, "figures": {0.8, 0.85}},
	"dev4":    {"countries": {0.9, 0.95}, "orgs": {0.85, 0.8}, "people": {0.9, 0.8}, "operations": {0.9, 0.7}, "figures": {0.65, 0.85}},
	"dev5":    {"countries": {0.85, 0.95}, "orgs": {0.85, 0.85}, "people": {0.9, 0.85}, "operations": {0.7, 0.55}, "figures": {0.65, 0.85}},
	"dev6":    {"countries": {0.85, 0.9}, "orgs": {0.7, 0.7}, "people": {0.9, 0.7}, "operations": {0.7, 0.7}, "figures": {0.7, 0.7}},
	"dev7":    {"countries": {0.9, 0.95}, "orgs": {0.8, 0.75}, "people": {0.8, 0.7}, "operations": {0.65, 0.55}, "figures": {0.5, 0.55}},
}

// report scores a set of annotated articles and checks its floors.
func report(t *testing.T, set string, arts []article) map[string]*score {
	t.Helper()
	rules, err := Load(Files{})
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]*score{}
	for _, f := range fields {
		scores[f] = &score{}
	}
	for _, a := range arts {
		got := rules.Enrich(Input{Title: a.title, Blocks: model.ParseText(a.body), Published: a.published})
		compare(t, rules, a, got, scores)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d articles:\n| field | precision | recall | matched / annotated | attributes agree |\n|---|---|---|---|---|\n", set, len(arts))
	for _, f := range fields {
		s := scores[f]
		fmt.Fprintf(&b, "| %s | %.2f | %.2f | %d / %d | %d / %d |\n", f, s.precision(), s.recall(), s.tp, s.tp+s.fn, s.attrOK, s.attr)
	}
	t.Log("\n" + b.String())
	for _, f := range fields {
		s := scores[f]
		fl, ok := floors[set][f]
		if !ok {
			continue // a set only measured, never held to a floor: the held-out one
		}
		if s.precision() < fl[0] || s.recall() < fl[1] {
			t.Errorf("%s: %s precision %.2f recall %.2f, want at least %.2f and %.2f", set, f, s.precision(), s.recall(), fl[0], fl[1])
		}
	}
	return scores
}

// TestGolden compares the facts of the testweb's articles with the
// hand-made annotations in testdata/golden.
func TestGolden(t *testing.T) {
	dir, err := testweb.Dir()
	if err != nil {
		testweb.Missing(t, "testweb: %v", err)
		return
	}
	f, err := os.Open(filepath.Join(dir, "expected", "articles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []struct {
		Title     string    `json:"title"`
		Body      string    `json:"body"`
		Published time.Time `json:"published"`
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var l struct {
			Title     string    `json:"title"`
			Body      string    `json:"body"`
			Published time.Time `json:"published"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	files, _ := filepath.Glob("testdata/golden/*.golden.json")
	if len(files) != len(lines) {
		t.Errorf("%d golden files for %d testweb articles", len(files), len(lines))
	}
	var arts []article
	for _, name := range files {
		var g golden
		readJSON(t, name, &g)
		if g.Line < 0 || g.Line >= len(lines) || lines[g.Line].Title != g.Title {
			t.Fatalf("%s: line %d is not the article %q", name, g.Line, g.Title)
		}
		l := lines[g.Line]
		arts = append(arts, article{name: filepath.Base(name), title: l.Title, body: l.Body, published: l.Published, want: g})
	}
	report(t, "testweb", arts)
}

// TestDev scores official press releases annotated apart from the rules
// (testdata/dev…dev5): each was measured once untuned, then used to find
// what the rules missed.
func TestDev(t *testing.T) {
	reportSet(t, "dev", "testdata/dev")
	reportSet(t, "dev2", "testdata/dev2")
	reportSet(t, "dev3", "testdata/dev3")
	reportSet(t, "dev4", "testdata/dev4")
	reportSet(t, "dev5", "testdata/dev5")
	reportSet(t, "dev6", "testdata/dev6")
	reportSet(t, "dev7", "testdata/dev7")
}

// TestHeldout scores official press releases the rules are never tuned on
// (testdata/heldout): the figure of how the rules do on unseen releases,
// measured, not held to a floor (tuning to one would make it a development
// set).
func TestHeldout(t *testing.T) { reportSet(t, "held-out", "testdata/heldout") }

func reportSet(t *testing.T, set, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.golden.json"))
	if len(files) == 0 {
		t.Fatalf("no annotations in %s", dir)
	}
	sort.Strings(files)
	var arts []article
	for _, name := range files {
		var g golden
		readJSON(t, name, &g)
		var text struct {
			Title string `json:"title"`
			Body  string `json:"body"`
		}
		readJSON(t, strings.TrimSuffix(name, ".golden.json")+".json", &text)
		arts = append(arts, article{name: filepath.Base(name), title: text.Title, body: text.Body, want: g})
	}
	report(t, set, arts)
}

func readJSON(t *testing.T, name string, v any) { readJSONTB(t, name, v) }

func readJSONTB(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// FuzzEnrich: no text makes enrichment panic, and the facts it finds are
// well-formed: figures positive and typed, countries two-letter codes.
func FuzzEnrich(f *testing.F) {
	rules, err := Load(Files{})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"Operation", "operation", "the operation Jackal", "EUR 2.15M seized", "Ms", "Jürgen Stock, INTERPOL Secretary General",
		"LYON, France –", "known as", "Between 15 and 29 May", "6kg of heroin were seized", "“”'’", "U.S. Attorney Joseph D. Brown said", "1,,000 arrests",
		"Police seized 5 EUR 10 times.", "fine of 300 EUR 500", strings.Repeat("12 arrests and 3 kg seized, ", 400), strings.Repeat("警察逮捕了", 3000)} {
		f.Add("", s)
		f.Add(s, s+" "+s)
	}
	f.Fuzz(func(t *testing.T, title, body string) {
		got := rules.Enrich(Input{Title: title, Blocks: model.ParseText(body)})
		for _, c := range got.Countries {
			if len(c.Code) != 2 {
				t.Errorf("country code %q", c.Code)
			}
		}
		for _, fig := range got.Figures {
			if fig.Value <= 0 || fig.Kind == "" {
				t.Errorf("figure %+v", fig)
			}
		}
	})
}
