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
// row and the others change none and report the rule that refused them. Its WHERE clause is the
// queue table's row for the action (escalation.Guards) and the judge's court scope.
func (s *Store) ApplyTransition(ctx context.Context, tr escalation.Transition) (escalation.Done, error) {
	var out escalation.Done
	guards := escalation.Guards(tr.Action, tr.Actor)
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
		if len(guards) == 0 {
			return refusal(tr, cur)
		}
		now := s.millis()
		counted := tr.Capacity > 0 && tr.ClaimedBy != 0 && tr.ClaimedBy != cur.ClaimedBy
		if counted {
			// Lock the receiving judge's row until commit: a concurrent claim by the same judge
			// waits here, and its count below then sees this one's ticket. SQLite's single writer
			// serialises anyway.
			if _, err := t.exec(ctx, `UPDATE users SET capacity = capacity WHERE id = ?`, tr.ClaimedBy); err != nil {
				return err
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
		cond, condArgs := ruleCondition(guards, tr.Scope)
		q += ` WHERE id = ? AND ` + cond
		args = append(append(args, tr.TicketID), condArgs...)
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Read the row again: on PostgreSQL another transaction may have moved it since the
			// read above, and the refusal names the rule for the state the update met.
			if now, err := scanTicket(t.queryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, tr.TicketID)); err == nil {
				cur = now
			}
			return refusal(tr, cur)
		}
		if counted {
			var open int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE claimed_by = ? AND state IN (?, ?)`,
				tr.ClaimedBy, escalation.StateClaimed, escalation.StateAnswered).Scan(&open); err != nil {
				return err
			}
			if open > tr.Capacity { // this ticket is counted: the transaction rolls back
				return escalation.CapacityRefusal(tr.Action, cur, tr.Capacity)
			}
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

// refusal is the queue table's reason for a transition that changed no row; a ticket the rules
// allow that still did not change has left the judge's scope.
func refusal(tr escalation.Transition, cur escalation.Ticket) error {
	if e, refused := escalation.Refusal(tr.Action, tr.Actor, cur); refused {
		return e
	}
	return fmt.Errorf("ticket %d: %w", tr.TicketID, escalation.ErrOutOfScope)
}

// ruleCondition is the WHERE clause of the guards (any of them) and the court scope.
func ruleCondition(guards []escalation.Guard, sc *escalation.Scope) (string, []any) {
	var arms []string
	var args []any
	for _, g := range guards {
		arm := `state IN (` + placeholders(len(g.States)) + `)`
		for _, st := range g.States {
			args = append(args, st)
		}
		if g.Owner != 0 {
			arm += ` AND claimed_by = ?`
			args = append(args, g.Owner)
		}
		arms = append(arms, "("+arm+")")
	}
	cond := "(" + strings.Join(arms, " OR ") + ")"
	if sc != nil && !sc.All {
		// Checked above on the row read; repeated here because on PostgreSQL another
		// transaction may have moved the ticket since that read.
		cond += ` AND (claimed_by = ?`
		args = append(args, sc.UserID)
		if len(sc.Courts) > 0 {
			cond += ` OR court_code IN (` + placeholders(len(sc.Courts)) + `)`
			for _, c := range sc.Courts {
				args = append(args, c)
			}
		}
		cond += `)`
	}
	return cond, args
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

// AddNote implements escalation.QueueStore: one conditional insert, so a note lands only while
// the queue table lets a add one to the ticket as it is at that moment.
func (s *Store) AddNote(ctx context.Context, n escalation.Note, a escalation.Actor, sc *escalation.Scope) (escalation.Note, error) {
	guards := escalation.Guards(escalation.RuleNote, a)
	err := s.tx(ctx, func(t *Tx) error {
		cur, err := scanTicket(t.queryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, n.TicketID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("ticket %d: %w", n.TicketID, knowledge.ErrNotFound)
		}
		if err != nil {
			return err
		}
		tr := escalation.Transition{TicketID: n.TicketID, Action: escalation.RuleNote, Actor: a}
		if len(guards) == 0 {
			return refusal(tr, cur)
		}
		cond, args := ruleCondition(guards, sc)
		err = t.queryRow(ctx, `INSERT INTO ticket_notes (ticket_id, author_id, author, text, created_at)
			SELECT id, ?, ?, ?, ? FROM tickets WHERE id = ? AND `+cond+` RETURNING id`,
			append([]any{n.AuthorID, n.Author, n.Text, n.CreatedAt.UnixMilli(), n.TicketID}, args...)...).Scan(&n.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return refusal(tr, cur)
		}
		return err
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
	cond, args := ruleCondition(escalation.Guards(escalation.RuleFollowUp, escalation.Actor{}), nil)
	if _, err := t.exec(ctx, `UPDATE tickets SET state = ?, updated_at = ? WHERE id = ? AND `+cond,
		append([]any{escalation.StateClaimed, now, id}, args...)...); err != nil {
		return err
	}
	return insertTicketEvent(ctx, t, escalation.TicketEvent{TicketID: id, At: fromMillis(now), Actor: "企业",
		Action: escalation.ActionFollowUp, From: escalation.StateAnswered, To: escalation.StateClaimed})
}
