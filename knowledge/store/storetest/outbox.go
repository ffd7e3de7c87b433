package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/store"
)

// testOutbox: events come back in id order after any id, old ones are pruned, and a job guarded
// by RunOnce runs.
func testOutbox(t *testing.T, s *store.Store) {
	ctx := context.Background()
	now, advance := FixedClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	s.SetClock(now)
	if last, err := s.LastEventID(ctx); err != nil || last != 0 {
		t.Fatalf("empty outbox: last = %d, %v", last, err)
	}
	var ids []int64
	for _, kind := range []string{"messages", "status", "article"} {
		id, err := s.AppendEvent(ctx, kind, []byte(`{"kind":"`+kind+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		advance(time.Hour)
	}
	if !(ids[0] < ids[1] && ids[1] < ids[2]) {
		t.Fatalf("ids not increasing: %v", ids)
	}
	got, err := s.EventsAfter(ctx, ids[0], 10)
	if err != nil || len(got) != 2 || got[0].ID != ids[1] || got[1].Kind != "article" ||
		string(got[1].Payload) != `{"kind":"article"}` {
		t.Fatalf("after %d: %+v, %v", ids[0], got, err)
	}
	if got, _ := s.EventsAfter(ctx, 0, 1); len(got) != 1 || got[0].ID != ids[0] {
		t.Fatalf("limit 1: %+v", got)
	}
	if last, err := s.LastEventID(ctx); err != nil || last != ids[2] {
		t.Fatalf("last = %d, %v; want %d", last, err, ids[2])
	}
	// Now is 3 hours after the first event: prune what is older than 90 minutes.
	n, err := s.PruneEvents(ctx, now().Add(-90*time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if got, _ := s.EventsAfter(ctx, 0, 10); len(got) != 1 || got[0].ID != ids[2] {
		t.Fatalf("after prune: %+v", got)
	}
	ran, err := s.RunOnce(ctx, 42, func(context.Context) error { return nil })
	if !ran || err != nil {
		t.Fatalf("RunOnce with nobody else: ran %v, %v", ran, err)
	}
	// While one caller holds the job, another one skips it (a single-replica engine has no
	// cluster to share it with, and runs it).
	_, err = s.RunOnce(ctx, 43, func(ctx context.Context) error {
		inner, err := s.RunOnce(ctx, 43, func(context.Context) error { return nil })
		if err != nil {
			return err
		}
		if _, locks := s.Driver().(store.JobLocker); locks && inner {
			t.Errorf("a job ran twice at once")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
