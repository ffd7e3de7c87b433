// Package pgtest gives each test a PostgreSQL schema of its own. Only _test.go files import it, so
// that the "testing" package stays out of the production binary.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// DefaultTestURL is the local PostgreSQL that development machines and CI provide.
const DefaultTestURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// DSN creates a schema of its own for one test and returns a DSN that uses it, so that tests
// run in parallel without seeing each other's rows. The schema is dropped at cleanup. Without a
// reachable server the test is skipped, except under CI, where PostgreSQL must be there.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("COURTDESK_TEST_POSTGRES")
	if base == "" {
		base = DefaultTestURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", base)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL at %s is required under CI: %v", base, err)
		}
		t.Skipf("PostgreSQL not reachable at %s (set COURTDESK_TEST_POSTGRES): %v", base, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "cdtest_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
