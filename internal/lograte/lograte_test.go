package lograte

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestFoldsIdenticalRecords(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	h := New(slog.NewTextHandler(&buf, nil), time.Minute, func() time.Time { return now })
	log := slog.New(h).With("component", "http")
	fail := errors.New("unavailable: attempt to write a readonly database")
	for range 1000 {
		log.Error("request failed", "path", "/api/v1/auth/login", "err", fail)
	}
	log.Error("request failed", "path", "/api/v1/ask", "err", fail) // another kind: its own line
	log.Info("http", "status", 503)                                 // below Warn: never folded
	log.Info("http", "status", 503)
	if n := strings.Count(buf.String(), "\n"); n != 4 {
		t.Fatalf("%d lines, want 4:\n%s", n, buf.String())
	}
	// The interval passes: Flush reports what was folded, once.
	now = now.Add(time.Minute)
	h.Flush(context.Background())
	h.Flush(context.Background())
	out := buf.String()
	if !strings.Contains(out, "repeated=999") || strings.Count(out, "repeated=") != 1 {
		t.Fatalf("flushed count missing or repeated:\n%s", out)
	}
	// After the interval the next record passes through again.
	log.Error("request failed", "path", "/api/v1/auth/login", "err", fail)
	if n := strings.Count(buf.String(), "\n"); n != 6 {
		t.Fatalf("%d lines after the interval:\n%s", n, buf.String())
	}
}
