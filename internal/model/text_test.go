package model

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Europol", "Europol"},
		{"a\x00b", "ab"},
		{"bad \xff\xfe utf-8", "bad \ufffd\ufffd utf-8"},
		{"tab\tand\nnewline\r\n", "tab\tand\nnewline\n"},
		{"C1 \u0085 and DEL \x7f", "C1  and DEL "},
		{"\u202eevil.exe\u202c", "evil.exe"},
		{"isolate \u2067x\u2069", "isolate x"},
		{"non\uffffchar", "nonchar"},
		{"<script>&amp;", "<script>&amp;"}, // text, not markup: escaped on output
		{"Gürak €", "Gürak €"},
		{"keep\u00a0nbsp", "keep\u00a0nbsp"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := CleanLine("  two\n\tlines \x00 here "), "two lines here"; got != want {
		t.Errorf("CleanLine = %q, want %q", got, want)
	}
}

// FuzzCleanText: the sanitiser is idempotent, yields valid UTF-8 without
// controls, and never adds a character of markup.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x00<b>\xff", "\u202e<svg onload=x>", "&lt;script&gt;", "\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if again := CleanText(got); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 out of %q: %q", s, got)
		}
		for _, r := range got {
			if r != '\n' && r != '\t' && dropRune(r) {
				t.Fatalf("%U kept in %q", r, got)
			}
		}
		for _, c := range `<>&"'` {
			if strings.Count(got, string(c)) > strings.Count(s, string(c)) {
				t.Fatalf("%q added to %q: %q", c, s, got)
			}
		}
		line := CleanLine(s)
		if CleanLine(line) != line || strings.ContainsAny(line, "\n\t") {
			t.Fatalf("CleanLine(%q) = %q", s, line)
		}
	})
}

// FuzzRenderHTML: whatever the text, the rendered fragment holds only the
// elements RenderHTML writes, no attribute but class="caption", and gives
// back the text.
func FuzzRenderHTML(f *testing.F) {
	f.Add("<script>alert(1)</script>", uint8(0))
	f.Add("a\nb<img src=x onerror=alert(1)>", uint8(1))
	f.Add("\"'><svg onload=x>&amp;", uint8(3))
	f.Fuzz(func(t *testing.T, text string, kind uint8) {
		text = CleanText(text)
		kinds := []BlockKind{Paragraph, Heading, ListItem, Caption, Quote}
		out := RenderHTML([]Block{{Kind: kinds[int(kind)%len(kinds)], Text: text}})
		nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err != nil {
			t.Fatal(err)
		}
		allowed := map[string]bool{"p": true, "br": true, "ul": true, "li": true, "h3": true, "blockquote": true}
		var b strings.Builder
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			switch n.Type {
			case html.ElementNode:
				if !allowed[n.Data] {
					t.Fatalf("<%s> in %q", n.Data, out)
				}
				for _, a := range n.Attr {
					if a.Key != "class" || a.Val != "caption" {
						t.Fatalf("attribute %s=%q in %q", a.Key, a.Val, out)
					}
				}
				if n.Data == "br" {
					b.WriteByte('\n')
				}
			case html.TextNode:
				b.WriteString(n.Data)
			default:
				t.Fatalf("node type %d in %q", n.Type, out)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		for _, n := range nodes {
			walk(n)
		}
		got := strings.ReplaceAll(b.String(), "\n\n", "\n")
		want := strings.ReplaceAll(text, "\r", "") // the parser drops CR
		if strings.TrimSpace(strings.ReplaceAll(got, "\n", "")) != strings.TrimSpace(strings.ReplaceAll(want, "\n", "")) {
			t.Fatalf("text %q rendered as %q", text, out)
		}
	})
}
