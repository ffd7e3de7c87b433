package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

const ticketCols = `id, conversation_id, state, priority, court_code, court, specialty, reason, intake, client_id,
	claimed_by, claimed_at, resolved_at, created_at, updated_at, first_response_at, last_reply_at, source_addr, source_net`

func scanTicket(sc scanner) (escalation.Ticket, error) {
	var t escalation.Ticket
	var intake string
	var claimedBy sql.NullInt64
	var claimed, resolved, created, updated, firstResp, lastReply int64
	err := sc.Scan(&t.ID, &t.ConversationID, &t.State, &t.Priority, &t.CourtCode, &t.Court, &t.Specialty, &t.Reason,
		&intake, &t.ClientID, &claimedBy, &claimed, &resolved, &created, &updated, &firstResp, &lastReply, &t.SourceAddr, &t.SourceNet)
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
func (s *Store) CreateTicket(ctx context.Context, tk escalation.Ticket, notice conversation.Message, quotas ...escalation.Quota) (escalation.Created, error) {
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
		for _, q := range quotas {
			if err := checkQuota(ctx, t, q, now); err != nil {
				return err
			}
		}
		intake, err := json.Marshal(tk.Intake)
		if err != nil {
			return err
		}
		err = t.queryRow(ctx, `INSERT INTO tickets (conversation_id, state, priority, court_code, court, specialty,
			reason, intake, client_id, claimed_by, claimed_at, resolved_at, created_at, updated_at, source_addr, source_net)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, ?, ?, ?, ?) RETURNING id`,
			tk.ConversationID, tk.State, tk.Priority, tk.CourtCode, tk.Court, tk.Specialty, tk.Reason, string(intake),
			tk.ClientID, now, now, tk.SourceAddr, tk.SourceNet).Scan(&tk.ID)
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

// checkQuota refuses the escalation when the quota's key already has Max tickets in its window.
// Updating the key's lock row first makes escalations of one key wait for each other: on
// PostgreSQL the row lock lasts until commit and the count that follows sees what the previous
// holder committed; SQLite's single writer serialises anyway.
func checkQuota(ctx context.Context, t *Tx, q escalation.Quota, now int64) error {
	if q.Max <= 0 {
		return nil
	}
	var col string
	switch q.Kind {
	case escalation.QuotaToken:
		col = "conversation_id"
	case escalation.QuotaAddress:
		col = "source_addr"
	default:
		return fmt.Errorf("quota kind %q: %w", q.Kind, knowledge.ErrInvalid)
	}
	key := string(q.Kind) + ":" + q.Key
	if _, err := t.exec(ctx, `INSERT INTO escalation_locks (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, now); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE escalation_locks SET at = ? WHERE key = ?`, now, key); err != nil {
		return err
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE `+col+` = ? AND created_at >= ?`,
		q.Key, q.Since.UnixMilli()).Scan(&n); err != nil {
		return err
	}
	if n >= q.Max {
		return &escalation.LimitError{Kind: q.Kind, Max: q.Max, Window: q.Window}
	}
	return nil
}

// HasQuestion implements escalation.Store.
func (s *Store) HasQuestion(ctx context.Context, conversationID string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id = ? AND kind = ? LIMIT 1) q`,
		conversationID, conversation.KindEnterprise).Scan(&n)
	return n > 0, err
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

// ListBySource implements escalation.SourceStore: one source's tickets, newest first.
func (s *Store) ListBySource(ctx context.Context, f escalation.SourceFilter) ([]escalation.Ticket, error) {
	q, args := `SELECT `+ticketCols+` FROM tickets WHERE `, []any{}
	if f.Addr != "" {
		q, args = q+`source_addr = ?`, append(args, f.Addr)
	} else {
		q, args = q+`conversation_id = ?`, append(args, f.Conversation)
	}
	if f.OpenOnly {
		q, args = q+` AND state <> ?`, append(args, escalation.StateResolved)
	}
	rows, err := s.query(ctx, q+` ORDER BY id DESC LIMIT 1000`, args...)
	return collect(rows, err, scanTicket)
}

// SourceCounts implements escalation.SourceStore: the addresses with the most tickets since since.
func (s *Store) SourceCounts(ctx context.Context, since time.Time, limit int) ([]escalation.SourceCount, error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT source_addr, MAX(source_net), COUNT(*),
		SUM(CASE WHEN state <> ? THEN 1 ELSE 0 END), MAX(created_at) FROM tickets
		WHERE created_at >= ? AND source_addr <> '' GROUP BY source_addr ORDER BY COUNT(*) DESC, MAX(created_at) DESC LIMIT %d`, limit),
		escalation.StateResolved, since.UnixMilli())
	return collect(rows, err, func(sc scanner) (escalation.SourceCount, error) {
		var c escalation.SourceCount
		var last int64
		err := sc.Scan(&c.Addr, &c.Network, &c.Count, &c.Open, &last)
		c.Last = fromMillis(last)
		return c, err
	})
}
