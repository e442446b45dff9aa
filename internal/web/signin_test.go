package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/auth"
)

const password = "correct horse battery"

// signIn creates a user and signs in, returning the session cookie.
func (f *fixture) signIn(name string) string {
	f.t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.SetPassword(f.t.Context(), name, hash); err != nil {
		f.t.Fatal(err)
	}
	rec := f.form("/signin", "", url.Values{"name": {name}, "password": {password}, "next": {"/sources"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/sources" {
		f.t.Fatalf("sign-in: %d to %q: %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				f.t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", c)
			}
			return c.Name + "=" + c.Value
		}
	}
	f.t.Fatal("sign-in set no session cookie")
	return ""
}

// form posts a form as a same-origin browser would.
func (f *fixture) form(path, cookie string, v url.Values) *httptest.ResponseRecorder {
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}
	if cookie != "" {
		h["Cookie"] = cookie
	}
	return f.do("POST", path, strings.NewReader(v.Encode()), h)
}

func TestSignInAndManageSources(t *testing.T) {
	f := newFixture(t, nil)

	// Anonymous form posts are refused.
	if rec := f.form("/sources", "", url.Values{"name": {"A"}, "url": {"https://a.example/feed"}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous add: %d, want 401", rec.Code)
	}
	// A wrong password is refused, and says so.
	if rec := f.form("/signin", "", url.Values{"name": {"nobody"}, "password": {"whatever123"}}); rec.Code != http.StatusUnauthorized ||
		!strings.Contains(rec.Body.String(), "Wrong name or password") {
		t.Errorf("wrong password: %d", rec.Code)
	}
	cookie := f.signIn("ann")

	// Add, with an invalid form first.
	rec := f.form("/sources", cookie, url.Values{"name": {"Eurojust"}, "url": {"not a url"}, "type": {"feed"}, "interval": {"soon"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "absolute http(s) URL") ||
		!strings.Contains(rec.Body.String(), "want a duration") || !strings.Contains(rec.Body.String(), `value="not a url"`) {
		t.Errorf("invalid add: %d; want 422 naming each field and keeping what was typed\n%s", rec.Code, rec.Body)
	}
	rec = f.form("/sources", cookie, url.Values{"name": {"Eurojust"}, "url": {"https://www.eurojust.europa.eu/rss.xml"}, "type": {"feed"}, "interval": {"2h"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	st, err := f.store.Source(t.Context(), "Eurojust")
	if err != nil || st.Interval.Hours() != 2 {
		t.Fatalf("after add: %+v, %v", st, err)
	}
	if rec := f.form("/sources", cookie, url.Values{"name": {"Eurojust"}, "url": {"https://x.example/"}}); rec.Code != http.StatusConflict {
		t.Errorf("adding a taken name: %d, want 409", rec.Code)
	}

	// Test fetch shows what would be stored, and stores nothing.
	rec = f.form("/sources/test", cookie, url.Values{"name": {"Try"}, "url": {"https://try.example/feed"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Previewed article") || !strings.Contains(rec.Body.String(), "Nothing was stored") {
		t.Errorf("test fetch: %d\n%s", rec.Code, rec.Body)
	}
	if _, err := f.store.Source(t.Context(), "Try"); err == nil {
		t.Error("a test fetch stored the source")
	}

	// Edit (rename), pause, resume, poll now, delete.
	rec = f.form("/sources/Eurojust", cookie, url.Values{"name": {"Eurojust news"}, "url": {"https://www.eurojust.europa.eu/rss.xml"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/sources/Eurojust%20news?saved=1" {
		t.Fatalf("edit: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, action := range []string{"pause", "resume", "poll"} {
		if rec := f.form("/sources/Eurojust%20news/"+action, cookie, nil); rec.Code != http.StatusSeeOther {
			t.Errorf("%s: %d", action, rec.Code)
		}
	}
	if rec := f.get("/sources/Eurojust%20news/delete"); !strings.Contains(rec.Body.String(), "Delete Eurojust news") {
		t.Errorf("delete confirmation page: %d", rec.Code)
	}
	if rec := f.form("/sources/Eurojust%20news/delete", cookie, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("delete: %d", rec.Code)
	}
	if _, err := f.store.Source(t.Context(), "Eurojust news"); err == nil {
		t.Error("the source survived its deletion")
	}

	// OPML import.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("opml", "feeds.opml")
	fw.Write([]byte(`<?xml version="1.0"?><opml version="2.0"><body>
<outline text="UNODC" type="rss" xmlUrl="https://www.unodc.org/rss.xml"/>
<outline text="Interpol" type="rss" xmlUrl="https://www.interpol.int/other.xml"/></body></opml>`))
	mw.Close()
	rec2 := f.do("POST", "/sources/import", &buf, map[string]string{"Content-Type": mw.FormDataContentType(), "Cookie": cookie, "Sec-Fetch-Site": "same-origin"})
	if rec2.Code != http.StatusSeeOther || !strings.Contains(rec2.Header().Get("Location"), "Imported+1") {
		t.Errorf("OPML import: %d %q", rec2.Code, rec2.Header().Get("Location"))
	}
	if rec := f.get("/sources.opml"); !strings.Contains(rec.Body.String(), "unodc.org") {
		t.Errorf("OPML export lacks the imported feed")
	}

	// Signing out ends the session.
	if rec := f.form("/signout", cookie, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("sign-out: %d", rec.Code)
	}
	if rec := f.form("/sources/Interpol/pause", cookie, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("after sign-out: %d, want 401", rec.Code)
	}
}

func TestCrossSiteFormsRefused(t *testing.T) {
	f := newFixture(t, nil)
	cookie := f.signIn("ann")
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		h["Cookie"] = cookie
		h["Content-Type"] = "application/x-www-form-urlencoded"
		rec := f.do("POST", "/sources/Interpol/pause", strings.NewReader(""), h)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "another site") {
			t.Errorf("cross-site post %v: %d, want 403 saying why", h, rec.Code)
		}
		rec = f.do("DELETE", "/api/v1/sources/Interpol", nil, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer " + f.token})
		if rec.Code != http.StatusForbidden || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("cross-site API delete: %d %s, want a 403 problem", rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	if st, _ := f.store.Source(t.Context(), "Interpol"); st.Paused {
		t.Error("a cross-site post paused a source")
	}
}

func TestClosedReading(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ReadOpen = false })
	if rec := f.get("/search?q=jackal"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin?next=%2Fsearch%3Fq%3Djackal" {
		t.Errorf("anonymous page on a closed server: %d to %q; want a redirect to sign in", rec.Code, rec.Header().Get("Location"))
	}
	for _, p := range []string{"/api/v1/articles", "/feeds/atom", "/digest.txt"} {
		if rec := f.get(p); rec.Code != http.StatusUnauthorized {
			t.Errorf("anonymous %s on a closed server: %d, want 401", p, rec.Code)
		}
		if rec := f.do("GET", p, nil, map[string]string{"Authorization": "Bearer " + f.token}); rec.Code != 200 {
			t.Errorf("%s with a token: %d, want 200", p, rec.Code)
		}
	}
	for _, p := range []string{"/signin", "/healthz", "/static/style.css", "/api/v1/openapi.json"} {
		if rec := f.get(p); rec.Code != 200 {
			t.Errorf("%s on a closed server: %d, want 200", p, rec.Code)
		}
	}
	cookie := f.signIn("ann")
	if rec := f.do("GET", "/", nil, map[string]string{"Cookie": cookie}); rec.Code != 200 {
		t.Errorf("signed in on a closed server: %d", rec.Code)
	}
}

func TestProxyHeader(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.ReadOpen = false
		c.AuthHeader = "X-Forwarded-User"
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	})
	try := func(remote string) int {
		req := httptest.NewRequest("GET", "/api/v1/articles", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-User", "ann")
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := try("10.1.2.3:5555"); code != 200 {
		t.Errorf("from the trusted proxy: %d, want 200", code)
	}
	if code := try("192.0.2.1:5555"); code != 401 {
		t.Errorf("the header from elsewhere: %d, want 401", code)
	}
}
