package chart

import (
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// weeks returns n week labels from the week of 7 Oct 2024: short for the
// axis, long for the tooltips.
func weeks(n int) (short, long []string) {
	start := time.Date(2024, 10, 7, 0, 0, 0, 0, time.UTC)
	for i := range n {
		d := start.AddDate(0, 0, 7*i)
		short = append(short, d.Format("2 Jan"))
		long = append(long, "week of "+d.Format("2 Jan 2006"))
	}
	return short, long
}

// counts returns n made-up but repeatable counts around base.
func counts(n, base, seed int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(base + (i*7+seed*13)%(base+3) - base/2)
		if v[i] < 0 {
			v[i] = 0
		}
	}
	return v
}

// firstColumn keeps the first value of each series.
func firstColumn(in []Series) []Series {
	var out []Series
	for _, s := range in {
		out = append(out, Series{Name: s.Name, Values: s.Values[:1]})
	}
	return out
}

const hostile = `<script>alert(1)</script> "quoted" & 'single' ]]> <!-- --> &amp;`

// goldens are the charts kept in testdata/NAME.svg.
func goldens() []struct {
	name string
	svg  template.HTML
} {
	short12, long12 := weeks(12)
	short200, long200 := weeks(200)
	sources := []string{"NATO", "Europol", "Interpol", "Eurojust", "US Department of Defense", "US Joint Chiefs of Staff"}
	var six []Series
	for i, s := range sources {
		six = append(six, Series{Name: s, Values: counts(12, 8-i, i)})
	}
	var thirty []Series
	for i := range 30 {
		thirty = append(thirty, Series{Name: fmt.Sprintf("Source %02d", i+1), Values: counts(12, 3, i)})
	}
	huge := []Series{{Name: "Impressions", Values: []float64{1.2e7, 3.4e6, 9.99e6, 0, 5e5, 1e7}}}
	return []struct {
		name string
		svg  template.HTML
	}{
		{"columns_sources", Columns(ColumnChart{ID: "sources", Title: "Articles per source per week", Labels: short12, LongLabels: long12, Series: six})},
		{"columns_one_series", Columns(ColumnChart{ID: "one-series", Title: "Articles per week", Labels: short12, LongLabels: long12, Series: []Series{{Values: counts(12, 20, 1)}}})},
		{"columns_one_column", Columns(ColumnChart{ID: "one-column", Title: "Articles this week", Labels: short12[:1], LongLabels: long12[:1], Series: firstColumn(six)})},
		{"columns_200", Columns(ColumnChart{ID: "weeks-200", Title: "Articles per week since 2024", Labels: short200, LongLabels: long200, Series: []Series{{Name: "NATO", Values: counts(200, 10, 1)}, {Name: "Europol", Values: counts(200, 6, 2)}}})},
		{"columns_zeros", Columns(ColumnChart{ID: "zeros", Title: "Articles per week", Labels: short12[:4], Series: []Series{{Name: "NATO", Values: []float64{0, 0, 0, 0}}}})},
		{"columns_huge", Columns(ColumnChart{ID: "huge", Title: "Impressions per week", Labels: short12[:6], LongLabels: long12[:6], Series: huge})},
		{"columns_many_series", Columns(ColumnChart{ID: "many", Title: "Thirty sources", Labels: short12, LongLabels: long12, Series: thirty})},
		{"columns_bad_values", Columns(ColumnChart{ID: "bad", Title: "Bad values", Labels: []string{"a", "b", "c", "d", "e"}, Series: []Series{{Name: "NATO", Values: []float64{3, -2, math.NaN(), math.Inf(1), 2.5}}, {Name: hostile, Values: []float64{1, 1, math.Inf(-1), 1, 1}}}})},
		{"columns_empty", Columns(ColumnChart{ID: "empty", Title: "Articles per week"})},
		{"hbars_countries", HBars(HBarChart{ID: "countries", Title: "Mentions per country", Bars: []Bar{
			{"Ukraine", 312}, {"United States of America", 208}, {"Russian Federation", 190}, {"Portugal", 42},
			{"Bosnia and Herzegovina, Federation of Bosnia and Herzegovina", 17}, {"日本", 9}, {"Malta", 1}, {"Iceland", 0},
		}})},
		{"hbars_hostile", HBars(HBarChart{ID: "hostile", Title: hostile, Desc: hostile, Bars: []Bar{{hostile, 12}, {"A & B", 12345678}, {"", math.NaN()}}})},
		{"hbars_empty", HBars(HBarChart{ID: "hbars-empty", Title: "Mentions per country"})},
		{"spark", Spark(counts(12, 20, 1), "NATO, articles per week")},
		{"spark_one", Spark([]float64{4}, "Europol")},
		{"spark_zeros", Spark([]float64{0, 0, 0}, "Eurojust")},
		{"spark_empty", Spark(nil, "")},
	}
}

func TestGolden(t *testing.T) {
	for _, tt := range goldens() {
		t.Run(tt.name, func(t *testing.T) {
			got := string(tt.svg)
			checkSVG(t, got)
			path := filepath.Join("testdata", tt.name+".svg")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/chart -update)", err)
			}
			if got+"\n" != string(want) {
				t.Errorf("%s differs from the output; if the change is intended, rerun with -update and look at the SVG\ngot:\n%s", path, got)
			}
		})
	}
}

// parsed is what checkSVG found in one chart.
type parsed struct {
	ids   []string
	text  []string // every run of character data, unescaped
	attrs []string // every attribute value, unescaped
}

// checkSVG fails unless s is one well-formed <svg> element in the SVG
// namespace whose aria-labelledby ids exist, whose ids are unique, and which
// holds no style, script or link.
func checkSVG(t *testing.T, s string) parsed {
	t.Helper()
	var p parsed
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	depth, roots := 0, 0
	var labelledBy []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root element %v, want svg in the SVG namespace", tok.Name)
				}
				for _, a := range tok.Attr {
					switch a.Name.Local {
					case "role":
						if a.Value != "img" {
							t.Errorf("role=%q, want img", a.Value)
						}
					case "aria-labelledby":
						labelledBy = strings.Fields(a.Value)
					}
				}
			}
			depth++
			// The page's Content-Security-Policy allows no inline style or
			// script: none may appear, whatever the data.
			switch tok.Name.Local {
			case "style", "script", "foreignObject", "a", "image", "use":
				t.Errorf("<%s> element in a chart", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "style" || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || a.Name.Local == "href" {
					t.Errorf("%s attribute in a chart", a.Name.Local)
				}
				if a.Name.Local == "width" || a.Name.Local == "height" {
					if v, err := strconv.ParseFloat(a.Value, 64); err != nil || v < 0 {
						t.Errorf("<%s %s=%q>: want a size", tok.Name.Local, a.Name.Local, a.Value)
					}
				}
				p.attrs = append(p.attrs, a.Value)
				if a.Name.Local == "id" {
					p.ids = append(p.ids, a.Value)
				}
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(tok)) != "" {
				t.Errorf("text outside the svg element: %q", tok)
			}
			p.text = append(p.text, string(tok))
		}
	}
	if roots != 1 {
		t.Errorf("%d root elements, want 1", roots)
	}
	seen := map[string]bool{}
	for _, id := range p.ids {
		if seen[id] {
			t.Errorf("id %q used twice", id)
		}
		seen[id] = true
	}
	for _, id := range labelledBy {
		if !seen[id] {
			t.Errorf("aria-labelledby names %q, which is not in the chart", id)
		}
	}
	return p
}

func TestHostileLabelsAreEscaped(t *testing.T) {
	short, _ := weeks(3)
	tests := []struct {
		name string
		svg  template.HTML
	}{
		{"columns series", Columns(ColumnChart{Title: "t", Labels: short, Series: []Series{{Name: hostile, Values: []float64{1, 2, 3}}, {Name: "b", Values: []float64{1}}}})},
		{"columns labels", Columns(ColumnChart{Title: hostile, Desc: hostile, Labels: []string{hostile, "x", "y"}, LongLabels: []string{hostile}, Series: []Series{{Name: "a", Values: []float64{1, 2, 3}}}})},
		{"columns id", Columns(ColumnChart{ID: `x" onload="alert(1)`, Title: "t", Series: []Series{{Values: []float64{1}}}})},
		{"hbars", HBars(HBarChart{Title: hostile, Bars: []Bar{{hostile, 1}}})},
		{"hbars id", HBars(HBarChart{ID: "<b>", Bars: []Bar{{"a", 1}}})},
		{"spark", Spark([]float64{1, 2}, hostile)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := string(tt.svg)
			for _, bad := range []string{"<script", "</script", `" onload`, "<b>", "<!--", "]]>"} {
				if strings.Contains(s, bad) {
					t.Errorf("output contains %q unescaped:\n%s", bad, s)
				}
			}
			p := checkSVG(t, s)
			// Escaped once, not twice: the parsed text gives the label back,
			// whitespace aside.
			found := false
			for _, x := range append(p.text, p.attrs...) {
				if strings.Contains(x, `<script>alert(1)</script> "quoted" & 'single'`) {
					found = true
				}
			}
			if !found && tt.name != "columns id" && tt.name != "hbars id" {
				t.Errorf("the hostile label does not read back as text:\n%s", s)
			}
		})
	}
}

func TestInvalidCharacters(t *testing.T) {
	// NUL, a form feed, invalid UTF-8 and U+FFFF are not allowed in XML.
	label := "a\x00b\x0cc\xff\xfed\uffffe\U0001F600"
	for _, svg := range []template.HTML{
		Columns(ColumnChart{Title: label, Labels: []string{label}, Series: []Series{{Name: label, Values: []float64{1}}}}),
		HBars(HBarChart{Title: label, Bars: []Bar{{label, 1}}}),
		Spark([]float64{1}, label),
	} {
		checkSVG(t, string(svg))
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		hi    float64
		whole bool
		want  []float64
	}{
		{0, true, []float64{0, 1}},
		{1, true, []float64{0, 1}},
		{1, false, []float64{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}},
		{3, true, []float64{0, 1, 2, 3}},
		{7, true, []float64{0, 2, 4, 6, 8}},
		{10, true, []float64{0, 2, 4, 6, 8, 10}},
		{12, true, []float64{0, 5, 10, 15}},
		{48, true, []float64{0, 10, 20, 30, 40, 50}},
		{312, true, []float64{0, 100, 200, 300, 400}},
		{1.2e7, true, []float64{0, 5e6, 1e7, 1.5e7}},
		{0.03, false, []float64{0, 0.01, 0.02, 0.03}},
		{math.NaN(), false, []float64{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}},
	}
	for _, tt := range tests {
		got, _ := niceTicks(tt.hi, tt.whole)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("niceTicks(%v, %v) = %v, want %v", tt.hi, tt.whole, got, tt.want)
		}
	}
}

func TestNiceTicksAreNice(t *testing.T) {
	for _, hi := range []float64{1e-300, 1e-7, 0.013, 0.5, 0.99, 1, 1.01, 2, 4.9, 5, 9, 11, 17, 99, 101, 999, 1234, 9999, 54321, 1e6, 9.99e6, 1e7, 3.3e9, 1e15, 7e99, 1e300} {
		for _, whole := range []bool{false, true} {
			ticks, step := niceTicks(hi, whole)
			if len(ticks) < 2 || len(ticks) > 7 {
				t.Errorf("niceTicks(%g): %d ticks %v", hi, len(ticks), ticks)
			}
			if top := ticks[len(ticks)-1]; top < hi*(1-1e-9) || top > 2*hi+1 && !whole {
				t.Errorf("niceTicks(%g): top tick %g does not fit the data", hi, top)
			}
			m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
			if math.Abs(m-1) > 1e-9 && math.Abs(m-2) > 1e-9 && math.Abs(m-5) > 1e-9 {
				t.Errorf("niceTicks(%g): step %g is not 1, 2 or 5 × 10ⁿ", hi, step)
			}
			for i, v := range ticks {
				if math.Abs(v-float64(i)*step) > step*1e-9 {
					t.Errorf("niceTicks(%g): tick %d is %g, want %g", hi, i, v, float64(i)*step)
				}
			}
		}
	}
}

func TestTickLabel(t *testing.T) {
	tests := []struct {
		v, step float64
		want    string
	}{
		{0, 1, "0"},
		{5, 1, "5"},
		{0.6000000000000001, 0.2, "0.6"},
		{0.03, 0.01, "0.03"},
		{500, 100, "500"},
		{1500, 500, "1.5k"},
		{2000, 500, "2k"},
		{1.05e6, 5e4, "1.05M"},
		{1.5e7, 5e6, "15M"},
		{2e9, 1e9, "2G"},
		{3e12, 1e12, "3T"},
	}
	for _, tt := range tests {
		if got := tickLabel(tt.v, tt.step); got != tt.want {
			t.Errorf("tickLabel(%g, %g) = %q, want %q", tt.v, tt.step, got, tt.want)
		}
	}
}

func TestCompact(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{0.25, "0.25"},
		{12.5, "12"},
		{999, "999"},
		{1000, "1k"},
		{1234, "1.2k"},
		{34567, "35k"},
		{999_960, "1M"},
		{3.4e6, "3.4M"},
		{12345678, "12M"},
		{1e7, "10M"},
		{2.5e9, "2.5G"},
		{1e100, "1e+100"},
	}
	for _, tt := range tests {
		if got := compact(tt.v); got != tt.want {
			t.Errorf("compact(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestExact(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{12, "12"},
		{999, "999"},
		{1000, "1,000"},
		{1234567, "1,234,567"},
		{1e7, "10,000,000"},
		{1234.5, "1,234.5"},
		{0.25, "0.25"},
		{1e100, "1e+100"},
	}
	for _, tt := range tests {
		if got := exact(tt.v); got != tt.want {
			t.Errorf("exact(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s     string
		width float64
		want  string
		cut   bool
	}{
		{"Portugal", 100, "Portugal", false},
		{"Bosnia and Herzegovina", 80, "Bosnia and…", true},
		{"日本国憲法", 40, "日本…", true},
		{"x", 0, "…", true},
	}
	for _, tt := range tests {
		got, cut := truncate(tt.s, tt.width, fontSize)
		if got != tt.want || cut != tt.cut {
			t.Errorf("truncate(%q, %g) = %q, %v; want %q, %v", tt.s, tt.width, got, cut, tt.want, tt.cut)
		}
	}
}

// TestEdgeCases draws odd inputs: none may panic, all must be well formed.
func TestEdgeCases(t *testing.T) {
	short, long := weeks(500)
	weird := []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1, 0, math.MaxFloat64, math.SmallestNonzeroFloat64, 1e-300, 5e-324, 1e7}
	var many []Series
	for i := range 100 {
		many = append(many, Series{Name: strings.Repeat("long name ", i%5), Values: weird})
	}
	tests := []struct {
		name string
		svg  template.HTML
	}{
		{"zero value", Columns(ColumnChart{})},
		{"labels without series", Columns(ColumnChart{Labels: short[:5]})},
		{"series without values", Columns(ColumnChart{Series: []Series{{Name: "a"}, {Name: "b"}}})},
		{"more values than labels", Columns(ColumnChart{Labels: short[:2], Series: []Series{{Values: []float64{1, 2, 3, 4}}}})},
		{"more labels than values", Columns(ColumnChart{Labels: short[:9], LongLabels: long[:3], Series: []Series{{Values: []float64{1}}}})},
		{"weird values", Columns(ColumnChart{Series: []Series{{Name: "w", Values: weird}, {Name: "x", Values: weird}}})},
		{"only bad values", Columns(ColumnChart{Series: []Series{{Values: []float64{math.NaN(), -5, math.Inf(1)}}}})},
		{"tiny values", Columns(ColumnChart{Series: []Series{{Values: []float64{5e-324, 1e-320}}}})},
		{"max values", Columns(ColumnChart{Series: []Series{{Values: []float64{math.MaxFloat64}}, {Values: []float64{math.MaxFloat64}}}})},
		{"500 columns", Columns(ColumnChart{Labels: short, LongLabels: long, Series: []Series{{Values: counts(500, 4, 1)}}})},
		{"100 series", Columns(ColumnChart{Labels: short[:10], Series: many})},
		{"odd sizes", Columns(ColumnChart{Width: -1, Height: math.NaN(), Series: []Series{{Values: []float64{1}}}})},
		{"tiny size", Columns(ColumnChart{Width: 16, Height: 16, Labels: short[:50], Series: []Series{{Values: counts(50, 4, 1)}}})},
		{"long labels", Columns(ColumnChart{Labels: []string{strings.Repeat("x", 300)}, Series: []Series{{Name: strings.Repeat("y", 300), Values: []float64{1}}}})},
		{"hbars weird", HBars(HBarChart{Bars: []Bar{{"a", math.NaN()}, {"", math.Inf(1)}, {"c", -3}, {"d", math.MaxFloat64}, {"e", 5e-324}}})},
		{"hbars zeros", HBars(HBarChart{Bars: []Bar{{"a", 0}, {"b", 0}}})},
		{"hbars long", HBars(HBarChart{Width: 100, Bars: []Bar{{strings.Repeat("é", 500), 1}}})},
		{"spark weird", Spark(weird, "w")},
		{"spark 1000", Spark(counts(1000, 5, 2), "k")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := string(tt.svg)
			checkSVG(t, s)
			for _, bad := range []string{"NaN", "Inf", "e+308"} {
				if strings.Contains(s, `="`+bad) || strings.Contains(s, " "+bad) {
					t.Errorf("output has a coordinate %s:\n%s", bad, s)
				}
			}
		})
	}
}

func TestLabelsThinnedOut(t *testing.T) {
	tests := []struct {
		columns, min, max int
	}{
		{1, 1, 1},
		{12, 12, 12},
		{52, 6, 26},
		{200, 5, 20},
	}
	for _, tt := range tests {
		short, _ := weeks(tt.columns)
		s := string(Columns(ColumnChart{Labels: short, Series: []Series{{Values: counts(tt.columns, 4, 1)}}}))
		got := textsIn(t, s, "chart-x")
		if len(got) < tt.min || len(got) > tt.max {
			t.Errorf("%d columns: %d labels shown, want %d to %d", tt.columns, len(got), tt.min, tt.max)
		}
		if len(got) == 0 || got[len(got)-1] != short[len(short)-1] {
			t.Errorf("%d columns: the last column's label %q is not shown: %q", tt.columns, short[len(short)-1], got)
		}
	}
}

// textsIn returns the text of the <text> elements inside the groups of
// class class.
func textsIn(t *testing.T, s, class string) []string {
	t.Helper()
	var out []string
	d := xml.NewDecoder(strings.NewReader(s))
	var stack []bool // whether each open element is, or is in, such a group
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in := len(stack) > 0 && stack[len(stack)-1]
			for _, a := range tok.Attr {
				if a.Name.Local == "class" && tok.Name.Local == "g" && strings.Contains(" "+a.Value+" ", " "+class+" ") {
					in = true
				}
			}
			stack = append(stack, in)
			if in && tok.Name.Local == "text" {
				out = append(out, "")
			}
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] && len(out) > 0 {
				out[len(out)-1] += string(tok)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func TestIDsUniqueAcrossCharts(t *testing.T) {
	short, _ := weeks(4)
	a := Series{Name: "NATO", Values: []float64{1, 2, 3, 4}}
	b := Series{Name: "Europol", Values: []float64{4, 3, 2, 1}}
	many := make([]Series, 12) // patterns have ids too
	for i := range many {
		many[i] = Series{Name: fmt.Sprint(i), Values: []float64{1}}
	}
	page := []template.HTML{
		Columns(ColumnChart{Title: "Weekly", Labels: short, Series: []Series{a, b}}),
		Columns(ColumnChart{Title: "Weekly", Labels: short, Series: []Series{b, a}}),
		Columns(ColumnChart{Title: "Weekly", Labels: short, Series: many}),
		Columns(ColumnChart{ID: "weekly", Title: "Weekly", Labels: short, Series: many}),
		Columns(ColumnChart{ID: "weekly!", Title: "Weekly", Labels: short, Series: many}),
		Columns(ColumnChart{ID: "weekly?", Title: "Weekly", Labels: short, Series: many}),
		Columns(ColumnChart{}),
		HBars(HBarChart{}),
		HBars(HBarChart{Title: "Weekly", Bars: []Bar{{"NATO", 1}}}),
		HBars(HBarChart{Title: "Weekly", Bars: []Bar{{"NATO", 2}}}),
	}
	seen := map[string]int{}
	for i, svg := range page {
		for _, id := range checkSVG(t, string(svg)).ids {
			if j, dup := seen[id]; dup {
				t.Errorf("id %q in charts %d and %d", id, j, i)
			}
			seen[id] = i
		}
	}
	// The same input gives the same ids, so that golden files hold.
	if Columns(ColumnChart{Title: "Weekly", Labels: short, Series: []Series{a, b}}) != page[0] {
		t.Error("the same chart drawn twice differs")
	}
}

// TestEmbedInTemplate checks that html/template puts a chart in a page as
// it is, in both places a page would: the body and a table cell.
func TestEmbedInTemplate(t *testing.T) {
	page := template.Must(template.New("").Parse(`<main>{{.Chart}}<table><tr><td>{{.Spark}}</td></tr></table></main>`))
	c := Columns(ColumnChart{Title: hostile, Series: []Series{{Name: hostile, Values: []float64{1, 2}}}})
	s := Spark([]float64{1, 2}, hostile)
	var b strings.Builder
	if err := page.Execute(&b, map[string]template.HTML{"Chart": c, "Spark": s}); err != nil {
		t.Fatal(err)
	}
	want := "<main>" + string(c) + "<table><tr><td>" + string(s) + "</td></tr></table></main>"
	if b.String() != want {
		t.Errorf("the template changed the chart:\n got %s\nwant %s", b.String(), want)
	}
}

func FuzzColumns(f *testing.F) {
	f.Add("NATO", "7 Oct", 1.0, 2.0, 3.0)
	f.Add(hostile, "\x00\xff", math.NaN(), math.Inf(1), -1.0)
	f.Add("", "", 0.0, 0.0, 1e300)
	f.Fuzz(func(t *testing.T, name, label string, a, b, c float64) {
		vs := []float64{a, b, c}
		checkSVG(t, string(Columns(ColumnChart{Title: name, Labels: []string{label, label}, Series: []Series{{Name: name, Values: vs}, {Name: label, Values: vs[1:]}}})))
		checkSVG(t, string(HBars(HBarChart{Title: label, Bars: []Bar{{name, a}, {label, b}}})))
		checkSVG(t, string(Spark(vs, name)))
	})
}
