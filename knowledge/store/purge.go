package store

import (
	"context"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/report"
	"github.com/courtdesk/courtdesk/knowledge/retention"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// purgeBatch is how many conversations one purge transaction removes: small enough that the
// SQLite writer is never held for long, large enough that a first purge of a big store ends.
const purgeBatch = 200

// pending is the condition on a conversation c that keeps it past the cutoff: a ticket still open
// or resolved since, or a visit request still under way or changed since (its status notices go
// to the conversation; the visit record itself is the court's and is not purged). Its two
// placeholders are the cutoff.
const pending = `(EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id
	AND (t.state <> '` + string(escalation.StateResolved) + `' OR t.updated_at >= ?))
	OR EXISTS (SELECT 1 FROM visits v WHERE v.conversation_id = c.id
	AND (v.status NOT IN ('` + string(visit.StatusDone) + `', '` + string(visit.StatusDeclined) + `', '` +
	string(visit.StatusCancelled) + `') OR v.updated_at >= ?)))`

// expired is the condition on a conversation c that the purge deletes: no activity since the
// cutoff and nothing pending. Its three placeholders are the cutoff.
const expired = `c.updated_at < ? AND NOT ` + pending

// Purge implements retention.Store. Each batch is one transaction that archives what the reports
// count and then deletes; a batch that fails leaves its conversations whole.
func (s *Store) Purge(ctx context.Context, cutoff time.Time) (retention.Result, error) {
	var total retention.Result
	for {
		var r retention.Result
		err := s.tx(ctx, func(t *Tx) error {
			r = retention.Result{}
			ids, err := lockExpired(ctx, t, cutoff.UnixMilli())
			if err != nil || len(ids) == 0 {
				return err
			}
			r, err = s.purgeConversations(ctx, t, ids)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("purge: %w", err)
		}
		total.Conversations += r.Conversations
		total.Messages += r.Messages
		total.Tickets += r.Tickets
		if r.Conversations < purgeBatch {
			break
		}
	}
	var err error
	total.KeptOpen, err = s.keptOpen(ctx, cutoff.UnixMilli())
	return total, err
}

// lockExpired takes the purge lock, then picks and locks a batch of expired conversations. The
// lock row serialises purges of several replicas on PostgreSQL (SQLite has one writer anyway).
// Updating the conversations locks them: a visitor who comes back at this moment waits, and a
// conversation that got a message meanwhile no longer matches and stays.
func lockExpired(ctx context.Context, t *Tx, cutoff int64) ([]string, error) {
	if _, err := t.exec(ctx, `INSERT INTO meta (key, value) VALUES ('retention.lock', '') ON CONFLICT (key) DO NOTHING`); err != nil {
		return nil, err
	}
	if _, err := t.exec(ctx, `UPDATE meta SET value = ? WHERE key = 'retention.lock'`, fmt.Sprint(cutoff)); err != nil {
		return nil, err
	}
	rows, err := t.tx.QueryContext(ctx, t.d.Rebind(`UPDATE conversations SET updated_at = updated_at
		WHERE updated_at < ? AND id IN (SELECT c.id FROM conversations c WHERE `+expired+`
		ORDER BY c.updated_at LIMIT `+fmt.Sprint(purgeBatch)+`) RETURNING id`), cutoff, cutoff, cutoff, cutoff)
	return collect(rows, err, func(sc scanner) (string, error) {
		var id string
		return id, sc.Scan(&id)
	})
}

// purgeConversations archives and deletes the locked conversations.
func (s *Store) purgeConversations(ctx context.Context, t *Tx, ids []string) (retention.Result, error) {
	var r retention.Result
	in := `(` + placeholders(len(ids)) + `)`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if err := archiveAnswers(ctx, t, in, args); err != nil {
		return r, err
	}
	if err := s.archiveTickets(ctx, t, in, args); err != nil {
		return r, err
	}
	// Notes are the judges' working text about the case; the audit trail (ticket_events) stays.
	if _, err := t.exec(ctx, `DELETE FROM ticket_notes WHERE ticket_id IN (SELECT id FROM tickets WHERE conversation_id IN `+in+`)`, args...); err != nil {
		return r, err
	}
	// Contacts, codes and notices go with their conversation, as the consent's purpose promises.
	for _, tbl := range []string{"notice_jobs", "notice_codes", "notice_consents"} {
		if _, err := t.exec(ctx, `DELETE FROM `+tbl+` WHERE conversation_id IN `+in, args...); err != nil {
			return r, err
		}
	}
	counts := []*int{&r.Tickets, &r.Messages, &r.Conversations}
	for i, q := range []string{`DELETE FROM tickets WHERE conversation_id IN ` + in,
		`DELETE FROM messages WHERE conversation_id IN ` + in, `DELETE FROM conversations WHERE id IN ` + in} {
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return r, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return r, err
		}
		*counts[i] = int(n)
	}
	return r, nil
}

// archiveAnswers keeps, for each bot reply, what the reports count: when, the intent and reason,
// the confidence, the top article, the feedback and the court its conversation went to. Not the
// question, not the answer text.
func archiveAnswers(ctx context.Context, t *Tx, in string, args []any) error {
	type row struct {
		a     report.Answered
		court string
	}
	rows, err := t.tx.QueryContext(ctx, t.d.Rebind(`SELECT b.created_at, b.data, b.feedback, `+answerCourt+`
		FROM messages b WHERE b.kind = '`+string(conversation.KindBot)+`' AND b.conversation_id IN `+in), args...)
	answers, err := collect(rows, err, func(sc scanner) (row, error) {
		var at int64
		var data, court string
		var feedback int
		if err := sc.Scan(&at, &data, &feedback, &court); err != nil {
			return row{}, err
		}
		return row{answeredFrom(at, data, feedback), court}, nil
	})
	if err != nil {
		return err
	}
	for _, r := range answers {
		a := r.a
		if _, err := t.exec(ctx, `INSERT INTO archived_answers (created_at, intent, reason, confidence, slug, title,
			category, feedback, court) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.At.UnixMilli(), a.Intent, a.Reason, a.Confidence,
			a.Slug, a.Title, a.Category, a.Feedback, r.court); err != nil {
			return err
		}
	}
	return nil
}

// archiveTickets keeps, for each ticket, what the reports count, with the enterprise as its key
// only. A ticket id archived twice (two purges racing) keeps the first row.
func (s *Store) archiveTickets(ctx context.Context, t *Tx, in string, args []any) error {
	rows, err := t.tx.QueryContext(ctx, t.d.Rebind(`SELECT t.id, t.court, COALESCE(t.claimed_by, 0),
		COALESCE(u.display_name, ''), t.reason, t.specialty, t.intake, t.state, t.created_at, t.first_response_at
		FROM tickets t LEFT JOIN users u ON u.id = t.claimed_by WHERE t.conversation_id IN `+in), args...)
	tickets, err := collect(rows, err, scanTicketRow)
	if err != nil {
		return err
	}
	for _, r := range tickets {
		if _, err := t.exec(ctx, `INSERT INTO archived_tickets (id, court, claimed_by, judge, reason, specialty,
			enterprise, state, created_at, first_response_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, r.ID, r.Court, r.JudgeID, r.Judge, r.Reason, r.Specialty, r.Enterprise, r.State,
			r.CreatedAt.UnixMilli(), millisOrZero(r.FirstResponseAt), s.millis()); err != nil {
			return err
		}
	}
	return nil
}

func millisOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// keptOpen counts conversations past the cutoff that stay for something pending.
func (s *Store) keptOpen(ctx context.Context, cutoff int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM conversations c WHERE c.updated_at < ? AND `+pending,
		cutoff, cutoff, cutoff).Scan(&n)
	return n, err
}

// PurgeCandidates implements retention.Store: what Purge would delete now.
func (s *Store) PurgeCandidates(ctx context.Context, cutoff time.Time) (retention.Result, error) {
	var r retention.Result
	c := cutoff.UnixMilli()
	sub := `(SELECT c.id FROM conversations c WHERE ` + expired + `)`
	for _, q := range []struct {
		sql string
		n   *int
	}{
		{`SELECT COUNT(*) FROM conversations c WHERE ` + expired, &r.Conversations},
		{`SELECT COUNT(*) FROM messages WHERE conversation_id IN ` + sub, &r.Messages},
		{`SELECT COUNT(*) FROM tickets WHERE conversation_id IN ` + sub, &r.Tickets},
	} {
		if err := s.queryRow(ctx, q.sql, c, c, c).Scan(q.n); err != nil {
			return r, err
		}
	}
	var err error
	r.KeptOpen, err = s.keptOpen(ctx, c)
	return r, err
}

// ClaimDay implements retention.Store: a conditional upsert that only the first replica of the
// day wins, on either engine.
func (s *Store) ClaimDay(ctx context.Context, day string) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO meta (key, value) VALUES ('retention.day', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE meta.value < excluded.value`, day)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
