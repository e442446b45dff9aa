package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"

	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sitrep.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatalf("Open(:memory:): %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "sitrep.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.SyncSources(ctx, []model.Source{{Name: "NATO", URL: "https://nato.example/rss", Type: model.SourceFeed}}); err != nil {
		t.Fatalf("SyncSources: %v", err)
	}
	a := model.Article{URL: "https://nato.example/1", Title: "T", Blocks: []model.Block{{Kind: model.Paragraph, Text: "x\u00a0y"}}}
	id, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "NATO"})
	if err != nil {
		t.Fatalf("SaveArticle: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Close checkpoints: the WAL is empty (or gone) afterwards.
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL after Close has %d bytes, want 0", fi.Size())
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Article(ctx, id)
	if err != nil || got.URL != a.URL || got.Source != "NATO" || got.Blocks[0].Text != "x\u00a0y" {
		t.Errorf("Article after reopen = %+v, %v", got, err)
	}
	if _, out, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "NATO"}); err != nil || out != store.Unchanged {
		t.Errorf("SaveArticle after reopen = %v, %v; want Unchanged", out, err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()

	newer := filepath.Join(dir, "newer.db")
	s, err := Open(ctx, newer)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.write.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)"); err != nil {
		t.Fatalf("insert future version: %v", err)
	}
	s.Close()

	notDB := filepath.Join(dir, "text.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		path    string
		wantIs  error
		wantSub string
	}{
		{"newer schema", newer, ErrSchemaTooNew, "version 999"},
		{"question mark in file name", filepath.Join(dir, "a?b.db"), nil, "may not contain '?'"},
		{"not a database", notDB, nil, notDB},
		{"missing directory", filepath.Join(dir, "no", "such", "dir.db"), nil, "dir.db"},
	}
	for _, tt := range tests {
		s, err := Open(ctx, tt.path)
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded, want an error", tt.name)
			continue
		}
		if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.wantIs)
		}
		if !strings.Contains(err.Error(), tt.wantSub) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.wantSub)
		}
	}
}

func TestMigrationsNumbered(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	if len(ms) == 0 || ms[0].version != 1 || ms[0].name != "0001_init.sql" {
		t.Errorf("migrations = %+v, want 0001_init.sql first", ms)
	}
}

// TestCloseWaitsForWrites closes the store while writers are busy: every
// save either committed (and is there after reopening) or failed with
// ErrClosed; none is lost half-way.
func TestCloseWaitsForWrites(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "sitrep.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		saved []int64
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				a := model.Article{URL: fmt.Sprintf("https://example.org/%d/%d", w, i), Title: "T"}
				id, _, err := s.SaveArticle(context.Background(), store.Save{Article: a, Feed: "F"})
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("SaveArticle: %v", err)
					return
				}
				mu.Lock()
				saved = append(saved, id)
				mu.Unlock()
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s.Article(ctx, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Article after Close: %v, want ErrClosed", err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	all, err := s.Articles(ctx, store.Filter{Order: store.ByImported})
	if err != nil {
		t.Fatalf("Articles: %v", err)
	}
	if len(all) != len(saved) || len(saved) == 0 {
		t.Errorf("after reopen %d articles, want the %d saved", len(all), len(saved))
	}
}

const helperEnv = "SITREP_SQLITE_KILL_HELPER_DB"

// TestKill9 kills a process writing articles with SIGKILL and checks that
// the database opens cleanly with every article the child saw committed,
// each once.
func TestKill9(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL")
	}
	path := filepath.Join(t.TempDir(), "killed.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperKillWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start writer: %v", err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()

	committed := map[int64]string{}
	var killed bool
	deadline := time.After(4 * time.Second)
	var killAt <-chan time.Time
	for lines != nil {
		select {
		case l, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			idText, url, _ := strings.Cut(l, " ")
			id, err := strconv.ParseInt(idText, 10, 64)
			if err != nil {
				t.Fatalf("writer printed %q", l)
			}
			committed[id] = url
			if killAt == nil {
				killAt = time.After(300 * time.Millisecond)
			}
		case <-killAt:
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("kill: %v", err)
			}
			killed, killAt = true, nil
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("writer printed nothing in time (killed %v)", killed)
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("writer ended before it was killed")
	}

	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open after kill -9: %v", err)
	}
	defer s.Close()
	var check string
	if err := s.read.QueryRowContext(t.Context(), "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	for id, url := range committed {
		a, err := s.Article(t.Context(), id)
		if err != nil || a.URL != url || len(a.Feeds) != 1 || len(a.Blocks) != 3 {
			t.Errorf("committed article %d (%s) after kill: %+v, %v", id, url, a, err)
		}
	}
	all, err := s.Articles(t.Context(), store.Filter{Order: store.ByImported})
	if err != nil {
		t.Fatalf("Articles: %v", err)
	}
	// Each writer may have committed one article it had no time to print.
	if n := len(all); n < len(committed) || n > len(committed)+2 {
		t.Errorf("%d articles stored, %d printed as committed", n, len(committed))
	}
	seen := map[string]bool{}
	for _, a := range all {
		if seen[a.URL] {
			t.Errorf("article %s stored twice", a.URL)
		}
		seen[a.URL] = true
	}
	t.Logf("%d articles committed before SIGKILL", len(committed))
}

// TestHelperKillWriter is TestKill9's child: it saves articles from two
// goroutines until killed, printing each one once committed.
func TestHelperKillWriter(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("only run by TestKill9")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := 0; ; i++ {
				a := model.Article{URL: fmt.Sprintf("https://example.org/%d/%d", w, i), Title: fmt.Sprint("Article ", i),
					Published: time.Date(2025, 3, 1, 0, 0, i, 0, time.UTC),
					Blocks: []model.Block{{Kind: model.Heading, Text: "H"}, {Kind: model.Paragraph, Text: strings.Repeat("text ", 200)},
						{Kind: model.ListItem, Text: "item"}}}
				id, _, err := s.SaveArticle(context.Background(), store.Save{Article: a, Feed: "F", Keys: []string{fmt.Sprint("guid-", w, "-", i)}})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "%d %s\n", id, a.URL)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
