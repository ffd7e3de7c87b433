package store

import (
	"context"
	"database/sql"
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
