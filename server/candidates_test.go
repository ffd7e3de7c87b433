package main

import (
	"strconv"
	"testing"
)

// pendingCandidate returns the pending candidate with the given text, or nil.
func pendingCandidate(t *testing.T, admin *apiClient, text string) map[string]any {
	t.Helper()
	code, out := admin.do("GET", "/api/v1/admin/candidates?status=pending", nil)
	if code != 200 {
		t.Fatalf("candidates: %d %v", code, out)
	}
	for _, c := range out["candidates"].([]any) {
		if c := c.(map[string]any); c["text"] == text {
			return c
		}
	}
	return nil
}

// A user's pick in a clarification becomes a candidate phrasing; the search learns it only after
// an admin approves it, and then at once. A rejected wording is not proposed again.
func TestClarifyChoiceLearnedAfterApproval(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	q := "东家一直压着我们的血汗钱咋整"
	const want = "labor-wage-arrears"
	if top, intent := topSource(t, srv.URL, q); top == want && intent == "answer" {
		t.Fatal("premise: before learning, this wording should not be answered from wage arrears")
	}

	ent := dialChat(t, srv, "")
	ent.hello()
	ent.send(map[string]any{"type": "choose", "id": "c1", "text": q, "slug": want})
	if ack := ent.untilType("ack"); ack.str("reply_to") != "c1" || ack.num("seq") <= 0 {
		t.Fatalf("choose ack: %v", ack)
	}
	ans := ent.untilType("answer")
	src, _ := ans["sources"].([]any)
	if ans.str("intent") != "answer" || len(src) != 1 || src[0].(map[string]any)["slug"] != want || ans.str("summary") == "" {
		t.Fatalf("the chosen article should answer: %v", ans)
	}
	if _, ok := ans["passage"].(map[string]any); !ok {
		t.Fatalf("the answer should lead with the article's matching passage: %v", ans)
	}

	c := pendingCandidate(t, admin, q)
	if c == nil || c["slug"] != want || c["source"] != "clarify" || c["title"] == "" {
		t.Fatalf("candidate after the choice: %v", c)
	}
	if top, intent := topSource(t, srv.URL, q); top == want && intent == "answer" {
		t.Fatal("a candidate must not be learned before an admin approves it")
	}
	id := int64(c["id"].(float64))
	if code, out := admin.do("POST", "/api/v1/admin/candidates/"+itoa64(id)+"/approve", map[string]any{}); code != 200 {
		t.Fatalf("approve: %d %v", code, out)
	}
	if top, intent := topSource(t, srv.URL, q); top != want || intent != "answer" {
		t.Fatalf("after approval: top %q intent %q, want %s answered", top, intent, want)
	}
	code, art := admin.do("GET", "/api/v1/admin/articles/"+want, nil)
	phr, _ := art["phrasings"].([]any)
	if code != 200 || len(phr) == 0 || phr[len(phr)-1] != q {
		t.Fatalf("the article's question bank should end with the approved wording: %d %v", code, phr)
	}
	if code, _ := admin.do("POST", "/api/v1/admin/candidates/"+itoa64(id)+"/approve", map[string]any{}); code != 409 {
		t.Fatalf("approving twice: %d, want 409", code)
	}

	// Rejected: remembered, not proposed again.
	q2 := "公司账上那点钱让人家给弄没了咋整"
	ent.send(map[string]any{"type": "choose", "id": "c2", "text": q2, "slug": "enforcement-account-freeze"})
	ent.untilType("answer")
	c2 := pendingCandidate(t, admin, q2)
	if c2 == nil {
		t.Fatal("second choice not proposed")
	}
	if code, _ := admin.do("POST", "/api/v1/admin/candidates/"+itoa64(int64(c2["id"].(float64)))+"/reject", map[string]any{}); code != 200 {
		t.Fatalf("reject: %d", code)
	}
	ent.send(map[string]any{"type": "choose", "id": "c3", "text": q2, "slug": "enforcement-account-freeze"})
	ent.untilType("answer")
	if c := pendingCandidate(t, admin, q2); c != nil {
		t.Fatalf("a rejected wording was proposed again: %v", c)
	}

	// An unknown article gets a typed error and nothing is stored.
	ent.send(map[string]any{"type": "choose", "id": "c4", "text": q2, "slug": "no-such-article"})
	if e := ent.untilType("error"); e.str("code") != "not_found" || e.str("reply_to") != "c4" {
		t.Fatalf("unknown slug: %v", e)
	}
}

// 有帮助 on an answer proposes the question for the article that answered it.
func TestHelpfulAnswerProposesItsQuestion(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	ent := dialChat(t, srv, "")
	ent.hello()
	q := "新来的小伙子试用期到底最长能约定多久啊"
	_, ans := ent.ask("h1", q)
	if ans.str("intent") != "answer" {
		t.Fatalf("premise: the question should be answered, got %v", ans)
	}
	slug := ans["sources"].([]any)[0].(map[string]any)["slug"]
	ent.send(map[string]any{"type": "feedback", "id": "f1", "seq": ans.num("seq"), "helpful": true})
	ent.untilType("ack")
	c := pendingCandidate(t, admin, q)
	if c == nil || c["slug"] != slug || c["source"] != "helpful" {
		t.Fatalf("candidate after 有帮助: %v", c)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// A judge who answers an escalated question with a knowledge-base link proposes that question as a
// phrasing of the linked article.
func TestJudgeReplyLinkProposesTheQuestion(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	judge := newAPIClient(t, srv.URL)
	if judge.login("judge.li", "password-judge.li") != 200 {
		t.Fatal("judge login")
	}
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	ent := dialChat(t, srv, "")
	ent.hello()
	ent.ask("q1", "我想请法官看看")
	const question = "供货商一直拖着不给发票，我们能不能先扣着尾款不付"
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm(question)})
	ent.untilType("escalation_status")
	ts := judge.tickets("")
	if len(ts) != 1 {
		t.Fatalf("queue %v", ts)
	}
	path := "/api/v1/judge/tickets/" + itoa64(int64(ts[0]["id"].(float64)))
	if code, out := judge.do("POST", path+"/claim", nil); code != 200 {
		t.Fatalf("claim: %d %v", code, out)
	}
	if pendingCandidate(t, admin, question) != nil {
		t.Fatal("premise: no candidate before the reply")
	}
	reply := "您好，可以先了解不安抗辩的条件：[不安抗辩权](/kb/contract-insecurity-defense)，并保留催要发票的记录。"
	if code, out := judge.do("POST", path+"/reply", map[string]string{"text": reply}); code != 200 {
		t.Fatalf("reply: %d %v", code, out)
	}
	c := pendingCandidate(t, admin, question)
	if c == nil || c["slug"] != "contract-insecurity-defense" || c["source"] != "judge" || c["ref"] == "" {
		t.Fatalf("candidate after the judge's reply: %v", c)
	}
}
