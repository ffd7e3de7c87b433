package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// queueFixture is a store with a clock, a court list and the queue rules over them.
type queueFixture struct {
	t       testing.TB
	s       *store.Store
	q       *escalation.Queue
	advance func(time.Duration)
	n       int
}

var testCourts = []escalation.Court{
	{Code: "210100", Name: "沈阳市", Court: "沈阳市中级人民法院"},
	{Code: "210200", Name: "大连市", Court: "大连市中级人民法院"},
}

func newQueueFixture(t testing.TB, s *store.Store, start time.Time) *queueFixture {
	now, advance := FixedClock(start)
	s.SetClock(now)
	courts, err := escalation.NewCourts(testCourts)
	if err != nil {
		t.Fatal(err)
	}
	q := escalation.NewQueue(s, courts, escalation.NewCalendar(nil, 9*time.Hour, 17*time.Hour, nil, nil),
		escalation.DefaultPolicy(), nil, nil, now)
	return &queueFixture{t: t, s: s, q: q, advance: advance}
}

func (f *queueFixture) judge(name, court string, capacity int, specialties ...knowledge.Category) escalation.Judge {
	f.t.Helper()
	u, err := f.s.CreateUser(context.Background(), knowledge.User{Username: name, DisplayName: name + "法官", Role: knowledge.RoleJudge,
		Court: court, Specialties: specialties, Capacity: capacity, Active: true, PasswordHash: "x"})
	if err != nil {
		f.t.Fatal(err)
	}
	return escalation.Judge{ID: u.ID, Name: u.DisplayName, Court: court, Specialties: specialties, Capacity: capacity}
}

// ticket opens a conversation with one question and escalates it to court.
func (f *queueFixture) ticket(court string, p escalation.Priority, specialty knowledge.Category) escalation.Ticket {
	f.t.Helper()
	ctx := context.Background()
	f.n++
	conv := fmt.Sprintf("conv-%d-%d", f.n, time.Now().UnixNano())
	if _, err := f.s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindEnterprise,
		ClientID: "q1", Text: "问题"}, false); err != nil {
		f.t.Fatal(err)
	}
	c, err := f.s.CreateTicket(ctx, escalation.Ticket{ConversationID: conv, State: escalation.StateWaiting, Priority: p,
		CourtCode: court, Court: court, Specialty: specialty, Reason: answer.ReasonExplicit, ClientID: "e1"},
		conversation.Message{ConversationID: conv, Kind: conversation.KindSystem, ClientID: "e1", Text: "已转交"})
	if err != nil {
		f.t.Fatal(err)
	}
	f.advance(time.Minute) // distinct creation times make "oldest first" observable
	return c.Ticket
}

func testClaimRace(t *testing.T, s *store.Store) {
	f := newQueueFixture(t, s, time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	tk := f.ticket("210100", escalation.PriorityNormal, "labor")
	const n = 20
	judges := make([]escalation.Judge, n)
	for i := range judges {
		judges[i] = f.judge(fmt.Sprintf("judge%d", i), "沈阳市中级人民法院", 3)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var winners []int64
	lost := 0
	for _, j := range judges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.q.Claim(context.Background(), j, tk.ID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners = append(winners, j.ID)
			case errors.Is(err, escalation.ErrAlreadyClaimed):
				lost++
			default:
				t.Errorf("claim: %v", err)
			}
		}()
	}
	wg.Wait()
	if len(winners) != 1 || lost != n-1 {
		t.Fatalf("winners %v, lost %d: want exactly one winner", winners, lost)
	}
	got, _ := s.GetTicket(context.Background(), tk.ID)
	if got.State != escalation.StateClaimed || got.ClaimedBy != winners[0] {
		t.Fatalf("ticket %+v", got)
	}
	st, _ := s.ConversationStatus(context.Background(), tk.ConversationID)
	if st.Mode != conversation.ModeWithJudge || st.Judge == "" {
		t.Fatalf("conversation status %+v", st)
	}
}

func testQueueCapacityAndLifecycle(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f := newQueueFixture(t, s, time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	li := f.judge("li", "沈阳市中级人民法院", 1)
	wang := f.judge("wang", "沈阳市中级人民法院", 2)
	a, b := f.ticket("210100", escalation.PriorityNormal, "labor"), f.ticket("210100", escalation.PriorityNormal, "labor")
	if _, err := f.q.Claim(ctx, li, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Claim(ctx, li, b.ID); !errors.Is(err, escalation.ErrAtCapacity) {
		t.Fatalf("claim over capacity: %v", err)
	}
	if _, err := f.q.Reply(ctx, wang, a.ID, "我不是承办人"); !errors.Is(err, knowledge.ErrConflict) {
		t.Fatalf("reply by another judge: %v", err)
	}
	d, err := f.q.Reply(ctx, li, a.ID, "您好，根据您描述的情况……")
	if err != nil || d.Ticket.State != escalation.StateAnswered || d.Ticket.FirstResponseAt.IsZero() || d.Message.Kind != conversation.KindJudge {
		t.Fatalf("reply: %+v %v", d, err)
	}
	// The enterprise follows up: the ticket is the judge's again to answer.
	if _, err := s.AppendMessage(ctx, conversation.Message{ConversationID: a.ConversationID, Kind: conversation.KindEnterprise,
		ClientID: "q2", Text: "那还需要准备什么材料？"}, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetTicket(ctx, a.ID); got.State != escalation.StateClaimed {
		t.Fatalf("after follow-up: %s", got.State)
	}
	if _, err := f.q.Return(ctx, li, a.ID, "需要执行局法官处理"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Claim(ctx, wang, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.TransferToJudge(ctx, wang, a.ID, li.ID, "李法官熟悉此类案件"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.q.Resolve(ctx, li, a.ID, "如有新情况可以再次咨询。"); err != nil {
		t.Fatal(err)
	}
	// Capacity is free again.
	if _, err := f.q.Claim(ctx, li, b.ID); err != nil {
		t.Fatalf("claim after resolve: %v", err)
	}
	if _, err := f.q.Reply(ctx, li, a.ID, "已经结束的"); !errors.Is(err, knowledge.ErrConflict) {
		t.Fatalf("reply to a resolved ticket: %v", err)
	}
	evs, err := s.TicketEvents(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, e := range evs {
		trail = append(trail, fmt.Sprintf("%s:%s>%s", e.Action, e.From, e.To))
		if e.At.IsZero() || e.Actor == "" {
			t.Errorf("event without time or actor: %+v", e)
		}
	}
	want := "[create:>waiting claim:waiting>claimed reply:claimed>answered follow_up:answered>claimed return:claimed>waiting " +
		"claim:waiting>claimed transfer:claimed>claimed resolve:claimed>resolved]"
	if fmt.Sprint(trail) != want {
		t.Fatalf("audit trail\n got %v\nwant %s", trail, want)
	}
	if evs[4].Reason != "需要执行局法官处理" || evs[4].Actor != li.Name {
		t.Fatalf("return event %+v", evs[4])
	}
	st, _ := s.ConversationStatus(ctx, a.ConversationID)
	if st.Mode != conversation.ModeResolved {
		t.Fatalf("conversation after resolve: %s", st.Mode)
	}
	// Internal notes stay on the ticket, never in the conversation.
	if _, err := f.q.AddNote(ctx, li, b.ID, "企业信用代码已核实"); err != nil {
		t.Fatal(err)
	}
	msgs, _ := s.Messages(ctx, b.ConversationID, 0, 100)
	for _, m := range msgs {
		if m.Text == "企业信用代码已核实" {
			t.Fatal("an internal note reached the enterprise")
		}
	}
}

func testQueueRouting(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f := newQueueFixture(t, s, time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	zhao := f.judge("zhao", "沈阳市中级人民法院", 5, "enforcement")
	oldLabor := f.ticket("210100", escalation.PriorityNormal, "labor")
	urgentLabor := f.ticket("210100", escalation.PriorityUrgent, "labor")
	enforcement := f.ticket("210100", escalation.PriorityNormal, "enforcement")
	dalian := f.ticket("210200", escalation.PriorityUrgent, "enforcement")
	page, err := f.q.List(ctx, zhao, escalation.Filter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, v := range page.Tickets {
		ids = append(ids, v.ID)
	}
	// Own court only; matching specialty first, then priority, then the longest waiting.
	if fmt.Sprint(ids) != fmt.Sprint([]int64{enforcement.ID, urgentLabor.ID, oldLabor.ID}) {
		t.Fatalf("default view %v", ids)
	}
	if _, err := f.q.List(ctx, zhao, escalation.Filter{}, true); !errors.Is(err, escalation.ErrAllCourts) {
		t.Fatalf("all courts without the permission: %v", err)
	}
	zhaoAll := zhao
	zhaoAll.AllCourts = true
	allPage, _ := f.q.List(ctx, zhaoAll, escalation.Filter{}, true)
	all := allPage.Tickets
	if len(all) != 4 || all[0].ID != dalian.ID {
		t.Fatalf("all courts view: %d, first %d", len(all), all[0].ID)
	}
	// Pages of one follow the same order without a gap or a repeat.
	var paged []int64
	cur := (*escalation.Cursor)(nil)
	for range 10 {
		p, err := f.q.List(ctx, zhaoAll, escalation.Filter{Limit: 1, After: cur}, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Tickets {
			paged = append(paged, v.ID)
		}
		if p.Next == "" {
			break
		}
		if cur, err = escalation.ParseCursor(p.Next); err != nil {
			t.Fatal(err)
		}
	}
	var allIDs []int64
	for _, v := range all {
		allIDs = append(allIDs, v.ID)
	}
	if fmt.Sprint(paged) != fmt.Sprint(allIDs) {
		t.Fatalf("paged %v, whole list %v", paged, allIDs)
	}
	if _, err := f.q.TransferToCourt(ctx, zhao, oldLabor.ID, "210200", "企业住所地在大连"); err != nil {
		t.Fatal(err)
	}
	page, _ = f.q.List(ctx, zhao, escalation.Filter{}, false)
	if len(page.Tickets) != 2 {
		t.Fatalf("after transfer to another court: %d tickets", len(page.Tickets))
	}
	moved, _ := s.GetTicket(ctx, oldLabor.ID)
	if moved.CourtCode != "210200" || moved.Court != "大连市中级人民法院" || moved.State != escalation.StateWaiting {
		t.Fatalf("moved ticket %+v", moved)
	}
}

func testQueueAutoReturnAndOverdue(t *testing.T, s *store.Store) {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	// Friday 15:30.
	f := newQueueFixture(t, s, time.Date(2026, 3, 6, 15, 30, 0, 0, cst))
	li := f.judge("li", "沈阳市中级人民法院", 5)
	tk := f.ticket("210100", escalation.PriorityNormal, "labor")
	if _, err := f.q.Claim(ctx, li, tk.ID); err != nil {
		t.Fatal(err)
	}
	// Monday 09:30: 2 hours of plain time... and 66 hours of weekend, but only 1h59m of working time.
	f.advance(66*time.Hour - time.Minute)
	if n, err := f.q.ReturnStale(ctx); err != nil || n != 0 {
		t.Fatalf("before the working-time limit: %d %v", n, err)
	}
	f.advance(2 * time.Minute)
	if n, err := f.q.ReturnStale(ctx); err != nil || n != 1 {
		t.Fatalf("past the limit: %d %v", n, err)
	}
	got, _ := s.GetTicket(ctx, tk.ID)
	if got.State != escalation.StateWaiting || got.ClaimedBy != 0 {
		t.Fatalf("auto-returned ticket %+v", got)
	}
	evs, _ := s.TicketEvents(ctx, tk.ID)
	if last := evs[len(evs)-1]; last.Action != escalation.ActionAutoReturn || last.Reason == "" {
		t.Fatalf("last event %+v", last)
	}
	msgs, _ := s.Messages(ctx, tk.ConversationID, 0, 100)
	if last := msgs[len(msgs)-1]; last.Kind != conversation.KindSystem {
		t.Fatalf("the enterprise is not told: %+v", last)
	}
	// A second sweep does nothing: the ticket returned once.
	if n, _ := f.q.ReturnStale(ctx); n != 0 {
		t.Fatalf("second sweep returned %d", n)
	}
	// Created Friday 15:31, unanswered: by Monday 09:31 it has waited 1.5+0.5 working hours; by
	// Monday 12:00 more than 4 — overdue.
	v, _, _, _ := f.q.Get(ctx, li, tk.ID)
	if v.Overdue {
		t.Fatalf("overdue too early: waited %v", v.Waiting)
	}
	f.advance(150 * time.Minute)
	v, _, _, _ = f.q.Get(ctx, li, tk.ID)
	if !v.Overdue || v.Waiting <= 4*time.Hour {
		t.Fatalf("not overdue after %v", v.Waiting)
	}
}
