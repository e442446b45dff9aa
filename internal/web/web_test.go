package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

func TestStatusPage(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2024, 10, 16, 12, 0, 0, 0, time.UTC)
	if err := st.SyncSources(ctx, []model.Source{
		{Name: "NATO", URL: "https://www.nato.int/feed.xml", Type: model.SourceFeed, Position: 0},
		{Name: "<script>alert(1)</script>", URL: "https://evil.example/feed", Type: model.SourceFeed, Position: 1},
	}); err != nil {
		t.Fatal(err)
	}
	st.ReportPoll(ctx, "NATO", store.PollResult{At: now.Add(-2 * time.Hour), NextDue: now.Add(10 * time.Minute)})
	st.ReportPoll(ctx, "<script>alert(1)</script>", store.PollResult{At: now.Add(-time.Minute), Err: "GET https://evil.example/feed: 500 Internal Server Error", NextDue: now.Add(time.Minute)})
	st.SaveArticle(ctx, store.Save{Article: model.Article{URL: "https://www.nato.int/a", Title: "A", Blocks: []model.Block{{Kind: model.Paragraph, Text: "x"}}}, Feed: "NATO"})

	h, err := New(st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		code     int
		contains []string
		absent   []string
	}{
		{"/healthz", 200, []string{"ok"}, nil},
		{"/", 200, []string{
			"NATO", "2 hours ago", "in 10 minutes", `<td class="n">1</td>`, "500 Internal Server Error",
			"&lt;script&gt;alert(1)&lt;/script&gt;",
		}, []string{"<script>alert(1)</script>"}},
		{"/missing", 404, nil, nil},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		body := rec.Body.String()
		if rec.Code != tt.code {
			t.Errorf("GET %s: %d, want %d", tt.path, rec.Code, tt.code)
		}
		for _, want := range tt.contains {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", tt.path, want)
			}
		}
		for _, bad := range tt.absent {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s contains %q", tt.path, bad)
			}
		}
		if csp := rec.Header().Get("Content-Security-Policy"); csp == "" {
			t.Errorf("GET %s: no Content-Security-Policy", tt.path)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", rec.Code)
	}
}
