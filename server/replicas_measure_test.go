package main

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMeasureCrossReplica measures, on two real replicas, the delay from a judge's reply posted on
// B to the enterprise's socket on A, and the rate of claims by judges on both replicas. Figures go
// to docs/PERFORMANCE.md; the test only runs with COURTDESK_MEASURE=1 and asserts no timing.
func TestMeasureCrossReplica(t *testing.T) {
	if os.Getenv("COURTDESK_MEASURE") == "" {
		t.Skip("set COURTDESK_MEASURE=1 to measure cross-replica delivery and claim throughput")
	}
	a, b, admin, _ := startCluster(t)
	judgeB := judgeOn(t, admin, b, "judge.b")

	ent := dialChat(t, a.srv(), "")
	ent.hello()
	ent.ask("q1", "公司账户被冻结了怎么办")
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("账户被冻结，请法官指导")})
	ent.untilType("escalation_status")
	id := waitingTicket(t, judgeB)
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", id)
	if code, _ := judgeB.do("POST", path+"/claim", nil); code != 200 {
		t.Fatalf("claim: %d", code)
	}
	const replies = 200
	lat := make([]time.Duration, 0, replies)
	for i := range replies {
		text := fmt.Sprintf("第%d条答复", i)
		start := time.Now()
		if code, _ := judgeB.do("POST", path+"/reply", map[string]string{"text": text}); code != 200 {
			t.Fatalf("reply %d: %d", i, code)
		}
		ent.until(text, func(f frame) bool { return f.typ() == "judge_message" && f.str("text") == text })
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	t.Logf("cross-replica delivery, reply on B → enterprise socket on A, %d replies: p50 %v, p99 %v, max %v",
		replies, pct(0.50).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(100*time.Microsecond))

	// Claim throughput: tickets escalated on A; 8 judges, half on A and half on B, claim them all
	// at once. Each ticket has one owner.
	const tickets, judges = 80, 8
	for i := range tickets {
		c := dialChat(t, a.srv(), "")
		c.hello()
		c.ask("q", "工资被拖欠了怎么办")
		c.send(map[string]any{"type": "escalate", "id": "e", "form": validForm(fmt.Sprintf("工资被拖欠（%d）", i))})
		c.untilType("escalation_status")
		c.conn.Close()
	}
	var ids []int
	for _, tk := range judgeB.tickets("?limit=200") {
		if tk["state"] == "waiting" {
			ids = append(ids, int(tk["id"].(float64)))
		}
	}
	if len(ids) < tickets {
		t.Fatalf("waiting tickets %d, want %d", len(ids), tickets)
	}
	var clients []*apiClient
	for j := range judges {
		r := a
		if j%2 == 1 {
			r = b
		}
		clients = append(clients, judgeOn(t, admin, r, fmt.Sprintf("claimer.%d", j)))
	}
	var won, lost atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for j, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range ids {
				tk := ids[(k+j*len(ids)/judges)%len(ids)]
				switch code, _ := c.do("POST", fmt.Sprintf("/api/v1/judge/tickets/%d/claim", tk), nil); code {
				case 200:
					won.Add(1)
				default:
					lost.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if won.Load() != int64(len(ids)) {
		t.Fatalf("%d tickets, %d successful claims", len(ids), won.Load())
	}
	t.Logf("claims: %d tickets, %d judges on 2 replicas, %d attempts in %v: %.0f successful claims/s, %.0f attempts/s",
		len(ids), judges, won.Load()+lost.Load(), took.Round(time.Millisecond),
		float64(won.Load())/took.Seconds(), float64(won.Load()+lost.Load())/took.Seconds())
}
