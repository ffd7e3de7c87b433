package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// testEscalationQuota: many conversations of one address escalate at once; exactly the quota's
// number of tickets is created and the rest are refused with a *LimitError, on every engine.
func testEscalationQuota(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const max, n = 3, 10
	var convs []string
	for range n {
		c := convID(t)
		post(t, s, c, "q", "问题")
		convs = append(convs, c)
	}
	if ok, err := s.HasQuestion(ctx, convs[0]); err != nil || !ok {
		t.Fatalf("HasQuestion = %v, %v", ok, err)
	}
	if ok, _ := s.HasQuestion(ctx, convID(t)); ok {
		t.Fatal("a conversation without messages has a question")
	}
	quota := escalation.Quota{Kind: escalation.QuotaAddress, Key: "addr-hash", Max: max, Since: time.Now().Add(-time.Hour), Window: time.Hour}
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, limited := 0, 0
	for i, c := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, notice := ticket(c, fmt.Sprintf("e%d", i), "210100", escalation.PriorityUrgent)
			tk.SourceAddr, tk.SourceNet = "addr-hash", "203.0.113.0/24"
			_, err := s.CreateTicket(ctx, tk, notice, quota)
			mu.Lock()
			defer mu.Unlock()
			var le *escalation.LimitError
			switch {
			case err == nil:
				created++
			case errors.As(err, &le) && errors.Is(err, knowledge.ErrRateLimited):
				limited++
			default:
				t.Errorf("escalate: %v", err)
			}
		}()
	}
	wg.Wait()
	if created != max || limited != n-max {
		t.Fatalf("created=%d limited=%d, want %d and %d", created, limited, max, n-max)
	}
	// The source is stored with the ticket; a quota on another key is not affected.
	got, err := s.ListBySource(ctx, escalation.SourceFilter{Addr: "addr-hash"})
	if err != nil || len(got) != max || got[0].SourceNet != "203.0.113.0/24" {
		t.Fatalf("tickets by source: %d %v", len(got), err)
	}
	other := convID(t)
	post(t, s, other, "q", "问题")
	tk, notice := ticket(other, "x1", "210100", escalation.PriorityNormal)
	tk.SourceAddr = "other-hash"
	if _, err := s.CreateTicket(ctx, tk, notice, escalation.Quota{Kind: escalation.QuotaAddress, Key: "other-hash", Max: max,
		Since: time.Now().Add(-time.Hour), Window: time.Hour}); err != nil {
		t.Fatalf("another address: %v", err)
	}
}
