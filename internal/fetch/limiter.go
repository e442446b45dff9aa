package fetch

import (
	"context"
	"sync"
	"time"
)

// HostGate is a per-host limit shared with other processes (the
// PostgreSQL store implements it). Acquire waits until host has fewer than
// limit requests in flight among all its holders and at least delay has
// passed since the last start, and returns the function that gives the
// slot back. A slot whose holder dies must expire by itself.
type HostGate interface {
	Acquire(ctx context.Context, host string, limit int, delay time.Duration) (release func(), err error)
}

// idleKeep is how long a host's state (its overrides and pacing) outlives
// its last request; after that it is forgotten on the next sweep, which
// bounds memory by the hosts recently in use.
const idleKeep = 5 * time.Minute

// hostLimiter enforces, per host, at most limit requests in flight and at
// least delay between request starts. It uses one mutex and per-waiter
// channels, never a goroutine per host.
type hostLimiter struct {
	mu       sync.Mutex
	hosts    map[string]*hostState
	defLimit int
	defDelay time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	sweepAt  int
}

type hostState struct {
	limit    int
	delay    time.Duration
	inFlight int
	waiters  []chan struct{} // FIFO; closed when handed a slot
	next     time.Time       // earliest start of the next request
}

func newHostLimiter(limit int, delay time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *hostLimiter {
	return &hostLimiter{
		hosts: make(map[string]*hostState), defLimit: limit, defDelay: delay,
		now: now, sleep: sleep, sweepAt: 256,
	}
}

// state returns key's state, creating it; l.mu must be held.
func (l *hostLimiter) state(key string) *hostState {
	h := l.hosts[key]
	if h == nil {
		if len(l.hosts) >= l.sweepAt {
			l.sweep()
		}
		h = &hostState{limit: l.defLimit, delay: l.defDelay}
		l.hosts[key] = h
	}
	return h
}

// sweep forgets idle hosts; l.mu must be held.
func (l *hostLimiter) sweep() {
	cutoff := l.now().Add(-idleKeep)
	for k, h := range l.hosts {
		if h.inFlight == 0 && len(h.waiters) == 0 && h.next.Before(cutoff) {
			delete(l.hosts, k)
		}
	}
	l.sweepAt = max(256, 2*len(l.hosts))
}

// acquire waits for a slot for key and for its start time, and returns the
// function that gives the slot back (call it once the body is read).
func (l *hostLimiter) acquire(ctx context.Context, key string, o hostOpts) (func(), error) {
	l.mu.Lock()
	h := l.state(key)
	if o.perHost > 0 {
		h.limit = o.perHost
	}
	switch {
	case o.delay > 0:
		h.delay = o.delay
	case o.delay < 0:
		h.delay = 0
	}
	if h.inFlight < h.limit && len(h.waiters) == 0 {
		h.inFlight++
	} else {
		ch := make(chan struct{})
		h.waiters = append(h.waiters, ch)
		l.mu.Unlock()
		select {
		case <-ch:
			l.mu.Lock()
		case <-ctx.Done():
			l.mu.Lock()
			for i, w := range h.waiters {
				if w == ch {
					h.waiters = append(h.waiters[:i], h.waiters[i+1:]...)
					l.mu.Unlock()
					return nil, ctx.Err()
				}
			}
			// Handed a slot just as we gave up: pass it on.
			l.releaseLocked(h)
			l.mu.Unlock()
			return nil, ctx.Err()
		}
	}
	now := l.now()
	start := now
	if h.next.After(start) {
		start = h.next
	}
	h.next = start.Add(h.delay)
	l.mu.Unlock()

	var once sync.Once
	release := func() {
		once.Do(func() {
			l.mu.Lock()
			l.releaseLocked(h)
			l.mu.Unlock()
		})
	}
	if wait := start.Sub(now); wait > 0 {
		if err := l.sleep(ctx, wait); err != nil {
			release()
			return nil, err
		}
	}
	return release, nil
}

// releaseLocked frees a slot and hands free slots to waiters in order.
func (l *hostLimiter) releaseLocked(h *hostState) {
	h.inFlight--
	for h.inFlight < h.limit && len(h.waiters) > 0 {
		ch := h.waiters[0]
		h.waiters[0] = nil
		h.waiters = h.waiters[1:]
		h.inFlight++
		close(ch)
	}
}

// pushBack makes the host's next request start no earlier than now+d (a
// Retry-After applies to the host, not just to the request that got it).
func (l *hostLimiter) pushBack(key string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.state(key)
	if t := l.now().Add(d); t.After(h.next) {
		h.next = t
	}
}
