package model

import "testing"

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://WWW.Nato.INT/cps/en/news_1.htm#top", "https://www.nato.int/cps/en/news_1.htm"},
		{"https://example.org", "https://example.org/"},
		{"http://example.org:80/a?utm_source=rss&id=5&fbclid=x", "http://example.org/a?id=5"},
		{"https://example.org:443/a?utm_medium=x", "https://example.org/a"},
		{"http://127.0.0.1:8080/a/B?Page=2", "http://127.0.0.1:8080/a/B?Page=2"},
		{"https://example.org/Path/Case", "https://example.org/Path/Case"},
		{"tag:eurojust.europa.eu,2024:x", "tag:eurojust.europa.eu,2024:x"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeURL(tt.in); got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderParseText(t *testing.T) {
	blocks := []Block{{Paragraph, "a\nb"}, {ListItem, "x"}, {ListItem, "y"}, {Heading, "H"}, {Paragraph, "c\u00a0d"}}
	got := RenderText(blocks)
	want := "a\nb\n\n  • x\n  • y\n\nH\n\nc\u00a0d"
	if got != want {
		t.Fatalf("RenderText = %q, want %q", got, want)
	}
	if again := RenderText(ParseText(got)); again != want {
		t.Errorf("RenderText(ParseText) = %q, want %q", again, want)
	}
}
