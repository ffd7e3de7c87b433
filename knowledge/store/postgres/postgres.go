// Package postgres is the PostgreSQL driver of the store (pgx through database/sql). Several
// replicas share one database; migrations take an advisory lock so that they run once.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/courtdesk/courtdesk/knowledge/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Driver implements store.Driver for PostgreSQL. The DSN is a pgx connection string or URL.
type Driver struct{}

// Name implements store.Driver.
func (Driver) Name() string { return "postgres" }

// Open implements store.Driver.
// Its errors never hold the DSN or its password (redactErr).
func (Driver) Open(ctx context.Context, dsn string) (*sql.DB, *sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, redactErr(err, dsn)
	}
	db.SetMaxOpenConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, redactErr(err, dsn)
	}
	return db, db, nil
}

// Migrations implements store.Driver.
func (Driver) Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// MigrationLock implements store.Driver. The key is an arbitrary constant owned by CourtDesk.
func (Driver) MigrationLock() string { return "SELECT pg_advisory_xact_lock(7012202601)" }

// Rebind implements store.Driver.
func (Driver) Rebind(q string) string { return store.RebindQuestionMarks(q) }

// IsUniqueViolation implements store.Driver.
func (Driver) IsUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// IsUnavailable implements store.Driver: the server is out of disk or memory (class 53), in
// read-only mode (25006), shutting down or starting (57P0x), failing on disk (58) or the
// connection is gone (class 08, or no server answer at all).
func (Driver) IsUnavailable(err error) bool {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		c := e.Code
		return strings.HasPrefix(c, "53") || c == "25006" || strings.HasPrefix(c, "57P0") ||
			strings.HasPrefix(c, "58") || strings.HasPrefix(c, "08")
	}
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) || pgconn.Timeout(err)
}

// EventChannel is the NOTIFY channel of the event outbox. Notifications carry an outbox id only.
const EventChannel = "courtdesk_events"

// NotifyEventStatement implements store.EventNotifier.
func (Driver) NotifyEventStatement() string { return "SELECT pg_notify('" + EventChannel + "', ?)" }

// TryLockStatement implements store.JobLocker.
func (Driver) TryLockStatement() string { return "SELECT pg_try_advisory_xact_lock(?)" }
