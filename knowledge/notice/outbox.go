package notice

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Outbox delivery rules.
const (
	MaxSendAttempts = 5
	lease           = 2 * time.Minute
	batch           = 20
)

// Shanghai is the local time of quiet hours (fixed UTC+8: China keeps no daylight saving).
var shanghai = time.FixedZone("CST", 8*3600)

// QuietUntil returns when an SMS due at t may go: t itself between 08:00 and 21:00 local time,
// else the next 08:00. E-mail is never held.
func QuietUntil(ch Channel, t time.Time) time.Time {
	if ch != ChannelSMS {
		return t
	}
	l := t.In(shanghai)
	h := l.Hour()
	if h >= 8 && h < 21 {
		return t
	}
	day := time.Date(l.Year(), l.Month(), l.Day(), 8, 0, 0, 0, shanghai)
	if h >= 21 {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// backoff is the wait before attempt n+1 after n failed ones: 1, 2, 4, 8 … minutes, at most an hour.
func backoff(n int) time.Duration {
	d := time.Minute << (n - 1)
	if n < 1 || d > time.Hour || d <= 0 {
		return time.Hour
	}
	return d
}

// Dispatcher sends the outbox. Several may run (one per replica); the store's leases let each
// notice go once.
type Dispatcher struct {
	st      Store
	send    Provider
	links   *Links
	baseURL string // public base URL of the service, e.g. https://court.example
	worker  string
	log     *slog.Logger
	now     func() time.Time
}

// NewDispatcher builds a dispatcher; worker names this replica in the leases.
func NewDispatcher(st Store, send Provider, links *Links, baseURL, worker string, log *slog.Logger, now func() time.Time) *Dispatcher {
	if now == nil {
		now = time.Now
	}
	return &Dispatcher{st: st, send: send, links: links, baseURL: strings.TrimRight(baseURL, "/"), worker: worker, log: log, now: now}
}

// Compose is the notice text: court, what happened, the signed link. Never the judge's words.
func (d *Dispatcher) Compose(j Job) Message {
	link := d.baseURL + "/n/" + d.links.Sign(j.ConversationID, d.now())
	court := j.Court
	if court == "" {
		court = "人民法院"
	}
	text := fmt.Sprintf("【%s】%s，请点击查看：%s （链接 7 日内有效）", court, j.Event.Label(), link)
	return Message{Channel: j.Channel, To: j.Contact, Subject: court + "：" + j.Event.Label(), Text: text,
		Ref: fmt.Sprintf("notice-%d", j.ID)}
}

// RunOnce claims the due notices and sends them; it returns how many were sent.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	now := d.now()
	jobs, err := d.st.ClaimNotices(ctx, d.worker, now, lease, batch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, j := range jobs {
		if at := QuietUntil(j.Channel, now); at.After(now) {
			// Not an attempt: the store counted the claim, so give it back.
			if _, err := d.st.FinishNotice(ctx, j.ID, d.worker, Finish{State: JobQueued, NotBefore: at, Refund: true}, now); err != nil {
				return sent, err
			}
			continue
		}
		err := d.send.Send(ctx, d.Compose(j))
		state, next, msg := JobSent, time.Time{}, ""
		if err != nil {
			msg = err.Error()
			state, next = JobQueued, now.Add(backoff(j.Attempts))
			if j.Attempts >= MaxSendAttempts {
				state = JobFailed
			}
			d.log.Warn("notice not delivered", "job", j.ID, "channel", string(j.Channel), "attempt", j.Attempts, "final", state == JobFailed, "err", err)
		}
		if _, err := d.st.FinishNotice(ctx, j.ID, d.worker, Finish{State: state, NotBefore: next, LastError: msg}, d.now()); err != nil {
			return sent, err
		}
		if state == JobSent {
			sent++
		}
	}
	return sent, nil
}

// Run sends the outbox every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("notice outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
