package main

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/internal/lograte"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/sqlite"
)

// switchableSQLite opens the database like the real driver, with one writer connection the test
// can later turn read-only (PRAGMA query_only): from then on every write fails inside SQLite with
// SQLITE_READONLY, as on a disk that no longer takes writes. The service starts normally first,
// because its start-up writes (seed markers) belong to a healthy store.
type switchableSQLite struct {
	sqlite.Driver
	w *sql.DB
}

func (d *switchableSQLite) Open(ctx context.Context, path string) (*sql.DB, *sql.DB, error) {
	w, r, err := d.Driver.Open(ctx, path)
	d.w = w
	return w, r, err
}

// stopWrites makes the single writer connection read-only.
func (d *switchableSQLite) stopWrites(t *testing.T) {
	if _, err := d.w.ExecContext(t.Context(), `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a log destination shared by the request goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A store that cannot write answers with the typed unavailable error (503 over HTTP, the
// unavailable frame on the chat socket), /readyz says not ready, and a flood of identical failures
// is logged once with a count.
func TestStoreThatCannotWrite(t *testing.T) {
	t.Parallel()
	first, _ := testApp(t, nil) // creates, migrates and seeds the data directory
	cfg := *first.cfg
	first.close()

	drv := &switchableSQLite{}
	st, err := store.Open(t.Context(), drv, cfg.dbPath())
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(lograte.New(slog.NewTextHandler(&logs, nil), time.Hour, nil))
	a, err := buildOn(t.Context(), &cfg, log, &bytes.Buffer{}, st)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.http)
	t.Cleanup(func() { srv.Close(); a.close() })
	drv.stopWrites(t)

	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("/readyz with a store that cannot write: %d", resp.StatusCode)
	}

	// Ten clients log in again and again, with right and wrong passwords: both need a write.
	var wg sync.WaitGroup
	codes := make(chan string, 200)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newAPIClient(t, srv.URL)
			for j := range 10 {
				pw := "correct-horse-battery"
				if (i+j)%2 == 1 {
					pw = "wrong-password-123"
				}
				code, out := c.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": pw})
				e, _ := out["error"].(map[string]any)
				codes <- http.StatusText(code) + "/" + asString(e["code"])
			}
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != "Service Unavailable/unavailable" {
			t.Fatalf("login against a read-only store: %s", c)
		}
	}

	ch := dialChat(t, srv, "")
	ch.hello()
	ch.send(map[string]any{"type": "ask", "id": "q1", "text": "公司账户被冻结了怎么办"})
	if f := ch.untilType("error"); f.str("code") != "unavailable" || f.str("reply_to") != "q1" {
		t.Fatalf("ask against a read-only store: %v", f)
	}

	lines := strings.Count(logs.String(), "request failed")
	if lines < 1 || lines > 2 {
		t.Fatalf("%d log lines for 100 identical failures, want them folded into one:\n%s", lines, logs.String())
	}
}

func asString(v any) string { s, _ := v.(string); return s }
