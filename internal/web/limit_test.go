package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFailureLimit: ten wrong API tokens from one address, then 429 with
// Retry-After, even for a good token from there; another address is not
// held back; half a minute later one more try counts. Wrong passwords the
// same on the sign-in form.
func TestFailureLimit(t *testing.T) {
	clock := now
	f := newFixture(t, func(c *Config) { c.Now = func() time.Time { return clock } })
	call := func(remote, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/articles", nil)
		req.RemoteAddr = remote
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		return rec
	}
	for i := range failureBurst {
		if rec := call("203.0.113.5:4000", "sitrep_wrong"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i+1, rec.Code)
		}
	}
	rec := call("203.0.113.5:4001", f.token)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "30" ||
		!strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
		t.Errorf("after %d wrong tokens: %d, Retry-After %q, want 429 and 30", failureBurst, rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := call("198.51.100.9:4000", f.token); rec.Code != http.StatusOK {
		t.Errorf("another address with a good token: %d, want 200", rec.Code)
	}
	clock = clock.Add(failureRefill)
	if rec := call("203.0.113.5:4000", f.token); rec.Code != http.StatusOK {
		t.Errorf("after waiting: %d, want 200", rec.Code)
	}

	form := func(remote, pw string) *httptest.ResponseRecorder {
		v := url.Values{"name": {"ann"}, "password": {pw}}
		req := httptest.NewRequest("POST", "/signin", strings.NewReader(v.Encode()))
		req.RemoteAddr = remote
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		return rec
	}
	for range failureBurst {
		form("192.0.2.44:1000", "guess")
	}
	if rec := form("192.0.2.44:1000", "guess"); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("after %d wrong passwords: %d, want 429 with Retry-After", failureBurst, rec.Code)
	}
}

// TestFailuresBounded: the buckets of many addresses stay bounded.
func TestFailuresBounded(t *testing.T) {
	clock := now
	fl := newFailures(func() time.Time { return clock })
	for i := range maxClients + 500 {
		clock = clock.Add(time.Millisecond)
		fl.fail(netipFrom(i))
	}
	if n := len(fl.buckets); n > maxClients {
		t.Errorf("%d buckets kept, want at most %d", n, maxClients)
	}
}

func netipFrom(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
}
