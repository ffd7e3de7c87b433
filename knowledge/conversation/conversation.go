// Package conversation holds the enterprise chat's domain: conversations and their modes, messages
// numbered per conversation, idempotent client message ids, resume after a reconnect and the signed
// visitor token. It stores through the Store interface, answers through Asker and announces changes
// through Notifier, so it runs the same over SQLite or PostgreSQL, one replica or many, and never
// sees HTTP or WebSockets.
package conversation

import (
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Mode says who answers a conversation.
type Mode string

// Modes. A conversation starts in bot mode; an escalation puts it in the judge queue (waiting), a
// judge's claim makes it with_judge and the judge's resolution makes it resolved, after which the
// next enterprise message returns it to bot.
const (
	ModeBot       Mode = "bot"
	ModeWaiting   Mode = "waiting"
	ModeWithJudge Mode = "with_judge"
	ModeResolved  Mode = "resolved"
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool {
	switch m {
	case ModeBot, ModeWaiting, ModeWithJudge, ModeResolved:
		return true
	}
	return false
}

// BotAnswers reports whether the engine answers new questions in this mode. Resolved counts as bot:
// the next question reopens the conversation to the engine.
func (m Mode) BotAnswers() bool { return m == ModeBot || m == ModeResolved }

// Conversation is one enterprise visitor's chat.
type Conversation struct {
	ID        string    `json:"id"`
	Mode      Mode      `json:"mode"`
	LastSeq   int64     `json:"last_seq"`
	TicketID  int64     `json:"ticket_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Kind is who wrote a message.
type Kind string

// Message kinds.
const (
	KindEnterprise Kind = "enterprise"
	KindBot        Kind = "bot"
	KindSystem     Kind = "system"
	KindJudge      Kind = "judge"
)

// Feedback on a bot answer.
const (
	FeedbackNone      = 0
	FeedbackHelpful   = 1
	FeedbackUnhelpful = -1
)

// Message is one stored entry of a conversation. Seq is gap-free and unique within the
// conversation; it is assigned by the store in the same transaction that writes the message.
type Message struct {
	ConversationID string
	Seq            int64
	Kind           Kind
	// ClientID is the id the client gave an enterprise message (or an escalation request), so that
	// a resend is recognised; empty for server-made messages.
	ClientID string
	// ReplyTo is the client id of the question a bot answer answers.
	ReplyTo string
	// Mode is the conversation's mode when the message was stored: it records whether an
	// enterprise message went to the bot or to the judge.
	Mode     Mode
	Text     string
	Answer   *answer.Result // bot answers only
	JudgeID  int64
	Judge    string // judge display name, judge messages only
	Feedback int
	// TicketID links a system notice about an escalation to its ticket.
	TicketID int64
	// VisitID links a system notice about a 法官进企业 request to the request.
	VisitID   int64
	CreatedAt time.Time
}

// Status is what the enterprise sees of the escalation: the mode, the queue position while
// waiting and the judge's display name once claimed.
type Status struct {
	Mode     Mode   `json:"mode"`
	TicketID int64  `json:"ticket_id,omitempty"`
	Position int    `json:"position,omitempty"`
	Judge    string `json:"judge,omitempty"`
	// LastSeq is the conversation's highest sequence number, so that a client claiming to have
	// seen more (a wiped database, a token from elsewhere) can be brought back in step.
	LastSeq int64 `json:"last_seq"`
}
