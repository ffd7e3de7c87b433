package conversation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Store is the persistence the service needs; knowledge/store implements it on every engine.
type Store interface {
	// GetConversation returns knowledge.ErrNotFound for an id that has no message yet.
	GetConversation(ctx context.Context, id string) (Conversation, error)
	// AppendMessage stores m with the conversation's next sequence number in one transaction,
	// creating the conversation on its first message. A message whose ClientID (or, for an answer,
	// ReplyTo) is already stored is not stored again: the stored one comes back with Duplicate set.
	// With reopen, a resolved conversation returns to bot mode in the same transaction.
	AppendMessage(ctx context.Context, m Message, reopen bool) (Appended, error)
	// AppendExchange stores question q (as AppendMessage with reopen) and, in the same
	// transaction, its answer a when q is new and the bot answers in the mode q found. Answer is
	// nil when a was not stored.
	AppendExchange(ctx context.Context, q, a Message) (Exchange, error)
	// Messages lists messages with Seq > after in order, at most limit of them.
	Messages(ctx context.Context, conversationID string, after int64, limit int) ([]Message, error)
	// HasReply reports whether a bot answer to the client message id is stored.
	HasReply(ctx context.Context, conversationID, clientID string) (bool, error)
	// SetFeedback records feedback on the bot answer at seq; knowledge.ErrNotFound if there is none.
	SetFeedback(ctx context.Context, conversationID string, seq int64, value int) error
	// ConversationStatus is the mode with the open ticket's queue position and judge.
	ConversationStatus(ctx context.Context, id string) (Status, error)
}

// Appended is what AppendMessage did.
type Appended struct {
	Message   Message
	Duplicate bool
	Reopened  bool
	// Court and Owner are the court code and judge of the open ticket the message went to, if any.
	Court string
	Owner int64
}

// Learner collects candidate phrasings from use for an admin to review (library.Library
// implements it). It never changes an article by itself.
type Learner interface {
	ProposePhrasing(ctx context.Context, slug, text string, src knowledge.CandidateSource, ref string) error
}

// NopLearner learns nothing.
type NopLearner struct{}

// ProposePhrasing implements Learner.
func (NopLearner) ProposePhrasing(context.Context, string, string, knowledge.CandidateSource, string) error {
	return nil
}

// Asker answers a question; answer.Engine implements it.
type Asker interface {
	Ask(ctx context.Context, question string) (answer.Result, error)
	// Choose answers question with the article the user picked from a clarification.
	Choose(ctx context.Context, question, slug string) (answer.Result, error)
}

// Service runs conversations. It is safe for concurrent use and keeps no per-conversation state in
// memory, so any replica can serve any conversation.
type Service struct {
	learn  Learner
	st     Store
	asker  Asker
	notify Notifier
	tokens *Tokens
}

// New builds the service.
func New(st Store, asker Asker, notify Notifier, tokens *Tokens, learn Learner) *Service {
	if notify == nil {
		notify = NopNotifier{}
	}
	if learn == nil {
		learn = NopLearner{}
	}
	return &Service{st: st, asker: asker, notify: notify, tokens: tokens, learn: learn}
}

// Opened is the conversation a connection works on.
type Opened struct {
	Conversation Conversation
	// Token is a freshly signed token for the conversation; the client replaces its stored one.
	Token string
	// Refused is set when the presented token was forged, expired or unknown; a fresh conversation
	// was started instead. It matches knowledge.ErrUnauthorized.
	Refused error
	// New is set for a fresh conversation: nothing is stored under its id, and nobody else can
	// know the id before the caller hands out Token.
	New bool
}

// Open reopens the conversation of a visitor token, or starts a fresh one when token is empty or
// refused. A fresh conversation is only an id and a token until its first message, so page views
// by crawlers cost no database writes.
func (s *Service) Open(ctx context.Context, token string) (Opened, error) {
	var refused error
	if token != "" {
		id, err := s.tokens.Verify(token)
		if err == nil {
			c, err := s.st.GetConversation(ctx, id)
			switch {
			case err == nil:
				return Opened{Conversation: c, Token: s.tokens.Issue(id)}, nil
			case errors.Is(err, knowledge.ErrNotFound):
				// A valid token for a conversation with no message yet: still the same visitor.
				return Opened{Conversation: Conversation{ID: id, Mode: ModeBot}, Token: s.tokens.Issue(id)}, nil
			default:
				return Opened{}, err
			}
		}
		refused = err
	}
	id, err := NewID()
	if err != nil {
		return Opened{}, err
	}
	return Opened{Conversation: Conversation{ID: id, Mode: ModeBot}, Token: s.tokens.Issue(id), Refused: refused, New: true}, nil
}

// NewID returns a random conversation id.
func NewID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("conversation id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// MaxClientIDLen bounds a client message id.
const MaxClientIDLen = 64

// ValidateClientID checks a client message id: 1–64 characters of letters, digits, '-', '_', '.'
// or ':', which covers UUIDs and counters and keeps ids safe to log.
func ValidateClientID(id string) error {
	ok := id != "" && len(id) <= MaxClientIDLen
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.:", c) >= 0
	}
	if !ok {
		v := &knowledge.ValidationError{}
		v.Add("", "id", "消息编号须为 1–%d 位字母、数字或 -_.:", MaxClientIDLen)
		return v
	}
	return nil
}

// Posted is the result of Post.
type Posted struct {
	Message   Message
	Duplicate bool
	// NeedsAnswer is true when the bot should answer this message and has not yet.
	NeedsAnswer bool
}

// Post stores an enterprise message. It is idempotent on clientID: a resend returns the stored
// message. NeedsAnswer tells the caller that the bot owes an answer (Ask and Choose use it).
func (s *Service) Post(ctx context.Context, conversationID, clientID, text string) (Posted, error) {
	if err := ValidateClientID(clientID); err != nil {
		return Posted{}, err
	}
	if err := answer.ValidateQuestion(text); err != nil {
		return Posted{}, err
	}
	ap, err := s.st.AppendMessage(ctx, Message{ConversationID: conversationID, Kind: KindEnterprise,
		ClientID: clientID, Text: text}, true)
	if err != nil {
		return Posted{}, err
	}
	p := Posted{Message: ap.Message, Duplicate: ap.Duplicate}
	if ap.Message.Kind != KindEnterprise {
		return Posted{}, fmt.Errorf("message id %q is already used by another kind of message: %w", clientID, knowledge.ErrConflict)
	}
	if !ap.Duplicate {
		s.notify.Notify(ctx, Event{Kind: EventMessages, ConversationID: conversationID, Seq: ap.Message.Seq, Court: ap.Court, Owner: ap.Owner,
			Messages: []Message{ap.Message}})
	}
	if ap.Reopened {
		s.notify.Notify(ctx, Event{Kind: EventStatus, ConversationID: conversationID})
	}
	if ap.Message.Mode.BotAnswers() {
		if p.NeedsAnswer, err = s.unanswered(ctx, p); err != nil {
			return Posted{}, err
		}
	}
	return p, nil
}

// unanswered reports whether the bot still owes p an answer: always for a new question, and for
// a resend only when no answer to it was stored.
func (s *Service) unanswered(ctx context.Context, p Posted) (bool, error) {
	if !p.Duplicate {
		return true, nil
	}
	has, err := s.st.HasReply(ctx, p.Message.ConversationID, p.Message.ClientID)
	return !has, err
}

// Choose answers a clarification: the user picked slug among the options offered for question.
// The pick is stored as the enterprise's message (我想了解：《title》) and acknowledged through
// the returned Posted like any question; the answer follows with AnswerChoice.
func (s *Service) Choose(ctx context.Context, conversationID, clientID, question, slug string) (Posted, answer.Result, error) {
	res, err := s.asker.Choose(ctx, question, slug)
	if err != nil {
		return Posted{}, res, err
	}
	p, err := s.Post(ctx, conversationID, clientID, "我想了解：《"+res.Sources[0].Title+"》")
	if err != nil || p.Duplicate {
		return p, res, err
	}
	// The user said which article their wording meant: a candidate phrasing for it.
	return p, res, s.learn.ProposePhrasing(ctx, slug, question, knowledge.SourceClarify, conversationID)
}

// AnswerChoice stores the answer to a chosen clarification option.
func (s *Service) AnswerChoice(ctx context.Context, q Message, res answer.Result) (Message, error) {
	return s.store(ctx, q, res)
}

func (s *Service) store(ctx context.Context, q Message, res answer.Result) (Message, error) {
	res.Terms, res.Normalized = nil, "" // the explanation is for the admin test console only
	ap, err := s.st.AppendMessage(ctx, Message{ConversationID: q.ConversationID, Kind: KindBot, ReplyTo: q.ClientID,
		Text: res.Answer, Answer: &res}, false)
	if err != nil {
		return Message{}, err
	}
	if !ap.Duplicate {
		s.notify.Notify(ctx, Event{Kind: EventMessages, ConversationID: q.ConversationID, Seq: ap.Message.Seq, Court: ap.Court, Owner: ap.Owner,
			Messages: []Message{ap.Message}})
	}
	return ap.Message, nil
}

// Feedback records whether a bot answer helped.
func (s *Service) Feedback(ctx context.Context, conversationID string, seq int64, helpful bool) error {
	if seq <= 0 {
		v := &knowledge.ValidationError{}
		v.Add("", "seq", "须为回答的序号")
		return v
	}
	val := FeedbackUnhelpful
	if helpful {
		val = FeedbackHelpful
	}
	if err := s.st.SetFeedback(ctx, conversationID, seq, val); err != nil || !helpful {
		return err
	}
	return s.learnFromHelpful(ctx, conversationID, seq)
}

// learnFromHelpful proposes the question of a helpful answer as a phrasing of the article that
// answered it.
func (s *Service) learnFromHelpful(ctx context.Context, conversationID string, seq int64) error {
	const window = 20 // the question is stored just before its answer; a few messages may interleave
	msgs, err := s.st.Messages(ctx, conversationID, max(0, seq-window), window)
	if err != nil {
		return err
	}
	var ans *Message
	for i := range msgs {
		if msgs[i].Seq == seq {
			ans = &msgs[i]
		}
	}
	if ans == nil || ans.Kind != KindBot || ans.Answer == nil || ans.Answer.Intent != answer.IntentAnswer ||
		len(ans.Answer.Sources) == 0 || ans.ReplyTo == "" {
		return nil
	}
	for _, m := range msgs {
		if m.Kind == KindEnterprise && m.ClientID == ans.ReplyTo {
			return s.learn.ProposePhrasing(ctx, ans.Answer.Sources[0].Slug, m.Text, knowledge.SourceHelpful, conversationID)
		}
	}
	return nil
}

// Since lists the messages after seq, at most limit.
func (s *Service) Since(ctx context.Context, conversationID string, after int64, limit int) ([]Message, error) {
	return s.st.Messages(ctx, conversationID, after, limit)
}

// Status is the conversation's mode and escalation state.
func (s *Service) Status(ctx context.Context, conversationID string) (Status, error) {
	return s.st.ConversationStatus(ctx, conversationID)
}

// MaxJudgeMessageLen bounds a judge's message, in characters.
const MaxJudgeMessageLen = 5000

// PostJudgeMessage stores a judge's message and announces it. The judge console (next issue)
// calls it; it is here because the enterprise side must deliver it live and never lose it.
func (s *Service) PostJudgeMessage(ctx context.Context, conversationID string, judgeID int64, judge, text string) (Message, error) {
	if n := utf8.RuneCountInString(text); !utf8.ValidString(text) || strings.TrimSpace(text) == "" || n > MaxJudgeMessageLen {
		v := &knowledge.ValidationError{}
		v.Add("", "text", "须为 1–%d 个字的有效文本", MaxJudgeMessageLen)
		return Message{}, v
	}
	ap, err := s.st.AppendMessage(ctx, Message{ConversationID: conversationID, Kind: KindJudge, JudgeID: judgeID,
		Judge: judge, Text: text}, false)
	if err != nil {
		return Message{}, err
	}
	s.notify.Notify(ctx, Event{Kind: EventMessages, ConversationID: conversationID, Seq: ap.Message.Seq, Court: ap.Court, Owner: ap.Owner,
		Messages: []Message{ap.Message}})
	return ap.Message, nil
}

// PostVisitNotice stores a system notice about a 法官进企业 request and announces it, so the
// requester sees every step live and again when they come back (visit.Service calls it). The
// conversation is created if the request was the visitor's first act.
func (s *Service) PostVisitNotice(ctx context.Context, conversationID string, visitID int64, text string) error {
	ap, err := s.st.AppendMessage(ctx, Message{ConversationID: conversationID, Kind: KindSystem, VisitID: visitID,
		Text: text}, false)
	if err != nil {
		return err
	}
	s.notify.Notify(ctx, Event{Kind: EventMessages, ConversationID: conversationID, Seq: ap.Message.Seq, Messages: []Message{ap.Message}})
	return nil
}
