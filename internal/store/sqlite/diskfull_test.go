package sqlite

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// TestDiskFull: when the database cannot grow (a full disk, simulated with
// max_page_count), a save fails with an error that says so and stores
// nothing; reading goes on; once there is room again, saving resumes.
func TestDiskFull(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SyncSources(ctx, []model.Source{{Name: "A", URL: "https://a.example/feed", Type: model.SourceFeed}}); err != nil {
		t.Fatal(err)
	}
	save := func(i int) error {
		_, _, err := s.SaveArticle(ctx, store.Save{Feed: "A", Article: model.Article{URL: "https://a.example/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i),
			Title: "Article", Blocks: []model.Block{{Kind: model.Paragraph, Text: strings.Repeat("Some text of the article. ", 400)}}}})
		return err
	}
	if err := save(0); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := s.write.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA max_page_count = "+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	var full error
	for i := 1; i < 200 && full == nil; i++ {
		full = save(i)
	}
	if full == nil || !strings.Contains(full.Error(), "full") {
		t.Fatalf("saving with no room: %v, want an error saying the database or disk is full", full)
	}
	stored, err := s.Articles(ctx, store.Filter{})
	if err != nil {
		t.Fatalf("reading with a full disk: %v", err)
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := save(500); err != nil {
		t.Fatalf("saving once there is room again: %v", err)
	}
	after, err := s.Articles(ctx, store.Filter{})
	if err != nil || len(after) != len(stored)+1 {
		t.Errorf("articles after the disk had room again: %d (%v), want %d", len(after), err, len(stored)+1)
	}
	var ok string
	if err := s.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity check after a full disk: %q %v", ok, err)
	}
}
