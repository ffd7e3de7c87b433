package main

import (
	"fmt"
	"testing"
	"time"
)

// killDuringTraffic: an enterprise chats on B; B is killed with SIGKILL with a question in
// flight; the enterprise resumes on A, which kept serving, and resends the unanswered question.
// Every question is stored exactly once. B restarts, catches up with an article published while it
// was down, and delivers live what A stores in a conversation it serves.
func killDuringTraffic(t *testing.T, a, b *replica, admin *apiClient) {
	ent := dialChat(t, b.srv(), "")
	token := ent.hello().str("token")
	for i := 1; i <= 5; i++ {
		ent.ask(fmt.Sprintf("m%d", i), fmt.Sprintf("第%d个问题：加班费怎么算", i))
	}
	// The sixth question is in flight when B dies: it may or may not have been stored.
	ent.send(map[string]any{"type": "ask", "id": "m6", "text": "第6个问题：加班费怎么算"})
	b.kill()

	if top := askTop(t, a.base, "加班费怎么算"); top == "" {
		t.Fatal("A stopped answering while B is down")
	}
	onA := dialChat(t, a.srv(), "token="+token)
	onA.hello()
	onA.ask("m6", "第6个问题：加班费怎么算") // resent with the same id: stored once
	onA.ask("m7", "第7个问题：加班费怎么算")

	// An article published while B is down.
	art := map[string]any{"slug": "ip-trademark-squatting-abroad", "title": "商标在海外被抢注怎么办", "category": "ip",
		"kind": "compliance_advice", "questions": []string{"我们的商标在海外被人抢注了怎么办"},
		"summary": "海外抢注可以通过异议、无效宣告等途径处理。", "body": "## 处理途径\n提出异议或者无效宣告。",
		"status": "published", "tags": []string{"抢注"}}
	if code, out := admin.do("POST", "/api/v1/admin/articles", map[string]any{"article": art, "note": "新建"}); code != 201 {
		t.Fatalf("publish on A while B is down: %d %v", code, out)
	}

	b.start()
	if !eventually(t.Context(), 2*time.Second, func() bool {
		return askTop(t, b.base, "商标在海外被人抢注了怎么办") == "ip-trademark-squatting-abroad"
	}) {
		t.Fatal("B after restart does not know the article published while it was down")
	}
	// B delivers live what A stores.
	onB := dialChat(t, b.srv(), "token="+token)
	hello := onB.hello()
	onA.ask("m8", "第8个问题：加班费怎么算")
	onB.until("question 8 on B", func(f frame) bool { return f.typ() == "message" && f.str("id") == "m8" })

	// Every question is stored exactly once, and the sequence has no hole.
	count := map[string]int{}
	var seqs []int64
	for _, m := range messagesOf(hello) {
		seqs = append(seqs, m.num("seq"))
		if m.str("role") == "enterprise" {
			count[m.str("id")]++
		}
	}
	for i := 1; i <= 7; i++ {
		if id := fmt.Sprintf("m%d", i); count[id] != 1 {
			t.Fatalf("question %s stored %d times; stored questions %v", id, count[id], count)
		}
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("sequence numbers %v", seqs)
		}
	}
}
