// Package web serves sitrep over HTTP: the analyst's web UI (latest
// articles, search, article pages, sources, digests, charts), the JSON API
// under /api/v1 with its OpenAPI document, and Atom / JSON Feed / digest
// outputs of any search. Pages are html/template files embedded in the
// binary and parsed at start-up, so a broken template fails fast; nothing
// is loaded from the internet, and every page works without JavaScript.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the server needs; Store is required.
type Config struct {
	Store   store.Store
	Now     func() time.Time // default time.Now
	Log     *slog.Logger     // default: discard
	Version string

	// Preview runs a test fetch of a source: the pipeline in dry-run
	// mode. Nil hides the test-fetch button.
	Preview func(ctx context.Context, src model.Source) (pipeline.Preview, error)

	// SourcesFile, when set, is the sources file that defines the sources:
	// the UI and API then show them but refuse to add, edit or delete any
	// (the file would undo it at the next start). Pausing and polling now
	// still work: they are state, not configuration.
	SourcesFile string

	// ReadOpen lets anyone who reaches the server read (pages, API reads,
	// feeds); otherwise reading needs a credential too. Writing always
	// does.
	ReadOpen bool

	// AuthHeader names a request header that a reverse proxy sets to the
	// signed-in user's name ("X-Forwarded-User"); it is believed only on
	// requests from TrustedProxies.
	AuthHeader     string
	TrustedProxies []netip.Prefix
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg      Config
	store    store.Store
	now      func() time.Time
	log      *slog.Logger
	pages    map[string]*template.Template
	failures *failures // failed sign-ins and unknown tokens, per client
}

// pageFiles are the page templates; each is parsed with layout.html and
// partials.html into its own set, so every page can define "content".
var pageFiles = []string{
	"latest.html", "article.html", "search.html", "help.html", "sources.html", "source.html",
	"source_delete.html", "digest.html", "stats.html", "signin.html", "error.html",
	"operations.html", "countries.html", "country.html",
}

// New parses the templates and returns the server's handler.
func New(cfg Config) (http.Handler, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	return s.routes(), nil
}

func newServer(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("web: no store")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, store: cfg.Store, now: cfg.Now, log: cfg.Log, pages: map[string]*template.Template{}}
	s.failures = newFailures(s.now)
	funcs := s.funcs()
	for _, name := range pageFiles {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	if _, err := fs.Stat(staticFS, "static/style.css"); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	return s, nil
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
