// Package notice tells an enterprise that has left the chat page what happened to its question: a
// judge claimed it, replied, resolved it, or a visit was confirmed. Nothing is sent without the
// enterprise's consent on a contact it proved it owns (a one-time code), the code requests are
// limited per contact, visitor token and address, and every notice goes through a durable outbox
// in the store so that a restart or several replicas send each one once.
//
// The package knows no SQL, HTTP or provider protocol: it declares Store and Provider.
package notice

import (
	"errors"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Channel is how the enterprise wants to be told.
type Channel string

// Channels.
const (
	ChannelNone  Channel = "none"
	ChannelSMS   Channel = "sms"
	ChannelEmail Channel = "email"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == ChannelNone || c == ChannelSMS || c == ChannelEmail }

// Event is what happened, as the notice names it.
type Event string

// Events that are notified.
const (
	EventClaimed        Event = "claimed"
	EventReplied        Event = "replied"
	EventResolved       Event = "resolved"
	EventVisitConfirmed Event = "visit_confirmed"
)

// Label is the Chinese wording of the event in the notice.
func (e Event) Label() string {
	switch e {
	case EventClaimed:
		return "法官已接手您的咨询"
	case EventReplied:
		return "法官已答复您的咨询"
	case EventResolved:
		return "您的咨询已办结"
	case EventVisitConfirmed:
		return "您申请的法官进企业走访已确认"
	}
	return "您的咨询有新进展"
}

// EventForAction maps a ticket action (escalation.Action*) to the notified event; ok is false
// for actions the enterprise is not told about by notice (return, transfer, note).
func EventForAction(action string) (Event, bool) {
	switch action {
	case "claim":
		return EventClaimed, true
	case "reply":
		return EventReplied, true
	case "resolve":
		return EventResolved, true
	}
	return "", false
}

// Purpose is the statement shown where the enterprise opts in. Consent must be informed, voluntary
// and explicit (个人信息保护法第十四条), and the processor must state purpose, manner and retention
// before processing (第十七条).
const Purpose = "根据《中华人民共和国个人信息保护法》第十四条、第十七条，我们告知您：您填写的手机号码或电子邮箱" +
	"仅用于在法官接手、答复、办结您的咨询或确认走访时向您发送提醒（不含答复内容），" +
	"需先以验证码确认归您所有；您可随时在本页撤回同意，撤回后不再发送，联系方式随咨询记录按保存期限删除。"

// Consent is the enterprise's choice for one conversation.
type Consent struct {
	ConversationID string
	Channel        Channel
	Contact        string // mobile number or e-mail address; "" with ChannelNone
	Verified       bool   // the contact was confirmed with a one-time code
	UpdatedAt      time.Time
}

// Active reports whether notices may be sent under this consent.
func (c Consent) Active() bool {
	return c.Verified && c.Contact != "" && (c.Channel == ChannelSMS || c.Channel == ChannelEmail)
}

// JobState is a notice's place in the outbox.
type JobState string

// Job states: queued → sending → sent, or back to queued with a later not-before after a failed
// attempt, and failed after the last attempt.
const (
	JobQueued  JobState = "queued"
	JobSending JobState = "sending"
	JobSent    JobState = "sent"
	JobFailed  JobState = "failed"
	// JobCancelled: consent was withdrawn before the notice went out.
	JobCancelled JobState = "cancelled"
)

// Job is one notice in the outbox.
type Job struct {
	ID             int64
	ConversationID string
	Channel        Channel
	Contact        string
	Event          Event
	Court          string // the court's name, for 【court】
	State          JobState
	Attempts       int
	NotBefore      time.Time
	LastError      string
	CreatedAt      time.Time
	SentAt         time.Time
}

// Finish is the outcome of one claimed notice.
type Finish struct {
	State     JobState  // JobSent, JobFailed, or JobQueued to try again
	NotBefore time.Time // with JobQueued: not before then
	LastError string
	// Refund gives back the attempt the claim counted (the notice was held for quiet hours, not tried).
	Refund bool
}

// Status is what the judge console shows of a conversation's notices.
type Status string

// Statuses.
const (
	StatusNone    Status = "not_consented"
	StatusPending Status = "pending" // consented and verified, nothing sent yet, or a notice waits
	StatusSent    Status = "sent"
	StatusFailed  Status = "failed"
)

// Sentinel errors.
var (
	ErrNoCode          = fmt.Errorf("no verification code was requested: %w", knowledge.ErrInvalid)
	ErrCodeExpired     = fmt.Errorf("the verification code has expired: %w", knowledge.ErrInvalid)
	ErrTooManyAttempts = fmt.Errorf("too many wrong codes: %w", knowledge.ErrRateLimited)
	ErrWrongCode       = fmt.Errorf("wrong verification code: %w", knowledge.ErrInvalid)
	ErrBadContact      = fmt.Errorf("contact: %w", knowledge.ErrInvalid)
	ErrLinkInvalid     = fmt.Errorf("notice link is not valid: %w", knowledge.ErrUnauthorized)
	ErrLinkExpired     = fmt.Errorf("notice link has expired: %w", knowledge.ErrUnauthorized)
)

// LimitError is a code request refused by a limit. It matches knowledge.ErrRateLimited.
type LimitError struct {
	Key    string // the limit's kind: contact, token or addr
	Max    int
	Window time.Duration
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("verification code limit: %d per %s per %s", e.Max, e.Key, e.Window)
}

// Is makes errors.Is(err, knowledge.ErrRateLimited) true.
func (e *LimitError) Is(target error) bool { return target == knowledge.ErrRateLimited }

// Message is the Chinese explanation for the enterprise.
func (e *LimitError) Message() string {
	if e.Window <= time.Minute {
		return "验证码发送过于频繁，请一分钟后再试。"
	}
	return "今日验证码发送次数已达上限，请明天再试；您仍可回到本页查看法官答复。"
}

// ErrorMessage gives the Chinese text of a notice error for the enterprise.
func ErrorMessage(err error) string {
	var le *LimitError
	switch {
	case errors.As(err, &le):
		return le.Message()
	case errors.Is(err, ErrNoCode):
		return "请先获取验证码。"
	case errors.Is(err, ErrCodeExpired):
		return "验证码已过期，请重新获取。"
	case errors.Is(err, ErrTooManyAttempts):
		return "验证码错误次数过多，请重新获取。"
	case errors.Is(err, ErrWrongCode):
		return "验证码不正确。"
	case errors.Is(err, ErrBadContact):
		return "请填写正确的手机号码或电子邮箱。"
	case errors.Is(err, ErrLinkExpired):
		return "该链接已过期，请回到原先打开咨询的浏览器查看，或重新咨询。"
	case errors.Is(err, ErrLinkInvalid):
		return "该链接无效，请核对短信或邮件中的完整链接。"
	}
	return ""
}
