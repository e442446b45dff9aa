package extract

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/testweb"
)

// FuzzPage: no page makes extraction panic; its blocks are non-empty,
// valid UTF-8 and free of NUL bytes.
func FuzzPage(f *testing.F) {
	if dir, err := testweb.Dir(); err == nil {
		filepath.WalkDir(filepath.Join(dir, "files"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".htm") {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	for _, s := range []string{"", "<html>", strings.Repeat("<div>", 600) + "text", "<p>\xff\xfe\x00 broken</p>",
		`<table><tr><td colspan="9007199254740991">x</td></tr></table>`, "<meta http-equiv=refresh content='0;url=javascript:alert(1)'><p>" + strings.Repeat("word ", 200)} {
		f.Add([]byte(s))
	}
	u, _ := url.Parse("https://example.org/news/1")
	f.Fuzz(func(t *testing.T, page []byte) {
		res, err := Page(page, Options{URL: u})
		if err != nil {
			return
		}
		for _, b := range res.Blocks {
			if b.Text == "" || !utf8.ValidString(b.Text) || strings.ContainsRune(b.Text, 0) {
				t.Errorf("block %q: empty, not UTF-8 or with a NUL", b.Text)
			}
		}
	})
}
