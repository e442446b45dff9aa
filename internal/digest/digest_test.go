package digest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/testweb"
)

func TestRoundTripExpected(t *testing.T) {
	dir, err := testweb.Dir()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "expected", "*.txt"))
	if len(files) != 2 {
		t.Fatalf("expected digests: got %d files, want 2", len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := Parse(string(want))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(entries) != 10 {
			t.Errorf("%s: got %d articles, want 10", filepath.Base(f), len(entries))
		}
		for _, e := range entries {
			if got := model.RenderText(model.ParseText(e.Body)); got != e.Body {
				t.Errorf("%s: %q: body does not survive ParseText/RenderText", filepath.Base(f), e.Title)
			}
		}
		var got bytes.Buffer
		if err := Write(&got, entries); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: round trip differs", filepath.Base(f))
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Entry
		err  bool
	}{
		{"one", "T\n\nSource: S\n\nBody one.\n\nBody two.", []Entry{{"T", "S", "Body one.\n\nBody two."}}, false},
		{"two", "A\n\nSource: X\n\nb\n  • i\n\nB\n\nSource: Y\n\nc", []Entry{{"A", "X", "b\n  • i"}, {"B", "Y", "c"}}, false},
		{"empty body", "A\n\nSource: X\n\nB\n\nSource: Y", []Entry{{"A", "X", ""}, {"B", "Y", ""}}, false},
		{"source line inside a paragraph is body", "A\n\nSource: X\n\nfoo\nSource: Reuters\n\nbar", []Entry{{"A", "X", "foo\nSource: Reuters\n\nbar"}}, false},
		{"crlf", "A\r\n\r\nSource: X\r\n\r\nb", []Entry{{"A", "X", "b"}}, false},
		{"empty", "", nil, false},
		{"not a digest", "hello\nworld", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d entries %q, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("entry %d: got %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
