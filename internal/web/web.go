// Package web serves sitrep over HTTP: for now a health check and a status
// page listing every source with its last success, last error and article
// count. Templates are embedded and parsed at start-up so a broken one fails
// fast.
package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

// Server holds the handlers' dependencies.
type Server struct {
	store   store.Store
	now     func() time.Time
	log     *slog.Logger
	version string
	tmpl    *template.Template
}

// New parses the templates and returns the server's handler.
func New(st store.Store, now func() time.Time, log *slog.Logger, version string) (http.Handler, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"ago": func(t time.Time) string { return ago(now(), t) },
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{store: st, now: now, log: log, version: version, tmpl: t}
	return s.routes(), nil
}

// ago says how long before now t was, in the largest whole unit.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in " + round(-d)
	case d < time.Minute:
		return "just now"
	}
	return round(d) + " ago"
}

func round(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
