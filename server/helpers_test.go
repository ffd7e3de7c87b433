package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
)

// testApp wires the real service (SQLite on disk, Bleve on disk, embedded seed) on loopback.
func testApp(t *testing.T, mutate func(*Config)) (*app, *httptest.Server) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.AdminPassword = "correct-horse-battery"
	cfg.RateLimit = 0
	cfg.PasswordCost = 4  // bcrypt's minimum: the race detector makes the default cost take seconds
	cfg.Calibrate = false // the built-in seed calibration; the index package tests calibration itself
	if mutate != nil {
		mutate(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := build(context.Background(), &cfg, log, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.http)
	t.Cleanup(func() { srv.Close(); a.close() })
	return a, srv
}

// runCLI runs the program as a user would, with its own environment.
func runCLI(t *testing.T, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return environ[k] }}
	code = runWith(context.Background(), e, args)
	return code, out.String(), errb.String()
}
