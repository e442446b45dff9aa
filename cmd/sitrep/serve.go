package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/web"
)

// cmdServe polls every source on its own schedule and serves the status
// page until the context ends (SIGINT/SIGTERM); then it stops claiming
// work, lets in-flight writes finish and closes the database.
func cmdServe(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("serve", e, &c, "db", "sources", "polite", "addr")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", fs.Args())}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	p, st, err := setup(ctx, e, c, log)
	if err != nil {
		return err
	}
	defer st.Close()
	handler, err := web.New(st, e.now, log, version)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", c.addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	log.Info("sitrep serving", "addr", "http://"+ln.Addr().String(), "db", c.db, "version", version)

	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	httpErr := make(chan error, 1)
	go func() { httpErr <- srv.Serve(ln) }()
	pollErr := make(chan error, 1)
	go func() {
		pollErr <- p.Serve(pollCtx, func(r pipeline.Report) {
			if r.OK() {
				log.Info("polled", "summary", r.String())
			} else {
				log.Warn("poll failed", "summary", r.String())
			}
		})
	}()

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
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown", "err", err)
	}
	if !pollDone {
		// In-flight polls are cancelled; their writes finish before this returns.
		if err := <-pollErr; err != nil && runErr == nil {
			runErr = err
		}
	}
	log.Info("stopped")
	return runErr
}
