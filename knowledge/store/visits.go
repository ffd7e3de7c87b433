package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/notice"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

const visitCols = `id, conversation_id, status, court_code, court, request, proposed_date, proposed_by, visit_date,
	judges, note, summary, version, created_at, updated_at, done_at`

func scanVisit(sc scanner) (visit.Visit, error) {
	var v visit.Visit
	var req, judges, summary string
	var created, updated, done int64
	if err := sc.Scan(&v.ID, &v.ConversationID, &v.Status, &v.CourtCode, &v.Court, &req, &v.ProposedDate, &v.ProposedBy,
		&v.Date, &judges, &v.Note, &summary, &v.Version, &created, &updated, &done); err != nil {
		return v, err
	}
	v.CreatedAt, v.UpdatedAt, v.DoneAt = fromMillis(created), fromMillis(updated), fromMillis(done)
	if err := json.Unmarshal([]byte(req), &v.Request); err != nil {
		return v, fmt.Errorf("visit %d: request: %w", v.ID, err)
	}
	if err := json.Unmarshal([]byte(judges), &v.Judges); err != nil {
		return v, fmt.Errorf("visit %d: judges: %w", v.ID, err)
	}
	if summary != "" {
		v.Summary = &visit.Summary{}
		if err := json.Unmarshal([]byte(summary), v.Summary); err != nil {
			return v, fmt.Errorf("visit %d: summary: %w", v.ID, err)
		}
	}
	return v, nil
}

// visitJSON encodes the JSON columns of a visit.
func visitJSON(v visit.Visit) (req, judges, summary string, err error) {
	if v.Judges == nil {
		v.Judges = []visit.Judge{}
	}
	b, err := json.Marshal(v.Request)
	if err != nil {
		return "", "", "", err
	}
	j, err := json.Marshal(v.Judges)
	if err != nil {
		return "", "", "", err
	}
	if v.Summary != nil {
		s, err := json.Marshal(v.Summary)
		if err != nil {
			return "", "", "", err
		}
		summary = string(s)
	}
	return string(b), string(j), summary, nil
}

// CreateVisit implements visit.Store.
func (s *Store) CreateVisit(ctx context.Context, v visit.Visit) (visit.Visit, error) {
	req, judges, summary, err := visitJSON(v)
	if err != nil {
		return v, err
	}
	now := s.millis()
	v.Version, v.CreatedAt, v.UpdatedAt = 1, fromMillis(now), fromMillis(now)
	if v.Judges == nil {
		v.Judges = []visit.Judge{}
	}
	err = s.tx(ctx, func(t *Tx) error {
		return t.queryRow(ctx, `INSERT INTO visits (conversation_id, status, court_code, court, request, credit_code,
			proposed_date, proposed_by, visit_date, judges, note, summary, version, created_at, updated_at, done_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`, v.ConversationID, v.Status, v.CourtCode,
			v.Court, req, v.Request.CreditCode, v.ProposedDate, v.ProposedBy, v.Date, judges, v.Note, summary, v.Version,
			now, now).Scan(&v.ID)
	})
	return v, err
}

// GetVisit implements visit.Store.
func (s *Store) GetVisit(ctx context.Context, id int64) (visit.Visit, error) {
	v, err := scanVisit(s.queryRow(ctx, `SELECT `+visitCols+` FROM visits WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("visit %d: %w", id, knowledge.ErrNotFound)
	}
	return v, err
}

// UpdateVisit implements visit.Store: the write succeeds only if nobody changed the visit since
// v.Version was read.
func (s *Store) UpdateVisit(ctx context.Context, v visit.Visit) (visit.Visit, error) {
	req, judges, summary, err := visitJSON(v)
	if err != nil {
		return v, err
	}
	now := s.millis()
	var n int64
	err = s.tx(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, `UPDATE visits SET status = ?, request = ?, proposed_date = ?, proposed_by = ?, visit_date = ?,
		judges = ?, note = ?, summary = ?, version = version + 1, updated_at = ?, done_at = ? WHERE id = ? AND version = ?
		AND status <> ?`,
			v.Status, req, v.ProposedDate, v.ProposedBy, v.Date, judges, v.Note, summary, now, toMillis(v.DoneAt),
			v.ID, v.Version, confirmedUnlessNow(v.Status))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if n == 1 && v.Status == visit.StatusConfirmed {
			// The visit became confirmed (the condition above excludes a confirmed one): tell the
			// requester by notice, in the same transaction.
			return enqueueNotice(ctx, t, v.ConversationID, notice.EventVisitConfirmed, v.Court, now)
		}
		return nil
	})
	if err != nil {
		return v, err
	}
	if n == 0 {
		if _, err := s.GetVisit(ctx, v.ID); err != nil {
			return v, err
		}
		return v, fmt.Errorf("visit %d changed meanwhile: %w", v.ID, knowledge.ErrConflict)
	}
	return s.GetVisit(ctx, v.ID)
}

// confirmedUnlessNow is the status an update must not start from: an update to confirmed must
// start from another status, so that the notice goes once per confirmation. Any other update has
// no such condition ("" matches no row's status).
func confirmedUnlessNow(to visit.Status) visit.Status {
	if to == visit.StatusConfirmed {
		return visit.StatusConfirmed
	}
	return ""
}

// toMillis is fromMillis reversed: the zero time is stored as 0.
func toMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// ListVisits implements visit.Store: newest first, at most 500.
func (s *Store) ListVisits(ctx context.Context, f visit.Filter) ([]visit.Visit, error) {
	var where []string
	var args []any
	if f.ConversationID != "" {
		where, args = append(where, `conversation_id = ?`), append(args, f.ConversationID)
	}
	if len(f.CourtCodes) > 0 {
		where = append(where, `court_code IN (?`+strings.Repeat(`, ?`, len(f.CourtCodes)-1)+`)`)
		for _, c := range f.CourtCodes {
			args = append(args, c)
		}
	}
	if f.Status != "" {
		where, args = append(where, `status = ?`), append(args, f.Status)
	}
	q := `SELECT ` + visitCols + ` FROM visits`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := s.query(ctx, q+` ORDER BY id DESC LIMIT 500`, args...)
	out, err := collect(rows, err, scanVisit)
	if out == nil && err == nil {
		out = []visit.Visit{}
	}
	return out, err
}

var cst = time.FixedZone("CST", 8*3600)
