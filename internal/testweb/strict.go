package testweb

import (
	"os"
	"testing"
)

// Missing ends a test that cannot run for want of something outside the
// repository (shared/, a server): it skips, or fails when
// SITREP_TEST_STRICT=1, as in CI, so that nothing silently goes untested.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("SITREP_TEST_STRICT") == "1" {
		t.Fatalf("SITREP_TEST_STRICT: "+format, args...)
	}
	t.Skipf(format, args...)
}
