package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
)

const userCols = `id, username, display_name, role, court, specialties, capacity, active, password_hash, created_at, updated_at, can_visits, all_courts`

func scanUser(sc scanner) (knowledge.User, error) {
	var u knowledge.User
	var spec string
	var active, canVisits, allCourts int
	var created, updated int64
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Court, &spec, &u.Capacity, &active,
		&u.PasswordHash, &created, &updated, &canVisits, &allCourts); err != nil {
		return u, err
	}
	u.Active, u.CanVisits, u.AllCourts = active != 0, canVisits != 0, allCourts != 0
	u.CreatedAt, u.UpdatedAt = fromMillis(created), fromMillis(updated)
	if err := json.Unmarshal([]byte(spec), &u.Specialties); err != nil {
		return u, fmt.Errorf("user %s: specialties: %w", u.Username, err)
	}
	return u, nil
}

func specialtiesJSON(cs []knowledge.Category) string {
	if cs == nil {
		cs = []knowledge.Category{}
	}
	b, _ := json.Marshal(cs)
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateUser stores a new account; knowledge.ErrConflict when the username is taken.
func (s *Store) CreateUser(ctx context.Context, u knowledge.User) (knowledge.User, error) {
	now := s.millis()
	err := s.tx(ctx, func(t *Tx) error {
		return t.queryRow(ctx, `INSERT INTO users (username, display_name, role, court, specialties, capacity, active,
			password_hash, created_at, updated_at, can_visits, all_courts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.DisplayName, u.Role, u.Court, specialtiesJSON(u.Specialties), u.Capacity, boolInt(u.Active),
			u.PasswordHash, now, now, boolInt(u.CanVisits), boolInt(u.AllCourts)).Scan(&u.ID)
	})
	if err != nil {
		if s.d.IsUniqueViolation(err) {
			return u, fmt.Errorf("username %q: %w", u.Username, knowledge.ErrConflict)
		}
		return u, err
	}
	u.CreatedAt, u.UpdatedAt = fromMillis(now), fromMillis(now)
	return u, nil
}

// UpdateUser replaces an account's editable fields and password hash. A change that would leave no
// active admin is refused with knowledge.ErrLastAdmin.
func (s *Store) UpdateUser(ctx context.Context, u knowledge.User) (knowledge.User, error) {
	now := s.millis()
	err := s.tx(ctx, func(t *Tx) error {
		if u.Role != knowledge.RoleAdmin || !u.Active {
			if err := t.keepAnAdmin(ctx, u.ID); err != nil {
				return err
			}
		}
		res, err := t.exec(ctx, `UPDATE users SET display_name = ?, role = ?, court = ?, specialties = ?, capacity = ?,
			active = ?, password_hash = ?, updated_at = ?, can_visits = ?, all_courts = ? WHERE id = ?`, u.DisplayName, u.Role, u.Court,
			specialtiesJSON(u.Specialties), u.Capacity, boolInt(u.Active), u.PasswordHash, now, boolInt(u.CanVisits), boolInt(u.AllCourts), u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", u.ID, knowledge.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return u, err
	}
	return s.GetUser(ctx, u.ID)
}

// keepAnAdmin refuses to take user id out of the active admins when it is the last one. It first
// writes to every active admin row: that locks them (PostgreSQL) or takes the write lock
// (SQLite), so two transactions demoting the last two admins run one after the other and the
// second counts what the first committed, instead of both counting the other as still there.
func (t *Tx) keepAnAdmin(ctx context.Context, id int64) error {
	if _, err := t.exec(ctx, `UPDATE users SET updated_at = updated_at WHERE role = ? AND active = 1`, knowledge.RoleAdmin); err != nil {
		return err
	}
	var self, others int
	if err := t.queryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN id = ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN id <> ? THEN 1 ELSE 0 END), 0)
		FROM users WHERE role = ? AND active = 1`, id, id, knowledge.RoleAdmin).Scan(&self, &others); err != nil {
		return err
	}
	if self > 0 && others == 0 {
		return fmt.Errorf("user %d: %w", id, knowledge.ErrLastAdmin)
	}
	return nil
}

// GetUser finds an account by id.
func (s *Store) GetUser(ctx context.Context, id int64) (knowledge.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %d: %w", id, knowledge.ErrNotFound)
	}
	return u, err
}

// GetUserByName finds an account by username.
func (s *Store) GetUserByName(ctx context.Context, username string) (knowledge.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %q: %w", username, knowledge.ErrNotFound)
	}
	return u, err
}

// ListUsers returns every account, judges and admins, by username.
func (s *Store) ListUsers(ctx context.Context) ([]knowledge.User, error) {
	rows, err := s.query(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	return collect(rows, err, scanUser)
}
