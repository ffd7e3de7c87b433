package notice

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Store is the persistence the notices need (knowledge/store implements it).
type Store interface {
	// StartVerification records a code request under every limit at once: it refuses with a
	// *LimitError when any limit is reached, else stores the pending code (replacing an earlier
	// one), marks the consent as asked for and unverified, and counts the request. Atomic under
	// concurrency, also across replicas.
	StartVerification(ctx context.Context, p Pending, limits []Limit, now time.Time) error
	// UseCodeAttempt counts one attempt at the conversation's code and returns it: ErrNoCode,
	// ErrCodeExpired or ErrTooManyAttempts when it cannot be tried any more.
	UseCodeAttempt(ctx context.Context, conversationID string, max int, now time.Time) (Pending, error)
	// ConfirmContact deletes the pending code (if it is still p's) and marks the consent verified.
	ConfirmContact(ctx context.Context, p Pending, now time.Time) error
	// SetConsent stores a choice without a contact to verify (ChannelNone, withdrawal); queued
	// notices of the conversation are cancelled when the consent is no longer active.
	SetConsent(ctx context.Context, c Consent, now time.Time) error
	// GetConsent returns the conversation's consent; none stored is Consent{Channel: ChannelNone}.
	GetConsent(ctx context.Context, conversationID string) (Consent, error)
	// ClaimNotices leases up to limit due notices to worker until now+lease.
	ClaimNotices(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// FinishNotice records the outcome of a claimed notice: state sent, failed, or queued again
	// with a new not-before. It changes nothing (and says so) when worker no longer holds it.
	FinishNotice(ctx context.Context, id int64, worker string, f Finish, now time.Time) (bool, error)
	// NoticeStatus returns each listed conversation's notice status.
	NoticeStatus(ctx context.Context, conversationIDs []string) (map[string]Status, error)
}

// Service handles consent and verification and sends the verification codes.
type Service struct {
	st      Store
	send    Provider
	secret  []byte
	limits  Limits
	court   string // the service's name in the code message
	now     func() time.Time
	codeTTL time.Duration
}

// NewService builds the consent service. secret keys the code hashes and limit keys; now may be nil.
func NewService(st Store, send Provider, secret []byte, limits Limits, court string, now func() time.Time) (*Service, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("notice secret: at least 32 bytes: %w", knowledge.ErrInvalid)
	}
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, send: send, secret: append([]byte(nil), secret...), limits: limits, court: court, now: now, codeTTL: CodeTTL}, nil
}

// Consent returns the conversation's consent.
func (s *Service) Consent(ctx context.Context, conversationID string) (Consent, error) {
	return s.st.GetConsent(ctx, conversationID)
}

// RequestCode records the enterprise's consent to channel on contact and sends a one-time code
// there. ChannelNone records "no notices" and sends nothing. addr is the client's address (any
// stable string; it is hashed).
func (s *Service) RequestCode(ctx context.Context, conversationID string, ch Channel, contact, addr string) error {
	if !ch.Valid() {
		return fmt.Errorf("channel %q: %w", ch, knowledge.ErrInvalid)
	}
	now := s.now()
	if ch == ChannelNone {
		return s.st.SetConsent(ctx, Consent{ConversationID: conversationID, Channel: ChannelNone}, now)
	}
	contact, err := NormalizeContact(ch, contact)
	if err != nil {
		return err
	}
	code, err := newCode()
	if err != nil {
		return err
	}
	p := Pending{ConversationID: conversationID, Channel: ch, Contact: contact,
		CodeHash: hashCode(s.secret, conversationID, contact, code), ExpiresAt: now.Add(s.codeTTL)}
	limits := s.limits.list(keyOf(s.secret, string(ch)+":"+contact), keyOf(s.secret, conversationID), keyOf(s.secret, addr))
	if err := s.st.StartVerification(ctx, p, limits, now); err != nil {
		return err
	}
	msg := Message{Channel: ch, To: contact, Subject: "验证码", Code: code, Ref: "code-" + p.CodeHash[:16],
		Text: fmt.Sprintf("【%s】您的验证码为 %s，10 分钟内有效，用于开通咨询进展提醒。如非本人操作请忽略。", s.court, code)}
	return s.send.Send(ctx, msg)
}

// Verify checks the code the enterprise entered. A wrong code uses one of MaxAttempts.
func (s *Service) Verify(ctx context.Context, conversationID, code string) (Consent, error) {
	now := s.now()
	p, err := s.st.UseCodeAttempt(ctx, conversationID, MaxAttempts, now)
	if err != nil {
		return Consent{}, err
	}
	want := hashCode(s.secret, conversationID, p.Contact, code)
	if !hmac.Equal([]byte(want), []byte(p.CodeHash)) {
		if p.Attempts >= MaxAttempts {
			return Consent{}, ErrTooManyAttempts
		}
		return Consent{}, ErrWrongCode
	}
	if err := s.st.ConfirmContact(ctx, p, now); err != nil {
		return Consent{}, err
	}
	return s.st.GetConsent(ctx, conversationID)
}

// Withdraw ends the consent: nothing more is sent, queued notices are cancelled.
func (s *Service) Withdraw(ctx context.Context, conversationID string) error {
	return s.st.SetConsent(ctx, Consent{ConversationID: conversationID, Channel: ChannelNone}, s.now())
}

// Statuses returns the console's notice status of each conversation.
func (s *Service) Statuses(ctx context.Context, conversationIDs []string) (map[string]Status, error) {
	if len(conversationIDs) == 0 {
		return map[string]Status{}, nil
	}
	return s.st.NoticeStatus(ctx, conversationIDs)
}

// IsNoticeError reports whether err is one of this package's refusals (for the error handler).
func IsNoticeError(err error) bool {
	return ErrorMessage(err) != "" && !errors.Is(err, context.Canceled)
}
