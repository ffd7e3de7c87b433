package notice

import (
	"context"
	"fmt"
	"log/slog"
)

// Message is one SMS or e-mail.
type Message struct {
	Channel Channel
	To      string
	Subject string // e-mail only
	Text    string
	// Code is the verification code a code message carries ("" for notices); the log provider
	// logs it separately so that development and tests can read it.
	Code string
	// Ref identifies the message to the provider, stable across retries of one notice
	// ("notice-<job id>"), so that a gateway may drop a repeat.
	Ref string
}

// Provider delivers messages. An error means "not delivered, try again later".
type Provider interface {
	Send(ctx context.Context, m Message) error
}

// Router sends SMS through one provider and e-mail through another.
type Router struct {
	SMS, Email Provider
}

// Send implements Provider.
func (r Router) Send(ctx context.Context, m Message) error {
	p := r.Email
	if m.Channel == ChannelSMS {
		p = r.SMS
	}
	if p == nil {
		return fmt.Errorf("no provider for %s", m.Channel)
	}
	return p.Send(ctx, m)
}

// LogProvider writes each message to the log instead of sending it: the default, for development
// and tests. The mobile number in "to" is masked like every log line (internal/logmask); the
// six-digit code is not a personal number and stays readable.
type LogProvider struct {
	Log *slog.Logger
}

// Send implements Provider.
func (p LogProvider) Send(ctx context.Context, m Message) error {
	p.Log.InfoContext(ctx, "notice sent (log provider)", "channel", string(m.Channel), "to", m.To,
		"subject", m.Subject, "text", m.Text, "code", m.Code)
	return nil
}
