package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/courtdesk/courtdesk/internal/sender"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/notice"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// NoticeConfig chooses the notice providers: SMS through the HTTP gateway when SMSURL is set,
// e-mail through SMTP when SMTPHost is set, otherwise the log provider (development).
type NoticeConfig struct {
	SMTPHost     string
	SMTPPort     int
	SMTPUser     string
	SMTPPassword string
	SMTPFrom     string
	SMSURL       string
	SMSSecret    string
	// Sender is the name in 【…】 of a verification code message.
	Sender string
	// Every is how often a replica looks at the outbox.
	Every time.Duration
}

func defaultNoticeConfig() NoticeConfig {
	return NoticeConfig{SMTPPort: 587, Sender: "人民法院涉企法律服务", Every: 5 * time.Second}
}

var noticeEnv = []envSpec{
	{"COURTDESK_SMTP_HOST", str(func(c *Config) *string { return &c.Notices.SMTPHost })},
	{"COURTDESK_SMTP_PORT", func(c *Config, v string) (err error) { c.Notices.SMTPPort, err = strconv.Atoi(v); return }},
	{"COURTDESK_SMTP_USER", str(func(c *Config) *string { return &c.Notices.SMTPUser })},
	{"COURTDESK_SMTP_PASSWORD", str(func(c *Config) *string { return &c.Notices.SMTPPassword })},
	{"COURTDESK_SMTP_FROM", str(func(c *Config) *string { return &c.Notices.SMTPFrom })},
	{"COURTDESK_SMS_URL", str(func(c *Config) *string { return &c.Notices.SMSURL })},
	{"COURTDESK_SMS_SECRET", str(func(c *Config) *string { return &c.Notices.SMSSecret })},
	{"COURTDESK_NOTICE_SENDER", str(func(c *Config) *string { return &c.Notices.Sender })},
}

func (n NoticeConfig) validate() []error {
	var errs []error
	if n.SMTPHost != "" {
		if n.SMTPPort < 1 || n.SMTPPort > 65535 {
			errs = append(errs, fmt.Errorf("COURTDESK_SMTP_PORT %d: must be 1–65535", n.SMTPPort))
		}
		if n.SMTPFrom == "" {
			errs = append(errs, errors.New("COURTDESK_SMTP_HOST needs COURTDESK_SMTP_FROM"))
		}
		if (n.SMTPUser == "") != (n.SMTPPassword == "") {
			errs = append(errs, errors.New("COURTDESK_SMTP_USER and COURTDESK_SMTP_PASSWORD go together"))
		}
	}
	if n.SMSURL != "" {
		u, err := url.Parse(n.SMSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("COURTDESK_SMS_URL %q: must be an http(s) URL", n.SMSURL))
		}
		if len(n.SMSSecret) < 32 {
			errs = append(errs, errors.New("COURTDESK_SMS_URL needs COURTDESK_SMS_SECRET of at least 32 characters"))
		}
	}
	if n.Every < time.Second {
		errs = append(errs, errors.New("notice interval must be at least 1s"))
	}
	return errs
}

// providers builds the SMS and e-mail providers the configuration names.
func (n NoticeConfig) providers(log *slog.Logger) notice.Router {
	r := notice.Router{SMS: notice.LogProvider{Log: log}, Email: notice.LogProvider{Log: log}}
	if n.SMSURL != "" {
		r.SMS = sender.SMSGateway{URL: n.SMSURL, Secret: []byte(n.SMSSecret)}
	}
	if n.SMTPHost != "" {
		r.Email = sender.SMTP{Host: n.SMTPHost, Port: n.SMTPPort, User: n.SMTPUser, Password: n.SMTPPassword, From: n.SMTPFrom}
	}
	return r
}

// notices is the wired notice side: consent and codes for the chat page, the outbox dispatcher,
// the signed links.
type notices struct {
	svc    *notice.Service
	opener linkOpener
	// What the dispatcher is built from once the listening address, hence the links' base URL,
	// is known.
	st     notice.Store
	send   notice.Provider
	worker string
	log    *slog.Logger
}

// linkOpener turns a notice's signed link into a fresh visitor token for the browser opening it.
type linkOpener struct {
	links  *notice.Links
	tokens *conversation.Tokens
}

// Open implements handlers.NoticeLinks.
func (o linkOpener) Open(link string) (string, error) {
	conv, err := o.links.Verify(link, time.Now())
	if err != nil {
		return "", err
	}
	return o.tokens.Issue(conv), nil
}

func buildNotices(cfg *Config, log *slog.Logger, st *store.Store, secret []byte, tokens *conversation.Tokens) (*notices, error) {
	send := cfg.Notices.providers(log)
	limits := notice.DefaultLimits()
	if cfg.RateLimit == 0 {
		// Load runs and browser tests lift request limits; codes keep their per-contact limit.
		limits.PerAddrDay, limits.PerTokenDay = 0, 0
	}
	svc, err := notice.NewService(st, send, secret, limits, cfg.Notices.Sender, nil)
	if err != nil {
		return nil, err
	}
	links := notice.NewLinks(secret, notice.LinkTTL)
	host, _ := os.Hostname()
	id := make([]byte, 4)
	_, _ = rand.Read(id)
	worker := fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(id))
	return &notices{svc: svc, opener: linkOpener{links: links, tokens: tokens}, st: st, send: send, worker: worker, log: log}, nil
}

// dispatcher sends the outbox with links under base, the service's public URL. now is the clock
// (nil: the wall clock); tests pass a daytime one, since SMS is held through quiet hours.
func (n *notices) dispatcher(base string, now func() time.Time) *notice.Dispatcher {
	return notice.NewDispatcher(n.st, n.send, n.opener.links, base, n.worker, n.log, now)
}

// run sends the outbox every interval until ctx ends.
func (n *notices) run(ctx context.Context, base string, every time.Duration) {
	n.dispatcher(base, nil).Run(ctx, every)
}
