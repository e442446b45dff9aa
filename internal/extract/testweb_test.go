package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/model"
	"golang.org/x/net/html/charset"
)

const testBase = "http://127.0.0.1:1"

// testwebArticle is one line of expected/articles.jsonl.
type testwebArticle struct {
	Title       string `json:"title"`
	URL         string `json:"url"`
	Body        string `json:"body"`
	SummaryOnly bool   `json:"summary_only"`
}

// loadTestweb returns the expected articles and, for each, its page as
// UTF-8 with {{BASE}} replaced, decoded as the fetcher would decode it.
func loadTestweb(t *testing.T) ([]testwebArticle, map[string][]byte) {
	t.Helper()
	dir := sharedDir(t, "testweb")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest []struct {
		Path, File  string
		ContentType string `json:"content_type"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	files := map[string]string{}
	ctypes := map[string]string{}
	for _, m := range manifest {
		files[m.Path], ctypes[m.Path] = m.File, m.ContentType
	}
	f, err := os.Open(filepath.Join(dir, "expected", "articles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var arts []testwebArticle
	pages := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a testwebArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("articles.jsonl: %v", err)
		}
		a.URL = strings.ReplaceAll(a.URL, "{{BASE}}", testBase)
		arts = append(arts, a)
		path := strings.TrimPrefix(a.URL, testBase)
		file, ok := files[path]
		if !ok {
			t.Fatalf("%s: not in manifest", path)
		}
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(testBase))
		r, err := charset.NewReader(bytes.NewReader(b), ctypes[path])
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if b, err = io.ReadAll(r); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		pages[a.URL] = b
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return arts, pages
}

func TestTestweb(t *testing.T) {
	arts, pages := loadTestweb(t)
	for _, a := range arts {
		t.Run(a.Title[:min(len(a.Title), 40)], func(t *testing.T) {
			u, _ := url.Parse(a.URL)
			res, err := Page(pages[a.URL], Options{URL: u})
			if a.SummaryOnly {
				if !errors.Is(err, ErrNoContent) {
					t.Errorf("Page() error = %v, want ErrNoContent (app shell); body %q", err, model.RenderText(res.Blocks))
				}
				return
			}
			if err != nil {
				t.Fatalf("Page() error = %v", err)
			}
			body := model.RenderText(res.Blocks)
			p, r, f := tokenF1(body, a.Body)
			t.Logf("F1 %.3f (P %.3f R %.3f)", f, p, r)
			if f < 0.95 {
				t.Errorf("body F1 %.3f (P %.3f R %.3f) < 0.95\n got: %s\nwant: %s", f, p, r, body, a.Body)
			}
			if res.Title != a.Title {
				t.Errorf("Title = %q, want %q", res.Title, a.Title)
			}
			if strings.HasPrefix(body, a.Title) {
				t.Errorf("body repeats the title")
			}
		})
	}
}

// TestTestwebStructure checks that lists and captions keep their kind.
func TestTestwebStructure(t *testing.T) {
	arts, pages := loadTestweb(t)
	for _, a := range arts {
		if !strings.Contains(a.URL, "Operation-Jackal") {
			continue
		}
		res, err := Page(pages[a.URL], Options{})
		if err != nil {
			t.Fatal(err)
		}
		body := model.RenderText(res.Blocks)
		const want = "Results at a glance:\n\n  • EUR 2.15M seized or frozen\n  • 103 arrests\n  • 1,110 suspects identified\n  • 208 bank accounts blocked\n\n"
		if !strings.Contains(a.Body, want) {
			t.Fatalf("expected body lacks the list; fixture changed?")
		}
		if !strings.Contains(body, want) {
			t.Errorf("list not rendered as in the expected body; got:\n%s", body)
		}
		var caps int
		for _, b := range res.Blocks {
			if b.Kind == model.Caption {
				caps++
			}
		}
		if caps != 3 {
			t.Errorf("%d caption blocks, want 3", caps)
		}
		return
	}
	t.Fatal("Operation Jackal article not found")
}
