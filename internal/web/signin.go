package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/store"
)

// sessionCookie holds a signed-in browser's session secret.
const sessionCookie = "sitrep_session"

// sessionLife is how long a sign-in lasts.
const sessionLife = 30 * 24 * time.Hour

// identity is who made a request, as far as the server can tell.
type identity struct {
	user    string // a UI user (session or proxy header)
	token   string // an API token's name
	session string // the session's hash, to sign out
}

func (id identity) canWrite() bool { return id.user != "" || id.token != "" }

type identityKey struct{}

func identityOf(r *http.Request) identity {
	id, _ := r.Context().Value(identityKey{}).(identity)
	return id
}

// identify finds the request's credential (API token, proxy header,
// session cookie) and puts who it names in the context. A wrong token is
// refused at once rather than treated as anonymous: a script with a revoked
// token should hear so, not get the anonymous view.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var id identity
		// Only Bearer is ours: a proxy doing Basic authentication passes
		// its header along, and must not lock its users out.
		if secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			client := s.clientAddr(r)
			if wait := s.failures.wait(client); wait > 0 {
				s.apiError(w, r, tooMany(wait))
				return
			}
			tok, err := s.store.TokenByHash(ctx, auth.HashSecret(secret), s.now())
			if err != nil {
				if !errors.Is(err, store.ErrNotFound) {
					s.apiError(w, r, err)
					return
				}
				s.failures.fail(client)
				s.apiError(w, r, &Error{Status: http.StatusUnauthorized, Title: "Unauthorized", Detail: "unknown or revoked API token"})
				return
			}
			id.token = tok.Name
		} else if user := s.proxyUser(r); user != "" {
			id.user = user
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			hash := auth.HashSecret(c.Value)
			if se, err := s.store.SessionByHash(ctx, hash, s.now()); err == nil {
				id.user, id.session = se.User, hash
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, identityKey{}, id)))
	})
}

// proxyUser is the user a trusted reverse proxy vouches for.
func (s *Server) proxyUser(r *http.Request) string {
	if s.cfg.AuthHeader == "" {
		return ""
	}
	user := strings.TrimSpace(r.Header.Get(s.cfg.AuthHeader))
	if user == "" || !s.fromTrustedProxy(r) {
		return ""
	}
	return user
}

func (s *Server) fromTrustedProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// secure tells whether the browser reached us over HTTPS (directly or
// through a trusted proxy), so the session cookie can be marked Secure.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || (s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// canRead tells whether the request may read.
func (s *Server) canRead(r *http.Request) bool {
	return s.cfg.ReadOpen || identityOf(r).canWrite()
}

// uiRead guards a page: anonymous visitors of a closed server sign in.
func (s *Server) uiRead(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.canRead(r) {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
			return
		}
		h(w, r)
	})
}

// uiWrite guards a form post: it needs a signed-in user.
func (s *Server) uiWrite(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !identityOf(r).canWrite() {
			s.pageError(w, r, &Error{Status: http.StatusUnauthorized, Title: "Sign in first", Detail: "changing things needs you to sign in"})
			return
		}
		h(w, r)
	})
}

// apiRead and apiWrite guard API routes, answering 401 with a problem.
func (s *Server) apiRead(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.canRead(r) {
			s.apiError(w, r, errUnauthorized)
			return
		}
		h(w, r)
	})
}

func (s *Server) apiWrite(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !identityOf(r).canWrite() {
			s.apiError(w, r, errUnauthorized)
			return
		}
		h(w, r)
	})
}

// safeNext keeps a post-sign-in redirect on this site: only a local path,
// never "//host", a scheme, a backslash or a control character (browsers
// drop tabs and newlines, so "/\t/evil.example" would become
// "//evil.example").
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	return next
}

// signinPage is the data of signin.html.
type signinPage struct {
	page
	Next    string
	Name    string
	Failed  bool
	NoUsers bool
	Proxy   string // the proxy header, when configured
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	users, err := s.store.Users(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signin.html", signinPage{
		page: s.page(r, "Sign in", "signin"), Next: safeNext(r.URL.Query().Get("next")),
		NoUsers: len(users) == 0, Proxy: s.cfg.AuthHeader,
	})
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	pw := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	client := s.clientAddr(r)
	if wait := s.failures.wait(client); wait > 0 {
		s.pageError(w, r, tooMany(wait))
		return
	}
	hash, err := s.store.PasswordHash(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.pageError(w, r, err)
		return
	}
	if !auth.CheckPassword(hash, pw) {
		s.failures.fail(client)
		s.log.Warn("failed sign-in", "user", name, "remote", r.RemoteAddr)
		s.render(w, r, http.StatusUnauthorized, "signin.html", signinPage{
			page: s.page(r, "Sign in", "signin"), Next: next, Name: name, Failed: true, Proxy: s.cfg.AuthHeader,
		})
		return
	}
	secret, sh, err := auth.NewSecret("")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	now := s.now()
	if err := s.store.CreateSession(ctx, store.Session{Hash: sh, User: name, Created: now, Expires: now.Add(sessionLife)}); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", MaxAge: int(sessionLife / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if id := identityOf(r); id.session != "" {
		if err := s.store.DeleteSession(r.Context(), id.session, s.now()); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
