// Package query is sitrep's search language: it parses what a user types
// (in the web UI, the API or `sitrep search`) into a small syntax tree that
// each store compiles to its own SQL. The parser owns the error messages, so
// every engine reports a bad query the same way.
//
// The language:
//
//	jackal arrests          both words (AND is implicit; AND may be written)
//	"operation jackal"      the exact phrase
//	jackal OR narsil        either (OR binds looser than AND: a b OR c = (a b) OR c)
//	-ransomware, NOT x      excluded
//	cyber*                  prefix
//	(a OR b) c              grouping
//	title:jackal            in the title only (a word, a prefix or a "phrase")
//	source:Europol          listed by that source (quote names with spaces;
//	                        several source: filters mean any of them);
//	                        -source:NATO excludes one
//	since:2023-09-01        published on or after (2023-09 and 2023 work too)
//	until:2023-09-30        published on or before (the whole day, month or year)
//	country:PT org:Europol person:"Jürgen Stock" operation:"Operation Jackal"
//	topic:cybercrime story:12
//	                        enrichment filters (see Query.Facts)
//
// Matching folds case and diacritics ("Gurak" finds "Gürak"); that is the
// stores' job, the parser keeps words as typed.
package query

import (
	"fmt"
	"time"
)

// Query is a parsed search query.
type Query struct {
	// Text is the full-text part; nil when the query only filters (or is
	// empty, which matches every article).
	Text Node
	// Sources: articles listed by any of these sources (source:NAME), as
	// typed; stores match names case-insensitively.
	Sources []string
	// NotSources: articles listed by none of these (-source:NAME).
	NotSources []string
	// Since and Until bound the publication date (else the fetch date):
	// Since inclusive, Until exclusive (since:2023-09 is 2023-09-01T00:00Z,
	// until:2023-09 is 2023-10-01T00:00Z). Zero: unbounded. Dates are UTC.
	Since, Until time.Time
	// Facts are enrichment filters (country:, org:, person:, operation:,
	// topic:, story:), all of which must match; Not marks -country:XX.
	Facts []Fact
}

// Fact filters on one enrichment field.
type Fact struct {
	Field string // country, org, person, operation, topic or story
	Value string // as typed, unquoted
	Not   bool
	Pos   int // where the filter starts, for error messages (see Error.Pos)
}

// FactFields are the enrichment fields the language knows. A function, not
// a variable, so that no caller can change the language by appending.
func FactFields() []string {
	return []string{"country", "org", "person", "operation", "topic", "story"}
}

// Node is a node of the full-text syntax tree: *And, *Or, *Not, *Term or
// *Phrase.
type Node interface{ node() }

// And matches what all its nodes match (at least two).
type And struct{ Nodes []Node }

// Or matches what any of its nodes matches (at least two).
type Or struct{ Nodes []Node }

// Not matches what its node does not. The parser only puts a Not inside an
// And that also holds a positive node, or at the top level of Text (an And
// of only Nots, or a single Not: "everything except"); never directly in an
// Or, where it could not be searched efficiently.
type Not struct{ Node Node }

// Term is one word as the user typed it (it may hold inner punctuation,
// such as "covid-19" or "e-mail", which stores search as a phrase of its
// parts). Terms without any letter or digit are dropped by the parser.
type Term struct {
	Word   string
	Prefix bool   // typed with a trailing *
	Field  string // "" for title and body, "title" for title only
}

// Phrase is words that must appear in this order, next to each other.
type Phrase struct {
	Words  []string // as typed, split on spaces, at least one
	Field  string   // "" or "title"
	Prefix bool     // "operation jack"*: the last word is a prefix
}

func (*And) node()    {}
func (*Or) node()     {}
func (*Not) node()    {}
func (*Term) node()   {}
func (*Phrase) node() {}

// Error is a malformed query: what is wrong and where.
type Error struct {
	Pos int    // 1-based character (rune) position in the query where the problem is
	Msg string // plain words: what is wrong and, where it helps, how to write it
}

func (e *Error) Error() string { return fmt.Sprintf("at character %d: %s", e.Pos, e.Msg) }

// Limits that keep a query cheap to parse and to run.
const (
	MaxLength = 1000 // characters (runes)
	MaxDepth  = 20   // nested parentheses
	MaxTerms  = 64   // terms and phrases in all
)
