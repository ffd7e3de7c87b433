package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/account"
)

// CreateSession stores a new login session.
func (s *Store) CreateSession(ctx context.Context, se account.Session) error {
	_, err := s.exec(ctx, `INSERT INTO sessions (id, user_id, csrf, created_at, last_seen, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, se.ID, se.UserID, se.CSRF, se.CreatedAt.UnixMilli(), se.LastSeen.UnixMilli(),
		se.ExpiresAt.UnixMilli(), se.IP, se.UserAgent)
	return err
}

// GetSession loads a session by the hash of its token.
func (s *Store) GetSession(ctx context.Context, id string) (account.Session, error) {
	var se account.Session
	var created, seen, expires int64
	err := s.queryRow(ctx, `SELECT id, user_id, csrf, created_at, last_seen, expires_at, ip, user_agent
		FROM sessions WHERE id = ?`, id).Scan(&se.ID, &se.UserID, &se.CSRF, &created, &seen, &expires, &se.IP, &se.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return se, fmt.Errorf("session: %w", knowledge.ErrNotFound)
	}
	se.CreatedAt, se.LastSeen, se.ExpiresAt = fromMillis(created), fromMillis(seen), fromMillis(expires)
	return se, err
}

// TouchSession records activity for the idle timeout.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ?`, at.UnixMilli(), id)
	return err
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return err
}

// DeleteUserSessions ends every session of a user but one (pass "" to end all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, exceptID string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, exceptID)
	return err
}

// ReserveLoginAttempt counts one login attempt for key before the password is checked, in one
// conditional statement, so that concurrent attempts cannot all read a count below the limit: it
// reports false, counting nothing, when key already has limit attempts in its window. The window
// starts at the first attempt and the count starts again once it has passed.
func (s *Store) ReserveLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration, limit int) (bool, error) {
	at, expired := now.UnixMilli(), now.Add(-window).UnixMilli()
	var n int
	err := s.tx(ctx, func(t *Tx) error {
		return t.queryRow(ctx, `INSERT INTO login_failures (key, count, window_start) VALUES (?, 1, ?)
			ON CONFLICT (key) DO UPDATE SET
				count = CASE WHEN login_failures.window_start < ? THEN 1 ELSE login_failures.count + 1 END,
				window_start = CASE WHEN login_failures.window_start < ? THEN ? ELSE login_failures.window_start END
			WHERE login_failures.window_start < ? OR login_failures.count < ?
			RETURNING count`, key, at, expired, expired, at, expired, limit).Scan(&n)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return n <= limit, nil
}

// ReleaseLoginAttempt gives back one reserved attempt that turned out not to be a failure.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `UPDATE login_failures SET count = count - 1 WHERE key = ? AND count > 0`, key)
	return err
}

// LoginFailures returns the attempts counted for key in the current window.
func (s *Store) LoginFailures(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	var count int
	var start int64
	err := s.queryRow(ctx, `SELECT count, window_start FROM login_failures WHERE key = ?`, key).Scan(&count, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if now.Sub(fromMillis(start)) > window {
		return 0, nil
	}
	return count, nil
}

// ClearLoginFailures forgets the failures of key after a successful login.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
	return err
}

// AuditEntry is one recorded admin action.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
}

// Audit records an action.
func (s *Store) Audit(ctx context.Context, actor, action, target, detail string) error {
	_, err := s.exec(ctx, `INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`,
		s.millis(), actor, action, target, detail)
	return err
}

// AuditLog returns the newest entries first.
func (s *Store) AuditLog(ctx context.Context, limit, offset int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT id, at, actor, action, target, detail FROM audit_log
		ORDER BY id DESC LIMIT %d OFFSET %d`, limit, max(offset, 0)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
