package account_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/auth"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/account"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/sqlite"
	"github.com/courtdesk/courtdesk/knowledge/store/storetest"
)

func setup(t *testing.T) (*account.Service, *store.Store, func(time.Duration)) {
	t.Helper()
	st, err := store.Open(context.Background(), sqlite.Driver{}, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now, advance := storetest.FixedClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	st.SetClock(now)
	svc, err := account.New(st, auth.Bcrypt{Cost: 4}, account.DefaultPolicy(), now)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.Bcrypt{Cost: 4}.Hash("judge-password-1")
	if _, err := st.CreateUser(context.Background(), knowledge.User{Username: "judge.li", DisplayName: "李法官",
		Role: knowledge.RoleJudge, Active: true, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	return svc, st, advance
}

func TestLoginAndSessionExpiry(t *testing.T) {
	svc, _, advance := setup(t)
	ctx := context.Background()
	token, sess, u, err := svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.1", "test")
	if err != nil || u.Username != "judge.li" || sess.CSRF == "" {
		t.Fatalf("login: %v", err)
	}
	if _, _, err := svc.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	// Activity keeps the session alive past the idle timeout...
	for range 3 {
		advance(50 * time.Minute)
		if _, _, err := svc.Authenticate(ctx, token); err != nil {
			t.Fatalf("active session expired: %v", err)
		}
	}
	// ...but an hour and more of silence ends it.
	advance(61 * time.Minute)
	if _, _, err := svc.Authenticate(ctx, token); !errors.Is(err, knowledge.ErrUnauthorized) {
		t.Fatalf("idle session: %v", err)
	}
	// The absolute limit holds even for a busy judge.
	token, _, _, _ = svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.1", "test")
	for range 25 {
		advance(30 * time.Minute)
		svc.Authenticate(ctx, token)
	}
	if _, _, err := svc.Authenticate(ctx, token); !errors.Is(err, knowledge.ErrUnauthorized) {
		t.Fatalf("session past its absolute limit: %v", err)
	}
	if _, _, err := svc.Authenticate(ctx, "forged-token"); !errors.Is(err, knowledge.ErrUnauthorized) {
		t.Fatalf("forged token: %v", err)
	}
}

func TestLoginThrottlePerAccountAndAddress(t *testing.T) {
	svc, _, advance := setup(t)
	ctx := context.Background()
	for i := range 5 {
		if _, _, _, err := svc.Login(ctx, "judge.li", "wrong", "10.0.0.2", "t"); !errors.Is(err, knowledge.ErrUnauthorized) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	// The guessing address is refused for this account, even with the right password...
	if _, _, _, err := svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.2", "t"); !errors.Is(err, account.ErrThrottled) {
		t.Fatalf("throttled pair: %v", err)
	}
	// ...but the judge at another address is not locked out by someone else's guessing.
	if _, _, _, err := svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.9", "t"); err != nil {
		t.Fatalf("the right password from an address that has not failed: %v", err)
	}
	advance(16 * time.Minute)
	if _, _, _, err := svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.2", "t"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// One address guessing over many accounts runs out of its own, larger budget.
func TestLoginThrottlePerAddress(t *testing.T) {
	svc, _, _ := setup(t)
	ctx := context.Background()
	for i := range 20 {
		name := "user" + string(rune('a'+i))
		if _, _, _, err := svc.Login(ctx, name, "wrong", "10.0.0.3", "t"); !errors.Is(err, knowledge.ErrUnauthorized) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, _, _, err := svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.3", "t"); !errors.Is(err, account.ErrThrottled) {
		t.Fatalf("spraying address: %v", err)
	}
	if _, _, _, err := svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.4", "t"); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

// Successful logins give their reservation back: a judge who signs in many times a day from the
// court's one address never runs into the address budget.
func TestSuccessfulLoginsDoNotCount(t *testing.T) {
	svc, _, _ := setup(t)
	ctx := context.Background()
	for i := range 30 {
		if _, _, _, err := svc.Login(ctx, "judge.li", "judge-password-1", "10.0.0.5", "t"); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	svc, st, _ := setup(t)
	ctx := context.Background()
	t1, s1, u, _ := svc.Login(ctx, "judge.li", "judge-password-1", "a", "t")
	t2, _, _, _ := svc.Login(ctx, "judge.li", "judge-password-1", "b", "t")
	if err := svc.ChangePassword(ctx, u, s1, "wrong-old", "new-password-22"); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("wrong old password: %v", err)
	}
	if err := svc.ChangePassword(ctx, u, s1, "judge-password-1", "short"); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("short new password: %v", err)
	}
	if err := svc.ChangePassword(ctx, u, s1, "judge-password-1", "new-password-22"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Authenticate(ctx, t1); err != nil {
		t.Fatalf("the changing session must survive: %v", err)
	}
	if _, _, err := svc.Authenticate(ctx, t2); !errors.Is(err, knowledge.ErrUnauthorized) {
		t.Fatalf("other session survived a password change: %v", err)
	}
	if _, _, _, err := svc.Login(ctx, "judge.li", "new-password-22", "a", "t"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	// A deactivated account loses its sessions at once.
	u, _ = st.GetUserByName(ctx, "judge.li")
	u.Active = false
	st.UpdateUser(ctx, u)
	if _, _, err := svc.Authenticate(ctx, t1); !errors.Is(err, knowledge.ErrUnauthorized) {
		t.Fatalf("deactivated account: %v", err)
	}
}

func TestCSRF(t *testing.T) {
	s := account.Session{CSRF: "abc"}
	if account.CheckCSRF(s, "abc") != nil || account.CheckCSRF(s, "") == nil || account.CheckCSRF(s, "abd") == nil {
		t.Fatal("CSRF comparison wrong")
	}
}
