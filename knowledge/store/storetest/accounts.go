package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
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
	key := "ip:1.2.3.4"
	for i := 1; i <= 3; i++ {
		ok, err := s.ReserveLoginAttempt(ctx, key, now.Add(time.Duration(i)*time.Second), w, 3)
		if err != nil || !ok {
			t.Fatalf("attempt %d refused: %v", i, err)
		}
	}
	if ok, err := s.ReserveLoginAttempt(ctx, key, now.Add(time.Minute), w, 3); err != nil || ok {
		t.Fatalf("fourth attempt within the window admitted: %v", err)
	}
	if n, _ := s.LoginFailures(ctx, key, now.Add(time.Minute), w); n != 3 {
		t.Fatalf("a refused attempt is not counted: count = %d", n)
	}
	if n, _ := s.LoginFailures(ctx, key, now.Add(w+time.Minute), w); n != 0 {
		t.Fatalf("after the window: %d", n)
	}
	if ok, _ := s.ReserveLoginAttempt(ctx, key, now.Add(w+2*time.Second), w, 3); !ok {
		t.Fatal("a new window starts afresh")
	}
	if n, _ := s.LoginFailures(ctx, key, now.Add(w+3*time.Second), w); n != 1 {
		t.Fatalf("new window starts at 1, got %d", n)
	}
	if err := s.ReleaseLoginAttempt(ctx, key); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LoginFailures(ctx, key, now.Add(w+3*time.Second), w); n != 0 {
		t.Fatalf("after release: %d", n)
	}
	if err := s.ClearLoginFailures(ctx, key); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LoginFailures(ctx, key, now, w); n != 0 {
		t.Fatalf("after clear: %d", n)
	}
}

// Twenty attempts at once against a limit of five: exactly five are admitted, because the count
// is checked and raised in one statement.
func testLoginReservationRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	now := time.UnixMilli(1_700_000_000_000)
	var wg sync.WaitGroup
	var admitted atomic.Int32
	errs := make(chan error, 20)
	start := make(chan struct{})
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := s.ReserveLoginAttempt(ctx, "pair:10.0.0.1|judge", now, 15*time.Minute, 5)
			if err != nil {
				errs <- err
			}
			if ok {
				admitted.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := admitted.Load(); n != 5 {
		t.Fatalf("%d of 20 concurrent attempts admitted, want 5", n)
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

// At least one active admin always remains. Two admins demoted at the same moment: one demotion
// wins, the other is refused, whatever the interleaving.
func testLastAdmin(t *testing.T, s *store.Store) {
	ctx := context.Background()
	var admins [2]knowledge.User
	for i, name := range []string{"admin.a", "admin.b"} {
		u, err := s.CreateUser(ctx, knowledge.User{Username: name, DisplayName: name, Role: knowledge.RoleAdmin, Active: true, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		admins[i] = u
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range admins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := admins[i]
			u.Role = knowledge.RoleJudge
			<-start
			_, errs[i] = s.UpdateUser(ctx, u)
		}()
	}
	close(start)
	wg.Wait()
	refused := 0
	for _, err := range errs {
		switch {
		case errors.Is(err, knowledge.ErrLastAdmin):
			refused++
		case err != nil:
			t.Fatal(err)
		}
	}
	if refused != 1 {
		t.Fatalf("concurrent demotions of the last two admins: %v, want exactly one refused", errs)
	}
	var last knowledge.User
	for _, u := range admins {
		if got, _ := s.GetUser(ctx, u.ID); got.Role == knowledge.RoleAdmin {
			last = got
		}
	}
	if last.ID == 0 {
		t.Fatal("no admin left")
	}
	off := last
	off.Active = false
	if _, err := s.UpdateUser(ctx, off); !errors.Is(err, knowledge.ErrLastAdmin) {
		t.Fatalf("deactivating the last admin: %v", err)
	}
	// Other changes to the last admin are fine.
	last.DisplayName = "唯一管理员"
	if got, err := s.UpdateUser(ctx, last); err != nil || got.DisplayName != "唯一管理员" {
		t.Fatalf("renaming the last admin: %+v %v", got, err)
	}
	// With a second active admin, the first may step down.
	if _, err := s.CreateUser(ctx, knowledge.User{Username: "admin.c", DisplayName: "c", Role: knowledge.RoleAdmin, Active: true, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(ctx, off); err != nil {
		t.Fatalf("deactivating one of two admins: %v", err)
	}
}
