// Command courtdesk is the CourtDesk service: a knowledge-base chat for enterprises with a judge
// queue behind it. `go run ./server` serves on the embedded defaults; see `courtdesk help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
