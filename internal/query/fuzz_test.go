package query

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// extraSeeds are fuzzing seeds beyond the test tables' queries: mixes of
// everything, and what earlier fuzzing found.
var extraSeeds = []string{
	`jackal source:Europol since:2023-09 until:2023 -source:NATO country:PT -org:"Europol" person:"Jürgen Stock"`,
	`(ransomware OR "operation jackal"*) -test title:europol NOT (a b) cyber* covid-19`,
	`-(a OR (b -c)) "x y"* title:"p q"* ((d OR e) f) OR g`,
	"a\x00b\xff\xfe(c OR \"d\x7fe\")",
	`“a” „b“ "c”`,
	`note:"x" note: "x" a:(b) a: (b)`,
}

func seeds() []string {
	var s []string
	for _, tt := range textTests {
		s = append(s, tt.in)
	}
	for _, tt := range errorTests {
		s = append(s, tt.in)
	}
	return append(append(s, extraSeeds...), compactQuery())
}

// FuzzParse checks that Parse never panics, that its errors are *Error
// pointing into the query, that what it returns keeps the syntax tree's
// invariants, and that String parses back to the same query.
func FuzzParse(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			e := asError(t, s, err)
			if e.Pos < 1 || e.Pos > utf8.RuneCountInString(s)+1 || e.Msg == "" {
				t.Fatalf("Parse(%q): error %v points outside the query or says nothing", s, err)
			}
			return
		}
		if err := checkTree(q.Text); err != nil {
			t.Fatalf("Parse(%q) = %s: %v", s, dump(q.Text), err)
		}
		roundTrip(t, s, q)
	})
}

// randomTokens are pieces of the language, for TestRandomQueries;
// randomErrors are pieces that often make a query an error, drawn less
// often so that most random queries parse.
var (
	randomTokens = []string{
		"a", "b", "Gürak", "covid-19", "10:30", "http://x.org", "Note:", "x:", "&", "...", "*",
		"cyber*", "a**", "OR", "AND", "NOT", "or", "-", "--", "-a", "-OR",
		"(", ")", "(", ")", "-(", "NOT (", `""`, `"a b"`, `"a"*`, `"&"`, `“a”`,
		"title:x", "title:x*", `title:"a b"`, `title:"a"*`, "-title:x",
		"source:X", "-source:X", `source:"A B"`, `source:"X*"`,
		"country:PT", "-country:PT", `person:"J S"`, "story:12",
		"\x00", "\xff", "\t",
	}
	randomErrors = []string{
		`"`, "a*b", "title:", "title:-x", "source:", "source:X*", "since:2023", "since:2023-09",
		"until:2023-09-30", "until:2024", "-since:2023", "since:2023-13", "foo:bar", "sorce:x",
	}
)

// TestRandomQueries parses queries made of random pieces of the language,
// with and without spaces between them: a grammar-aware complement to
// FuzzParse, which seldom builds long well-formed queries from bytes.
func TestRandomQueries(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	parsed := 0
	for range n {
		var b strings.Builder
		for range r.IntN(30) {
			if r.IntN(4) > 0 {
				b.WriteByte(' ')
			}
			if r.IntN(20) == 0 {
				b.WriteString(randomErrors[r.IntN(len(randomErrors))])
			} else {
				b.WriteString(randomTokens[r.IntN(len(randomTokens))])
			}
		}
		s := b.String()
		q, err := Parse(s)
		if err != nil {
			asError(t, s, err)
			continue
		}
		parsed++
		if err := checkTree(q.Text); err != nil {
			t.Fatalf("Parse(%q) = %s: %v", s, dump(q.Text), err)
		}
		roundTrip(t, s, q)
	}
	t.Logf("%d of %d parsed", parsed, n)
	if parsed < n/20 {
		t.Errorf("only %d of %d random queries parsed; the test tests little", parsed, n)
	}
}
