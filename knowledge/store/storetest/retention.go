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
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/report"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// RetentionData is what SeedRetention wrote: conversations of every kind the purge must tell apart.
type RetentionData struct {
	Base time.Time // when the old conversations happened
	Now  time.Time // the store's clock after seeding: 200 days later
	// Old has only bot answers; Resolved has a ticket resolved long ago (with a note); Open has a
	// ticket still waiting; Visiting a visit request not yet answered; Recent is a week old.
	Old, Resolved, Open, Visiting, Recent string
	ResolvedTicket, OpenTicket            int64
}

// SeedRetention fills s with conversations around a retention cutoff of 180 days before now,
// moving the store's clock and leaving it at now; personal data sits in the messages and intake
// forms, as in real use.
func SeedRetention(t *testing.T, s *store.Store) RetentionData {
	t.Helper()
	ctx := context.Background()
	d := RetentionData{Base: time.Now().Add(-200 * 24 * time.Hour).Truncate(time.Minute)}
	f := newQueueFixture(t, s, d.Base)
	li := f.judge("retention-li", "沈阳市中级人民法院", 5)
	ask := func(conv, id, text string, res answer.Result) {
		t.Helper()
		if _, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindEnterprise,
			ClientID: id, Text: text}, true); err != nil {
			t.Fatal(err)
		}
		ap, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindBot, ReplyTo: id,
			Text: res.Answer, Answer: &res}, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Intent == answer.IntentAnswer {
			if err := s.SetFeedback(ctx, conv, ap.Message.Seq, 1); err != nil {
				t.Fatal(err)
			}
		}
		f.advance(time.Minute)
	}
	answered := answer.Result{Intent: answer.IntentAnswer, Answer: "可以申请解除冻结", Confidence: 0.8,
		Sources: []answer.Source{{Slug: "enforcement-unfreeze", Title: "账户被冻结怎么办", Category: "enforcement"}}}
	urgent := answer.Result{Intent: answer.IntentEscalate, Answer: "已为您转交法官", Confidence: 0.2,
		Escalation: answer.Escalation{Suggested: true, Reason: answer.ReasonUrgent}}
	escalate := func(conv, code string) escalation.Ticket {
		t.Helper()
		c, err := s.CreateTicket(ctx, escalation.Ticket{ConversationID: conv, State: escalation.StateWaiting,
			Priority: escalation.PriorityUrgent, CourtCode: "210100", Court: "沈阳市中级人民法院", Specialty: "enforcement",
			Reason: answer.ReasonUrgent, ClientID: "e1", Intake: escalation.Form{Company: "沈阳某机械有限公司", CreditCode: code,
				Contact: "王经理", Mobile: "13812345678", City: "210100", Question: "基本账户被冻结，工资发不出"}},
			conversation.Message{ConversationID: conv, Kind: conversation.KindSystem, ClientID: "e1", Text: "已转交法官"})
		if err != nil {
			t.Fatal(err)
		}
		f.advance(time.Minute)
		return c.Ticket
	}
	id := func(name string) string { return fmt.Sprintf("retention-%s-%d", name, time.Now().UnixNano()) }
	d.Old, d.Resolved, d.Open, d.Visiting, d.Recent = id("old"), id("resolved"), id("open"), id("visiting"), id("recent")

	ask(d.Old, "q1", "账户被冻结了，我的手机13812345678", answered)
	ask(d.Old, "q2", "怎么申请解除冻结", answered)

	ask(d.Resolved, "q1", "法院冻结了我们的基本账户，工资发不出", urgent)
	tk := escalate(d.Resolved, "91210100MA0Y12345X")
	d.ResolvedTicket = tk.ID
	if _, err := f.q.Claim(ctx, li, tk.ID); err != nil {
		t.Fatal(err)
	}
	f.advance(time.Hour)
	if _, err := f.q.Reply(ctx, li, tk.ID, "请携带材料到执行局"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.AddNote(ctx, li, tk.ID, "企业联系人王经理 13812345678"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Resolve(ctx, li, tk.ID, "如有新情况可以再次咨询。"); err != nil {
		t.Fatal(err)
	}

	ask(d.Open, "q1", "设备被查封了，停产了", urgent)
	d.OpenTicket = escalate(d.Open, "91210102MA0P5ZZZ1B").ID

	ask(d.Visiting, "q1", "能请法官来我们商会讲讲欠薪风险吗", answered)
	if _, err := s.CreateVisit(ctx, visitOf(d.Visiting, "210100", "沈阳市中级人民法院")); err != nil {
		t.Fatal(err)
	}

	f.advance(193 * 24 * time.Hour)
	ask(d.Recent, "q1", "账户冻结能解除吗", answered)
	f.advance(7 * 24 * time.Hour)
	d.Now = d.Base.Add(200 * 24 * time.Hour)
	s.SetClock(func() time.Time { return d.Now })
	if err := s.Audit(ctx, "admin", "user.create", "judge.li", ""); err != nil {
		t.Fatal(err)
	}
	return d
}

// ReportFigures is every report that must read the same before and after a purge, as text.
func ReportFigures(t *testing.T, s *store.Store, from, to time.Time) string {
	t.Helper()
	ctx := context.Background()
	cal := escalation.NewCalendar(nil, 9*time.Hour, 17*time.Hour, nil, nil)
	r := report.New(s, func() *escalation.Calendar { return cal }, 8*time.Hour, strings.Fields)
	act, err1 := r.Activity(ctx, from, to)
	vol, err2 := r.Volume(ctx, from, to)
	arts, err3 := r.Articles(ctx, from, to)
	judges, err4 := r.Judges(ctx, from, to)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("activity %+v\nvolume %+v\narticles %+v\njudges %+v", act, vol, arts, judges)
}

func testPurge(t *testing.T, s *store.Store) {
	ctx := context.Background()
	d := SeedRetention(t, s)
	from, to := d.Base.AddDate(0, 0, -1), d.Now.AddDate(0, 0, 1)
	before := ReportFigures(t, s, from, to)
	if !strings.Contains(before, "Questions:6 Escalated:2 Answered:1 Enterprises:2 Visits:0 Enforcement:6") {
		t.Fatalf("the fixture's figures changed: %s", before)
	}
	cutoff := d.Now.Add(-180 * 24 * time.Hour)
	dry, err := s.PurgeCandidates(ctx, cutoff)
	if err != nil || dry.Conversations != 2 || dry.Tickets != 1 || dry.KeptOpen != 2 {
		t.Fatalf("candidates = %+v, %v", dry, err)
	}
	// Two replicas purging at once delete and archive each conversation once.
	var wg sync.WaitGroup
	results := make([]struct {
		n, msgs, tickets int
		err              error
	}, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.Purge(ctx, cutoff)
			results[i].n, results[i].msgs, results[i].tickets, results[i].err = r.Conversations, r.Messages, r.Tickets, err
		}()
	}
	wg.Wait()
	convs, msgs, tickets := 0, 0, 0
	for _, r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		convs, msgs, tickets = convs+r.n, msgs+r.msgs, tickets+r.tickets
	}
	if convs != 2 || tickets != 1 || msgs != dry.Messages {
		t.Fatalf("purged %d conversations, %d messages, %d tickets; candidates were %+v", convs, msgs, tickets, dry)
	}
	for _, gone := range []string{d.Old, d.Resolved} {
		if _, err := s.GetConversation(ctx, gone); !errors.Is(err, knowledge.ErrNotFound) {
			t.Errorf("conversation %s survived: %v", gone, err)
		}
		if ms, err := s.Messages(ctx, gone, 0, 100); err != nil || len(ms) != 0 {
			t.Errorf("messages of %s survived: %d %v", gone, len(ms), err)
		}
	}
	if _, err := s.GetTicket(ctx, d.ResolvedTicket); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("resolved ticket survived: %v", err)
	}
	if notes, err := s.Notes(ctx, d.ResolvedTicket); err != nil || len(notes) != 0 {
		t.Errorf("notes of the purged ticket: %v %v", notes, err)
	}
	// The ticket's audit trail and the audit log stay.
	if evs, err := s.TicketEvents(ctx, d.ResolvedTicket); err != nil || len(evs) != 4 {
		t.Errorf("audit trail of the purged ticket: %d events, %v", len(evs), err)
	}
	if log, err := s.AuditLog(ctx, 10, 0); err != nil || len(log) != 1 || log[0].Target != "judge.li" {
		t.Errorf("audit log after purge: %+v %v", log, err)
	}
	// The open ticket and its conversation stay however old, as does the conversation of a visit
	// request under way, and the recent conversation.
	if tk, err := s.GetTicket(ctx, d.OpenTicket); err != nil || tk.State != escalation.StateWaiting || tk.Intake.Mobile == "" {
		t.Errorf("open ticket: %+v %v", tk, err)
	}
	for _, kept := range []string{d.Open, d.Visiting, d.Recent} {
		if ms, err := s.Messages(ctx, kept, 0, 100); err != nil || len(ms) < 2 {
			t.Errorf("conversation %s lost messages: %d %v", kept, len(ms), err)
		}
	}
	if after := ReportFigures(t, s, from, to); after != before {
		t.Fatalf("reports changed by the purge\nbefore %s\nafter  %s", before, after)
	}
	// What the archive holds is counts, not text.
	rows, err := s.AnsweredBetween(ctx, from, d.Base.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Question != "" && !strings.Contains(r.Question, "查封") && !strings.Contains(r.Question, "商会") {
			t.Errorf("a purged question is still readable: %q", r.Question)
		}
	}
	// A second purge finds nothing more; the figures still hold.
	again, err := s.Purge(ctx, cutoff)
	if err != nil || again.Conversations != 0 || again.KeptOpen != 2 {
		t.Fatalf("second purge = %+v, %v", again, err)
	}
	if after := ReportFigures(t, s, from, to); after != before {
		t.Fatalf("reports changed by the second purge\nbefore %s\nafter  %s", before, after)
	}
}

// The daily purge runs once a day across every replica sharing the store.
func testClaimDay(t *testing.T, s *store.Store) {
	ctx := context.Background()
	if ok, err := s.ClaimDay(ctx, "2026-09-18"); err != nil || !ok {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if ok, err := s.ClaimDay(ctx, "2026-09-18"); err != nil || ok {
		t.Fatalf("second claim of the same day: %v %v", ok, err)
	}
	if ok, err := s.ClaimDay(ctx, "2026-09-17"); err != nil || ok {
		t.Fatalf("claim of an earlier day: %v %v", ok, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ClaimDay(ctx, "2026-09-19")
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d replicas ran the purge of one day", won)
	}
}
