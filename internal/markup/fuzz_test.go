package markup

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: any input parses (or is refused with ErrTooDeep, never a
// panic), and flattening a document keeps its text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<p>plain</p>",
		strings.Repeat("<div>", 600) + "deep",
		strings.Repeat("<b><i></b></i>", 300) + "misnested",
		strings.Repeat("<table><tr><td>", 200) + "cells",
		"<script>" + strings.Repeat("<div>", 600) + "</script>text",
		strings.Repeat("<svg><foreignObject>", 300) + "x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Parse(src)
		if err != nil {
			if !errors.Is(err, ErrTooDeep) {
				t.Fatalf("Parse: %v", err)
			}
			return
		}
		if doc == nil {
			t.Fatal("nil document without an error")
		}
		if d := depth(doc); d > 600 {
			t.Fatalf("tree %d deep", d)
		}
		if s := Shrink(src, 64); len(s) > 64 {
			t.Fatalf("Shrink kept %d bytes", len(s))
		}
	})
}
