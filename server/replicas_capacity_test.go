package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// claimsWithinCapacity: one judge, signed in on A and on B, claims more waiting tickets at once
// than their capacity allows, half of the claims through each replica. The capacity holds across
// the two processes: exactly capacity claims win, the others are refused with the capacity rule,
// and the judge's open count is the capacity.
func claimsWithinCapacity(t *testing.T, a, b *replica, admin *apiClient) {
	const capacity = 2
	const name, password = "judge.cap", "pw-judge.cap-0001"
	code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": name, "display_name": name,
		"role": "judge", "court": "沈阳市中级人民法院", "capacity": capacity, "password": password})
	if code != 201 {
		t.Fatalf("create %s: %d %v", name, code, out)
	}
	onA, onB := newAPIClient(t, a.base), newAPIClient(t, b.base)
	for _, c := range []*apiClient{onA, onB} {
		if code := c.login(name, password); code != 200 {
			t.Fatalf("%s login on %s: %d", name, c.base, code)
		}
	}

	// Several enterprises escalate, on either replica, so that more tickets wait than the judge
	// may hold.
	questions := []string{"工资被拖欠三个月", "公司账户被冻结了", "货款一直收不回来", "合同对方违约不交货", "商标被别人抢注了"}
	tickets := make([]int64, len(questions))
	for i, q := range questions {
		r := a
		if i%2 == 1 {
			r = b
		}
		tickets[i], _ = escalateFrom(t, dialChat(t, r.srv(), ""), "210100", q+"，请法官指导")
	}
	if len(tickets) <= capacity {
		t.Fatalf("premise: %d tickets for a capacity of %d", len(tickets), capacity)
	}

	type answer struct {
		code int
		body map[string]any
	}
	answers := make([]answer, len(tickets))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range tickets {
		c := onA
		if i%2 == 1 {
			c = onB
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i].code, answers[i].body = c.do("POST", fmt.Sprintf("/api/v1/judge/tickets/%d/claim", id), nil)
		}()
	}
	close(start)
	wg.Wait()

	wins, codes := 0, make([]int, len(answers))
	for i, ans := range answers {
		codes[i] = ans.code
		switch ans.code {
		case 200:
			wins++
		case 409:
			e, _ := ans.body["error"].(map[string]any)
			if msg, _ := e["message"].(string); e["code"] != "transition_refused" || !strings.Contains(msg, "已达上限") {
				t.Errorf("claim of ticket %d refused without naming the capacity rule: %v", tickets[i], ans.body)
			}
		default:
			t.Errorf("claim of ticket %d answered %d %v", tickets[i], ans.code, ans.body)
		}
	}
	if wins != capacity {
		t.Fatalf("%d of %d concurrent claims on A and B won, want exactly the capacity %d: %v", wins, len(tickets), capacity, codes)
	}
	for _, c := range []*apiClient{onA, onB} {
		code, stats := c.do("GET", "/api/v1/judge/stats", nil)
		if code != 200 || stats["open"] != float64(capacity) {
			t.Fatalf("judge stats on %s: %d %v, want %d open", c.base, code, stats, capacity)
		}
	}
}
