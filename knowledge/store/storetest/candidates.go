package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Candidate phrasings: one row per wording and article however often and however concurrently it
// is proposed; a decision is taken once and then stands.
func testCandidates(t *testing.T, s *store.Store) {
	ctx := context.Background()
	c := knowledge.Candidate{Slug: "a-one", Text: "公司不发工资咋整", Source: knowledge.SourceClarify, Ref: "conv-1"}
	var wg sync.WaitGroup
	created := make(chan bool, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ProposeCandidate(ctx, c, "公司不发工资咋整")
			if err != nil {
				t.Error(err)
			}
			created <- ok
		}()
	}
	wg.Wait()
	close(created)
	n := 0
	for ok := range created {
		if ok {
			n++
		}
	}
	pending, err := s.ListCandidates(ctx, knowledge.CandidatePending, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(pending) != 1 || pending[0].Seen != 8 || pending[0].Text != c.Text || pending[0].Source != c.Source {
		t.Fatalf("8 concurrent proposals: %d created, pending %+v", n, pending)
	}
	id := pending[0].ID
	if err := s.DecideCandidate(ctx, id, knowledge.CandidateRejected, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideCandidate(ctx, id, knowledge.CandidateApproved, "admin"); !errors.Is(err, knowledge.ErrConflict) {
		t.Fatalf("second decision: %v, want ErrConflict", err)
	}
	// A rejected wording is remembered: proposing it again changes nothing.
	if ok, err := s.ProposeCandidate(ctx, c, "公司不发工资咋整"); err != nil || ok {
		t.Fatalf("re-proposal of a rejected wording: created %v, %v", ok, err)
	}
	got, err := s.GetCandidate(ctx, id)
	if err != nil || got.Status != knowledge.CandidateRejected || got.DecidedBy != "admin" || got.DecidedAt.IsZero() {
		t.Fatalf("after reject: %+v %v", got, err)
	}
	if _, err := s.GetCandidate(ctx, id+1000); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("unknown candidate: %v", err)
	}
	// The same wording for another article is another candidate.
	c.Slug = "b-two"
	if ok, err := s.ProposeCandidate(ctx, c, "公司不发工资咋整"); err != nil || !ok {
		t.Fatalf("same wording, other article: created %v, %v", ok, err)
	}
}
