package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/notice"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// codeBox is a provider that keeps what it was asked to send, so a test can read the code the
// enterprise would receive.
type codeBox struct {
	mu   sync.Mutex
	msgs []notice.Message
}

func (b *codeBox) Send(_ context.Context, m notice.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, m)
	return nil
}

func (b *codeBox) last(t *testing.T) notice.Message {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.msgs) == 0 {
		t.Fatal("nothing was sent")
	}
	return b.msgs[len(b.msgs)-1]
}

var noticeSecret = []byte("0123456789abcdef0123456789abcdef-notice")

// testNoticeConsent: a code is needed before any notice; a wrong code uses an attempt, five wrong
// ones lock the code, an expired code is refused, the right one verifies; withdrawal stops
// notices and cancels the queued ones.
func testNoticeConsent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f := newQueueFixture(t, s, time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	now, advance := FixedClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	box := &codeBox{}
	svc, err := notice.NewService(s, box, noticeSecret, notice.DefaultLimits(), "沈阳市中级人民法院", now)
	if err != nil {
		t.Fatal(err)
	}
	tk := f.ticket("210100", escalation.PriorityNormal, "labor")
	conv := tk.ConversationID
	if err := svc.RequestCode(ctx, conv, notice.ChannelSMS, "139 0000 0001", "203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	msg := box.last(t)
	if msg.To != "13900000001" || len(msg.Code) != 6 || !strings.Contains(msg.Text, msg.Code) {
		t.Fatalf("code message %+v", msg)
	}
	if c, _ := svc.Consent(ctx, conv); c.Active() || c.Channel != notice.ChannelSMS {
		t.Fatalf("unverified consent is active: %+v", c)
	}
	// Unverified: a judge's claim queues nothing.
	j := f.judge("nj1", "沈阳市中级人民法院", 5)
	if _, err := f.q.Claim(ctx, j, tk.ID); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := s.NoticeJobs(ctx, conv); len(jobs) != 0 {
		t.Fatalf("notice queued for an unverified number: %+v", jobs)
	}
	wrong := "000000"
	if msg.Code == wrong {
		wrong = "000001"
	}
	for i := 1; i <= notice.MaxAttempts; i++ {
		_, err := svc.Verify(ctx, conv, wrong)
		want := notice.ErrWrongCode
		if i == notice.MaxAttempts {
			want = notice.ErrTooManyAttempts
		}
		if !errors.Is(err, want) {
			t.Fatalf("attempt %d: %v, want %v", i, err, want)
		}
	}
	if _, err := svc.Verify(ctx, conv, msg.Code); !errors.Is(err, notice.ErrTooManyAttempts) {
		t.Fatalf("the right code after five wrong ones: %v", err)
	}
	// A new code a minute later; it expires after ten minutes.
	advance(time.Minute)
	if err := svc.RequestCode(ctx, conv, notice.ChannelSMS, "13900000001", "203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	code := box.last(t).Code
	advance(notice.CodeTTL)
	if _, err := svc.Verify(ctx, conv, code); !errors.Is(err, notice.ErrCodeExpired) {
		t.Fatalf("expired code: %v", err)
	}
	advance(time.Minute)
	if err := svc.RequestCode(ctx, conv, notice.ChannelSMS, "13900000001", "203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Verify(ctx, conv, box.last(t).Code)
	if err != nil || !c.Active() || c.Contact != "13900000001" {
		t.Fatalf("verify: %+v %v", c, err)
	}
	if _, err := svc.Verify(ctx, conv, box.last(t).Code); !errors.Is(err, notice.ErrNoCode) {
		t.Fatalf("a used code again: %v", err)
	}
	st, _ := svc.Statuses(ctx, []string{conv, "unknown-conversation"})
	if st[conv] != notice.StatusPending || st["unknown-conversation"] != notice.StatusNone {
		t.Fatalf("statuses %v", st)
	}
	// Verified: the reply is queued, with the court's name, in the reply's transaction.
	if _, err := f.q.Reply(ctx, j, tk.ID, "法官的答复正文"); err != nil {
		t.Fatal(err)
	}
	jobs, err := s.NoticeJobs(ctx, conv)
	if err != nil || len(jobs) != 1 || jobs[0].Event != notice.EventReplied || jobs[0].State != notice.JobQueued ||
		jobs[0].Contact != "13900000001" || jobs[0].Court == "" {
		t.Fatalf("jobs after reply: %+v %v", jobs, err)
	}
	// A second reply before the first notice went out replaces it: one notice, of the latest event.
	if _, err := f.q.Reply(ctx, j, tk.ID, "补充答复"); err != nil {
		t.Fatal(err)
	}
	if jobs, _ = s.NoticeJobs(ctx, conv); len(jobs) != 1 {
		t.Fatalf("a waiting notice was not replaced: %+v", jobs)
	}
	// Withdrawal cancels it and nothing more is queued.
	if err := svc.Withdraw(ctx, conv); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Resolve(ctx, j, tk.ID, "问题已解答"); err != nil {
		t.Fatal(err)
	}
	jobs, _ = s.NoticeJobs(ctx, conv)
	if len(jobs) != 1 || jobs[0].State != notice.JobCancelled {
		t.Fatalf("jobs after withdrawal: %+v", jobs)
	}
	if st, _ := svc.Statuses(ctx, []string{conv}); st[conv] != notice.StatusNone {
		t.Fatalf("status after withdrawal %v", st)
	}
}

// testNoticeCodeLimits: twenty requests for one number at once, from different conversations and
// addresses: exactly one code is sent in that minute; over the day at most five.
func testNoticeCodeLimits(t *testing.T, s *store.Store) {
	ctx := context.Background()
	now, advance := FixedClock(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
	box := &codeBox{}
	svc, err := notice.NewService(s, box, noticeSecret, notice.DefaultLimits(), "法院", now)
	if err != nil {
		t.Fatal(err)
	}
	burst := func(n int) (sent, limited int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := svc.RequestCode(ctx, convID(t), notice.ChannelSMS, "13800000000", fmt.Sprintf("198.51.100.%d", i))
				mu.Lock()
				defer mu.Unlock()
				var le *notice.LimitError
				switch {
				case err == nil:
					sent++
				case errors.As(err, &le) && errors.Is(err, knowledge.ErrRateLimited):
					limited++
				default:
					t.Errorf("request: %v", err)
				}
			}()
		}
		wg.Wait()
		return sent, limited
	}
	if sent, limited := burst(20); sent != 1 || limited != 19 {
		t.Fatalf("one minute: sent %d, limited %d; want 1 and 19", sent, limited)
	}
	total := 1
	for range 8 {
		advance(time.Minute)
		sent, _ := burst(4)
		total += sent
	}
	if total != 5 || len(box.msgs) != 5 {
		t.Fatalf("codes to one number in a day: %d (sent %d), want 5", total, len(box.msgs))
	}
	// Another number is not affected; the per-token limit holds for one conversation.
	conv := convID(t)
	for i := range 6 {
		advance(time.Minute)
		err := svc.RequestCode(ctx, conv, notice.ChannelEmail, fmt.Sprintf("user%d@example.com", i), "192.0.2.1")
		if i < 5 && err != nil || i == 5 && !errors.Is(err, knowledge.ErrRateLimited) {
			t.Fatalf("request %d of one token: %v", i, err)
		}
	}
}

// testNoticeOutbox: several workers claim the outbox at once and each notice is taken by exactly
// one; a finished notice is never claimed again, a lapsed lease is; a visit's confirmation queues
// a notice once.
func testNoticeOutbox(t *testing.T, s *store.Store) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	f := newQueueFixture(t, s, start)
	j := f.judge("oj1", "沈阳市中级人民法院", 50)
	const n = 12
	var convs []string
	for range n {
		tk := f.ticket("210100", escalation.PriorityNormal, "labor")
		convs = append(convs, tk.ConversationID)
		if err := s.SetConsent(ctx, notice.Consent{ConversationID: tk.ConversationID, Channel: notice.ChannelEmail,
			Contact: "a@example.com", Verified: true}, start); err != nil {
			t.Fatal(err)
		}
		if _, err := f.q.Claim(ctx, j, tk.ID); err != nil {
			t.Fatal(err)
		}
	}
	now := start.Add(time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := map[int64]string{}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("w%d", w)
			for {
				jobs, err := s.ClaimNotices(ctx, name, now, time.Minute, 3)
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				if len(jobs) == 0 {
					return
				}
				for _, jb := range jobs {
					mu.Lock()
					if prev, dup := taken[jb.ID]; dup {
						t.Errorf("job %d taken by %s and %s", jb.ID, prev, name)
					}
					taken[jb.ID] = name
					mu.Unlock()
					if ok, err := s.FinishNotice(ctx, jb.ID, name, notice.Finish{State: notice.JobSent}, now); err != nil || !ok {
						t.Errorf("finish %d: %v %v", jb.ID, ok, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(taken) != n {
		t.Fatalf("%d notices taken, want %d", len(taken), n)
	}
	if jobs, _ := s.ClaimNotices(ctx, "late", now.Add(time.Hour), time.Minute, 100); len(jobs) != 0 {
		t.Fatalf("sent notices claimed again: %d", len(jobs))
	}
	st, _ := s.NoticeStatus(ctx, convs[:1])
	if st[convs[0]] != notice.StatusSent {
		t.Fatalf("status %v", st)
	}

	// A lease that lapses (the worker died mid-send) is taken over; the dead worker's late finish
	// changes nothing.
	tk := f.ticket("210100", escalation.PriorityNormal, "labor")
	_ = s.SetConsent(ctx, notice.Consent{ConversationID: tk.ConversationID, Channel: notice.ChannelSMS, Contact: "13900000002", Verified: true}, start)
	if _, err := f.q.Claim(ctx, j, tk.ID); err != nil {
		t.Fatal(err)
	}
	first, _ := s.ClaimNotices(ctx, "dead", now, time.Minute, 10)
	if len(first) != 1 {
		t.Fatalf("claimed %d", len(first))
	}
	if again, _ := s.ClaimNotices(ctx, "other", now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
		t.Fatal("a leased notice was claimed by another worker")
	}
	again, _ := s.ClaimNotices(ctx, "other", now.Add(2*time.Minute), time.Minute, 10)
	if len(again) != 1 || again[0].Attempts != 2 {
		t.Fatalf("lapsed lease: %+v", again)
	}
	if ok, _ := s.FinishNotice(ctx, first[0].ID, "dead", notice.Finish{State: notice.JobSent}, now); ok {
		t.Fatal("the dead worker finished a notice it no longer holds")
	}

	// A visit confirmed: one notice; the court name is the visit's.
	conv := convID(t)
	_ = s.SetConsent(ctx, notice.Consent{ConversationID: conv, Channel: notice.ChannelEmail, Contact: "b@example.com", Verified: true}, start)
	v, err := s.CreateVisit(ctx, visitOf(conv, "210100", "沈阳市中级人民法院"))
	if err != nil {
		t.Fatal(err)
	}
	v.Status, v.ProposedDate = visit.StatusDateProposed, "2026-11-20"
	if v, err = s.UpdateVisit(ctx, v); err != nil {
		t.Fatal(err)
	}
	v.Status = visit.StatusConfirmed
	if _, err = s.UpdateVisit(ctx, v); err != nil {
		t.Fatal(err)
	}
	jobs, _ := s.NoticeJobs(ctx, conv)
	if len(jobs) != 1 || jobs[0].Event != notice.EventVisitConfirmed || jobs[0].Court != "沈阳市中级人民法院" {
		t.Fatalf("visit notices: %+v", jobs)
	}
}
