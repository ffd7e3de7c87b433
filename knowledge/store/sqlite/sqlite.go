// Package sqlite is the embedded SQLite driver of the store (modernc.org/sqlite, pure Go). It keeps
// one writer connection with immediate transactions and a small pool of readers, both in WAL mode.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Driver implements store.Driver for SQLite. The DSN is a file path.
type Driver struct{}

// Name implements store.Driver.
func (Driver) Name() string { return "sqlite" }

// PrepareOnce asks the store to keep its statements prepared: SQLite compiles SQL text anew on
// every unprepared call.
func (Driver) PrepareOnce() bool { return true }

// Open implements store.Driver.
func (Driver) Open(ctx context.Context, path string) (*sql.DB, *sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	wq := url.Values{"_txlock": {"immediate"}}
	for k, v := range q {
		wq[k] = v
	}
	w, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, nil, err
	}
	// One writer: SQLite serialises writes anyway, and a single connection turns lock contention
	// into a queue in the pool instead of SQLITE_BUSY errors.
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	r.SetMaxOpenConns(4)
	return w, r, nil
}

// Migrations implements store.Driver.
func (Driver) Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// MigrationLock implements store.Driver: the single immediate-mode writer already serialises.
func (Driver) MigrationLock() string { return "" }

// Rebind implements store.Driver: SQLite understands `?` as it is.
func (Driver) Rebind(q string) string { return q }

// IsUniqueViolation implements store.Driver.
func (Driver) IsUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsUnavailable implements store.Driver: the database is read-only, full, locked past the busy
// timeout or cannot be read or written on disk.
func (Driver) IsUnavailable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff { // the primary result code of an extended one
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PERM:
		return true
	}
	return false
}
