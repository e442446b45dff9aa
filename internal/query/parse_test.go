package query

import (
	"strings"
	"testing"
	"time"
)

// textTests are queries without filters and their syntax trees (see dump).
var textTests = []struct {
	in, want string
}{
	// Empty.
	{"", "nil"},
	{"   ", "nil"},
	{"\x00\t\n\x1b", "nil"},

	// Words, AND, OR and precedence.
	{"jackal", `"jackal"`},
	{"jackal arrests", `(AND "jackal" "arrests")`},
	{"jackal AND arrests", `(AND "jackal" "arrests")`},
	{"jackal\tarrests\n", `(AND "jackal" "arrests")`},
	{"jackal OR narsil", `(OR "jackal" "narsil")`},
	{"a b OR c", `(OR (AND "a" "b") "c")`},
	{"a OR b c", `(OR "a" (AND "b" "c"))`},
	{"a AND b OR c AND d", `(OR (AND "a" "b") (AND "c" "d"))`},
	{"a OR b OR c", `(OR "a" "b" "c")`},
	{"a and b or c not d", `(AND "a" "and" "b" "or" "c" "not" "d")`},
	{"And Or Not", `(AND "And" "Or" "Not")`},

	// Grouping and flattening.
	{"(a OR b) c", `(AND (OR "a" "b") "c")`},
	{"(a OR b) OR c", `(OR "a" "b" "c")`},
	{"a OR (b OR (c OR d))", `(OR "a" "b" "c" "d")`},
	{"a (b c)", `(AND "a" "b" "c")`},
	{"(a b) (c d)", `(AND "a" "b" "c" "d")`},
	{"((a))", `"a"`},
	{"(a)(b)", `(AND "a" "b")`},
	{"a(b OR c)", `(AND "a" (OR "b" "c"))`},
	{"(a b OR c) d", `(AND (OR (AND "a" "b") "c") "d")`},
	{"(a) AND (b)", `(AND "a" "b")`},

	// Exclusion.
	{"-a", `(NOT "a")`},
	{"NOT a", `(NOT "a")`},
	{"a -b", `(AND "a" (NOT "b"))`},
	{"a NOT b", `(AND "a" (NOT "b"))`},
	{"a AND NOT b", `(AND "a" (NOT "b"))`},
	{"-a -b", `(AND (NOT "a") (NOT "b"))`},
	{"a (-b -c)", `(AND "a" (NOT "b") (NOT "c"))`},
	{"(-b -c)", `(AND (NOT "b") (NOT "c"))`},
	{"(-b -c) -d", `(AND (NOT "b") (NOT "c") (NOT "d"))`},
	{"((-b) a)", `(AND (NOT "b") "a")`},
	{"-(a OR b)", `(NOT (OR "a" "b"))`},
	{"NOT(a OR b) c", `(AND (NOT (OR "a" "b")) "c")`},
	{"-(a b)", `(NOT (AND "a" "b"))`},
	{"-(a -b)", `(NOT (AND "a" (NOT "b")))`},
	{"-(a (-b -c))", `(NOT (AND "a" (NOT "b") (NOT "c")))`},
	{`-"a b" c`, `(AND (NOT ["a" "b"]) "c")`},
	{"a OR b -c", `(OR "a" (AND "b" (NOT "c")))`},
	{"(a OR b) -c", `(AND (OR "a" "b") (NOT "c"))`},
	{"-OR -AND -NOT", `(AND (NOT "OR") (NOT "AND") (NOT "NOT"))`},
	{"-10:30", `(NOT "10:30")`},
	{"-NOT a", `(AND (NOT "NOT") "a")`},

	// A '-' inside a word, and lone ones.
	{"covid-19", `"covid-19"`},
	{"e-mail a-", `(AND "e-mail" "a-")`},
	{"- a", `"a"`},
	{"a -", `"a"`},
	{"a - b", `(AND "a" "b")`},
	{"a OR -", `"a"`},
	{"- -a", `(NOT "a")`},

	// Nothing searchable: dropped.
	{"&", "nil"},
	{"-- ... * ** *** -& -*", "nil"},
	{"a & b", `(AND "a" "b")`},
	{"a OR &", `"a"`},
	{"& OR a", `"a"`},
	{"(&)", "nil"},
	{"a (& ...)", `"a"`},
	{`""`, "nil"},
	{`a OR ""`, `"a"`},
	{`"&"  "-- ..."`, "nil"},
	{`""*`, "nil"},
	{`-"" -& -(&)`, "nil"},
	{"NOT &", "nil"},
	{"a NOT ...", `"a"`},
	{"-(a OR &)", `(NOT "a")`},
	{"\xff", "nil"},
	{"title:& title:*", "nil"},
	{`title:"" title:"..."`, "nil"},

	// Prefixes.
	{"cyber*", `"cyber"*`},
	{"cyber**", `"cyber"*`},
	{"covid-19*", `"covid-19"*`},
	{"OR*", `"OR"*`},
	{`"operation jack"*`, `["operation" "jack"]*`},
	{`"a"**`, `["a"]*`},
	{`"a" *`, `["a"]`},

	// Phrases.
	{`"operation jackal"`, `["operation" "jackal"]`},
	{`"  operation   jackal "`, `["operation" "jackal"]`},
	{"\"operation\tjackal\x00x\"", `["operation" "jackal" "x"]`},
	{`"jackal"`, `["jackal"]`},
	{`"a*b" "foo:bar" "OR" "(x)"`, `(AND ["a*b"] ["foo:bar"] ["OR"] ["(x)"])`},
	{`"rock & roll"`, `["rock" "&" "roll"]`},
	{`“operation jackal”`, `["operation" "jackal"]`},
	{`„Operation Jackal“`, `["Operation" "Jackal"]`},
	{`"a"b`, `(AND ["a"] "b")`},
	{`a"b"`, `(AND "a" ["b"])`},
	{`"a""b"`, `(AND ["a"] ["b"])`},

	// title:
	{"title:jackal", `title:"jackal"`},
	{"TITLE:jackal", `title:"jackal"`},
	{"Title:cyber*", `title:"cyber"*`},
	{`title:"operation jackal"`, `title:["operation" "jackal"]`},
	{`title:"operation jack"* arrests`, `(AND title:["operation" "jack"]* "arrests")`},
	{"title:a b", `(AND title:"a" "b")`},
	{"-title:jackal a", `(AND (NOT title:"jackal") "a")`},
	{"NOT title:jackal", `(NOT title:"jackal")`},
	{"(title:a OR title:b)", `(OR title:"a" title:"b")`},
	{"title:OR", `title:"OR"`},
	{"title:10:30", `title:"10:30"`},
	{"title:a(b)", `(AND title:"a" "b")`},

	// Colons that are not fields.
	{"10:30", `"10:30"`},
	{"covid-19:x", `"covid-19:x"`},
	{"a1:b", `"a1:b"`},
	{":x x:", `(AND ":x" "x:")`},
	{"Note: attack", `(AND "Note:" "attack")`},
	{"(a foo:)", `(AND "a" "foo:")`},
	{"http://example.org/news?id=1", `"http://example.org/news?id=1"`},
	{"https://europol.europa.eu:443/x", `"https://europol.europa.eu:443/x"`},

	// Unicode and broken input.
	{"Gürak", `"Gürak"`},
	{"\xffabc", "\"\ufffdabc\""},
	{"a\x00b", `(AND "a" "b")`},
	{"a\u00a0b\u3000c", `(AND "a" "b" "c")`},
	{"½", `"½"`},
}

func TestParseText(t *testing.T) {
	for _, tt := range textTests {
		q := parseOK(t, tt.in)
		if got := dump(q.Text); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
		if q.Sources != nil || q.NotSources != nil || !q.Since.IsZero() || !q.Until.IsZero() || q.Facts != nil {
			t.Errorf("Parse(%q) = %s, want no filters", tt.in, dumpQuery(q))
		}
	}
}

func TestParseFilters(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Query
	}{
		{"source:Europol", Query{Sources: []string{"Europol"}}},
		{`source:"US Defense Joint Chiefs of Staff"`, Query{Sources: []string{"US Defense Joint Chiefs of Staff"}}},
		{"source:\" US  Defense\tJoint \"", Query{Sources: []string{"US Defense Joint"}}},
		{"Source:Europol source:NATO", Query{Sources: []string{"Europol", "NATO"}}},
		{"source:Europol SOURCE:europol", Query{Sources: []string{"Europol"}}},
		{`source:"Euro*" source:a*b`, Query{Sources: []string{"Euro*", "a*b"}}},
		{"source:https://www.nato.int", Query{Sources: []string{"https://www.nato.int"}}},
		{"-source:NATO NOT source:Europol", Query{NotSources: []string{"NATO", "Europol"}}},
		{"source:NATO -source:NATO", Query{Sources: []string{"NATO"}, NotSources: []string{"NATO"}}},

		{"since:2023-09-01", Query{Since: day(2023, 9, 1)}},
		{"since:2023-09", Query{Since: day(2023, 9, 1)}},
		{"since:2023", Query{Since: day(2023, 1, 1)}},
		{`since:"2023"`, Query{Since: day(2023, 1, 1)}},
		{"until:2023-09-30", Query{Until: day(2023, 10, 1)}},
		{"until:2023-09", Query{Until: day(2023, 10, 1)}},
		{"until:2023", Query{Until: day(2024, 1, 1)}},
		{"until:2023-12-31", Query{Until: day(2024, 1, 1)}},
		{"until:2024-02-29", Query{Until: day(2024, 3, 1)}},
		{"since:2023-09-01 until:2023-09-01", Query{Since: day(2023, 9, 1), Until: day(2023, 9, 2)}},
		{"UNTIL:2023 Since:2023", Query{Since: day(2023, 1, 1), Until: day(2024, 1, 1)}},
		{"since:9999 until:9999", Query{Since: day(9999, 1, 1), Until: day(10000, 1, 1)}},

		{"country:PT", Query{Facts: []Fact{{Field: "country", Value: "PT", Pos: 1}}}},
		{"-country:PT", Query{Facts: []Fact{{Field: "country", Value: "PT", Not: true, Pos: 1}}}},
		{"a NOT country:PT", Query{Text: &Term{Word: "a"}, Facts: []Fact{{Field: "country", Value: "PT", Not: true, Pos: 3}}}},
		{`person:"Jürgen  Stock" operation:"Operation Jackal"`, Query{Facts: []Fact{
			{Field: "person", Value: "Jürgen Stock", Pos: 1},
			{Field: "operation", Value: "Operation Jackal", Pos: 24},
		}}},
		{"TOPIC:cybercrime org:Europol story:12", Query{Facts: []Fact{
			{Field: "topic", Value: "cybercrime", Pos: 1},
			{Field: "org", Value: "Europol", Pos: 18},
			{Field: "story", Value: "12", Pos: 30},
		}}},
		{"country:PT country:PT country:pt", Query{Facts: []Fact{
			{Field: "country", Value: "PT", Pos: 1},
			{Field: "country", Value: "pt", Pos: 23},
		}}},

		{"jackal source:Europol since:2023 country:PT", Query{
			Text:    &Term{Word: "jackal"},
			Sources: []string{"Europol"},
			Since:   day(2023, 1, 1),
			Facts:   []Fact{{Field: "country", Value: "PT", Pos: 34}},
		}},
		{"source:Europol (jackal OR narsil) -source:NATO", Query{
			Text:       &Or{Nodes: []Node{&Term{Word: "jackal"}, &Term{Word: "narsil"}}},
			Sources:    []string{"Europol"},
			NotSources: []string{"NATO"},
		}},
		{"a AND source:X AND b", Query{Text: &And{Nodes: []Node{&Term{Word: "a"}, &Term{Word: "b"}}}, Sources: []string{"X"}}},
	} {
		got := parseOK(t, tt.in)
		if dumpQuery(got) != dumpQuery(tt.want) {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, dumpQuery(got), dumpQuery(tt.want))
		}
		for i := range min(len(got.Facts), len(tt.want.Facts)) {
			if got, want := got.Facts[i].Pos, tt.want.Facts[i].Pos; got != want {
				t.Errorf("Parse(%q): Facts[%d].Pos = %d, want %d", tt.in, i, got, want)
			}
		}
		for _, d := range []time.Time{got.Since, got.Until} {
			if d.Location() != time.UTC {
				t.Errorf("Parse(%q): date %v not in UTC", tt.in, d)
			}
		}
	}
}

// errorTests are malformed queries: where the error points and words its
// message must hold.
var errorTests = []struct {
	in   string
	pos  int
	msgs []string
}{
	// Quotes.
	{`"abc`, 1, []string{"quote", "never closed"}},
	{`a "b" "c`, 7, []string{"never closed"}},
	{`source:"abc`, 8, []string{"never closed", "source:"}},
	{`title:"abc`, 7, []string{"never closed"}},

	// Parentheses.
	{"(a", 1, []string{"(", "never closed"}},
	{"a (b (c)", 3, []string{"never closed"}},
	{"a)", 2, []string{")", "no ("}},
	{"(a)) b", 4, []string{"no ("}},
	{")(", 1, []string{"no ("}},
	{"()", 1, []string{"empty parentheses"}},
	{"a ( ) b", 3, []string{"empty parentheses"}},
	{"-()", 2, []string{"empty parentheses"}},

	// OR, AND and NOT without operands.
	{"a OR", 3, []string{"OR", "after"}},
	{"OR a", 1, []string{"OR", "before"}},
	{"OR", 1, []string{"OR", "before"}},
	{"a OR OR b", 3, []string{"OR", "after"}},
	{"(OR a)", 2, []string{"OR", "before"}},
	{"a (b OR)", 6, []string{"OR", "after"}},
	{"a OR ) b", 3, []string{"OR", "after"}},
	{"a AND", 3, []string{"AND", "after"}},
	{"AND a", 1, []string{"AND", "before"}},
	{"a AND OR b", 3, []string{"AND", "after"}},
	{"a AND AND b", 3, []string{"AND", "after"}},
	{"(a AND) b", 4, []string{"AND", "after"}},
	{"NOT", 1, []string{"NOT", "after"}},
	{"a NOT", 3, []string{"NOT", "after"}},
	{"(NOT) a", 2, []string{"NOT", "after"}},
	{"NOT OR a", 1, []string{"NOT", "after"}},
	{"a NOT AND b", 3, []string{"NOT", "after"}},

	// Stars.
	{"a*b", 2, []string{"prefix", "end of a word", `"a*b"`}},
	{"*abc", 1, []string{"prefix", `"*abc"`}},
	{"x ab*c*", 5, []string{"prefix", `"ab*c*"`}},
	{"Gü*rak", 3, []string{"prefix"}},
	{"title:a*b", 8, []string{"prefix"}},

	// Fields.
	{"foo:bar", 1, []string{`unknown field "foo:"`, "title:, source:, since:, until:, country:, org:, person:, operation:, topic:, story:", `put it in quotes: "foo:bar"`}},
	{`a Foo:"x y"`, 3, []string{`unknown field "Foo:"`, `"Foo:x y"`}},
	{"sorce:Europol", 1, []string{"did you mean source:?"}},
	{"titel:x", 1, []string{"did you mean title:?"}},
	{"after:2023", 1, []string{"did you mean since:?"}},
	{"site:europol.eu", 1, []string{"did you mean source:?"}},
	{"pays:PT", 1, []string{`unknown field "pays:"`}},
	{"país:PT", 1, []string{`unknown field "país:"`}},
	{"ſource:x", 1, []string{"unknown field"}},
	{"http:x", 1, []string{`unknown field "http:"`, `"http:x"`}},
	{"mailto:a@b.org", 1, []string{"unknown field", `"mailto:a@b.org"`}},
	{"foo:(a b)", 1, []string{"unknown field"}},
	{`-foo:"x`, 2, []string{"unknown field", `"foo:x"`}},
	{"source:", 1, []string{"source:", "needs a value", "source:Europol"}},
	{"a source: Europol", 3, []string{"source:", "needs a value"}},
	{"(a since:)", 4, []string{"since:", "needs a value"}},
	{"title:", 1, []string{"title:", "needs a value"}},
	{"-country:", 2, []string{"country:", "needs a value"}},
	{`source:""`, 1, []string{"source:", "needs a value"}},
	{`person:"  "`, 1, []string{"person:", "needs a value"}},
	{"title:(a b)", 1, []string{"title:", "parentheses", "title:a title:b"}},
	{"source:(a OR b)", 1, []string{"source:", "parentheses"}},
	{"title:-x", 7, []string{"-title:x"}},
	{"source:Euro*", 12, []string{"source:", "prefix"}},
	{`source:"Euro"*`, 14, []string{"source:", "prefix"}},
	{"country:P*", 10, []string{"country:", "prefix"}},

	// Filters in the wrong place.
	{"(source:Europol)", 2, []string{"source:Europol", "whole query", "inside parentheses"}},
	{"a (b -source:NATO)", 6, []string{"-source:NATO", "inside parentheses"}},
	{"(a NOT country:PT)", 4, []string{"-country:PT", "inside parentheses"}},
	{"-(since:2023)", 3, []string{"since:2023", "inside parentheses"}},
	{"source:Europol jackal OR narsil", 1, []string{"source:Europol", "OR", "source:Europol (a OR b)"}},
	{"jackal OR narsil country:PT", 18, []string{"country:PT", "OR"}},
	{`a OR person:"Jürgen Stock"`, 6, []string{`person:"Jürgen Stock"`, "OR"}},
	{"-since:2023-09", 1, []string{"since:", "excluded", "until:2023-08"}},
	{"NOT since:2023-09-15", 1, []string{"since:", "until:2023-09-14"}},
	{"-since:2023", 1, []string{"until:2022"}},
	{"-until:2023-09", 1, []string{"until:", "excluded", "since:2023-10"}},
	{"a -until:2023-12-31", 3, []string{"since:2024"}},
	{"-until:2023-09-14", 1, []string{"since:2023-09-15"}},

	// Dates.
	{"since:2023-13-01", 7, []string{"since:2023-13-01: want a date like 2023-09-01, 2023-09 or 2023"}},
	{"since:2023-02-29", 7, []string{"since:2023-02-29", "want a date"}},
	{"until:2023-02-30", 7, []string{"until:2023-02-30", "want a date"}},
	{"until:yesterday", 7, []string{"until:yesterday", "want a date"}},
	{"since:23", 7, []string{"want a date"}},
	{"since:2023-9-1", 7, []string{"want a date"}},
	{"since:2023-00", 7, []string{"want a date"}},
	{"since:2023-09-00", 7, []string{"want a date"}},
	{"since:0000", 7, []string{"want a date"}},
	{"since:2023/09/01", 7, []string{"want a date"}},
	{"since:２０２３", 7, []string{"want a date"}},
	{"since:+123", 7, []string{"want a date"}},
	{`a since:"2023 09"`, 9, []string{`since:2023 09`, "want a date"}},
	{"since:2023 since:2024", 12, []string{"since:", "twice", "character 1"}},
	{"until:2023 x UNTIL:2023", 14, []string{"until:", "twice"}},
	{"since:2024 until:2023", 1, []string{"since:2024", "until:2023", "nothing can match"}},
	{"until:2023-09-01 since:2023-09-02", 18, []string{"since:2023-09-02", "until:2023-09-01"}},

	// Exclusion where it cannot be.
	{"a OR -b", 6, []string{"negated", "OR alternative"}},
	{"-a OR b", 1, []string{"negated", "OR alternative"}},
	{"a OR NOT b", 6, []string{"negated"}},
	{"a OR (-b -c)", 6, []string{"negated"}},
	{"a OR -b -c", 6, []string{"negated"}},
	{"(a OR -b) c", 7, []string{"negated"}},
	{"-a OR &", 1, []string{"negated"}},
	{"-(-a)", 1, []string{"excludes what is already excluded"}},
	{"--a", 1, []string{"already excluded"}},
	{"a NOT -b", 3, []string{"already excluded"}},
	{"NOT NOT a", 1, []string{"already excluded"}},
	{"-(-a -b)", 1, []string{"already excluded"}},
	{"-((-a) (-b))", 1, []string{"already excluded"}},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range errorTests {
		q, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want an error", tt.in, dumpQuery(q))
			continue
		}
		e := asError(t, tt.in, err)
		if e.Pos != tt.pos {
			t.Errorf("Parse(%q): error at %d, want %d: %v", tt.in, e.Pos, tt.pos, e)
		}
		for _, m := range tt.msgs {
			if !strings.Contains(e.Msg, m) {
				t.Errorf("Parse(%q): error %q, want it to say %q", tt.in, e.Msg, m)
			}
		}
		if got, want := e.Error(), "at character "; !strings.HasPrefix(got, want) {
			t.Errorf("Parse(%q).Error() = %q, want it to start with %q", tt.in, got, want)
		}
		if q.Text != nil || q.Sources != nil || q.Facts != nil {
			t.Errorf("Parse(%q) = %s with its error, want a zero Query", tt.in, dumpQuery(q))
		}
	}
}

func TestParseLimits(t *testing.T) {
	words := func(n int, w string) string {
		return strings.TrimSpace(strings.Repeat(w+" ", n))
	}
	ok := []string{
		strings.Repeat("a", MaxLength),
		strings.Repeat("é", MaxLength),
		strings.Repeat("\xff", MaxLength),
		words(MaxTerms, "a"),
		words(MaxTerms, `"a b"`),
		words(MaxTerms/2, "a") + " " + words(MaxTerms/2, `"a b"`),
		words(MaxTerms, "a") + " " + words(100, "&") + " source:X",
		strings.Repeat("(", MaxDepth) + "a" + strings.Repeat(")", MaxDepth),
		strings.Repeat("-(a ", MaxDepth) + strings.Repeat(")", MaxDepth),
	}
	for _, s := range ok {
		parseOK(t, s)
	}
	for _, tt := range []struct {
		in   string
		pos  int
		msgs []string
	}{
		{strings.Repeat("a", MaxLength+1), MaxLength + 1, []string{"too long", "1001 characters", "at most 1000"}},
		{strings.Repeat("é", MaxLength+1), MaxLength + 1, []string{"too long"}},
		{strings.Repeat("\xff", MaxLength*2), MaxLength + 1, []string{"too long", "2000 characters"}},
		{words(MaxTerms+1, "a"), 2*MaxTerms + 1, []string{"too many search terms", "64"}},
		{words(MaxTerms, "a") + ` "x y"`, 2*MaxTerms + 1, []string{"too many search terms"}},
		{words(MaxTerms, "a") + ` title:x`, 2*MaxTerms + 7, []string{"too many search terms"}},
		{strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1), MaxDepth + 1, []string{"parentheses", "at most 20"}},
		{strings.Repeat("-(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1), 2*MaxDepth + 2, []string{"parentheses"}},
	} {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%.40q...): no error, want one", tt.in)
			continue
		}
		e := asError(t, tt.in, err)
		if e.Pos != tt.pos {
			t.Errorf("Parse(%.40q...): error at %d, want %d: %v", tt.in, e.Pos, tt.pos, e)
		}
		for _, m := range tt.msgs {
			if !strings.Contains(e.Msg, m) {
				t.Errorf("Parse(%.40q...): error %q, want it to say %q", tt.in, e.Msg, m)
			}
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"short", "jackal arrests"},
		{"typical", `(ransomware OR "operation jackal"*) -test title:europol source:Europol since:2023-09 country:PT`},
		{"long", strings.TrimSpace(strings.Repeat(`(cyber* OR "a b") -x `, MaxTerms/3))},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bb.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
