package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

const messageCols = `conversation_id, seq, kind, client_id, reply_to, mode, text, intent, data, judge_id, judge_name,
	ticket_id, feedback, created_at, visit_id`

func scanMessage(sc scanner) (conversation.Message, error) {
	var m conversation.Message
	var intent, data string
	var created int64
	err := sc.Scan(&m.ConversationID, &m.Seq, &m.Kind, &m.ClientID, &m.ReplyTo, &m.Mode, &m.Text, &intent, &data,
		&m.JudgeID, &m.Judge, &m.TicketID, &m.Feedback, &created, &m.VisitID)
	if err != nil {
		return m, err
	}
	m.CreatedAt = fromMillis(created)
	if data != "" {
		var res answer.Result
		if err := json.Unmarshal([]byte(data), &res); err != nil {
			return m, fmt.Errorf("message %s/%d: decode answer: %w", m.ConversationID, m.Seq, err)
		}
		m.Answer = &res
	}
	return m, nil
}

func scanConversation(sc scanner) (conversation.Conversation, error) {
	var c conversation.Conversation
	var created, updated int64
	if err := sc.Scan(&c.ID, &c.Mode, &c.LastSeq, &c.TicketID, &created, &updated); err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	return c, nil
}

// GetConversation implements conversation.Store.
func (s *Store) GetConversation(ctx context.Context, id string) (conversation.Conversation, error) {
	c, err := scanConversation(s.queryRow(ctx, `SELECT id, mode, last_seq, ticket_id, created_at, updated_at
		FROM conversations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("conversation %s: %w", id, knowledge.ErrNotFound)
	}
	return c, err
}

// existingMessage finds the message a resend refers to: the one with the same client id, or the
// answer to the same question.
func existingMessage(ctx context.Context, t *Tx, m conversation.Message) (conversation.Message, bool, error) {
	var row *sql.Row
	// The indexes on client_id and reply_to are partial (non-empty values only): the `<> ''` lets
	// the planner use them. Without it SQLite walks every message of the conversation, so each
	// question cost more the longer the conversation was.
	switch {
	case m.ClientID != "":
		row = t.queryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE conversation_id = ? AND client_id = ? AND client_id <> ''`,
			m.ConversationID, m.ClientID)
	case m.ReplyTo != "":
		row = t.queryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE conversation_id = ? AND reply_to = ? AND reply_to <> ''`,
			m.ConversationID, m.ReplyTo)
	default:
		return conversation.Message{}, false, nil
	}
	got, err := scanMessage(row)
	if errors.Is(err, sql.ErrNoRows) {
		return got, false, nil
	}
	return got, err == nil, err
}

func (s *Store) ensureConversation(ctx context.Context, t *Tx, id string, now int64) error {
	_, err := t.exec(ctx, `INSERT INTO conversations (id, mode, last_seq, ticket_id, created_at, updated_at)
		VALUES (?, ?, 0, 0, ?, ?) ON CONFLICT (id) DO NOTHING`, id, conversation.ModeBot, now, now)
	return err
}

// nextSeq takes the conversation's next sequence number. The UPDATE locks the conversation row
// until the transaction ends, so concurrent writers (several replicas on PostgreSQL) queue here and
// numbers stay unique and gap-free: a rolled-back writer gives its number back.
func nextSeq(ctx context.Context, t *Tx, id string, now int64) (int64, conversation.Mode, error) {
	var seq int64
	var mode conversation.Mode
	err := t.queryRow(ctx, `UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ?
		RETURNING last_seq, mode`, now, id).Scan(&seq, &mode)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("conversation %s: %w", id, knowledge.ErrNotFound)
	}
	return seq, mode, err
}

func insertMessage(ctx context.Context, t *Tx, m conversation.Message, now int64) error {
	var intent, data string
	if m.Answer != nil {
		intent = string(m.Answer.Intent)
		b, err := json.Marshal(m.Answer)
		if err != nil {
			return err
		}
		data = string(b)
	}
	_, err := t.exec(ctx, `INSERT INTO messages (conversation_id, seq, kind, client_id, reply_to, mode, text, intent,
		data, judge_id, judge_name, ticket_id, feedback, created_at, visit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		m.ConversationID, m.Seq, m.Kind, m.ClientID, m.ReplyTo, m.Mode, m.Text, intent, data, m.JudgeID, m.Judge,
		m.TicketID, now, m.VisitID)
	return err
}

// AppendMessage implements conversation.Store.
func (s *Store) AppendMessage(ctx context.Context, m conversation.Message, reopen bool) (conversation.Appended, error) {
	var out conversation.Appended
	err := s.tx(ctx, func(t *Tx) error {
		var err error
		out, err = s.appendIn(ctx, t, m, reopen)
		return err
	})
	if err != nil && s.d.IsUniqueViolation(err) {
		// A concurrent writer stored the same client id first (two replicas handling one resend);
		// its message is the one.
		return s.findDuplicate(ctx, m)
	}
	return out, err
}

// AppendExchange implements conversation.Store: the question as AppendMessage with reopen, then,
// in the same transaction, the answer when the question is new and the bot answers in the mode
// the question found.
func (s *Store) AppendExchange(ctx context.Context, q, a conversation.Message) (conversation.Exchange, error) {
	if s.groupExchanges {
		return s.appendExchangeGrouped(ctx, q, a)
	}
	var out conversation.Exchange
	err := s.tx(ctx, func(t *Tx) error {
		var err error
		out, err = s.exchangeIn(ctx, t, q, a)
		return err
	})
	if err != nil && s.d.IsUniqueViolation(err) {
		return s.exchangeResent(ctx, q)
	}
	return out, err
}

// exchangeResent is the outcome of an exchange whose question a concurrent writer stored first:
// a resend, without the answer, as AppendMessage would report it.
func (s *Store) exchangeResent(ctx context.Context, q conversation.Message) (conversation.Exchange, error) {
	ap, err := s.findDuplicate(ctx, q)
	return conversation.Exchange{Question: ap}, err
}

// exchangeIn stores an exchange inside t (AppendExchange).
func (s *Store) exchangeIn(ctx context.Context, t *Tx, q, a conversation.Message) (conversation.Exchange, error) {
	var out conversation.Exchange
	var err error
	if out.Question, err = s.appendIn(ctx, t, q, true); err != nil || out.Question.Duplicate ||
		!out.Question.Message.Mode.BotAnswers() {
		return out, err
	}
	ans, err := s.appendIn(ctx, t, a, false)
	if err != nil {
		return conversation.Exchange{}, err
	}
	out.Answer = &ans
	return out, nil
}

// appendIn stores m with the conversation's next sequence number inside t (AppendMessage).
func (s *Store) appendIn(ctx context.Context, t *Tx, m conversation.Message, reopen bool) (conversation.Appended, error) {
	var out conversation.Appended
	if got, ok, err := existingMessage(ctx, t, m); err != nil || ok {
		out.Message, out.Duplicate = got, ok
		return out, err
	}
	now := s.millis()
	if m.Kind == conversation.KindEnterprise || m.VisitID != 0 {
		// Conversations are created by their first message, not by a page view; a visit
		// request may be the first thing a visitor does.
		if err := s.ensureConversation(ctx, t, m.ConversationID, now); err != nil {
			return out, err
		}
	}
	if reopen {
		res, err := t.exec(ctx, `UPDATE conversations SET mode = ?, ticket_id = 0, updated_at = ?
			WHERE id = ? AND mode = ?`, conversation.ModeBot, now, m.ConversationID, conversation.ModeResolved)
		if err != nil {
			return out, err
		}
		n, _ := res.RowsAffected()
		out.Reopened = n == 1
	}
	seq, mode, err := nextSeq(ctx, t, m.ConversationID, now)
	if err != nil {
		return out, err
	}
	if m.Kind == conversation.KindEnterprise && mode == conversation.ModeWithJudge {
		if err := followUp(ctx, t, m.ConversationID, now); err != nil {
			return out, err
		}
	}
	m.Seq, m.Mode, m.CreatedAt = seq, mode, fromMillis(now)
	if err := insertMessage(ctx, t, m, now); err != nil {
		return out, err
	}
	out.Message = m
	if mode == conversation.ModeWaiting || mode == conversation.ModeWithJudge {
		// The judges told of this message are those who may see the conversation's ticket.
		var owner sql.NullInt64
		err := t.queryRow(ctx, `SELECT t.court_code, t.claimed_by FROM conversations c JOIN tickets t ON t.id = c.ticket_id
			WHERE c.id = ?`, m.ConversationID).Scan(&out.Court, &owner)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return out, err
		}
		out.Owner = owner.Int64
	}
	return out, nil
}

func (s *Store) findDuplicate(ctx context.Context, m conversation.Message) (conversation.Appended, error) {
	var out conversation.Appended
	err := s.tx(ctx, func(t *Tx) error {
		got, ok, err := existingMessage(ctx, t, m)
		if err == nil && !ok {
			err = fmt.Errorf("message %s/%s: %w", m.ConversationID, m.ClientID, knowledge.ErrConflict)
		}
		out = conversation.Appended{Message: got, Duplicate: ok}
		return err
	})
	return out, err
}

// Messages implements conversation.Store.
func (s *Store) Messages(ctx context.Context, conversationID string, after int64, limit int) ([]conversation.Message, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.query(ctx, `SELECT `+messageCols+` FROM messages WHERE conversation_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, conversationID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversation.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// HasReply implements conversation.Store.
func (s *Store) HasReply(ctx context.Context, conversationID, clientID string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND reply_to = ? AND reply_to <> ''`,
		conversationID, clientID).Scan(&n)
	return n > 0, err
}

// SetFeedback implements conversation.Store.
func (s *Store) SetFeedback(ctx context.Context, conversationID string, seq int64, value int) error {
	res, err := s.exec(ctx, `UPDATE messages SET feedback = ? WHERE conversation_id = ? AND seq = ? AND kind = ?`,
		value, conversationID, seq, conversation.KindBot)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("answer %s/%d: %w", conversationID, seq, knowledge.ErrNotFound)
	}
	return nil
}

// LastAnswer implements escalation.Store.
func (s *Store) LastAnswer(ctx context.Context, conversationID string) (conversation.Message, error) {
	m, err := scanMessage(s.queryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE conversation_id = ? AND kind = ?
		ORDER BY seq DESC LIMIT 1`, conversationID, conversation.KindBot))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("answer in %s: %w", conversationID, knowledge.ErrNotFound)
	}
	return m, err
}

// SetConversationMode moves a conversation to mode outside an escalation (the judge console's
// claim and resolve build on it); the ticket link is kept unless the mode is bot.
func (s *Store) SetConversationMode(ctx context.Context, id string, mode conversation.Mode) error {
	if !mode.Valid() {
		return fmt.Errorf("mode %q: %w", mode, knowledge.ErrInvalid)
	}
	q := `UPDATE conversations SET mode = ?, updated_at = ? WHERE id = ?`
	if mode == conversation.ModeBot {
		q = `UPDATE conversations SET mode = ?, ticket_id = 0, updated_at = ? WHERE id = ?`
	}
	res, err := s.exec(ctx, q, mode, s.millis(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("conversation %s: %w", id, knowledge.ErrNotFound)
	}
	return nil
}

// ConversationStatus implements conversation.Store. A conversation with no message yet is in bot
// mode.
func (s *Store) ConversationStatus(ctx context.Context, id string) (conversation.Status, error) {
	st := conversation.Status{Mode: conversation.ModeBot}
	var claimedBy sql.NullInt64
	var judge sql.NullString
	err := s.queryRow(ctx, `SELECT c.mode, c.ticket_id, c.last_seq, t.claimed_by, u.display_name FROM conversations c
		LEFT JOIN tickets t ON t.id = c.ticket_id LEFT JOIN users u ON u.id = t.claimed_by
		WHERE c.id = ?`, id).Scan(&st.Mode, &st.TicketID, &st.LastSeq, &claimedBy, &judge)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Judge = judge.String
	if st.Mode == conversation.ModeWaiting && st.TicketID > 0 {
		if st.Position, err = s.QueuePosition(ctx, st.TicketID); err != nil {
			return st, err
		}
	}
	return st, nil
}
