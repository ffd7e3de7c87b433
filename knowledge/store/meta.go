package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
)

// GetMeta reads a small setting; knowledge.ErrNotFound when unset.
func (s *Store) GetMeta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.queryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("meta %q: %w", key, knowledge.ErrNotFound)
	}
	return v, err
}

// SetMeta writes a small setting.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// ClaimMeta sets key only if it is unset and reports whether this call set it: of several
// replicas starting at once on a fresh database, exactly one claims a one-time task.
func (s *Store) ClaimMeta(ctx context.Context, key, value string) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteMeta removes a setting; removing an unset one is no error.
func (s *Store) DeleteMeta(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `DELETE FROM meta WHERE key = ?`, key)
	return err
}

// GetMetaJSON decodes a setting stored as JSON into v; found is false when it was never set.
func (s *Store) GetMetaJSON(ctx context.Context, key string, v any) (found bool, err error) {
	raw, err := s.GetMeta(ctx, key)
	if errors.Is(err, knowledge.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return true, fmt.Errorf("meta %q: %w", key, err)
	}
	return true, nil
}

// SetMetaJSON stores a setting as JSON.
func (s *Store) SetMetaJSON(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.SetMeta(ctx, key, string(b))
}
