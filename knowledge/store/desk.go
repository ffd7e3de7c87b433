package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// CannedReplies lists the reply templates by title.
func (s *Store) CannedReplies(ctx context.Context) ([]escalation.CannedReply, error) {
	rows, err := s.query(ctx, `SELECT id, title, body, updated_by, updated_at FROM canned_replies ORDER BY title, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []escalation.CannedReply{}
	for rows.Next() {
		var c escalation.CannedReply
		var at int64
		if err := rows.Scan(&c.ID, &c.Title, &c.Body, &c.UpdatedBy, &at); err != nil {
			return nil, err
		}
		c.UpdatedAt = fromMillis(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCannedReply creates (ID 0) or replaces a template.
func (s *Store) SaveCannedReply(ctx context.Context, c escalation.CannedReply) (escalation.CannedReply, error) {
	now := s.millis()
	c.UpdatedAt = fromMillis(now)
	if c.ID == 0 {
		err := s.tx(ctx, func(t *Tx) error {
			return t.queryRow(ctx, `INSERT INTO canned_replies (title, body, updated_by, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
				c.Title, c.Body, c.UpdatedBy, now).Scan(&c.ID)
		})
		return c, err
	}
	res, err := s.exec(ctx, `UPDATE canned_replies SET title = ?, body = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
		c.Title, c.Body, c.UpdatedBy, now, c.ID)
	if err != nil {
		return c, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return c, fmt.Errorf("canned reply %d: %w", c.ID, knowledge.ErrNotFound)
	}
	return c, nil
}

// DeleteCannedReply removes a template.
func (s *Store) DeleteCannedReply(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM canned_replies WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("canned reply %d: %w", id, knowledge.ErrNotFound)
	}
	return nil
}

const suggestionCols = `id, ticket_id, judge_id, judge, article, status, reason, decided_by, created_at, updated_at, visit_id`

func scanSuggestion(sc scanner) (escalation.Suggestion, error) {
	var g escalation.Suggestion
	var art string
	var created, updated int64
	if err := sc.Scan(&g.ID, &g.TicketID, &g.JudgeID, &g.Judge, &art, &g.Status, &g.Reason, &g.DecidedBy, &created, &updated, &g.VisitID); err != nil {
		return g, err
	}
	g.CreatedAt, g.UpdatedAt = fromMillis(created), fromMillis(updated)
	if err := json.Unmarshal([]byte(art), &g.Article); err != nil {
		return g, fmt.Errorf("suggestion %d: %w", g.ID, err)
	}
	return g, nil
}

// CreateSuggestion stores a judge's article suggestion as pending.
func (s *Store) CreateSuggestion(ctx context.Context, g escalation.Suggestion) (escalation.Suggestion, error) {
	now := s.millis()
	art, err := json.Marshal(g.Article)
	if err != nil {
		return g, err
	}
	g.Status, g.CreatedAt, g.UpdatedAt = escalation.SuggestionPending, fromMillis(now), fromMillis(now)
	err = s.tx(ctx, func(t *Tx) error {
		return t.queryRow(ctx, `INSERT INTO suggestions (ticket_id, judge_id, judge, article, status, reason, decided_by,
			created_at, updated_at, visit_id) VALUES (?, ?, ?, ?, ?, '', '', ?, ?, ?) RETURNING id`, g.TicketID, g.JudgeID, g.Judge,
			string(art), g.Status, now, now, g.VisitID).Scan(&g.ID)
	})
	return g, err
}

// Suggestions lists suggestions with status ("" for all), newest first.
func (s *Store) Suggestions(ctx context.Context, status escalation.SuggestionStatus) ([]escalation.Suggestion, error) {
	q, args := `SELECT `+suggestionCols+` FROM suggestions`, []any{}
	if status != "" {
		q, args = q+` WHERE status = ?`, append(args, status)
	}
	rows, err := s.query(ctx, q+` ORDER BY id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []escalation.Suggestion{}
	for rows.Next() {
		g, err := scanSuggestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// GetSuggestion returns one suggestion.
func (s *Store) GetSuggestion(ctx context.Context, id int64) (escalation.Suggestion, error) {
	g, err := scanSuggestion(s.queryRow(ctx, `SELECT `+suggestionCols+` FROM suggestions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("suggestion %d: %w", id, knowledge.ErrNotFound)
	}
	return g, err
}

// DecideSuggestion closes a pending suggestion; a second decision gets knowledge.ErrConflict.
func (s *Store) DecideSuggestion(ctx context.Context, id int64, status escalation.SuggestionStatus, reason, by string) error {
	res, err := s.exec(ctx, `UPDATE suggestions SET status = ?, reason = ?, decided_by = ?, updated_at = ?
		WHERE id = ? AND status = ?`, status, reason, by, s.millis(), id, escalation.SuggestionPending)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("suggestion %d is not pending: %w", id, knowledge.ErrConflict)
	}
	return nil
}

// JudgeDayCounts counts a judge's activity since a moment (the start of their day).
type JudgeDayCounts struct {
	Open     int `json:"open"`
	Claimed  int `json:"claimed_today"`
	Replied  int `json:"replied_today"`
	Resolved int `json:"resolved_today"`
}

// JudgeCounts returns the "my tickets" counters.
func (s *Store) JudgeCounts(ctx context.Context, judgeID int64, since time.Time) (JudgeDayCounts, error) {
	var c JudgeDayCounts
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE claimed_by = ? AND state IN (?, ?)`,
		judgeID, escalation.StateClaimed, escalation.StateAnswered).Scan(&c.Open)
	if err != nil {
		return c, err
	}
	err = s.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN action = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN action = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN action = ? THEN 1 ELSE 0 END), 0)
		FROM ticket_events WHERE actor_id = ? AND at >= ?`,
		escalation.ActionClaim, escalation.ActionReply, escalation.ActionResolve, judgeID, since.UnixMilli()).
		Scan(&c.Claimed, &c.Replied, &c.Resolved)
	return c, err
}
