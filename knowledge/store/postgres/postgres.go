// Package postgres is the PostgreSQL driver of the store (pgx through database/sql). Several
// replicas share one database; migrations take an advisory lock so that they run once.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"

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
func (Driver) Open(ctx context.Context, dsn string) (*sql.DB, *sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, err
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
