package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	cfg, _, err := loadConfig(e, "serve", args, func(c *Config, fs *flag.FlagSet) { c.registerServe(fs) })
	if err != nil {
		return err
	}
	log := newLogger(cfg, e.stderr)
	// Listen before the slow work so that a port in use fails at once.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	a, err := build(ctx, cfg, log, e.stdout)
	if err != nil {
		return err
	}
	defer a.close()

	srv := &http.Server{
		Handler:           a.http,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		// The server's own complaints (bad handshakes, header errors) go through the masked logger.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	base := "http://" + ln.Addr().String()
	if cfg.PublicURL != "" {
		base = cfg.BaseURL()
	}
	fmt.Fprintf(e.stdout, "CourtDesk 已启动：\n  企业咨询  %s/\n  法官工作台 %s/judge\n  管理后台  %s/admin\n", base, base, base)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.sweepClaims(ctx, time.Minute)
	go a.notices.run(ctx, base, a.cfg.Notices.Every)
	go flushLogCounts(ctx, log)
	if cfg.PprofAddr != "" {
		go servePprof(ctx, cfg.PprofAddr, log)
	}
	if cfg.PurgeDaily {
		go a.purgeDaily(ctx, time.Hour)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	// Sockets first, while the listener still accepts: every chat page and judge console is told
	// the service is restarting (close code 1012) and reconnects by itself, and a page that
	// reconnects meanwhile is told the same instead of finding the port closed. Then the HTTP
	// server stops listening and finishes the requests in flight.
	if a.chat != nil {
		a.chat.hub.Shutdown(sctx)
	}
	return srv.Shutdown(sctx)
}

// sweepClaims returns lapsed claims to the queue once a period until ctx ends. Every replica
// tries each period and one runs it (an advisory lock on PostgreSQL); each ticket would return
// once anyway, decided by the store's conditional update.
func (a *app) sweepClaims(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			var n int
			_, err := a.store.RunOnce(ctx, jobSweepClaims, func(ctx context.Context) (err error) {
				n, err = a.chat.queue.ReturnStale(ctx)
				return err
			})
			if err != nil && ctx.Err() == nil {
				a.log.Error("return lapsed claims", "err", err)
			} else if n > 0 {
				a.log.Info("lapsed claims returned to the queue", "tickets", n)
			}
		}
	}
}

// purgeDaily applies the retention period once a day: every replica checks each period, and the
// first to claim the day in the store runs that day's purge.
func (a *app) purgeDaily(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		r, ran, err := a.retention.RunDaily(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("retention purge", "err", err)
		case ran:
			a.log.Info("retention purge", "cutoff", r.Cutoff, "conversations", r.Conversations, "messages", r.Messages,
				"tickets", r.Tickets, "kept_open", r.KeptOpen)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
