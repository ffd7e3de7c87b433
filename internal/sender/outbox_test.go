package sender_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/notice"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/sqlite"
	"github.com/courtdesk/courtdesk/knowledge/store/storetest"
)

var secret = []byte("service-secret-0123456789abcdef-0123")

// world is the service's notice side on a SQLite data directory with the real providers: mail to
// the in-process SMTP server, SMS to the gateway.
type world struct {
	t       *testing.T
	path    string
	st      *store.Store
	now     func() time.Time
	advance func(time.Duration)
	mb      *mailbox
	gw      *gateway
	svc     *notice.Service
	queue   *escalation.Queue
	judge   escalation.Judge
	links   *notice.Links
	n       int
}

func newWorld(t *testing.T, start time.Time) *world {
	w := &world{t: t, path: filepath.Join(t.TempDir(), "courtdesk.db"), mb: startMailbox(t), gw: startGateway(t),
		links: notice.NewLinks(secret, 0)}
	w.now, w.advance = storetest.FixedClock(start)
	w.open()
	u, err := w.st.CreateUser(context.Background(), knowledge.User{Username: "judge.n", DisplayName: "李法官", Role: knowledge.RoleJudge,
		Court: "沈阳市中级人民法院", Capacity: 50, Active: true, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	w.judge = escalation.Judge{ID: u.ID, Name: u.DisplayName, Court: u.Court, Capacity: 50}
	return w
}

func (w *world) router() notice.Router {
	return notice.Router{SMS: w.gw.provider(gatewaySecret), Email: w.mb.provider("s3cret-pass")}
}

// open (re)opens the store on the data file, as a restarted service does.
func (w *world) open() {
	st, err := store.Open(context.Background(), sqlite.Driver{}, w.path)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { st.Close() })
	st.SetClock(w.now)
	w.st = st
	courts, _ := escalation.NewCourts([]escalation.Court{{Code: "210100", Name: "沈阳市", Court: "沈阳市中级人民法院"}})
	w.queue = escalation.NewQueue(st, courts, escalation.NewCalendar(nil, 9*time.Hour, 17*time.Hour, nil, nil),
		escalation.DefaultPolicy(), nil, nil, w.now)
	w.svc, err = notice.NewService(st, w.router(), secret, notice.DefaultLimits(), "沈阳市中级人民法院", w.now)
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) dispatcher(name string) *notice.Dispatcher {
	return notice.NewDispatcher(w.st, w.router(), w.links, "https://court.example", name, slog.New(slog.NewTextHandler(io.Discard, nil)), w.now)
}

// ticket opens an escalated conversation.
func (w *world) ticket() escalation.Ticket {
	w.t.Helper()
	ctx := context.Background()
	w.n++
	conv := fmt.Sprintf("%032x", time.Now().UnixNano()+int64(w.n))
	if _, err := w.st.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindEnterprise, ClientID: "q", Text: "问题"}, false); err != nil {
		w.t.Fatal(err)
	}
	c, err := w.st.CreateTicket(ctx, escalation.Ticket{ConversationID: conv, State: escalation.StateWaiting, Priority: escalation.PriorityNormal,
		CourtCode: "210100", Court: "沈阳市中级人民法院", Specialty: "labor", Reason: answer.ReasonExplicit, ClientID: "e"},
		conversation.Message{ConversationID: conv, Kind: conversation.KindSystem, ClientID: "e", Text: "已转交"}, escalation.Quota{})
	if err != nil {
		w.t.Fatal(err)
	}
	return c.Ticket
}

var codeRe = regexp.MustCompile(`验证码为 (\d{6})`)

// optIn asks for notices on contact and confirms with the code the real provider delivered.
func (w *world) optIn(conv string, ch notice.Channel, contact string) {
	w.t.Helper()
	ctx := context.Background()
	if err := w.svc.RequestCode(ctx, conv, ch, contact, "203.0.113.7"); err != nil {
		w.t.Fatal(err)
	}
	var text string
	if ch == notice.ChannelSMS {
		got := w.gw.sent()
		text = got[len(got)-1].Text
	} else {
		mails := w.mb.wait(w.t, 1)
		_, text = decode(w.t, mails[len(mails)-1])
	}
	m := codeRe.FindStringSubmatch(text)
	if m == nil {
		w.t.Fatalf("no code in %q", text)
	}
	if _, err := w.svc.Verify(ctx, conv, m[1]); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) claimAndReply(tk escalation.Ticket) {
	w.t.Helper()
	if _, err := w.queue.Claim(context.Background(), w.judge, tk.ID); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.queue.Reply(context.Background(), w.judge, tk.ID, "机密答复正文：请于三日内补正材料"); err != nil {
		w.t.Fatal(err)
	}
}

var cst = time.FixedZone("CST", 8*3600)

// TestOutboxAcrossRestart: only the verified contacts get notices; the queued notices survive a
// restart and two dispatchers after it send each exactly once (a claim and a reply queued together
// make one notice, of the reply); the SMS names the court and what happened, never the judge's
// words, and its link opens the conversation.
func TestOutboxAcrossRestart(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 2, 10, 0, 0, 0, cst))
	ctx := context.Background()
	mailT, smsT, noneT, unverifiedT := w.ticket(), w.ticket(), w.ticket(), w.ticket()
	w.optIn(mailT.ConversationID, notice.ChannelEmail, "boss@firm.example")
	w.optIn(smsT.ConversationID, notice.ChannelSMS, "13900000001")
	if err := w.svc.RequestCode(ctx, unverifiedT.ConversationID, notice.ChannelSMS, "13900000002", "203.0.113.8"); err != nil {
		t.Fatal(err)
	}
	mailsBefore, smsBefore := len(w.mb.wait(t, 1)), len(w.gw.sent())
	for _, tk := range []escalation.Ticket{mailT, smsT, noneT, unverifiedT} {
		w.claimAndReply(tk)
	}

	// Restart with four notices queued: close the store and open the same file again.
	w.st.Close()
	w.open()
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.dispatcher(fmt.Sprintf("replica-%d", i)).RunOnce(ctx); err != nil {
				t.Errorf("dispatch: %v", err)
			}
		}()
	}
	wg.Wait()
	if n, err := w.dispatcher("again").RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("a second round sent %d (%v)", n, err)
	}
	// Claim and reply came before any send: one notice each, of the reply.
	mails := w.mb.wait(t, mailsBefore+1)
	sms := w.gw.sent()
	if len(mails) != mailsBefore+1 || len(sms) != smsBefore+1 {
		t.Fatalf("mails %d, sms %d after the code messages; want 1 each", len(mails)-mailsBefore, len(sms)-smsBefore)
	}
	for _, m := range sms[smsBefore:] {
		if m.To != "13900000001" || !strings.HasPrefix(m.Text, "【沈阳市中级人民法院】") || strings.Contains(m.Text, "机密") || m.Kind != "notice" {
			t.Fatalf("sms %+v", m)
		}
	}
	if !strings.Contains(sms[smsBefore].Text, "法官已答复") {
		t.Fatalf("sms text %q", sms[smsBefore].Text)
	}
	// The resolution, after the notice went out, is a notice of its own.
	if _, err := w.queue.Resolve(ctx, w.judge, smsT.ID, "问题已解答"); err != nil {
		t.Fatal(err)
	}
	if n, err := w.dispatcher("again").RunOnce(ctx); err != nil || n != 1 || !strings.Contains(w.gw.sent()[smsBefore+1].Text, "已办结") {
		t.Fatalf("resolution notice: %d %v", n, err)
	}
	link := regexp.MustCompile(`/n/(\S+)`).FindStringSubmatch(sms[smsBefore].Text)
	if link == nil {
		t.Fatalf("no link in %q", sms[smsBefore].Text)
	}
	if conv, err := w.links.Verify(link[1], w.now()); err != nil || conv != smsT.ConversationID {
		t.Fatalf("link opens %q, %v", conv, err)
	}
	subject, body := decode(t, mails[len(mails)-1])
	if mails[len(mails)-1].to != "boss@firm.example" || !strings.Contains(subject, "沈阳市中级人民法院") || strings.Contains(body, "机密") {
		t.Fatalf("mail %q %q", subject, body)
	}
	st, _ := w.svc.Statuses(ctx, []string{mailT.ConversationID, smsT.ConversationID, noneT.ConversationID, unverifiedT.ConversationID})
	if st[mailT.ConversationID] != notice.StatusSent || st[smsT.ConversationID] != notice.StatusSent ||
		st[noneT.ConversationID] != notice.StatusNone || st[unverifiedT.ConversationID] != notice.StatusNone {
		t.Fatalf("statuses %v", st)
	}
}

// TestOutboxQuietHoursAndRetries: an SMS due at 22:30 waits until 08:00 while an e-mail goes at
// once; a gateway that keeps failing is retried with backoff and the notice ends failed.
func TestOutboxQuietHoursAndRetries(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 2, 22, 30, 0, 0, cst))
	ctx := context.Background()
	smsT, mailT := w.ticket(), w.ticket()
	w.optIn(smsT.ConversationID, notice.ChannelSMS, "13900000003")
	w.optIn(mailT.ConversationID, notice.ChannelEmail, "night@firm.example")
	smsBefore, mailsBefore := len(w.gw.sent()), len(w.mb.wait(t, 1))
	if _, err := w.queue.Claim(ctx, w.judge, smsT.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.queue.Claim(ctx, w.judge, mailT.ID); err != nil {
		t.Fatal(err)
	}
	d := w.dispatcher("r1")
	if n, err := d.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("at 22:30 sent %d (%v), want the e-mail only", n, err)
	}
	if len(w.gw.sent()) != smsBefore || len(w.mb.wait(t, mailsBefore+1)) != mailsBefore+1 {
		t.Fatal("an SMS went out in quiet hours")
	}
	w.advance(9*time.Hour + 29*time.Minute) // 07:59
	if n, _ := d.RunOnce(ctx); n != 0 {
		t.Fatalf("at 07:59 sent %d", n)
	}
	w.gw.mu.Lock()
	w.gw.fail = 100
	w.gw.mu.Unlock()
	w.advance(time.Minute) // 08:00: the gateway fails every time
	for i := 1; i <= notice.MaxSendAttempts; i++ {
		if n, err := d.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("attempt %d: %d %v", i, n, err)
		}
		jobs, _ := w.st.NoticeJobs(ctx, smsT.ConversationID)
		if jobs[0].Attempts != i {
			t.Fatalf("after attempt %d the job shows %d attempts (%s)", i, jobs[0].Attempts, jobs[0].State)
		}
		// Not again before the backoff has passed.
		if n, _ := d.RunOnce(ctx); n != 0 || len(w.gw.sent()) != smsBefore {
			t.Fatal("retried before the backoff")
		}
		w.advance(time.Hour)
	}
	jobs, _ := w.st.NoticeJobs(ctx, smsT.ConversationID)
	if jobs[0].State != notice.JobFailed || !strings.Contains(jobs[0].LastError, "503") {
		t.Fatalf("job %+v", jobs[0])
	}
	if st, _ := w.svc.Statuses(ctx, []string{smsT.ConversationID}); st[smsT.ConversationID] != notice.StatusFailed {
		t.Fatalf("status %v", st)
	}
}
