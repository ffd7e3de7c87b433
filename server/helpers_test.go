package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

// TestMain removes the seeded template data directory (see seededDir) once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// testConfig is the configuration every test app starts from, before its own mutate.
func testConfig(dataDir string) Config {
	cfg := DefaultConfig()
	cfg.DataDir = dataDir
	cfg.AdminPassword = "correct-horse-battery"
	cfg.RateLimit = 0
	cfg.PasswordCost = 4  // bcrypt's minimum: the race detector makes the default cost take seconds
	cfg.Calibrate = false // the built-in seed calibration; the index package tests calibration itself
	return cfg
}

// testApp wires the real service (SQLite on disk, Bleve on disk, embedded seed) on loopback.
//
// A fresh start imports the seed, the shipped statutes and builds the index: seconds, most of a
// server test's time. So the first test app of the binary does it once into a template directory
// and every later one starts on its own copy of it, which build finds already seeded and indexed.
// A test whose mutate changes what that start writes (engine, data directory, admin password or
// its hash cost) still starts fresh.
func testApp(t *testing.T, mutate func(*Config)) (*app, *httptest.Server) {
	t.Helper()
	cfg := testConfig(t.TempDir())
	if mutate != nil {
		mutate(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return startTestApp(t, &cfg, sameSeed(cfg, testConfig(cfg.DataDir)) && emptyDir(cfg.DataDir))
}

// startTestApp builds the service on cfg, first copying the seeded template into its data
// directory when fromTemplate is set, and serves it on loopback until the test ends.
func startTestApp(tb testing.TB, cfg *Config, fromTemplate bool) (*app, *httptest.Server) {
	tb.Helper()
	if fromTemplate {
		if err := copyTree(seededDir(tb), cfg.DataDir); err != nil {
			tb.Fatalf("copy the seeded data directory: %v", err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := build(context.Background(), cfg, log, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(a.http)
	tb.Cleanup(func() { srv.Close(); a.close() })
	return a, srv
}

// seeded is the template data directory, built once per test binary by the first testApp.
var seeded struct {
	once sync.Once
	dir  string
	err  error
}

// seededDir returns the template: what a fresh start with testConfig writes, less the visitor
// token secret, which each app generates for itself as a fresh start does.
func seededDir(tb testing.TB) string {
	tb.Helper()
	seeded.once.Do(func() {
		dir, err := os.MkdirTemp("", "courtdesk-seeded-")
		if err != nil {
			seeded.err = err
			return
		}
		seeded.dir = dir
		cfg := testConfig(dir)
		a, err := build(context.Background(), &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
		if err != nil {
			seeded.err = err
			return
		}
		a.close() // checkpoints SQLite's WAL and releases the index lock
		seeded.err = os.Remove(cfg.secretPath())
	})
	if seeded.err != nil {
		tb.Fatalf("seeded data directory: %v", seeded.err)
	}
	return seeded.dir
}

// sameSeed reports whether a start with cfg writes what a start with base writes: the fields
// that reach the store or the data directory during build are equal.
func sameSeed(cfg, base Config) bool {
	pick := func(c Config) []any { return []any{c.DB, c.DatabaseURL, c.AdminPassword, c.PasswordCost} }
	return reflect.DeepEqual(pick(cfg), pick(base))
}

// emptyDir reports whether dir exists and holds nothing, so that a mutate that put files of its
// own there (or pointed DataDir elsewhere) keeps them and gets a fresh start.
func emptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// copyTree copies the regular files and directories under src into dst. Plain copies, never
// links: each test writes to its own database and index.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// runCLI runs the program as a user would, with its own environment.
func runCLI(t *testing.T, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return environ[k] }}
	code = runWith(context.Background(), e, args)
	return code, out.String(), errb.String()
}
