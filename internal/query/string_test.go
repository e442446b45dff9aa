package query

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"  jackal  ", "jackal"},
		{"jackal AND arrests", "jackal arrests"},
		{"NOT a", "-a"},
		{"a NOT b", "a -b"},
		{"a b OR c", "a b OR c"},
		{"a OR b c", "a OR b c"},
		{"a (b OR c)", "a (b OR c)"},
		{"((a OR b) OR c)", "a OR b OR c"},
		{"(a b) OR ((c))", "a b OR c"},
		{"(a OR b) (c OR d)", "(a OR b) (c OR d)"},
		{"a (-b -c)", "a -b -c"},
		{"-(a b)", "-(a b)"},
		{"NOT(a OR b)", "-(a OR b)"},
		{"-(a -(b OR c))", "-(a -(b OR c))"},
		{`-"a  b"`, `-"a b"`},
		{"a** &", "a*"},
		{`"a"**`, `"a"*`},
		{`„a b“`, `"a b"`},
		{`"a""b"c`, `"a" "b" c`},
		{"-OR -NOT", "-OR -NOT"},
		{"TITLE:x Title:\"a  b\"* -title:c", `title:x title:"a b"* -title:c`},
		{"title:OR", "title:OR"},
		{"10:30 http://x.org Note:", "10:30 http://x.org Note:"},
		{"\xffa", "\ufffda"},

		{"(a OR b) source:X", "(a OR b) source:X"},
		{"source:X (a OR b)", "(a OR b) source:X"},
		{"((a OR b)) since:2023", "(a OR b) since:2023"},
		{"SOURCE:\"US  Defense\" -source:NATO", `source:"US Defense" -source:NATO`},
		{`source:"Europol" source:"Euro*" source:"a(b)"`, `source:Europol source:"Euro*" source:"a(b)"`},
		{"-country:PT NOT source:NATO a", "a -source:NATO -country:PT"},
		{`country:"PT" person:"Jürgen Stock"`, `country:PT person:"Jürgen Stock"`},
		{"until:2023-09-30 since:2023-09-01", "since:2023-09 until:2023-09"},
		{"since:2023-01-01 until:2023-12-31", "since:2023 until:2023"},
		{"since:2023-09-15 until:2023-09-15", "since:2023-09-15 until:2023-09-15"},
		{"until:2024-02-29", "until:2024-02"},
		{"until:2024-02-28", "until:2024-02-28"},
		{"since:0001", ""}, // the zero time: unbounded, as Query.Since says
		{"until:9999", "until:9999"},
	} {
		q := parseOK(t, tt.in)
		if got := q.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		roundTrip(t, tt.in, q)
	}
}

// roundTrip checks that q's String parses back to q, and to the same
// String.
func roundTrip(t *testing.T, in string, q Query) {
	t.Helper()
	s := q.String()
	q2, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) = %s, whose String %q does not parse: %v", in, dumpQuery(q), s, err)
	}
	if got, want := dumpQuery(q2), dumpQuery(q); got != want {
		t.Fatalf("Parse(%q).String() = %q, which parses to\n %s\nnot\n %s", in, s, got, want)
	}
	if s2 := q2.String(); s2 != s {
		t.Fatalf("Parse(%q).String() = %q, but parsed again it gives %q", in, s, s2)
	}
}

// Every query the tests parse successfully survives the round trip.
func TestStringRoundTrip(t *testing.T) {
	for _, in := range seeds() {
		q, err := Parse(in)
		if err != nil {
			continue
		}
		roundTrip(t, in, q)
	}
}

// A query at the length limit that needs no space between its tokens would
// be too long to parse with the usual spaces: String leaves them out.
func TestStringCompact(t *testing.T) {
	in := compactQuery()
	q := parseOK(t, in)
	if n := utf8.RuneCountInString(q.format(false)); n <= MaxLength {
		t.Fatalf("the usual form of the test query has %d characters; want more than %d for the test to test something", n, MaxLength)
	}
	s := q.String()
	if n := utf8.RuneCountInString(s); n > MaxLength {
		t.Fatalf("String() has %d characters, more than %d", n, MaxLength)
	}
	if !strings.Contains(s, `"a""a"`) || !strings.Contains(s, `org:"a 1"org:"a 2"`) || !strings.Contains(s, `Note: "z"`) {
		t.Errorf("String() = %q, want no space between quotes, except after a colon", s)
	}
	roundTrip(t, in, q)
}

// compactQuery is a query at the length limit whose tokens need no spaces
// between them.
func compactQuery() string {
	const tail = `(x OR y)Note: "z"`
	var b strings.Builder
	for range MaxTerms - 4 {
		b.WriteString(`"a"`)
	}
	for i := 0; b.Len()+len(tail)+len(`org:"a 999"`) <= MaxLength; i++ {
		fmt.Fprintf(&b, `org:"a %d"`, i) // different values: equal ones are merged
	}
	b.WriteString(tail)
	return b.String()
}

// Queries not made by Parse still give something sensible: dates in the
// middle of a day name that day.
func TestStringDates(t *testing.T) {
	noon := time.Date(2023, 9, 15, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		q    Query
		want string
	}{
		{Query{Since: noon}, "since:2023-09-15"},
		{Query{Until: noon}, "until:2023-09-15"},
		{Query{Since: noon.In(time.FixedZone("X", -13*3600))}, "since:2023-09-15"},
		{Query{Since: day(2023, 9, 1), Until: day(2023, 9, 16)}, "since:2023-09 until:2023-09-15"},
		{Query{Until: day(2023, 3, 1)}, "until:2023-02"},
		{Query{Until: day(2023, 1, 1)}, "until:2022"},
	} {
		if got := tt.q.String(); got != tt.want {
			t.Errorf("%s.String() = %q, want %q", dumpQuery(tt.q), got, tt.want)
		}
	}
}
