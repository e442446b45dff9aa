package web

import (
	"bytes"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/digest"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// page is what the layout shows on every page; each page's data embeds it.
type page struct {
	Title    string
	Section  string // the nav entry to mark as current
	User     string // signed in as; empty when anonymous
	CanWrite bool   // forms that change things are shown
	Query    string // the search box's text
	Version  string
}

func (s *Server) page(r *http.Request, title, section string) page {
	id := identityOf(r)
	return page{Title: title, Section: section, User: id.user, CanWrite: id.canWrite(), Version: s.cfg.Version}
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"ago":    func(t time.Time) string { return ago(s.now(), t) },
		"date":   func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		"stamp":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"marked": marked,
		"body":   func(b []model.Block) template.HTML { return template.HTML(model.RenderHTML(b)) },
		"plain":  plainError,
		"pathesc": func(s string) string {
			return url.PathEscape(s)
		},
		"first":  func(b []model.Block, n int) []model.Block { return b[:min(n, len(b))] },
		"num":    groupNumber,
		"period": formatPeriod,
	}
}

// groupNumber writes a figure as the digest does: "2,150,000".
func groupNumber(v float64) string { return digest.FormatNumber(v) }

// marked escapes text that carries the store's highlight markers and turns
// the markers into <mark>: the only markup that reaches the page.
func marked(s string) template.HTML {
	e := html.EscapeString(s)
	open := false
	var b strings.Builder
	for _, r := range e {
		switch string(r) {
		case store.MarkStart:
			if !open {
				b.WriteString("<mark>")
				open = true
			}
		case store.MarkEnd:
			if open {
				b.WriteString("</mark>")
				open = false
			}
		default:
			b.WriteRune(r)
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// render executes a page into a buffer first, so that a failing template
// gives a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("rendering: no such page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("rendering", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}
