package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/report"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// AnsweredBetween implements report.Source: every bot reply of the period with the question it
// answered.
func (s *Store) AnsweredBetween(ctx context.Context, from, to time.Time) ([]report.Answered, error) {
	// The court is that of the conversation's latest ticket, else of its latest visit request.
	rows, err := s.query(ctx, `SELECT b.created_at, COALESCE(q.text, ''), b.data, b.feedback,
		COALESCE((SELECT t.court FROM tickets t WHERE t.conversation_id = b.conversation_id ORDER BY t.id DESC LIMIT 1),
			(SELECT v.court FROM visits v WHERE v.conversation_id = b.conversation_id ORDER BY v.id DESC LIMIT 1), '')
		FROM messages b
		LEFT JOIN messages q ON q.conversation_id = b.conversation_id AND q.client_id = b.reply_to AND q.client_id <> ''
		WHERE b.kind = ? AND b.created_at >= ? AND b.created_at < ? ORDER BY b.created_at`,
		conversation.KindBot, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.Answered
	for rows.Next() {
		var at int64
		var data string
		var a report.Answered
		if err := rows.Scan(&at, &a.Question, &data, &a.Feedback, &a.Court); err != nil {
			return nil, err
		}
		a.At = fromMillis(at)
		var res answer.Result
		if data != "" && json.Unmarshal([]byte(data), &res) == nil {
			a.Intent, a.Reason, a.Confidence = res.Intent, res.Escalation.Reason, res.Confidence
			if len(res.Sources) > 0 {
				a.Slug, a.Title, a.Category = res.Sources[0].Slug, res.Sources[0].Title, res.Sources[0].Category
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// TicketsBetween implements report.Source: the tickets created in the period.
func (s *Store) TicketsBetween(ctx context.Context, from, to time.Time) ([]report.TicketRow, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.court, COALESCE(t.claimed_by, 0), COALESCE(u.display_name, ''), t.reason,
		t.specialty, t.intake, t.state, t.created_at, t.first_response_at FROM tickets t LEFT JOIN users u ON u.id = t.claimed_by
		WHERE t.created_at >= ? AND t.created_at < ? ORDER BY t.id`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.TicketRow
	for rows.Next() {
		var r report.TicketRow
		var intake string
		var created, first int64
		if err := rows.Scan(&r.ID, &r.Court, &r.JudgeID, &r.Judge, &r.Reason, &r.Specialty, &intake, &r.State, &created, &first); err != nil {
			return nil, err
		}
		r.CreatedAt, r.FirstResponseAt = fromMillis(created), fromMillis(first)
		var f escalation.Form
		if json.Unmarshal([]byte(intake), &f) == nil {
			r.CreditCode = f.CreditCode
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// HTTPAsksBetween implements report.Source: the questions answered through POST /api/v1/ask.
func (s *Store) HTTPAsksBetween(ctx context.Context, from, to time.Time) ([]report.Answered, error) {
	rows, err := s.query(ctx, `SELECT at, intent, reason, category FROM http_asks WHERE at >= ? AND at < ? ORDER BY id`,
		from.UnixMilli(), to.UnixMilli())
	return collect(rows, err, func(sc scanner) (report.Answered, error) {
		var a report.Answered
		var at int64
		err := sc.Scan(&at, &a.Intent, &a.Reason, &a.Category)
		a.At = fromMillis(at)
		return a, err
	})
}

// VisitsDoneBetween implements report.Source: the visits done whose date falls in [from, to)
// (China dates).
func (s *Store) VisitsDoneBetween(ctx context.Context, from, to time.Time) ([]report.VisitRow, error) {
	rows, err := s.query(ctx, `SELECT court, visit_date, credit_code FROM visits WHERE status = ? AND visit_date >= ?
		AND visit_date < ? ORDER BY visit_date, id`, visit.StatusDone, from.In(cst).Format("2006-01-02"),
		to.In(cst).Format("2006-01-02"))
	return collect(rows, err, func(sc scanner) (report.VisitRow, error) {
		var v report.VisitRow
		return v, sc.Scan(&v.Court, &v.Date, &v.CreditCode)
	})
}
