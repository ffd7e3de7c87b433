package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
	}
	base := "http://" + ln.Addr().String()
	if cfg.PublicURL != "" {
		base = cfg.BaseURL()
	}
	fmt.Fprintf(e.stdout, "CourtDesk 已启动：\n  企业咨询  %s/\n  法官工作台 %s/judge\n  管理后台  %s/admin\n", base, base, base)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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
	return srv.Shutdown(sctx)
}
