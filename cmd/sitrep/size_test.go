package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10MiB", 10 << 20, true},
		{"512KiB", 512 << 10, true},
		{"1.5 MiB", 3 << 19, true},
		{"10mb", 10_000_000, true},
		{"4096", 4096, true},
		{"2G", 2 << 30, true},
		{"0", 0, false},
		{"-1MiB", 0, false},
		{"ten", 0, false},
		{"", 0, false},
		{"1e20", 0, false},
	}
	for _, tt := range tests {
		var b byteSize
		err := b.Set(tt.in)
		if (err == nil) != tt.ok || (tt.ok && int64(b) != tt.want) {
			t.Errorf("Set(%q) = %d, %v; want %d, ok %v", tt.in, b, err, tt.want, tt.ok)
		}
	}
	if b := byteSize(10 << 20); b.String() != "10MiB" {
		t.Errorf("String = %q", b.String())
	}
}

// TestLimitFlags: the limits set on the command line reach the fetcher and
// the pipeline.
func TestLimitFlags(t *testing.T) {
	s := startTestweb(t)
	src := writeSources(t, s, true)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	out, _, _ := sitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0", "--max-body", "1KiB")
	if n := strings.Count(out, "response body too large"); n != 6 {
		t.Errorf("--max-body 1KiB: %d sources too large, want all 6:\n%s", n, out)
	}
	db = filepath.Join(t.TempDir(), "fresh.db")
	out = mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0", "--max-entries", "1")
	if n := len(export(t, db)); n != 6 {
		t.Errorf("--max-entries 1: %d articles stored, want one per source (6):\n%s", n, out)
	}
	if _, _, err := sitrep(t, "fetch", "--db", db, "--sources", src, "--max-page", "lots"); err == nil || !strings.Contains(err.Error(), "not a size") {
		t.Errorf("--max-page lots: %v, want a usage error", err)
	}
}
