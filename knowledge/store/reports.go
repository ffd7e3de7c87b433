package store

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/report"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// answeredFrom fills a report row from a stored bot answer's data.
func answeredFrom(at int64, data string, feedback int) report.Answered {
	a := report.Answered{At: fromMillis(at), Feedback: feedback}
	var res answer.Result
	if data != "" && json.Unmarshal([]byte(data), &res) == nil {
		a.Intent, a.Reason, a.Confidence = res.Intent, res.Escalation.Reason, res.Confidence
		if len(res.Sources) > 0 {
			a.Slug, a.Title, a.Category = res.Sources[0].Slug, res.Sources[0].Title, res.Sources[0].Category
		}
	}
	return a
}

// answerCourt is the court of bot answer b: that of its conversation's latest ticket, else of its
// latest visit request. The purge archives it with the answer.
const answerCourt = `COALESCE((SELECT t.court FROM tickets t WHERE t.conversation_id = b.conversation_id ORDER BY t.id DESC LIMIT 1),
	(SELECT v.court FROM visits v WHERE v.conversation_id = b.conversation_id ORDER BY v.id DESC LIMIT 1), '')`

// AnsweredBetween implements report.Source: every bot reply of the period with the question it
// answered, and the replies the retention purge archived (without their question).
func (s *Store) AnsweredBetween(ctx context.Context, from, to time.Time) ([]report.Answered, error) {
	rows, err := s.query(ctx, `SELECT b.created_at, COALESCE(q.text, ''), b.data, b.feedback, `+answerCourt+`
		FROM messages b
		LEFT JOIN messages q ON q.conversation_id = b.conversation_id AND q.client_id = b.reply_to AND q.client_id <> ''
		WHERE b.kind = ? AND b.created_at >= ? AND b.created_at < ? ORDER BY b.created_at`,
		conversation.KindBot, from.UnixMilli(), to.UnixMilli())
	out, err := collect(rows, err, func(sc scanner) (report.Answered, error) {
		var at int64
		var question, data, court string
		var feedback int
		if err := sc.Scan(&at, &question, &data, &feedback, &court); err != nil {
			return report.Answered{}, err
		}
		a := answeredFrom(at, data, feedback)
		a.Question, a.Court = question, court
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT created_at, intent, reason, confidence, slug, title, category, feedback, court
		FROM archived_answers WHERE created_at >= ? AND created_at < ? ORDER BY created_at`, from.UnixMilli(), to.UnixMilli())
	archived, err := collect(rows, err, func(sc scanner) (report.Answered, error) {
		var a report.Answered
		var at int64
		err := sc.Scan(&at, &a.Intent, &a.Reason, &a.Confidence, &a.Slug, &a.Title, &a.Category, &a.Feedback, &a.Court)
		a.At = fromMillis(at)
		return a, err
	})
	if err != nil || len(archived) == 0 {
		return out, err
	}
	out = append(archived, out...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// TicketsBetween implements report.Source: the tickets created in the period, live and archived.
func (s *Store) TicketsBetween(ctx context.Context, from, to time.Time) ([]report.TicketRow, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.court, COALESCE(t.claimed_by, 0), COALESCE(u.display_name, ''), t.reason,
		t.specialty, t.intake, t.state, t.created_at, t.first_response_at FROM tickets t LEFT JOIN users u ON u.id = t.claimed_by
		WHERE t.created_at >= ? AND t.created_at < ? ORDER BY t.id`, from.UnixMilli(), to.UnixMilli())
	out, err := collect(rows, err, scanTicketRow)
	if err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT a.id, a.court, a.claimed_by, COALESCE(u.display_name, a.judge), a.reason,
		a.specialty, a.enterprise, a.state, a.created_at, a.first_response_at FROM archived_tickets a
		LEFT JOIN users u ON u.id = a.claimed_by
		WHERE a.created_at >= ? AND a.created_at < ? ORDER BY a.id`, from.UnixMilli(), to.UnixMilli())
	archived, err := collect(rows, err, func(sc scanner) (report.TicketRow, error) {
		var r report.TicketRow
		var created, first int64
		err := sc.Scan(&r.ID, &r.Court, &r.JudgeID, &r.Judge, &r.Reason, &r.Specialty, &r.Enterprise, &r.State, &created, &first)
		r.CreatedAt, r.FirstResponseAt = fromMillis(created), fromMillis(first)
		return r, err
	})
	if err != nil || len(archived) == 0 {
		return out, err
	}
	out = append(archived, out...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// scanTicketRow reads a live ticket as the reports see it: the intake form reduced to the
// enterprise's key.
func scanTicketRow(sc scanner) (report.TicketRow, error) {
	var r report.TicketRow
	var intake string
	var created, first int64
	if err := sc.Scan(&r.ID, &r.Court, &r.JudgeID, &r.Judge, &r.Reason, &r.Specialty, &intake, &r.State, &created, &first); err != nil {
		return r, err
	}
	r.CreatedAt, r.FirstResponseAt = fromMillis(created), fromMillis(first)
	var f escalation.Form
	if json.Unmarshal([]byte(intake), &f) == nil {
		r.Enterprise = report.EnterpriseKey(f.CreditCode)
	}
	return r, nil
}

// HTTPAsksBetween implements report.Source: the questions answered through POST /api/v1/ask.
func (s *Store) HTTPAsksBetween(ctx context.Context, from, to time.Time) ([]report.Answered, error) {
	s.flushAsks()
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
		var code string
		err := sc.Scan(&v.Court, &v.Date, &code)
		v.Enterprise = report.EnterpriseKey(code)
		return v, err
	})
}
