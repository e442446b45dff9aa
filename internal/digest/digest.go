// Package digest writes and reads sitrep's plain-text digest format: for each
// article its title line, a blank line, "Source: NAME", a blank line and the
// body (see model.RenderText); articles separated by one blank line; no
// trailing newline at the end of the file.
package digest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sitrep/sitrep/internal/model"
)

// Entry is one article as a digest shows it.
type Entry struct {
	Title  string
	Source string
	Body   string
}

// FromArticle is the digest view of a stored article.
func FromArticle(a model.Article) Entry {
	return Entry{Title: a.Title, Source: a.Source, Body: a.Body()}
}

// Write writes entries in the digest format.
func Write(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	for i, e := range entries {
		if i > 0 {
			bw.WriteString("\n\n")
		}
		// A title or source name cannot hold a line break in this format.
		bw.WriteString(oneLine(e.Title))
		bw.WriteString("\n\nSource: ")
		bw.WriteString(oneLine(e.Source))
		if e.Body != "" {
			bw.WriteString("\n\n")
			bw.WriteString(e.Body)
		}
	}
	return bw.Flush()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// ErrFormat reports text that is not a digest.
var ErrFormat = errors.New("not in digest format")

// Parse reads a digest. An article starts where a line is followed by a
// blank line and a "Source: NAME" line and another blank line (or the end),
// at the start of the text or after a blank line; everything up to the next
// such start is its body.
func Parse(text string) ([]Entry, error) {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	isStart := func(i int) bool {
		if i+2 >= len(lines) || lines[i] == "" || lines[i+1] != "" || !strings.HasPrefix(lines[i+2], "Source: ") {
			return false
		}
		if i+3 < len(lines) && lines[i+3] != "" {
			return false
		}
		return i == 0 || lines[i-1] == ""
	}
	var starts []int
	for i := range lines {
		if isStart(i) {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 || starts[0] != 0 {
		if strings.TrimSpace(text) == "" {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: line 1 should be a title followed by a blank line and \"Source: NAME\"", ErrFormat)
	}
	entries := make([]Entry, 0, len(starts))
	for k, s := range starts {
		end := len(lines)
		if k+1 < len(starts) {
			end = starts[k+1] - 1 // the blank line between articles
		}
		e := Entry{Title: lines[s], Source: strings.TrimPrefix(lines[s+2], "Source: ")}
		if s+4 <= end {
			e.Body = strings.Join(lines[s+4:end], "\n")
		}
		entries = append(entries, e)
	}
	return entries, nil
}
