package fetch

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/testweb"
)

// TestTestweb fetches every page of the offline copy of the sources: the
// disallowed page never, the windows-1252 listing decoded, and a second
// round all 304s.
func TestTestweb(t *testing.T) {
	dir, err := testweb.Dir()
	if err != nil {
		testweb.Missing(t, "%v", err)
	}
	s, err := testweb.Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := testClient(Config{}, nil)
	ctx := context.Background()
	etags := map[string]string{}
	for _, p := range s.Paths() {
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
	if n := s.Count("/jcs/private/draft-statement"); n != 0 {
		t.Errorf("disallowed page requested %d times", n)
	}
	// Second round: nothing changed, nothing re-downloaded.
	for p, etag := range etags {
		res, err := c.Get(ctx, Request{URL: s.URL + p, ETag: etag})
		if err != nil || !res.NotModified {
			t.Errorf("%s second round: %+v, %v; want NotModified", p, res, err)
		}
	}
	if n := s.Count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt requested %d times, want 1", n)
	}
}
