package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// maxRobotsRedirects follows Google's robots.txt practice (5 hops).
const maxRobotsRedirects = 5

// robotsCache holds each origin's parsed robots.txt. Concurrent requests to
// an origin whose robots.txt is not cached wait for one fetch of it.
type robotsCache struct {
	mu      sync.Mutex
	m       map[string]*robotsEntry
	sweepAt int
}

type robotsEntry struct {
	done    chan struct{} // closed when data/err/expires are set
	data    *robotstxt.RobotsData
	err     error // wraps ErrRobotsUnavailable: host temporarily disallowed
	expires time.Time
}

func newRobotsCache() *robotsCache {
	return &robotsCache{m: make(map[string]*robotsEntry), sweepAt: 256}
}

// sweep drops expired entries; mu must be held.
func (rc *robotsCache) sweep(now time.Time) {
	for k, e := range rc.m {
		select {
		case <-e.done:
			if !now.Before(e.expires) {
				delete(rc.m, k)
			}
		default:
		}
	}
	rc.sweepAt = max(256, 2*len(rc.m))
}

// allowed checks u against its origin's robots.txt, fetching it if needed.
func (c *Client) allowed(ctx context.Context, u *url.URL, opts hostOpts) error {
	origin := u.Scheme + "://" + strings.ToLower(u.Host)
	rc := c.robots
	for {
		rc.mu.Lock()
		e := rc.m[origin]
		if e != nil {
			select {
			case <-e.done:
				if c.cfg.Now().Before(e.expires) {
					rc.mu.Unlock()
					return c.verdict(u, e)
				}
				e = nil // expired: fetch again below
			default:
				rc.mu.Unlock()
				select {
				case <-e.done:
					continue // re-check: it may have been abandoned
				case <-ctx.Done():
					return fmt.Errorf("GET %s: waiting for robots.txt: %w", u, ctx.Err())
				}
			}
		}
		if len(rc.m) >= rc.sweepAt {
			rc.sweep(c.cfg.Now())
		}
		e = &robotsEntry{done: make(chan struct{})}
		rc.m[origin] = e
		rc.mu.Unlock()

		data, ttl, err := c.fetchRobots(ctx, origin, opts)
		rc.mu.Lock()
		switch {
		case ctx.Err() != nil:
			// Our caller gave up; that says nothing about the site, so
			// cache nothing and let the next request try.
			delete(rc.m, origin)
		default:
			e.data, e.err, e.expires = data, err, c.cfg.Now().Add(ttl)
		}
		close(e.done)
		rc.mu.Unlock()
		if ctx.Err() != nil {
			return fmt.Errorf("GET %s: fetching robots.txt: %w", u, ctx.Err())
		}
		return c.verdict(u, e)
	}
}

func (c *Client) verdict(u *url.URL, e *robotsEntry) error {
	if e.err != nil {
		return fmt.Errorf("GET %s: %w", u, e.err)
	}
	if !e.data.TestAgent(u.RequestURI(), c.product) {
		return fmt.Errorf("GET %s: %w", u, ErrDisallowed)
	}
	return nil
}

// fetchRobots reads origin's robots.txt through the same host limits as any
// request, and says how long the verdict holds. Per Google's rules: 4xx
// (but 429) means no restrictions; 5xx, 429 and network errors mean a
// temporary full disallow, asked again after RobotsRetry, not RobotsTTL.
func (c *Client) fetchRobots(ctx context.Context, origin string, opts hostOpts) (*robotstxt.RobotsData, time.Duration, error) {
	ru := origin + "/robots.txt"
	u, err := parseURL(ru)
	if err != nil {
		return nil, c.cfg.RobotsRetry, fmt.Errorf("%w: %w", ErrRobotsUnavailable, err)
	}
	unavailable := func(err error) (*robotstxt.RobotsData, time.Duration, error) {
		ttl := c.cfg.RobotsRetry
		if se := (*StatusError)(nil); errors.As(err, &se) && se.RetryAfter > ttl {
			// The server said when to come back; within reason.
			ttl = min(se.RetryAfter, c.cfg.RobotsTTL)
		}
		return nil, ttl, fmt.Errorf("%w: %w", ErrRobotsUnavailable, err)
	}
	allowAll, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	for hops := 0; ; hops++ {
		res, err := c.do(ctx, &hop{u: u, opts: opts, accept: "text/plain,*/*;q=0.5",
			limit: maxRobotsBody, truncate: true})
		if err != nil {
			return unavailable(err)
		}
		switch {
		case res.location != "":
			if hops == maxRobotsRedirects {
				return allowAll, c.cfg.RobotsTTL, nil // as Google: like a 404
			}
			next, err := u.Parse(res.location)
			if err == nil {
				next, err = parseURL(next.String())
			}
			if err != nil {
				return allowAll, c.cfg.RobotsTTL, nil
			}
			u = next
			continue
		case res.status >= 200 && res.status < 300:
			data, err := robotstxt.FromBytes(res.body)
			if err != nil {
				// Unparsable rules restrict nothing we can name.
				return allowAll, c.cfg.RobotsTTL, nil
			}
			return data, c.cfg.RobotsTTL, nil
		case res.status >= 500 || res.status == http.StatusTooManyRequests:
			return unavailable(&StatusError{URL: u.String(), Code: res.status, RetryAfter: res.retryAfter})
		default:
			return allowAll, c.cfg.RobotsTTL, nil
		}
	}
}
