package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/store/postgres/pgtest"
)

// TestCopyCommand: sitrep copy moves an installation to an empty database:
// the same export, digest, sources and credentials come out of the copy;
// a non-empty target is refused and left as it was.
func TestCopyCommand(t *testing.T) {
	s := startTestweb(t)
	src := writeSources(t, s, true)
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
	mustSitrep(t, "fetch", "--db", from, "--sources", src, "--host-delay", "0")
	mustSitrep(t, "token", "--db", from, "create", "ci")
	out := mustSitrep(t, "copy", "--from", from, "--to", to)
	if !strings.Contains(out, "20 articles") || !strings.Contains(out, "6 sources") || !strings.Contains(out, "1 API tokens") || !strings.Contains(out, "verified") {
		t.Errorf("copy said %q", out)
	}
	for _, args := range [][]string{
		{"export"},
		{"digest", "--order", "fetched"},
		{"sources"},
		{"token", "list"},
	} {
		a := mustSitrep(t, append([]string{args[0], "--db", from}, args[1:]...)...)
		b := mustSitrep(t, append([]string{args[0], "--db", to}, args[1:]...)...)
		// The sources list ends by naming its database.
		a, _, _ = strings.Cut(a, "(database ")
		b, _, _ = strings.Cut(b, "(database ")
		if a != b {
			t.Errorf("sitrep %s differs after the copy:\n--- from\n%s\n--- to\n%s", strings.Join(args, " "), a, b)
		}
	}
	if _, _, err := sitrep(t, "copy", "--from", from, "--to", to); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("copy into a full database: %v, want it refused", err)
	}
	if n := len(export(t, to)); n != 20 {
		t.Errorf("after the refused copy the target holds %d articles, want 20", n)
	}
	if _, _, err := sitrep(t, "copy", "--from", filepath.Join(dir, "missing.db"), "--to", filepath.Join(dir, "x.db")); err == nil {
		t.Error("copy from a missing file succeeded")
	}
}

// TestCopyToPostgres: an installation copied from SQLite into PostgreSQL
// reads the same there: export, digest and sources.
func TestCopyToPostgres(t *testing.T) {
	s := startTestweb(t)
	src := writeSources(t, s, true)
	from := filepath.Join(t.TempDir(), "from.db")
	mustSitrep(t, "fetch", "--db", from, "--sources", src, "--host-delay", "0")
	to := pgtest.UnmigratedDSN(t)
	out := mustSitrep(t, "copy", "--from", from, "--to", to)
	if !strings.Contains(out, "20 articles") || !strings.Contains(out, "verified") {
		t.Errorf("copy said %q", out)
	}
	for _, args := range [][]string{{"export"}, {"digest", "--order", "fetched"}, {"search", "--format", "jsonl", "Europol"}} {
		a := mustSitrep(t, append([]string{args[0], "--db", from}, args[1:]...)...)
		b := mustSitrep(t, append([]string{args[0], "--db", to}, args[1:]...)...)
		if args[0] == "search" {
			// Ranking differs between the engines; the set must not.
			a, b = sortedLines(a), sortedLines(b)
		}
		if a != b {
			t.Errorf("sitrep %s differs between SQLite and its copy in PostgreSQL:\n--- sqlite\n%s\n--- postgres\n%s", strings.Join(args, " "), a, b)
		}
	}
	// A second process finds the schema migrated; fetching into it works.
	mustSitrep(t, "fetch", "--db", to, "--sources", src, "--host-delay", "0")
	if n := len(export(t, to)); n != 20 {
		t.Errorf("after a fetch into the copy: %d articles, want 20", n)
	}
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
