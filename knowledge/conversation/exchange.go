package conversation

import (
	"context"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Exchange is what AppendExchange stored: the question, and its answer when the bot answered in
// the same transaction.
type Exchange struct {
	Question Appended
	Answer   *Appended
}

// Ask answers a question and stores the question with its answer in one transaction: one write
// per question instead of two (one for the question before the engine runs, one for the answer
// after). The engine therefore runs before anything is stored, and ack is called after the
// commit, before anyone is told of the new messages: the question is still acknowledged only
// once it is stored, and the acknowledgement still precedes the answer.
//
// When the exchange cannot be stored whole (a resend of a stored question, a conversation a judge
// handles, an engine error) the question is stored and acknowledged as by Post and the answer, if
// the bot owes one, is stored after, as by Answer. The returned message is the stored answer, or
// a zero Message when there is none.
func (s *Service) Ask(ctx context.Context, conversationID, clientID, text string, ack func(Posted)) (Message, error) {
	if err := ValidateClientID(clientID); err != nil {
		return Message{}, err
	}
	if err := answer.ValidateQuestion(text); err != nil {
		return Message{}, err
	}
	res, engineErr := s.asker.Ask(ctx, text)
	if engineErr != nil {
		// The question must not be lost to the engine's failure: stored and acknowledged alone.
		p, err := s.Post(ctx, conversationID, clientID, text)
		if err != nil {
			return Message{}, err
		}
		ack(p)
		if !p.NeedsAnswer {
			return Message{}, nil
		}
		return Message{}, fmt.Errorf("answer: %w", engineErr)
	}
	res.Terms, res.Normalized = nil, "" // the explanation is for the admin test console only
	q := Message{ConversationID: conversationID, Kind: KindEnterprise, ClientID: clientID, Text: text}
	ex, err := s.st.AppendExchange(ctx, q, Message{ConversationID: conversationID, Kind: KindBot, ReplyTo: clientID,
		Text: res.Answer, Answer: &res})
	if err != nil {
		return Message{}, err
	}
	qa := ex.Question
	if qa.Message.Kind != KindEnterprise {
		return Message{}, fmt.Errorf("message id %q is already used by another kind of message: %w", clientID, knowledge.ErrConflict)
	}
	p := Posted{Message: qa.Message, Duplicate: qa.Duplicate}
	if ex.Answer == nil && qa.Message.Mode.BotAnswers() {
		if p.NeedsAnswer, err = s.unanswered(ctx, p); err != nil {
			return Message{}, err
		}
	}
	ack(p)
	if !qa.Duplicate {
		// One event for both messages: a connection reads everything past its cursor.
		ev := Event{Kind: EventMessages, ConversationID: conversationID, Seq: qa.Message.Seq, Court: qa.Court, Owner: qa.Owner,
			Messages: []Message{qa.Message}}
		if ex.Answer != nil {
			ev.Seq, ev.Messages = ex.Answer.Message.Seq, append(ev.Messages, ex.Answer.Message)
		}
		s.notify.Notify(ctx, ev)
	}
	if qa.Reopened {
		s.notify.Notify(ctx, Event{Kind: EventStatus, ConversationID: conversationID})
	}
	switch {
	case ex.Answer != nil:
		return ex.Answer.Message, nil
	case p.NeedsAnswer:
		return s.store(ctx, p.Message, res)
	}
	return Message{}, nil
}
