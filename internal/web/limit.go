package web

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Failed credentials (a wrong password, an unknown API token) cost a client
// a token from a bucket of failureBurst that refills one every
// failureRefill: ten guesses at once, then one every half minute, which
// makes guessing a password or a token hopeless and costs a user who
// mistyped nothing.
const (
	failureBurst  = 10
	failureRefill = 30 * time.Second
	// maxClients bounds the buckets kept: past it, full buckets (clients
	// that stopped failing) are dropped first, then the oldest.
	maxClients = 10_000
)

// failures tracks failed credentials per client address.
type failures struct {
	now     func() time.Time
	mu      sync.Mutex
	buckets map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

func newFailures(now func() time.Time) *failures {
	return &failures{now: now, buckets: map[netip.Addr]*bucket{}}
}

// level brings b's tokens up to now.
func (b *bucket) level(now time.Time) float64 {
	b.tokens = math.Min(failureBurst, b.tokens+now.Sub(b.at).Seconds()/failureRefill.Seconds())
	b.at = now
	return b.tokens
}

// wait is how long the client must wait before its next attempt counts; 0
// when it may try now.
func (f *failures) wait(a netip.Addr) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.buckets[a]
	if !ok || b.level(f.now()) >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(failureRefill))
}

// fail records a failed credential of the client.
func (f *failures) fail(a netip.Addr) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	b, ok := f.buckets[a]
	if !ok {
		if len(f.buckets) >= maxClients {
			f.evict(now)
		}
		b = &bucket{tokens: failureBurst, at: now}
		f.buckets[a] = b
	}
	b.level(now)
	b.tokens = math.Max(0, b.tokens-1)
}

// evict drops the buckets that have refilled, or else the stalest one.
func (f *failures) evict(now time.Time) {
	var oldest netip.Addr
	var oldestAt time.Time
	for a, b := range f.buckets {
		if b.level(now) >= failureBurst {
			delete(f.buckets, a)
			continue
		}
		if oldestAt.IsZero() || b.at.Before(oldestAt) {
			oldest, oldestAt = a, b.at
		}
	}
	if len(f.buckets) >= maxClients {
		delete(f.buckets, oldest)
	}
}

// clientAddr is the address a request comes from: the connection's, or,
// from a trusted proxy, the last address it forwards for.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	a = a.Unmap()
	if s.fromTrustedProxy(r) {
		fwd := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
		if f, err := netip.ParseAddr(strings.TrimSpace(fwd[len(fwd)-1])); err == nil {
			a = f.Unmap()
		}
	}
	return a
}

// tooMany is the error of a client that failed too often.
func tooMany(wait time.Duration) error {
	return &Error{Status: http.StatusTooManyRequests, Title: "Too many failed attempts",
		Detail:     "too many wrong passwords or unknown tokens from your address; wait before trying again",
		RetryAfter: wait}
}
