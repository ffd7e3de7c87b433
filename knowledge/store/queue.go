package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/notice"
)

func insertTicketEvent(ctx context.Context, t *Tx, e escalation.TicketEvent) error {
	_, err := t.exec(ctx, `INSERT INTO ticket_events (ticket_id, at, actor_id, actor, action, from_state, to_state, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.TicketID, e.At.UnixMilli(), e.ActorID, e.Actor, e.Action, e.From, e.To, e.Reason)
	return err
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// ListTickets implements escalation.QueueStore.
func (s *Store) ListTickets(ctx context.Context, f escalation.Filter) ([]escalation.Ticket, error) {
	var where []string
	var args []any
	if len(f.Courts) > 0 {
		where = append(where, "court_code IN ("+placeholders(len(f.Courts))+")")
		for _, c := range f.Courts {
			args = append(args, c)
		}
	}
	states := f.States
	if len(states) == 0 {
		states = []escalation.State{escalation.StateWaiting, escalation.StateClaimed, escalation.StateAnswered}
	}
	where = append(where, "state IN ("+placeholders(len(states))+")")
	for _, st := range states {
		args = append(args, st)
	}
	if f.ClaimedBy != 0 {
		where, args = append(where, "claimed_by = ?"), append(args, f.ClaimedBy)
	}
	if f.Specialty != "" {
		where, args = append(where, "specialty = ?"), append(args, f.Specialty)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "updated_at >= ?"), append(args, f.Since.UnixMilli())
	}
	// The console's order: the judge's specialties first, then priority, then the oldest. The
	// cursor continues after a position in that order, so a page never skips or repeats a ticket
	// however many tickets of higher priority arrive meanwhile.
	match, matchArgs := "0", []any{}
	if len(f.Match) > 0 {
		match = "(CASE WHEN specialty IN (" + placeholders(len(f.Match)) + ") THEN 1 ELSE 0 END)"
		for _, c := range f.Match {
			matchArgs = append(matchArgs, c)
		}
	}
	if c := f.After; c != nil {
		m := 0
		if c.Match {
			m = 1
		}
		where = append(where, "("+match+" < ? OR ("+match+" = ? AND priority < ?) OR ("+match+" = ? AND priority = ? AND id > ?))")
		args = append(append(args, matchArgs...), m)
		args = append(append(args, matchArgs...), m, c.Priority)
		args = append(append(args, matchArgs...), m, c.Priority, c.ID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	order := ""
	if len(matchArgs) > 0 { // a constant would read as a column number
		order = match + " DESC, "
		args = append(args, matchArgs...)
	}
	rows, err := s.query(ctx, `SELECT `+ticketCols+` FROM tickets WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+fmt.Sprintf(`priority DESC, id LIMIT %d`, limit), args...)
	return collect(rows, err, scanTicket)
}

// ApplyTransition implements escalation.QueueStore. The conditional UPDATE is the claim race's
// referee: of several transactions moving the same ticket out of the same state, one changes a
// row and the others change none and report a conflict.
func (s *Store) ApplyTransition(ctx context.Context, tr escalation.Transition) (escalation.Done, error) {
	var out escalation.Done
	err := s.tx(ctx, func(t *Tx) error {
		out = escalation.Done{}
		cur, err := scanTicket(t.queryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, tr.TicketID))
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("ticket %d: %w", tr.TicketID, knowledge.ErrNotFound)
			}
			return err
		}
		if tr.Scope != nil && !tr.Scope.Sees(cur.CourtCode, cur.ClaimedBy) {
			return fmt.Errorf("ticket %d: %w", tr.TicketID, escalation.ErrOutOfScope)
		}
		now := s.millis()
		if tr.Capacity > 0 && tr.ClaimedBy != 0 && tr.ClaimedBy != cur.ClaimedBy {
			var open int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE claimed_by = ? AND state IN (?, ?)`,
				tr.ClaimedBy, escalation.StateClaimed, escalation.StateAnswered).Scan(&open); err != nil {
				return err
			}
			if open >= tr.Capacity {
				return escalation.ErrAtCapacity
			}
		}
		q := `UPDATE tickets SET state = ?, claimed_by = ?, updated_at = ?`
		var claimedBy any
		if tr.ClaimedBy != 0 {
			claimedBy = tr.ClaimedBy
		}
		args := []any{tr.To, claimedBy, now}
		switch {
		case tr.To == escalation.StateClaimed && tr.ClaimedBy != cur.ClaimedBy:
			q += `, claimed_at = ?`
			args = append(args, now)
		case tr.To == escalation.StateWaiting:
			q += `, claimed_at = 0`
		case tr.To == escalation.StateResolved:
			q += `, resolved_at = ?`
			args = append(args, now)
		}
		if tr.Message != nil && tr.Message.Kind == conversation.KindJudge {
			q += `, last_reply_at = ?`
			args = append(args, now)
			if tr.FirstResp {
				q += `, first_response_at = CASE WHEN first_response_at = 0 THEN ? ELSE first_response_at END`
				args = append(args, now)
			}
		}
		if tr.Court.Code != "" {
			q += `, court_code = ?, court = ?`
			args = append(args, tr.Court.Code, tr.Court.Court)
		}
		q += ` WHERE id = ? AND state IN (` + placeholders(len(tr.From)) + `)`
		args = append(args, tr.TicketID)
		for _, st := range tr.From {
			args = append(args, st)
		}
		if tr.Owner != 0 {
			q += ` AND claimed_by = ?`
			args = append(args, tr.Owner)
		}
		if sc := tr.Scope; sc != nil && !sc.All {
			// Checked above on the row read; repeated here because on PostgreSQL another
			// transaction may have moved the ticket since that read.
			q += ` AND (claimed_by = ?`
			args = append(args, sc.UserID)
			if len(sc.Courts) > 0 {
				q += ` OR court_code IN (` + placeholders(len(sc.Courts)) + `)`
				for _, c := range sc.Courts {
					args = append(args, c)
				}
			}
			q += `)`
		}
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if cur.State == escalation.StateWaiting || tr.To == escalation.StateClaimed && cur.State != escalation.StateWaiting {
				return escalation.ErrAlreadyClaimed
			}
			return fmt.Errorf("ticket %d is %s%s: %w", tr.TicketID, cur.State, ownerNote(tr.Owner, cur.ClaimedBy), knowledge.ErrConflict)
		}
		if tr.Mode != "" {
			if _, err := t.exec(ctx, `UPDATE conversations SET mode = ?, updated_at = ? WHERE id = ?`, tr.Mode, now, cur.ConversationID); err != nil {
				return err
			}
		}
		if tr.Message != nil {
			m := *tr.Message
			seq, mode, err := nextSeq(ctx, t, cur.ConversationID, now)
			if err != nil {
				return err
			}
			m.Seq, m.Mode, m.TicketID, m.CreatedAt = seq, mode, cur.ID, fromMillis(now)
			if err := insertMessage(ctx, t, m, now); err != nil {
				return err
			}
			out.Message = &m
		}
		ev := tr.Event
		ev.TicketID, ev.At = tr.TicketID, fromMillis(now)
		if ev.From == "" {
			ev.From = cur.State
		}
		if err := insertTicketEvent(ctx, t, ev); err != nil {
			return err
		}
		out.Ticket, err = scanTicket(t.queryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, tr.TicketID))
		if err != nil {
			return err
		}
		if nev, ok := notice.EventForAction(ev.Action); ok {
			return enqueueNotice(ctx, t, cur.ConversationID, nev, out.Ticket.Court, now)
		}
		return nil
	})
	return out, err
}

func ownerNote(want, got int64) string {
	if want != 0 && want != got {
		return " and held by another judge"
	}
	return ""
}

// TicketEvents implements escalation.QueueStore: the audit trail, oldest first.
func (s *Store) TicketEvents(ctx context.Context, ticketID int64) ([]escalation.TicketEvent, error) {
	rows, err := s.query(ctx, `SELECT id, ticket_id, at, actor_id, actor, action, from_state, to_state, reason
		FROM ticket_events WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []escalation.TicketEvent
	for rows.Next() {
		var e escalation.TicketEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.TicketID, &at, &e.ActorID, &e.Actor, &e.Action, &e.From, &e.To, &e.Reason); err != nil {
			return nil, err
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddNote implements escalation.QueueStore.
func (s *Store) AddNote(ctx context.Context, n escalation.Note) (escalation.Note, error) {
	err := s.tx(ctx, func(t *Tx) error {
		return t.queryRow(ctx, `INSERT INTO ticket_notes (ticket_id, author_id, author, text, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, n.TicketID, n.AuthorID, n.Author, n.Text, n.CreatedAt.UnixMilli()).Scan(&n.ID)
	})
	return n, err
}

// Notes implements escalation.QueueStore.
func (s *Store) Notes(ctx context.Context, ticketID int64) ([]escalation.Note, error) {
	rows, err := s.query(ctx, `SELECT id, ticket_id, author_id, author, text, created_at FROM ticket_notes
		WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []escalation.Note
	for rows.Next() {
		var n escalation.Note
		var at int64
		if err := rows.Scan(&n.ID, &n.TicketID, &n.AuthorID, &n.Author, &n.Text, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMillis(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// StaleClaims implements escalation.QueueStore.
func (s *Store) StaleClaims(ctx context.Context, claimedBefore time.Time) ([]escalation.Ticket, error) {
	rows, err := s.query(ctx, `SELECT `+ticketCols+` FROM tickets WHERE state = ? AND claimed_at > 0 AND claimed_at < ?
		AND last_reply_at < claimed_at ORDER BY id LIMIT 500`, escalation.StateClaimed, claimedBefore.UnixMilli())
	return collect(rows, err, scanTicket)
}

// followUp moves an answered ticket back to claimed when the enterprise writes again, inside the
// transaction that stores the message.
func followUp(ctx context.Context, t *Tx, conversationID string, now int64) error {
	var id int64
	var state escalation.State
	err := t.queryRow(ctx, `SELECT t.id, t.state FROM tickets t JOIN conversations c ON c.ticket_id = t.id
		WHERE c.id = ?`, conversationID).Scan(&id, &state)
	if errors.Is(err, sql.ErrNoRows) || err == nil && state != escalation.StateAnswered {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE tickets SET state = ?, updated_at = ? WHERE id = ? AND state = ?`,
		escalation.StateClaimed, now, id, escalation.StateAnswered); err != nil {
		return err
	}
	return insertTicketEvent(ctx, t, escalation.TicketEvent{TicketID: id, At: fromMillis(now), Actor: "企业",
		Action: escalation.ActionFollowUp, From: escalation.StateAnswered, To: escalation.StateClaimed})
}
