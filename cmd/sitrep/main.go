// Command sitrep watches official security and justice news sources,
// stores every article once with its full text, and serves it back as
// digests, exports and a status page. See the README for its commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "sitrep:", err)
			os.Exit(2)
		}
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "sitrep:", err)
		}
		os.Exit(1)
	}
}
