package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/sitrep/sitrep/internal/extract"
	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
)

// maxPage bounds what extract reads of one file, as the fetcher bounds a
// downloaded page.
const maxPage = 32 << 20

// cmdExtract runs the extractor on saved pages (plain or gzipped HTML, in
// any charset the page declares) and prints each article's body as a
// digest shows it, or one JSON object per page with --format jsonl.
func cmdExtract(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("extract", e, &c, "url", "format")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if c.format == "" {
		c.format = "text"
	}
	if err := oneOf("format", c.format, "text", "jsonl"); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageError{"extract needs FILE... or - for standard input"}
	}
	var base *url.URL
	if c.url != "" {
		u, err := url.Parse(c.url)
		if err != nil || u.Host == "" {
			return usageError{fmt.Sprintf("--url %q: want an absolute URL", c.url)}
		}
		base = u
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	failed := 0
	for i, name := range files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		res, err := extractFile(e, name, base)
		if err != nil && !errors.Is(err, extract.ErrNoContent) {
			fmt.Fprintf(e.stderr, "sitrep extract: %s: %v\n", name, err)
			failed++
			continue
		}
		if errors.Is(err, extract.ErrNoContent) {
			fmt.Fprintf(e.stderr, "sitrep extract: %s: no article text (app shell, error page or cookie wall?)\n", name)
		}
		body := model.RenderText(res.Blocks)
		if c.format == "jsonl" {
			var pub *string
			if !res.Published.IsZero() {
				p := rfc3339(res.Published)
				pub = &p
			}
			enc.Encode(struct {
				File      string  `json:"file"`
				Title     string  `json:"title"`
				Published *string `json:"published"`
				Body      string  `json:"body"`
			}{name, res.Title, pub, body})
			continue
		}
		if len(files) > 1 {
			if i > 0 {
				w.WriteString("\n\n")
			}
			fmt.Fprintf(w, "==> %s <==\n", name)
		}
		w.WriteString(body)
		w.WriteString("\n")
	}
	if failed == len(files) {
		return errSilent
	}
	return nil
}

func extractFile(e env, name string, base *url.URL) (extract.Result, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return extract.Result{}, err
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxPage+1))
	if err != nil {
		return extract.Result{}, err
	}
	if len(raw) > maxPage {
		return extract.Result{}, fmt.Errorf("larger than %d MiB", maxPage>>20)
	}
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return extract.Result{}, fmt.Errorf("gzip: %w", err)
		}
		raw, err = io.ReadAll(io.LimitReader(zr, maxPage+1))
		if err != nil {
			return extract.Result{}, fmt.Errorf("gzip: %w", err)
		}
		if len(raw) > maxPage {
			return extract.Result{}, fmt.Errorf("larger than %d MiB once decompressed", maxPage>>20)
		}
	}
	u := base
	if u == nil {
		u = &url.URL{Scheme: "file", Path: name}
	}
	return extract.Page(fetch.DecodeHTML(raw, ""), extract.Options{URL: u})
}
