package web

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/source"
	"github.com/sitrep/sitrep/internal/store"
)

// Error is an error with the HTTP status it should answer with and the
// message a user may see. Handlers return plain errors from the store and
// the parser too; problemOf maps them all in one place.
type Error struct {
	Status int
	Title  string // short, the same for every error of its kind
	Detail string // what went wrong this time, in plain words
	// RetryAfter, when set, is sent as Retry-After (whole seconds).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Detail }

func badRequest(detail string) error {
	return &Error{Status: http.StatusBadRequest, Title: "Bad request", Detail: detail}
}

var (
	errUnauthorized = &Error{Status: http.StatusUnauthorized, Title: "Unauthorized",
		Detail: "this needs a credential: an API token (Authorization: Bearer ...) or a signed-in session"}
	errSourcesFromFile = &Error{Status: http.StatusConflict, Title: "Sources are defined by a file",
		Detail: "sources are defined by the sources file; edit it and restart sitrep (or run without a sources file to manage them here)"}
)

// problem is an RFC 9457 problem document, the body of every API error.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
	// Position is where a malformed query is wrong (1-based character).
	Position int `json:"position,omitempty"`
	// Errors are the problems with each field of a rejected source.
	Errors []source.FieldError `json:"errors,omitempty"`
}

// problemOf maps any error to what the user is told. Unknown errors are
// 500s whose detail is not shown (it may name files or SQL); the caller
// logs them.
func problemOf(err error) problem {
	var (
		we  *Error
		qe  *query.Error
		inv source.Invalid
	)
	switch {
	case errors.As(err, &we):
		return problem{Title: we.Title, Status: we.Status, Detail: we.Detail}
	case errors.As(err, &qe):
		return problem{Title: "Malformed query", Status: http.StatusBadRequest, Detail: qe.Error(), Position: qe.Pos}
	case errors.Is(err, store.ErrBadCursor):
		return problem{Title: "Bad cursor", Status: http.StatusBadRequest, Detail: "the cursor parameter is not one this server handed out (or it belongs to another order)"}
	case errors.As(err, &inv):
		return problem{Title: "Invalid source", Status: http.StatusUnprocessableEntity, Detail: inv.Error(), Errors: inv}
	case errors.Is(err, store.ErrNotFound):
		return problem{Title: "Not found", Status: http.StatusNotFound, Detail: "no such thing here"}
	case errors.Is(err, store.ErrConflict):
		return problem{Title: "Conflict", Status: http.StatusConflict, Detail: "the name is already taken"}
	}
	return problem{Title: "Internal error", Status: http.StatusInternalServerError, Detail: "something went wrong on the server; it has been logged"}
}

func (s *Server) logIfInternal(r *http.Request, p problem, err error) {
	if p.Status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// retryAfter sets the Retry-After header an error asks for.
func retryAfter(w http.ResponseWriter, err error) {
	var we *Error
	if errors.As(err, &we) && we.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(we.RetryAfter.Seconds()))))
	}
}

// statusClientGone is what the access log shows for a request whose
// client hung up before the answer (nginx's 499): nothing went wrong here.
const statusClientGone = 499

// clientGone answers a request whose client went away mid-way: its query
// was cancelled, which is neither an error to log nor a 500 to count.
func (s *Server) clientGone(w http.ResponseWriter, r *http.Request, err error) bool {
	if r.Context().Err() == nil || !errors.Is(err, context.Canceled) {
		return false
	}
	s.log.Debug("client gone", "method", r.Method, "path", r.URL.Path)
	w.WriteHeader(statusClientGone)
	return true
}

// apiError answers an API request with a problem document.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(w, r, err) {
		return
	}
	retryAfter(w, err)
	p := problemOf(err)
	s.logIfInternal(r, p, err)
	p.Type = "about:blank"
	p.Instance = r.URL.Path
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sitrep"`)
	}
	writeJSON(w, p.Status, "application/problem+json", p)
}

// errorPage is the data of error.html.
type errorPage struct {
	page
	Status int
	Detail string
}

// pageError answers a UI request with an error page.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(w, r, err) {
		return
	}
	retryAfter(w, err)
	p := problemOf(err)
	s.logIfInternal(r, p, err)
	s.render(w, r, p.Status, "error.html", errorPage{page: s.page(r, p.Title, ""), Status: p.Status, Detail: p.Detail})
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

var statusRe = regexp.MustCompile(`: (\d{3})( [A-Za-z ]+)?$`)

// plainError says in plain words what a stored poll error means, for the
// sources page; the raw message stays available beside it.
func plainError(msg string) string {
	if msg == "" {
		return ""
	}
	lower := strings.ToLower(msg)
	if m := statusRe.FindStringSubmatch(msg); m != nil {
		code, _ := strconv.Atoi(m[1])
		switch {
		case code == 404 || code == 410:
			return "The address is gone (" + m[1] + "): the site may have moved its feed. Check the URL."
		case code == 401 || code == 403:
			return "The site refuses access (" + m[1] + "): it may block automated readers or need a login."
		case code == 429:
			return "The site asked sitrep to slow down (429); it will wait before trying again."
		case code >= 500:
			return "The site had a server error (" + m[1] + "); this usually passes by itself."
		case code >= 400:
			return "The site rejected the request (" + m[1] + ")."
		}
	}
	switch {
	case strings.Contains(lower, "robots.txt"):
		return "The site's robots.txt forbids reading this address."
	case strings.Contains(lower, "no such host"):
		return "The host name does not exist (DNS): check the URL."
	case strings.Contains(lower, "connection refused"):
		return "Nothing answers at that address (connection refused)."
	case strings.Contains(lower, "timeout") || strings.Contains(lower, "deadline exceeded"):
		return "The site did not answer in time."
	case strings.Contains(lower, "certificate") || strings.Contains(lower, "tls"):
		return "The site's HTTPS certificate could not be verified."
	case strings.Contains(lower, "not a feed") || strings.Contains(lower, "no article links"):
		return "The address does not give a feed or a list of articles."
	case strings.Contains(lower, "selector"):
		return "The links selector matches nothing on the page any more."
	case strings.Contains(lower, "too large"):
		return "The response was larger than sitrep accepts."
	case strings.Contains(lower, "redirect"):
		return "The address redirects somewhere sitrep will not follow."
	}
	return "The last poll failed."
}
