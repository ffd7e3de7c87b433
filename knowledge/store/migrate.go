package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migration is one versioned schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the driver's migrations in version order.
func Migrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: name must be NNNN_description.sql", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %q and %q share a version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// ErrSchemaTooNew is a database migrated by a newer CourtDesk than this binary: running on it
// could misread or damage data the newer version wrote, so nothing opens it.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// SchemaTooNewError says which versions differ.
type SchemaTooNewError struct {
	Database, Binary int
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the database schema is at version %d, but this binary knows migrations up to %d only: run a CourtDesk at least as new as the one that migrated it", e.Database, e.Binary)
}

// Is makes errors.Is(err, ErrSchemaTooNew) true.
func (e *SchemaTooNewError) Is(target error) bool { return target == ErrSchemaTooNew }

func (s *Store) migrate(ctx context.Context) error {
	_, err := s.Migrate(ctx)
	return err
}

// Migrate applies the driver's pending migrations and returns them, in order. A database whose
// schema is newer than the newest migration this binary embeds is refused with a
// *SchemaTooNewError before anything is applied.
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	ms, err := Migrations(s.d.Migrations())
	if err != nil {
		return nil, err
	}
	var applied []Migration
	// One transaction for the whole run: a replica that starts while another migrates waits on the
	// lock and then finds nothing left to do.
	err = s.tx(ctx, func(t *Tx) error {
		applied = nil
		if lock := s.d.MigrationLock(); lock != "" {
			if _, err := t.exec(ctx, lock); err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		if _, err := t.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var have int
		if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return err
		}
		if known := latest(ms); have > known {
			return &SchemaTooNewError{Database: have, Binary: known}
		}
		for _, m := range ms {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			for _, stmt := range splitStatements(m.SQL) {
				if _, err := t.tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s: %w", m.Name, err)
				}
			}
			if _, err := t.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, s.millis()); err != nil {
				return err
			}
			applied = append(applied, m)
		}
		return nil
	})
	return applied, err
}

// LatestMigration is the newest migration version the driver embeds.
func LatestMigration(d Driver) (int, error) {
	ms, err := Migrations(d.Migrations())
	return latest(ms), err
}

func latest(ms []Migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// SchemaVersion is the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// splitStatements cuts a migration at semicolons that end a line. Migrations keep to that style,
// which avoids a SQL parser here.
func splitStatements(sqlText string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sqlText, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			if st := strings.TrimSpace(cur.String()); st != ";" {
				out = append(out, st)
			}
			cur.Reset()
		}
	}
	if st := strings.TrimSpace(cur.String()); st != "" {
		out = append(out, st)
	}
	return out
}
