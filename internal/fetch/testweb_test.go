package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const testweb = "../../../shared/testweb"

// serveTestweb serves the offline copy of the sources as its README says:
// {{BASE}} replaced, the manifest's Content-Type, ServeContent with a fixed
// time and an ETag, 404 otherwise.
func serveTestweb(t *testing.T) (*site, []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testweb, "manifest.json"))
	if err != nil {
		t.Skipf("no testweb: %v", err)
	}
	var manifest []struct {
		Path        string `json:"path"`
		File        string `json:"file"`
		ContentType string `json:"content_type"`
		Status      int    `json:"status"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("%s: %v", testweb, err)
	}
	mod := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var base string
	mux := http.NewServeMux()
	var paths []string
	var once sync.Once
	files := map[string][]byte{}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() {
			for _, m := range manifest {
				b, err := os.ReadFile(filepath.Join(testweb, m.File))
				if err != nil {
					t.Errorf("%s: %v", m.File, err)
					continue
				}
				files[m.Path] = bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(base))
			}
		})
		for _, m := range manifest {
			if m.Path != r.URL.RequestURI() {
				continue
			}
			w.Header().Set("Content-Type", m.ContentType)
			if m.Status != http.StatusOK {
				w.WriteHeader(m.Status)
				_, _ = w.Write(files[m.Path])
				return
			}
			w.Header().Set("ETag", `"`+m.Path+`"`)
			http.ServeContent(w, r, "", mod, bytes.NewReader(files[m.Path]))
			return
		}
		http.NotFound(w, r)
	})
	s := newSite(t, mux)
	base = s.URL
	for _, m := range manifest {
		paths = append(paths, m.Path)
	}
	return s, paths
}

func TestTestweb(t *testing.T) {
	s, paths := serveTestweb(t)
	c := testClient(Config{}, nil)
	ctx := context.Background()
	etags := map[string]string{}
	for _, p := range paths {
		if p == "/robots.txt" {
			continue
		}
		res, err := c.Get(ctx, Request{URL: s.URL + p})
		if strings.HasPrefix(p, "/jcs/private/") {
			if !errors.Is(err, ErrDisallowed) {
				t.Errorf("%s: err = %v, want ErrDisallowed", p, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		etags[p] = res.ETag
		if p == "/jcs/Media/News/" {
			for _, want := range []string{"’", "ü", `charset=utf-8`} {
				if !bytes.Contains(res.Body, []byte(want)) {
					t.Errorf("%s: decoded body lacks %q", p, want)
				}
			}
		}
	}
	if n := s.count("/jcs/private/draft-statement"); n != 0 {
		t.Errorf("disallowed page requested %d times", n)
	}
	// Second round: nothing changed, nothing re-downloaded.
	for p, etag := range etags {
		res, err := c.Get(ctx, Request{URL: s.URL + p, ETag: etag})
		if err != nil || !res.NotModified {
			t.Errorf("%s second round: %+v, %v; want NotModified", p, res, err)
		}
	}
	if n := s.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt requested %d times, want 1", n)
	}
}
