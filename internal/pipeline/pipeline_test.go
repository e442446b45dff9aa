package pipeline

import (
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/extract"
	"github.com/sitrep/sitrep/internal/model"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		n        int
		interval time.Duration
		r        float64
		want     time.Duration
	}{
		{1, 30 * time.Minute, 0.5, time.Minute},
		{2, 30 * time.Minute, 0.5, 2 * time.Minute},
		{5, 30 * time.Minute, 0.5, 16 * time.Minute},
		{20, 30 * time.Minute, 0.5, 4 * time.Hour},        // capped, never stops
		{20, 24 * time.Hour, 0.5, 24 * time.Hour},         // a long interval caps higher
		{1, 30 * time.Minute, 0, 48 * time.Second},        // -20%
		{1, 30 * time.Minute, 0.999999, 72 * time.Second}, // +20%
	}
	for _, tt := range tests {
		got := Backoff(tt.n, tt.interval, tt.r).Round(time.Second)
		if got != tt.want {
			t.Errorf("Backoff(%d, %v, %v) = %v, want %v", tt.n, tt.interval, tt.r, got, tt.want)
		}
	}
}

func TestSameSiteCanonical(t *testing.T) {
	tests := []struct{ canonical, page, want string }{
		{"https://www.nato.int/cps/en/natohq/news_1.htm", "https://www.nato.int/cps/en/natohq/news_1.htm?selectedLocale=en", "https://www.nato.int/cps/en/natohq/news_1.htm"},
		{"https://nato.int/a", "https://www.nato.int/a?x=1", "https://nato.int/a"},
		{"https://news.example.org/a", "https://www.example.org/a", "https://news.example.org/a"},
		{"https://other.org/a", "https://www.example.org/a", ""},      // foreign site
		{"https://www.example.org/", "https://www.example.org/a", ""}, // home page
		{"", "https://www.example.org/a", ""},
		{"javascript:alert(1)", "https://www.example.org/a", ""},
	}
	for _, tt := range tests {
		if got := sameSiteCanonical(tt.canonical, tt.page); got != tt.want {
			t.Errorf("sameSiteCanonical(%q, %q) = %q, want %q", tt.canonical, tt.page, got, tt.want)
		}
	}
}

func TestFullText(t *testing.T) {
	long := "This is the article. "
	for len(long) < 800 {
		long += "More of the article's own words follow here. "
	}
	tests := []struct {
		name    string
		content string
		summary string
		want    bool
	}{
		{"full article", "<p>" + long + "</p>", "A teaser.", true},
		{"short", "<p>Just a teaser.</p>", "", false},
		{"cut off", "<p>" + long + "…</p>", "", false},
		{"same as summary", "<p>" + long + "</p>", long, false},
	}
	for _, tt := range tests {
		e := model.Entry{Content: tt.content, Summary: tt.summary}
		if got := fullText(extract.Fragment(tt.content), e); got != tt.want {
			t.Errorf("%s: fullText = %v, want %v", tt.name, got, tt.want)
		}
	}
}
