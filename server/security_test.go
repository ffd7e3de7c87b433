package main

import (
	"sync"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// Twenty wrong passwords sent at once for one account: the failure count is reserved atomically
// before the password check, so at most five reach it and the rest are throttled with a clear
// message, whatever the interleaving.
func TestLoginThrottleHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	var wg sync.WaitGroup
	codes := make([]int, 20)
	msgs := make([]string, 20)
	start := make(chan struct{})
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newAPIClient(t, srv.URL)
			<-start
			code, out := b.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "wrong-password"})
			codes[i] = code
			if e, ok := out["error"].(map[string]any); ok {
				msgs[i], _ = e["message"].(string)
			}
		}()
	}
	close(start)
	wg.Wait()
	n401, n429 := 0, 0
	for i, c := range codes {
		switch c {
		case 401:
			n401++
		case 429:
			n429++
			if msgs[i] != "登录失败次数过多，请 15 分钟后再试" {
				t.Errorf("throttle message %q", msgs[i])
			}
		default:
			t.Errorf("attempt %d: status %d", i, c)
		}
	}
	if n401 > 5 || n401+n429 != 20 {
		t.Fatalf("%d attempts reached the password check (%d throttled), want at most 5", n401, n429)
	}
}

// The only admin cannot demote itself and lock every admin out; with a second admin it can.
func TestLastAdminRemains(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	_, me := admin.do("GET", "/api/v1/auth/me", nil)
	id := itoa(int(me["user"].(map[string]any)["id"].(float64)))
	// A judge needs a court from the list, so the demotion names one: only the last-admin rule
	// may refuse it.
	court := escalation.DefaultCourts()[0].Court
	code, out := admin.do("PATCH", "/api/v1/admin/users/"+id, map[string]any{"role": "judge", "court": court})
	if code != 409 || errCodeOf(out) != "last_admin" {
		t.Fatalf("demoting the only admin: %d %v", code, out)
	}
	if code, _ := admin.do("GET", "/api/v1/admin/users", nil); code != 200 {
		t.Fatalf("the admin lost access: %d", code)
	}
	addUser(t, a, "admin.two", knowledge.RoleAdmin)
	if code, out := admin.do("PATCH", "/api/v1/admin/users/"+id, map[string]any{"role": "judge", "court": court}); code != 200 {
		t.Fatalf("stepping down with another admin left: %d %v", code, out)
	}
}

func errCodeOf(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}
