package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/account"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

func testSessions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	now := time.UnixMilli(1_700_000_000_000)
	u, err := s.CreateUser(ctx, knowledge.User{Username: "admin2", DisplayName: "管理员", Role: knowledge.RoleAdmin, Active: true, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"s1", "s2"} {
		if err := s.CreateSession(ctx, account.Session{ID: id, UserID: u.ID, CSRF: "c-" + id, CreatedAt: now, LastSeen: now,
			ExpiresAt: now.Add(time.Hour), IP: "127.0.0.1", UserAgent: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetSession(ctx, "s1")
	if err != nil || got.UserID != u.ID || got.CSRF != "c-s1" || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if err := s.TouchSession(ctx, "s1", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetSession(ctx, "s1"); !got.LastSeen.Equal(now.Add(time.Minute)) {
		t.Fatalf("touch: %v", got.LastSeen)
	}
	if err := s.DeleteUserSessions(ctx, u.ID, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, "s2"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("s2 should be gone: %v", err)
	}
	if err := s.DeleteSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, "s1"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("s1 should be gone: %v", err)
	}
}

func testLoginFailures(t *testing.T, s *store.Store) {
	ctx := context.Background()
	now := time.UnixMilli(1_700_000_000_000)
	w := 15 * time.Minute
	for i := 1; i <= 3; i++ {
		n, err := s.RecordLoginFailure(ctx, "ip:1.2.3.4", now.Add(time.Duration(i)*time.Second), w)
		if err != nil || n != i {
			t.Fatalf("failure %d: n=%d %v", i, n, err)
		}
	}
	if n, _ := s.LoginFailures(ctx, "ip:1.2.3.4", now.Add(time.Minute), w); n != 3 {
		t.Fatalf("count = %d", n)
	}
	if n, _ := s.LoginFailures(ctx, "ip:1.2.3.4", now.Add(w+time.Minute), w); n != 0 {
		t.Fatalf("after the window: %d", n)
	}
	if n, _ := s.RecordLoginFailure(ctx, "ip:1.2.3.4", now.Add(w+time.Minute), w); n != 1 {
		t.Fatalf("new window starts at 1, got %d", n)
	}
	if err := s.ClearLoginFailures(ctx, "ip:1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LoginFailures(ctx, "ip:1.2.3.4", now, w); n != 0 {
		t.Fatalf("after clear: %d", n)
	}
}

func testAudit(t *testing.T, s *store.Store) {
	ctx := context.Background()
	for _, a := range []string{"article.publish", "user.create"} {
		if err := s.Audit(ctx, "admin", a, "x", "{}"); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(ctx, 10, 0)
	if err != nil || len(log) != 2 || log[0].Action != "user.create" || log[0].At.IsZero() {
		t.Fatalf("audit = %+v, %v", log, err)
	}
}
