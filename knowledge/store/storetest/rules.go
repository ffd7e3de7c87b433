package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// testQueueTable walks the queue table: every action a judge or admin takes from the console,
// from every state, by the ticket's judge, another judge of the court and an admin. Each either
// does what the table's row says or is refused with a *RuleError that names the rule, and a
// refusal leaves the ticket as it was.
func testQueueTable(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f := newQueueFixture(t, s, time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	holder := f.judge("holder", "沈阳市中级人民法院", 1000)
	other := f.judge("other", "沈阳市中级人民法院", 1000)
	target := f.judge("target", "沈阳市中级人民法院", 1000)
	au, err := s.CreateUser(ctx, knowledge.User{Username: "boss", DisplayName: "管理员", Role: knowledge.RoleAdmin, Active: true, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	admin := escalation.Judge{ID: au.ID, Name: au.DisplayName, Admin: true}

	// ticketIn puts a fresh ticket in state; every state but waiting is reached by holder.
	ticketIn := func(state escalation.State) escalation.Ticket {
		tk := f.ticket("210100", escalation.PriorityNormal, "labor")
		claim := func() error { _, err := f.q.Claim(ctx, holder, tk.ID); return err }
		reply := func() error { _, err := f.q.Reply(ctx, holder, tk.ID, "初步答复"); return err }
		resolve := func() error { _, err := f.q.Resolve(ctx, holder, tk.ID, "结束"); return err }
		steps := map[escalation.State][]func() error{
			escalation.StateClaimed: {claim}, escalation.StateAnswered: {claim, reply}, escalation.StateResolved: {claim, resolve},
		}[state]
		for _, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("setting up a %s ticket: %v", state, err)
			}
		}
		got, err := s.GetTicket(ctx, tk.ID)
		if err != nil || got.State != state {
			t.Fatalf("set-up ticket is %s (%v), want %s", got.State, err, state)
		}
		return got
	}
	do := map[string]func(j escalation.Judge, id int64) error{
		escalation.RuleClaim: func(j escalation.Judge, id int64) error { _, err := f.q.Claim(ctx, j, id); return err },
		escalation.RuleReply: func(j escalation.Judge, id int64) error { _, err := f.q.Reply(ctx, j, id, "答复内容"); return err },
		escalation.RuleReturn: func(j escalation.Judge, id int64) error {
			_, err := f.q.Return(ctx, j, id, "退回原因")
			return err
		},
		escalation.RuleTransfer: func(j escalation.Judge, id int64) error {
			_, err := f.q.TransferToJudge(ctx, j, id, target.ID, "转交原因")
			return err
		},
		escalation.RuleTransferCourt: func(j escalation.Judge, id int64) error {
			_, err := f.q.TransferToCourt(ctx, j, id, "210200", "转院原因")
			return err
		},
		escalation.RuleResolve: func(j escalation.Judge, id int64) error { _, err := f.q.Resolve(ctx, j, id, "结束语"); return err },
		escalation.RuleNote: func(j escalation.Judge, id int64) error {
			_, err := f.q.AddNote(ctx, j, id, "内部备注")
			return err
		},
	}
	actors := []struct {
		name string
		j    escalation.Judge
	}{{"assigned", holder}, {"other judge", other}, {"admin", admin}}
	seen := map[string]bool{}
	for action, act := range do {
		for _, from := range escalation.States {
			for _, a := range actors {
				tk := ticketIn(from)
				err := act(a.j, tk.ID)
				got, gerr := s.GetTicket(ctx, tk.ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				// The ticket keeps its court even after a transfer to another one: the admin and
				// the ticket's judge still see it, another judge of the first court does not.
				allowed := escalation.Allows(action, escalation.ActorOf(a.j), from, tk.ClaimedBy)
				name := fmt.Sprintf("%s on a %s ticket by the %s", action, from, a.name)
				if allowed {
					seen[action] = true
					rule, _ := escalation.RuleFor(action, from)
					want := rule.To
					if want == "" {
						want = from
					}
					if err != nil || got.State != want {
						t.Errorf("%s: allowed by the table, got state %s, err %v; want %s", name, got.State, err, want)
					}
					continue
				}
				var re *escalation.RuleError
				if !errors.As(err, &re) || re.Rule == "" || re.Action != action || re.State != from {
					t.Errorf("%s: refused by the table, got %v; want a *RuleError naming the rule", name, err)
					continue
				}
				if action == escalation.RuleNote {
					if !errors.Is(err, knowledge.ErrForbidden) {
						t.Errorf("%s: %v, want forbidden", name, err)
					}
				} else if !errors.Is(err, knowledge.ErrConflict) {
					t.Errorf("%s: %v, want a conflict", name, err)
				}
				if got.State != from || got.ClaimedBy != tk.ClaimedBy || got.CourtCode != tk.CourtCode {
					t.Errorf("%s: refused but the ticket changed: %+v", name, got)
				}
			}
		}
	}
	for action := range do {
		if !seen[action] {
			t.Errorf("no actor could %s from any state: the walk proves nothing for it", action)
		}
	}

	// The bug this table fixed: a reply to a waiting ticket said "already claimed by another
	// judge". It says to claim first.
	w := ticketIn(escalation.StateWaiting)
	_, err = f.q.Reply(ctx, holder, w.ID, "抢先答复")
	var re *escalation.RuleError
	if !errors.As(err, &re) || errors.Is(err, escalation.ErrAlreadyClaimed) || !strings.Contains(re.Rule, "请先接手") {
		t.Fatalf("reply to a waiting ticket: %v; want the rule to claim it first", err)
	}
	// A claim of a claimed ticket is the claim race's refusal.
	c := ticketIn(escalation.StateClaimed)
	if _, err := f.q.Claim(ctx, other, c.ID); !errors.Is(err, escalation.ErrAlreadyClaimed) || !errors.As(err, &re) {
		t.Fatalf("claim of a claimed ticket: %v", err)
	}

	// The enterprise's follow-up: only an answered ticket moves (back to claimed); in any other
	// state its message changes nothing.
	for _, from := range escalation.States {
		tk := ticketIn(from)
		if _, err := s.AppendMessage(ctx, conversation.Message{ConversationID: tk.ConversationID, Kind: conversation.KindEnterprise,
			ClientID: "follow-" + string(from), Text: "补充情况"}, false); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetTicket(ctx, tk.ID)
		want := from
		if r, ok := escalation.RuleFor(escalation.RuleFollowUp, from); ok {
			want = r.To
		}
		if got.State != want {
			t.Errorf("follow-up on a %s ticket: %s, want %s", from, got.State, want)
		}
	}
}

// testCapacityRace: N concurrent claims by one judge of capacity K on N different tickets give
// exactly K tickets, never more, on every engine.
func testCapacityRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f := newQueueFixture(t, s, time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	const n, capacity = 20, 3
	j := f.judge("busy", "沈阳市中级人民法院", capacity)
	tickets := make([]escalation.Ticket, n)
	for i := range tickets {
		tickets[i] = f.ticket("210100", escalation.PriorityNormal, "labor")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, full := 0, 0
	start := make(chan struct{})
	for _, tk := range tickets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.q.Claim(ctx, j, tk.ID)
			mu.Lock()
			defer mu.Unlock()
			var re *escalation.RuleError
			switch {
			case err == nil:
				won++
			case errors.Is(err, escalation.ErrAtCapacity) && errors.As(err, &re) && re.Rule != "":
				full++
			default:
				t.Errorf("claim: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if won != capacity || full != n-capacity {
		t.Fatalf("%d claims won, %d refused at capacity; want %d and %d", won, full, capacity, n-capacity)
	}
	held, err := s.ListTickets(ctx, escalation.Filter{ClaimedBy: j.ID})
	if err != nil || len(held) != capacity {
		t.Fatalf("the judge holds %d open tickets (%v), capacity %d", len(held), err, capacity)
	}
	// The refused tickets are still waiting for someone else.
	waiting, _ := s.ListTickets(ctx, escalation.Filter{States: []escalation.State{escalation.StateWaiting}, Limit: 100})
	if len(waiting) != n-capacity {
		t.Fatalf("%d tickets waiting, want %d", len(waiting), n-capacity)
	}
}

// BenchClaims measures claims per second: b.N waiting tickets, claimed in parallel by eight
// judges of one court, each claim one conditional update with the judge's row locked for the
// capacity count. Engines call it from their own benchmark.
func BenchClaims(b *testing.B, s *store.Store) {
	ctx := context.Background()
	f := newQueueFixture(b, s, time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	judges := make([]escalation.Judge, 8)
	for i := range judges {
		judges[i] = f.judge(fmt.Sprintf("bench%d", i), "沈阳市中级人民法院", 1<<20)
	}
	tickets := make([]escalation.Ticket, b.N)
	for i := range tickets {
		tickets[i] = f.ticket("210100", escalation.PriorityNormal, "labor")
	}
	var next, judge atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		j := judges[int(judge.Add(1))%len(judges)]
		for pb.Next() {
			if _, err := f.q.Claim(ctx, j, tickets[next.Add(1)-1].ID); err != nil {
				b.Error(err)
			}
		}
	})
}
