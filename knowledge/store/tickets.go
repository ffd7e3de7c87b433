package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

const ticketCols = `id, conversation_id, state, priority, court_code, court, specialty, reason, intake, client_id,
	claimed_by, claimed_at, resolved_at, created_at, updated_at, first_response_at, last_reply_at`

func scanTicket(sc scanner) (escalation.Ticket, error) {
	var t escalation.Ticket
	var intake string
	var claimedBy sql.NullInt64
	var claimed, resolved, created, updated, firstResp, lastReply int64
	err := sc.Scan(&t.ID, &t.ConversationID, &t.State, &t.Priority, &t.CourtCode, &t.Court, &t.Specialty, &t.Reason,
		&intake, &t.ClientID, &claimedBy, &claimed, &resolved, &created, &updated, &firstResp, &lastReply)
	if err != nil {
		return t, err
	}
	t.ClaimedBy = claimedBy.Int64
	t.ClaimedAt, t.ResolvedAt = fromMillis(claimed), fromMillis(resolved)
	t.CreatedAt, t.UpdatedAt = fromMillis(created), fromMillis(updated)
	t.FirstResponseAt, t.LastReplyAt = fromMillis(firstResp), fromMillis(lastReply)
	if err := json.Unmarshal([]byte(intake), &t.Intake); err != nil {
		return t, fmt.Errorf("ticket %d: intake: %w", t.ID, err)
	}
	return t, nil
}

// GetTicket returns one ticket.
func (s *Store) GetTicket(ctx context.Context, id int64) (escalation.Ticket, error) {
	t, err := scanTicket(s.queryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("ticket %d: %w", id, knowledge.ErrNotFound)
	}
	return t, err
}

// CreateTicket implements escalation.Store: the ticket, the conversation's move to waiting and the
// notice are one transaction, so the enterprise never sees a queue position without a ticket or a
// ticket without its conversation in the queue.
func (s *Store) CreateTicket(ctx context.Context, tk escalation.Ticket, notice conversation.Message) (escalation.Created, error) {
	var out escalation.Created
	err := s.tx(ctx, func(t *Tx) error {
		out = escalation.Created{}
		if got, ok, err := existingMessage(ctx, t, notice); err != nil || ok {
			if err != nil {
				return err
			}
			return s.duplicateTicket(ctx, t, got, &out)
		}
		now := s.millis()
		if err := s.ensureConversation(ctx, t, tk.ConversationID, now); err != nil {
			return err
		}
		// Taking the sequence number first locks the conversation, so the mode read with it is the
		// one this transaction changes.
		seq, mode, err := nextSeq(ctx, t, tk.ConversationID, now)
		if err != nil {
			return err
		}
		if !mode.BotAnswers() {
			return fmt.Errorf("conversation %s is already %s: %w", tk.ConversationID, mode, knowledge.ErrConflict)
		}
		intake, err := json.Marshal(tk.Intake)
		if err != nil {
			return err
		}
		err = t.queryRow(ctx, `INSERT INTO tickets (conversation_id, state, priority, court_code, court, specialty,
			reason, intake, client_id, claimed_by, claimed_at, resolved_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, ?, ?) RETURNING id`,
			tk.ConversationID, tk.State, tk.Priority, tk.CourtCode, tk.Court, tk.Specialty, tk.Reason, string(intake),
			tk.ClientID, now, now).Scan(&tk.ID)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE conversations SET mode = ?, ticket_id = ? WHERE id = ?`,
			conversation.ModeWaiting, tk.ID, tk.ConversationID); err != nil {
			return err
		}
		if err := insertTicketEvent(ctx, t, escalation.TicketEvent{TicketID: tk.ID, At: fromMillis(now), Actor: "企业",
			Action: escalation.ActionCreate, To: escalation.StateWaiting, Reason: string(tk.Reason)}); err != nil {
			return err
		}
		notice.Seq, notice.Mode, notice.TicketID, notice.CreatedAt = seq, conversation.ModeWaiting, tk.ID, fromMillis(now)
		if err := insertMessage(ctx, t, notice, now); err != nil {
			return err
		}
		tk.CreatedAt, tk.UpdatedAt = fromMillis(now), fromMillis(now)
		out.Ticket, out.Notice = tk, notice
		return nil
	})
	if err != nil && s.d.IsUniqueViolation(err) {
		// Either the same escalate frame raced itself (return its ticket) or another one opened a
		// ticket first (the conversation is already in the queue).
		err = s.tx(ctx, func(t *Tx) error {
			got, ok, err := existingMessage(ctx, t, notice)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("conversation %s already has an open ticket: %w", tk.ConversationID, knowledge.ErrConflict)
			}
			return s.duplicateTicket(ctx, t, got, &out)
		})
	}
	return out, err
}

func (s *Store) duplicateTicket(ctx context.Context, t *Tx, notice conversation.Message, out *escalation.Created) error {
	if notice.Kind != conversation.KindSystem || notice.TicketID == 0 {
		return fmt.Errorf("message id %q is already used: %w", notice.ClientID, knowledge.ErrConflict)
	}
	tk, err := scanTicket(t.queryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, notice.TicketID))
	if err != nil {
		return err
	}
	*out = escalation.Created{Ticket: tk, Notice: notice, Duplicate: true}
	return nil
}

// QueuePosition implements escalation.Store: the queue is per court, higher priority first, then
// first come first served. A ticket no longer waiting has position 0.
func (s *Store) QueuePosition(ctx context.Context, ticketID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM tickets q JOIN tickets t ON t.id = ?
		WHERE t.state = ? AND q.state = ? AND q.court_code = t.court_code
		AND (q.priority > t.priority OR (q.priority = t.priority AND q.id <= t.id))`,
		ticketID, escalation.StateWaiting, escalation.StateWaiting).Scan(&n)
	return n, err
}
