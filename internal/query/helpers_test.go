package query

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// dump writes a syntax tree in a form that tables can spell out and that
// tells every tree apart: words quoted, phrases in [], and, or and not as
// (AND ...), (OR ...), (NOT ...), title: and a trailing * as typed.
func dump(n Node) string {
	switch n := n.(type) {
	case nil:
		return "nil"
	case *Term:
		return field(n.Field) + fmt.Sprintf("%q", n.Word) + star(n.Prefix)
	case *Phrase:
		var ws []string
		for _, w := range n.Words {
			ws = append(ws, fmt.Sprintf("%q", w))
		}
		return field(n.Field) + "[" + strings.Join(ws, " ") + "]" + star(n.Prefix)
	case *Not:
		return "(NOT " + dump(n.Node) + ")"
	case *And:
		return "(AND " + dumpAll(n.Nodes) + ")"
	case *Or:
		return "(OR " + dumpAll(n.Nodes) + ")"
	}
	return fmt.Sprintf("unknown node %T", n)
}

func dumpAll(ns []Node) string {
	var s []string
	for _, n := range ns {
		s = append(s, dump(n))
	}
	return strings.Join(s, " ")
}

// dumpQuery writes a whole query, filters included but Fact.Pos left out:
// two queries are equal for Parse and String when their dumps are.
func dumpQuery(q Query) string {
	var b strings.Builder
	b.WriteString(dump(q.Text))
	if q.Sources != nil {
		fmt.Fprintf(&b, " sources=%q", q.Sources)
	}
	if q.NotSources != nil {
		fmt.Fprintf(&b, " notsources=%q", q.NotSources)
	}
	if !q.Since.IsZero() {
		fmt.Fprintf(&b, " since=%s", q.Since.Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		fmt.Fprintf(&b, " until=%s", q.Until.Format(time.RFC3339Nano))
	}
	for _, f := range q.Facts {
		fmt.Fprintf(&b, " fact=%s:%q", f.Field, f.Value)
		if f.Not {
			b.WriteString("(not)")
		}
	}
	return b.String()
}

// checkTree reports what in n breaks the syntax tree's documented
// invariants: And and Or of at least two nodes, never nested in their own
// kind, a Not only in an And with a positive node or at the top, never a
// Not of a Not, terms and phrases with something searchable in them.
func checkTree(n Node) error {
	terms := 0
	var check func(n Node, parent Node) error
	check = func(n Node, parent Node) error {
		switch n := n.(type) {
		case *Term:
			terms++
			if !hasAlnum(n.Word) || strings.ContainsAny(n.Word, "*\"()") || strings.IndexFunc(n.Word, isSpace) >= 0 {
				return fmt.Errorf("bad term word %q", n.Word)
			}
			if n.Field != "" && n.Field != "title" {
				return fmt.Errorf("bad term field %q", n.Field)
			}
		case *Phrase:
			terms++
			if len(n.Words) == 0 || !hasAlnum(strings.Join(n.Words, " ")) {
				return fmt.Errorf("bad phrase %q", n.Words)
			}
			for _, w := range n.Words {
				if w == "" || strings.Contains(w, `"`) || strings.IndexFunc(w, isSpace) >= 0 {
					return fmt.Errorf("bad phrase word %q", w)
				}
			}
			if n.Field != "" && n.Field != "title" {
				return fmt.Errorf("bad phrase field %q", n.Field)
			}
		case *Not:
			// An And of only Nots is checked as an And: it may
			// only be at the top.
			switch parent.(type) {
			case nil, *And:
			default:
				return fmt.Errorf("a Not in a %T", parent)
			}
			if negative(n.Node) {
				return fmt.Errorf("a Not of %s", dump(n.Node))
			}
			return check(n.Node, n)
		case *And:
			if len(n.Nodes) < 2 {
				return fmt.Errorf("an And of %d nodes", len(n.Nodes))
			}
			if parent != nil && negative(n) {
				return fmt.Errorf("an And of only Nots in a %T", parent)
			}
			for _, m := range n.Nodes {
				if _, ok := m.(*And); ok {
					return fmt.Errorf("an And in an And")
				}
				if err := check(m, n); err != nil {
					return err
				}
			}
		case *Or:
			if len(n.Nodes) < 2 {
				return fmt.Errorf("an Or of %d nodes", len(n.Nodes))
			}
			for _, m := range n.Nodes {
				if _, ok := m.(*Or); ok {
					return fmt.Errorf("an Or in an Or")
				}
				if negative(m) {
					return fmt.Errorf("a negative alternative %s", dump(m))
				}
				if err := check(m, n); err != nil {
					return err
				}
			}
		case nil:
			if parent != nil {
				return fmt.Errorf("a nil node in a %T", parent)
			}
		default:
			return fmt.Errorf("unknown node %T", n)
		}
		return nil
	}
	if err := check(n, nil); err != nil {
		return err
	}
	if terms > MaxTerms {
		return fmt.Errorf("%d terms", terms)
	}
	return nil
}

// parseOK parses s, failing the test on an error or a tree that breaks
// the invariants.
func parseOK(t *testing.T, s string) Query {
	t.Helper()
	q, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	if err := checkTree(q.Text); err != nil {
		t.Fatalf("Parse(%q) = %s: %v", s, dump(q.Text), err)
	}
	return q
}

// asError returns err as an *Error, failing the test if it is not one.
func asError(t *testing.T, s string, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse(%q): got error %v (%T), want an *Error", s, err, err)
	}
	return e
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
