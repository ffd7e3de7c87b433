// Package store is CourtDesk's persistence facade. Store holds the portable SQL for every
// resource; a Driver (one per engine, in the sqlite and postgres sub-packages) opens the
// connections, embeds that engine's migrations and translates placeholders and errors.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Driver is what an engine must provide. Queries in this package are written with `?`
// placeholders and portable SQL; Rebind adapts them to the engine.
type Driver interface {
	// Name is the engine's name, such as "sqlite" or "postgres".
	Name() string
	// Open returns the connection pool for writes and the one for reads. They may be the same.
	// SQLite keeps a single writer connection; PostgreSQL shares one pool.
	Open(ctx context.Context, dsn string) (writer, reader *sql.DB, err error)
	// Migrations holds files named NNNN_description.sql, applied in order.
	Migrations() fs.FS
	// MigrationLock is a statement run first inside the migration transaction so that several
	// replicas starting at once migrate one after another ("" when not needed).
	MigrationLock() string
	// Rebind rewrites `?` placeholders into the engine's form.
	Rebind(query string) string
	// IsUniqueViolation reports whether err is a unique-constraint violation.
	IsUniqueViolation(err error) bool
	// IsUnavailable reports whether err means the engine cannot take the write now (disk full,
	// read-only, I/O error, connection lost): the caller should retry later, nothing is wrong
	// with the request.
	IsUnavailable(err error) bool
}

// Store is the one entry point to persisted data.
type Store struct {
	d   Driver
	w   *sql.DB
	r   *sql.DB
	now func() time.Time

	// writeFailed is the time (unix ms) of the last write the engine refused as unavailable, and
	// probedOK of the last successful write probe; readiness probes again while a failure is the
	// newer of the two.
	writeFailed atomic.Int64
	probedOK    atomic.Int64

	asks askLog // group commit of the HTTP ask records (groupcommit.go)
	// groupExchanges is set when the writer is one connection: chat exchanges then share
	// transactions (exchanges.go).
	groupExchanges bool
	exchanges      exchangeGroup

	// Prepared statements of the writer and the readers, when the driver wants them (stmtcache.go).
	wst, rst *stmtCache
}

// Open connects through d and applies pending migrations.
func Open(ctx context.Context, d Driver, dsn string) (*Store, error) {
	s, err := Connect(ctx, d, dsn)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Connect connects through d without migrating; `courtdesk migrate` calls Migrate itself.
func Connect(ctx context.Context, d Driver, dsn string) (*Store, error) {
	w, r, err := d.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d.Name(), err)
	}
	s := &Store{d: d, w: w, r: r, now: time.Now, groupExchanges: w.Stats().MaxOpenConnections == 1}
	if p, ok := d.(Preparer); ok && p.PrepareOnce() {
		s.wst, s.rst = newStmtCache(w), newStmtCache(r)
		if r == w {
			s.rst = s.wst
		}
	}
	return s, nil
}

// Driver returns the engine in use.
func (s *Store) Driver() Driver { return s.d }

// Ping checks that the store answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

// Close releases the connections.
func (s *Store) Close() error {
	s.flushAsks()
	s.wst.close()
	s.rst.close()
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// SetClock replaces the time source; tests use it to move time without sleeping.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) millis() int64 { return s.now().UnixMilli() }

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// tx runs fn in a write transaction and commits when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*Tx) error) error {
	t, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.writeErr(fmt.Errorf("begin: %w", err))
	}
	if err := fn(&Tx{tx: t, d: s.d, st: s.wst}); err != nil {
		_ = t.Rollback()
		return s.writeErr(err)
	}
	if err := t.Commit(); err != nil {
		return s.writeErr(fmt.Errorf("commit: %w", err))
	}
	s.wst.prepareLater(ctx)
	return nil
}

// writeErr types a write the engine could not take as knowledge.ErrUnavailable (503, the
// unavailable frame) and remembers it for readiness. Other errors pass unchanged.
func (s *Store) writeErr(err error) error {
	if err == nil || errors.Is(err, knowledge.ErrUnavailable) || !s.d.IsUnavailable(err) {
		return err
	}
	s.writeFailed.Store(time.Now().UnixMilli())
	return fmt.Errorf("store cannot write: %w: %w", knowledge.ErrUnavailable, err)
}

// probeEvery is how long a successful write probe vouches for the store when no write has failed.
const probeEvery = 10 * time.Second

// Writable is the readiness check of writes: it writes a probe row when no probe succeeded
// recently or a write failed since the last one, so /readyz fails while the store cannot write
// and recovers with it.
func (s *Store) Writable(ctx context.Context) error {
	ok, failed := s.probedOK.Load(), s.writeFailed.Load()
	if ok != 0 && failed < ok && time.Since(time.UnixMilli(ok)) < probeEvery {
		return nil
	}
	_, err := s.exec(ctx, `INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`, s.millis())
	if err != nil {
		return err
	}
	s.probedOK.Store(time.Now().UnixMilli())
	return nil
}

// Tx wraps sql.Tx so that every statement is rebound for the engine.
type Tx struct {
	tx *sql.Tx
	d  Driver
	st *stmtCache // the writer's prepared statements, nil when the driver wants none
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = t.d.Rebind(q)
	if st := t.st.lookup(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = t.d.Rebind(q)
	if st := t.st.lookup(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = s.d.Rebind(q)
	if st := s.rst.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, q, args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = s.d.Rebind(q)
	if st := s.rst.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, q, args...)
}

func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = s.d.Rebind(q)
	var res sql.Result
	var err error
	if st := s.wst.get(ctx, q); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = s.w.ExecContext(ctx, q, args...)
	}
	return res, s.writeErr(err)
}

// RebindQuestionMarks turns `?` into `$1, $2, …`, skipping quoted text. Engines with numbered
// placeholders use it as their Rebind.
func RebindQuestionMarks(q string) string {
	out := make([]byte, 0, len(q)+8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			out = append(out, '$')
			out = fmt.Appendf(out, "%d", n)
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// collect runs a query and scans every row with scan: the loop every list query shares.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
