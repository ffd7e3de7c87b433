package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/report"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

func visitOf(conv, code, court string) visit.Visit {
	return visit.Visit{ConversationID: conv, Status: visit.StatusRequested, CourtCode: code, Court: court,
		Request: visit.Request{Kind: visit.KindLecture, Topics: []knowledge.Category{"labor"}, Dates: []string{"2026-11-20"},
			OrgType: visit.OrgChamber, Org: "沈阳市温州商会", CreditCode: "51210100MJ01234568", City: code,
			Address: "沈阳市和平区南京北街 1 号", Attendees: 80, Contact: "陈秘书长", Mobile: "13900000000"}}
}

// testVisits covers the visit requests: storage and filters, the optimistic version check under
// a race, the notices linked to a visit, the judges' permission flag, suggestions from a visit and
// what the activity report reads.
func testVisits(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, knowledge.User{Username: "judge.v", DisplayName: "走访法官", Role: knowledge.RoleJudge,
		Active: true, CanVisits: true, PasswordHash: "x"})
	if err != nil || !u.CanVisits {
		t.Fatalf("create judge with visits permission: %+v %v", u, err)
	}
	u.CanVisits = false
	if u, err = s.UpdateUser(ctx, u); err != nil || u.CanVisits {
		t.Fatalf("revoke permission: %+v %v", u, err)
	}

	conv, other := convID(t), convID(t)
	v, err := s.CreateVisit(ctx, visitOf(conv, "210100", "沈阳市中级人民法院"))
	if err != nil || v.ID == 0 || v.Version != 1 {
		t.Fatalf("create: %+v %v", v, err)
	}
	if _, err := s.CreateVisit(ctx, visitOf(other, "210200", "大连市中级人民法院")); err != nil {
		t.Fatal(err)
	}
	// The received notice is the conversation's first message: it creates the conversation.
	ap, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindSystem,
		VisitID: v.ID, Text: "已收到"}, false)
	if err != nil || ap.Message.Seq != 1 {
		t.Fatalf("notice: %+v %v", ap, err)
	}
	msgs, err := s.Messages(ctx, conv, 0, 10)
	if err != nil || len(msgs) != 1 || msgs[0].VisitID != v.ID {
		t.Fatalf("notice read back: %+v %v", msgs, err)
	}

	got, err := s.GetVisit(ctx, v.ID)
	if err != nil || got.Request.Org != "沈阳市温州商会" || got.Request.Topics[0] != "labor" || got.Judges == nil || got.Summary != nil {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := s.GetVisit(ctx, 9999); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("missing visit: %v", err)
	}
	for _, c := range []struct {
		f    visit.Filter
		want int
	}{
		{visit.Filter{}, 2}, {visit.Filter{ConversationID: conv}, 1}, {visit.Filter{CourtCodes: []string{"210200", "210300"}}, 1},
		{visit.Filter{Status: visit.StatusDone}, 0},
	} {
		if l, err := s.ListVisits(ctx, c.f); err != nil || len(l) != c.want {
			t.Fatalf("list %+v: %d visits, %v", c.f, len(l), err)
		}
	}

	// Two judges propose from the same version at once: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := got
			w.Status, w.ProposedDate, w.ProposedBy = visit.StatusDateProposed, "2026-11-2"+string(rune('1'+i)), visit.SideCourt
			w.Judges = []visit.Judge{{ID: u.ID, Name: u.DisplayName}}
			_, errs[i] = s.UpdateVisit(ctx, w)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs...), knowledge.ErrConflict) {
		t.Fatalf("concurrent proposals: %v", errs)
	}
	got, _ = s.GetVisit(ctx, v.ID)
	if got.Version != 2 || got.Status != visit.StatusDateProposed || len(got.Judges) != 1 {
		t.Fatalf("after proposal: %+v", got)
	}
	done := time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC)
	got.Status, got.Date, got.ProposedDate = visit.StatusDone, "2026-11-21", ""
	got.Summary, got.DoneAt = &visit.Summary{Problems: "用工合同不规范", Advice: "统一合同范本", By: "走访法官"}, done
	if got, err = s.UpdateVisit(ctx, got); err != nil || got.Version != 3 || got.Summary.Advice != "统一合同范本" || !got.DoneAt.Equal(done) {
		t.Fatalf("done: %+v %v", got, err)
	}

	g, err := s.CreateSuggestion(ctx, escalation.Suggestion{VisitID: v.ID, JudgeID: u.ID, Judge: u.DisplayName, Article: Article("visit-labor")})
	if err != nil {
		t.Fatal(err)
	}
	if g, err = s.GetSuggestion(ctx, g.ID); err != nil || g.VisitID != v.ID || g.TicketID != 0 {
		t.Fatalf("suggestion from a visit: %+v %v", g, err)
	}

	// What the activity report reads: the visit done, an HTTP ask, and the chat question counted
	// for the court its conversation sent a visit request to.
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rows, err := s.VisitsDoneBetween(ctx, from, to)
	if err != nil || len(rows) != 1 || rows[0].Court != "沈阳市中级人民法院" || rows[0].Enterprise != report.EnterpriseKey("51210100MJ01234568") {
		t.Fatalf("visits done: %+v %v", rows, err)
	}
	if rows, _ := s.VisitsDoneBetween(ctx, to, to.AddDate(0, 1, 0)); len(rows) != 0 {
		t.Fatalf("visits done next month: %+v", rows)
	}
	start := time.Now().Add(-time.Minute)
	if err := s.RecordHTTPAsk(ctx, answer.Result{Intent: answer.IntentAnswer, Sources: []answer.Source{{Category: "enforcement"}}}); err != nil {
		t.Fatal(err)
	}
	asks, err := s.HTTPAsksBetween(ctx, start, time.Now().Add(time.Minute))
	if err != nil || len(asks) != 1 || asks[0].Category != "enforcement" || asks[0].Intent != answer.IntentAnswer {
		t.Fatalf("http asks: %+v %v", asks, err)
	}
	post(t, s, conv, "q1", "劳动合同怎么签")
	if _, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindBot, ReplyTo: "q1",
		Text: "答复", Answer: &answer.Result{Intent: answer.IntentAnswer}}, false); err != nil {
		t.Fatal(err)
	}
	ans, err := s.AnsweredBetween(ctx, start, time.Now().Add(time.Minute))
	if err != nil || len(ans) != 1 || ans[0].Court != "沈阳市中级人民法院" || ans[0].Question != "劳动合同怎么签" {
		t.Fatalf("answered with court: %+v %v", ans, err)
	}
}

// HTTP asks recorded at once, as a busy API records them, are all counted by the activity report
// that reads them afterwards, each with its own intent and category.
func testHTTPAsksGrouped(t *testing.T, s *store.Store) {
	ctx := context.Background()
	start := time.Now().Add(-time.Minute)
	const n = 300
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res := answer.Result{Intent: answer.IntentAnswer, Sources: []answer.Source{{Category: "labor"}}}
			if i%3 == 0 {
				res = answer.Result{Intent: answer.IntentEscalate, Escalation: answer.Escalation{Suggested: true, Reason: answer.ReasonUncovered}}
			}
			if err := s.RecordHTTPAsk(ctx, res); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	asks, err := s.HTTPAsksBetween(ctx, start, time.Now().Add(time.Minute))
	if err != nil || len(asks) != n {
		t.Fatalf("http asks: %d, %v; want %d", len(asks), err, n)
	}
	escalated := 0
	for _, a := range asks {
		switch {
		case a.Intent == answer.IntentEscalate && a.Reason == answer.ReasonUncovered && a.Category == "":
			escalated++
		case a.Intent != answer.IntentAnswer || a.Category != "labor":
			t.Fatalf("record mixed up: %+v", a)
		}
	}
	if escalated != n/3 {
		t.Fatalf("escalated records: %d, want %d", escalated, n/3)
	}
}
