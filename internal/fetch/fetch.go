// Package fetch is sitrep's one outbound HTTP client: every feed, listing
// page, article page and robots.txt request goes through it, so that
// politeness (robots.txt, per-host concurrency and pacing, Retry-After,
// conditional GET, compression) and the resource limits (timeouts, body
// size) are enforced in exactly one place.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultUserAgent identifies sitrep with a contact URL, as polite crawlers do.
const DefaultUserAgent = "sitrep/0.1 (+https://github.com/sitrep/sitrep)"

// Defaults for the zero values of Config.
const (
	DefaultPerHost        = 2
	DefaultHostDelay      = time.Second
	DefaultTimeout        = 60 * time.Second
	DefaultConnectTimeout = 10 * time.Second
	DefaultHeaderTimeout  = 30 * time.Second
	DefaultMaxBody        = 10 << 20
	DefaultMaxHeader      = 256 << 10
	DefaultRetries        = 2
	DefaultMaxRetryAfter  = 30 * time.Second
	DefaultRobotsTTL      = 12 * time.Hour
	DefaultRobotsRetry    = time.Minute
	DefaultRetryBackoff   = time.Second

	// maxRedirects is the redirect limit of a single Get.
	maxRedirects = 10
	// maxRobotsBody is how much of a robots.txt is read; Google reads 500 KiB
	// and ignores the rest, and so do we (no ErrTooLarge for robots).
	maxRobotsBody = 500 << 10
	// drainLimit bounds how much of an unwanted body (error page, redirect)
	// is read so the connection can be reused; beyond it closing is cheaper.
	drainLimit = 64 << 10
)

// DefaultAccept is sent when a Request names no Accept header.
const DefaultAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

var (
	// ErrDisallowed: robots.txt forbids the URL for our user agent. The URL
	// was not requested.
	ErrDisallowed = errors.New("disallowed by robots.txt")
	// ErrRobotsUnavailable: the host's robots.txt could not be read (5xx,
	// 429 or a network error), so the whole host is treated as disallowed
	// for a short while (Config.RobotsRetry). The URL was not requested.
	// Unlike ErrDisallowed this is transient: try again later.
	ErrRobotsUnavailable = errors.New("robots.txt unavailable, host temporarily disallowed")
	// ErrTooLarge: the (decompressed) body exceeds Config.MaxBody.
	ErrTooLarge = errors.New("response body too large")
	// ErrTooManyRedirects: more than 10 redirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrBadURL: the URL (or a redirect's Location) is unparsable, not
	// absolute, or not http/https.
	ErrBadURL = errors.New("unsupported URL")
	// ErrNoUserAgent: Config.UserAgent was empty; we never send anonymous
	// requests to the sites we watch.
	ErrNoUserAgent = errors.New("fetch: Config.UserAgent is required")
)

// StatusError is a non-2xx, non-304 answer (after retries, if any).
// RetryAfter is the server's Retry-After when it sent one (429/503), so the
// scheduler can back off the source for that long.
type StatusError struct {
	URL        string
	Code       int
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("GET %s: %d %s", e.URL, e.Code, http.StatusText(e.Code))
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Config of a Client. Zero values mean the defaults above.
type Config struct {
	// UserAgent is sent on every request; its product token (before the
	// first "/", lower-cased) is what robots.txt groups are matched against.
	UserAgent string
	// PerHost is the maximum number of requests in flight per host.
	PerHost int
	// HostDelay is the minimum gap between request starts to one host.
	// Unlike the other fields, zero is not replaced: it means no gap. Callers
	// configuring real sites should pass DefaultHostDelay (1s) or more.
	HostDelay time.Duration
	// Timeout bounds each attempt of a request from the moment it holds its
	// host slot: connecting, sending, the headers and the whole body. The
	// wait for the slot is our own politeness, not the server's slowness,
	// so it does not count (a source with a long host_delay would otherwise
	// time out while queueing). Retries are bounded by Retries and their
	// waits by RetryBackoff and MaxRetryAfter; a caller's context deadline
	// bounds the whole Get.
	Timeout time.Duration
	// ConnectTimeout bounds the dial (and TLS handshake); HeaderTimeout the
	// wait for response headers after the request is written.
	ConnectTimeout, HeaderTimeout time.Duration
	// MaxBody caps the decompressed body; larger bodies give ErrTooLarge.
	MaxBody int64
	// MaxHeader caps the response's header block (status line, headers);
	// a larger one fails the request.
	MaxHeader int64
	// Retries is the number of retries of transient failures (timeouts,
	// connection resets/refusals, 429, 502, 503, 504). Negative: none.
	Retries int
	// RetryBackoff is the first backoff; each retry doubles it, with jitter.
	RetryBackoff time.Duration
	// MaxRetryAfter: a Retry-After up to this is waited out within the Get;
	// a longer one is returned as a *StatusError with RetryAfter set.
	MaxRetryAfter time.Duration
	// RobotsTTL is how long a host's robots.txt is cached.
	RobotsTTL time.Duration
	// RobotsRetry is how long a host whose robots.txt could not be read
	// stays disallowed before robots.txt is asked for again.
	RobotsRetry time.Duration
	// Now is the clock (robots.txt expiry, Retry-After dates, pacing).
	Now func() time.Time
	// Sleep waits d or until ctx is done; injected so tests need not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Guard, when set, refuses connections to special-purpose addresses
	// (loopback, private, link-local…) it does not allow: the address is
	// checked as it is dialled, on every hop. Ignored with a Transport of
	// the caller's own.
	Guard *Guard
	// Gate, when set, extends the per-host limits beyond this process:
	// every request takes a slot from it as well as from the client's own
	// limiter, so that all the sitrep workers sharing a database keep,
	// together, at most PerHost requests in flight per host and HostDelay
	// between their starts.
	Gate HostGate
	// Resolver, when set, resolves host names instead of the system's
	// (tests: a loopback DNS server that rebinds). The Guard checks the
	// address dialled whatever the resolver answered.
	Resolver *net.Resolver
	// Transport replaces the default tuned *http.Transport (tests,
	// benchmarks).
	Transport http.RoundTripper
}

// Request is one GET.
type Request struct {
	URL string
	// ETag and LastModified are validators from a previous answer; when set
	// the request is conditional and a 304 gives Response.NotModified.
	ETag, LastModified string
	// Accept header; DefaultAccept when empty.
	Accept string
	// PerHost and HostDelay, when non-zero, override the client's defaults
	// for this URL's host (they stay in force for the host until another
	// override). A negative HostDelay means no gap.
	PerHost   int
	HostDelay time.Duration
}

// Response is a successful (2xx) or not-modified (304) answer.
type Response struct {
	URL         string // final URL after redirects
	Status      int
	NotModified bool // 304: Body empty, validators unchanged
	// ETag and LastModified are the validators to send next time.
	ETag, LastModified string
	// ContentType is the media type without parameters, lower-cased (e.g.
	// "text/html"); sniffed when the server sent none.
	ContentType string
	// Body is decompressed. HTML is decoded to UTF-8 (charset from the
	// header, a BOM or <meta>) and its <meta> charset declaration rewritten
	// to utf-8 so later parsers do not decode it twice; other types are raw.
	Body []byte
}

// Client is safe for concurrent use. Its memory is bounded by the number of
// hosts recently in use, not by the number ever seen.
type Client struct {
	cfg     Config
	product string // robots.txt product token
	hc      *http.Client
	hosts   *hostLimiter
	robots  *robotsCache
}

// New returns a Client with cfg's zero values replaced by the defaults.
func New(cfg Config) *Client {
	if cfg.PerHost <= 0 {
		cfg.PerHost = DefaultPerHost
	}
	if cfg.HostDelay < 0 {
		cfg.HostDelay = 0
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxHeader <= 0 {
		cfg.MaxHeader = DefaultMaxHeader
	}
	switch {
	case cfg.Retries == 0:
		cfg.Retries = DefaultRetries
	case cfg.Retries < 0:
		cfg.Retries = 0
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = DefaultRetryBackoff
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.RobotsTTL <= 0 {
		cfg.RobotsTTL = DefaultRobotsTTL
	}
	if cfg.RobotsRetry <= 0 {
		cfg.RobotsRetry = DefaultRobotsRetry
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Transport == nil {
		cfg.Transport = NewTransport(cfg)
	}
	return &Client{
		cfg:     cfg,
		product: productToken(cfg.UserAgent),
		hc: &http.Client{
			Transport: cfg.Transport,
			// Redirects are followed by Get itself, so that every hop is
			// checked against robots.txt and counted by the host limits.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		hosts:  newHostLimiter(cfg.PerHost, cfg.HostDelay, cfg.Now, cfg.Sleep),
		robots: newRobotsCache(),
	}
}

// NewTransport builds the tuned transport New uses by default. It is the one
// place connections are made, so a dial guard (net.Dialer.Control) against
// private addresses belongs here.
func NewTransport(cfg Config) *http.Transport {
	connect := cfg.ConnectTimeout
	if connect <= 0 {
		connect = DefaultConnectTimeout
	}
	header := cfg.HeaderTimeout
	if header <= 0 {
		header = DefaultHeaderTimeout
	}
	perHost := max(cfg.PerHost, DefaultPerHost)
	dialer := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second, Resolver: cfg.Resolver}
	maxHeader := cfg.MaxHeader
	if maxHeader <= 0 {
		maxHeader = DefaultMaxHeader
	}
	if cfg.Guard != nil {
		dialer.Control = cfg.Guard.Control
	}
	return &http.Transport{
		// No Proxy: packages do not read the environment (DESIGN.md);
		// a proxy would be a Config field.
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    connect,
		ResponseHeaderTimeout:  header,
		MaxResponseHeaderBytes: maxHeader,
		ExpectContinueTimeout:  time.Second,
		// Keep enough idle connections per host for the in-flight limit
		// (with headroom for per-source overrides), so pages of one site
		// reuse connections instead of redialing.
		MaxIdleConnsPerHost: max(2*perHost, 8),
		MaxIdleConns:        512,
		IdleConnTimeout:     90 * time.Second,
		// We ask for gzip ourselves and decode it, so the size cap applies
		// to the decompressed body whatever the transport.
		DisableCompression: true,
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// productToken is the robots.txt name of a User-Agent: "sitrep/0.1 (+…)" →
// "sitrep".
func productToken(ua string) string {
	tok, _, _ := strings.Cut(strings.TrimSpace(ua), "/")
	if i := strings.IndexAny(tok, " \t("); i >= 0 {
		tok = tok[:i]
	}
	return strings.ToLower(tok)
}

// parseURL accepts only absolute http(s) URLs with a host.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrBadURL, raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %q: scheme must be http or https", ErrBadURL, raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%w: %q: no host", ErrBadURL, raw)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// hostKey identifies a host for the limits: host[:port], lower-cased.
func hostKey(u *url.URL) string { return strings.ToLower(u.Host) }

// hostOpts are the per-request politeness overrides.
type hostOpts struct {
	perHost int
	delay   time.Duration
}

// Get fetches r.URL politely: robots.txt is checked first (for every
// redirect hop too), per-host limits are respected, transient failures are
// retried. A non-2xx/304 answer is a *StatusError.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	if c.cfg.UserAgent == "" {
		return nil, ErrNoUserAgent
	}
	u, err := parseURL(r.URL)
	if err != nil {
		return nil, err
	}
	opts := hostOpts{perHost: r.PerHost, delay: r.HostDelay}
	accept := r.Accept
	if accept == "" {
		accept = DefaultAccept
	}
	origin := hostKey(u)
	for hops := 0; ; hops++ {
		opts := opts
		if hostKey(u) != origin {
			// The overrides are the source's settings for its own host, not
			// for wherever it redirects to.
			opts = hostOpts{}
		}
		if err := c.guardLiteral(u); err != nil {
			if hops > 0 {
				return nil, fmt.Errorf("GET %s: redirected to %s: %w", r.URL, u, err)
			}
			return nil, fmt.Errorf("GET %s: %w", u, err)
		}
		if err := c.allowed(ctx, u, opts); err != nil {
			return nil, err
		}
		res, err := c.do(ctx, &hop{u: u, opts: opts, accept: accept,
			etag: r.ETag, lastMod: r.LastModified, limit: c.cfg.MaxBody})
		if err != nil {
			return nil, err
		}
		if res.location == "" {
			return c.finish(u, r, res)
		}
		if hops == maxRedirects {
			return nil, fmt.Errorf("GET %s: %w (%d)", r.URL, ErrTooManyRedirects, maxRedirects)
		}
		next, err := u.Parse(res.location)
		if err != nil {
			return nil, fmt.Errorf("GET %s: redirect: %w: %q: %w", u, ErrBadURL, res.location, err)
		}
		if next, err = parseURL(next.String()); err != nil {
			return nil, fmt.Errorf("GET %s: redirect: %w", u, err)
		}
		u = next
	}
}

// finish turns a final raw answer into a Response or a *StatusError.
func (c *Client) finish(u *url.URL, r Request, res *rawResponse) (*Response, error) {
	switch {
	case res.status == http.StatusNotModified:
		out := &Response{URL: u.String(), Status: res.status, NotModified: true,
			ETag: res.header.Get("ETag"), LastModified: res.header.Get("Last-Modified")}
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	case res.status < 200 || res.status > 299:
		return nil, &StatusError{URL: u.String(), Code: res.status, RetryAfter: res.retryAfter}
	}
	ct, body := decodeBody(res.header.Get("Content-Type"), res.body)
	return &Response{
		URL:          u.String(),
		Status:       res.status,
		ETag:         res.header.Get("ETag"),
		LastModified: res.header.Get("Last-Modified"),
		ContentType:  ct,
		Body:         body,
	}, nil
}

// rawResponse is one hop's answer with its body read (and decompressed).
type rawResponse struct {
	status     int
	header     http.Header
	body       []byte
	location   string // set for a redirect to follow
	retryAfter time.Duration
}

// hop is one request of a Get: a URL plus what to send and how to read it.
type hop struct {
	u                     *url.URL
	opts                  hostOpts
	accept, etag, lastMod string
	limit                 int64
	truncate              bool // cut the body at limit instead of ErrTooLarge
}

// do performs one hop (no redirect following) with retries of transient
// failures. Waits between attempts do not hold the host slot, so other
// requests to the host are not blocked by ours.
func (c *Client) do(ctx context.Context, h *hop) (*rawResponse, error) {
	for attempt := 0; ; attempt++ {
		res, err := c.once(ctx, h)
		var wait time.Duration
		paced := false
		switch {
		case err != nil:
			if ctx.Err() != nil || !transient(err) {
				return nil, err
			}
		case retryableStatus(res.status):
			err = &StatusError{URL: h.u.String(), Code: res.status, RetryAfter: res.retryAfter}
			if res.retryAfter > c.cfg.MaxRetryAfter {
				return nil, err
			}
			wait = res.retryAfter
		default:
			return res, nil
		}
		if attempt >= c.cfg.Retries {
			return nil, err
		}
		if wait == 0 {
			wait = c.backoff(attempt)
		} else {
			paced = true
		}
		if dl, ok := ctx.Deadline(); ok && c.cfg.Now().Add(wait).After(dl) {
			// Waiting would only end in a deadline error that hides the
			// real one.
			return nil, err
		}
		if paced {
			// The server asked the whole host to wait: the host limiter
			// holds back every request to it, this retry included.
			c.hosts.pushBack(hostKey(h.u), wait)
			continue
		}
		if serr := c.cfg.Sleep(ctx, wait); serr != nil {
			return nil, err
		}
	}
}

// backoff is exponential with jitter: base·2^attempt scaled by [0.5, 1.5).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.RetryBackoff << min(attempt, 16)
	return d/2 + time.Duration(rand.Int64N(int64(d)+1))
}

// once sends one request within the host limits and reads its body.
func (c *Client) once(ctx context.Context, h *hop) (*rawResponse, error) {
	u := h.u
	release, err := c.hosts.acquire(ctx, hostKey(u), h.opts)
	if err != nil {
		return nil, fmt.Errorf("GET %s: waiting for host slot: %w", u, err)
	}
	defer release()
	if c.cfg.Gate != nil {
		limit, delay := c.cfg.PerHost, c.cfg.HostDelay
		if h.opts.perHost > 0 {
			limit = h.opts.perHost
		}
		switch {
		case h.opts.delay > 0:
			delay = h.opts.delay
		case h.opts.delay < 0:
			delay = 0
		}
		shared, err := c.cfg.Gate.Acquire(ctx, hostKey(u), limit, delay)
		if err != nil {
			return nil, fmt.Errorf("GET %s: waiting for the shared host slot: %w", u, err)
		}
		defer shared()
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", h.accept)
	req.Header.Set("Accept-Encoding", "gzip")
	if h.etag != "" {
		req.Header.Set("If-None-Match", h.etag)
	}
	if h.lastMod != "" {
		req.Header.Set("If-Modified-Since", h.lastMod)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err // *url.Error names the URL
	}
	defer resp.Body.Close()

	res := &rawResponse{status: resp.StatusCode, header: resp.Header}
	switch {
	case isRedirect(resp.StatusCode) && resp.Header.Get("Location") != "":
		res.location = resp.Header.Get("Location")
		drain(resp)
		return res, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		res.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		drain(resp)
		return res, nil
	}
	res.body, err = readBody(resp, h.limit, h.truncate)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return res, nil
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// transient reports whether err is worth retrying: timeouts of a single
// attempt, refused or reset connections, truncated bodies, temporary DNS
// failures. Never size, robots or URL errors.
func transient(err error) bool {
	switch {
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrDisallowed),
		errors.Is(err, ErrRobotsUnavailable), errors.Is(err, ErrBadURL),
		errors.Is(err, ErrBlocked), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// parseRetryAfter reads delta-seconds or an HTTP-date; 0 when absent or
// unparsable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(365*24*time.Hour/time.Second) {
			n = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			// Round up so we never come back a fraction of a second early.
			if d%time.Second != 0 {
				d = d.Truncate(time.Second) + time.Second
			}
			return d
		}
	}
	return 0
}

// CloseIdleConnections closes the connections kept for reuse (tests that
// count goroutines, a shutdown).
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// guardLiteral refuses a URL whose host is a special-purpose IP address
// before anything is sent, robots.txt included, so that the error says
// what is wrong. Host names are checked as they are dialled.
func (c *Client) guardLiteral(u *url.URL) error {
	if c.cfg.Guard == nil {
		return nil
	}
	a, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]"))
	if err != nil {
		return nil
	}
	return c.cfg.Guard.Check(a)
}
