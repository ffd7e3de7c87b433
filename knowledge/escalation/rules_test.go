package escalation

import (
	"slices"
	"testing"
)

// Every row of the queue table is complete, and every open state has a way out for its judge.
func TestQueueTableIsComplete(t *testing.T) {
	for _, r := range QueueRules {
		if verbs[r.Action] == "" || len(r.From) == 0 || r.Who.String() == "" {
			t.Errorf("incomplete row %+v", r)
		}
		for _, st := range append(slices.Clone(r.From), r.To) {
			if st != "" && !slices.Contains(States, st) {
				t.Errorf("row %s names unknown state %q", r.Action, st)
			}
		}
	}
	judge := Actor{ID: 7}
	for _, st := range []State{StateClaimed, StateAnswered} {
		if !Allows(RuleResolve, judge, st, 7) || Allows(RuleResolve, judge, st, 8) {
			t.Errorf("resolve of a %s ticket: only its judge", st)
		}
	}
	if !Allows(RuleClaim, judge, StateWaiting, 0) || Allows(RuleReply, judge, StateWaiting, 0) {
		t.Error("a waiting ticket is claimed before it is answered")
	}
	e, refused := Refusal(RuleReply, judge, Ticket{State: StateWaiting})
	if !refused || e.Rule != "该工单尚未有法官接手：请先接手，再答复" {
		t.Errorf("reply to a waiting ticket: %+v", e)
	}
}
