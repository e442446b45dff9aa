package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/model"

	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/web"
)

// A test fetch builds this many articles, and gives up after this long.
const (
	previewArticles = 5
	previewTimeout  = 50 * time.Second // under the server's WriteTimeout, so the answer still goes out
)

// cmdServe polls every source on its own schedule and serves the web UI,
// API and feeds until the context ends (SIGINT/SIGTERM); then it stops
// claiming work, lets in-flight writes finish and closes the database.
// --role splits the two jobs between processes sharing one PostgreSQL
// database: workers poll, web processes serve.
func cmdServe(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("serve", e, &c, "db", "sources", "polite", "addr", "web", "rules")
	fs.DurationVar(&c.lease, "lease", pipeline.Lease, "a claimed source stays with this process for `duration` unless renewed (it is, every quarter of it, while the process lives): how soon the sources of a crashed worker are taken over")
	fs.StringVar(&c.role, "role", "all", "what this process does: `all` (poll and serve), worker (poll only) or web (serve only); several workers and web processes can share one PostgreSQL database")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", fs.Args())}
	}
	if err := oneOf("read", c.read, "auto", "open", "closed"); err != nil {
		return err
	}
	if err := oneOf("role", c.role, "all", "worker", "web"); err != nil {
		return err
	}
	polls, serves := c.role != "web", c.role != "worker"
	proxies, err := parsePrefixes(c.proxies)
	if err != nil {
		return usageError{fmt.Sprintf("--trusted-proxies: %v", err)}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	p, st, sourcesFile, err := setup(ctx, e, c, log)
	if err != nil {
		return err
	}
	defer st.Close()

	var (
		srv     *http.Server
		httpErr = make(chan error, 1)
	)
	if serves {
		ln, err := net.Listen("tcp", c.addr)
		if err != nil {
			return fmt.Errorf("listening on %s: %w", c.addr, err)
		}
		readOpen := c.read == "open" || (c.read == "auto" && isLoopback(ln.Addr()))
		handler, err := web.New(web.Config{
			Store: st, Now: e.now, Log: log, Version: version,
			Preview: func(ctx context.Context, src model.Source) (pipeline.Preview, error) {
				ctx, cancel := context.WithTimeout(ctx, previewTimeout)
				defer cancel()
				return p.Preview(ctx, src, previewArticles)
			},
			SourcesFile: sourcesFile, ReadOpen: readOpen,
			AuthHeader: c.authHeader, TrustedProxies: proxies,
		})
		if err != nil {
			ln.Close()
			return err
		}
		srv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
		if users, err := st.Users(ctx); err == nil && len(users) == 0 && c.authHeader == "" {
			log.Info("no web UI user yet: run `sitrep user set-password NAME` to sign in and manage sources")
		}
		log.Info("sitrep serving", "addr", "http://"+ln.Addr().String(), "role", c.role, "db", displayDB(c.db), "version", version, "read", map[bool]string{true: "open", false: "signed-in only"}[readOpen])
		go func() { httpErr <- srv.Serve(ln) }()
	} else {
		log.Info("sitrep polling", "role", c.role, "db", displayDB(c.db), "version", version)
	}

	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	pollErr := make(chan error, 1)
	if polls {
		go func() {
			pollErr <- p.Serve(pollCtx, func(r pipeline.Report) {
				if r.OK() {
					log.Info("polled", "summary", r.String())
				} else {
					log.Warn("poll failed", "summary", r.String())
				}
			})
		}()
	}

	var runErr error
	pollDone := false
	select {
	case <-ctx.Done():
	case err := <-httpErr:
		runErr = fmt.Errorf("http server: %w", err)
	case err := <-pollErr:
		runErr, pollDone = err, true
	}
	log.Info("shutting down")
	stopPolling()
	if srv != nil {
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("http shutdown", "err", err)
		}
	}
	if polls && !pollDone {
		// In-flight polls are cancelled; their writes finish before this returns.
		if err := <-pollErr; err != nil && runErr == nil {
			runErr = err
		}
	}
	if pg, ok := st.(*postgres.Store); ok {
		// What the pool did: a process should open a handful of
		// connections, however many polls it ran.
		ps := pg.Stats()
		log.Info("database connections", "opened", ps.ConnsOpened, "acquires", ps.Acquires,
			"acquire_wait", ps.AcquireWait.Round(time.Millisecond), "max", ps.MaxConns)
	}
	log.Info("stopped")
	return runErr
}

// isLoopback tells whether the server listens on a loopback address only.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// parsePrefixes reads comma-separated CIDRs (or single addresses).
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR", part)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR like 10.0.0.0/8", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
