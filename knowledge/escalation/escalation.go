// Package escalation is the way from the bot to a judge: the intake form and its checks (the
// 统一社会信用代码 check character, the mobile number, the court chosen by city), the 生产经营影响
// facts of enforcement matters and the priority they set, and the ticket, created in one
// transaction with the conversation's move into the judge queue. Claiming, answering and
// resolving tickets belong to the judge console and extend the Ticket states defined here.
package escalation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// State is a ticket's place in its lifecycle. Issue 4 creates tickets in the queue; the judge
// console adds the states after it (claimed, resolved …) without changing the table.
type State string

// Ticket states.
const (
	StateWaiting State = "waiting"
)

// Ticket is an escalated conversation in a court's judge queue.
type Ticket struct {
	ID             int64              `json:"id"`
	ConversationID string             `json:"conversation_id"`
	State          State              `json:"state"`
	Priority       Priority           `json:"priority"`
	CourtCode      string             `json:"court_code"`
	Court          string             `json:"court"`
	Specialty      knowledge.Category `json:"specialty"` // the question's category, for routing
	Reason         answer.Reason      `json:"reason"`
	Intake         Form               `json:"intake"`
	ClientID       string             `json:"client_id"` // the escalate frame's id, for idempotent resends
	CreatedAt      time.Time          `json:"created_at"`
	UpdatedAt      time.Time          `json:"updated_at"`
	ClaimedBy      int64              `json:"claimed_by,omitempty"`
	ClaimedAt      time.Time          `json:"claimed_at,omitzero"`
	ResolvedAt     time.Time          `json:"resolved_at,omitzero"`
	// FirstResponseAt is the judge's first reply; response-time targets stop there.
	FirstResponseAt time.Time `json:"first_response_at,omitzero"`
	// LastReplyAt is the judge's latest reply; a claim with none since it was made can lapse.
	LastReplyAt time.Time `json:"last_reply_at,omitzero"`
	// SourceAddr is the keyed hash of the client address the escalation came from, SourceNet that
	// address truncated to its network (see Sources). Admins see them; judges do not.
	SourceAddr string `json:"-"`
	SourceNet  string `json:"-"`
}

// Store is the persistence escalation needs; knowledge/store implements it.
type Store interface {
	// LastAnswer is the conversation's latest bot answer; knowledge.ErrNotFound when there is none.
	LastAnswer(ctx context.Context, conversationID string) (conversation.Message, error)
	// CreateTicket inserts the ticket, moves the conversation to waiting and appends the notice,
	// all in one transaction. A conversation already waiting or with a judge gives
	// knowledge.ErrConflict. A resent ClientID returns the ticket it created, with Duplicate set.
	// Each quota is checked in the same transaction, under a lock on its key; one that is full
	// refuses with a *LimitError. A resend of the same frame is no new escalation and is not
	// counted.
	CreateTicket(ctx context.Context, t Ticket, notice conversation.Message, quotas ...Quota) (Created, error)
	// HasQuestion reports whether the conversation holds an enterprise message.
	HasQuestion(ctx context.Context, conversationID string) (bool, error)
	// QueuePosition is the 1-based place of a waiting ticket in its court's queue.
	QueuePosition(ctx context.Context, ticketID int64) (int, error)
}

// Created is what CreateTicket did.
type Created struct {
	Ticket    Ticket
	Notice    conversation.Message
	Duplicate bool
}

// Service creates tickets.
type Service struct {
	st      Store
	courts  *Courts
	notify  conversation.Notifier
	now     func() time.Time
	search  answer.Searcher // finds the category of a question the enterprise did not classify
	limits  Limits
	sources *Sources
}

// New builds the service. now may be nil for time.Now.
func New(st Store, courts *Courts, notify conversation.Notifier, now func() time.Time) *Service {
	if notify == nil {
		notify = conversation.NopNotifier{}
	}
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, courts: courts, notify: notify, now: now, limits: DefaultLimits(), sources: NewSources(nil)}
}

// SetLimits sets the escalation limits and the secret that keys the stored address hashes.
func (s *Service) SetLimits(l Limits, secret []byte) {
	s.limits, s.sources = l, NewSources(secret)
}

// SetSearcher attaches the search that classifies questions once the index exists.
func (s *Service) SetSearcher(sr answer.Searcher) { s.search = sr }

// categoryHits is how many articles vote on a question's category.
const categoryHits = 5

// questionCategory is the category of the knowledge base that best fits the escalated question:
// the one whose articles among the question's best hits score highest together. It is the
// question's own category, not that of the article the bot answered with before, which may be
// about something else entirely.
func (s *Service) questionCategory(ctx context.Context, question string) (knowledge.Category, error) {
	if s.search == nil {
		return "", nil
	}
	res, err := s.search.Search(ctx, question, categoryHits)
	if err != nil || len(res.Hits) == 0 {
		return "", err
	}
	best, sum := res.Hits[0].Article.Category, map[knowledge.Category]float64{}
	for _, h := range res.Hits {
		sum[h.Article.Category] += h.Score
		if sum[h.Article.Category] > sum[best] {
			best = h.Article.Category
		}
	}
	return best, nil
}

// Courts is the configured list, for the form's city choice.
func (s *Service) Courts() []Court { return s.courts.List() }

// Escalated is the result of Escalate.
type Escalated struct {
	Ticket    Ticket
	Notice    conversation.Message
	Position  int
	Duplicate bool
}

// Escalate validates the form and puts the conversation in its court's queue. The reason comes
// from the conversation's latest answer unless the form names one; the specialty is the category
// the enterprise chose, else the one the search finds for the question.
//
// A conversation without a question cannot escalate (ErrQuestionFirst), and the limits apply per
// conversation (visitor token) and per source address (*LimitError).
func (s *Service) Escalate(ctx context.Context, conversationID, clientID string, f Form, src Source) (Escalated, error) {
	if err := conversation.ValidateClientID(clientID); err != nil {
		return Escalated{}, err
	}
	asked, err := s.st.HasQuestion(ctx, conversationID)
	if err != nil {
		return Escalated{}, err
	}
	if !asked {
		return Escalated{}, ErrQuestionFirst
	}
	last, err := s.st.LastAnswer(ctx, conversationID)
	switch {
	case err == nil && last.Answer != nil:
		if f.Reason == "" && last.Answer.Escalation.Suggested {
			f.Reason = last.Answer.Escalation.Reason
		}
	case err != nil && !errors.Is(err, knowledge.ErrNotFound):
		return Escalated{}, err
	}
	if f.Reason == "" {
		f.Reason = answer.ReasonExplicit
	}
	f.Normalize()
	// Only the enterprise's own choice makes the impact facts required: a category guessed from the
	// search must not ask for facts the form did not show.
	if err := f.Validate(s.courts, f.Category); err != nil {
		return Escalated{}, err
	}
	specialty := f.Category
	if specialty == "" {
		if specialty, err = s.questionCategory(ctx, f.Question); err != nil {
			return Escalated{}, err
		}
	}
	court, _ := s.courts.Lookup(f.City)
	now := s.now()
	t := Ticket{ConversationID: conversationID, State: StateWaiting, Priority: f.Priority(specialty, now),
		CourtCode: court.Code, Court: court.Court, Specialty: specialty, Reason: f.Reason, Intake: f,
		ClientID: clientID, SourceAddr: s.sources.Hash(src.Addr), SourceNet: Network(src.Addr)}
	var quotas []Quota
	if l := s.limits; l.PerToken > 0 {
		quotas = append(quotas, Quota{Kind: QuotaToken, Key: conversationID, Max: l.PerToken, Since: now.Add(-l.TokenWindow), Window: l.TokenWindow})
	}
	if l := s.limits; l.PerAddress > 0 && t.SourceAddr != "" {
		quotas = append(quotas, Quota{Kind: QuotaAddress, Key: t.SourceAddr, Max: l.PerAddress, Since: now.Add(-l.AddressWindow), Window: l.AddressWindow})
	}
	notice := conversation.Message{ConversationID: conversationID, Kind: conversation.KindSystem, ClientID: clientID,
		Text: fmt.Sprintf("您的问题已转交%s，正在排队等待法官接手。法官接手前，您在这里的留言都会一并转给法官。", court.Court)}
	c, err := s.st.CreateTicket(ctx, t, notice, quotas...)
	if err != nil {
		return Escalated{}, err
	}
	pos, err := s.st.QueuePosition(ctx, c.Ticket.ID)
	if err != nil {
		return Escalated{}, err
	}
	if !c.Duplicate {
		court := c.Ticket.CourtCode
		s.notify.Notify(ctx, conversation.Event{Kind: conversation.EventMessages, ConversationID: conversationID, Seq: c.Notice.Seq, Court: court})
		s.notify.Notify(ctx, conversation.Event{Kind: conversation.EventStatus, ConversationID: conversationID, Court: court})
		s.notify.Notify(ctx, conversation.Event{Kind: conversation.EventQueue, Court: court})
	}
	return Escalated{Ticket: c.Ticket, Notice: c.Notice, Position: pos, Duplicate: c.Duplicate}, nil
}
